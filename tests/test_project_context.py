"""Files named explicitly (pre-commit passes the staged ones) are checked with the facts of the
whole project: the rest of the project is analyzed for its summaries only, through the cache,
and only the named files are reported or fixed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from fastapi_lint.analysis.module_summary import ModuleSummary, Span
from fastapi_lint.app.cli import main
from fastapi_lint.config.loading import load_settings
from fastapi_lint.engine.outcomes import RunOptions
from fastapi_lint.engine.runner import Runner
from fastapi_lint.lint.rule import ModuleReport, Rule
from fastapi_lint.project.index import Project
from fastapi_lint.rules.registry import rule_by_code
from fastapi_lint.rules.selection import select_rules

DEPS = """\
import time


async def get_settings():
    time.sleep(1)
    return {}
"""

ROUTES = """\
from fastapi import Depends, FastAPI

from app.deps import get_settings

app = FastAPI()


@app.get("/")
async def index(settings=Depends(get_settings)):
    return settings
"""

ROUTES_BLOCKING = ROUTES.replace(
    "    return settings\n", "    time.sleep(2)\n    return settings\n"
)
ROUTES_BLOCKING = "import time\n" + ROUTES_BLOCKING


def make_project(root: Path, files: dict[str, str], marker: str = "pyproject.toml") -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if marker == "pyproject.toml":
        (root / "pyproject.toml").write_text('[project]\nname = "svc"\n', encoding="utf-8")
    elif marker == ".git":
        (root / ".git").mkdir()
    return root


def check(project: Path, *args: str, cwd: Path | None = None):
    runner = CliRunner()
    previous = os.getcwd()
    os.chdir(cwd or project)
    try:
        return runner.invoke(main, ["check", *args], catch_exceptions=False)
    finally:
        os.chdir(previous)


def run(project: Path, paths: list[str], rules=None, **options):
    settings = load_settings(project)
    rules = rules or select_rules(settings.select, settings.ignore, settings.extend_select)
    runner = Runner(settings, rules, cwd=project)
    return runner.run(RunOptions(paths=[project / p for p in paths], jobs=1, **options))


def test_named_file_gets_roles_given_by_an_unnamed_module(tmp_path: Path) -> None:
    project = make_project(
        tmp_path, {"app/__init__.py": "", "app/deps.py": DEPS, "app/routes.py": ROUTES}
    )
    result = run(project, ["app/deps.py"], use_cache=False)
    [(outcome, diagnostic)] = result.diagnostics
    assert outcome.source.display == "app/deps.py"
    # `Depends(get_settings)` is in app/routes.py, which was not named.
    assert "in dependency `get_settings`" in diagnostic.message
    assert result.context_files == 2  # app/__init__.py and app/routes.py
    alone = run(project, ["app/deps.py"], use_cache=False, project_context=False)
    [(_, diagnostic)] = alone.diagnostics
    assert "in async function `get_settings`" in diagnostic.message


def test_only_named_files_are_reported_and_fixed(tmp_path: Path) -> None:
    project = make_project(
        tmp_path, {"app/__init__.py": "", "app/deps.py": DEPS, "app/routes.py": ROUTES_BLOCKING}
    )
    out = check(project, "--no-cache", "--output-format", "concise", "app/deps.py").output
    assert "app/deps.py:5:5: FAPI101" in out and "in dependency `get_settings`" in out
    assert "routes.py" not in out
    result = check(project, "--no-cache", "--fix", "app/deps.py")
    assert result.exit_code == 0, result.output
    assert "await asyncio.sleep(1)" in (project / "app/deps.py").read_text()
    assert (project / "app/routes.py").read_text() == ROUTES_BLOCKING


def test_the_rest_of_the_project_comes_from_the_cache(tmp_path: Path) -> None:
    project = make_project(
        tmp_path, {"app/__init__.py": "", "app/deps.py": DEPS, "app/routes.py": ROUTES}
    )
    first = check(project, "-v", "app/deps.py").output
    assert "1 files (+2 for cross-module facts): 3 checked, 0 from cache" in first
    second = check(project, "-v", "app/deps.py").output
    assert ": 0 checked," in second  # nothing parsed: every file, named or not, is cached
    assert "in dependency `get_settings`" in second
    # An edit to an unnamed module is seen: its summary is recomputed, the rest is cached.
    (project / "app/routes.py").write_text(ROUTES.replace("Depends(get_settings)", "None"))
    third = check(project, "-v", "--output-format", "concise", "app/deps.py").output
    assert "1 checked, 2 from cache" in third
    assert "in async function `get_settings`" in third


def test_excluded_modules_give_no_facts(tmp_path: Path) -> None:
    project = make_project(
        tmp_path,
        {"app/__init__.py": "", "app/deps.py": DEPS, "legacy/routes.py": ROUTES},
    )
    (project / "pyproject.toml").write_text(
        '[tool.fastapi-lint]\nextend-exclude = ["legacy/"]\n', encoding="utf-8"
    )
    out = check(project, "--no-cache", "--output-format", "concise", "app/deps.py").output
    assert "in async function `get_settings`" in out


def test_a_git_work_tree_without_pyproject_is_a_project(tmp_path: Path) -> None:
    project = make_project(
        tmp_path,
        {"app/__init__.py": "", "app/deps.py": DEPS, "app/routes.py": ROUTES},
        marker=".git",
    )
    out = check(project, "--no-cache", "--output-format", "concise", "app/deps.py").output
    assert "app/deps.py:5:5: FAPI101" in out and "in dependency `get_settings`" in out


def test_a_loose_file_outside_any_project_gets_no_context(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"app/deps.py": DEPS, "app/routes.py": ROUTES}, marker="none")
    result = run(project, ["app/deps.py"], use_cache=False)
    assert result.context_files == 0


def test_naming_the_root_needs_no_context(tmp_path: Path) -> None:
    project = make_project(
        tmp_path, {"app/__init__.py": "", "app/deps.py": DEPS, "app/routes.py": ROUTES}
    )
    result = run(project, ["."], use_cache=False)
    assert result.context_files == 0 and len(result.outcomes) == 3


class _ModuleCount(Rule):
    """A project rule seeing every module; reports how many it saw, on each module it checks.
    (No `code` in the class body: it is not registered, so no other test sees it.)"""

    def check_module(self, module: ModuleSummary, project: Project, report: ModuleReport) -> None:
        report.report(Span(1, 1, 1, 1, 0, 0), f"{len(project.modules)} modules")


_ModuleCount.code = "FAPI199"
_ModuleCount.name = "module-count"
_ModuleCount.summary = "test only"


def test_project_rules_see_every_module_but_report_on_named_ones(tmp_path: Path) -> None:
    project = make_project(
        tmp_path, {"app/__init__.py": "", "app/deps.py": DEPS, "app/routes.py": ROUTES}
    )
    result = run(project, ["app/routes.py"], rules=[_ModuleCount], use_cache=False)
    assert [(o.source.display, d.message) for o, d in result.diagnostics] == [
        ("app/routes.py", "3 modules")
    ]


HELPER = """\
import time


