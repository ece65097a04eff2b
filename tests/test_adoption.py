"""Adopting the linter on a legacy codebase: ``--add-noqa``, baselines, and the progress bar."""

from __future__ import annotations

import json
import os
import pty
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from fastapi_lint.app.cli import main
from fastapi_lint.core.noqa import add_noqa, parse_noqa

LEGACY = """\
import time

from fastapi import FastAPI

app = FastAPI()


@app.get("/a")
async def first():
    time.sleep(1)  # slow on purpose
    time.sleep(2)  # noqa: E501
    time.sleep(3)  # noqa
    return {}


class Jobs:
    async def run(self):
        time.sleep(4)
"""


def make_project(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "legacy"\n', encoding="utf-8")
    return tmp_path


def invoke(project: Path, *args: str):
    runner = CliRunner()
    cwd = os.getcwd()
    os.chdir(project)
    try:
        return runner.invoke(main, ["check", "--no-cache", *args], catch_exceptions=False)
    finally:
        os.chdir(cwd)


# -- --add-noqa ----------------------------------------------------------------------------


def test_add_noqa_adds_and_merges_directives_ruffs_way(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"app/main.py": LEGACY})
    result = invoke(project, "--add-noqa")
    assert result.exit_code == 0, result.output
    assert "Added 3 noqa directives." in result.output
    text = (project / "app/main.py").read_text(encoding="utf-8")
    assert "    time.sleep(1)  # slow on purpose  # noqa: FAPI101\n" in text
    assert "    time.sleep(2)  # noqa: E501, FAPI101\n" in text
    assert "    time.sleep(3)  # noqa\n" in text  # already silenced: untouched
    assert "        time.sleep(4)  # noqa: FAPI101\n" in text
    # Nothing is left to report, and a second run adds nothing.
    assert invoke(project).exit_code == 0
    again = invoke(project, "--add-noqa")
    assert "Added 0 noqa directives." in again.output
    assert (project / "app/main.py").read_text(encoding="utf-8") == text


def test_add_noqa_keeps_crlf_and_several_codes_on_one_line(tmp_path: Path) -> None:
    source = (
        "import time\n"
        "from fastapi import FastAPI\n"
        "from fastapi.middleware.cors import CORSMiddleware\n"
        "app = FastAPI()\n"
        'app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)\n'
        "async def f():\n"
        "    time.sleep(1); time.sleep(2)\n"
    )
    path = tmp_path / "app.py"
    path.write_bytes(source.replace("\n", "\r\n").encode())
    (tmp_path / "pyproject.toml").write_text("[project]\nname='x'\n")
    result = invoke(tmp_path, "--add-noqa")
    assert "Added 2 noqa directives." in result.output
    data = path.read_bytes().decode()
    assert "allow_credentials=True)  # noqa: FAPI301\r\n" in data
    assert "time.sleep(1); time.sleep(2)  # noqa: FAPI101\r\n" in data
    assert "\n" not in data.replace("\r\n", "")


def test_add_noqa_never_writes_inside_a_string_or_after_a_continuation() -> None:
    text = 's = """a\nb"""\nt = 1 + \\\n    2\nu = 3\n'
    new, changed, skipped = add_noqa(text, {1: {"FAPI101"}, 3: {"FAPI101"}, 5: {"FAPI101"}})
    assert skipped == [1, 3]
    assert changed == 1
    assert new == 's = """a\nb"""\nt = 1 + \\\n    2\nu = 3  # noqa: FAPI101\n'
    assert parse_noqa(new).lines == {5: frozenset({"FAPI101"})}


def test_add_noqa_merges_with_any_spelling_of_an_existing_directive() -> None:
    text = "x = 1  #NOQA:F401,E501  # why\n"
    new, changed, _ = add_noqa(text, {1: {"FAPI301", "FAPI101"}})
    assert changed == 1
    assert new == "x = 1  # noqa: F401, E501, FAPI101, FAPI301  # why\n"


def test_add_noqa_cannot_be_combined_with_fix(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"app.py": LEGACY})
    result = invoke(project, "--add-noqa", "--fix")
    assert result.exit_code == 2
    assert "--add-noqa cannot be used with --fix" in result.output
    assert (project / "app.py").read_text(encoding="utf-8") == LEGACY


# -- baselines -----------------------------------------------------------------------------


