"""``fastapi-lint server``: a Language Server over stdio (pygls).

* Diagnostics on open, on change (debounced) and on save, each with its code and a link to
  the rule's page; syntax errors are errors, findings warnings.
* Code actions per diagnostic: apply its fix (safe ones; unsafe ones with ``unsafe-fixes``)
  and add a ``# noqa: CODE`` comment; ``source.fixAll.fastapi-lint`` applies every fix (for
  fix-on-save), also offered as the command ``fastapi-lint.applyAutofix``.
* Settings come from the project's configuration, overridden by the client's initialization
  options (``select``, ``extend-select``, ``ignore``, ``unsafe-fixes``, ``configuration``,
  ``lint-on-change``, ``debounce-ms``; camelCase accepted), and may change later through
  ``workspace/didChangeConfiguration``.
* Each project root is kept warm (``workspace.py``): its modules are loaded once from the
  cache in a worker thread; an edit re-checks that buffer only and recomputes the diagnostics
  of the open modules whose cross-module facts depend on it.

Everything runs on the server's event loop except the initial load of a project.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path

from fastapi_lint import __version__
from fastapi_lint.app.lsp.code_actions import FIX_ALL_KIND, code_actions, fix_all_edit
from fastapi_lint.app.lsp.conversion import LINE_BREAK, path_of, to_lsp
from fastapi_lint.app.lsp.options import ServerOptions
from fastapi_lint.app.lsp.workspace import WarmProject
from fastapi_lint.config.loading import load_settings
from fastapi_lint.config.settings import ConfigError, Settings
from fastapi_lint.core.diagnostics import Diagnostic
from fastapi_lint.engine.project_context import is_project_root

logger = logging.getLogger("fastapi_lint.app.lsp.server")

APPLY_AUTOFIX = "fastapi-lint.applyAutofix"
# An early diagnostics publish while a project is still loading (big project, cold cache).
LOADING_GRACE_SECONDS = 1.0


@dataclass(slots=True)
class _Published:
    version: int | None
    diagnostics: list[Diagnostic]


class FastapiLintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("fastapi-lint", __version__)
        self.options = ServerOptions()
        self.projects: dict[Path, WarmProject] = {}
        self.roots: dict[Path, Path] = {}  # directory -> the project root of its files
        self.loading: dict[Path, asyncio.Future] = {}
        self.timers: dict[str, asyncio.TimerHandle] = {}
        self.published: dict[str, _Published] = {}
        self.config_errors: set[str] = set()

    # -- settings and projects ----------------------------------------------------------

    def settings_for(self, path: Path) -> Settings | None:
        config = Path(self.options.configuration) if self.options.configuration else None
        try:
            settings = load_settings(path.parent, config)
            self.options.apply_selectors(settings)
        except ConfigError as exc:
            message = f"fastapi-lint: {exc}"
            if message not in self.config_errors:  # once, not on every keystroke
                self.config_errors.add(message)
                self.show(message, types.MessageType.Error)
            return None
        return settings

    def project_for(self, path: Path) -> WarmProject | None:
        """The warm project the file belongs to (its settings' root), created on first use."""
        root = self.roots.get(path.parent)
        if root is not None and root in self.projects:
            return self.projects[root]
        settings = self.settings_for(path)
        if settings is None:
            return None
        root = Path(os.path.abspath(settings.root))
        self.roots[path.parent] = root
        project = self.projects.get(root)
        if project is None:
            project = WarmProject(settings, settings.enabled_rules())
            self.projects[root] = project
            if is_project_root(root, settings):
                self._start_loading(project)
            else:
                project.loaded = True  # a loose file: no project around it to load
        return project

    def _start_loading(self, project: WarmProject) -> None:
        loop = asyncio.get_running_loop()
        started = time.perf_counter()
        future = loop.run_in_executor(None, project.load)
        self.loading[project.root] = future

        def done(future: asyncio.Future) -> None:
            self.loading.pop(project.root, None)
            if future.cancelled():
                return
            error = future.exception()
            if error is not None:
                self.show(f"fastapi-lint: cannot load {project.root}: {error}")
                project.loaded = True
                return
            affected = project.install(future.result())
            checked, cached = project.load_counts
            self.log(
                f"project {project.root}: {checked + cached} files loaded "
                f"({checked} checked, {cached} from the cache) in "
                f"{time.perf_counter() - started:.2f}s"
            )
            for path in affected:
                self.publish(project, path)

        future.add_done_callback(done)

    def reset(self) -> None:
        """Settings changed: forget every project and lint the open documents again."""
        for future in self.loading.values():
            future.cancel()
        self.loading.clear()
        self.projects.clear()
        self.roots.clear()
        self.config_errors.clear()
        for uri in list(self.workspace.text_documents):
            self.lint(uri)

    # -- linting ------------------------------------------------------------------------

    def lint(self, uri: str, saved: bool = False) -> None:
        timer = self.timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        path = path_of(uri)
        if path is None:
            return
        document = self.workspace.get_text_document(uri)
        project = self.project_for(path)
        if project is None:
            self.publish_empty(uri)
            return
        parsed_before = project.parsed.copy()
        affected = project.update(path, document.source, document.version)
        if saved:
            project.saved(path)
        if self.protocol.trace != types.TraceValue.Off:
            parsed = sorted((project.parsed - parsed_before).elements())
            recomputed = sorted(project.source_for(p).display for p in affected)
            self.trace(
                f"{project.source_for(path).display} v{document.version}: "
                f"parsed [{', '.join(parsed)}]; diagnostics recomputed for "
                f"[{', '.join(recomputed)}]"
            )
        if not project.loaded:
            # Still loading: publish later with the project's facts, or after a grace period.
            asyncio.get_running_loop().call_later(
                LOADING_GRACE_SECONDS, self._publish_if_open, project, path
            )
            return
        for other in affected:
            self.publish(project, other)

    def _publish_if_open(self, project: WarmProject, path: Path) -> None:
        if path in project.open:
            self.publish(project, path)

    def schedule(self, uri: str) -> None:
        timer = self.timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        delay = self.options.debounce_ms / 1000
        self.timers[uri] = asyncio.get_running_loop().call_later(delay, self.lint, uri)

    def unsafe_fixes(self, project: WarmProject) -> bool:
        """The client's setting, else the project's configuration."""
        if self.options.unsafe_fixes is not None:
            return self.options.unsafe_fixes
        return bool(project.settings.unsafe_fixes)

    def publish(self, project: WarmProject, path: Path) -> None:
        document = project.open.get(path)
        if document is None:
            return
        diagnostics = project.diagnostics(path)
        uri = from_fs_path(str(path)) or path.as_uri()
        self.published[uri] = _Published(document.version, diagnostics)
        lines = LINE_BREAK.split(document.text)
        unsafe = self.unsafe_fixes(project)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri,
                version=document.version,
                diagnostics=[
                    to_lsp(self.workspace.position_codec, lines, d, unsafe, project.root)
                    for d in diagnostics
                ],
            )
        )

    def publish_empty(self, uri: str) -> None:
        self.published.pop(uri, None)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )

    def close(self, uri: str) -> None:
        timer = self.timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        self.publish_empty(uri)
        path = path_of(uri)
        if path is None:
            return
        for project in self.projects.values():
            if path in project.open:
                for other in project.close(path):
                    self.publish(project, other)

    def disk_changed(self, uri: str) -> None:
        if uri.startswith("file:") and uri.endswith("/pyproject.toml"):
            self.reset()  # the configuration may have changed
            return
        path = path_of(uri)
        if path is None:
            return
        for root, project in self.projects.items():
            if root in path.parents and project.loaded:
                for other in project.disk_changed(path):
                    self.publish(project, other)

    # -- messages -----------------------------------------------------------------------

    def log(self, message: str) -> None:
        self.window_log_message(
            types.LogMessageParams(type=types.MessageType.Info, message=f"fastapi-lint: {message}")
        )

    def trace(self, message: str) -> None:
        """``$/logTrace``, when the client asked for traces (``trace`` in ``initialize``)."""
        if self.protocol.trace != types.TraceValue.Off:
            self.log_trace(types.LogTraceParams(message=f"fastapi-lint: {message}"))

    def show(self, message: str, kind: types.MessageType = types.MessageType.Warning) -> None:
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))


