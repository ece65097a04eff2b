"""``fastapi-lint server`` driven by a real LSP client (pygls') over a subprocess's stdio."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner
from lsprotocol import types
from pygls.lsp.client import LanguageClient

from fastapi_lint.app.cli import main

BLOCKING = """\
import time

from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def index():
    label = "\U0001f600"; time.sleep(1)
    return {"label": label}
"""

DEPS = """\
import time


async def get_settings():
    time.sleep(1)
    return {}
"""

ROUTES = """\
from fastapi import FastAPI

from app.deps import get_settings

app = FastAPI()


@app.get("/")
async def index():
    return await get_settings()
"""

ROUTES_DEPENDS = """\
from fastapi import Depends, FastAPI

from app.deps import get_settings

app = FastAPI()


@app.get("/")
async def index(settings=Depends(get_settings)):
    return settings
"""

TIMEOUT = 20.0


def make_project(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if not (root / "pyproject.toml").exists():
        (root / "pyproject.toml").write_text('[project]\nname = "svc"\n', encoding="utf-8")
    return root


# -- a client session --------------------------------------------------------------------


class Session:
    """A language client talking to ``python -m fastapi_lint server`` over stdio."""

    def __init__(self, root: Path, options: dict | None = None) -> None:
        self.root = root
        self.options = options
        self.client = LanguageClient("fastapi-lint-tests", "1")
        self.published: list[types.PublishDiagnosticsParams] = []
        self.logs: list[str] = []
        self.shown: list[str] = []
        self.traces: list[str] = []
        self.applied: list[types.WorkspaceEdit] = []
        self.versions: dict[str, int] = {}
        client = self.client

        @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
            self.published.append(params)

        @client.feature(types.WINDOW_LOG_MESSAGE)
        def on_log(params: types.LogMessageParams) -> None:
            self.logs.append(params.message)

        @client.feature(types.WINDOW_SHOW_MESSAGE)
        def on_show(params: types.ShowMessageParams) -> None:
            self.shown.append(params.message)

        @client.feature(types.LOG_TRACE)
        def on_trace(params: types.LogTraceParams) -> None:
            self.traces.append(params.message)

        @client.feature(types.WORKSPACE_APPLY_EDIT)
        def on_apply(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
            self.applied.append(params.edit)
            return types.ApplyWorkspaceEditResult(applied=True)

        @client.feature(types.CLIENT_REGISTER_CAPABILITY)
        def on_register(params: types.RegistrationParams) -> None:
            return None

    async def __aenter__(self) -> Session:
        await self.client.start_io(
            sys.executable, "-m", "fastapi_lint", "server", cwd=str(self.root)
        )
        result = await asyncio.wait_for(
            self.client.initialize_async(
                types.InitializeParams(
                    process_id=os.getpid(),
                    root_uri=self.root.as_uri(),
                    capabilities=types.ClientCapabilities(
                        general=types.GeneralClientCapabilities(
                            position_encodings=[types.PositionEncodingKind.Utf16]
                        ),
                        workspace=types.WorkspaceClientCapabilities(
                            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(
                                dynamic_registration=True
                            )
                        ),
                    ),
                    initialization_options=self.options,
                    trace=types.TraceValue.Verbose,
                )
            ),
            TIMEOUT,
        )
        self.capabilities = result.capabilities
        self.client.initialized(types.InitializedParams())
        return self

    async def __aexit__(self, *exc: object) -> None:
        try:
            await asyncio.wait_for(self.client.shutdown_async(None), TIMEOUT)
            self.client.exit(None)
        finally:
            await self.client.stop()

    def uri(self, name: str) -> str:
        return (self.root / name).as_uri()

    def open(self, name: str, text: str | None = None) -> str:
        uri = self.uri(name)
        if text is None:
            text = (self.root / name).read_text(encoding="utf-8")
        self.versions[uri] = 1
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="python", version=1, text=text
                )
            )
        )
        return uri

    def change(self, uri: str, text: str) -> int:
        self.versions[uri] += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=uri, version=self.versions[uri]
                ),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        return self.versions[uri]

    def save(self, uri: str) -> None:
        self.client.text_document_did_save(
            types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )

    async def diagnostics(
        self,
        uri: str,
        predicate: Callable[[list[types.Diagnostic]], bool] = lambda _: True,
        after: int = 0,
    ) -> list[types.Diagnostic]:
        """The first diagnostics published for ``uri`` (from the ``after``-th publish on)
        that satisfy ``predicate``."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            for params in self.published[after:]:
                if params.uri == uri and predicate(params.diagnostics):
                    return list(params.diagnostics)
            await asyncio.sleep(0.02)
        raise AssertionError(
            f"no matching diagnostics for {uri}; published: "
            + repr(
                [
                    (p.uri.rsplit("/", 1)[-1], [d.message for d in p.diagnostics])
                    for p in self.published
                ]
            )
        )

    async def code_actions(
        self, uri: str, range: types.Range, only: list[str] | None = None
    ) -> list[types.CodeAction]:
        result = await asyncio.wait_for(
            self.client.text_document_code_action_async(
                types.CodeActionParams(
                    text_document=types.TextDocumentIdentifier(uri=uri),
                    range=range,
                    context=types.CodeActionContext(diagnostics=[], only=only),
                )
            ),
            TIMEOUT,
        )
        return [a for a in result or [] if isinstance(a, types.CodeAction)]


