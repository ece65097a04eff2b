"""Security (issue 8): checked code is never imported or run; links out of the project are not
followed unless asked; the cache is plain data and a corrupt or hostile entry is ignored; two
linter processes on the same tree never corrupt the cache or a file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from fastapi_lint.app.cli import main

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


def lint(project: Path, *args: str):
    cwd = os.getcwd()
    os.chdir(project)
    try:
        result = CliRunner().invoke(main, ["check", *args], catch_exceptions=False)
    finally:
        os.chdir(cwd)
    assert "Traceback" not in result.output
    return result


# -- checked code is data -----------------------------------------------------------------------

# Hooks Python calls for every import and every code object it runs: any of them touching
# the checked project is a violation, written to a file (worker processes inherit the hooks).
AUDIT = textwrap.dedent(
    """
    import sys
    PROJECT, LOG = sys.argv[1], sys.argv[2]
    NAMES = set(sys.argv[3].split(","))

    def hook(event, args):
        if event == "exec":
            filename = getattr(args[0], "co_filename", "")
            if filename.startswith(PROJECT):
                with open(LOG, "a") as log:
                    log.write(f"exec {filename}\\n")
        elif event == "import" and args[0].split(".")[0] in NAMES:
            with open(LOG, "a") as log:
                log.write(f"import {args[0]}\\n")

    sys.addaudithook(hook)
    from fastapi_lint.app.cli import main
    main(sys.argv[4:])
    """
)


def test_checked_code_is_never_imported_or_run(tmp_path: Path) -> None:
    project = tmp_path / "project"
    marker = tmp_path / "EXECUTED"
    payload = f"open({str(marker)!r}, 'a').write(__name__ + '\\n')\nimport os\nos._exit(42)\n"
    files = {
        "app/__init__.py": payload,
        "app/main.py": payload + BLOCKING,
        "conftest.py": payload,
        "setup.py": payload,
        "sitecustomize.py": payload,
        "usercustomize.py": payload,
        "__main__.py": payload,
    }
    # Enough modules for worker processes, each a finding with a fix (compiled, not run).
    files.update({f"app/m{i}.py": payload + BLOCKING for i in range(14)})
    for name, text in files.items():
        path = project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    log = tmp_path / "violations.log"
    names = "app,conftest,setup,sitecustomize,usercustomize,__main__"
    for args in (["check", "--no-cache", "-j", "2", "."], ["check", "--fix", "-j", "2", "."]):
        proc = subprocess.run(
            [sys.executable, "-I", "-c", AUDIT, str(project), str(log), names, *args],
            cwd=project,
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode in (0, 1), proc.stderr  # 42 if any payload ran
        assert not marker.exists()
        assert not log.exists(), log.read_text()
    assert (project / "app" / "m0.py").read_text().endswith("await asyncio.sleep(1)\n")


def test_python_m_does_not_import_the_projects_modules(tmp_path: Path) -> None:
    """``python -m`` puts the working directory first on sys.path: a project with a module
    named like one of the linter's dependencies must not have it imported."""
    marker = tmp_path / "EXECUTED"
    payload = f"open({str(marker)!r}, 'a').write(__name__)\nimport os\nos._exit(42)\n"
    project = tmp_path / "project"
    for name in ("click.py", "libcst/__init__.py", "pydantic/__init__.py", "pathspec.py"):
        path = project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(payload)
    (project / "app.py").write_text(BLOCKING)
    proc = subprocess.run(
        [sys.executable, "-m", "fastapi_lint", "check", "--no-cache", "app.py"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert not marker.exists()


# -- links out of the project -------------------------------------------------------------------


def test_links_out_of_the_project_are_not_followed_unless_asked(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "pkg").mkdir(parents=True)
    (outside / "evil.py").write_text(BLOCKING)
    (outside / "pkg" / "mod.py").write_text(BLOCKING)
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool.fastapi-lint]\n")
    (project / "app.py").write_text(BLOCKING)
    (project / "linked_file.py").symlink_to(outside / "evil.py")
    (project / "linked_dir").symlink_to(outside / "pkg")

    result = lint(project, "--no-cache", "-v", "--output-format", "concise", "--fix")
    assert "app.py" in result.stdout or (project / "app.py").read_text() == FIXED
    assert "linked_file.py" not in result.stdout and "mod.py" not in result.stdout
    assert "skipped linked_file.py: symbolic link out of the project root" in result.stderr
    assert "skipped linked_dir: symbolic link to a directory (not followed)" in result.stderr
    assert (outside / "evil.py").read_text() == BLOCKING  # never written
    assert (outside / "pkg" / "mod.py").read_text() == BLOCKING

    # Named on the command line, it is checked: the user asked for it.
    result = lint(project, "--no-cache", "--output-format", "concise", "linked_file.py")
    assert "linked_file.py:5:5: FAPI101" in result.stdout


# -- the cache is data --------------------------------------------------------------------------


def _cache_file(project: Path) -> Path:
    (found,) = (project / ".fastapi_lint_cache").glob("results-*.json")
    return found


def _cache_entries(project: Path) -> list[Path]:
    """Every file the cache keeps results in (not its tag and .gitignore)."""
    return sorted(
        path
        for path in (project / ".fastapi_lint_cache").rglob("*")
        if path.is_file() and path.name not in ("CACHEDIR.TAG", ".gitignore")
    )


def _cached_project(tmp_path: Path) -> tuple[Path, str]:
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text(BLOCKING)
    (project / "clean.py").write_text("x = 1\n")
    reference = lint(project, "--no-cache", "--output-format", "concise").stdout
    lint(project)  # fills the cache
    entries = _cache_entries(project)
    assert entries
    for path in entries:  # text and JSON (after a signature line, if any): data, not pickle
        content = path.read_bytes()
        assert not content.startswith(b"\x80")  # a pickle's protocol header
        json.loads(content.decode("utf-8").rpartition("\n")[2] or content.decode("utf-8"))
    return project, reference


def _tamper(project: Path, change) -> None:
    """Apply ``change`` to the cached results (seen as ``{"files": {path: entry}}``) and store
    them again *correctly signed*: what a cache written by a buggy or hostile tool holding this
    user's key would contain. The last-run snapshot is removed so that entries are read."""
    from fastapi_lint.core.signed_store import write_signed
    from fastapi_lint.engine.result_cache import ResultCache

    cache_dir = project / ".fastapi_lint_cache"
    for snapshot in cache_dir.glob("run-*.json"):
        snapshot.unlink()
    (entries_dir,) = [p for p in cache_dir.glob("results-*") if p.is_dir()]
    files = {}
    for path in entries_dir.glob("*.json"):
        key, entry = json.loads(path.read_bytes().partition(b"\n")[2])
        files[key] = entry
        path.unlink()
    data = {"files": files}
    change(data)
    for key, entry in data["files"].items():
        write_signed(entries_dir / ResultCache._entry_name(key), [key, entry])


def _set_entry_field(index: int, value):
    def change(data):
        for entry in data["files"].values():
            entry[3][index] = value

    return change


def _set_diagnostic_field(index: int, value):
    def change(data):
        for entry in data["files"].values():
            for diagnostic in entry[3][2]:
                diagnostic[index] = value

    return change


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda data: data["files"].update({"app.py": "nonsense"}), id="entry"),
        pytest.param(lambda data: data["files"].update({"app.py": [0, 0, 1, []]}), id="types"),
        pytest.param(_set_entry_field(2, "not a list"), id="diagnostics"),
        pytest.param(_set_entry_field(3, {"functions": 1}), id="summary"),
        pytest.param(_set_entry_field(3, [1, 2, 3]), id="summary-shape"),
        pytest.param(_set_entry_field(4, [{"1": [7]}, "yes", []]), id="noqa"),
        pytest.param(_set_diagnostic_field(5, "row"), id="row"),
        pytest.param(_set_diagnostic_field(0, None), id="code"),
        pytest.param(_set_diagnostic_field(9, ["x", "safe", [["a", 0, "", None, None]]]), id="fix"),
        pytest.param(_set_diagnostic_field(11, [1, 2]), id="data"),
        pytest.param(
            lambda data: data["files"].update({"../../etc/passwd": [0, 0, "", []]}), id="path"
        ),
    ],
)
def test_corrupt_cache_entries_are_ignored(tmp_path: Path, change) -> None:
    project, reference = _cached_project(tmp_path)
    _tamper(project, change)
    # The file is unchanged, so a valid entry would be used: a corrupt one is a miss.
    result = lint(project, "--output-format", "concise")
    assert result.stdout == reference
    assert result.exit_code == 1


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("[" * 100_000 + "]" * 100_000, id="json-bomb"),
        pytest.param("\x00\xff garbage", id="garbage"),
        pytest.param('{"format": 1, "version": "0", "files": {}}', id="other-version"),
        pytest.param("", id="empty"),
    ],
)
def test_corrupt_cache_files_are_ignored(tmp_path: Path, content: str) -> None:
    project, reference = _cached_project(tmp_path)
    for path in _cache_entries(project):
        path.write_text(content, encoding="utf-8", errors="surrogateescape")
    result = lint(project, "--output-format", "concise")
    assert result.stdout == reference