def create_server() -> FastapiLintServer:
    server = FastapiLintServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: FastapiLintServer, params: types.InitializeParams) -> None:
        if params.trace is not None:
            ls.protocol.trace = params.trace
        try:
            ls.options = ServerOptions.parse(params.initialization_options)
        except ValueError as exc:
            ls.options = ServerOptions()
            ls.show(f"fastapi-lint: initialization options: {exc}", types.MessageType.Error)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: FastapiLintServer, params: types.InitializedParams) -> None:
        capabilities = ls.client_capabilities
        watch = (
            capabilities.workspace is not None
            and capabilities.workspace.did_change_watched_files is not None
            and capabilities.workspace.did_change_watched_files.dynamic_registration
        )
        if watch:
            await ls.client_register_capability_async(
                types.RegistrationParams(
                    registrations=[
                        types.Registration(
                            id="fastapi-lint-watched-files",
                            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                            register_options=types.DidChangeWatchedFilesRegistrationOptions(
                                watchers=[
                                    types.FileSystemWatcher(glob_pattern="**/*.py"),
                                    types.FileSystemWatcher(glob_pattern="**/*.pyi"),
                                    types.FileSystemWatcher(glob_pattern="**/pyproject.toml"),
                                ]
                            ),
                        )
                    ]
                )
            )

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: FastapiLintServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.lint(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: FastapiLintServer, params: types.DidChangeTextDocumentParams) -> None:
        if ls.options.lint_on_change:
            ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    def did_save(ls: FastapiLintServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.lint(params.text_document.uri, saved=True)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: FastapiLintServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.close(params.text_document.uri)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND],
            resolve_provider=False,
        ),
    )
    def code_action(ls: FastapiLintServer, params: types.CodeActionParams):
        return code_actions(ls, params)

    @server.command(APPLY_AUTOFIX)
    async def apply_autofix(ls: FastapiLintServer, *arguments: Any) -> None:
        uri = _command_uri(arguments)
        path = path_of(uri) if uri else None
        project = next((p for p in ls.projects.values() if path in p.open), None)
        if uri is None or path is None or project is None:
            return None
        edit = fix_all_edit(ls, project, path, uri)
        if edit is not None:
            await ls.workspace_apply_edit_async(
                types.ApplyWorkspaceEditParams(edit=edit, label="fastapi-lint: fix all")
            )
        return None

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(
        ls: FastapiLintServer, params: types.DidChangeConfigurationParams
    ) -> None:
        if not params.settings:
            return
        try:
            ls.options = ServerOptions.parse(params.settings)
        except ValueError as exc:
            ls.show(f"fastapi-lint: settings: {exc}", types.MessageType.Error)
            return
        ls.reset()

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(
        ls: FastapiLintServer, params: types.DidChangeWatchedFilesParams
    ) -> None:
        for change in params.changes:
            ls.disk_changed(change.uri)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: FastapiLintServer, params: None = None) -> None:
        for timer in ls.timers.values():
            timer.cancel()
        ls.timers.clear()
        for project in ls.projects.values():
            project.flush_cache()  # a cache that cannot be written is skipped silently

    return server


def _command_uri(arguments: tuple[Any, ...]) -> str | None:
    """The document of ``fastapi-lint.applyAutofix``: ``"file:///..."`` or ``{"uri": ...}``."""
    for argument in arguments:
        if isinstance(argument, (list, tuple)):
            found = _command_uri(tuple(argument))
            if found:
                return found
        if isinstance(argument, str):
            return argument
        if isinstance(argument, dict) and isinstance(argument.get("uri"), str):
            return argument["uri"]
        uri = getattr(argument, "uri", None)
        if isinstance(uri, str):
            return uri
    return None


def serve() -> None:
    """Run the server on stdin/stdout until the client exits."""
    logging.basicConfig(level=logging.WARNING, format="fastapi-lint server: %(message)s")
    create_server().start_io()
