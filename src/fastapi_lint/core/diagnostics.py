"""What a check produces: diagnostics, fixes and text edits, as plain serializable data.

Offsets are character offsets into the decoded source text; locations are 1-based rows and
1-based character columns, as ruff reports them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from typing import Any


class Applicability(str, enum.Enum):
    SAFE = "safe"
    UNSAFE = "unsafe"

    def allowed(self, unsafe_fixes: bool) -> bool:
        return self is Applicability.SAFE or unsafe_fixes


@dataclass(frozen=True, slots=True)
class Location:
    row: int
    column: int

    def to_json(self) -> dict[str, int]:
        return {"column": self.column, "row": self.row}


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``source[start:end]`` with ``content`` (``"\\n"`` is written as the file's newline)."""

    start: int
    end: int
    content: str
    location: Location | None = None
    end_location: Location | None = None

    @staticmethod
    def insert(offset: int, content: str) -> Edit:
        return Edit(offset, offset, content)

    @staticmethod
    def delete(start: int, end: int) -> Edit:
        return Edit(start, end, "")


@dataclass(frozen=True, slots=True)
class Fix:
    message: str
    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE

    @property
    def start(self) -> int:
        return min(edit.start for edit in self.edits)

    @property
    def end(self) -> int:
        return max(edit.end for edit in self.edits)

    @staticmethod
    def safe(message: str, *edits: Edit) -> Fix:
        return Fix(message, tuple(edits), Applicability.SAFE)

    @staticmethod
    def unsafe(message: str, *edits: Edit) -> Fix:
        return Fix(message, tuple(edits), Applicability.UNSAFE)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    name: str
    message: str
    start: int
    end: int
    location: Location = Location(1, 1)
    end_location: Location = Location(1, 1)
    fix: Fix | None = None
    # The row a suppression comment has to be on to silence this diagnostic.
    noqa_row: int = 1
    # Extra facts for the project pass (for example the qualified name of the enclosing
    # function, so that a message can name a dependency declared in another module).
    data: dict[str, Any] = field(default_factory=dict)

    def with_message(self, message: str) -> Diagnostic:
        return replace(self, message=message)

    def without_fix(self) -> Diagnostic:
        return replace(self, fix=None)

    def sort_key(self) -> tuple[int, int, str]:
        return (self.location.row, self.location.column, self.code)

    # Serialization for the cache and for worker processes: plain JSON-able data.
    def to_data(self) -> list[Any]:
        fix = None
        if self.fix is not None:
            fix = [
                self.fix.message,
                self.fix.applicability.value,
                [
                    [
                        e.start,
                        e.end,
                        e.content,
                        _loc_data(e.location),
                        _loc_data(e.end_location),
                    ]
                    for e in self.fix.edits
                ],
            ]
        return [
            self.code,
            self.name,
            self.message,
            self.start,
            self.end,
            self.location.row,
            self.location.column,
            self.end_location.row,
            self.end_location.column,
            fix,
            self.noqa_row,
            self.data or None,
        ]

    @staticmethod
    def from_data(data: list[Any]) -> Diagnostic:
        """The inverse of ``to_data``; raises (TypeError, ValueError) on data of the wrong
        shape or types: cache files are untrusted."""
        (code, name, message, start, end, row, col, erow, ecol, fix, noqa_row, extra) = data
        _typed(str, code, name, message)
        _typed(int, start, end, row, col, erow, ecol, noqa_row)
        if extra is not None and not isinstance(extra, dict):
            raise TypeError("diagnostic data is not a mapping")
        fix_obj = None
        if fix is not None:
            fmessage, applicability, edits = fix
            _typed(str, fmessage)
            for s, e, c, _, _ in edits:
                _typed(int, s, e)
                _typed(str, c)
            fix_obj = Fix(
                fmessage,
                tuple(
                    Edit(s, e, c, _loc_from(loc), _loc_from(eloc)) for s, e, c, loc, eloc in edits
                ),
                Applicability(applicability),
            )
        return Diagnostic(
            code=code,
            name=name,
            message=message,
            start=start,
            end=end,
            location=Location(row, col),
            end_location=Location(erow, ecol),
            fix=fix_obj,
            noqa_row=noqa_row,
            data=extra or {},
        )


def _loc_data(loc: Location | None) -> list[int] | None:
    return None if loc is None else [loc.row, loc.column]


def _loc_from(data: list[int] | None) -> Location | None:
    if data is None:
        return None
    row, column = data
    _typed(int, row, column)
    return Location(row, column)


def _typed(kind: type, *values: Any) -> None:
    for value in values:
        if type(value) is not kind:
            raise TypeError(f"expected {kind.__name__}, got {type(value).__name__}")
