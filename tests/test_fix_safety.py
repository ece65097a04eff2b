"""Fixes are safe (issue 8).

Every fix of every rule, on every fixture: the fixed file parses, compiles and a second
``--fix`` changes nothing. The rules with fixes are read from the registry, so a new rule is
covered as soon as it has a fixture. Writing never loses a file: a file changed meanwhile, a
read-only file or a failing write leaves the original as it was (reported as FAPI002), and
writes are atomic and keep mode bits, owner, encoding and line endings.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
from pathlib import Path

import libcst as cst
import pytest
from harness import FIXTURES, run, settings_for

import fastapi_lint.core.source
import fastapi_lint.engine.fixing
from fastapi_lint.core.apply_fixes import compiles
from fastapi_lint.core.source import WriteConflictError, read_source, write_source
from fastapi_lint.engine.outcomes import RunOptions
from fastapi_lint.engine.runner import Runner
from fastapi_lint.lint.context import PendingFix
from fastapi_lint.lint.rule import FixAvailability, Rule
from fastapi_lint.rules.registry import all_rules, rule_by_code

RULE_FIXTURES = FIXTURES / "rules"
FIXABLE = sorted(r.code for r in all_rules() if r.fix_availability is not FixAvailability.NONE)

BLOCKING = """\
import time


async def handler():
    time.sleep(1)
"""
FIXED = """\
import asyncio
import time


async def handler():
    await asyncio.sleep(1)
