"""Import roots on real layouts: fixtures/projects/roots/<case>/ are projects whose cross-module
findings (``# error:`` comments) appear only when the roots are right (see ``roots.py``)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from harness import EXPECTATION, FIXTURES

from fastapi_lint.app.cli import main
from fastapi_lint.project.roots import PackageRoots, declared_roots

CASES = FIXTURES / "projects" / "roots"

# case -> (folder to run from, paths to check, root expected in -v)
RUNS = {
    "monorepo_packages": [
        ("backend", ".", "import root: backend (package root of backend/app/"),
        (".", "backend/app/main.py", "import root: backend (package root of backend/app/main.py)"),
    ],
    "git_root_without_pyproject": [
        ("shop", ".", "import root: shop (package root of shop/app/"),
        ("shop", "app/main.py", "import root: shop (package root of shop/app/main.py)"),
    ],
    "namespace_undeclared": [(".", ".", "import root: . (default)")],
}
DECLARED = {
    "ruff_src": "[tool.ruff] src",
    "ty_root": "[tool.ty.environment] root",
    "ty_extra_paths": "[tool.ty.environment] extra-paths",
    "mypy_path": "[tool.mypy] mypy_path",
    "pyright_extra_paths": "[tool.pyright] extraPaths",
    "pyright_execution_environments": "[tool.pyright] executionEnvironments root",
    "pytest_pythonpath_pyproject": "[tool.pytest.ini_options] pythonpath",
    "pytest_ini": "pytest.ini [pytest] pythonpath",
    "setup_cfg": "setup.cfg [tool:pytest] pythonpath",
    "setuptools_package_dir": "[tool.setuptools] package-dir",
    "setuptools_find_where": "[tool.setuptools.packages.find] where",
    "hatch_packages": "[tool.hatch.build.targets.wheel] packages",
    "poetry_packages": "[tool.poetry] packages from",
}
for name, origin in DECLARED.items():
    RUNS[f"declared_{name}"] = [
        (".", ".", f"import root: backend ({origin})"),
        (".", "backend/app/main.py", f"import root: backend ({origin})"),
    ]


def test_every_case_has_runs() -> None:
    assert sorted(RUNS) == sorted(p.name for p in CASES.iterdir() if p.is_dir())


def _expected(project: Path, cwd: Path) -> set[tuple[str, int, str]]:
    found = set()
    for path in project.rglob("*.py"):
        for row, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = EXPECTATION.search(line)
            if match:
                shown = os.path.relpath(path, cwd).replace(os.sep, "/")
                found.update((shown, row, code.strip()) for code in match["codes"].split(","))
    return found


@pytest.mark.parametrize(
    ("case", "where", "path", "root_line"),
    [(case, *run) for case, runs in RUNS.items() for run in runs],
)
def test_cross_module_findings_need_the_right_roots(
    tmp_path: Path, case: str, where: str, path: str, root_line: str
) -> None:
    project = tmp_path / case
    shutil.copytree(CASES / case, project)
    if case.startswith("git_"):
        (project / ".git").mkdir()  # a git root without pyproject.toml
    cwd = project / where
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(
            main,
            [
                "check",
                path,
                "--no-cache",
                "-v",
                "--select",
                "FAPI102",
                "--output-format",
                "concise",
            ],
            catch_exceptions=False,
        )
    finally:
        os.chdir(previous)
    found = set()
    for line in result.output.splitlines():
        if ": FAPI" in line and not line.startswith("["):
            location, _, rest = line.partition(": ")
            shown, row, _ = location.split(":")
            found.add((shown, int(row), rest.split()[0]))
    assert found == _expected(project, cwd), result.output
    assert f"[fastapi-lint] {root_line}" in result.output
    assert "imports: " in result.output


def test_package_roots_climb_namespace_gaps_between_packages(tmp_path: Path) -> None:
    for folder in ("repo/backend/app", "repo/backend/app/api/routes"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "__init__.py").write_text("")
    (tmp_path / "repo/loose").mkdir()
    roots = PackageRoots()
    # `api/` has no __init__.py but lies between two packages: climbed.
    assert roots.of(str(tmp_path / "repo/backend/app/api/routes")) == str(tmp_path / "repo/backend")
    assert roots.of(str(tmp_path / "repo/backend/app")) == str(tmp_path / "repo/backend")
    assert roots.of(str(tmp_path / "repo/loose")) is None


def test_declared_roots_that_do_not_exist_are_left_out(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.ruff]\nsrc = ["missing", "."]\n')
    assert [r.path for r in declared_roots(tmp_path)] == [str(tmp_path)]


def test_a_run_that_resolves_few_first_party_imports_warns(tmp_path: Path) -> None:
    project = tmp_path / "repo"
    lib = project / "services" / "lib" / "core"
    lib.mkdir(parents=True)
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n')
    for index in range(25):
        (lib / f"m{index}.py").write_text("X = 1\n")
    # `core` is a namespace folder: nothing tells that `services/lib` is a root.
    (project / "main.py").write_text(
        "".join(f"from core.m{index} import X as X{index}\n" for index in range(25))
    )
    result = CliRunner().invoke(main, ["check", str(project), "--no-cache", "-v"])
    assert "imports: 0 of 25 imports of first-party names resolved" in result.output
    assert "warning: 25 of 25 imports of the project's own packages (`core`) did not resolve" in (
        result.output
    )
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[tool.fastapi-lint]\nsrc = [".", "services/lib"]\n'
    )
    again = CliRunner().invoke(main, ["check", str(project), "--no-cache", "-v"])
    assert "imports: 25 of 25" in again.output and "warning" not in again.output
