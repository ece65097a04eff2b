"""Builds the engine's part of a module summary from the file context.

Rule families add their own facts with ``ctx.summary.add_fact(kind, record)``.
"""

from __future__ import annotations

import functools
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
    Registration,
    RouteSummary,
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
            sets_globals=sets_globals(info.node) if _has_global(info.node) else [],
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
                once=runs_once_per_process(ctx, call, executing.function.node, declared_names),
                constant=constant_arguments(call),
                conditional=is_conditional(ctx, call, executing.function.node),
                flag=flag_guard(ctx, call, executing.function.node, declared_names),
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
                registration=registration_of(ctx, include.call),
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
        registration=registration_of(ctx, route.node),
        dependencies=_dependency_list(ctx, route.call) if route.call else [],
    )


MEMOIZERS = frozenset({"functools.cache", "functools.lru_cache"})


def is_conditional(ctx: FileContext, call: cst.Call, function: cst.FunctionDef) -> bool:
    """``call`` sits in a branch of ``function`` that may not run: the body or ``else`` of an
    ``if``/``for``/``while``, an ``except`` handler, a ``match`` case, a conditional expression
    or the right side of ``and``/``or`` (not the test of an ``if``, which always runs)."""
    parents = ctx.walk.parents
    child: cst.CSTNode = call
    parent = parents.get(child)
    while parent is not None and parent is not function:
        if isinstance(parent, (cst.If, cst.While)):
            if child is not parent.test:
                return True
        elif isinstance(parent, cst.For):
            if child is not parent.iter:
                return True
        elif isinstance(parent, (cst.ExceptHandler, cst.ExceptStarHandler, cst.MatchCase)):
            return True
        elif isinstance(parent, cst.IfExp):
            if child is not parent.test:
                return True
        elif isinstance(parent, cst.BooleanOperation) and child is parent.right:
            return True
        child, parent = parent, parents.get(parent)
    return False


def flag_guard(
    ctx: FileContext,
    call: cst.Call,
    function: cst.FunctionDef,
    memo: dict[cst.FunctionDef, Any],
) -> str | None:
    """``X`` when ``call`` runs only under ``if not X:`` / ``if X is None:``, ``X`` a
    module-level name that this function neither declares ``global`` nor assigns there: the
    callee may be the one that sets it (``if not CONFIGURED: setup_logging()``)."""
    found = memo.get(function)
    if found is None:
        found = memo[function] = (_declared_names(function), _memo_guard(function))
    declared = found[0]
    module_names = ctx.walk.module_frame.bindings
    parents = ctx.walk.parents
    child: cst.CSTNode = call
    parent = parents.get(child)
    while parent is not None and parent is not function:
        if isinstance(parent, cst.If) and child is parent.body:
            name = _unset_test(parent.test)
            if (
                name is not None
                and "." not in name
                and name not in declared
                and name in module_names
                and not _assigns(parent.body, name)
            ):
                return name
        child, parent = parent, parents.get(parent)
    return None


def sets_globals(function: cst.FunctionDef) -> list[str]:
    """Names the function declares ``global`` and assigns or fills somewhere in its body
    (``X = ...``, ``X[k] = ...``, ``X.update(...)``)."""
    declared = _declared_names(function)
    return sorted(
        name
        for name in declared
        if _stores(function.body, "value", name) or _stores(function.body, "key", name)
    )


def constant_arguments(call: cst.Call) -> bool:
    """Every argument is a literal (a string, a number, ``True``/``False``/``None``)."""
    return all(
        arg.star == ""
        and (
            isinstance(arg.value, (cst.SimpleString, cst.Integer, cst.Float))
            or (isinstance(arg.value, cst.Name) and arg.value.value in ("True", "False", "None"))
        )
        for arg in call.args
    )


