"""Builds the engine's part of a module summary from the file context.

Rule families add their own facts with ``ctx.summary.add_fact(kind, record)``.
"""

from __future__ import annotations

from typing import Any

from fastapi_lint.analysis.fastapi_model import keyword_argument
from fastapi_lint.analysis.inference import STDLIB_MODULES, string_value
from fastapi_lint.analysis.knowledge.names import ANNOTATED
from fastapi_lint.analysis.literals import is_literal, literal_value
from fastapi_lint.analysis.module_summary import (
    AppSummary,
    CallSite,
    ClassSummary,
    FunctionSummary,
    IncludeSummary,
    RouteSummary,
)
from fastapi_lint.analysis.run_conditions import (
    MEMOIZERS,
    constant_arguments,
    flag_guard,
    has_global,
    is_conditional,
    registration_of,
    runs_once_per_process,
    sets_globals,
)
from fastapi_lint.analysis.scope import BindingKind, FunctionInfo
from fastapi_lint.analysis.signatures import alias_summary, param_summary, signature
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext

# Keyword arguments of route registrations kept in the summary (as source text).
_ROUTE_OPTIONS = ("status_code", "operation_id", "response_model", "name", "include_in_schema")
_APP_OPTIONS = ("prefix", "lifespan", "debug", "root_path", "route_class")


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
            summary.rebound.append(name)
            continue
        binding = bindings[0]
        if binding.kind is BindingKind.ASSIGN and not binding.opaque:
            _constant_or_alias(ctx, name, binding)
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
            params=[param_summary(p) for p in signature(ctx, info)],
            sets_globals=sets_globals(info.node) if has_global(info.node) else [],
            memoized=any(
                ctx.qualname(d.decorator.func if isinstance(d.decorator, cst.Call) else d.decorator)
                in MEMOIZERS
                for d in info.node.decorators
            ),
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

    declared_names: dict[cst.FunctionDef, Any] = {}
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
                once=runs_once_per_process(ctx.walk, call, executing.function.node, declared_names),
                constant=constant_arguments(call),
                conditional=is_conditional(ctx.walk, call, executing.function.node),
                flag=flag_guard(ctx.walk, call, executing.function.node, declared_names),
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
                fields=[
                    name
                    for name, bindings in info.frame.bindings.items()
                    if any(b.kind is BindingKind.ASSIGN and b.annotation for b in bindings)
                ],
                defaults=_class_defaults(ctx, info),
                field_aliases=_field_aliases(ctx, info),
            )
        )

    for app in ctx.fastapi.apps:
        summary.apps.append(
            AppSummary(
                name=app.name,
                kind=app.kind,
                span=ctx.lazy_span(app.call),
                options=_literal_options(ctx, app.call, _APP_OPTIONS),
                prefix=_literal_prefix(app.call),
                prefix_ref=_prefix_ref(ctx, app.call),
                dependencies=_dependency_list(ctx, app.call),
                prefix_template=_prefix_template(ctx, app.call),
                cls=app.cls,
            )
        )
    for include in ctx.fastapi.includes:
        summary.includes.append(
            IncludeSummary(
                parent=include.parent_name,
                child=include.child_name,
                span=ctx.lazy_span(include.call),
                prefix=_literal_prefix(include.call),
                prefix_ref=_prefix_ref(ctx, include.call),
                registration=registration_of(ctx.walk, include.call),
                dependencies=_dependency_list(ctx, include.call),
                prefix_template=_prefix_template(ctx, include.call),
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
        local_path=route.local_path,
        registration=registration_of(ctx.walk, route.node),
        dependencies=_dependency_list(ctx, route.call) if route.call else [],
    )


def _literal_prefix(call: cst.Call) -> str | None:
    value = keyword_argument(call, "prefix")
    if value is None:
        return ""
    return string_value(value)


def _prefix_ref(ctx: FileContext, call: cst.Call) -> str | None:
    value = keyword_argument(call, "prefix")
    if value is None or string_value(value) is not None:
        return None
    return ctx.resolver.qualname(value) if isinstance(value, (cst.Name, cst.Attribute)) else None


def _prefix_template(ctx: FileContext, call: cst.Call) -> list[list[str]]:
    """``prefix=f"{settings.API_V1}/users"``: literal parts and the names of the constants."""
    value = keyword_argument(call, "prefix")
    if not isinstance(value, cst.FormattedString):
        return []
    parts: list[list[str]] = []
    for part in value.parts:
        if isinstance(part, cst.FormattedStringText):
            parts.append(["", part.value])
            continue
        expression = part.expression
        if (
            part.conversion is not None
            or part.format_spec is not None
            or not isinstance(expression, (cst.Name, cst.Attribute))
        ):
            return []
        name = ctx.resolver.qualname(expression)
        if name is None:
            return []
        parts.append(["=", name])
    return parts


def _dependency_list(ctx: FileContext, call: cst.Call) -> list[str]:
    """``dependencies=[Depends(a), Security(b)]``: the qualified names ("" when unknown)."""
    value = keyword_argument(call, "dependencies")
    if value is None:
        return []
    if not isinstance(value, (cst.List, cst.Tuple)):
        return [""]
    names = []
    for element in value.elements:
        item = element.value
        target = None
        if isinstance(item, cst.Call) and item.args and item.args[0].keyword is None:
            target = ctx.resolver.qualname(item.args[0].value)
        names.append(target or "")
    return names


def _constant_or_alias(ctx: FileContext, name: str, binding) -> None:
    value = binding.value
    if value is None:
        return
    frame = ctx.walk.module_frame
    aliased = ctx.resolver.type_alias(name, frame)
    if aliased is not None:
        # `X = Annotated[T, marker]`, also `X: TypeAlias = ...`, `type X = ...`, `X = Y`.
        expression, scope = aliased
        if (
            isinstance(expression, cst.Subscript)
            and ctx.resolver.qualname(expression.value, scope) == ANNOTATED
        ):
            alias = alias_summary(ctx.resolver, name, expression, scope)
            if alias is not None:
                ctx.summary.annotated_aliases[name] = alias
        return
    if isinstance(value, cst.Subscript):
        return
    literal = literal_value(value, ctx.resolver, frame)
    if is_literal(literal):
        ctx.summary.constants[name] = literal


_FIELD_FUNCTIONS = ("pydantic.Field", "pydantic.fields.Field", "sqlmodel.Field")


def _field_aliases(ctx: FileContext, info) -> dict[str, str]:
    aliases: dict[str, str] = {}
    resolver = ctx.resolver
    for name, bindings in info.frame.bindings.items():
        for binding in bindings:
            if binding.kind is BindingKind.CLASS and name == "Config":
                klass = ctx.walk.class_by_node.get(binding.node)
                if klass is not None and "alias_generator" in klass.frame.bindings:
                    aliases["*"] = "?"
            if binding.kind is not BindingKind.ASSIGN:
                continue
            calls = []
            if isinstance(binding.value, cst.Call):
                calls.append(binding.value)
            annotation = binding.annotation
            if isinstance(annotation, cst.Subscript):
                calls.extend(
                    e.slice.value
                    for e in annotation.slice
                    if isinstance(e.slice, cst.Index) and isinstance(e.slice.value, cst.Call)
                )
            for call in calls:
                if name == "model_config" and keyword_argument(call, "alias_generator"):
                    aliases["*"] = "?"
                if resolver.call_target(call, info.frame) not in _FIELD_FUNCTIONS:
                    continue
                for key in ("alias", "validation_alias"):
                    value = keyword_argument(call, key)
                    if value is not None:
                        aliases[name] = string_value(value) or "?"
    return aliases


def _class_defaults(ctx: FileContext, info) -> dict:
    """Literal defaults of class-level attributes, also through ``Field(default=...)``."""
    defaults = {}
    for name, bindings in info.frame.bindings.items():
        if len(bindings) != 1 or bindings[0].kind is not BindingKind.ASSIGN:
            continue
        value = bindings[0].value
        if value is None or bindings[0].opaque:
            continue
        if isinstance(value, cst.Call) and ctx.resolver.call_target(value, info.frame) in (
            _FIELD_FUNCTIONS
        ):
            positional = [a for a in value.args if a.keyword is None]
            value = positional[0].value if positional else keyword_argument(value, "default")
            if value is None:
                factory = keyword_argument(bindings[0].value, "default_factory")
                if isinstance(factory, cst.Lambda):
                    value = factory.body
                elif isinstance(factory, cst.Name) and factory.value in ("list", "set", "tuple"):
                    defaults[name] = []
                    continue
        literal = literal_value(value, ctx.resolver, info.frame)
        if is_literal(literal):
            defaults[name] = literal
    return defaults


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
