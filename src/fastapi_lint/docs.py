"""Rule pages: ``rules/FAPI101.md`` in the repository, shipped inside the wheel as
``fastapi_lint/rule_pages/``. ``fastapi-lint rule CODE`` prints the same text."""

from __future__ import annotations

import re
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
    repo_pages = Path(__file__).resolve().parents[2] / "rules"
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


_CODE_BLOCK = re.compile(r"```(?:python|py)?\n(.*?)```", re.DOTALL)


def code_blocks(section: str) -> list[str]:
    return list(_CODE_BLOCK.findall(section))


def first_paragraph(text: str) -> str:
    sections = page_sections(text)
    what = sections.get("What it does", "")
    return what.split("\n\n")[0].replace("\n", " ").strip()
