"""The human formats: ``full`` (with a source snippet and carets) and ``concise``."""

from __future__ import annotations

from collections.abc import Iterator

import click

from fastapi_lint.app.report import Entry, ReportContext, also_lines, group_by_root, root_of
from fastapi_lint.core.diagnostics import Applicability

_CONTEXT_LINES = 2


def _style(context: ReportContext, text: str, **kwargs) -> str:
    return click.style(text, **kwargs) if context.color else text


def _fix_marker(entry: Entry, context: ReportContext) -> str:
    fix = entry.diagnostic.fix
    if fix is not None and fix.applicability.allowed(context.unsafe_fixes):
        return _style(context, "[*] ", fg="cyan") if context.color else "[*] "
    return ""


def _also_header(entry: Entry, group: list[Entry]) -> str:
    count = len(group)
    root = root_of(entry) or ""
    return (
        f"its root cause, {root}, also blocks {count} other call site{'s' if count != 1 else ''}"
        " (fixing it there fixes them all):"
    )


def render_concise(entries: list[Entry], context: ReportContext) -> str:
    lines = []
    shown, grouped = group_by_root(entries)
    for entry in shown:
        d = entry.diagnostic
        location = f"{entry.path}:{d.location.row}:{d.location.column}:"
        lines.append(
            f"{_style(context, location, bold=True)} {_style(context, d.code, fg='red', bold=True)} "
            f"{_fix_marker(entry, context)}{d.message}"
        )
        group = grouped.get(id(entry))
        if group:
            lines.append(f"    {_also_header(entry, group).capitalize()}")
            lines.extend(f"      {line}" for line in also_lines(group))
    lines.extend(summary_lines(entries, context))
    return "\n".join(lines) + ("\n" if lines else "")


def render_full(entries: list[Entry], context: ReportContext) -> str:
    return "".join(render_full_chunks(entries, context))


def render_full_chunks(entries: list[Entry], context: ReportContext) -> Iterator[str]:
    """The ``full`` report piece by piece (a large project's report is written as it is
    made, never held whole in memory). Entries come file by file: a file's text (from the
    entry, else read through ``context.load_source``) is split once, and only one file's
    lines are held at a time."""
    written = False
    held = source_lines = None  # which file's lines are held, and they
    shown, grouped = group_by_root(entries)
    for entry in shown:
        if entry.source is not None:
            key = ("text", id(entry.source))
            if key != held:
                held, source_lines = key, entry.source.splitlines()
        elif context.load_source is not None:
            key = ("path", entry.absolute)
            if key != held:
                text = context.load_source(entry.absolute)
                held, source_lines = key, text.splitlines() if text is not None else None
        else:
            held = source_lines = None
        block = _full_block(entry, context, source_lines, grouped.get(id(entry)))
        yield "\n" + block if written else block
        written = True
    for line in summary_lines(entries, context):
        yield "\n" + line if written else line
        written = True
    if written:
        yield "\n"


def _full_block(
    entry: Entry,
    context: ReportContext,
    source_lines: list[str] | None,
    group: list[Entry] | None = None,
) -> str:
    d = entry.diagnostic
    header = (
        f"{_style(context, d.code, fg='red', bold=True)} {_fix_marker(entry, context)}"
        f"{_style(context, d.message, bold=True)}"
    )
    out = [header]
    row = d.location.row
    gutter_width = len(str(min(row + _CONTEXT_LINES, len(source_lines or []) or row)))
    gutter_width = max(gutter_width, len(str(row)))
    pad = " " * gutter_width
    arrow = _style(context, "-->", fg="blue", bold=True)
    out.append(f"{pad}{arrow} {entry.path}:{row}:{d.location.column}")
    if source_lines and 1 <= row <= len(source_lines) and context.show_source:
        bar = _style(context, "|", fg="blue", bold=True)
        out.append(f"{pad} {bar}")
        first = max(1, row - _CONTEXT_LINES)
        last = min(len(source_lines), row + _CONTEXT_LINES)
        for number in range(first, last + 1):
            text = source_lines[number - 1].replace("\t", "    ")
            label = _style(context, str(number).rjust(gutter_width), fg="blue", bold=True)
            out.append(f"{label} {bar} {text}".rstrip())
            if number == row:
                line = source_lines[row - 1]
                start = d.location.column - 1
                if d.end_location.row == row:
                    end = max(d.end_location.column - 1, start + 1)
                else:
                    end = max(len(line), start + 1)
                prefix = line[:start].replace("\t", "    ")
                width = len(line[start:end].replace("\t", "    ")) or 1
                carets = _style(context, "^" * width, fg="red", bold=True)
                out.append(f"{pad} {bar} {' ' * len(prefix)}{carets}")
        out.append(f"{pad} {bar}")
    fix = d.fix
    if fix is not None:
        label = "help" if fix.applicability is Applicability.SAFE else "help (unsafe fix)"
        out.append(f"{_style(context, label, bold=True)}: {fix.message}")
    if group:
        out.append(f"{_style(context, 'note', bold=True)}: {_also_header(entry, group)}")
        out.extend(f"  {line}" for line in also_lines(group))
    out.append("")
    return "\n".join(out)


def applied_fix_lines(context: ReportContext) -> list[str]:
    """``--show-fixes``: how many fixes of each rule were applied to each file."""
    lines = [f"Fixed {context.fixed} error{'s' if context.fixed != 1 else ''}:"]
    for path, codes in sorted(context.fixes_by_file.items()):
        lines.append(f"- {path}:")
        for code, count in sorted(codes.items()):
            lines.append(f"    {count} × {code}")
    return lines


def summary_lines(entries: list[Entry], context: ReportContext) -> list[str]:
    if context.quiet:
        return []
    lines = []
    if context.show_fixes and context.fixes_by_file:
        lines.append("")
        lines.extend(applied_fix_lines(context))
    remaining = len(entries)
    if remaining == 0 and context.fixed == 0:
        lines.append("All checks passed!")
        return lines
    if context.fixed:
        lines.append(
            f"Found {remaining + context.fixed} error{'s' if remaining + context.fixed != 1 else ''} "
            f"({context.fixed} fixed, {remaining} remaining)."
        )
    else:
        lines.append(f"Found {remaining} error{'s' if remaining != 1 else ''}.")
    safe = sum(
        1
        for e in entries
        if e.diagnostic.fix and e.diagnostic.fix.applicability is Applicability.SAFE
    )
    unsafe = sum(
        1
        for e in entries
        if e.diagnostic.fix and e.diagnostic.fix.applicability is Applicability.UNSAFE
    )
    fixable = safe + (unsafe if context.unsafe_fixes else 0)
    hidden = 0 if context.unsafe_fixes else unsafe
    if fixable and not context.fix_mode:
        option = "`--fix --unsafe-fixes`" if context.unsafe_fixes and unsafe else "`--fix`"
        line = f"[*] {fixable} fixable with the {option} option"
        if hidden:
            line += f" ({hidden} hidden fix{'es' if hidden != 1 else ''} can be enabled with the `--unsafe-fixes` option)"
        lines.append(line + ".")
    elif hidden:
        lines.append(
            f"No fixes available ({hidden} hidden fix{'es' if hidden != 1 else ''} can be enabled "
            "with the `--unsafe-fixes` option)."
        )
    return lines
