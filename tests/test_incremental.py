"""A run after a few files changed skips the project pass when it would say the same (see
``Runner._run_incremental``). Each step below edits the project, then checks that the cached
run reports exactly what a run without any cache reports, and whether the shortcut was
taken."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from test_project_context import DEPS  # an async dependency that blocks

from fastapi_lint.config.loading import load_settings
from fastapi_lint.engine.outcomes import RunOptions, Shortcut
from fastapi_lint.engine.runner import Runner
from fastapi_lint.rules.selection import select_rules

HELPERS = """\
import time


def load_rates():
    time.sleep(1)  # a slow legacy client
    return {}
"""

ROUTES = """\
from fastapi import Depends, FastAPI

from app.deps import get_settings
from app.helpers import load_rates

app = FastAPI()


@app.get("/rates")
async def rates(settings=Depends(get_settings)):
    return load_rates()


@app.get("/rates/{code}")
async def rate(code: str):
    return {"code": code}
"""


def make_project(root: Path) -> Path:
    files = {
        "pyproject.toml": '[project]\nname = "svc"\n',
        "app/__init__.py": "",
        "app/helpers.py": HELPERS,
        "app/deps.py": DEPS,
        "app/routes.py": ROUTES,
        "app/audit.py": "def record(event):\n    return None\n",
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def run(project: Path, paths: list[str] | None = None, use_cache: bool = True):
    settings = load_settings(project)
    rules = select_rules(settings.select, settings.ignore, settings.extend_select)
    runner = Runner(settings, rules, cwd=project)
    targets = [project / p for p in paths] if paths else [project]
    return runner.run(RunOptions(paths=targets, jobs=1, use_cache=use_cache))


def findings(result) -> list[tuple]:
    return sorted(
        (o.source.display, d.code, d.location.row, d.location.column, d.message)
        for o, d in result.diagnostics
    )


def edit(project: Path, name: str, old: str, new: str) -> None:
    path = project / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def check_step(project: Path, shortcut: Shortcut, paths: list[str] | None = None) -> list[tuple]:
    cached = run(project, paths)
    fresh = run(project, paths, use_cache=False)
    assert findings(cached) == findings(fresh)
    assert cached.shortcut is shortcut
    return findings(cached)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = make_project(tmp_path)
    assert run(project).shortcut is Shortcut.NONE
    return project


def codes(found: list[tuple]) -> list[tuple[str, str, int]]:
    return [(path, code, row) for path, code, row, _, _ in found]


def test_body_edit_keeps_cross_module_findings_and_restated_messages(project: Path) -> None:
    before = findings(run(project))
    assert ("app/routes.py", "FAPI102", 11) in codes(before)
    # A comment in the helper: its summary is the same, but the route's finding names a line
    # of it (`load_rates() (app/helpers.py:5)`), so the project pass runs.
    edit(project, "app/helpers.py", "# a slow legacy client", "# slow: see the ticket")
    assert check_step(project, shortcut=Shortcut.NONE) == before
    # A module the project pass never reported on or pointed into.
    edit(project, "app/audit.py", "    return None", "    return {'event': event}")
    assert check_step(project, shortcut=Shortcut.INCREMENTAL) == before
    # The dependency's own finding is found again, with the message the project pass gave it
    # (its role comes from `Depends(get_settings)` in another module).
    edit(project, "app/deps.py", "time.sleep(1)", "time.sleep(2)")
    after = check_step(project, shortcut=Shortcut.INCREMENTAL)
    [message] = [m for path, code, _, _, m in after if path == "app/deps.py"]
    assert "dependency `get_settings`" in message


def test_a_changed_summary_runs_the_project_pass(project: Path) -> None:
    # The helper no longer blocks: the route's cross-module finding must go.
    edit(project, "app/helpers.py", "    time.sleep(1)  # a slow legacy client\n", "")
    after = check_step(project, shortcut=Shortcut.NONE)
    assert "FAPI102" not in [code for _, code, _ in codes(after)]


def test_a_file_with_project_findings_runs_the_project_pass(project: Path) -> None:
    # Lines shift in the module the project pass reported on: its positions must follow.
    edit(project, "app/routes.py", "app = FastAPI()\n", "app = FastAPI()\n\n\n# Rates.\n")
    after = check_step(project, shortcut=Shortcut.NONE)
    assert ("app/routes.py", "FAPI102", 14) in codes(after)
    # A noqa comment on the project finding is honoured too.
    edit(project, "app/routes.py", "return load_rates()", "return load_rates()  # noqa: FAPI102")
    after = check_step(project, shortcut=Shortcut.NONE)
    assert "FAPI102" not in [code for _, code, _ in codes(after)]


def test_new_per_file_findings_in_a_changed_file(project: Path) -> None:
    edit(project, "app/routes.py", '    return {"code": code}', '    return {"code": code}\n')
    check_step(project, shortcut=Shortcut.NONE)  # routes.py had project findings
    edit(project, "app/helpers.py", "    return {}", "    open('rates.csv').read()\n    return {}")
    # The helper now calls open(): a new fact in its summary.
    check_step(project, shortcut=Shortcut.NONE)
    # A noqa comment on a per-file finding: the summary is the same.
    edit(project, "app/deps.py", "time.sleep(1)", "time.sleep(1)  # noqa: FAPI101")
    after = check_step(project, shortcut=Shortcut.INCREMENTAL)
    assert "app/deps.py" not in [path for path, *_ in after]
    # Without it, the finding is back; its message was restated by the project pass, which
    # has not seen it since: the project pass runs.
    edit(project, "app/deps.py", "time.sleep(1)  # noqa: FAPI101", "time.sleep(1)")
    after = check_step(project, shortcut=Shortcut.NONE)
    assert ("app/deps.py", "FAPI101", 5) in codes(after)


def test_a_touched_file_with_the_same_content(project: Path) -> None:
    before = findings(run(project))
    for name in ("app/routes.py", "app/helpers.py"):
        path = project / name
        stamp = time.time_ns() + 5_000_000_000
        os.utime(path, ns=(stamp, stamp))
    assert check_step(project, shortcut=Shortcut.UNCHANGED) == before


def test_a_syntax_error_runs_the_project_pass(project: Path) -> None:
    edit(project, "app/helpers.py", "def load_rates():", "def load_rates(:")
    after = check_step(project, shortcut=Shortcut.NONE)
    assert ("app/helpers.py", "FAPI001", 4) in codes(after)


def test_too_many_changed_files_run_the_project_pass(project: Path) -> None:
    for index in range(10):
        (project / "app" / f"extra_{index}.py").write_text("x = 1\n", encoding="utf-8")
    check_step(project, shortcut=Shortcut.NONE)  # new files: not the same set of files
    for index in range(10):
        (project / "app" / f"extra_{index}.py").write_text("x = 2\n", encoding="utf-8")
    check_step(project, shortcut=Shortcut.NONE)


def test_runs_on_different_named_files_do_not_share_findings(project: Path) -> None:
    """The last run reported on other files: its findings say nothing of these."""
    deps = check_step(project, shortcut=Shortcut.NONE, paths=["app/deps.py"])
    assert [path for path, *_ in deps] == ["app/deps.py"]
    routes = check_step(project, shortcut=Shortcut.NONE, paths=["app/routes.py"])
    assert ("app/routes.py", "FAPI102", 11) in codes(routes)
    # The same file again, unchanged: the last run's findings.
    again = run(project, ["app/routes.py"])
    assert findings(again) == routes and again.shortcut is Shortcut.UNCHANGED


def test_an_entry_written_since_by_another_run_is_not_trusted(project: Path) -> None:
    """The editor (or a run on other files) may have cached a changed file's new content
    after the last full run: the snapshot's findings are not for that content."""
    from fastapi_lint.engine.discovery import SourcePath
    from fastapi_lint.engine.result_cache import ResultCache
    from fastapi_lint.engine.workers import check_bytes

    edit(project, "app/helpers.py", "    time.sleep(1)  # a slow legacy client\n", "")
    settings = load_settings(project)
    rules = select_rules(settings.select, settings.ignore, settings.extend_select)
    runner = Runner(settings, rules, cwd=project)
    path = project / "app/helpers.py"
    source = SourcePath(path, "app/helpers.py", "app.helpers", False)
    result = check_bytes(runner.checker, source, path.read_bytes(), positions=False)
    cache = ResultCache(settings.cache_dir, settings.fingerprint(), settings.root)
    st = path.stat()
    cache.put("app/helpers.py", st.st_mtime_ns, st.st_size, result)
    cache.save()
    stored = ResultCache(settings.cache_dir, settings.fingerprint(), settings.root).stored(
        "app/helpers.py"
    )
    # The shortcut reads entries by name, never by position in the cache's raw lists.
    assert stored is not None and stored.digest == result.digest and stored.size == st.st_size
    after = check_step(project, shortcut=Shortcut.NONE)
    assert "FAPI102" not in [code for _, code, _ in codes(after)]


