"""The benchmark harness runs end to end on a tiny corpus, so that it cannot rot."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from benchmarks import corpus

ROOT = Path(__file__).resolve().parents[1]


def test_corpus_is_deterministic_and_realistic() -> None:
    first = corpus.generate(3000, seed=7)
    second = corpus.generate(3000, seed=7)
    assert first == second
    assert corpus.generate(3000, seed=8) != first
    lines = sum(text.count("\n") for name, text in first.items() if name.endswith(".py"))
    assert 3000 <= lines < 4500
    assert any(name.startswith("app/routers/") for name in first)
    assert "app.include_router" in first["app/main.py"]
    for name, text in first.items():
        if name.endswith(".py"):
            compile(text, name, "exec")


def test_harness_runs_every_step(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--sizes",
            "2000",
            "--no-site-packages",
            "--repeat",
            "2",
            "--work",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    for step in (
        "libcst parse (floor, 1 process)",
        "fastapi-lint cold",
        "fastapi-lint warm (nothing changed)",
        "fastapi-lint one file changed",
        "stdin --fix of one route module",
    ):
        assert step in proc.stdout, proc.stdout
    assert "project pass" in proc.stdout
