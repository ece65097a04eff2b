"""What the event-loop rules learn about one module, for the project pass.

Collected once per file (whichever event-loop rules are enabled) and stored in the module
summary as typed facts:

* ``blocking-call``: a catalog call made directly by a **sync** function (the end of a FAPI102
  chain);
* ``loop-call``: a call a function makes to a project candidate (anything but builtins and the
  standard library) — every such call in an ``async def``, and in sync functions the ones whose
  coroutine would be dropped — with the fixes prepared while the tree is at hand;
* ``convertible``: an async function that awaits nothing, with its ``async def`` -> ``def`` fix;
* ``loop-entry``: where a coroutine function starts a loop of its own (``asyncio.run(main())``,
  ``loop.run_until_complete(...)``), is started as a task (``asyncio.create_task(work())``), or
  is a command of a command-line framework (``@app.command()`` of typer, click, cyclopts;
  ``fire.Fire(main)``): the entry points of the execution contexts (see ``contexts.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi_lint.analysis.inference import STDLIB_MODULES
from fastapi_lint.analysis.module_summary import Span, fact_type
from fastapi_lint.analysis.run_conditions import (
    constant_arguments,
    is_conditional,
    runs_once_per_process,
)
from fastapi_lint.core.diagnostics import Fix
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext
from fastapi_lint.rules.event_loop import fixes
from fastapi_lint.rules.event_loop.catalog import (
    ASYNC_APIS,
    METADATA,
    catalog_from,
    database_sink,
)

# Calls whose argument must be a callable, not a call: (method or function name, position).
CALLABLE_PARAMETERS: dict[str, int] = {
    "add_task": 0,
    "BackgroundTask": 0,
    "run_in_threadpool": 0,
    "run_sync": 0,
    "to_thread": 0,
    "start_soon": 0,
    "run_in_executor": 1,
    "asyncify": 0,
}


@fact_type("blocking-call")
@dataclass(slots=True)
class BlockingCallFact:
    function: str  # module-relative qualname of the sync function making the call
    target: str
    category: str
    span: Span
    once: bool = False  # made once per process (see `run_conditions.runs_once_per_process`)
    conditional: bool = False  # in a branch that may not run (see `run_conditions.is_conditional`)


@fact_type("loop-call")
@dataclass(slots=True)
class LoopCallFact:
    function: str  # module-relative qualname of the calling function
    target: str
    span: Span
    in_async: bool
    awaited: bool = False
    discarded: bool = False
    callable_argument: str | None = None  # "add_task" when passed where a callable is expected
    catalog_match: bool = False  # already a FAPI101 finding in the per-file pass
    once: bool = False  # made once per process (see `run_conditions.runs_once_per_process`)
    constant: bool = False  # every argument is a literal
    wrap_fix: Fix | None = None
    await_fix: Fix | None = None
    callable_fix: Fix | None = None


@fact_type("convertible")
@dataclass(slots=True)
class ConvertibleFact:
    function: str
    fix: Fix | None = None


@fact_type("loop-entry")
@dataclass(slots=True)
class EntryFact:
    function: str  # module-relative qualname of the function making it ("" at module level)
    target: str  # what runs: the coroutine function's qualname (a command: module-relative)
    kind: str  # "own-loop", "task" or "command"
    via: str  # the API: "asyncio.run", "run_until_complete", "typer.Typer.command"...
    span: Span


# Calls that run a coroutine on a new event loop of their own (not the server's).
OWN_LOOP_RUNNERS = frozenset(
    {"asyncio.run", "anyio.run", "trio.run", "uvloop.run", "asyncio.Runner.run", "asyncer.runnify"}
)
OWN_LOOP_METHODS = frozenset({"run_until_complete"})
# Calls that start a coroutine as a task on the running loop.
TASK_STARTERS = frozenset({"asyncio.create_task", "asyncio.ensure_future"})
TASK_METHODS = frozenset({"create_task", "ensure_future"})
# Command-line frameworks: a decorator of one of these packages (``click.command``,
# ``typer.Typer.command``, ``cyclopts.App.command``...) makes the function a command.
COMMAND_PACKAGES = ("typer.", "click.", "asyncclick.", "rich_click.", "cyclopts.", "cloup.")
COMMAND_DECORATORS = frozenset(
    {"command", "callback", "group", "default", "meta", "result_callback"}
)
COMMAND_CALLS = frozenset({"fire.Fire"})


def is_command_decorator(name: str | None) -> bool:
    """``typer.Typer.command``, ``click.command``, ``cyclopts.App.default``..."""
    if not name or not name.startswith(COMMAND_PACKAGES):
        return False
    return name.rpartition(".")[2] in COMMAND_DECORATORS


def _entry_call(ctx: FileContext, call: cst.Call, target: str | None) -> tuple[str, str] | None:
    """(kind, API) when ``call`` runs its first argument on its own loop or as a task."""
    method = call.func.attr.value if isinstance(call.func, cst.Attribute) else None
    if target in OWN_LOOP_RUNNERS or method in OWN_LOOP_METHODS:
        return "own-loop", target if target in OWN_LOOP_RUNNERS else f"{method}"
    if target in TASK_STARTERS or method in TASK_METHODS:
        return "task", target if target in TASK_STARTERS else f"{method}"
    if target in COMMAND_CALLS:
        return "command", target
    return None


_ENTRY_NAMES = frozenset(
    {
        *(name.rpartition(".")[2] for name in OWN_LOOP_RUNNERS | TASK_STARTERS | COMMAND_CALLS),
        *OWN_LOOP_METHODS,
        *TASK_METHODS,
    }
)


def _last_name(func: cst.BaseExpression) -> str | None:
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return func.value if isinstance(func, cst.Name) else None


def _record_entry(ctx: FileContext, call: cst.Call, frame, target: str | None) -> None:
    found = _entry_call(ctx, call, target)
    if found is None or not call.args or call.args[0].keyword is not None:
        return
    argument = call.args[0].value
    if isinstance(argument, cst.Call):
        runs = ctx.call_target(argument, frame)
    elif isinstance(argument, (cst.Name, cst.Attribute)):
        runs = ctx.qualname(argument, frame)
    else:
        return
    if runs is None:
        return
    executing = frame.executing_function
    caller = executing.function.qualname if executing is not None and executing.function else ""
    ctx.summary.add_fact(
        "loop-entry", EntryFact(caller, runs, found[0], found[1], ctx.lazy_span(call))
    )


def _record_commands(ctx: FileContext) -> None:
    for function in ctx.walk.functions:
        for decorator in function.node.decorators:
            expression = decorator.decorator
            if isinstance(expression, cst.Call):
                name = ctx.call_target(expression, function.parent)
            elif isinstance(expression, cst.Attribute):
                owner = ctx.resolver.infer_type(expression.value, function.parent)
                name = (
                    f"{owner}.{expression.attr.value}"
                    if owner
                    else ctx.qualname(expression, function.parent)
                )
            else:
                name = ctx.qualname(expression, function.parent)
            if name is None or name.rpartition(".")[2] not in COMMAND_DECORATORS:
                continue
            ctx.summary.add_fact(
                "loop-entry",
                EntryFact(
                    "", function.qualname, "command", name, ctx.lazy_span(function.node.name)
                ),
            )
            break


@fact_type("loop-bound")
@dataclass(slots=True)
class LoopBoundFact:
    """A function that needs the running event loop or the caller's context: run in a worker
    thread, it would find no loop (``get_running_loop()`` raises, ``create_task`` has no loop
    to use) or set a context variable in the thread's copy of the context."""

    function: str  # module-relative qualname
    target: str


