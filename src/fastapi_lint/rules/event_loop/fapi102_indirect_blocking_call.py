"""FAPI102 indirect-blocking-call: an ``async def`` calls a project sync function that blocks."""

from __future__ import annotations

from fastapi_lint.context import FileContext
from fastapi_lint.registry import FixAvailability, Rule
from fastapi_lint.rules.event_loop import contexts, facts
from fastapi_lint.rules.event_loop.chains import (
    blocking_graph,
    describe_chain,
    root_data,
    runs_once_for,
)


class IndirectBlockingCall(Rule):
    code = "FAPI102"
    name = "indirect-blocking-call"
    summary = "An `async def` calls a sync function of the project that blocks, at any depth"
    fix_availability = FixAvailability.SOMETIMES

    def end_file(self, ctx: FileContext) -> None:
        facts.collect(ctx)

    def check_module(self, module, project, report) -> None:
        graph = None
        for fact in module.facts.get("loop-call", ()):
            if not fact.in_async or fact.awaited or fact.catalog_match:
                continue
            callee = project.resolve_callable(fact.target)
            if callee is None or callee.function.is_async or runs_once_for(fact, callee):
                continue
            if graph is None:
                graph = blocking_graph(project)
            if not graph.blocks(callee.qualname):
                continue
            caller = project.function(module.qualify(fact.function))
            if caller is not None and not contexts.is_reported(project, caller.qualname):
                continue
            where = contexts.describe(project, caller, f"`{fact.function}`")
            steps = graph.chain(callee.qualname)
            chain = describe_chain(steps)
            report.report(
                fact.span,
                f"`{callee.function.name}()` blocks the event loop in {where}: {chain}; "
                f"{contexts.who_waits(project, caller)}. Run it with "
                "`await run_in_threadpool(...)` or make the chain async",
                fix=fact.wrap_fix,
                data={
                    "function": module.qualify(fact.function),
                    "callee": callee.qualname,
                    **root_data(steps),
                },
            )
