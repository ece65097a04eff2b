"""FAPI414 sequence-query-without-query: ``tags: list[str]`` on a GET route is read as the body."""

from __future__ import annotations

from fastapi_lint.analysis.scope import FunctionInfo
from fastapi_lint.analysis.signatures import ParamInfo, signature
from fastapi_lint.lint.context import FileContext, PendingFix
from fastapi_lint.lint.importer import plan_from_import
from fastapi_lint.lint.rule import FixAvailability
from fastapi_lint.rules.correctness.params import (
    is_none,
    plain_params,
    sequence_of_scalars,
    union_members,
)
from fastapi_lint.rules.correctness.shared import QueryParamRule, record_query_param

# Every FAPI414 fix is unsafe: a parameter meant only for direct Python calls becomes public.
_UNSAFE = (
    "any client can then set it from the query string; if only direct calls pass it, it was "
    "internal and should leave the route's signature instead"
)
# Methods whose requests carry no body in practice (clients and proxies drop it).
BODYLESS_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class SequenceQueryWithoutQuery(QueryParamRule):
    code = "FAPI414"
    name = "sequence-query-without-query"
    summary = "`list`/`set`/`tuple` parameter of a GET route without `Query()`: read from the body"
    fix_availability = FixAvailability.SOMETIMES

    def end_file(self, ctx: FileContext) -> None:
        for function in ctx.functions:
            routes = [r for r in function.routes if not r.websocket]
            if not routes or not all(set(r.methods) <= BODYLESS_METHODS for r in routes):
                continue
            for param in plain_params(signature(ctx, function)):
                if param.marker is not None or param.type_expr is None:
                    continue
                container = self._container(ctx, param)
                if container is None:
                    continue
                fix = self._fix(ctx, function, param)
                message = (
                    f"`{param.name}: {ctx.code_for(param.type_expr)}` of {function.describe()} "
                    f"has no `Query()`: FastAPI reads a `{container}` parameter from the request "
                    f"body, which a `{routes[0].methods[0]}` request does not have, so "
                    f"`?{param.name}=a&{param.name}=b` is ignored; declare it with `Query()`"
                )
                if fix is not None:
                    message += f" (the fix is unsafe: {_UNSAFE})"
                record_query_param(ctx, param.param, function, param.name, message, fix=fix)

    @staticmethod
    def _container(ctx: FileContext, param: ParamInfo) -> str | None:
        node = param.type_expr
        assert node is not None
        members = union_members(ctx, node, param.frame)
        if members is not None:
            values = [m for m in members if not is_none(m)]
            if len(values) != 1:
                return None
            node = values[0]
        return sequence_of_scalars(ctx, node, param.frame)

    @staticmethod
    def _fix(ctx: FileContext, function: FunctionInfo, param: ParamInfo) -> PendingFix | None:
        query = plan_from_import(ctx, "fastapi", "Query", function.parent)
        if query is None:
            return None
        if param.annotated is not None:
            last = param.annotated.slice[-1].slice
            return PendingFix.unsafe(
                "Add `Query()`", ctx.insert_after(last, f", {query.expression}()"), *query.edits
            )
        if param.annotation is not param.type_expr:
            return None
        annotated = plan_from_import(ctx, "typing", "Annotated", function.parent)
        if annotated is None:
            return None
        text = f"{annotated.expression}[{ctx.code_for(param.type_expr)}, {query.expression}()]"  # type: ignore[arg-type]
        return PendingFix.unsafe(
            "Read it from the query string with `Query()`",
            ctx.replace(param.type_expr, text),  # type: ignore[arg-type]
            *annotated.edits,
            *query.edits,
        )
