"""What a run costs before it checks anything: the cached path imports neither libcst nor
pydantic, and the editor's single-file path reads only the cache entries it needs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from fastapi_lint.app.cli import main

SERVICE = "import requests\n\n\ndef charge(token):\n    return requests.post('https://pay.example.com', json={'t': token})\n"
ROUTE = (
    "from fastapi import FastAPI\n\nfrom app.payments import charge\n\napp = FastAPI()\n\n\n"
    "@app.post('/pay')\nasync def pay(token: str):\n    return charge(token)\n"
)


def _project(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "payments.py").write_text(SERVICE)
    (tmp_path / "app" / "main.py").write_text(ROUTE)
    for index in range(20):
        (tmp_path / "app" / f"unrelated_{index}.py").write_text(
            f"def f{index}():\n    return {index}\n"
        )
    (tmp_path / "pyproject.toml").write_text('[tool.fastapi-lint]\nselect = ["FAPI1"]\n')
    return tmp_path


def _run_in_subprocess(project: Path, code: str) -> subprocess.CompletedProcess:
    env = {**os.environ}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_cached_run_imports_neither_libcst_nor_pydantic(tmp_path: Path) -> None:
    project = _project(tmp_path)
    code = (
        "import sys\nfrom fastapi_lint.app.cli import main\n"
        "try:\n    main(['check', '-q', '.'])\nexcept SystemExit:\n    pass\n"
        "print('libcst' in sys.modules, 'pydantic' in sys.modules, 'hashlib' in sys.modules)\n"
    )
    first = _run_in_subprocess(project, code)
    assert first.stdout.strip().endswith(("True True True", "True True False")), first.stderr
    second = _run_in_subprocess(project, code)
    assert "FAPI102" in second.stdout
    # hashlib loads OpenSSL (7 ms): digests come from `fastapi_lint.core.hashing` instead.
    assert second.stdout.strip().endswith("False False False"), second.stdout + second.stderr
    # One file changed: libcst is needed again, pydantic still is not.
    (project / "app" / "unrelated_0.py").write_text("def f0():\n    return 100\n")
    third = _run_in_subprocess(project, code)
    assert third.stdout.strip().endswith("True False False"), third.stdout + third.stderr


def test_stdin_gets_cross_module_facts_from_the_cache(tmp_path: Path) -> None:
    project = _project(tmp_path)
    runner = CliRunner()
    cwd = os.getcwd()
    os.chdir(project)
    try:
        runner.invoke(main, ["check", "."])
        result = runner.invoke(
            main,
            ["check", "--output-format", "concise", "--stdin-filename", "app/main.py", "-"],
            input=ROUTE.encode(),
        )
    finally:
        os.chdir(cwd)
    assert "app/main.py:10:12: FAPI102 `charge()` blocks the event loop" in result.output
    assert "charge() (app/payments.py:5) → requests.post()" in result.output