def charge(amount):
    time.sleep(1)
    return amount
"""

PAY = """\
from fastapi import FastAPI

from app.services import charge

app = FastAPI()


@app.post("/pay")
async def pay():
    charge(10)
    return {}
"""


@pytest.mark.skipif(
    rule_by_code("FAPI102") is None, reason="needs FAPI102 (the event-loop family, issue 3)"
)
def test_a_sync_helper_in_an_unnamed_module_makes_the_route_call_blocking(tmp_path: Path) -> None:
    project = make_project(
        tmp_path, {"app/__init__.py": "", "app/services.py": HELPER, "app/routes.py": PAY}
    )
    result = run(project, ["app/routes.py"], use_cache=False)
    found = [(o.source.display, d.code, d.location.row) for o, d in result.diagnostics]
    assert ("app/routes.py", "FAPI102", 10) in found
    assert all(path == "app/routes.py" for path, _, _ in found)
    alone = run(project, ["app/routes.py"], use_cache=False, project_context=False)
    assert all(d.code != "FAPI102" for _, d in alone.diagnostics)


def test_modules_of_a_stdin_run_are_found_under_the_import_roots(tmp_path: Path) -> None:
    """The editor's single-file run looks up the modules it needs by name (it never lists
    the project): the same files, under the same names, as the project's discovery."""
    from fastapi_lint.engine.discovery import discover
    from fastapi_lint.engine.project_context import ModuleFiles as _ModuleFiles

    project = make_project(
        tmp_path,
        {
            "src/svc/__init__.py": "",
            "src/svc/deps.py": DEPS,
            "src/svc/api/__init__.py": "",
            "src/svc/api/routes.py": ROUTES,
            "src/svc/stubs.pyi": "x: int\n",
            "scripts/tool.py": "",
        },
    )
    settings = load_settings(project)
    found = discover([project], settings, project)
    modules = _ModuleFiles(settings, project)
    for source in found.files:
        assert modules.get(source.module) == source, source
    assert "svc.missing" not in modules and "" not in modules and "svc..x" not in modules
    # A module is no package; names are case-sensitive, as Python imports them.
    assert "svc.deps.get_db" not in modules and "SVC.deps" not in modules
    assert "svc.stubs" in modules and "scripts.tool" in modules and "fastapi" not in modules
    assert modules["svc.api"].is_package and modules["svc.api"].display == "src/svc/api/__init__.py"