def test_random_edits_of_the_showcase_report_what_a_fresh_run_reports(tmp_path: Path) -> None:
    """Seeded edits of a realistic multi-module app, one or two files at a time: comments,
    blank lines, duplicated and deleted lines (some break the syntax); after each, the cached
    run (shortcut or not) must report exactly what a run without cache reports."""
    import random
    import shutil

    showcase = Path(__file__).parent.parent / "fixtures" / "showcase"
    project = tmp_path / "showcase"
    shutil.copytree(showcase, project)
    run(project)
    files = sorted(p for p in project.rglob("*.py") if ".fastapi_lint_cache" not in p.parts)
    rng = random.Random(20261123)
    shortcuts = set()
    for _ in range(14):
        for path in rng.sample(files, rng.choice((1, 1, 2))):
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
            at = rng.randrange(len(lines) + 1)
            kind = rng.choice(("comment", "blank", "duplicate", "delete", "comment-end"))
            if kind == "comment":
                lines.insert(at, "# edited\n")
            elif kind == "blank":
                lines.insert(at, "\n")
            elif kind == "duplicate" and lines:
                lines.insert(at, lines[min(at, len(lines) - 1)])
            elif kind == "delete" and lines:
                del lines[min(at, len(lines) - 1)]
            else:
                lines.append("# edited at the end\n")
            path.write_text("".join(lines), encoding="utf-8")
        cached = run(project)
        assert findings(cached) == findings(run(project, use_cache=False))
        shortcuts.add(cached.shortcut)
    assert Shortcut.INCREMENTAL in shortcuts and Shortcut.NONE in shortcuts


