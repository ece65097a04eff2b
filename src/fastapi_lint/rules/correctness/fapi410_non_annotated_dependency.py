"""FAPI410 non-annotated-dependency: ``x: T = Depends(f)`` / ``q: str = Query(None)`` instead of
``Annotated[T, Depends(f)]`` / ``Annotated[str, Query()] = None``."""

from __future__ import annotations

from fastapi_lint.context import FileContext, PendingFix
from fastapi_lint.imports import plan_from_import
from fastapi_lint.knowledge.names import ANNOTATED
from fastapi_lint.lazy import cst
from fastapi_lint.registry import FixAvailability, Rule
from fastapi_lint.scope import FunctionInfo
from fastapi_lint.signatures import MarkerInfo, ParamInfo, signature

# `Annotated` markers are supported since FastAPI 0.95.0.
ANNOTATED_SUPPORT = "0.95.0"


def marker_text(ctx: FileContext, marker: MarkerInfo, drop: cst.Arg | None) -> str:
    """The marker call rewritten without the argument ``drop`` (its default)."""
    parts = [ctx.argument_code(arg) for arg in marker.call.args if arg is not drop]
    return f"{ctx.code_for(marker.call.func)}({', '.join(parts)})"


def short_name(kind: str) -> str:
    return kind.rpartition(".")[2]


class NonAnnotatedDependency(Rule):
    code = "FAPI410"
    name = "non-annotated-dependency"
    summary = "FastAPI marker (`Depends`, `Query`...) as a default value instead of in `Annotated`"
    fix_availability = FixAvailability.SOMETIMES
    opt_in = True  # style: out of the default selection

    def end_file(self, ctx: FileContext) -> None:
        if ctx.settings.detect_versions().pinned_older_than("fastapi", ANNOTATED_SUPPORT):
            return
        for function in ctx.functions:
            if not function.node.params.params and not function.node.params.kwonly_params:
                continue
            params = signature(ctx, function)
            for index, param in enumerate(params):
                marker = param.marker
                if marker is None or marker.in_annotated or marker.opaque:
                    continue
                if param.annotated is not None:
                    continue  # `Annotated[...]` and a marker default: another problem
                self._report(ctx, function, params, index, param, marker)

    def _report(
        self,
        ctx: FileContext,
        function: FunctionInfo,
        params: list[ParamInfo],
        index: int,
        param: ParamInfo,
        marker: MarkerInfo,
    ) -> None:
        name = short_name(marker.kind)
        ctx.report(
            param.param,
            f"Parameter `{param.name}` of {function.describe()} declares `{name}(...)` as its "
            "default value: calling the function outside FastAPI (tests, other code) silently "
            f"passes the `{name}` object itself, and the real default hides inside the marker; "
            f"use `Annotated[..., {name}()]`",
            fix=self._fix(ctx, function, params, index, param, marker),
            rule=type(self),
        )

    def _fix(
        self,
        ctx: FileContext,
        function: FunctionInfo,
        params: list[ParamInfo],
        index: int,
        param: ParamInfo,
        marker: MarkerInfo,
    ) -> PendingFix | None:
        if param.annotation is None:
            return None
        default = None
        drop = None
        if not marker.is_dependency and marker.default_arg is not None:
            drop = marker.default_arg
            default = marker.default
        keeps_default = default is not None
        if not keeps_default and param.kind in ("posonly", "normal"):
            # A parameter without a default may not follow one with a default.
            for earlier in params[:index]:
                if earlier.kind in ("posonly", "normal") and earlier.param.default is not None:
                    return None
        plan = plan_from_import(ctx, "typing", "Annotated", function.parent)
        if plan is None or ctx.resolver.name_qualname(plan.expression, function.parent) not in (
            ANNOTATED,
            None,
        ):
            return None
        annotation = ctx.code_for(param.annotation)
        text = f"{param.name}: {plan.expression}[{annotation}, {marker_text(ctx, marker, drop)}]"
        if keeps_default:
            text += f" = {ctx.code_for(default)}"  # type: ignore[arg-type]
        star = param.param.star if isinstance(param.param.star, str) else ""
        last = param.param.default or param.param.annotation or param.param
        return PendingFix.unsafe(
            f"Move `{short_name(marker.kind)}` into `Annotated`",
            ctx.replace_range(param.param, last, star + text),
            *plan.edits,
        )
