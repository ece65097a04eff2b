"""FAPI103 sync-session-in-async: a synchronous SQLAlchemy session or engine in an ``async def``."""

from __future__ import annotations

from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext
from fastapi_lint.lint.rule import FixAvailability, Rule
from fastapi_lint.rules.event_loop import contexts, facts
from fastapi_lint.rules.event_loop import fixes as event_loop_fixes
from fastapi_lint.rules.event_loop.catalog import sync_database_call


def _message(target: str, kind: str, where: str, can_be_def: bool, waits: str | None = None) -> str:
    method = target.rpartition(".")[2]
    # A plain `def` helps only where FastAPI then uses the threadpool (routes, dependencies).
    or_def = (
        ", or make it a plain `def` (FastAPI runs those in the threadpool)" if can_be_def else ""
    )
    return (
        f"Synchronous SQLAlchemy {kind} used in {where}: `.{method}()` waits for the database "
        f"on the event loop, and for each round trip {waits or facts.who_waits(where)}; use "
        f"`AsyncSession` with `await`{or_def}"
    )


class SyncSessionInAsync(Rule):
    code = "FAPI103"
    name = "sync-session-in-async"
    summary = (
        "A synchronous SQLAlchemy/SQLModel `Session`, engine or connection used in an `async def`"
    )
    fix_availability = FixAvailability.SOMETIMES

    def visit_Call(self, node: cst.Call, ctx: FileContext) -> None:
        frame = ctx.frame
        if frame is None or not frame.on_event_loop:
            return
        if isinstance(ctx.parent, cst.Await):
            return  # awaited: an async session, whatever its annotation says
        target = ctx.call_target(node, frame)
        if target is None:
            return
        found = sync_database_call(target)
        if found is None:
            return
        function = frame.enclosing_function
        assert function is not None
        ctx.report(
            node,
            _message(target, found[0], function.describe(), function.can_be_def),
            fix=event_loop_fixes.def_fix(ctx, function),
            data={"function": ctx.resolver.local(function.qualname), "target": target},
        )

    def end_file(self, ctx: FileContext) -> None:
        facts.collect(ctx)

    def refine(self, diagnostic, project):
        return contexts.refine_blocking(diagnostic, project, self._restated)

    @staticmethod
    def _restated(project, target: str, where: str, waits: str, function) -> str | None:
        found = sync_database_call(target)
        if found is None:
            return None
        return _message(target, found[0], where, function.can_be_def, waits)

    def check_module(self, module, project, report) -> None:
        """Sessions made by factories of other modules (``from app.db import SessionLocal``)."""
        for fact in module.facts.get("loop-call", ()):
            if not fact.in_async or fact.awaited or sync_database_call(fact.target):
                continue
            target = project.library_target(fact.target)
            if target is None:
                continue
            found = sync_database_call(target)
            if found is None:
                continue
            function = project.function(module.qualify(fact.function))
            if function is not None and not contexts.is_reported(project, function.qualname):
                continue
            where = contexts.describe(project, function, f"`{fact.function}`")
            report.report(
                fact.span,
                _message(
                    target,
                    found[0],
                    where,
                    function is not None and function.can_be_def,
                    contexts.who_waits(project, function),
                ),
                data={"function": module.qualify(fact.function), "target": target},
            )
