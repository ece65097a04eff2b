"""FAPI109 legacy-query-on-async-session: ``session.query(...)`` on an ``AsyncSession``."""

from __future__ import annotations

from fastapi_lint.analysis.module_summary import ModuleSummary
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext
from fastapi_lint.lint.rule import ModuleReport, Rule
from fastapi_lint.project.index import Project
from fastapi_lint.rules.event_loop import facts
from fastapi_lint.rules.event_loop.async_orm import ASYNC_SESSION_TYPES

MESSAGE = (
    "`{receiver}.query(...)` on an `AsyncSession`: the asyncio session has no legacy `Query` API, "
    "so this raises `AttributeError` when it runs; use `await {code}.execute(select(...))` (or "
    "`await {code}.scalars(select(...))`)"
)


def _is_async_query(target: str | None) -> bool:
    if target is None:
        return False
    owner, _, method = target.rpartition(".")
    return method == "query" and owner in ASYNC_SESSION_TYPES


class LegacyQueryOnAsyncSession(Rule):
    code = "FAPI109"
    name = "legacy-query-on-async-session"
    summary = "`session.query(...)` on an `AsyncSession`: `AttributeError` at run time"

    def visit_Call(self, node: cst.Call, ctx: FileContext) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value != "query":
            return
        frame = ctx.frame
        if ctx.infer_type(func.value, frame) not in ASYNC_SESSION_TYPES:
            return
        ctx.report(
            node, MESSAGE.format(receiver=ctx.code_for(func.value), code=ctx.code_for(func.value))
        )

    def end_file(self, ctx: FileContext) -> None:
        facts.collect(ctx)

    def check_module(self, module: ModuleSummary, project: Project, report: ModuleReport) -> None:
        """Sessions made by factories of other modules (``from app.db import SessionLocal``)."""
        for fact in module.facts.get("loop-call", ()):
            if not fact.target.endswith(".query") or _is_async_query(fact.target):
                continue  # reported by the per-file pass
            if not _is_async_query(project.library_target(fact.target)):
                continue
            report.report(fact.span, MESSAGE.format(receiver="", code="session"))
