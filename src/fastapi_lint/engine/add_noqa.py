"""``--add-noqa``: a ``# noqa: CODE`` comment on every line with a finding left, ruff's way.

The engine edits the files and says what happened; the command line prints it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi_lint.core.apply_fixes import compiles
from fastapi_lint.core.codes import INPUT_PROBLEMS
from fastapi_lint.core.noqa import add_noqa
from fastapi_lint.core.source import (
    SourceDecodeError,
    SourceReadError,
    WriteConflictError,
    read_source,
    write_source,
)


@dataclass(slots=True)
class NoqaReport:
    added: int = 0
    # (level, message): "error" or "warning", phrased for the user without the tool's prefix.
    messages: list[tuple[str, str]] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(level == "error" for level, _ in self.messages)


def add_noqa_comments(outcomes) -> NoqaReport:
    """Add the comments to each outcome's file; a file that cannot be read, would no longer
    compile, or changed meanwhile is left alone (an error in the report)."""
    report = NoqaReport()
    for outcome in outcomes:
        rows: dict[int, set[str]] = {}
        for diagnostic in outcome.diagnostics:
            if diagnostic.code in INPUT_PROBLEMS:
                continue  # a file that cannot be read or parsed needs fixing, not silencing
            rows.setdefault(diagnostic.noqa_row, set()).add(diagnostic.code)
        if not rows:
            continue
        display = outcome.source.display
        try:
            source = read_source(outcome.source.path)
        except (SourceReadError, SourceDecodeError) as exc:
            report.messages.append(("error", f"{display}: cannot add noqa: {exc}"))
            continue
        text, changed, skipped = add_noqa(source.text, rows)
        for row in skipped:
            report.messages.append(
                (
                    "warning",
                    f"{display}:{row}: no `# noqa` comment can go on this line (inside a "
                    "multi-line string or after a line continuation)",
                )
            )
        if not changed:
            continue
        if compiles(source.text, display) and not compiles(text, display):
            report.messages.append(("error", f"{display}: adding noqa comments would break it"))
            continue
        try:
            write_source(outcome.source.path, source, text)
        except (WriteConflictError, OSError) as exc:
            report.messages.append(("error", f"{display}: not written: {exc}"))
            continue
        report.added += changed
    return report
