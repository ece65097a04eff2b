"""Suppression comments, with ruff's syntax.

* ``# noqa`` on a line suppresses every diagnostic reported on that line;
  ``# noqa: FAPI101, FAPI301`` only those codes (commas and/or spaces between codes).
* ``# fastapi-lint: noqa`` anywhere in a file (on its own line) suppresses the whole file;
  ``# fastapi-lint: noqa: FAPI101`` only those codes in that file.

Ruff users keep ``RUF100`` quiet about our codes with ``lint.external = ["FAPI"]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_CODE_LIST = r"[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*"
_LINE_NOQA = re.compile(r"#\s*noqa(?![\w-])(?::\s*(?P<codes>" + _CODE_LIST + r"))?", re.IGNORECASE)
_FILE_NOQA = re.compile(
    r"^[ \t]*#\s*fastapi-lint\s*:\s*noqa(?::\s*(?P<codes>" + _CODE_LIST + r"))?\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_SPLIT = re.compile(r"[\s,]+")


@dataclass(slots=True)
class NoqaDirectives:
    # row -> None (every code) or the codes named on that row
    lines: dict[int, frozenset[str] | None] = field(default_factory=dict)
    file_all: bool = False
    file_codes: frozenset[str] = frozenset()

    def suppresses(self, code: str, row: int) -> bool:
        if self.file_all or code in self.file_codes:
            return True
        if row in self.lines:
            codes = self.lines[row]
            return codes is None or code in codes
        return False

    def to_data(self) -> list:
        return [
            {
                str(row): (sorted(codes) if codes is not None else None)
                for row, codes in self.lines.items()
            },
            self.file_all,
            sorted(self.file_codes),
        ]

    @staticmethod
    def from_data(data: list) -> NoqaDirectives:
        lines, file_all, file_codes = data
        if not isinstance(file_all, bool) or not all(
            isinstance(c, str) for codes in (file_codes, *lines.values()) for c in codes or ()
        ):
            raise TypeError("malformed noqa directives")  # untrusted cache data
        return NoqaDirectives(
            {
                int(row): (frozenset(codes) if codes is not None else None)
                for row, codes in lines.items()
            },
            file_all,
            frozenset(file_codes),
        )


def parse_noqa(text: str) -> NoqaDirectives:
    directives = NoqaDirectives()
    if "noqa" not in text and "NOQA" not in text.upper():
        return directives
    for match in _FILE_NOQA.finditer(text):
        codes = match.group("codes")
        if codes is None:
            directives.file_all = True
        else:
            directives.file_codes |= frozenset(c.upper() for c in _SPLIT.split(codes) if c)
    row = 1
    position = 0
    for match in _LINE_NOQA.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        # A file-level directive is not a line directive.
        file_level = _FILE_NOQA.match(text, line_start)
        if file_level is not None and file_level.end() >= match.end():
            continue
        row += text.count("\n", position, match.start())
        position = match.start()
        codes = match.group("codes")
        if codes is None:
            directives.lines[row] = None
        else:
            found = frozenset(c.upper() for c in _SPLIT.split(codes) if c)
            if row in directives.lines and directives.lines[row] is None:
                continue
            directives.lines[row] = (directives.lines.get(row) or frozenset()) | found
    return directives
