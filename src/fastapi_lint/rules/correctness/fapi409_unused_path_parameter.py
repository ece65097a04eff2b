"""FAPI409 unused-path-parameter: a ``{name}`` of the route path that no parameter reads."""

from __future__ import annotations

import keyword
from dataclasses import dataclass

from fastapi_lint.analysis.module_summary import ModuleSummary, Span, fact_type
from fastapi_lint.analysis.scope import FunctionInfo, RouteInfo
from fastapi_lint.analysis.signatures import signature
from fastapi_lint.core.diagnostics import Fix
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext, PendingFix
from fastapi_lint.lint.rule import FixAvailability, ModuleReport, Rule
from fastapi_lint.project.dependencies import dependency_closure
from fastapi_lint.project.index import Project
from fastapi_lint.project.paths import path_params
from fastapi_lint.project.routes import served_routes

FACT = "fapi409"
READS_PATH = "fapi409-reads-path"
PASSES_REQUEST = "fapi409-passes-request"
REQUEST_TYPES = frozenset(
    {
        "fastapi.Request",
        "starlette.requests.Request",
        "fastapi.WebSocket",
        "starlette.websockets.WebSocket",
        "starlette.requests.HTTPConnection",
        "fastapi.requests.HTTPConnection",
    }
)
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
    # A required parameter of the endpoint meant to be this one (`signal_engagement_id` for
    # `{engagement_id}`): adding a parameter would leave it a required query parameter.
    meant: str | None = None


@fact_type(READS_PATH)
@dataclass(slots=True)
class ReadsPathParams:
    """A function reading ``request.path_params`` (or the raw scope) itself."""

    function: str


@fact_type(PASSES_REQUEST)
@dataclass(slots=True)
class PassesRequest:
    """A function passing its ``Request`` on to ``callee``, which may read the path itself."""

    function: str
    callee: str


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

    def visit_Call(self, node: cst.Call, ctx: FileContext) -> None:
        frame = ctx.frame
        function = frame.enclosing_function if frame is not None else None
        if function is None:
            return
        cache = ctx.state.setdefault(self.code + "-requests", {})
        if function not in cache:
            cache[function] = _request_params(ctx, function)
        requests = cache[function]
        if not requests or not any(
            isinstance(arg.value, cst.Name) and arg.value.value in requests for arg in node.args
        ):
            return
        callee = ctx.call_target(node)
        if callee is not None:
            ctx.summary.add_fact(
                PASSES_REQUEST, PassesRequest(ctx.resolver.local(function.qualname), callee)
            )

    def end_file(self, ctx: FileContext) -> None:
        names = [function.qualname for function in ctx.functions]
        for function in ctx.functions:
            # Several functions of one name (`@router.get(...) async def _(...)` over and
            # over): the project knows only one of them, so only this one's own parameters
            # can be trusted.
            ambiguous = names.count(function.qualname) > 1
            for index, route in enumerate(function.routes):
                if route.local_path is None or route.call is None:
                    continue
                params = path_params(route.local_path)
                for name, convertor in params:
                    if convertor == "path" and _catch_all(route.local_path, params):
                        continue  # a catch-all (a single-page app's) that ignores what it caught
                    if ambiguous and (
                        _declares(ctx, function, name) or _has_dependencies(ctx, function, route)
                    ):
                        continue
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
        record.meant = _meant(ctx, function, name)
        fix = _add_parameter(ctx, function, name, convertor) if record.meant is None else None
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
            advice = (
                f"add a `{record.name}` parameter (or an `alias=`)"
                if record.meant is None
                else f"`{record.meant}`, a required query parameter now, looks meant to be it: "
                f'rename it to `{record.name}` or give it `alias="{record.name}"`'
            )
            report.report(
                record.span,
                f"Path parameter `{{{record.name}}}` of route `{record.label}` is declared by "
                f"neither `{function.function.name}` nor its dependencies: FastAPI matches the "
                f"URL segment and throws the value away; {advice}",
                fix=record.fix,
            )


def _consumed(
    project: Project, served, qualname: str, module: ModuleSummary, current
) -> set[str] | None:
    """Every name the endpoint and its dependencies read (parameter names and aliases); None
    when some dependency cannot be followed."""
    function = project.function(qualname)
    if function is None or function.duplicate:
        return None  # unknown, or two functions of that name: whose parameters?
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
    passes = project.cached("fapi409-passes", _passes)
    for module, f in closure.functions:
        name = module.qualify(f.qualname)
        if name in readers:
            return None  # reads `request.path_params` itself: any name may be used
        if any(
            project.resolve(callee) in readers or callee in readers
            for callee in passes.get(name, ())
        ):
            return None  # hands its request to a helper that does
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


def _passes(project: Project) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for _, record in project.facts(PASSES_REQUEST):
        if isinstance(record, PassesRequest):
            found.setdefault(record.function, []).append(record.callee)
    return found


def _request_params(ctx: FileContext, function: FunctionInfo) -> set[str]:
    """The names of the function's parameters annotated as a request or a connection."""
    names = set()
    for param in function.node.params.params + function.node.params.kwonly_params:
        annotation = param.annotation.annotation if param.annotation is not None else None
        if annotation is not None and ctx.qualname(annotation, function.parent) in REQUEST_TYPES:
            names.add(param.name.value)
    return names


def _catch_all(path: str, params: list[tuple[str, str]]) -> bool:
    """The path's only parameter is a final `{x:path}`: `/{full_path:path}`, `/app/{rest:path}`."""
    return len(params) == 1 and path.rstrip("/").endswith(":path}")


def _declares(ctx: FileContext, function: FunctionInfo, name: str) -> bool:
    for param in signature(ctx, function):
        if param.name == name or (param.marker is not None and param.marker.alias == name):
            return True
    return False


def _has_dependencies(ctx: FileContext, function: FunctionInfo, route: RouteInfo) -> bool:
    return route.keyword("dependencies") is not None or any(
        param.marker is not None and param.marker.is_dependency
        for param in signature(ctx, function)
    )


def _meant(ctx: FileContext, function: FunctionInfo, name: str) -> str | None:
    """A required plain parameter whose name holds the path parameter's as a word
    (`signal_engagement_id` for `engagement_id`): it was meant to be the path parameter."""
    for param in signature(ctx, function):
        if (
            param.name != name
            and param.marker is None
            and not param.has_default
            and param.kind in ("normal", "kwonly", "posonly")
            and (param.name.endswith("_" + name) or param.name.startswith(name + "_"))
        ):
            return param.name
    return None


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
