"""Real code (issue 8): the installed site-packages, copied, through ``check --fix
--unsafe-fixes --select ALL``. No crash, and every file a fix changed still parses and compiles;
a second ``--fix`` changes nothing.

It takes minutes, so it is not part of the default run: ``uv run pytest -m corpus -s``
(``.ci/run`` runs it as its own step). It prints its figures.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import libcst as cst
import pytest

from fastapi_lint.core.apply_fixes import compiles

pytestmark = pytest.mark.corpus


def _python_only(directory: str, names: list[str]) -> list[str]:
    base = Path(directory)
    return [
        name
        for name in names
        if name == "__pycache__" or not ((base / name).is_dir() or name.endswith((".py", ".pyi")))
    ]


COMMAND = ["check", "--fix", "--unsafe-fixes", "--select", "ALL", "-j", "1", "-v"]


def _lint(corpus: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "fastapi_lint", *COMMAND, "--output-format=json", *args],
        cwd=corpus,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )


def test_site_packages_fixed_files_still_compile(tmp_path: Path) -> None:
    site = Path(sysconfig.get_paths()["purelib"])
    corpus = tmp_path / "corpus"
    shutil.copytree(site, corpus, symlinks=True, ignore=_python_only)
    before = {path: path.read_bytes() for path in corpus.rglob("*.py")}

    proc = _lint(corpus, ".")
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
    assert proc.returncode in (0, 1), proc.stderr[-3000:]  # 2: an I/O or internal error
    counts = re.search(r"(\d+) files: (\d+) checked", proc.stderr)
    assert counts is not None, proc.stderr[-3000:]
    findings = json.loads(proc.stdout)
    by_code: dict[str, int] = {}
    for finding in findings:
        by_code[finding["code"]] = by_code.get(finding["code"], 0) + 1
    internal = [f for f in findings if f["code"] == "FAPI003"]

    changed = {path for path, data in before.items() if path.read_bytes() != data}
    broken = []
    for path in sorted(changed):
        text = path.read_text(encoding="utf-8")
        try:
            cst.parse_module(text)
        except cst.ParserSyntaxError:
            broken.append(path)
            continue
        if compiles(before[path].decode("utf-8", "replace"), str(path)) and not compiles(
            text, str(path)
        ):
            broken.append(path)

    after = {path: path.read_bytes() for path in before}
    again = _lint(corpus, ".")
    changed_again = [path for path, data in after.items() if path.read_bytes() != data]
    assert "Traceback" not in again.stderr, again.stderr[-3000:]

    print(
        f"\ncorpus: {site}\n"
        f"  files: {counts.group(1)} found, {counts.group(2)} checked\n"
        f"  crashes: {len(internal)} internal errors (FAPI003), exit code {proc.returncode}\n"
        f"  findings: {dict(sorted(by_code.items()))}\n"
        f"  files changed by fixes: {len(changed)}, still parsing and compiling: "
        f"{len(changed) - len(broken)}\n"
        f"  second --fix: {len(changed_again)} files changed"
    )
    assert not internal, internal[:5]
    assert not broken, broken[:5]
    assert not changed_again, changed_again[:5]