def run(coroutine) -> None:
    asyncio.run(coroutine)


def offset_of(text: str, position: types.Position) -> int:
    """A UTF-16 LSP position as an offset into ``text``."""
    lines = text.splitlines(keepends=True)
    offset = sum(len(line) for line in lines[: position.line])
    line = lines[position.line] if position.line < len(lines) else ""
    units = index = 0
    while units < position.character and index < len(line):
        units += 2 if ord(line[index]) > 0xFFFF else 1
        index += 1
    return offset + index


def apply_text_edits(text: str, edits: list[types.TextEdit]) -> str:
    spans = sorted(
        ((offset_of(text, e.range.start), offset_of(text, e.range.end), e.new_text) for e in edits),
        reverse=True,
    )
    for start, end, new_text in spans:
        text = text[:start] + new_text + text[end:]
    return text


def edits_of(edit: types.WorkspaceEdit, uri: str) -> list[types.TextEdit]:
    if edit.changes:
        return list(edit.changes[uri])
    found = []
    for change in edit.document_changes or []:
        assert isinstance(change, types.TextDocumentEdit)
        assert change.text_document.uri == uri
        found.extend(change.edits)
    return found


def cli_fix(root: Path, name: str, text: str) -> str:
    runner = CliRunner()
    cwd = os.getcwd()
    os.chdir(root)
    try:
        result = runner.invoke(
            main,
            ["check", "--no-cache", "--fix", "--stdin-filename", name, "-"],
            input=text.encode(),
        )
    finally:
        os.chdir(cwd)
    return result.stdout


# -- the tests -----------------------------------------------------------------------------


def test_diagnostics_on_open_change_and_save(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"app/__init__.py": "", "app/main.py": BLOCKING})

    async def scenario() -> None:
        async with Session(project, {"debounce-ms": 150}) as session:
            sync = session.capabilities.text_document_sync
            assert isinstance(sync, types.TextDocumentSyncOptions) and sync.open_close
            assert sync.save
            uri = session.open("app/main.py")
            [diagnostic] = await session.diagnostics(uri)
            assert diagnostic.code == "FAPI101"
            assert diagnostic.source == "fastapi-lint"
            assert diagnostic.severity == types.DiagnosticSeverity.Warning
            assert diagnostic.code_description is not None
            assert diagnostic.code_description.href.endswith("/rules/FAPI101.md")
            assert "in route `GET /`" in diagnostic.message
            # Column in UTF-16 code units: the emoji before the call counts twice.
            line = BLOCKING.splitlines()[9]
            start = len(line.split("time.sleep")[0]) + 1  # + 1 for the astral character
            assert diagnostic.range == types.Range(
                start=types.Position(line=9, character=start),
                end=types.Position(line=9, character=start + len("time.sleep(1)")),
            )

            # Changes are debounced: a burst of edits gives one publish, for the last one.
            before = len(session.published)
            session.change(uri, BLOCKING.replace("time.sleep(1)", "time.sleep(2)"))
            session.change(uri, BLOCKING.replace("time.sleep(1)", "time.sleep(3)"))
            last = session.change(uri, BLOCKING.replace("; time.sleep(1)", ""))
            assert await session.diagnostics(uri, after=before) == []
            await asyncio.sleep(0.5)
            mine = [p for p in session.published[before:] if p.uri == uri]
            assert [p.version for p in mine] == [last]

            # On save (no change since): published again, immediately.
            before = len(session.published)
            session.save(uri)
            assert await session.diagnostics(uri, after=before) == []

    run(scenario())


