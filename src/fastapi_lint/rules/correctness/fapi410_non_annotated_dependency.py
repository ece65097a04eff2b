"""FAPI410 non-annotated-dependency: ``x: T = Depends(f)`` / ``q: str = Query(None)`` instead of
``Annotated[T, Depends(f)]`` / ``Annotated[str, Query()] = None``."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi_lint.analysis.knowledge.names import ANNOTATED
from fastapi_lint.analysis.module_summary import Span, fact_type
from fastapi_lint.analysis.scope import FunctionInfo
from fastapi_lint.analysis.signatures import MARKERS, MarkerInfo, ParamInfo, signature
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext, PendingFix
from fastapi_lint.lint.importer import plan_from_import
from fastapi_lint.lint.rule import FixAvailability, Rule

# The names markers are called by (`Depends`, `Query`...), to skip other calls cheaply.
_MARKER_NAMES = frozenset(kind.rpartition(".")[2] for kind in MARKERS)

# `Annotated` markers are supported since FastAPI 0.95.0.
ANNOTATED_SUPPORT = "0.95.0"


@fact_type("marker-factory")
@dataclass(slots=True)
class MarkerFactoryFact:
    """A function that returns a FastAPI marker: ``def LimitBody(): return Depends(get_limit)``."""

    function: str  # module-relative qualname
    kind: str  # the marker it returns: "fastapi.Depends"...


@fact_type("factory-default")
@dataclass(slots=True)
class FactoryDefaultFact:
    """A parameter whose default calls a project function: ``limit: int = LimitBody()``."""

    function: str  # module-relative qualname of the function declaring the parameter
    param: str
    factory: str  # qualified name of the called function
    factory_code: str  # the call's callee as written (`dependencies.LimitBody`)
    span: Span


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
        if ctx.options.versions().pinned_older_than("fastapi", ANNOTATED_SUPPORT):
            return
        self._collect_factories(ctx)
        for function in ctx.functions:
            if not function.node.params.params and not function.node.params.kwonly_params:
                continue
            params = signature(ctx, function)
            for index, param in enumerate(params):
                marker = param.marker
                if marker is None:
                    self._factory_default(ctx, function, param)
                    continue
                if marker.in_annotated or marker.opaque:
                    continue
                if param.annotated is not None:
                    continue  # `Annotated[...]` and a marker default: another problem
                self._report(ctx, function, params, index, param, marker)

    def _collect_factories(self, ctx: FileContext) -> None:
        """Functions returning a marker (``return Depends(get_limit)``), for the project pass."""
        seen = set()
        for call, frame in ctx.walk.calls:
            func = call.func
            name = (
                func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", "")
            )
            if name not in _MARKER_NAMES or not isinstance(ctx.parent_of(call), cst.Return):
                continue
            function = frame.function
            if function is None or function in seen:
                continue
            kind = ctx.call_target(call, frame)
            if kind in MARKERS:
                seen.add(function)
                ctx.summary.add_fact("marker-factory", MarkerFactoryFact(function.qualname, kind))

    def _factory_default(self, ctx: FileContext, function: FunctionInfo, param: ParamInfo) -> None:
        default = param.default
        if not isinstance(default, cst.Call) or param.annotated is not None:
            return
        target = ctx.call_target(default, function.parent)
        if target is None or "." not in target:
            return
        ctx.summary.add_fact(
            "factory-default",
            FactoryDefaultFact(
                function.qualname,
                param.name,
                target,
                ctx.code_for(default.func),
                ctx.lazy_span(param.param),
            ),
        )

    def check_module(self, module, project, report) -> None:
        """``limit: int = LimitBody()`` where ``LimitBody()`` returns ``Depends(...)``."""
        defaults = module.facts.get("factory-default", ())
        if not defaults:
            return
        factories = project.cached("fapi410:marker-factories", _marker_factories)
        for fact in defaults:
            callee = project.resolve_callable(fact.factory)
            kind = factories.get(callee.qualname) if callee is not None else None
            if kind is None:
                continue
            function = project.function(module.qualify(fact.function))
            where = function.describe() if function is not None else f"`{fact.function}`"
            name = short_name(kind)
            report.report(
                fact.span,
                f"Parameter `{fact.param}` of {where} declares `{fact.factory_code}()` as its "
                f"default value, which returns `{name}(...)`: calling the function outside "
                f"FastAPI (tests, other code) silently passes the `{name}` object itself, and "
                f"the real default hides inside the marker; use "
                f"`Annotated[..., {fact.factory_code}()]`",
                data={"function": module.qualify(fact.function), "factory": callee.qualname},
            )

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


def _marker_factories(project) -> dict[str, str]:
    """Project functions returning a FastAPI marker: qualname -> marker kind."""
    return {
        module.qualify(fact.function): fact.kind for module, fact in project.facts("marker-factory")
    }
