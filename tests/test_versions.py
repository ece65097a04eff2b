"""Which FastAPI/Starlette/Pydantic versions the checked project runs on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from fastapi_lint.app.cli import main
from fastapi_lint.config.loading import load_settings
from fastapi_lint.config.settings import ConfigError
from fastapi_lint.project.versions import detect_versions


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_uv_lock_wins_over_pyproject(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "x"\ndependencies = ["fastapi>=0.100"]\n',
            "uv.lock": (
                'version = 1\n[[package]]\nname = "fastapi"\nversion = "0.115.2"\n'
                '[[package]]\nname = "Starlette"\nversion = "0.41.3"\n'
            ),
        },
    )
    versions = detect_versions(tmp_path)
    assert versions.get("fastapi").version == "0.115.2"
    assert versions.get("fastapi").exact
    assert versions.get("fastapi").source == "uv.lock"
    assert versions.get("starlette").version == "0.41.3"
    assert versions.get("pydantic") is None


def test_poetry_lock_and_poetry_constraints(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "poetry.lock": '[[package]]\nname = "pydantic"\nversion = "1.10.13"\n',
            "pyproject.toml": (
                '[tool.poetry.dependencies]\npython = "^3.10"\nfastapi = "^0.99.1"\n'
            ),
        },
    )
    versions = detect_versions(tmp_path)
    assert versions.get("pydantic").version == "1.10.13"
    fastapi = versions.get("fastapi")
    assert (fastapi.version, fastapi.exact) == ("0.99.1", False)
    assert versions.older_than("fastapi", "0.100.0") is fastapi
    # Poetry's caret on a 0.x release caps the minor: ^0.99.1 is >=0.99.1,<0.100.
    assert fastapi.upper == "0.100"
    assert versions.pinned_older_than("fastapi", "0.100.0")
    assert not versions.pinned_older_than("fastapi", "0.99.5")


def test_requirements_pins_beat_lower_bounds(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "requirements.txt": "-r base.txt\nfastapi>=0.110  # any\n",
            "requirements-prod.txt": "fastapi[standard]==0.112.0 ; python_version >= '3.9'\n",
        },
    )
    found = detect_versions(tmp_path).get("fastapi")
    assert (found.version, found.exact) == ("0.112.0", True)
    assert "requirements-prod.txt" in found.source


def test_configuration_overrides_and_is_validated(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pyproject.toml": '[tool.fastapi-lint]\nfastapi-version = "0.120.0"\n',
            "requirements.txt": "fastapi==0.100.0\n",
        },
    )
    settings = load_settings(tmp_path)
    assert settings.detect_versions().get("fastapi").version == "0.120.0"
    (tmp_path / "pyproject.toml").write_text(
        '[tool.fastapi-lint]\nfastapi-version = "latest"\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="`fastapi-version`: `latest` is not a version"):
        load_settings(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        "[tool.fastapi-lint]\npydantic-version = 2\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="`pydantic-version` must be a version string"):
        load_settings(tmp_path)


def test_malformed_files_are_ignored(tmp_path: Path) -> None:
    _write(tmp_path, {"uv.lock": "not [ toml", "requirements.txt": "fastapi==not-a-version\n"})
    assert detect_versions(tmp_path).found == {}


def test_verbose_says_which_versions_and_from_where(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "x"\ndependencies = ["pydantic>=2.7"]\n',
            "requirements.txt": "fastapi==0.115.0\n",
            "main.py": "x = 1\n",
        },
    )
    result = CliRunner().invoke(main, ["check", "--no-cache", "-v", str(tmp_path)])
    assert "version: fastapi 0.115.0 (from requirements.txt: fastapi==0.115.0)" in result.output
    assert "version: pydantic >=2.7 (from pyproject.toml: pydantic>=2.7)" in result.output
    assert "version: starlette: unknown (not pinned)" in result.output


def test_the_answer_is_cached_while_the_files_it_came_from_are_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from fastapi_lint.project import versions

    lock = 'version = 1\n[[package]]\nname = "fastapi"\nversion = "{}"\n'
    _write(tmp_path, {"uv.lock": lock.format("0.115.2"), "requirements-dev.txt": "pytest\n"})
    old = 1_700_000_000_000_000_000  # timestamps far enough in the past to be trusted
    for name in ("uv.lock", "requirements-dev.txt"):
        os.utime(tmp_path / name, ns=(old, old))
    cache_dir = tmp_path / ".cache"
    detect_versions(tmp_path, cache_dir=cache_dir)
    assert not cache_dir.exists()  # only a run's cache directory is used, never created
    cache_dir.mkdir()
    first = detect_versions(tmp_path, cache_dir=cache_dir)
    assert first.get("fastapi").version == "0.115.2"
    assert (cache_dir / "versions.json").is_file()

    def parse_again(*args):
        raise AssertionError("the files were parsed again")

    monkeypatch.setattr(versions, "_detect", parse_again)
    assert detect_versions(tmp_path, cache_dir=cache_dir) == first
    monkeypatch.undo()
    # Any file it may read changes (here a new requirements file): it is read again.
    (tmp_path / "uv.lock").write_text(lock.format("0.116.0"), encoding="utf-8")
    assert detect_versions(tmp_path, cache_dir=cache_dir).get("fastapi").version == "0.116.0"
    (tmp_path / "requirements.txt").write_text("fastapi==0.99.0\n", encoding="utf-8")
    monkeypatch.setattr(versions, "_detect", parse_again)
    with pytest.raises(AssertionError, match="parsed again"):
        detect_versions(tmp_path, cache_dir=cache_dir)


V1_MODEL = """\
from pydantic import BaseModel, validator


