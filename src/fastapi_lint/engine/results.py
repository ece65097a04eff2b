"""The result of the per-file pass for one file: plain data, cacheable, free of libcst."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi_lint.analysis.module_summary import ModuleSummary
from fastapi_lint.core.codes import SYNTAX_ERROR
from fastapi_lint.core.diagnostics import Diagnostic, Location
from fastapi_lint.core.noqa import NoqaDirectives

# Where ``FileResult.to_data`` puts the module summary and the positions flag.
DATA_SUMMARY = 3
DATA_POSITIONS = 7


@dataclass(slots=True)
class FileResult:
    """Everything the per-file pass learned about one file; cacheable as plain data."""

    path: str
    digest: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    summary: ModuleSummary | None = None
    noqa: NoqaDirectives = field(default_factory=NoqaDirectives)
    syntax_error: bool = False
    internal_error: bool = False
    # The summary's spans and prepared fixes are computed (see ``summary.PendingSpan``).
    positions: bool = True

    def to_data(self) -> list[Any]:
        """A list of the fields in this order (``DATA_SUMMARY`` and ``DATA_POSITIONS`` name the
        places read without decoding the whole result)."""
        return [
            self.path,
            self.digest,
            [d.to_data() for d in self.diagnostics],
            self.summary.to_data() if self.summary is not None else None,
            self.noqa.to_data(),
            self.syntax_error,
            self.internal_error,
            self.positions,
        ]

    @staticmethod
    def from_data(data: list[Any], display: str | None = None) -> FileResult:
        path, digest, diagnostics, summary, noqa, syntax_error, internal_error, positions = data
        if display is not None:
            path = display
        return FileResult(
            path=path,
            digest=digest,
            diagnostics=[Diagnostic.from_data(d) for d in diagnostics],
            summary=ModuleSummary.from_data(summary, path) if summary is not None else None,
            noqa=NoqaDirectives.from_data(noqa),
            syntax_error=syntax_error,
            internal_error=internal_error,
            positions=positions,
        )


def syntax_error_diagnostic(
    message: str, row: int, column: int, prefix: str = "SyntaxError: "
) -> Diagnostic:
    location = Location(row, column)
    return Diagnostic(
        code=SYNTAX_ERROR.code,
        name=SYNTAX_ERROR.name,
        message=f"{prefix}{message}",
        start=0,
        end=0,
        location=location,
        end_location=location,
        noqa_row=row,
    )
