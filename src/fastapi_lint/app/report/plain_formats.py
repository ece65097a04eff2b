"""``pylint`` and ``azure``: one line per finding, for tools that read those formats."""

from __future__ import annotations

from fastapi_lint.app.report import Entry, ReportContext


def render_pylint(entries: list[Entry], context: ReportContext) -> str:
    """``path:row: [CODE] message``, as pylint's parseable output (and ruff's ``pylint``)."""
    return "".join(
        f"{e.path}:{e.diagnostic.location.row}: [{e.diagnostic.code}] {e.diagnostic.message}\n"
        for e in entries
    )


def _azure_escape(text: str) -> str:
    # Azure Pipelines logging commands: `;` and `]` end a property, newlines the command.
    return (
        text.replace("%", "%AZP25")
        .replace(";", "%3B")
        .replace("\r", "%0D")
        .replace("\n", "%0A")
        .replace("]", "%5D")
    )


def render_azure(entries: list[Entry], context: ReportContext) -> str:
    """Azure Pipelines ``##vso[task.logissue]`` commands: annotations on the build."""
    lines = []
    for entry in entries:
        d = entry.diagnostic
        properties = (
            f"type=error;sourcepath={_azure_escape(entry.path)};"
            f"linenumber={d.location.row};columnnumber={d.location.column};code={d.code};"
        )
        lines.append(f"##vso[task.logissue {properties}]{_azure_escape(d.message)}\n")
    return "".join(lines)