def runs_once_per_process(
    ctx: FileContext,
    call: cst.Call,
    function: cst.FunctionDef,
    memo: dict[cst.FunctionDef, Any],
) -> bool:
    """``call`` runs once per process (or once per key of a memo):

    * in the body of ``if X is None:`` / ``if not X:`` that assigns ``X``, where ``X`` is a
      name the function declares ``global``/``nonlocal`` or an attribute (``self._client``,
      ``cls._instance``: lazy initialization, also double-checked under a lock), and
      ``if not self.running:`` that sets ``self.running``;
    * after a guard that returns what an earlier call stored: ``if key in CACHE: return
      CACHE[key]`` (a dict-memoised factory), ``if self._x is not None: return self._x``,
      ``if hasattr(self, "x"): return ...``, when the function assigns that entry later.

    ``memo`` keeps each function's declarations and guard position."""
    found = memo.get(function)
    if found is None:
        found = memo[function] = (_declared_names(function), _memo_guard(function))
    declared, guard = found
    parents = ctx.walk.parents
    child: cst.CSTNode = call
    parent = parents.get(child)
    while parent is not None and parent is not function:
        if isinstance(parent, cst.If) and child is parent.body:
            name = _unset_test(parent.test)
            if (
                name is not None
                and ("." in name or name in declared)
                and (_assigns(parent.body, name) or _stores(parent.body, "value", name))
            ):
                return True
        if guard is not None and parent is function.body:
            return _statement_index(function, child) > guard
        child, parent = parent, parents.get(parent)
    return False


def _has_global(function: cst.FunctionDef) -> bool:
    body = function.body
    return isinstance(body, cst.IndentedBlock) and any(
        isinstance(statement, cst.SimpleStatementLine)
        and any(isinstance(small, cst.Global) for small in statement.body)
        for statement in body.body
    )


def _declared_names(function: cst.FunctionDef) -> frozenset[str]:
    body = function.body
    if not isinstance(body, cst.IndentedBlock):
        return frozenset()
    return frozenset(
        name.name.value
        for statement in body.body
        if isinstance(statement, cst.SimpleStatementLine)
        for small in statement.body
        if isinstance(small, (cst.Global, cst.Nonlocal))
        for name in small.names
    )


def _statement_index(function: cst.FunctionDef, statement: cst.CSTNode) -> int:
    body = function.body
    assert isinstance(body, cst.IndentedBlock)
    return next((i for i, s in enumerate(body.body) if s is statement), -1)


def _memo_guard(function: cst.FunctionDef) -> int | None:
    """The index of the top-level ``if <stored>: return ...`` statement of a memo, when a later
    statement stores that entry."""
    body = function.body
    if not isinstance(body, cst.IndentedBlock):
        return None
    for index, statement in enumerate(body.body):
        if not isinstance(statement, cst.If) or statement.orelse is not None:
            continue
        if not _returns(statement.body):
            continue
        stored = _stored_test(statement.test)
        if stored is None:
            continue
        kind, key = stored
        if any(_stores(later, kind, key) for later in body.body[index + 1 :]):
            return index
    return None


def _returns(block: cst.BaseSuite) -> bool:
    statements = block.body if isinstance(block, cst.IndentedBlock) else [block]
    last = statements[-1] if statements else None
    small = (
        last.body if isinstance(last, (cst.SimpleStatementLine, cst.SimpleStatementSuite)) else ()
    )
    return bool(small) and isinstance(small[-1], cst.Return)