class User(BaseModel):
    name: str

    class Config:
        orm_mode = True

    @validator("name")
    def strip(cls, value):
        return value.strip()


def dump(user: User):
    return user.dict()
"""


@pytest.mark.parametrize(
    ("dependency", "override", "reported"),
    [
        ("pydantic==1.10.26", None, False),  # runs Pydantic 1: v1 code is right, fixes would break
        ("pydantic==1.10.26", "2.5", True),  # the migration: say which version to migrate to
        ("pydantic>=1.10", None, True),  # only bounded from below: may run 2
        ("pydantic==2.9.2", None, True),
        (None, None, True),  # unknown: the rules stay on
    ],
)
def test_pydantic_v2_migration_rules_follow_the_pinned_pydantic(
    tmp_path: Path, dependency: str | None, override: str | None, reported: bool
) -> None:
    dependencies = f'["{dependency}"]' if dependency else "[]"
    config = f'\n[tool.fastapi-lint]\npydantic-version = "{override}"\n' if override else ""
    _write(
        tmp_path,
        {
            "pyproject.toml": f'[project]\nname = "x"\ndependencies = {dependencies}\n{config}',
            "models.py": V1_MODEL,
        },
    )
    runner = CliRunner()
    result = runner.invoke(
        main,
        ["check", "--no-cache", "--select", "FAPI2", "--output-format", "concise", str(tmp_path)],
    )
    codes = {line.split()[1] for line in result.output.splitlines() if ": FAPI2" in line}
    assert codes == ({"FAPI201", "FAPI202", "FAPI204"} if reported else set()), result.output
    assert result.exit_code == (1 if reported else 0)
    shown = runner.invoke(main, ["check", "--show-settings", "--select", "FAPI2", str(tmp_path)])
    quiet = [line for line in shown.output.splitlines() if line.startswith("quiet-rules = ")]
    expected = [] if reported else [f"FAPI20{i}" for i in range(1, 8)]
    assert quiet == [f"quiet-rules = {json.dumps(expected)}"]


@pytest.mark.parametrize(
    ("detected", "bound"),
    [
        ("1.10.26", "2.0"),
        ("2.0", "2.0"),
        ("2", "2.0.0"),
        ("2.0.1", "2.0"),
        ("0.115.0", "0.93"),
        ("0.92.9", "0.93"),
        ("0.128.2", "0.128.2"),
        ("2.0.0rc1", "2.0"),  # not a plain release: compared by packaging
        ("1!0.1", "2.0"),
        ("2.9.0+local", "2.9.0"),
        ("not-a-version", "2.0"),
    ],
)
def test_version_order_is_pep_440(detected: str, bound: str) -> None:
    from packaging.version import InvalidVersion, Version

    from fastapi_lint.project.versions import DetectedVersion, Versions

    versions = Versions({"pydantic": DetectedVersion("pydantic", detected, True, "test")})
    try:
        expected = Version(detected) < Version(bound)
    except InvalidVersion:
        expected = False
    assert (versions.older_than("pydantic", bound) is not None) is expected


def test_plain_pins_are_compared_without_importing_packaging() -> None:
    code = (
        "import sys\n"
        "from fastapi_lint.project.versions import DetectedVersion, Versions\n"
        "v = Versions({'pydantic': DetectedVersion('pydantic', '1.10.26', True, 'uv.lock')})\n"
        "assert v.pinned_older_than('pydantic', '2.0')\n"
        "print('packaging' in sys.modules)\n"
    )
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


SPECIFIER_CASES = [
    # (requirement, range text, major, runs on 1.10.26, every version older than 2.0)
    ("pydantic~=1.10.26", ">=1.10.26,<1.11", 1, True, True),
    ("pydantic~=1.10", ">=1.10,<2", 1, True, True),
    ("pydantic<2", "<2", 1, True, True),
    ("pydantic<2.0.0", "<2.0.0", 1, True, True),
    ("pydantic>=1.10,<2", ">=1.10,<2", 1, True, True),
    ("pydantic==1.*", ">=1,<2", 1, True, True),
    ("pydantic==1.10.*", ">=1.10,<1.11", 1, True, True),
    ("pydantic>=1.10,!=1.10.3,<2", ">=1.10,<2", 1, True, True),
    ("pydantic<=1.10.26", "<=1.10.26", 1, True, True),
    ("pydantic==1.10.26", "1.10.26", 1, True, True),
    ("pydantic>=1.10", ">=1.10", None, True, False),
    ("pydantic>=1.10,<3", ">=1.10,<3", None, True, False),
    ("pydantic>=2.7,<3", ">=2.7,<3", 2, False, False),
    ("pydantic<=2.0", "<=2.0", 2, True, False),  # capped only: its newest
    ("pydantic!=2.0.1", None, None, None, False),
]


@pytest.mark.parametrize(("text", "shown", "major", "runs_on_1", "all_v1"), SPECIFIER_CASES)
@pytest.mark.parametrize("source", ["pep621", "requirements", "dependency-group"])
def test_full_specifiers_are_ranges_in_every_source(
    tmp_path: Path, source: str, text: str, shown, major, runs_on_1, all_v1
) -> None:
    files = {
        "pep621": {"pyproject.toml": f'[project]\nname = "x"\ndependencies = ["{text}"]\n'},
        "requirements": {"requirements.txt": f"{text}\n"},
        "dependency-group": {
            "pyproject.toml": f'[project]\nname = "x"\n[dependency-groups]\ndev = ["{text}"]\n'
        },
    }[source]
    versions = detect_versions(_write(tmp_path, files))
    found = versions.get("pydantic")
    assert (found.range_text if found else None) == shown
    assert versions.major("pydantic") == major
    assert versions.can_run_on("pydantic", "1.10.26") is runs_on_1
    assert versions.pinned_older_than("pydantic", "2.0") is all_v1
    assert versions.declares("pydantic")


@pytest.mark.parametrize(
    ("constraint", "shown", "major"),
    [
        ("^1.10.26", ">=1.10.26,<2", 1),
        ("~1.10.26", ">=1.10.26,<1.11", 1),
        ("^0.99.1", ">=0.99.1,<0.100", 0),
        ("1.10.26", "1.10.26", 1),
        (">=1.10,<2", ">=1.10,<2", 1),
        ("1.*", ">=1,<2", 1),
        ("^2.5 || ^1.10", None, None),
        ("*", None, None),
    ],
)
def test_poetry_constraints_are_ranges(tmp_path: Path, constraint: str, shown, major) -> None:
    pyproject = f'[tool.poetry.dependencies]\npython = "^3.10"\npydantic = "{constraint}"\n'
    versions = detect_versions(_write(tmp_path, {"pyproject.toml": pyproject}))
    found = versions.get("pydantic")
    assert (found.range_text if found else None) == shown
    assert versions.major("pydantic") == major
    assert versions.declares("pydantic")


def test_any_package_can_be_asked_about(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pyproject.toml": (
                '[project]\nname = "x"\ndependencies = ["python-jose[cryptography]>=3.4.0",'
                ' "libpass", "Passlib==1.7.4"]\n'
            ),
            "uv.lock": 'version = 1\n[[package]]\nname = "bcrypt"\nversion = "4.3.0"\n',
        },
    )
    versions = detect_versions(tmp_path)
    assert versions.at_least("python-jose", "3.4.0")
    assert not versions.at_least("python-jose", "3.5.0")
    assert versions.declares("libpass") and versions.get("libpass") is None
    assert versions.get("passlib").range_text == "1.7.4"
    assert versions.get("bcrypt").exact and versions.major("bcrypt") == 4
    assert versions.can_run_on("bcrypt", "5.0.0") is False
    assert not versions.declares("pyjwt")
    assert versions.can_run_on("pyjwt", "2.0") is None