LOOP_BOUND_APIS = frozenset(
    {
        "asyncio.get_running_loop",
        "asyncio.get_event_loop",
        "asyncio.create_task",
        "asyncio.ensure_future",
        "asyncio.current_task",
        "asyncio.all_tasks",
        "asyncio.events._get_running_loop",
        "asyncio._get_running_loop",
        "sniffio.current_async_library",
        "contextvars.ContextVar.set",
        "contextvars.ContextVar.reset",
    }
)


def is_candidate(target: str) -> bool:
    """A call worth following across modules: not a builtin, not the standard library."""
    return "." in target and target.partition(".")[0] not in STDLIB_MODULES


def callable_context(ctx: FileContext, call: cst.Call) -> tuple[str, cst.Call, cst.Arg] | None:
    """When ``call`` is passed where a callable is expected: (API name, outer call, argument)."""
    argument = ctx.parent_of(call)
    if not isinstance(argument, cst.Arg) or argument.keyword is not None or argument.star:
        return None
    outer = ctx.parent_of(argument)
    if not isinstance(outer, cst.Call):
        return None
    func = outer.func
    name = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", None)
    position = CALLABLE_PARAMETERS.get(name or "")
    if position is None:
        return None
    positional = [a for a in outer.args if a.keyword is None and not a.star]
    if len(positional) <= position or positional[position] is not argument:
        return None
    return name or "", outer, argument


