"""FAPI0xx: problems with the input itself rather than with the code in it.

These are always on: they cannot be selected, ignored or fixed.
"""

from __future__ import annotations

from fastapi_lint.registry import Rule


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
