"""``github``: workflow commands that GitHub Actions turns into annotations on the diff."""

from __future__ import annotations

from fastapi_lint.app.report import Entry, ReportContext


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(entries: list[Entry], context: ReportContext) -> str:
    lines = []
    for entry in entries:
        d = entry.diagnostic
        properties = ",".join(
            [
                f"title={_escape_property(f'fastapi-lint ({d.code})')}",
                f"file={_escape_property(entry.path)}",
                f"line={d.location.row}",
                f"col={d.location.column}",
                f"endLine={d.end_location.row}",
                f"endColumn={d.end_location.column}",
            ]
        )
        message = f"{entry.path}:{d.location.row}:{d.location.column}: {d.code} {d.message}"
        lines.append(f"::error {properties}::{_escape_data(message)}")
    return "".join(line + "\n" for line in lines)