def test_code_actions_fix_and_noqa(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"app/__init__.py": "", "app/main.py": BLOCKING})

    async def scenario() -> None:
        async with Session(project) as session:
            uri = session.open("app/main.py")
            [diagnostic] = await session.diagnostics(uri)
            actions = await session.code_actions(uri, diagnostic.range)
            titles = [a.title for a in actions]
            assert titles == [
                "fastapi-lint (FAPI101): Replace with `await asyncio.sleep(1)`",
                "fastapi-lint (FAPI101): Disable for this line",
                "fastapi-lint: Fix all auto-fixable problems",
            ]
            fix, noqa, _ = actions
            assert fix.kind == types.CodeActionKind.QuickFix and fix.is_preferred
            assert fix.diagnostics and fix.diagnostics[0].code == "FAPI101"
            assert fix.edit is not None
            fixed = apply_text_edits(BLOCKING, edits_of(fix.edit, uri))
            assert 'label = "\U0001f600"; await asyncio.sleep(1)\n' in fixed
            assert fixed.startswith("import asyncio\nimport time\n")
            assert noqa.edit is not None
            silenced = apply_text_edits(BLOCKING, edits_of(noqa.edit, uri))
            assert 'label = "\U0001f600"; time.sleep(1)  # noqa: FAPI101\n' in silenced

            # The edited buffers are clean.
            before = len(session.published)
            session.change(uri, fixed)
            assert await session.diagnostics(uri, after=before) == []
            before = len(session.published)
            session.change(uri, silenced)
            assert await session.diagnostics(uri, after=before) == []

            # Nothing to offer where there is no finding.
            elsewhere = types.Range(start=types.Position(0, 0), end=types.Position(0, 3))
            assert await session.code_actions(uri, elsewhere, only=["quickfix"]) == []

    run(scenario())


def test_fix_all_matches_check_fix(tmp_path: Path) -> None:
    source = BLOCKING.replace("    return", "    time.sleep(0.5)\n    return")
    project = make_project(tmp_path, {"app/__init__.py": "", "app/main.py": source})

    async def scenario() -> None:
        async with Session(project) as session:
            uri = session.open("app/main.py")
            await session.diagnostics(uri, lambda d: len(d) == 2)
            everything = types.Range(start=types.Position(0, 0), end=types.Position(0, 0))
            [action] = await session.code_actions(uri, everything, only=["source.fixAll"])
            assert action.kind == "source.fixAll.fastapi-lint"
            assert action.edit is not None
            fixed = apply_text_edits(source, edits_of(action.edit, uri))
            assert fixed == cli_fix(project, "app/main.py", source)
            assert fixed.count("await asyncio.sleep(") == 2
            # Also as a command, applied through workspace/applyEdit.
            await asyncio.wait_for(
                session.client.workspace_execute_command_async(
                    types.ExecuteCommandParams(
                        command="fastapi-lint.applyAutofix", arguments=[{"uri": uri}]
                    )
                ),
                TIMEOUT,
            )
            [applied] = session.applied
            assert apply_text_edits(source, edits_of(applied, uri)) == fixed

    run(scenario())


