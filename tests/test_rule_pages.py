"""Every rule has a page in rules/ with ruff's headings; its examples are real tests."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from harness import ROOT, check_text

from fastapi_lint.app.cli import main
from fastapi_lint.app.docs import REQUIRED_HEADINGS, code_blocks, page_sections, rule_page
from fastapi_lint.rules.registry import all_rules

RULES = all_rules()


def test_every_page_belongs_to_a_rule() -> None:
    codes = {rule.code for rule in RULES}
    pages = {path.stem for path in (ROOT / "rules").glob("*.md")}
    assert pages == codes


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_page_has_ruff_headings(rule) -> None:
    page = rule_page(rule.code)
    assert page is not None, f"rules/{rule.code}.md is missing"
    assert page.splitlines()[0] == f"# {rule.name} ({rule.code})"
    sections = page_sections(page)
    headings = [h for h in sections if h in REQUIRED_HEADINGS]
    assert headings == list(REQUIRED_HEADINGS), f"{rule.code}: headings {list(sections)}"
    assert all(sections[h].strip() for h in REQUIRED_HEADINGS)


CHECKED = [r for r in RULES if not r.always_enabled]
_TOML_BLOCK = re.compile(r"```toml\n(.*?)```", re.DOTALL)


def _project_config(sections: dict[str, str], tmp_path) -> None:
    """A ```toml block in the Example (a version pin...) is the project's pyproject.toml, for
    the Example and the Use instead alike."""
    blocks = _TOML_BLOCK.findall(sections.get("Example", ""))
    if blocks:
        (tmp_path / "pyproject.toml").write_text("".join(blocks), encoding="utf-8")


@pytest.mark.parametrize("rule", CHECKED, ids=lambda r: r.code)
def test_page_example_is_flagged(rule, tmp_path) -> None:
    sections = page_sections(rule_page(rule.code) or "")
    _project_config(sections, tmp_path)
    blocks = code_blocks(sections["Example"])
    assert blocks, f"{rule.code}: the Example section has no python code block"
    for block in blocks:
        found = {d.code for d in check_text(block, [rule.code], tmp_path)}
        assert rule.code in found, f"{rule.code}: the Example is not flagged:\n{block}"


@pytest.mark.parametrize("rule", CHECKED, ids=lambda r: r.code)
def test_page_use_instead_is_clean(rule, tmp_path) -> None:
    sections = page_sections(rule_page(rule.code) or "")
    _project_config(sections, tmp_path)
    blocks = code_blocks(sections["Use instead"])
    assert blocks, f"{rule.code}: the Use instead section has no python code block"
    for block in blocks:
        found = [d for d in check_text(block, [rule.code], tmp_path) if d.code == rule.code]
        assert not found, f"{rule.code}: the Use instead example is flagged: {found}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_command_prints_the_page(rule) -> None:
    result = CliRunner().invoke(main, ["rule", rule.code])
    assert result.exit_code == 0
    assert result.output.rstrip("\n") == (rule_page(rule.code) or "").rstrip("\n")


def test_rule_by_name() -> None:
    result = CliRunner().invoke(main, ["rule", "blocking-call-in-async"])
    assert result.exit_code == 0
    assert result.output.startswith("# blocking-call-in-async (FAPI101)")


def test_rule_all_lists_code_name_family_and_fix() -> None:
    result = CliRunner().invoke(main, ["rule", "--all"])
    assert result.exit_code == 0
    for rule in RULES:
        line = next(line for line in result.output.splitlines() if line.startswith(rule.code))
        assert rule.name in line and rule.family() in line and rule.fix_availability.value in line


def test_unknown_rule_exits_2() -> None:
    result = CliRunner().invoke(main, ["rule", "FAPI999"])
    assert result.exit_code == 2


def test_readme_rule_table_is_current() -> None:
    from fastapi_lint.app.docs import TABLE_END, TABLE_START, rules_table

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split(TABLE_START, 1)[1].split(TABLE_END, 1)[0].strip()
    assert table == rules_table(), (
        "run `uv run python -m fastapi_lint.app.docs` to refresh README.md"
    )