def _dotted(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        owner = _dotted(node.value)
        return f"{owner}.{node.attr.value}" if owner is not None else None
    return None


def _stored_test(test: cst.BaseExpression) -> tuple[str, str] | None:
    """What a memo guard tests: ("key", CACHE) for ``k in CACHE``, ("value", X) for ``X is not
    None`` / ``X`` / ``hasattr(self, "x")`` (X an attribute); also one side of an ``and``."""
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        return _stored_test(test.left) or _stored_test(test.right)
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        operator = test.comparisons[0].operator
        comparator = test.comparisons[0].comparator
        if isinstance(operator, cst.In):
            container = _dotted(comparator)
            return ("key", container) if container is not None else None
        if (
            isinstance(operator, cst.IsNot)
            and isinstance(comparator, cst.Name)
            and comparator.value == "None"
        ):
            name = _dotted(test.left)
            return ("value", name) if name is not None and "." in name else None
        return None
    if isinstance(test, cst.Attribute):
        name = _dotted(test)
        return ("value", name) if name is not None else None
    if (
        isinstance(test, cst.Call)
        and isinstance(test.func, cst.Name)
        and test.func.value == "hasattr"
        and len(test.args) == 2
        and isinstance(test.args[1].value, cst.SimpleString)
    ):
        owner = _dotted(test.args[0].value)
        attribute = test.args[1].value.evaluated_value
        if owner is not None and isinstance(attribute, str):
            return ("value", f"{owner}.{attribute}")
    return None


def _stores(statement: cst.CSTNode, kind: str, key: str) -> bool:
    """``statement`` (at any depth) assigns ``key`` (a value) or an item of ``key`` (a dict)."""
    found = []

    class _Finder(cst.CSTVisitor):
        def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
            self._target(node.target)

        def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
            self._target(node.target)

        def visit_Call(self, node: cst.Call) -> None:
            # `CACHE.setdefault(k, v)` / `setattr(self, "x", v)`
            func = node.func
            if (
                kind == "key"
                and isinstance(func, cst.Attribute)
                and func.attr.value
                in (
                    "setdefault",
                    "update",
                    "__setitem__",
                )
            ) and _dotted(func.value) == key:
                found.append(True)

        def _target(self, target: cst.BaseExpression) -> None:
            if kind == "key" and isinstance(target, cst.Subscript):
                if _dotted(target.value) == key:
                    found.append(True)
            elif kind == "value" and _dotted(target) == key:
                found.append(True)
            elif isinstance(target, (cst.Tuple, cst.List)):
                for element in target.elements:
                    self._target(element.value)

    statement.visit(_Finder())
    return bool(found)


def _unset_test(test: cst.BaseExpression) -> str | None:
    """``X is None`` / ``not X`` / ``not getattr(self, "x", ...)`` / ``not hasattr(self, "x")``:
    ``X`` (a name or a dotted attribute such as ``self._client``)."""
    if (
        isinstance(test, cst.Comparison)
        and len(test.comparisons) == 1
        and isinstance(test.comparisons[0].operator, cst.Is)
        and isinstance(test.comparisons[0].comparator, cst.Name)
        and test.comparisons[0].comparator.value == "None"
    ):
        return _dotted(test.left)
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        expression = test.expression
        if (
            isinstance(expression, cst.Call)
            and isinstance(expression.func, cst.Name)
            and expression.func.value in ("getattr", "hasattr")
            and len(expression.args) >= 2
            and isinstance(expression.args[1].value, cst.SimpleString)
        ):
            owner = _dotted(expression.args[0].value)
            attribute = expression.args[1].value.evaluated_value
            return f"{owner}.{attribute}" if owner and isinstance(attribute, str) else None
        return _dotted(expression)
    return None


def _assigns(block: cst.BaseSuite, name: str) -> bool:
    if not isinstance(block, cst.IndentedBlock):
        return False
    for statement in block.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            targets = (
                [t.target for t in small.targets]
                if isinstance(small, cst.Assign)
                else [small.target]
                if isinstance(small, cst.AnnAssign)
                else []
            )
            if any(_dotted(t) == name for t in targets):
                return True
    return False


@functools.cache
def _conditional_nodes() -> tuple[type, ...]:
    """Statements under which a registration may not run, or run several times (libcst is
    only touched when a file is checked)."""
    return (
        cst.With,  # `with pytest.raises(...)`: the registration may fail on purpose
        cst.If,
        cst.Else,
        cst.For,
        cst.While,
        cst.Match,
        cst.MatchCase,
        cst.ExceptHandler,
        cst.ExceptStarHandler,
        cst.IfExp,
        cst.BooleanOperation,
        cst.CompFor,
    )


@functools.cache
def _frame_nodes() -> tuple[type, ...]:
    return (cst.Module, cst.FunctionDef, cst.ClassDef, cst.Lambda)


def registration_of(ctx: FileContext, node: cst.CSTNode) -> Registration:
    """When ``node`` (a route decorator or a registering call) runs within its scope."""
    parents = ctx.walk.parents
    tail: list[int] = []
    if isinstance(node, cst.Decorator):
        function = parents.get(node)
        if isinstance(function, cst.FunctionDef):
            # Decorators apply bottom-up: the lowest registers first.
            index = next((i for i, d in enumerate(function.decorators) if d is node), 0)
            tail.append(len(function.decorators) - index)
            node = function
    order: list[int] = []
    conditional = False
    child = node
    parent = parents.get(child)
    while parent is not None and not isinstance(parent, _frame_nodes()):
        if isinstance(parent, _conditional_nodes()):
            conditional = True
        body = getattr(parent, "body", None)
        if isinstance(body, (list, tuple)):
            order.append(next((i for i, s in enumerate(body) if s is child), 0))
        child = parent
        parent = parents.get(child)
    if isinstance(parent, cst.Module):
        order.append(next((i for i, s in enumerate(parent.body) if s is child), 0))
    frame = ctx.walk.frame_by_node.get(parent) if parent is not None else None
    scope = frame.qualname if frame is not None and not isinstance(parent, cst.Module) else ""
    order.reverse()
    return Registration(scope=scope, order=order + tail, conditional=conditional)


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
