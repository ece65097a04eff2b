"""Builds the engine's part of a module summary from the file context.

Rule families add their own facts with ``ctx.summary.add_fact(kind, record)``.
"""

from __future__ import annotations

from fastapi_lint.context import FileContext
from fastapi_lint.inference import STDLIB_MODULES
from fastapi_lint.lazy import cst
from fastapi_lint.scope import BindingKind, FunctionInfo
from fastapi_lint.summary import (
    AppSummary,
    CallSite,
    ClassSummary,
    FunctionSummary,
    RouteSummary,
)

# Keyword arguments of route registrations kept in the summary (as source text).
_ROUTE_OPTIONS = ("status_code", "operation_id", "response_model", "name", "include_in_schema")
_APP_OPTIONS = ("prefix", "lifespan", "debug", "root_path")


def _is_project_candidate(target: str) -> bool:
    """Calls worth recording: anything but builtins and the standard library."""
    if "." not in target:
        return False
    return target.partition(".")[0] not in STDLIB_MODULES


def build_summary(ctx: FileContext) -> None:
    summary = ctx.summary
    resolver = ctx.resolver
    module_frame = ctx.walk.module_frame

    for name, bindings in module_frame.bindings.items():
        if len(bindings) != 1:
            continue
        binding = bindings[0]
        if binding.kind is BindingKind.IMPORT and binding.qualname:
            summary.imports[name] = binding.qualname
        elif binding.kind is BindingKind.STAR_IMPORT and binding.qualname:
            summary.star_imports.append(binding.qualname)
        elif binding.kind is BindingKind.ASSIGN:
            value_type = resolver._binding_type(binding, module_frame)
            if value_type is not None:
                summary.variables[name] = value_type

    functions: dict[FunctionInfo, FunctionSummary] = {}
    for info in ctx.walk.functions:
        decorators = set(info.decorator_names)
        returns = None
        if info.node.returns is not None:
            returns = resolver.annotation_type(info.node.returns.annotation, info.parent)
        function = FunctionSummary(
            qualname=info.qualname,
            name=info.name,
            span=ctx.lazy_span(info.node.name),
            is_async=info.is_async,
            class_qualname=info.klass.qualname if info.klass is not None else None,
            decorators=list(info.decorator_names),
            roles=sorted(role.value for role in info.roles),
            returns=returns,
            has_await=info.has_await,
            is_generator=info.is_generator,
            is_staticmethod="staticmethod" in decorators,
            is_classmethod="classmethod" in decorators,
        )
        for route in info.routes:
            function.routes.append(_route_summary(ctx, route))
        functions[info] = function
        summary.functions.append(function)

    for use in ctx.fastapi.dependencies:
        # A marker in a parameter list belongs to the function it parameterizes.
        owner = _owner_of_marker(ctx, use.call)
        if owner is not None and use.target_name is not None and owner in functions:
            functions[owner].depends.append(use.target_name)

    for call, frame in ctx.walk.calls:
        executing = frame.executing_function
        if executing is None or executing.function is None:
            continue
        target = resolver.call_target(call, frame)
        if target is None or not _is_project_candidate(target):
            continue
        parent = ctx.walk.parents.get(call)
        functions[executing.function].calls.append(
            CallSite(
                target=target,
                span=ctx.lazy_span(call),
                awaited=isinstance(parent, cst.Await),
                discarded=isinstance(parent, cst.Expr),
            )
        )

    for info in ctx.walk.classes:
        attributes = {}
        for attr, annotation in info.attribute_annotations.items():
            attr_type = resolver.annotation_type(annotation, info.frame)
            if attr_type is not None:
                attributes[attr] = attr_type
        summary.classes.append(
            ClassSummary(
                qualname=info.qualname,
                name=info.name,
                span=ctx.lazy_span(info.node.name),
                bases=[_base_qualname(resolver, base, info.parent) for base in info.bases],
                methods=list(info.methods),
                attributes=attributes,
            )
        )

    for app in ctx.fastapi.apps:
        summary.apps.append(
            AppSummary(
                name=app.name,
                kind=app.kind,
                span=ctx.lazy_span(app.call),
                options=_literal_options(ctx, app.call, _APP_OPTIONS),
            )
        )
    for function, route in ctx.fastapi.routes:
        if function is None:
            summary.add_fact("route-reference", _route_summary(ctx, route))
    summary.references = [[name, role.value] for name, role in ctx.fastapi.references]


def _base_qualname(resolver, base: cst.BaseExpression, frame) -> str | None:
    """``pkg.Base`` for ``Base`` and for ``Base[T]`` (generic and root models)."""
    if isinstance(base, cst.Subscript):
        base = base.value
    return resolver.qualname(base, frame)


def _route_summary(ctx: FileContext, route) -> RouteSummary:
    return RouteSummary(
        methods=list(route.methods),
        path=route.path,
        router=route.router_name,
        span=ctx.lazy_span(route.node),
        websocket=route.websocket,
        confirmed=route.confirmed,
        options=_literal_options(ctx, route.call, _ROUTE_OPTIONS) if route.call else {},
    )


def _literal_options(ctx: FileContext, call: cst.Call, names: tuple[str, ...]) -> dict[str, str]:
    options = {}
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in names:
            options[arg.keyword.value] = ctx.code_for(arg.value)
    return options


def _owner_of_marker(ctx: FileContext, call: cst.Call) -> FunctionInfo | None:
    """The function whose parameter list holds ``call`` (a Depends marker), if any."""
    parents = ctx.walk.parents
    node: cst.CSTNode | None = call
    while node is not None:
        parent = parents.get(node)
        if isinstance(parent, cst.Param):
            params = parents.get(parent)
            function = parents.get(params) if params is not None else None
            if isinstance(function, cst.FunctionDef):
                return ctx.walk.function_by_node.get(function)
            return None
        if isinstance(parent, (cst.FunctionDef, cst.ClassDef, cst.Lambda, cst.Module)):
            return None
        node = parent
    return None