def test_initialization_options_select_rules_and_bad_ones_are_reported(tmp_path: Path) -> None:
    cors = (
        "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n"
        "app = FastAPI()\n"
        'app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)\n'
    )
    project = make_project(tmp_path, {"main.py": BLOCKING, "cors.py": cors})

    async def scenario() -> None:
        async with Session(project, {"select": ["FAPI3"], "unsafeFixes": True}) as session:
            assert await session.diagnostics(session.open("main.py")) == []
            [found] = await session.diagnostics(session.open("cors.py"))
            assert found.code == "FAPI301"
        async with Session(project, {"fastapi-lint": {"selct": ["FAPI3"]}}) as session:
            assert await session.diagnostics(session.open("main.py"))  # defaults still lint
            assert any("unknown setting `selct`" in m for m in session.shown), session.shown
        async with Session(project, {"ignore": ["FAPI999"]}) as session:
            await session.diagnostics(session.open("main.py"))
            assert any("FAPI999" in m for m in session.shown), session.shown

    run(scenario())


def test_unfixable_rules_offer_no_fix_in_the_editor(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"app/__init__.py": "", "app/main.py": BLOCKING})

    async def scenario() -> None:
        async with Session(project, {"unfixable": ["FAPI1"]}) as session:
            uri = session.open("app/main.py")
            [diagnostic] = await session.diagnostics(uri)
            assert diagnostic.code == "FAPI101"
            actions = await session.code_actions(uri, diagnostic.range)
            assert [a.title for a in actions] == ["fastapi-lint (FAPI101): Disable for this line"]
        async with Session(project, {"extendFixable": ["FAPI999"]}) as session:
            await session.diagnostics(session.open("app/main.py"))
            assert any("extend-fixable" in m and "FAPI999" in m for m in session.shown)

    run(scenario())


def test_project_is_kept_warm_and_edits_update_dependent_modules(tmp_path: Path) -> None:
    filler = {f"app/filler{i}.py": "def helper():\n    return 1\n" for i in range(20)}
    project = make_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/deps.py": DEPS,
            "app/routes.py": ROUTES,
            "app/other.py": "import os\n",
            # Never opened: its `Depends()` makes auth.get_token a dependency.
            "app/auth.py": DEPS.replace("get_settings", "get_token"),
            "app/api.py": ROUTES_DEPENDS.replace("get_settings", "get_token").replace(
                "app.deps", "app.auth"
            ),
            **filler,
        },
    )

    async def scenario() -> None:
        async with Session(project) as session:
            deps = session.open("app/deps.py")
            await session.diagnostics(
                deps, lambda d: len(d) == 1 and "async function `get_settings`" in d[0].message
            )
            routes = session.open("app/routes.py")
            other = session.open("app/other.py")
            auth = session.open("app/auth.py")
            # A fact from a module that is not open, read when the project was loaded.
            await session.diagnostics(
                auth, lambda d: len(d) == 1 and "dependency `get_token`" in d[0].message
            )
            assert await session.diagnostics(routes) == []
            assert await session.diagnostics(other) == []
            loaded = [m for m in session.logs if "files loaded" in m]
            assert loaded and "26 files loaded (26 checked, 0 from the cache)" in loaded[0]

            # Editing routes.py makes get_settings a dependency: deps.py is published again
            # with the new fact; only routes.py is parsed; other.py is left alone.
            before = len(session.published)
            traces = len(session.traces)
            version = session.change(routes, ROUTES_DEPENDS)
            await session.diagnostics(
                deps,
                lambda d: len(d) == 1 and "dependency `get_settings`" in d[0].message,
                after=before,
            )
            [trace] = [t for t in session.traces[traces:] if f"app/routes.py v{version}" in t]
            assert "parsed [app/routes.py];" in trace
            assert "diagnostics recomputed for [app/deps.py, app/routes.py]" in trace
            assert all(p.uri != other for p in session.published[before:])

            # A file changed on disk (not open): the watched-files notification updates it.
            (project / "app/api.py").write_text(
                ROUTES.replace("get_settings", "get_token").replace("app.deps", "app.auth")
            )
            before = len(session.published)
            session.client.workspace_did_change_watched_files(
                types.DidChangeWatchedFilesParams(
                    changes=[
                        types.FileEvent(
                            uri=session.uri("app/api.py"), type=types.FileChangeType.Changed
                        )
                    ]
                )
            )
            await session.diagnostics(
                auth,
                lambda d: len(d) == 1 and "async function `get_token`" in d[0].message,
                after=before,
            )

        # The next server starts from the cache the first one filled.
        async with Session(project) as session:
            await session.diagnostics(session.open("app/deps.py"))
            loaded = [m for m in session.logs if "files loaded" in m]
            assert loaded and "(0 checked, 26 from the cache)" in loaded[0], loaded

    run(scenario())


