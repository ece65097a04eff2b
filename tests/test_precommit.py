"""The pre-commit hooks, run by the real ``pre-commit`` through ``pre-commit try-repo`` against
this checkout, from a git ``pre-commit`` hook of a temporary repository: a commit with a
violation fails, a clean one passes, and the fix hook rewrites the staged file.

Each ``try-repo`` builds a fresh hook environment (``pip install`` of this checkout), so this
module is slow (tens of seconds); it needs this checkout to be a git repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
    pytest.mark.skipif(
        not (CHECKOUT / ".git").exists(), reason="this checkout is not a git repository"
    ),
]

SERVICES_CLEAN = """\
import asyncio


async def get_settings():
    await asyncio.sleep(0)
    return {"debug": False}
"""

# The violation is only a dependency's because app/routes.py (committed, not staged, so never
# passed to the hook) uses it with `Depends()`: the message says so only if the hook sees the
# whole project.
SERVICES_BLOCKING = """\
import time


async def get_settings():
    time.sleep(0.1)
    return {"debug": False}
"""

ROUTES = """\
from fastapi import Depends, FastAPI

from app.services import get_settings

app = FastAPI()


@app.get("/settings")
async def read_settings(settings=Depends(get_settings)):
    return settings
"""


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=False, env=_git_env()
    )


def _git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.com",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.com",
        GIT_CONFIG_NOSYSTEM="1",
        HOME=env.get("HOME", "/tmp"),
    )
    return env


def _install_hook(repo: Path, hook_id: str) -> None:
    """A git pre-commit hook that runs ``pre-commit try-repo <this checkout> <hook_id>``."""
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text(
        "#!/bin/sh\n"
        f'exec "{sys.executable}" -m pre_commit try-repo "{CHECKOUT}" {hook_id} --color never\n',
        encoding="utf-8",
    )
    hook.chmod(0o755)


def _commit(repo: Path, message: str) -> subprocess.CompletedProcess[str]:
    return _git(repo, "commit", "-m", message)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "service"
    repo.mkdir()
    assert _git(repo, "init", "-q", "-b", "main").returncode == 0
    files = {
        "pyproject.toml": '[project]\nname = "service"\nversion = "0"\n',
        "app/__init__.py": "",
        "app/services.py": SERVICES_CLEAN,
        "app/routes.py": ROUTES,
    }
    for name, text in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    _git(repo, "add", ".")
    first = _commit(repo, "initial")
    assert first.returncode == 0, first.stderr
    return repo


def test_check_hook_fails_a_commit_with_a_violation_and_passes_a_clean_one(repo: Path) -> None:
    _install_hook(repo, "fastapi-lint")
    (repo / "app/services.py").write_text(SERVICES_BLOCKING, encoding="utf-8")
    _git(repo, "add", "app/services.py")
    failed = _commit(repo, "blocking")
    output = failed.stdout + failed.stderr
    assert failed.returncode != 0, output
    assert "app/services.py:5:5" in output and "FAPI101" in output
    # A cross-module fact from a module the hook was not given.
    assert "in dependency `get_settings`" in output
    assert "routes.py" not in output.split("- hook id:")[-1]
    assert _git(repo, "rev-list", "--count", "HEAD").stdout.strip() == "1"

    (repo / "app/services.py").write_text(SERVICES_CLEAN + "\n# tidy\n", encoding="utf-8")
    _git(repo, "add", "app/services.py")
    passed = _commit(repo, "clean")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert _git(repo, "rev-list", "--count", "HEAD").stdout.strip() == "2"


def test_fix_hook_rewrites_the_staged_file(repo: Path) -> None:
    _install_hook(repo, "fastapi-lint-fix")
    (repo / "app/services.py").write_text(SERVICES_BLOCKING, encoding="utf-8")
    _git(repo, "add", "app/services.py")
    failed = _commit(repo, "blocking")
    output = failed.stdout + failed.stderr
    # pre-commit fails a hook that modified files, so that the fixes are reviewed and staged.
    assert failed.returncode != 0, output
    assert "files were modified by this hook" in output
    fixed = (repo / "app/services.py").read_text(encoding="utf-8")
    assert "await asyncio.sleep(0.1)" in fixed and "import asyncio\n" in fixed
    assert (repo / "app/routes.py").read_text(encoding="utf-8") == ROUTES
    _git(repo, "add", "app/services.py")
    passed = _commit(repo, "blocking, fixed")
    assert passed.returncode == 0, passed.stdout + passed.stderr
