"""Fixes shared by the event-loop rules.

* ``sleep_fix``: ``time.sleep(x)`` -> ``await asyncio.sleep(x)`` (safe).
* ``def_fix``: ``async def`` -> ``def`` for a route or dependency that awaits nothing (unsafe:
  FastAPI then runs it in the threadpool, which changes where it runs).
* ``wrap_fix``: ``f(a, b=1)`` -> ``await run_in_threadpool(f, a, b=1)`` (unsafe).
* ``await_fix``: ``send()`` -> ``await send()`` (unsafe).
* ``callable_fix``: ``tasks.add_task(send(a))`` -> ``tasks.add_task(send, a)`` (unsafe).
"""

from __future__ import annotations

from fastapi_lint.analysis.scope import Frame, FunctionInfo
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext, PendingFix
from fastapi_lint.lint.importer import plan_from_import, plan_module_attribute


def _plain_arguments(call: cst.Call) -> bool:
    return all(arg.keyword is None and not arg.star for arg in call.args)


def sleep_fix(ctx: FileContext, call: cst.Call, frame: Frame) -> PendingFix | None:
    # Only a call used as a statement (`time.sleep` returns None anyway).
    if not isinstance(ctx.parent_of(call), cst.Expr):
        return None
    if len(call.args) != 1 or not _plain_arguments(call):
        return None
    plan = plan_module_attribute(ctx, "asyncio", "sleep", frame)
    if plan is None:
        return None
    replacement = f"await {plan.expression}({ctx.code_for(call.args[0].value)})"
    return PendingFix.safe(
        f"Replace with `{replacement}`", ctx.replace(call, replacement), *plan.edits
    )


def convertible_to_def(ctx: FileContext, function: FunctionInfo) -> bool:
    """An async HTTP route or dependency that awaits nothing and is never awaited in this
    module."""
    if not function.is_async or function.has_await or function.node.asynchronous is None:
        return False
    if not function.can_be_def:
        return False
    return not any(
        isinstance(ctx.parent_of(call), cst.Await)
        and ctx.call_target(call, frame) == ctx.resolver.local(function.qualname)
        for call, frame in ctx.walk.calls
    )


def def_fix(ctx: FileContext, function: FunctionInfo) -> PendingFix | None:
    if not convertible_to_def(ctx, function):
        return None
    assert function.node.asynchronous is not None
    return PendingFix.unsafe(
        f"Make `{function.name}` a plain `def` (FastAPI then runs it in the threadpool)",
        ctx.replace_full(function.node.asynchronous, ""),
    )


# How a module already runs sync code in a worker thread, in order of preference: the fix
# follows the module's own choice.
_THREAD_HELPERS = (
    ("asyncio.to_thread", "asyncio", "to_thread"),
    ("anyio.to_thread.run_sync", "anyio.to_thread", "run_sync"),
)
# Calls whose result does the blocking work later, when it is iterated or read: a worker
# thread would only build the iterator (`glob`), so no wrap is offered.
LAZY_RESULTS = frozenset(
    {
        "pathlib.Path.glob",
        "pathlib.Path.rglob",
        "pathlib.Path.iterdir",
        "pathlib.Path.walk",
        "pathlib.Path.open",
        "os.scandir",
        "os.walk",
        "open",
        "io.open",
    }
)


def _module_helper(ctx: FileContext) -> str | None:
    """The thread helper the module already calls (``asyncio.to_thread``...), if any."""
    cache = ctx.state.setdefault("event-loop:plans", {})
    if "helper" not in cache:
        called = set()
        for call, frame in ctx.walk.calls:
            func = call.func
            name = (
                func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", "")
            )
            if name in ("to_thread", "run_sync", "run_in_threadpool"):
                called.add(ctx.call_target(call, frame))
        cache["helper"] = next(
            (qualname for qualname, _, _ in _THREAD_HELPERS if qualname in called), None
        )
        if "starlette.concurrency.run_in_threadpool" in called or (
            "fastapi.concurrency.run_in_threadpool" in called
        ):
            cache["helper"] = None  # run_in_threadpool is imported: reused below
    return cache["helper"]


