"""The warm project behind the language server: one edit re-checks one buffer, and only the
open modules whose cross-module facts depend on it get their diagnostics recomputed."""

from __future__ import annotations

from pathlib import Path

from fastapi_lint.app.lsp.workspace import WarmProject
from fastapi_lint.config.loading import load_settings

C = """\
import time


def slow():
    time.sleep(1)
"""

B = """\
from app.c import slow


def middle():
    return slow()
"""

A = """\
from app.b import middle


async def top():
    return middle()
"""

D = """\
import os


async def unrelated():
    return os.sep
"""

DEP = """\
import time


async def get_settings():
    time.sleep(1)
"""

ROUTE = """\
from fastapi import FastAPI

from app.dep import get_settings

app = FastAPI()


@app.get("/")
async def index():
    return 1
"""


def make(tmp_path: Path) -> WarmProject:
    files = {
        "app/__init__.py": "",
        "app/a.py": A,
        "app/b.py": B,
        "app/c.py": C,
        "app/d.py": D,
        "app/dep.py": DEP,
        "app/route.py": ROUTE,
        **{f"app/filler{i}.py": f"X = {i}\n" for i in range(30)},
    }
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    settings = load_settings(tmp_path)
    project = WarmProject(settings, settings.enabled_rules())
    project.install(project.load())
    return project


def names(project: WarmProject, paths) -> list[str]:
    return sorted(project.source_for(p).display for p in paths)


def test_opening_an_unchanged_file_parses_nothing(tmp_path: Path) -> None:
    project = make(tmp_path)
    assert project.load_counts == (37, 0)
    for name in ("a", "b", "c", "d"):
        path = tmp_path / f"app/{name}.py"
        project.update(path, path.read_text())
    assert sum(project.parsed.values()) == 0


def test_an_edit_parses_only_the_edited_buffer(tmp_path: Path) -> None:
    project = make(tmp_path)
    for name in ("a", "b", "c", "d"):
        path = tmp_path / f"app/{name}.py"
        project.update(path, path.read_text())
    project.diagnostics(tmp_path / "app/a.py")
    rebuilds = project.rebuilds

    # A change that keeps the module summary: only this buffer, and no new project index.
    c = tmp_path / "app/c.py"
    affected = project.update(c, C + "# a comment\n")
    assert names(project, affected) == ["app/c.py"]
    assert project.parsed == {"app/c.py": 1}
    project.diagnostics(c)
    assert project.rebuilds == rebuilds

    # A change to what c.py offers reaches its dependents, through b.py to a.py, not d.py.
    affected = project.update(c, C.replace("def slow", "def slower"))
    assert names(project, affected) == ["app/a.py", "app/b.py", "app/c.py"]
    assert project.parsed == {"app/c.py": 2}
    for path in affected:
        project.diagnostics(path)
    assert project.rebuilds == rebuilds + 1

    # A change to what a.py uses reaches the module it names (b.py), not further.
    a = tmp_path / "app/a.py"
    affected = project.update(a, A.replace("return middle()", "return None"))
    assert names(project, affected) == ["app/a.py", "app/b.py"]
    assert project.parsed == {"app/c.py": 2, "app/a.py": 1}


def test_facts_given_by_another_module_follow_its_edits(tmp_path: Path) -> None:
    project = make(tmp_path)
    dep, route = tmp_path / "app/dep.py", tmp_path / "app/route.py"
    project.update(dep, DEP)
    project.update(route, ROUTE)
    [before] = project.diagnostics(dep)
    assert "in async function `get_settings`" in before.message
    edited = ROUTE.replace("import FastAPI", "import Depends, FastAPI").replace(
        "async def index():", "async def index(s=Depends(get_settings)):"
    )
    affected = project.update(route, edited)
    assert names(project, affected) == ["app/dep.py", "app/route.py"]
    [after] = project.diagnostics(dep)
    assert "in dependency `get_settings`" in after.message
    # Closing the edited buffer unsaved goes back to the file on disk.
    affected = project.close(route)
    assert names(project, affected) == ["app/dep.py"]
    [back] = project.diagnostics(dep)
    assert "in async function `get_settings`" in back.message


def test_fix_all_and_noqa_edit(tmp_path: Path) -> None:
    project = make(tmp_path)
    dep = tmp_path / "app/dep.py"
    project.update(dep, DEP)
    fixed = project.fix_all(dep, unsafe_fixes=False)
    assert fixed.text is not None and "await asyncio.sleep(1)" in fixed.text
    assert fixed.applied == {"FAPI101": 1}
    [diagnostic] = project.diagnostics(dep)
    edit = project.noqa_edit(dep, diagnostic)
    assert edit is not None
    assert DEP[: edit.start] + edit.content + DEP[edit.end :] == DEP.replace(
        "time.sleep(1)", "time.sleep(1)  # noqa: FAPI101"
    )


def test_loading_after_command_line_runs_takes_every_summary_from_the_cache(
    tmp_path: Path,
) -> None:
    import os

    from click.testing import CliRunner

    from fastapi_lint.app.cli import main

    make(tmp_path)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        for _ in range(2):  # the second run may answer from the first one's findings
            CliRunner().invoke(main, ["check", "-q", "--exit-zero", "."], catch_exceptions=False)
    finally:
        os.chdir(cwd)
    settings = load_settings(tmp_path)
    loaded = WarmProject(settings, settings.enabled_rules()).load()
    assert (loaded.checked, loaded.cached) == (0, 37)
    assert all(result.summary is not None for _, result in loaded.files.values())
