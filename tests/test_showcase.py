"""The showcase app shows every rule, and the linter finds exactly what it marks."""

from __future__ import annotations

from harness import FIXTURES, expected_findings, findings, run

from fastapi_lint.rules.registry import all_rules

SHOWCASE = FIXTURES / "showcase"


def test_showcase_findings_are_exactly_the_marked_ones() -> None:
    files = sorted(SHOWCASE.rglob("*.py"))
    result = run(SHOWCASE, ["ALL"])
    assert findings(result) == expected_findings(files, SHOWCASE)


def test_showcase_shows_every_rule() -> None:
    files = sorted(SHOWCASE.rglob("*.py"))
    shown = {f.code for f in expected_findings(files, SHOWCASE)}
    missing = [r.code for r in all_rules() if not r.always_enabled and r.code not in shown]
    assert not missing, f"rules without a showcase case: {missing}"