def test_closing_a_document_clears_its_diagnostics(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"main.py": BLOCKING})

    async def scenario() -> None:
        async with Session(project) as session:
            uri = session.open("main.py")
            assert await session.diagnostics(uri)
            before = len(session.published)
            session.client.text_document_did_close(
                types.DidCloseTextDocumentParams(
                    text_document=types.TextDocumentIdentifier(uri=uri)
                )
            )
            assert await session.diagnostics(uri, after=before) == []

    run(scenario())


def test_configuration_changes_and_lint_on_save_only(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"main.py": BLOCKING})

    async def scenario() -> None:
        async with Session(project, {"lintOnChange": False}) as session:
            uri = session.open("main.py")
            assert [d.code for d in await session.diagnostics(uri)] == ["FAPI101"]

            # No linting while typing: nothing is published until the save.
            before = len(session.published)
            clean = BLOCKING.replace("; time.sleep(1)", "")
            session.change(uri, clean)
            await asyncio.sleep(0.6)
            assert all(p.uri != uri for p in session.published[before:])
            # Code actions still see the current text (nothing to fix in it).
            line = types.Range(start=types.Position(9, 0), end=types.Position(9, 40))
            assert await session.code_actions(uri, line, only=["quickfix"]) == []
            before = len(session.published)
            session.change(uri, BLOCKING)
            session.save(uri)
            assert [d.code for d in await session.diagnostics(uri, after=before)] == ["FAPI101"]

            # The project's configuration changes on disk: the server reloads it.
            (project / "pyproject.toml").write_text(
                '[tool.fastapi-lint]\nignore = ["FAPI101"]\n', encoding="utf-8"
            )
            before = len(session.published)
            session.client.workspace_did_change_watched_files(
                types.DidChangeWatchedFilesParams(
                    changes=[
                        types.FileEvent(
                            uri=session.uri("pyproject.toml"), type=types.FileChangeType.Changed
                        )
                    ]
                )
            )
            assert await session.diagnostics(uri, after=before) == []

            # The client's settings change: they apply at once.
            before = len(session.published)
            session.client.workspace_did_change_configuration(
                types.DidChangeConfigurationParams(
                    settings={"fastapi-lint": {"select": ["FAPI101"], "lintOnChange": False}}
                )
            )
            found = await session.diagnostics(uri, lambda d: len(d) == 1, after=before)
            assert found[0].code == "FAPI101"

    run(scenario())


def test_workspace_gets_pending_positions_of_cached_modules(tmp_path) -> None:
    """Results cached by a command-line run leave positions pending; the warm project of the
    server computes them for the modules a message needs (a chain's locations)."""
    import os

    from click.testing import CliRunner

    from fastapi_lint.app.cli import main as cli_main
    from fastapi_lint.app.lsp.workspace import WarmProject
    from fastapi_lint.config.loading import load_settings

    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "payments.py").write_text(
        "import requests\n\n\ndef charge(token):\n    return requests.post('https://x', json=token)\n"
    )
    route = (
        "from fastapi import FastAPI\n\nfrom app.payments import charge\n\napp = FastAPI()\n\n\n"
        "@app.post('/pay')\nasync def pay(token: str):\n    return charge(token)\n"
    )
    (tmp_path / "app" / "main.py").write_text(route)
    (tmp_path / "pyproject.toml").write_text('[tool.fastapi-lint]\nselect = ["FAPI1"]\n')
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        CliRunner().invoke(cli_main, ["check", "."])
    finally:
        os.chdir(cwd)
    settings = load_settings(tmp_path)
    workspace = WarmProject(settings, settings.enabled_rules())
    workspace.install(workspace.load())
    assert not all(result.positions for _, result in workspace.disk.values())
    workspace.update(tmp_path / "app" / "main.py", route)
    messages = [d.message for d in workspace.diagnostics(tmp_path / "app" / "main.py")]
    assert any("charge() (app/payments.py:5) → requests.post()" in m for m in messages), messages