@pytest.mark.parametrize("cut", [0.5, 0.9, 0.99])
def test_truncated_cache_files_are_ignored(tmp_path: Path, cut: float) -> None:
    """A cache file cut short (a full disk, a killed process on a file system without atomic
    rename) is a miss."""
    project, reference = _cached_project(tmp_path)
    for path in _cache_entries(project):
        data = path.read_bytes()
        path.write_bytes(data[: int(len(data) * cut)])
    assert lint(project, "--output-format", "concise").stdout == reference


def test_a_hostile_fix_in_the_cache_is_never_applied(tmp_path: Path) -> None:
    """A well-formed entry for the file's exact content, whose fix injects code: fixes are
    always computed again from the file itself."""
    project, _ = _cached_project(tmp_path)
    injected = "import os; os.system('touch PWNED')\n"

    def inject(data):
        (diagnostic,) = data["files"]["app.py"][3][2]
        size = len(BLOCKING)
        diagnostic[9] = ["Injected", "safe", [[0, size, injected, [1, 1], [6, 1]]]]

    _tamper(project, inject)
    lint(project, "--fix")
    assert (project / "app.py").read_text() == FIXED


# -- two processes at once ----------------------------------------------------------------------


def _spawn(project: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "fastapi_lint", "check", "-j", "1", *args],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_processes_on_one_tree_never_corrupt_the_cache_or_a_file(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "pkg").mkdir(parents=True)
    for i in range(24):
        (project / "pkg" / f"m{i}.py").write_text(BLOCKING if i % 3 else "x = 1\n")
    concise = ("--output-format", "concise")
    for round_ in range(3):
        reference = lint(project, "--no-cache", *concise).stdout
        first, second = _spawn(project, *concise), _spawn(project, *concise)
        outputs = [p.communicate(timeout=300) for p in (first, second)]
        for out, err in outputs:
            assert out == reference, err
        # What they left in the cache is whole and right: a cached run says the same.
        cached = lint(project, "-v", *concise)
        assert cached.stdout == reference
        assert "files: 0 checked, 24 from cache" in cached.stderr, cached.stderr
        # Change a few files between rounds: entries must follow.
        (project / "pkg" / f"m{round_}.py").write_text(BLOCKING + f"# round {round_}\n")

    # Pre-commit and an editor fixing at once: every file ends up fixed exactly once.
    first, second = _spawn(project, "--fix", *concise), _spawn(project, "--fix", *concise)
    outputs = [p.communicate(timeout=300) for p in (first, second)]
    for (out, err), proc in zip(outputs, (first, second), strict=True):
        assert proc.returncode in (0, 1, 2) and "Traceback" not in err, err
        # A process that lost the race says so (FAPI002): it never wrote over the other.
        for line in out.splitlines():
            assert "FAPI002" not in line or "changed on disk" in line, line
    for path in sorted((project / "pkg").glob("*.py")):
        text = path.read_text()
        assert text.count("import asyncio") == (1 if "async def handler" in text else 0)
        assert "time.sleep(1)" not in text and compile(text, str(path), "exec")
    cached = lint(project, *concise)
    assert cached.stdout == lint(project, "--no-cache", *concise).stdout
    assert cached.exit_code == 0


def test_lone_surrogates_in_checked_source_do_not_break_the_cache(tmp_path: Path) -> None:
    """A string literal with a lone surrogate escape ends up in a summary; orjson refuses to
    write such a string, the cache must still be written and read (found in site-packages)."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text(
        'import time\n\nCONSTANT = "\\udc80"\nORIGINS = ["\\ud800"]\n\n\nasync def handler():\n    time.sleep(1)\n'
    )
    for _ in range(2):
        result = lint(project, "--output-format", "concise")
        assert result.exit_code == 1
        assert "app.py:8:5: FAPI101" in result.output
