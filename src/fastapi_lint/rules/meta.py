"""FAPI0xx: problems with the input itself rather than with the code in it.

These are always on: they cannot be selected, ignored or fixed. Their data lives in
``core/codes.py`` (the engine reports them below the rule layer); these classes list them.
"""

from __future__ import annotations

from fastapi_lint.core.codes import INTERNAL_ERROR, IO_ERROR, SYNTAX_ERROR
from fastapi_lint.lint.rule import Rule


class SyntaxErrorRule(Rule):
    """The file does not parse."""

    code = SYNTAX_ERROR.code
    name = SYNTAX_ERROR.name
    summary = SYNTAX_ERROR.summary
    always_enabled = True


class IOError_(Rule):
    """The file cannot be read or written."""

    code = IO_ERROR.code
    name = IO_ERROR.name
    summary = IO_ERROR.summary
    always_enabled = True


class InternalError(Rule):
    """A rule failed on the file."""

    code = INTERNAL_ERROR.code
    name = INTERNAL_ERROR.name
    summary = INTERNAL_ERROR.summary
    always_enabled = True
