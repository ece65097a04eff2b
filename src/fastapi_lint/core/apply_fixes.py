"""Applying fixes to source text.

Fixes whose edits do not overlap are applied together, last offset first; a fix that overlaps
one already chosen waits for the next round (the caller re-checks the new text and repeats, so
that every round starts from fresh offsets). Identical edits of different fixes (two fixes that
both add ``import asyncio``) are applied once.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass

from fastapi_lint.core.diagnostics import Diagnostic, Edit

MAX_ROUNDS = 10


@dataclass(slots=True)
class AppliedFixes:
    text: str
    applied: list[Diagnostic]


def applicable(diagnostics: Iterable[Diagnostic], unsafe_fixes: bool) -> list[Diagnostic]:
    return [
        d
        for d in diagnostics
        if d.fix is not None and d.fix.edits and d.fix.applicability.allowed(unsafe_fixes)
    ]


def _overlaps(edit: Edit, chosen: list[Edit]) -> bool:
    for other in chosen:
        if edit.start == other.start and edit.end == other.end and edit.content == other.content:
            continue
        if edit.start < other.end and other.start < edit.end:
            return True
        # Two insertions (or an insertion at a replaced range's edge) at the same offset:
        # their order would be arbitrary.
        if edit.start == other.start and (edit.start == edit.end or other.start == other.end):
            return True
    return False


def apply_fixes(text: str, diagnostics: list[Diagnostic], newline: str = "\n") -> AppliedFixes:
    """Apply every non-conflicting fix of ``diagnostics`` (already filtered by applicability)."""
    chosen: list[Edit] = []
    applied: list[Diagnostic] = []
    for diagnostic in sorted(diagnostics, key=lambda d: (d.fix.start, d.start)):  # type: ignore[union-attr]
        assert diagnostic.fix is not None
        edits = diagnostic.fix.edits
        if any(not 0 <= edit.start <= edit.end <= len(text) for edit in edits):
            continue  # offsets outside the text: not this text's fix
        if any(_overlaps(edit, chosen) for edit in edits):
            continue
        for edit in edits:
            if not any(
                edit.start == c.start and edit.end == c.end and edit.content == c.content
                for c in chosen
            ):
                chosen.append(edit)
        applied.append(diagnostic)
    if not chosen:
        return AppliedFixes(text, [])
    pieces = []
    position = len(text)
    for edit in sorted(chosen, key=lambda e: (e.start, e.end), reverse=True):
        content = edit.content
        if newline != "\n":
            content = content.replace("\n", newline)
        pieces.append(text[edit.end : position])
        pieces.append(content)
        position = edit.start
    pieces.append(text[:position])
    return AppliedFixes("".join(reversed(pieces)), applied)


def compiles(text: str, filename: str) -> bool:
    """Whether CPython accepts ``text`` (used to refuse fixes that would break a file)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, filename, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True
