"""Code actions: a finding's fix, a ``# noqa`` comment for its line, and fix-all (the editor's
fix-on-save, also the command ``fastapi-lint.applyAutofix``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from lsprotocol import types

from fastapi_lint.analysis.positions import LineIndex
from fastapi_lint.app.lsp.conversion import (
    LINE_BREAK,
    changed_span,
    newline_of,
    overlaps,
    path_of,
    text_edit,
    to_lsp,
)
from fastapi_lint.app.lsp.workspace import WarmProject
from fastapi_lint.core.codes import INPUT_PROBLEMS
from fastapi_lint.core.diagnostics import Applicability

FIX_ALL_KIND = "source.fixAll.fastapi-lint"


class ActionHost(Protocol):
    """What code actions need of the server (``server.FastapiLintServer``)."""

    projects: dict[Path, WarmProject]
    timers: dict[str, Any]
    workspace: Any

    def lint(self, uri: str, saved: bool = False) -> None: ...

    def unsafe_fixes(self, project: WarmProject) -> bool: ...

    def log(self, message: str) -> None: ...


def code_actions(
    server: ActionHost, params: types.CodeActionParams
) -> list[types.CodeAction] | None:
    uri = params.text_document.uri
    path = path_of(uri)
    if path is None:
        return None
    project = next((p for p in server.projects.values() if path in p.open), None)
    if project is None:
        return None
    current = server.workspace.get_text_document(uri).source
    if uri in server.timers or project.open[path].text != current:
        server.lint(uri)  # an edit not linted yet: actions need offsets into the current text
    document = project.open[path]
    codec = server.workspace.position_codec
    lines = LINE_BREAK.split(document.text)
    only = params.context.only
    actions: list[types.CodeAction] = []

    def wanted(kind: str) -> bool:
        return not only or any(kind == k or kind.startswith(f"{k}.") for k in only)

    unsafe = server.unsafe_fixes(project)
    if wanted(types.CodeActionKind.QuickFix):
        index = LineIndex(document.text)
        newline = newline_of(document.text)
        requested = params.range
        for diagnostic in project.diagnostics(path):
            lsp = to_lsp(codec, lines, diagnostic, unsafe)
            if not overlaps(lsp.range, requested):
                continue
            fix = diagnostic.fix
            if fix is not None and fix.edits and fix.applicability.allowed(unsafe):
                unsafe_note = " (unsafe)" if fix.applicability is Applicability.UNSAFE else ""
                edits = [
                    text_edit(
                        codec,
                        lines,
                        index,
                        edit.start,
                        edit.end,
                        edit.content.replace("\n", newline),
                    )
                    for edit in fix.edits
                ]
                actions.append(
                    types.CodeAction(
                        title=f"fastapi-lint ({diagnostic.code}): {fix.message}{unsafe_note}",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[lsp],
                        is_preferred=fix.applicability is Applicability.SAFE,
                        edit=types.WorkspaceEdit(changes={uri: edits}),
                    )
                )
            if diagnostic.code in INPUT_PROBLEMS:
                continue
            noqa = project.noqa_edit(path, diagnostic)
            if noqa is not None:
                actions.append(
                    types.CodeAction(
                        title=f"fastapi-lint ({diagnostic.code}): Disable for this line",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[lsp],
                        edit=types.WorkspaceEdit(
                            changes={
                                uri: [
                                    text_edit(
                                        codec, lines, index, noqa.start, noqa.end, noqa.content
                                    )
                                ]
                            }
                        ),
                    )
                )
    if wanted(FIX_ALL_KIND):
        edit = fix_all_edit(server, project, path, uri)
        if edit is not None:
            actions.append(
                types.CodeAction(
                    title="fastapi-lint: Fix all auto-fixable problems",
                    kind=FIX_ALL_KIND,
                    edit=edit,
                )
            )
    return actions


def fix_all_edit(server: ActionHost, project: WarmProject, path: Path, uri: str):
    document = project.open[path]
    result = project.fix_all(path, server.unsafe_fixes(project))
    if result.error:
        server.log(f"{document.source.display}: {result.error}")
    if result.text is None:
        return None
    codec = server.workspace.position_codec
    start, end, content = changed_span(document.text, result.text)
    lines = LINE_BREAK.split(document.text)
    edit = text_edit(codec, lines, LineIndex(document.text), start, end, content)
    versioned = types.TextDocumentEdit(
        text_document=types.OptionalVersionedTextDocumentIdentifier(
            uri=uri, version=document.version
        ),
        edits=[edit],
    )
    return types.WorkspaceEdit(document_changes=[versioned])
