"""FAPI101 blocking-call-in-async: a blocking call directly inside an ``async def``."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.context import FileContext, PendingFix
from fastapi_lint.imports import plan_module_attribute
from fastapi_lint.registry import FixAvailability, Rule
from fastapi_lint.rules.event_loop.catalog import SLEEP, BlockingApi, catalog_for


def catalog_from(ctx: FileContext):
    settings = ctx.settings
    return catalog_for(
        tuple(settings.extend_blocking_calls), tuple(settings.allowed_blocking_calls)
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
        frame = ctx.frame
        if frame is None or not frame.on_event_loop:
            return
        target = ctx.call_target(node, frame)
        if target is None:
            return
        api = catalog_from(ctx).match(target)
        if api is None:
            return
        if target.startswith(NON_BLOCKING_CAPABLE) and uses_non_blocking_socket(node, ctx):
            return
        function = frame.enclosing_function
        assert function is not None
        ctx.report(
            node,
            f"Blocking call `{target}()` in {function.describe()}: it stops the event loop, and "
            f"every other request waits until it returns; {api.category.remedy}",
            fix=self._fix(node, ctx, api),
            data={"function": ctx.resolver.local(function.qualname), "target": target},
        )

    def refine(self, diagnostic, project):
        # A dependency declared here but used with `Depends()` in another module.
        function = project.function(diagnostic.data.get("function", ""))
        if function is None or function.function.routes:
            return diagnostic
        plain = f"async function `{function.function.qualname}`"
        described = function.describe()
        if plain in diagnostic.message and described != plain:
            return diagnostic.with_message(diagnostic.message.replace(plain, described, 1))
        return diagnostic

    def _fix(self, node: cst.Call, ctx: FileContext, api: BlockingApi) -> PendingFix | None:
        if api.category is SLEEP:
            return self._sleep_fix(node, ctx)
        return None

    def _sleep_fix(self, node: cst.Call, ctx: FileContext) -> PendingFix | None:
        # Only a call used as a statement: elsewhere `await` could change how the expression
        # around it parses, and `time.sleep` returns None anyway.
        if not isinstance(ctx.parent, cst.Expr) or ctx.frame is None:
            return None
        if any(arg.keyword is not None or arg.star for arg in node.args) or len(node.args) != 1:
            return None
        plan = plan_module_attribute(ctx, "asyncio", "sleep", ctx.frame)
        if plan is None:
            return None
        argument = ctx.code_for(node.args[0].value)
        replacement = f"await {plan.expression}({argument})"
        return PendingFix.safe(
            f"Replace with `{replacement}`",
            ctx.replace(node, replacement),
            *plan.edits,
        )
