"""FAPI404 optional-param-without-default: ``q: str | None`` with no default is still required."""

from __future__ import annotations

from fastapi_lint.context import FileContext, PendingFix
from fastapi_lint.registry import FixAvailability
from fastapi_lint.rules.correctness.params import is_none, plain_params, union_members
from fastapi_lint.rules.correctness.shared import QueryParamRule, record_query_param
from fastapi_lint.scope import FunctionInfo
from fastapi_lint.signatures import ParamInfo, signature


class OptionalParamWithoutDefault(QueryParamRule):
    code = "FAPI404"
    name = "optional-param-without-default"
    summary = "Route parameter typed `X | None` without a default: it is still required"
    fix_availability = FixAvailability.SOMETIMES

    def end_file(self, ctx: FileContext) -> None:
        for function in ctx.functions:
            if not function.routes or any(r.websocket for r in function.routes):
                continue
            params = signature(ctx, function)
            for param in plain_params(params):
                if param.has_default or param.type_expr is None:
                    continue
                if param.marker is not None:
                    # `Annotated[str | None, Query(min_length=3)]` without a default is how
                    # FastAPI's docs spell "required, can be None": explicit, left alone.
                    continue
                members = union_members(ctx, param.type_expr, param.frame)
                if not members or not any(is_none(m) for m in members):
                    continue
                self._record(ctx, function, params, param)

    def _record(
        self, ctx: FileContext, function: FunctionInfo, params: list[ParamInfo], param: ParamInfo
    ) -> None:
        where = "query parameter"
        record_query_param(
            ctx,
            param.param,
            function,
            param.name,
            f"`{param.name}: {ctx.code_for(param.type_expr)}` of {function.describe()} has no "  # type: ignore[arg-type]
            f"default, so this {where} is still required: a request without it gets "
            "`422 Unprocessable Entity`; add `= None`",
            fix=self._fix(ctx, params, param),
        )

    def _fix(
        self, ctx: FileContext, params: list[ParamInfo], param: ParamInfo
    ) -> PendingFix | None:
        index = params.index(param)
        if param.kind in ("posonly", "normal"):
            # A parameter with a default may not precede one without.
            for later in params[index + 1 :]:
                if later.kind in ("posonly", "normal") and later.param.default is None:
                    return None
        annotation = param.param.annotation
        if annotation is None:
            return None
        return PendingFix.unsafe("Add `= None`", ctx.insert_after(annotation.annotation, " = None"))