def collect(ctx: FileContext) -> None:
    """Record the event-loop facts of this file (once, whichever rules ask first)."""
    if ctx.state.get("event-loop:collected"):
        return
    ctx.state["event-loop:collected"] = True
    catalog = catalog_from(ctx)
    summary = ctx.summary
    _record_commands(ctx)
    once_memo: dict = ctx.state.setdefault("event-loop:once", {})
    for call, frame in ctx.walk.calls:
        if call.args and _last_name(call.func) in _ENTRY_NAMES:
            _record_entry(ctx, call, frame, ctx.call_target(call, frame))
        executing = frame.executing_function
        if executing is None or executing.function is None:
            continue
        function = executing.function
        target = ctx.call_target(call, frame)
        if target is None:
            continue
        if target in LOOP_BOUND_APIS:
            summary.add_fact("loop-bound", LoopBoundFact(function.qualname, target))
        api = catalog.match(target)
        parent = ctx.parent_of(call)
        sink = api if api is not None else database_sink(target)
        if not function.is_async and sink is not None and sink.category is not METADATA:
            summary.add_fact(
                "blocking-call",
                BlockingCallFact(
                    function.qualname,
                    target,
                    sink.category.key,
                    ctx.lazy_span(call),
                    once=runs_once_per_process(ctx.walk, call, function.node, once_memo),
                    conditional=is_conditional(ctx.walk, call, function.node),
                ),
            )
        if not is_candidate(target) and api is None and target not in ASYNC_APIS:
            continue
        awaited = isinstance(parent, cst.Await)
        discarded = isinstance(parent, cst.Expr)
        context = callable_context(ctx, call)
        if not function.is_async and not discarded and context is None:
            continue  # sync-to-sync calls live in the function summaries
        fact = LoopCallFact(
            function=function.qualname,
            target=target,
            span=ctx.lazy_span(call),
            in_async=function.is_async,
            awaited=awaited,
            discarded=discarded,
            callable_argument=context[0] if context else None,
            catalog_match=api is not None,
            once=function.is_async
            and runs_once_per_process(ctx.walk, call, function.node, once_memo),
            constant=constant_arguments(call),
        )
        summary.add_fact("loop-call", fact)
        if not ctx.positions:
            continue  # fixes are prepared when this file is checked again with positions
        if function.is_async and not awaited:
            wrap = fixes.wrap_fix(ctx, call, frame)
            if wrap is not None:
                ctx.deferred_fix(fact, "wrap_fix", wrap)
            if discarded:
                awaiting = fixes.await_fix(ctx, call, frame)
                if awaiting is not None:
                    ctx.deferred_fix(fact, "await_fix", awaiting)
        if context is not None:
            _, outer, argument = context
            if len(outer.args) == 1 or context[0] == "run_in_executor":
                handover = fixes.callable_fix(ctx, call, argument)
                if handover is not None:
                    ctx.deferred_fix(fact, "callable_fix", handover)
    for function in ctx.walk.functions:
        if function.is_async and not function.has_await and not function.is_method:
            fact = ConvertibleFact(function.qualname)
            summary.add_fact("convertible", fact)
            if not ctx.positions:
                continue
            conversion = _def_fix_any_role(ctx, function)
            if conversion is not None:
                ctx.deferred_fix(fact, "fix", conversion)


def _def_fix_any_role(ctx: FileContext, function):
    """The ``async def`` -> ``def`` fix, prepared whatever the function's role here (the project
    pass decides whether it is a route or dependency, possibly named in another module)."""
    if function.node.asynchronous is None:
        return None
    if any(
        isinstance(ctx.parent_of(call), cst.Await)
        and ctx.call_target(call, frame) == ctx.resolver.local(function.qualname)
        for call, frame in ctx.walk.calls
    ):
        return None
    from fastapi_lint.lint.context import PendingFix

    return PendingFix.unsafe(
        f"Make `{function.name}` a plain `def` (FastAPI then runs it in the threadpool)",
        ctx.replace_full(function.node.asynchronous, ""),
    )


def who_waits(where: str) -> str:
    """What a blocked loop holds up: requests, when the function is one FastAPI runs while
    serving (a lifespan or start-up handler runs before the first request or after the last)."""
    if where.startswith(("async function", "function", "`", "lifespan", "event handler")):
        return "everything else on the event loop waits until it returns"
    return "every other request waits until it returns"
