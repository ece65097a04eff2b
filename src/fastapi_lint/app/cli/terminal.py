"""What the command line prints and how: exit codes, colour, progress, verbose notes, report
chunks, statistics."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


def use_color(stream) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def echo_chunks(chunks, err: bool) -> None:
    """Write the report as it is made, in pieces of some 64 kB."""
    pending: list[str] = []
    size = 0
    for chunk in chunks:
        pending.append(chunk)
        size += len(chunk)
        if size >= 65536:
            click.echo("".join(pending), nl=False, err=err)
            pending.clear()
            size = 0
    if pending and size:
        click.echo("".join(pending), nl=False, err=err)


def read_text(path: Path) -> str | None:
    """A file's text, or None when it cannot be read or decoded (the report goes on)."""
    from fastapi_lint.core.source import SourceDecodeError, SourceReadError, read_source

    try:
        return read_source(path).text
    except (SourceReadError, SourceDecodeError):
        return None


def attach_sources(entries) -> None:
    cache: dict[Path, str | None] = {}
    for entry in entries:
        if entry.source is not None:
            continue
        if entry.absolute not in cache:
            cache[entry.absolute] = read_text(entry.absolute)
        entry.source = cache[entry.absolute]


def statistics(entries, unsafe_fixes: bool, output_format: str) -> str:
    import json

    from fastapi_lint.app.report import root_of
    from fastapi_lint.core.diagnostics import Applicability

    counts: dict[str, list] = {}
    # Root causes shared by findings (FAPI102 chains): code -> distinct roots.
    roots: dict[str, set[str]] = {}
    for entry in entries:
        d = entry.diagnostic
        row = counts.setdefault(d.code, [d.code, d.name, 0, 0])
        row[2] += 1
        if d.fix is not None and (d.fix.applicability is Applicability.SAFE or unsafe_fixes):
            row[3] += 1
        root = root_of(entry)
        if root is not None:
            roots.setdefault(d.code, set()).add(root)
    rows = sorted(counts.values(), key=lambda r: (-r[2], r[0]))
    if output_format in ("json", "json-lines"):
        items = []
        for c, n, k, f in rows:
            item = {"code": c, "name": n, "count": k, "fixable": f > 0}
            if c in roots:
                item["roots"] = len(roots[c])
            items.append(item)
        return json.dumps(items, indent=2) + "\n"
    if not rows:
        return ""
    width = max(len(str(r[2])) for r in rows)
    lines = [
        f"{str(count).rjust(width)}\t{code}\t{'[*]' if fixable else '[ ]'} {name}"
        + (
            f" ({len(roots[code])} root cause{'s' if len(roots[code]) != 1 else ''})"
            if code in roots
            else ""
        )
        for code, name, count, fixable in rows
    ]
    return "\n".join(lines) + "\n"


def peak_memory_mb(children: bool = False) -> int:
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return 0
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    peak = resource.getrusage(who).ru_maxrss
    return peak // (1024 * 1024) if sys.platform == "darwin" else peak // 1024


def warn_unresolved(found) -> None:
    missed = found.total - found.resolved
    packages = ", ".join(
        f"`{name}`" for name, _ in sorted(found.unresolved.items(), key=lambda i: -i[1])[:3]
    )
    click.echo(
        f"warning: {missed} of {found.total} imports of the project's own packages ({packages}) "
        "did not resolve, so findings that cross modules are missing; set `src` in "
        "[tool.fastapi-lint] to the folders that hold your top-level packages",
        err=True,
    )


def verbose(message: str) -> None:
    click.echo(f"[fastapi-lint] {message}", err=True)


def progress_bar(done: int, total: int) -> None:
    if total < 50:
        return
    width = 30
    filled = int(width * done / total) if total else width
    click.echo(
        f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} files", nl=False, err=True
    )


def fix_only_summary(context, quiet: bool) -> list[str]:
    """ruff's ``--fix-only`` summary: what was fixed (listed with ``--show-fixes``), nothing
    about what remains."""
    fixed = context.fixed
    if quiet or not fixed:
        return []
    if context.show_fixes:
        from fastapi_lint.app.report.text import applied_fix_lines

        lines = applied_fix_lines(context)
    else:
        lines = [f"Fixed {fixed} error{'s' if fixed != 1 else ''}."]
    return [f"{line}\n" for line in lines]
