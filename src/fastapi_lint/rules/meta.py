"""FAPI0xx: problems with the input itself rather than with the code in it.

These are always on: they cannot be selected, ignored or fixed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi_lint.lint.rule import Rule

if TYPE_CHECKING:
    from fastapi_lint.core.diagnostics import Diagnostic


class SyntaxErrorRule(Rule):
    code = "FAPI001"
    name = "syntax-error"
    summary = "The file is not valid Python source; no other rule ran on it"
    always_enabled = True


class IOError_(Rule):
    code = "FAPI002"
    name = "io-error"
    summary = "The file could not be read, or its fixes could not be written"
    always_enabled = True


class InternalError(Rule):
    code = "FAPI003"
    name = "internal-error"
    summary = "A rule failed on this file; the other rules still ran"
    always_enabled = True


def file_diagnostic(rule: type[Rule], message: str) -> Diagnostic:
    """A finding about the whole file (it could not be read, a rule failed on it), placed at
    its first line."""
    from fastapi_lint.core.diagnostics import Diagnostic

    return Diagnostic(code=rule.code, name=rule.name, message=message, start=0, end=0)


def exception_detail(exc: BaseException) -> str:
    """``ValueError: bad thing``: an exception as a message says it."""
    import traceback

    return "".join(traceback.format_exception_only(type(exc), exc)).strip()
