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


# -- adding directives (`--add-noqa`, the editor's "add noqa" code action) ------------------

_PHYSICAL_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


@dataclass(slots=True)
class NoqaEdit:
    """A directive to add or extend on one row: replace ``text[start:end]`` with ``content``."""

    row: int
    start: int
    end: int
    content: str


def noqa_edits(text: str, codes_by_row: dict[int, set[str]]) -> tuple[list[NoqaEdit], list[int]]:
    """Edits adding ``# noqa: CODES`` on each row, the way ruff's ``--add-noqa`` does: appended
    after the code (and after an existing comment), or merged into an existing ``# noqa:``
    comment. A row already silenced by a blanket ``# noqa`` needs nothing. Rows where a comment
    cannot go (inside a multi-line string, after a line continuation) are returned apart.
    """
    import io
    import tokenize

    lines = _PHYSICAL_LINE.findall(text)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    line_ends: set[int] = set()  # rows whose end is in code, where a comment may go
    comments: dict[int, tuple[int, str]] = {}  # row -> (column, text) of its comment
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in (tokenize.NEWLINE, tokenize.NL):
                line_ends.add(token.start[0])
            elif token.type == tokenize.COMMENT:
                line_ends.add(token.start[0])
                comments[token.start[0]] = (token.start[1], token.string)
    except (tokenize.TokenError, SyntaxError):
        return [], sorted(codes_by_row)
    edits: list[NoqaEdit] = []
    skipped: list[int] = []
    for row in sorted(codes_by_row):
        codes = {code.upper() for code in codes_by_row[row]}
        if not codes or row < 1:
            continue
        if row > len(lines) or row not in line_ends:
            skipped.append(row)
            continue
        line = lines[row - 1]
        line_start = offsets[row - 1]
        if row in comments:
            column, comment = comments[row]
            match = _LINE_NOQA.search(comment)
            if match is not None:
                if match.group("codes") is None:
                    continue  # a blanket directive silences every code already
                existing = [c.upper() for c in _SPLIT.split(match.group("codes")) if c]
                added = sorted(codes - set(existing))
                if not added:
                    continue
                # `column` counts characters of the line: offsets are characters too.
                start = line_start + column + match.start()
                end = line_start + column + match.end()
                content = "# noqa: " + ", ".join([*existing, *added])
                edits.append(NoqaEdit(row, start, end, content))
                continue
        body = line.rstrip("\r\n")
        code_end = len(body.rstrip(" \t"))
        edits.append(
            NoqaEdit(
                row,
                line_start + code_end,
                line_start + len(body),
                "  # noqa: " + ", ".join(sorted(codes)),
            )
        )
    return edits, skipped


def add_noqa(text: str, codes_by_row: dict[int, set[str]]) -> tuple[str, int, list[int]]:
    """``text`` with the directives added, how many rows changed, and the rows skipped."""
    edits, skipped = noqa_edits(text, codes_by_row)
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        text = text[: edit.start] + edit.content + text[edit.end :]
    return text, len(edits), skipped