"""


def _fixture_cases() -> list:
    cases = [pytest.param(FIXTURES / "showcase", id="showcase")]
    for rule_dir in sorted(RULE_FIXTURES.iterdir()):
        for entry in sorted(rule_dir.iterdir()) if rule_dir.is_dir() else ():
            if entry.is_dir() or entry.suffix == ".py":
                cases.append(pytest.param(entry, id=f"{rule_dir.name}/{entry.name}"))
    return cases


def _copy_case(case: Path, tmp_path: Path) -> Path:
    if case.is_dir():
        target = tmp_path / case.name
        shutil.copytree(case, target)
        return target
    target = tmp_path / "case"
    target.mkdir()
    shutil.copy2(case, target / case.name)
    return target / case.name


def _python_files(root: Path) -> dict[Path, bytes]:
    paths = sorted(root.rglob("*.py")) if root.is_dir() else [root]
    return {path: path.read_bytes() for path in paths}


def _fix(target: Path):
    """``check --fix --unsafe-fixes --select ALL`` on ``target``, writing the files."""
    return run(target, ["ALL"], fix=True, unsafe_fixes=True, diff=False)


@pytest.mark.parametrize("case", _fixture_cases())
def test_every_fix_parses_compiles_and_is_idempotent(case: Path, tmp_path: Path) -> None:
    target = _copy_case(case, tmp_path)
    before = _python_files(target)
    result = _fix(target)
    for outcome in result.outcomes:
        assert outcome.fix_error is None, (outcome.source.display, outcome.fix_error)
        codes = {d.code for d in outcome.diagnostics}
        assert not codes & {"FAPI002", "FAPI003"}, (outcome.source.display, codes)
    after = _python_files(target)
    for path, data in after.items():
        if data == before[path]:
            continue
        text = data.decode("utf-8")
        cst.parse_module(text)  # the fixed file parses
        if compiles(before[path].decode("utf-8"), str(path)):
            assert compiles(text, str(path)), f"{path.name}: the fixed file does not compile"
    # A second --fix changes nothing and applies nothing.
    again = _fix(target)
    assert again.fixed_count == 0, {o.source.display: o.fixes_applied for o in again.outcomes}
    assert _python_files(target) == after


def test_every_rule_with_a_fix_has_a_fixture_where_it_applies(tmp_path: Path) -> None:
    """So that the test above covers every fix, present and future."""
    applied: set[str] = set()
    for param in _fixture_cases():
        (case,) = param.values
        result = run(case, ["ALL"], fix=True, unsafe_fixes=True, diff=True)
        for outcome in result.outcomes:
            applied.update(outcome.fixes_applied)
    missing = [code for code in FIXABLE if code not in applied]
    assert not missing, f"rules with a fix that no fixture exercises: {missing}"


class _DropAsync(Rule):
    """A rule whose fix is fine alone but clashes with FAPI101's: it turns ``async def`` into
    ``def`` while FAPI101 adds an ``await`` in the body. Not registered (no ``code`` in the
    class body), so that no other test sees it."""

    name = "drop-async"
    summary = "test rule"
    fix_availability = FixAvailability.ALWAYS

    def visit_FunctionDef(self, node: cst.FunctionDef, ctx) -> None:
        if node.asynchronous is not None:
            edit = ctx.replace_full(node.asynchronous, "")
            ctx.report(node, "not async", fix=PendingFix.safe("Drop async", edit))


_DropAsync.code = "FAPI999"
_DropAsync.handlers = {"FunctionDef": "visit_FunctionDef"}


def test_fixes_that_clash_are_applied_one_at_a_time(tmp_path: Path) -> None:
    """Together the two fixes give ``await`` in a ``def`` (does not compile): each is tried
    alone, and the file ends up fixed and compiling instead of not fixed at all."""
    path = _project(tmp_path)
    settings = settings_for(tmp_path)
    runner = Runner(settings, [rule_by_code("FAPI101"), _DropAsync], cwd=tmp_path)
    result = runner.run(RunOptions(paths=[path], fix=True, use_cache=False, jobs=1))
    (outcome,) = result.outcomes
    # FAPI101's fix comes first (its import is at the top) and is kept; then the other
    # would put an `await` in a `def`: refused, and said so.
    assert path.read_text() == FIXED
    assert outcome.fixes_applied == {"FAPI101": 1}
    assert outcome.fix_error == (
        "fixes for FAPI999 were not applied: the result would not parse or compile"
    )


# -- writing -----------------------------------------------------------------------------------


def _project(tmp_path: Path, text: str = BLOCKING) -> Path:
    path = tmp_path / "app.py"
    path.write_text(text)
    return path


def _fapi002(result) -> list[str]:
    return [d.message for _, d in result.diagnostics if d.code == "FAPI002"]


def test_a_file_changed_after_it_was_checked_is_not_overwritten(
    tmp_path: Path, monkeypatch
) -> None:
    path = _project(tmp_path)
    edited = BLOCKING + "\n# saved by an editor meanwhile\n"
    import fastapi_lint.engine.runner as runner_module

    real_project_pass = runner_module.run_project_pass

    def edit_then_project_pass(session, outcomes, *args, **kwargs):
        path.write_text(edited)  # between the per-file pass and the fixes
        return real_project_pass(session, outcomes, *args, **kwargs)

    monkeypatch.setattr(runner_module, "run_project_pass", edit_then_project_pass)
    result = run(tmp_path, fix=True, diff=False)
    assert path.read_text() == edited
    assert _fapi002(result) == [
        "Fixes not written: the file changed on disk while it was being checked; "
        "the file was left unchanged"
    ]
    assert [d.code for _, d in result.diagnostics] == ["FAPI002", "FAPI101"]  # findings stand
    assert result.fixed_count == 0


def test_a_file_changed_while_its_fixes_were_computed_is_not_overwritten(
    tmp_path: Path, monkeypatch
) -> None:
    path = _project(tmp_path)
    edited = BLOCKING.replace("sleep(1)", "sleep(2)")  # same size, different bytes
    real_write = fastapi_lint.engine.fixing.write_source

    def edit_then_write(target, original, text):
        path.write_text(edited)  # just before the write: the last moment to notice
        return real_write(target, original, text)

    monkeypatch.setattr(fastapi_lint.engine.fixing, "write_source", edit_then_write)
    result = run(tmp_path, fix=True, diff=False)
    assert path.read_text() == edited
    assert _fapi002(result) == [
        "Fixes not written: the file changed on disk while it was being checked; "
        "the file was left unchanged"
    ]


def test_a_read_only_file_is_reported_not_lost(tmp_path: Path) -> None:
    path = _project(tmp_path)
    path.chmod(0o444)
    result = run(tmp_path, fix=True, diff=False)
    assert path.read_text() == BLOCKING
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert _fapi002(result) == [
        "Fixes not written: the file is read-only; the file was left unchanged"
    ]
    assert "FAPI101" in {d.code for _, d in result.diagnostics}


@pytest.mark.parametrize(
    ("failing", "error"),
    [
        ("replace", PermissionError(errno.EACCES, "Permission denied")),
        ("fsync", OSError(errno.ENOSPC, "No space left on device")),
        ("chmod", OSError(errno.EPERM, "Operation not permitted")),
    ],
)
def test_a_failing_write_leaves_the_original_and_no_temporary_file(
    tmp_path: Path, monkeypatch, failing: str, error: OSError
) -> None:
    path = _project(tmp_path)

    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(fastapi_lint.core.source.os, failing, fail)
    result = run(tmp_path, fix=True, diff=False)
    monkeypatch.undo()
    assert path.read_text() == BLOCKING
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.py"]
    assert _fapi002(result) == [f"Fixes not written: {error.strerror}; the file was left unchanged"]


def test_writes_are_atomic(tmp_path: Path, monkeypatch) -> None:
    """The new text is complete in a temporary file beside the original before it replaces
    it in one rename: at no moment is the file half written."""
    path = _project(tmp_path)
    real_replace = os.replace
    seen = []

    def checking_replace(source, destination):
        assert Path(destination) == path
        assert Path(source).parent == path.parent
        assert Path(source).read_text() == FIXED  # complete before the rename
        assert path.read_text() == BLOCKING  # the original untouched until then
        seen.append(source)
        real_replace(source, destination)

    monkeypatch.setattr(fastapi_lint.core.source.os, "replace", checking_replace)
    run(tmp_path, fix=True, diff=False)
    assert seen and path.read_text() == FIXED


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o755, 0o2775, 0o4700])
def test_mode_bits_are_kept(tmp_path: Path, mode: int) -> None:
    path = _project(tmp_path)
    path.chmod(mode)
    run(tmp_path, fix=True, diff=False)
    assert path.read_text() == FIXED
    assert stat.S_IMODE(path.stat().st_mode) == mode


def test_owner_is_kept(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("only root can give a file to another user")
    path = _project(tmp_path)
    os.chown(path, 65534, 65534)
    run(tmp_path, fix=True, diff=False)
    assert path.read_text() == FIXED
    assert (path.stat().st_uid, path.stat().st_gid) == (65534, 65534)


def test_a_linked_file_is_fixed_through_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real" / "app.py"
    real.parent.mkdir()
    real.write_text(BLOCKING)
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").symlink_to(real)
    run(project / "app.py", fix=True, diff=False)  # named explicitly: asked for
    assert (project / "app.py").is_symlink()
    assert real.read_text() == FIXED


def test_a_fix_the_encoding_cannot_hold_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_bytes("# coding: latin-1\nx = 'caf\xe9'\n".encode("latin-1"))
    source = read_source(path)
    with pytest.raises(WriteConflictError, match="cannot be encoded as iso-8859-1"):
        write_source(path, source, source.text + "y = '\u20ac'\n")
    assert path.read_bytes() == "# coding: latin-1\nx = 'caf\xe9'\n".encode("latin-1")