def test_baseline_reports_only_new_findings_across_line_shifts(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"app/main.py": LEGACY})
    written = invoke(project, "--write-baseline", "lint-baseline.json")
    assert written.exit_code == 0
    assert "Wrote 3 findings to the baseline lint-baseline.json." in written.output
    data = json.loads((project / "lint-baseline.json").read_text())
    assert {
        "code": "FAPI101",
        "file": "app/main.py",
        "function": "Jobs.run",
        "source": "time.sleep(4)",
    } in data["findings"]
    assert all("row" not in item and "line" not in item for item in data["findings"])
    assert invoke(project, "--baseline", "lint-baseline.json").exit_code == 0

    # Unrelated edits shift every line and re-indent a finding: nothing is new.
    shifted = (
        '"""The legacy service."""\n\nimport logging\n\n'
        + LEGACY.replace("class Jobs:\n    async def run(self):\n        time.sleep(4)\n", "")
        + "\n\nclass Jobs:\n    async def run(self):\n        if True:\n            time.sleep(4)\n"
    )
    (project / "app/main.py").write_text(shifted, encoding="utf-8")
    result = invoke(project, "--baseline", "lint-baseline.json", "--output-format", "concise")
    assert result.exit_code == 0, result.output

    # A new finding is reported, even one identical to a baselined finding elsewhere in the
    # same function (counts matter), and one in another function.
    (project / "app/main.py").write_text(
        shifted.replace("    return {}\n", "    time.sleep(1)\n    return {}\n", 1)
        + "\n\nasync def other():\n    time.sleep(4)\n",
        encoding="utf-8",
    )
    result = invoke(project, "--baseline", "lint-baseline.json", "--output-format", "concise")
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "FAPI101" in line]
    assert len(lines) == 2, result.output
    assert "in route `GET /a` (`first`)" in lines[0]
    assert "in async function `other`" in lines[1]


def test_baseline_matches_per_file_and_code(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"a.py": LEGACY})
    invoke(project, "--write-baseline", "base.json")
    shutil.copy(project / "a.py", project / "b.py")
    result = invoke(project, "--baseline", "base.json", "--output-format", "concise")
    assert result.exit_code == 1
    assert "a.py" not in result.output.replace("b.py", "")
    assert result.output.count("b.py:") == 3


def test_write_baseline_with_fix_records_what_is_left(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"app.py": LEGACY})
    result = invoke(project, "--fix", "--write-baseline", "base.json")
    assert result.exit_code == 0
    # time.sleep() statements are fixed (await asyncio.sleep), so nothing is left.
    assert json.loads((project / "base.json").read_text())["findings"] == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "baseline file not found"),
        ("{not json", "not valid JSON"),
        ('{"format": 99}', "not a fastapi-lint baseline"),
        ('{"format": 1, "findings": [{"code": 1}]}', "finding 1: `code` must be a string"),
    ],
)
def test_bad_baseline_exits_2_with_one_message(
    tmp_path: Path, content: str | None, message: str
) -> None:
    project = make_project(tmp_path, {"app.py": LEGACY})
    if content is not None:
        (project / "base.json").write_text(content)
    result = invoke(project, "--baseline", "base.json")
    assert result.exit_code == 2
    assert message in result.output and len(result.output.strip().splitlines()) == 1


# -- the progress bar ----------------------------------------------------------------------

BAR_FILES = {f"pkg/m{i:02}.py": LEGACY for i in range(60)}


def _console_script() -> str:
    script = shutil.which("fastapi-lint", path=str(Path(sys.executable).parent))
    assert script is not None
    return script


def test_progress_bar_is_never_in_non_tty_output(tmp_path: Path) -> None:
    project = make_project(tmp_path, BAR_FILES)
    proc = subprocess.run(
        [_console_script(), "check", "--no-cache", "-j", "1", "--output-format", "concise"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stdout.count("FAPI101") == 180
    for stream in (proc.stdout, proc.stderr):
        assert "files" not in stream.replace("Found", "")
        assert "\r" not in stream and "\x1b" not in stream and "[###" not in stream


def test_progress_bar_on_a_terminal_counts_files(tmp_path: Path) -> None:
    project = make_project(tmp_path, BAR_FILES)
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [_console_script(), "check", "--no-cache", "-j", "1", "--output-format", "concise"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=slave,
        stdin=subprocess.DEVNULL,
        env={k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")},
    )
    os.close(slave)
    terminal = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            terminal += chunk
        elif proc.poll() is not None:
            break
    stdout = proc.stdout.read().decode() if proc.stdout else ""
    proc.wait(timeout=30)
    os.close(master)
    screen = terminal.decode(errors="replace")
    assert "] 1/60 files" in screen and "] 60/60 files" in screen
    assert "[" + "#" * 30 + "] 60/60 files" in screen
    assert screen.endswith("\r\x1b[K")  # the bar is erased when the run ends
    assert "files" not in stdout and stdout.count("FAPI101") == 180
