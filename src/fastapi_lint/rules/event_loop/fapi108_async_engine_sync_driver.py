"""FAPI108 async-engine-sync-driver: ``create_async_engine`` with a synchronous driver's URL."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi_lint.analysis.fastapi_model import keyword_argument
from fastapi_lint.analysis.literals import literal_value
from fastapi_lint.analysis.module_summary import ModuleSummary, Span, fact_type
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext, PendingFix
from fastapi_lint.lint.rule import FixAvailability, ModuleReport, Rule
from fastapi_lint.project.index import Project
from fastapi_lint.rules.event_loop.async_orm import ASYNC_ENGINE_FACTORIES, sync_driver

FACT = "fapi108"


@fact_type(FACT)
@dataclass(slots=True)
class EngineURL:
    """A `create_async_engine` URL given by a name of another module or a settings field."""

    qualname: str
    span: Span


def _message(scheme: str, driver: str, source: str) -> str:
    dialect = scheme.partition("+")[0]
    return (
        f"`create_async_engine` with a `{scheme}://` URL{source}: that driver is synchronous, "
        'so SQLAlchemy raises `InvalidRequestError` ("The asyncio extension requires an async '
        f'driver") when the engine is created; use `{dialect}+{driver}://`'
    )


def _head(node: cst.BaseExpression) -> str | None:
    """The literal start of an f-string (`f"postgresql://{user}@..."`), when it holds `://`."""
    if not isinstance(node, cst.FormattedString) or not node.parts:
        return None
    first = node.parts[0]
    if isinstance(first, cst.FormattedStringText) and "://" in first.value:
        return first.value
    return None


class AsyncEngineSyncDriver(Rule):
    code = "FAPI108"
    name = "async-engine-sync-driver"
    summary = "`create_async_engine` with the URL of a synchronous driver (`postgresql://`)"
    fix_availability = FixAvailability.SOMETIMES

    def visit_Call(self, node: cst.Call, ctx: FileContext) -> None:
        frame = ctx.frame
        if ctx.call_target(node, frame) not in ASYNC_ENGINE_FACTORIES:
            return
        url = keyword_argument(node, "url")
        if url is None:
            if not node.args or node.args[0].keyword is not None or node.args[0].star:
                return
            url = node.args[0].value
        head = _head(url)
        value = head if head is not None else literal_value(url, ctx.resolver, frame)
        if isinstance(value, str):
            found = sync_driver(value)
            if found is None:
                return
            scheme, _, driver = found
            fix = None
            if isinstance(url, (cst.SimpleString, cst.FormattedString)) and (
                ctx.code_for(url).count(f"{scheme}://") == 1
            ):
                dialect = scheme.partition("+")[0]
                fix = PendingFix.unsafe(
                    f"Use the `{dialect}+{driver}` driver (unsafe: it is a new dependency)",
                    ctx.replace(
                        url, ctx.code_for(url).replace(f"{scheme}://", f"{dialect}+{driver}://")
                    ),
                )
            source = f" (`{url.value}`)" if isinstance(url, cst.Name) else ""
            ctx.report(node, _message(scheme, driver, source), fix=fix)
            return
        if isinstance(url, (cst.Name, cst.Attribute)):
            qualname = ctx.qualname(url, frame)
            if qualname is not None:
                ctx.summary.add_fact(FACT, EngineURL(qualname, ctx.lazy_span(node)))

    def check_module(self, module: ModuleSummary, project: Project, report: ModuleReport) -> None:
        for record in module.facts.get(FACT, ()):
            if not isinstance(record, EngineURL):
                continue
            value = project.constant(record.qualname)
            if not isinstance(value, str):
                continue
            found = sync_driver(value)
            if found is None:
                continue
            scheme, _, driver = found
            module_name, _, name = project.resolve(record.qualname).rpartition(".")
            owner = project.modules.get(module_name)
            if owner is not None and name in owner.constants:
                source = f" (`{name}`)"
            else:  # a settings field: the environment may set another URL
                source = f" (the default of `{name}`)"
            report.report(record.span, _message(scheme, driver, source))