def test_a_run_from_another_directory_does_not_reuse_messages(project: Path) -> None:
    """Messages name other files relative to where the run started (``load_rates()
    (app/helpers.py:5)``): a run from another directory reports its own."""
    settings = load_settings(project)
    rules = select_rules(settings.select, settings.ignore, settings.extend_select)
    inside = project / "app"
    result = Runner(settings, rules, cwd=inside).run(RunOptions(paths=[project], jobs=1))
    assert result.shortcut is Shortcut.NONE
    [message] = [d.message for _, d in result.diagnostics if d.code == "FAPI102"]
    assert "(helpers.py:5)" in message
    again = Runner(settings, rules, cwd=inside).run(RunOptions(paths=[project], jobs=1))
    assert again.shortcut is Shortcut.UNCHANGED
    assert run(project).shortcut is Shortcut.NONE  # from the root again: not the snapshot of app/


@pytest.mark.parametrize("jobs", [1, 2])
def test_fresh_files_are_cached_by_content_whichever_process_writes_them(
    tmp_path: Path, jobs: int
) -> None:
    """An entry for a file modified just now keeps no timestamp (it is matched by content),
    whether the main process or a worker writes it."""
    import json

    from fastapi_lint.config.loading import load_settings
    from fastapi_lint.core.signed_store import read_signed
    from fastapi_lint.engine.outcomes import RunOptions
    from fastapi_lint.engine.runner import Runner
    from fastapi_lint.engine.workers import PARALLEL_THRESHOLD
    from fastapi_lint.rules.selection import select_rules

    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    for index in range(PARALLEL_THRESHOLD + 3):
        (tmp_path / f"m{index}.py").write_text(f"X = {index}\n")
    settings = load_settings(tmp_path)
    runner = Runner(settings, select_rules(settings.select, settings.ignore, []), cwd=tmp_path)
    runner.run(RunOptions(paths=[tmp_path], jobs=jobs))
    entries = list((settings.cache_dir).rglob("*"))
    stored = [read_signed(p) for p in entries if p.is_file()]
    mtimes = [
        e[1][0] for e in stored if isinstance(e, list) and len(e) == 2 and str(e[0]).endswith(".py")
    ]
    assert len(mtimes) == PARALLEL_THRESHOLD + 3, json.dumps([str(p) for p in entries])
    assert set(mtimes) == {0}
