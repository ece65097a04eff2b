"""Between the linter's findings and the protocol's types: positions in the client's units,
diagnostics, text edits, URIs."""

from __future__ import annotations

import os
import re
from pathlib import Path

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path

from fastapi_lint.analysis.positions import LineIndex
from fastapi_lint.core.codes import INPUT_PROBLEMS
from fastapi_lint.core.diagnostics import Diagnostic
from fastapi_lint.rules.registry import rule_by_code

SOURCE = "fastapi-lint"
PYTHON_SUFFIXES = (".py", ".pyi")
LINE_BREAK = re.compile(r"\r\n|\r|\n")


def to_lsp(
    codec, lines: list[str], diagnostic: Diagnostic, unsafe: bool, root: Path | None = None
) -> types.Diagnostic:
    rule = rule_by_code(diagnostic.code)
    start = position(codec, lines, diagnostic.location.row, diagnostic.location.column)
    end = position(codec, lines, diagnostic.end_location.row, diagnostic.end_location.column)
    fixable = diagnostic.fix is not None and diagnostic.fix.applicability.allowed(unsafe)
    return types.Diagnostic(
        range=types.Range(start=start, end=end),
        message=diagnostic.message,
        severity=(
            types.DiagnosticSeverity.Error
            if diagnostic.code in INPUT_PROBLEMS
            else types.DiagnosticSeverity.Warning
        ),
        code=diagnostic.code,
        code_description=(types.CodeDescription(href=rule.url()) if rule is not None else None),
        source=SOURCE,
        data={"fixable": fixable, "name": diagnostic.name},
        related_information=root_information(diagnostic, root),
    )


def position(codec, lines: list[str], row: int, column: int) -> types.Position:
    line = max(0, min(row - 1, len(lines) - 1)) if lines else 0
    text = lines[line] if lines else ""
    return types.Position(line=line, character=codec.client_num_units(text[: column - 1]))


def text_edit(codec, lines: list[str], index: LineIndex, start: int, end: int, content: str):
    first, last = index.location(start), index.location(end)
    return types.TextEdit(
        range=types.Range(
            start=position(codec, lines, first.row, first.column),
            end=position(codec, lines, last.row, last.column),
        ),
        new_text=content,
    )


def root_information(
    diagnostic: Diagnostic, root: Path | None
) -> list[types.DiagnosticRelatedInformation] | None:
    """The root cause a FAPI102 finding shares with others, as related information."""
    found = diagnostic.data.get("root_location") if diagnostic.data else None
    if root is None or not (isinstance(found, list) and len(found) == 3):
        return None
    path, row, column = found
    absolute = Path(path) if Path(path).is_absolute() else root / path
    position = types.Position(line=max(row - 1, 0), character=max(column - 1, 0))
    return [
        types.DiagnosticRelatedInformation(
            location=types.Location(
                uri=from_fs_path(str(absolute)) or absolute.as_uri(),
                range=types.Range(start=position, end=position),
            ),
            message=f"root cause: {diagnostic.data.get('root', '')}",
        )
    ]


def path_of(uri: str) -> Path | None:
    if not uri.startswith("file:"):
        return None
    path = to_fs_path(uri)
    if path is None or not path.endswith(PYTHON_SUFFIXES):
        return None
    return Path(os.path.abspath(path))


def newline_of(text: str) -> str:
    match = LINE_BREAK.search(text)
    return match.group(0) if match else "\n"


def overlaps(a: types.Range, b: types.Range) -> bool:
    def key(p: types.Position) -> tuple[int, int]:
        return (p.line, p.character)

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


def changed_span(old: str, new: str) -> tuple[int, int, str]:
    """The smallest single replacement turning ``old`` into ``new``: (start, end, content)."""
    prefix = 0
    limit = min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[len(old) - 1 - suffix] == new[len(new) - 1 - suffix]:
        suffix += 1
    return prefix, len(old) - suffix, new[prefix : len(new) - suffix]
