"""``per-file-ignores``: glob patterns (gitignore syntax, relative to the project root, with
``{a,b}`` alternatives) mapped to rule selectors."""

from __future__ import annotations

import os
import re
from pathlib import Path

_BRACES = re.compile(r"\{([^{}]*)\}")


def expand_braces(pattern: str) -> list[str]:
    match = _BRACES.search(pattern)
    if match is None:
        return [pattern]
    head, tail = pattern[: match.start()], pattern[match.end() :]
    expanded = []
    for option in match.group(1).split(","):
        expanded.extend(expand_braces(head + option + tail))
    return expanded


class PerFileIgnores:
    def __init__(self, table: dict[str, list[str]], root: Path) -> None:
        self.root = Path(os.path.abspath(root))
        self.entries: list[tuple[object, list[str]]] = []
        if table:
            import pathspec  # only when configured

            self.entries = [
                (pathspec.GitIgnoreSpec.from_lines(expand_braces(pattern)), codes)
                for pattern, codes in table.items()
            ]

    def codes_for(self, path: Path) -> list[str]:
        if not self.entries:
            return []
        try:
            relative = Path(os.path.abspath(path)).relative_to(self.root).as_posix()
        except ValueError:
            relative = Path(path).name
        codes: list[str] = []
        for spec, selectors in self.entries:
            if spec.match_file(relative):
                codes.extend(selectors)
        return codes
