"""FAPI106 async-session-expires-on-commit: an async session factory that expires on commit."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi_lint.analysis.fastapi_model import keyword_argument
from fastapi_lint.analysis.module_summary import ModuleSummary, Span, fact_type
from fastapi_lint.core.diagnostics import Fix
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext, PendingFix
from fastapi_lint.lint.rule import FixAvailability, ModuleReport, Rule
from fastapi_lint.project.index import Project
from fastapi_lint.rules.correctness.shared import is_example_module
from fastapi_lint.rules.event_loop.async_orm import (
    ASYNC_SESSION_FACTORIES,
    ASYNC_SESSION_TYPES,
    SYNC_SESSION_FACTORIES,
)

FACTORY = "fapi106-factory"
BARE_COMMIT = "fapi106-bare-commit"
OVERRIDE = "fapi106-override"


@fact_type(FACTORY)
@dataclass(slots=True)
class ExpiringFactory:
    name: str  # the callable as written: `async_sessionmaker`
    span: Span
    fix: Fix | None = None


@fact_type(BARE_COMMIT)
@dataclass(slots=True)
class BareCommit:
    """A commit (`await s.commit()`, `async with s.begin():`) no later refresh follows in its
    function: objects read after it are expired."""

    function: str
    span: Span


@fact_type(OVERRIDE)
@dataclass(slots=True)
class PerSessionOverride:
    """`maker(expire_on_commit=False)`, `maker.configure(expire_on_commit=False)`: the project
    chooses the setting where it makes sessions."""

    span: Span


class AsyncSessionExpiresOnCommit(Rule):
    code = "FAPI106"
    name = "async-session-expires-on-commit"
    summary = (
        "`async_sessionmaker`/`AsyncSession` without `expire_on_commit=False`: attributes read "
        "after a commit raise `MissingGreenlet`"
    )
    fix_availability = FixAvailability.ALWAYS

    def visit_Call(self, node: cst.Call, ctx: FileContext) -> None:
        if is_example_module(ctx):
            return
        target = ctx.call_target(node, ctx.frame)
        setting = keyword_argument(node, "expire_on_commit")
        if (
            setting is not None
            and target not in SYNC_SESSION_FACTORIES
            and target not in ASYNC_SESSION_FACTORIES
        ):
            ctx.summary.add_fact(OVERRIDE, PerSessionOverride(ctx.lazy_span(node)))
            return
        if target in SYNC_SESSION_FACTORIES:
            class_ = keyword_argument(node, "class_")
            if class_ is None or ctx.qualname(class_, ctx.frame) not in ASYNC_SESSION_TYPES:
                return
        elif target not in ASYNC_SESSION_FACTORIES:
            return
        if setting is not None or any(arg.star for arg in node.args):
            return
        record = ExpiringFactory(ctx.code_for(node.func), ctx.lazy_span(node))
        if node.args:
            edit = ctx.insert_after(node.args[-1], ", expire_on_commit=False")
        else:
            edit = ctx.replace(node, f"{ctx.code_for(node.func)}(expire_on_commit=False)")
        ctx.deferred_fix(
            record,
            "fix",
            PendingFix.unsafe(
                "Pass `expire_on_commit=False` (unsafe: objects keep their values after a "
                "commit instead of reloading them)",
                edit,
            ),
        )
        ctx.summary.add_fact(FACTORY, record)

    def visit_Await(self, node: cst.Await, ctx: FileContext) -> None:
        call = node.expression
        if isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute):
            method = call.func.attr.value
            if method in ("commit", "refresh"):
                self._event(ctx, method, call, call.func.value)

    def visit_With(self, node: cst.With, ctx: FileContext) -> None:
        if node.asynchronous is None:
            return
        for item in node.items:
            call = item.item
            if (
                isinstance(call, cst.Call)
                and isinstance(call.func, cst.Attribute)
                and call.func.attr.value == "begin"
            ):
                self._event(ctx, "commit", call, call.func.value)

    @staticmethod
    def _event(ctx: FileContext, method: str, call: cst.Call, receiver) -> None:
        frame = ctx.frame
        function = frame.enclosing_function if frame is not None else None
        if function is None or is_example_module(ctx):
            return
        found = ctx.infer_type(receiver, frame)
        if found is not None and found not in ASYNC_SESSION_TYPES:
            return  # an aiosqlite connection, an engine: not an ORM session
        events = ctx.state.setdefault("FAPI106", {})
        events.setdefault(ctx.resolver.local(function.qualname), []).append((method, call))

    def end_file(self, ctx: FileContext) -> None:
        for function, events in ctx.state.get("FAPI106", {}).items():
            for index, (method, call) in enumerate(events):
                if method == "commit" and _is_last(ctx, call):
                    continue  # nothing of the function runs after it: nothing read expired
                if method == "commit" and all(m != "refresh" for m, _ in events[index + 1 :]):
                    ctx.summary.add_fact(BARE_COMMIT, BareCommit(function, ctx.lazy_span(call)))
                    break

    def check_module(self, module: ModuleSummary, project: Project, report: ModuleReport) -> None:
        factories = [r for r in module.facts.get(FACTORY, ()) if isinstance(r, ExpiringFactory)]
        if not factories:
            return
        if next(project.facts(OVERRIDE), None) is not None:
            return  # the project sets `expire_on_commit` where it makes its sessions
        bare = next(
            (record for _, record in project.facts(BARE_COMMIT) if isinstance(record, BareCommit)),
            None,
        )
        if bare is None:
            return  # no commit, or every commit is followed by a refresh: nothing reads stale
        where = project.function(bare.function)
        described = where.describe() if where is not None else f"`{bare.function}`"
        for record in factories:
            report.report(
                record.span,
                f"`{record.name}(...)` without `expire_on_commit=False`: a commit expires every "
                "loaded object, and reading an attribute afterwards (as FastAPI does when it "
                "serializes the response) loads it with implicit I/O, which raises "
                f"`MissingGreenlet` under asyncio (the commit in {described} is followed by no "
                "refresh); pass `expire_on_commit=False`",
                fix=record.fix,
            )


def _is_last(ctx: FileContext, node: cst.CSTNode) -> bool:
    """Whether nothing of the enclosing function runs after ``node``'s statement: it ends every
    block around it (an `if` branch ends where the `if` does), and no loop repeats it."""
    current: cst.CSTNode = node
    while True:
        parent = ctx.parent_of(current)
        if parent is None:
            return False
        if isinstance(parent, (cst.FunctionDef, cst.Lambda)):
            return True
        if isinstance(parent, (cst.For, cst.While)):
            return False
        if isinstance(parent, cst.IndentedBlock) and parent.body[-1] is not current:
            return False
        if isinstance(parent, cst.SimpleStatementLine) and parent.body[-1] is not current:
            return False
        current = parent