def _imports_web_framework(ctx: FileContext) -> bool:
    return any(
        (b.qualname or "").startswith(("fastapi", "starlette"))
        for bindings in ctx.walk.module_frame.bindings.values()
        for b in bindings
    )


def _threadpool_plan(ctx: FileContext, frame: Frame, keywords: bool = False):
    """How to spell the thread helper at ``frame``: ``run_in_threadpool`` when the module
    imports it (or is a FastAPI/Starlette module), else the helper the module already calls
    (``asyncio.to_thread``, ``anyio.to_thread.run_sync`` for calls without keywords), else
    ``asyncio.to_thread``: a module that is not a web module never gets a starlette import."""
    key = ("event-loop:threadpool-plan", frame, keywords)
    cache = ctx.state.setdefault("event-loop:plans", {})
    if key not in cache:
        plan = None
        helper = _module_helper(ctx)
        for qualname, module, attribute in _THREAD_HELPERS:
            if helper == qualname and not (keywords and attribute == "run_sync"):
                plan = plan_module_attribute(ctx, module, attribute, frame)
                break
        if plan is None and (helper is None or _imports_web_framework(ctx)):
            if _imports_web_framework(ctx):
                plan = plan_from_import(ctx, "fastapi.concurrency", "run_in_threadpool", frame)
            else:
                existing = plan_from_import(
                    ctx, "starlette.concurrency", "run_in_threadpool", frame
                )
                if existing is not None and not existing.edits:
                    plan = existing
        if plan is None:
            plan = plan_module_attribute(ctx, "asyncio", "to_thread", frame)
        cache[key] = plan
    return cache[key]


def wrap_fix(ctx: FileContext, call: cst.Call, frame: Frame) -> PendingFix | None:
    """``await run_in_threadpool(f, *args, **kwargs)`` for a call on the event loop."""
    parent = ctx.parent_of(call)
    if isinstance(parent, cst.Await) or not frame.on_event_loop:
        return None
    # `with open(p) as f` / `for x in f()`: the returned object is used blockingly too.
    if isinstance(parent, (cst.WithItem, cst.For)):
        return None
    if not isinstance(call.func, (cst.Name, cst.Attribute)):
        return None
    if ctx.call_target(call, frame) in LAZY_RESULTS:
        return None
    keywords = any(arg.keyword is not None or arg.star == "**" for arg in call.args)
    plan = _threadpool_plan(ctx, frame, keywords)
    if plan is None:
        return None
    arguments = [ctx.code_for(call.func), *(ctx.argument_code(arg) for arg in call.args)]
    replacement = f"await {plan.expression}({', '.join(arguments)})"
    if isinstance(parent, (cst.Attribute, cst.Subscript)) or (
        isinstance(parent, cst.Call) and parent.func is call
    ):
        replacement = f"({replacement})"
    return PendingFix.unsafe(
        f"Run it in the threadpool: `{_short(replacement)}`",
        ctx.replace(call, replacement),
        *plan.edits,
    )


def await_fix(ctx: FileContext, call: cst.Call, frame: Frame) -> PendingFix | None:
    """``await f()`` for a discarded coroutine in an async function."""
    if not frame.on_event_loop or not isinstance(ctx.parent_of(call), cst.Expr):
        return None
    return PendingFix.unsafe("Await the coroutine", ctx.insert_before(call, "await "))


def callable_fix(ctx: FileContext, call: cst.Call, argument: cst.Arg) -> PendingFix | None:
    """``add_task(send(a, b=1))`` -> ``add_task(send, a, b=1)``: hand over the function."""
    inner = argument.value
    if not isinstance(inner, cst.Call) or not isinstance(inner.func, (cst.Name, cst.Attribute)):
        return None
    parts = [ctx.code_for(inner.func), *(ctx.argument_code(arg) for arg in inner.args)]
    return PendingFix.unsafe(
        "Pass the function and its arguments instead of calling it",
        ctx.replace(inner, ", ".join(parts)),
    )


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
