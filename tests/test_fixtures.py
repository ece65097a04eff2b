"""Every fixture under fixtures/rules/<CODE>/ is a test case.

A case is a ``.py`` file (a one-module project) or a directory (a multi-module project rooted
there). Expected findings are written on the line where they must start: ``# error: FAPI101``.
``# fixture: select=FAPI1`` in a case selects other rules than the directory's code.
Next to a file, ``<file>.fixed`` is the exact expected result of ``--fix`` and
``<file>.unsafe-fixed`` the result of ``--fix --unsafe-fixes``.

Every case has its full expected output beside it in ``<case>.snap`` (``basics.py.snap``,
``cross_module.snap``): one line per finding (path, row, column, code, message) and the fix
title with its applicability under it. Regenerate them after a deliberate message change with

    FASTAPI_LINT_UPDATE_SNAPSHOTS=1 uv run pytest tests/test_fixtures.py -k snapshot

and read the diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from harness import FIXTURES, SELECT_HEADER, expected_findings, findings, run, snapshot_text

from fastapi_lint.core.apply_fixes import compiles
from fastapi_lint.rules.registry import all_rules

RULE_FIXTURES = FIXTURES / "rules"


def _cases():
    for rule_dir in sorted(RULE_FIXTURES.iterdir()):
        if not rule_dir.is_dir():
            continue
        for entry in sorted(rule_dir.iterdir()):
            if entry.is_dir() or entry.suffix == ".py":
                yield pytest.param(rule_dir.name, entry, id=f"{rule_dir.name}/{entry.name}")


def _python_files(entry: Path) -> list[Path]:
    if entry.is_dir():
        return sorted(p for p in entry.rglob("*.py"))
    return [entry]


def _select(code: str, files: list[Path]) -> list[str]:
    selected = []
    for file in files:
        for match in SELECT_HEADER.finditer(file.read_text(encoding="utf-8")):
            selected.extend(match.group("codes").split(","))
    return selected or [code]


@pytest.mark.parametrize(("code", "entry"), list(_cases()))
def test_fixture_findings(code: str, entry: Path) -> None:
    files = _python_files(entry)
    root = entry if entry.is_dir() else entry.parent
    result = run(entry, _select(code, files))
    assert findings(result) == expected_findings(files, root)


UPDATE_SNAPSHOTS = os.environ.get("FASTAPI_LINT_UPDATE_SNAPSHOTS") == "1"


@pytest.mark.parametrize(("code", "entry"), list(_cases()))
def test_fixture_snapshot(code: str, entry: Path) -> None:
    """The exact messages and fix titles of a case, as written in ``<case>.snap``."""
    result = run(entry, _select(code, _python_files(entry)))
    actual = snapshot_text(result)
    snapshot = entry.with_name(entry.name + ".snap")
    if UPDATE_SNAPSHOTS:
        snapshot.write_text(actual, encoding="utf-8")
    assert snapshot.exists(), f"no {snapshot.name}: run with FASTAPI_LINT_UPDATE_SNAPSHOTS=1"
    assert actual == snapshot.read_text(encoding="utf-8")


def _fix_cases():
    for path in sorted(RULE_FIXTURES.rglob("*.py")):
        for suffix, unsafe in ((".fixed", False), (".unsafe-fixed", True)):
            expected = path.with_name(path.name + suffix)
            if expected.exists():
                code = path.relative_to(RULE_FIXTURES).parts[0]
                yield pytest.param(
                    code, path, expected, unsafe, id=f"{path.relative_to(RULE_FIXTURES)}{suffix}"
                )


def _case_root(path: Path) -> Path:
    """The project a fixture file belongs to: its top-level case directory, or the file."""
    relative = path.relative_to(RULE_FIXTURES)
    if len(relative.parts) > 2:
        return RULE_FIXTURES / relative.parts[0] / relative.parts[1]
    return path


@pytest.mark.parametrize(("code", "path", "expected", "unsafe"), list(_fix_cases()))
def test_fixture_fixes(code: str, path: Path, expected: Path, unsafe: bool) -> None:
    case = _case_root(path)
    select = _select(code, _python_files(case))
    result = run(case, select, fix=True, unsafe_fixes=unsafe)
    outcome = next(o for o in result.outcomes if o.source.path == path)
    assert outcome.fix_error is None
    fixed = (
        outcome.fixed_text if outcome.fixed_text is not None else path.read_text(encoding="utf-8")
    )
    assert fixed == expected.read_text(encoding="utf-8")
    # The fixed file compiles, and fixing it again changes nothing.
    assert compiles(fixed, str(path))


def test_every_rule_has_fixtures_with_positive_and_negative_cases() -> None:
    for rule in all_rules():
        if rule.always_enabled:
            continue
        directory = RULE_FIXTURES / rule.code
        assert directory.is_dir(), f"{rule.code} has no fixtures/rules/{rule.code}/"
        files = sorted(directory.rglob("*.py"))
        expectations = expected_findings(files, directory)
        assert any(f.code == rule.code for f in expectations), f"{rule.code}: no positive case"
        assert any(not expected_findings([f], f.parent) or "negative" in f.name for f in files), (
            f"{rule.code}: no negative case (a fixture without expected findings)"
        )
