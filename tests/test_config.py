"""Configuration errors stop the run with exit code 2 and one precise message (issue 8).

The message names the file, the key (and where inside its value) and what is accepted;
nothing is ignored silently, no traceback is printed. (`tests/test_cli.py` has the basics.)
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import fastapi_lint.config.settings
from fastapi_lint.app.cli import main

CLEAN = "x = 1\n"


def run(project: Path, *args: str):
    cwd = os.getcwd()
    os.chdir(project)
    try:
        return CliRunner().invoke(main, ["check", "--no-cache", *args], catch_exceptions=False)
    finally:
        os.chdir(cwd)


def assert_one_error(result, *fragments: str) -> str:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""  # nothing was checked
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    (message,) = lines
    assert message.startswith("fastapi-lint: error: ")
    assert "Traceback" not in message
    for fragment in fragments:
        assert fragment in message, message
    return message


@pytest.mark.parametrize(
    ("table", "fragments"),
    [
        # wrong types, and where inside the value
        ("select = [1]", ["`select` must be a list of rule codes", "(at `select[0]`)", "got 1"]),
        ('select = ["FAPI1", 2]', ["(at `select[1]`)"]),
        ('ignore = "FAPI101"', ["`ignore` must be a list of rule codes"]),
        ('per-file-ignores = ["tests/*"]', ["`per-file-ignores` must be a table of glob"]),
        (
            'per-file-ignores = { "tests/*.py" = "FAPI101" }',
            ['(at `per-file-ignores."tests/*.py"`)', "got 'FAPI101'"],
        ),
        (
            'per-file-ignores = { "a.py" = ["FAPI101", 3] }',
            ['(at `per-file-ignores."a.py"[1]`)', "got 3"],
        ),
        ('exclude = "build"', ["`exclude` must be a list of glob patterns"]),
        ("extend-exclude = [true]", ["`extend-exclude` must be a list of glob patterns"]),
        ("src = 1", ["`src` must be a list of directories"]),
        ("cache-dir = 1", ["`cache-dir` must be a directory path string"]),
        ('unsafe-fixes = "yes"', ["`unsafe-fixes` must be true or false"]),
        ('extend-blocking-calls = "x.*"', ["`extend-blocking-calls` must be a list"]),
        ("allowed-blocking-calls = [1]", ["(at `allowed-blocking-calls[0]`)"]),
        ("select = { FAPI1 = true }", ["`select` must be a list of rule codes"]),
        # unknown codes, everywhere a code is accepted
        ('extend-select = ["FAPI77"]', ["`extend-select`", "unknown rule selector `FAPI77`"]),
        ('ignore = ["FAPI1O1"]', ["`ignore`", "unknown rule selector `FAPI1O1`"]),
        ('select = ["E501"]', ["`select`", "unknown rule selector `E501`"]),
        ('per-file-ignores = { "x/*" = ["NOPE"] }', ["`per-file-ignores`", "`NOPE`"]),
        # unknown keys: the first is named, with the accepted ones
        ("selct = 1\nignre = 2", ["unknown key `selct`", "accepted keys:", "`select`"]),
        ("line-length = 100", ["unknown key `line-length`"]),
        ("[tool.fastapi-lint.extra]\nx = 1", ["unknown key `extra`"]),
        # a sub-table with a bad code
        ('[tool.fastapi-lint.per-file-ignores]\n"x.py" = ["NOPE"]', ["`NOPE`"]),
    ],
)
def test_pyproject_errors(tmp_path: Path, table: str, fragments: list[str]) -> None:
    (tmp_path / "a.py").write_text(CLEAN)
    (tmp_path / "pyproject.toml").write_text(f"[tool.fastapi-lint]\n{table}\n")
    message = assert_one_error(run(tmp_path), *fragments)
    assert f"{tmp_path / 'pyproject.toml'}:" in message


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("[tool.fastapi-lint]\nselect = [\n", ["invalid TOML", "line 3, column 1"]),
        ('[tool.fastapi-lint]\nselect = ["A"]\nselect = ["B"]\n', ["invalid TOML", "line 3"]),
        ("[tool.fastapi-lint\n", ["invalid TOML", "line 1"]),
        ('[tool.fastapi-lint]\nselect = "unterminated\n', ["invalid TOML", "line 2"]),
        ("[tool]\nfastapi-lint = 3\n", ["[tool.fastapi-lint] must be a table"]),
        ('[tool]\nfastapi-lint = "FAPI"\n', ["[tool.fastapi-lint] must be a table"]),
    ],
)
def test_invalid_toml_and_misplaced_tables(tmp_path: Path, text: str, fragments) -> None:
    (tmp_path / "a.py").write_text(CLEAN)
    (tmp_path / "pyproject.toml").write_text(text)
    assert_one_error(run(tmp_path), *fragments)


def test_configuration_that_is_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(CLEAN)
    (tmp_path / "pyproject.toml").write_bytes(b'[tool.fastapi-lint]\nselect = ["caf\xe9"]\n')
    assert_one_error(run(tmp_path), "not UTF-8", "line 2, column 15")


def test_unreadable_configuration(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "a.py").write_text(CLEAN)
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.fastapi-lint]\nselect = ["FAPI"]\n')
    real_read_text = Path.read_text

    def refuse(self, *args, **kwargs):
        if self == config:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_text(self, *args, **kwargs)

    monkeypatch.setattr(fastapi_lint.config.settings.Path, "read_text", refuse)
    assert_one_error(run(tmp_path), "cannot read configuration: Permission denied")


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("select = [\n", ["lint.toml: invalid TOML"]),
        ("selct = 1\n", ["lint.toml: top level: unknown key `selct`"]),
        ('select = ["FAPI999"]\n', ["lint.toml: top level: `select`", "`FAPI999`"]),
        ("select = 3\n", ["lint.toml: top level: `select` must be a list"]),
    ],
)
def test_explicit_config_file_errors(tmp_path: Path, text: str, fragments) -> None:
    (tmp_path / "a.py").write_text(CLEAN)
    (tmp_path / "lint.toml").write_text(text)
    assert_one_error(run(tmp_path, "--config", "lint.toml"), *fragments)


def test_missing_config_file(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(CLEAN)
    assert_one_error(
        run(tmp_path, "--config", "nope.toml"), "nope.toml: configuration file not found"
    )


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--select", "FAPI999"], "--select: unknown rule selector `FAPI999`"),
        (["--ignore", "E501"], "--ignore: unknown rule selector `E501`"),
        (["--extend-select", "FAPI1,XYZ"], "--extend-select: unknown rule selector `XYZ`"),
    ],
)
def test_unknown_codes_on_the_command_line(tmp_path: Path, args, fragment) -> None:
    (tmp_path / "a.py").write_text(CLEAN)
    assert_one_error(run(tmp_path, *args), fragment)


def test_a_pyproject_without_our_table_is_not_an_error(tmp_path: Path) -> None:
    """Mentioning the tool elsewhere (a dependency) is not a configuration."""
    (tmp_path / "a.py").write_text(CLEAN)
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[dependency-groups]\ndev = ["fastapi-lint"]\n[tool.ruff]\n'
        "line-length = 100\n"
    )
    result = run(tmp_path)
    assert result.exit_code == 0, result.output


# -- target-version (issue 18) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("specifier", "expected"),
    [
        (">=3.7", (3, 7)),
        (">=3.8,<4", (3, 8)),
        ("~=3.10", (3, 10)),
        ("==3.11.*", (3, 11)),
        (">=3.7.1, !=3.9.*", (3, 7)),
        ("<4", None),
        ("", None),
    ],
)
def test_requires_python_lower_bound(specifier: str, expected) -> None:
    assert fastapi_lint.config.settings.python_lower_bound(specifier) == expected


def _target(project: Path, *args: str) -> str:
    result = run(project, "--show-settings", *args)
    assert result.exit_code == 0, result.output
    lines = dict(line.split(" = ", 1) for line in result.output.splitlines())
    return lines["target-version"]


def test_target_version_from_requires_python_setting_and_command_line(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(CLEAN)
    assert _target(tmp_path) == '"py39"'  # ruff's default
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "a"\nrequires-python = ">=3.8"\n')
    assert _target(tmp_path) == '"py38"'
    pyproject.write_text(
        '[project]\nname = "a"\nrequires-python = ">=3.8"\n\n'
        '[tool.fastapi-lint]\ntarget-version = "py311"\n'
    )
    assert _target(tmp_path) == '"py311"'
    assert _target(tmp_path, "--target-version", "py37") == '"py37"'


def test_invalid_target_version(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.fastapi-lint]\ntarget-version = "3.8"\n')
    assert_one_error(run(tmp_path), "`target-version` must be one of", '"py38"')
