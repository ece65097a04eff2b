"""FAPI102 indirect-blocking-call: an ``async def`` calls a project sync function that blocks."""

from __future__ import annotations

from fastapi_lint.lint.context import FileContext
from fastapi_lint.lint.rule import FixAvailability, Rule
from fastapi_lint.rules.event_loop import contexts, facts
from fastapi_lint.rules.event_loop.chains import (
    blocking_graph,
    describe_chain,
    loop_bound,
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

    @staticmethod
    def _fix(fact, callee, project):
        """The threadpool wrap, unless it would not fix or would change what the call does: a
        generator (its body runs when iterated, still on the loop) or a function that uses the
        running loop or sets a context variable (in a thread it finds no loop, or sets the
        thread's copy of the context)."""
        if fact.wrap_fix is None or callee.function.is_generator:
            return None
        if callee.qualname in loop_bound(project):
            return None
        return fact.wrap_fix

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
                fix=self._fix(fact, callee, project),
                data={
                    "function": module.qualify(fact.function),
                    "callee": callee.qualname,
                    **root_data(steps),
                },
            )
