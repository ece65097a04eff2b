"""Rule pages: ``rules/FAPI101.md`` in the repository, shipped inside the wheel as
``fastapi_lint/rule_pages/``. ``fastapi-lint rule CODE`` prints the same text."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

REQUIRED_HEADINGS = (
    "What it does",
    "Why is this bad?",
    "Example",
    "Use instead",
    "Fix safety",
    "References",
)


def _candidates() -> list[Path]:
    found = []
    try:
        packaged = resources.files("fastapi_lint") / "rule_pages"
        if packaged.is_dir():
            found.append(Path(str(packaged)))
    except (ModuleNotFoundError, TypeError):
        pass
    # Running from a checkout (editable install): the repository's rules/ directory.
    repo_pages = Path(__file__).resolve().parents[3] / "rules"
    if repo_pages.is_dir():
        found.append(repo_pages)
    return found


@cache
def pages_directory() -> Path | None:
    candidates = _candidates()
    return candidates[0] if candidates else None


def rule_page(code: str) -> str | None:
    directory = pages_directory()
    if directory is None:
        return None
    page = directory / f"{code.upper()}.md"
    try:
        return page.read_text(encoding="utf-8")
    except OSError:
        return None


def page_sections(text: str) -> dict[str, str]:
    """``## Heading`` -> body text."""
    sections: dict[str, str] = {}
    current = None
    lines: list[str] = []
    for line in text.splitlines():
        if line.startswith("## "):
            if current is not None:
                sections[current] = "\n".join(lines).strip()
            current = line[3:].strip()
            lines = []
        elif current is not None:
            lines.append(line)
    if current is not None:
        sections[current] = "\n".join(lines).strip()
    return sections


def code_blocks(section: str) -> list[str]:
    """The Python code blocks of a section (fences read in order, so that a ```toml block
    beside them is skipped)."""
    blocks = []
    language = None
    lines: list[str] = []
    for line in section.splitlines(keepends=True):
        if line.startswith("```"):
            if language is None:
                language = line[3:].strip()
                lines = []
            else:
                if language in ("", "python", "py"):
                    blocks.append("".join(lines))
                language = None
        elif language is not None:
            lines.append(line)
    return blocks


def first_paragraph(text: str) -> str:
    sections = page_sections(text)
    what = sections.get("What it does", "")
    return what.split("\n\n")[0].replace("\n", " ").strip()


TABLE_START = "<!-- rules-table:start -->"
TABLE_END = "<!-- rules-table:end -->"


def rules_table() -> str:
    """The README's rule table, generated from the registry."""
    from fastapi_lint.rules.registry import all_rules

    lines = [
        "| Code | Name | Default | Fix | What it finds |",
        "|------|------|---------|-----|---------------|",
    ]
    for rule in all_rules():
        default = "opt-in" if rule.opt_in else "on"
        lines.append(
            f"| [{rule.code}](rules/{rule.code}.md) | {rule.name} | {default} | "
            f"{rule.fix_availability.value} | {rule.summary} |"
        )
    return "\n".join(lines)


def update_readme(readme: Path) -> bool:
    """Rewrite the table between the markers; True when the file changed."""
    text = readme.read_text(encoding="utf-8")
    start = text.index(TABLE_START) + len(TABLE_START)
    end = text.index(TABLE_END)
    new = text[:start] + "\n" + rules_table() + "\n" + text[end:]
    if new != text:
        readme.write_text(new, encoding="utf-8")
        return True
    return False


if __name__ == "__main__":  # `uv run python -m fastapi_lint.app.docs` refreshes the README table
    changed = update_readme(Path(__file__).resolve().parents[3] / "README.md")
    print("README.md updated" if changed else "README.md already up to date")
