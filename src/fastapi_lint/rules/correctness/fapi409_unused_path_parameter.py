"""FAPI409 unused-path-parameter: a ``{name}`` of the route path that no parameter reads."""

from __future__ import annotations

import keyword
from dataclasses import dataclass

from fastapi_lint.context import FileContext, PendingFix
from fastapi_lint.diagnostics import Fix
from fastapi_lint.lazy import cst
from fastapi_lint.project import ModuleReport, Project
from fastapi_lint.registry import FixAvailability, Rule
from fastapi_lint.routes import dependency_closure, path_params, served_routes
from fastapi_lint.scope import FunctionInfo, RouteInfo
from fastapi_lint.summary import ModuleSummary, Span, fact_type

FACT = "fapi409"
READS_PATH = "fapi409-reads-path"
_CONVERTOR_TYPES = {"str": "str", "path": "str", "int": "int", "float": "float"}


@fact_type(FACT)
@dataclass(slots=True)
class PathParam:
    function: str  # project-wide qualified name of the endpoint
    route: int  # index of the route among the function's routes
    name: str
    label: str
    span: Span
    fix: Fix | None = None


@fact_type(READS_PATH)
@dataclass(slots=True)
class ReadsPathParams:
    """A function reading ``request.path_params`` (or the raw scope) itself."""

    function: str


class UnusedPathParameter(Rule):
    code = "FAPI409"
    name = "unused-path-parameter"
    summary = "Path parameter that neither the route nor its dependencies declare"
    fix_availability = FixAvailability.SOMETIMES

    def visit_Attribute(self, node: cst.Attribute, ctx: FileContext) -> None:
        if node.attr.value not in ("path_params", "scope"):
            return
        frame = ctx.frame
        function = frame.enclosing_function if frame is not None else None
        if function is None:
            return
        readers = ctx.state.setdefault(self.code, set())
        if function not in readers:
            readers.add(function)
            ctx.summary.add_fact(READS_PATH, ReadsPathParams(ctx.resolver.local(function.qualname)))

    def end_file(self, ctx: FileContext) -> None:
        for function in ctx.functions:
            for index, route in enumerate(function.routes):
                if route.local_path is None or route.call is None:
                    continue
                for name, convertor in path_params(route.local_path):
                    self._record(ctx, function, index, route, name, convertor)

    def _record(
        self,
        ctx: FileContext,
        function: FunctionInfo,
        index: int,
        route: RouteInfo,
        name: str,
        convertor: str,
    ) -> None:
        path_node = route.call.args[0].value if route.call and route.call.args else route.node  # type: ignore[union-attr]
        record = PathParam(
            function=ctx.resolver.local(function.qualname),
            route=index,
            name=name,
            label=route.label,
            span=ctx.lazy_span(path_node),
        )
        fix = _add_parameter(ctx, function, name, convertor)
        if fix is not None:
            ctx.deferred_fix(record, "fix", fix)
        ctx.summary.add_fact(FACT, record)

    def check_module(self, module: ModuleSummary, project: Project, report: ModuleReport) -> None:
        records = [r for r in module.facts.get(FACT, ()) if isinstance(r, PathParam)]
        if not records:
            return
        served = served_routes(project)
        # The module as it is now (the fix loop re-checks it; the project has the first pass).
        fresh = {module.qualify(f.qualname): f for f in module.functions}
        consumed_by: dict[str, set[str] | None] = {}
        for record in records:
            if record.function not in consumed_by:
                consumed_by[record.function] = _consumed(
                    project, served, record.function, module, fresh.get(record.function)
                )
            consumed = consumed_by[record.function]
            if consumed is None or record.name in consumed:
                continue
            function = project.function(record.function)
            assert function is not None
            report.report(
                record.span,
                f"Path parameter `{{{record.name}}}` of route `{record.label}` is declared by "
                f"neither `{function.function.name}` nor its dependencies: FastAPI matches the "
                f"URL segment and throws the value away; add a `{record.name}` parameter (or an "
                "`alias=`)",
                fix=record.fix,
            )


def _consumed(
    project: Project, served, qualname: str, module: ModuleSummary, current
) -> set[str] | None:
    """Every name the endpoint and its dependencies read (parameter names and aliases); None
    when some dependency cannot be followed."""
    function = project.function(qualname)
    if function is None:
        return None
    routes = served.routes_of_function(qualname)
    if not routes:
        return None  # registered on a router this project never creates: unknown dependencies
    extra: list[str] = []
    for route in routes:
        extra.extend(route.dependencies)
    start = current if current is not None else function.function
    closure = dependency_closure(
        project, start, module if current is not None else function.module, extra
    )
    if not closure.complete:
        return None
    readers = project.cached("fapi409-readers", _readers)
    if any(module.qualify(f.qualname) in readers for module, f in closure.functions):
        return None  # reads `request.path_params` itself: any name may be used
    names: set[str] = set()
    for param in closure.params(project):
        if param.kind in ("varargs", "varkw"):
            continue
        names.add(param.name)
        marker = param.marker
        if marker is not None:
            if marker.opaque:
                return None
            if marker.alias:
                names.add(marker.alias)
    return names


def _readers(project: Project) -> frozenset[str]:
    return frozenset(
        record.function
        for _, record in project.facts(READS_PATH)
        if isinstance(record, ReadsPathParams)
    )


def _add_parameter(
    ctx: FileContext, function: FunctionInfo, name: str, convertor: str
) -> PendingFix | None:
    if keyword.iskeyword(name) or name in function.frame.bindings:
        return None
    annotation = _CONVERTOR_TYPES.get(convertor)
    text = f"{name}: {annotation}" if annotation else name
    params = function.node.params
    message = f"Add a `{name}` parameter"
    positional = list(params.params)
    if positional and function.is_method and not params.posonly_params:
        positional = positional[1:]  # after `self`
    without_default = [p for p in positional if p.default is None]
    if without_default:
        return PendingFix.unsafe(message, ctx.insert_after(_end(without_default[-1]), f", {text}"))
    if positional:
        return PendingFix.unsafe(message, ctx.insert_before(positional[0], f"{text}, "))
    if params.params or params.posonly_params:
        # Only `self`: add after it.
        first = (params.params or params.posonly_params)[0]
        if params.posonly_params:
            return None
        return PendingFix.unsafe(message, ctx.insert_after(_end(first), f", {text}"))
    if params.kwonly_params:
        return PendingFix.unsafe(message, ctx.insert_before(params.kwonly_params[0], f"{text}, "))
    if isinstance(params.star_arg, cst.Param) or params.star_kwarg is not None:
        return None
    return PendingFix.unsafe(message, ctx.replace(params, text))


def _end(param: cst.Param) -> cst.CSTNode:
    """The last node of a parameter (its own span covers only the name)."""
    return param.default or (param.annotation.annotation if param.annotation else param)