def test_the_project_pass_reports_when_position_rounds_run_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A project whose findings need more position re-check rounds than allowed (here: none
    allowed): the pass still reports every finding, with the project it built last (it used a
    released one and crashed), and -v says that positions fell back."""
    from harness import FIXTURES, run

    import fastapi_lint.engine.project_pass as project_pass_module

    shop = FIXTURES / "rules" / "FAPI102" / "shop"
    expected = sorted((o.source.display, d.code) for o, d in run(shop, ["FAPI102"]).diagnostics)
    assert len(expected) >= 5
    monkeypatch.setattr(project_pass_module, "_POSITION_ROUNDS", 0)
    result = run(shop, ["FAPI102"])
    assert sorted((o.source.display, d.code) for o, d in result.diagnostics) == expected
    assert [note for note in result.notes if note.startswith("positions")] == [
        "positions: 3 module(s) still lacked positions after 0 re-check rounds; "
        "their locations in messages fell back"
    ]
    runner = CliRunner()
    output = runner.invoke(main, ["check", "--no-cache", "-v", "--select", "FAPI102", str(shop)])
    assert output.exit_code == 1, output.output
    assert "still lacked positions after 0 re-check rounds" in output.output


def test_a_module_that_never_gets_positions_is_not_asked_for_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A re-check that still gives no positions (the file became unreadable, its check
    failed) does not make the pass ask for it round after round."""
    from harness import FIXTURES, findings, run

    shop = FIXTURES / "rules" / "FAPI102" / "shop"
    expected = findings(run(shop, ["FAPI102"]))
    asked: list[list[str]] = []

    def recheck_nothing(session, stale, cache) -> None:
        asked.append([outcome.result.path for outcome in stale])

    import fastapi_lint.engine.project_pass as project_pass_module

    monkeypatch.setattr(project_pass_module, "recheck_with_positions", recheck_nothing)
    result = run(shop, ["FAPI102"])
    assert len(asked) == 1
    assert sorted(o.source.display for o, _ in result.diagnostics) == sorted(
        f.path for f in expected
    )
    assert not [note for note in result.notes if note.startswith("positions")]
