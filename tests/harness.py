"""Shared helpers for the tests: run the linter in-process on files, directories or text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from fastapi_lint.config.loading import load_settings
from fastapi_lint.config.settings import Settings
from fastapi_lint.core.diagnostics import Diagnostic
from fastapi_lint.engine.outcomes import RunOptions
from fastapi_lint.engine.runner import Runner
from fastapi_lint.rules.selection import select_rules

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"

EXPECTATION = re.compile(r"#.*?\berror:\s*(?P<codes>FAPI\d{3}(?:\s*,\s*FAPI\d{3})*)")
SELECT_HEADER = re.compile(r"^# fixture: select=(?P<codes>[A-Z0-9,]+)\s*$", re.MULTILINE)


@dataclass
class Finding:
    path: str
    row: int
    code: str


def settings_for(root: Path, select: list[str] | None = None, **overrides) -> Settings:
    settings = load_settings(root)
    settings.root = root
    settings.src = [root]
    if (root / "src").is_dir():
        settings.src.append(root / "src")
    if select is not None:
        settings.select = select
    for key, value in overrides.items():
        setattr(settings, key, value)
    return settings


def run(
    target: Path,
    select: list[str] | None = None,
    *,
    fix: bool = False,
    unsafe_fixes: bool = False,
    diff: bool = True,
    **overrides,
):
    """Check ``target`` (a file or a directory treated as a project root). ``diff=True`` computes
    fixes without writing them."""
    root = target if target.is_dir() else target.parent
    settings = settings_for(root, select, **overrides)
    rules = select_rules(settings.select, settings.ignore, settings.extend_select)
    runner = Runner(settings, rules, cwd=root)
    return runner.run(
        RunOptions(
            paths=[target],
            fix=fix,
            unsafe_fixes=unsafe_fixes,
            diff=diff and fix,
            use_cache=False,
            jobs=1,
        )
    )


def findings(result) -> list[Finding]:
    return sorted(
        (Finding(o.source.display, d.location.row, d.code) for o, d in result.diagnostics),
        key=lambda f: (f.path, f.row, f.code),
    )


def snapshot_text(result) -> str:
    """The full output of a run as a fixture snapshot: each finding on one line (path, row,
    column, code, message), its fix title and applicability indented under it."""
    lines = []
    ordered = sorted(
        result.diagnostics,
        key=lambda item: (
            item[0].source.display,
            item[1].location.row,
            item[1].location.column,
            item[1].code,
        ),
    )
    for outcome, diagnostic in ordered:
        location = diagnostic.location
        lines.append(
            f"{outcome.source.display}:{location.row}:{location.column}: "
            f"{diagnostic.code} {diagnostic.message}"
        )
        if diagnostic.fix is not None:
            lines.append(
                f"    fix ({diagnostic.fix.applicability.value}): {diagnostic.fix.message}"
            )
    return "".join(line + "\n" for line in lines)


def expected_findings(files: list[Path], root: Path) -> list[Finding]:
    expected = []
    for file in files:
        display = file.relative_to(root).as_posix()
        for row, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            match = EXPECTATION.search(line)
            if match:
                for code in re.split(r"\s*,\s*", match.group("codes")):
                    expected.append(Finding(display, row, code))
    return sorted(expected, key=lambda f: (f.path, f.row, f.code))


def check_text(
    text: str,
    select: list[str] | None = None,
    tmp_path: Path | None = None,
    name: str = "module.py",
) -> list[Diagnostic]:
    """Diagnostics for one module given as text (written to a temporary directory)."""
    import tempfile

    directory = Path(tempfile.mkdtemp()) if tmp_path is None else tmp_path
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    result = run(path, select)
    return [d for _, d in result.diagnostics]
