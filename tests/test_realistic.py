"""A realistic multi-module service written to be correct: the linter must report exactly the
few real bugs it keeps (marked `# error: FAPIxxx`), nothing else — a false-positive check for
cross-module routes, dependencies, settings and version detection."""

from __future__ import annotations

import pytest
from harness import FIXTURES, expected_findings, findings, run

APPS = sorted(p for p in (FIXTURES / "realistic").iterdir() if p.is_dir())


@pytest.mark.parametrize("app", APPS, ids=lambda p: p.name)
def test_realistic_app_findings_are_exactly_the_marked_ones(app) -> None:
    files = sorted(app.rglob("*.py"))
    result = run(app, ["ALL"])
    assert findings(result) == expected_findings(files, app)
