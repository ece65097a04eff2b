"""FAPI501 on-event-handler: ``@app.on_event("startup"/"shutdown")``, deprecated and ignored when
the application has a ``lifespan``."""

from __future__ import annotations

import re

from fastapi_lint.analysis.fastapi_model import AppOrRouter, keyword_argument
from fastapi_lint.analysis.inference import string_value
from fastapi_lint.analysis.scope import FrameKind, FunctionInfo
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext, PendingFix
from fastapi_lint.lint.importer import is_docstring, plan_from_import
from fastapi_lint.lint.rule import FixAvailability, Rule

LIFESPAN_SINCE = "0.93.0"
EVENTS = ("startup", "shutdown")
_FORBIDDEN_IN_BODY = re.compile(r"\b(return|yield|nonlocal)\b|'''|\"\"\"")


class OnEventHandler(Rule):
    code = "FAPI501"
    name = "on-event-handler"
    summary = (
        '`@app.on_event("startup")` handlers: deprecated, and ignored when a `lifespan` is set'
    )
    fix_availability = FixAvailability.SOMETIMES

    def end_file(self, ctx: FileContext) -> None:
        if ctx.options.versions().pinned_older_than("fastapi", LIFESPAN_SINCE):
            return
        handlers: list[tuple[FunctionInfo, cst.Decorator, str, AppOrRouter | None]] = []
        for function in ctx.functions:
            for decorator in function.node.decorators:
                event = self._event(ctx, function, decorator)
                if event is not None:
                    handlers.append((function, decorator, event[0], event[1]))
        fixes: dict[int, PendingFix | None] = {}
        for function, decorator, event, app in handlers:
            has_lifespan = app is not None and keyword_argument(app.call, "lifespan") is not None
            if has_lifespan:
                problem = "the application sets `lifespan=`, so FastAPI never calls this handler"
            else:
                problem = (
                    "it is deprecated since FastAPI 0.93 (Starlette 1.0 removed it), and the "
                    "handler is silently skipped as soon as the application gets a `lifespan`"
                )
            fix = None
            if app is not None and not has_lifespan:
                if id(app) not in fixes:
                    fixes[id(app)] = self._fix(ctx, app, [h for h in handlers if h[3] is app])
                fix = fixes[id(app)]
            ctx.report(
                decorator,
                f"`@{ctx.code_for(decorator.decorator)}` on `{function.name}`: {problem}; move "
                f"the {event} code into a `lifespan` context manager",
                fix=fix,
            )

    @staticmethod
    def _event(
        ctx: FileContext, function: FunctionInfo, decorator: cst.Decorator
    ) -> tuple[str, AppOrRouter | None] | None:
        call = decorator.decorator
        if not (
            isinstance(call, cst.Call)
            and isinstance(call.func, cst.Attribute)
            and call.func.attr.value == "on_event"
            and call.args
        ):
            return None
        event = string_value(call.args[0].value)
        if event not in EVENTS:
            return None
        owner = None
        receiver = call.func.value
        found = ctx.resolver.infer_type(receiver, function.parent)
        if found not in (
            "fastapi.FastAPI",
            "fastapi.APIRouter",
            "starlette.applications.Starlette",
        ):
            return None
        name = ctx.qualname(receiver, function.parent)
        if isinstance(receiver, cst.Name):
            name = ctx.resolver.local(receiver.value)
        for app in ctx.fastapi.apps:
            if app.qualname == name and app.kind == "app" and "<locals>" not in app.name:
                owner = app
        return event, owner

    # -- the fix: one `lifespan` holding every handler of the application -----------------

    def _fix(self, ctx: FileContext, app: AppOrRouter, handlers) -> PendingFix | None:
        call = app.call
        if any(keyword_argument(call, k) is not None for k in ("on_startup", "on_shutdown")):
            return None
        statement = ctx.parent_of(ctx.parent_of(call) or call)
        if (
            not isinstance(statement, cst.SimpleStatementLine)
            or ctx.parent_of(statement) is not ctx.module
        ):
            return None
        for other, _frame in ctx.walk.calls:
            func = other.func
            if (
                isinstance(func, cst.Attribute)
                and func.attr.value == "add_event_handler"
                and isinstance(func.value, cst.Name)
                and func.value.value == app.name
            ):
                return None
        if _word_count(ctx.text, "lifespan") or "lifespan" in ctx.walk.module_frame.bindings:
            return None
        plan = plan_from_import(ctx, "contextlib", "asynccontextmanager", ctx.walk.module_frame)
        if plan is None:
            return None
        startup: list[str] = []
        shutdown: list[str] = []
        names: list[str] = []
        for function, _decorator, event, _ in handlers:
            body = self._body(ctx, function, names)
            if body is None or len(function.node.decorators) != 1:
                return None
            (startup if event == "startup" else shutdown).extend(body)
        indent = ctx.module.default_indent
        lines = [f"@{plan.expression}", f"async def lifespan({app.name}):"]
        if names:
            lines.append(f"{indent}global {', '.join(dict.fromkeys(names))}")
        lines.extend(_indented(startup, indent))
        lines.append(f"{indent}yield")
        lines.extend(_indented(shutdown, indent))
        while lines[-1] == "":
            lines.pop()
        definition = "\n" + "\n".join(lines) + "\n\n\n"
        if call.args:
            keyword = ctx.insert_after(call.args[-1], ", lifespan=lifespan")
        else:
            keyword = ctx.replace(call, f"{ctx.code_for(call.func)}(lifespan=lifespan)")
        edits = [ctx.line_before(statement, definition), keyword, *plan.edits]
        edits.extend(ctx.remove_full(function.node) for function, *_ in handlers)
        return PendingFix.unsafe("Move the handlers into a `lifespan` context manager", *edits)

    @staticmethod
    def _body(ctx: FileContext, function: FunctionInfo, globals_: list[str]) -> list[str] | None:
        """The handler's statements as source, or None when they cannot move as they are."""
        node = function.node
        if (
            function.parent.kind is not FrameKind.MODULE
            or node.params.params
            or node.params.posonly_params
            or node.params.kwonly_params
            or node.params.star_arg not in (None, cst.MaybeSentinel.DEFAULT)
            or node.params.star_kwarg is not None
            or not isinstance(node.body, cst.IndentedBlock)
            or _word_count(ctx.text, function.name) != 1
        ):
            return None
        statements = list(node.body.body)
        if statements and is_docstring(statements[0]):
            statements = statements[1:]
        found = []
        for statement in statements:
            if (
                isinstance(statement, cst.SimpleStatementLine)
                and len(statement.body) == 1
                and isinstance(statement.body[0], cst.Global)
            ):
                globals_.extend(n.name.value for n in statement.body[0].names)
                continue
            code = ctx.code_for(statement)
            if _FORBIDDEN_IN_BODY.search(code) or re.search(r"\bglobal\b", code):
                return None
            found.append(code)
        return found


def _word_count(text: str, word: str) -> int:
    return len(re.findall(rf"\b{re.escape(word)}\b", text))


def _indented(blocks: list[str], indent: str) -> list[str]:
    lines = []
    for block in blocks:
        for line in block.splitlines():
            lines.append(f"{indent}{line}" if line.strip() else "")
    while lines and not lines[0]:
        lines.pop(0)
    return lines
