"""FAPI001-FAPI003: findings about the input itself (it does not parse, it cannot be read, a
rule failed on it) rather than about the code in it.

The engine raises these below the rule layer, so their codes, names and summaries are plain
data here; ``rules/meta.py`` makes them rules (always on: they cannot be selected, ignored or
fixed) so that they are listed and documented like every other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi_lint.core.diagnostics import Diagnostic


@dataclass(frozen=True)
class MetaCode:
    code: str
    name: str
    summary: str


SYNTAX_ERROR = MetaCode(
    "FAPI001", "syntax-error", "The file is not valid Python source; no other rule ran on it"
)
IO_ERROR = MetaCode(
    "FAPI002", "io-error", "The file could not be read, or its fixes could not be written"
)
INTERNAL_ERROR = MetaCode(
    "FAPI003", "internal-error", "A rule failed on this file; the other rules still ran"
)
META_CODES = (SYNTAX_ERROR, IO_ERROR, INTERNAL_ERROR)

# Findings that mean the file was not (fully) checked: never baselined, never fixed, and a
# run that has them exits with an error.
UNCHECKED = frozenset({IO_ERROR.code, INTERNAL_ERROR.code})
INPUT_PROBLEMS = frozenset(meta.code for meta in META_CODES)


def file_diagnostic(meta: MetaCode, message: str) -> Diagnostic:
    """A finding about the whole file (it could not be read, a rule failed on it), placed at
    its first line."""
    from fastapi_lint.core.diagnostics import Diagnostic

    return Diagnostic(code=meta.code, name=meta.name, message=message, start=0, end=0)


def exception_detail(exc: BaseException) -> str:
    """``ValueError: bad thing``: an exception as a message says it."""
    import traceback

    return "".join(traceback.format_exception_only(type(exc), exc)).strip()
