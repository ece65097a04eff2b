"""FAPI101 blocking-call-in-async: a blocking call directly inside an ``async def``."""

from __future__ import annotations

from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext, PendingFix
from fastapi_lint.lint.rule import FixAvailability, Rule
from fastapi_lint.rules.event_loop import contexts, facts
from fastapi_lint.rules.event_loop import fixes as event_loop_fixes
from fastapi_lint.rules.event_loop.catalog import (
    METADATA,
    SLEEP,
    BlockingApi,
    catalog_for_project,
    event_loop_call,
)

# Sockets can be switched to non-blocking mode, where these methods never wait.
NON_BLOCKING_CAPABLE = ("socket.socket.", "ssl.SSLSocket.")
_NON_BLOCKING_ERRORS = frozenset(
    {"BlockingIOError", "InterruptedError", "ssl.SSLWantReadError", "ssl.SSLWantWriteError"}
)


def uses_non_blocking_socket(node: cst.Call, ctx: FileContext) -> bool:
    """The call sits in a ``try`` that handles ``BlockingIOError`` (the non-blocking idiom), or
    its receiver had ``setblocking(False)`` / ``settimeout(0)`` called on it in the function."""
    parents = ctx.walk.parents
    current: cst.CSTNode | None = node
    while current is not None and not isinstance(current, (cst.FunctionDef, cst.Lambda)):
        parent = parents.get(current)
        if isinstance(parent, cst.Try) and current is parent.body:
            for handler in parent.handlers:
                if handler.type is None:
                    continue
                types = (
                    [e.value for e in handler.type.elements]
                    if isinstance(handler.type, cst.Tuple)
                    else [handler.type]
                )
                if any(ctx.qualname(t) in _NON_BLOCKING_ERRORS for t in types):
                    return True
        current = parent
    if not isinstance(node.func, cst.Attribute):
        return False
    receiver = ctx.code_for(node.func.value)
    frame = ctx.frame
    for call, call_frame in ctx.walk.calls:
        if call_frame is not frame or not isinstance(call.func, cst.Attribute):
            continue
        if call.func.attr.value not in ("setblocking", "settimeout") or len(call.args) != 1:
            continue
        value = call.args[0].value
        off = (isinstance(value, cst.Name) and value.value == "False") or (
            isinstance(value, (cst.Integer, cst.Float)) and float(value.value) == 0
        )
        if off and ctx.code_for(call.func.value) == receiver:
            return True
    return False


class BlockingCallInAsync(Rule):
    code = "FAPI101"
    name = "blocking-call-in-async"
    summary = (
        "Blocking call (sleep, sync HTTP, file, process, database, hashing) inside an `async def`"
    )
    fix_availability = FixAvailability.SOMETIMES

    def visit_Call(self, node: cst.Call, ctx: FileContext) -> None:
        found = event_loop_call(node, ctx)
        if found is None or found[1].category is METADATA:
            return  # metadata calls: FAPI105
        target, api = found
        frame = ctx.frame
        if target.startswith(NON_BLOCKING_CAPABLE) and uses_non_blocking_socket(node, ctx):
            return
        function = frame.enclosing_function
        assert function is not None
        ctx.report(
            node,
            blocking_message(target, function.describe(), api),
            fix=self._fix(node, ctx, api, frame, function),
            data={"function": ctx.resolver.local(function.qualname), "target": target},
        )

    def end_file(self, ctx: FileContext) -> None:
        facts.collect(ctx)

    def refine(self, diagnostic, project):
        """Withdrawn in a context the run does not report; else the function named with its
        role (a dependency used with `Depends()` in another module) and context."""
        return contexts.refine_blocking(diagnostic, project, self._message)

    @staticmethod
    def _message(project, target: str, where: str, waits: str, function) -> str | None:
        api = catalog_for_project(project).match(target)
        return blocking_message(target, where, api, waits) if api is not None else None

    def check_module(self, module, project, report) -> None:
        """Calls on library objects created in another module (``from app.http import client``)."""
        catalog = None
        for fact in module.facts.get("loop-call", ()):
            if not fact.in_async or fact.awaited or fact.catalog_match:
                continue
            target = project.library_target(fact.target)
            if target is None:
                continue
            if catalog is None:
                catalog = catalog_for_project(project)
            api = catalog.match(target)
            if api is None or api.category is METADATA:
                continue
            function = project.function(module.qualify(fact.function))
            if function is not None and not contexts.is_reported(project, function.qualname):
                continue
            report.report(
                fact.span,
                blocking_message(
                    target,
                    contexts.describe(project, function, f"`{fact.function}`"),
                    api,
                    contexts.who_waits(project, function),
                ),
                fix=fact.wrap_fix,
                data={"function": module.qualify(fact.function), "target": target},
            )

    def _fix(self, node, ctx, api: BlockingApi, frame, function) -> PendingFix | None:
        if api.category is SLEEP:
            fix = event_loop_fixes.sleep_fix(ctx, node, frame)
            if fix is not None:
                return fix
        return event_loop_fixes.def_fix(ctx, function) or event_loop_fixes.wrap_fix(
            ctx, node, frame
        )


def blocking_message(target: str, where: str, api: BlockingApi, waits: str | None = None) -> str:
    return (
        f"Blocking call `{target}()` in {where}: it stops the event loop, and "
        f"{waits or facts.who_waits(where)}; {api.category.remedy}"
    )
