"""How FastAPI serves the project: every route with its full path, in registration order.

Built once per project pass from the module summaries (``served_routes(project)``): apps and
routers are nodes; ``include_router`` calls are edges carrying a prefix; a route's full path is
the prefixes from its app down to it (include prefixes and each router's own ``prefix=``) plus
the path written at the registration. Like FastAPI, an ``include_router`` copies the routes the
router has at that moment: routes registered later in the same scope are not served through it.

Also here: Starlette's path syntax (``{name}``, ``{name:int}``...) and the dependencies a route
runs, followed across modules (``dependency_closure``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from fastapi_lint.analysis.knowledge.names import APP_TYPES, ROUTER_TYPES
from fastapi_lint.analysis.module_summary import (
    FunctionSummary,
    IncludeSummary,
    ModuleSummary,
    Registration,
    RouteSummary,
)
from fastapi_lint.project.index import Project
from fastapi_lint.project.paths import path_params

_FRAMEWORK_TYPES = ROUTER_TYPES | APP_TYPES

# -- Starlette's path syntax ---------------------------------------------------------------


# Exactly the parameters Starlette recognizes: `{ x }` or `{ünïcode}` are literal text.
@dataclass(slots=True, eq=False)
class Step:
    """One registration on the way from an app down to a route."""

    router: str  # the app or router registered on
    module: ModuleSummary  # where the registration is written
    registration: Registration
    include: IncludeSummary | None = None  # None for the route's own registration


@dataclass(slots=True, eq=False)
class ServedRoute:
    module: ModuleSummary  # where the route is registered (findings are reported there)
    function: FunctionSummary | None  # None when the endpoint is defined in another module
    route: RouteSummary
    root: str  # the app (or a router included nowhere) serving it
    steps: list[Step]
    # Path pieces from the root: own prefix of the root, then for each include its prefix and
    # the included router's own prefix, then the route's path; None where not a literal.
    pieces: list[str | None]
    dependencies: list[str] = field(default_factory=list)  # router/include/route level
    uncertain: bool = False  # an ambiguous router name or a conditional registration

    @property
    def full_path(self) -> str | None:
        return _join(self.pieces)

    def path_below(self, depth: int) -> str | None:
        """The path relative to the router at ``steps[depth]`` (its prefixes excluded)."""
        return _join(self.pieces[2 * depth + 1 :])

    @property
    def methods(self) -> frozenset[str]:
        if self.route.websocket:
            return frozenset({"WEBSOCKET"})
        return frozenset(self.route.methods)

    def label(self) -> str:
        path = self.full_path or self.route.path or "<dynamic path>"
        if self.route.websocket:
            return f"WEBSOCKET {path}"
        return f"{'|'.join(self.route.methods)} {path}"

    def describe(self) -> str:
        name = f" (`{self.function.name}`)" if self.function is not None else ""
        return f"`{self.label()}`{name}"

    def location(self) -> str:
        return f"{self.module.path}:{self.route.span.row}"


def _join(pieces: list[str | None]) -> str | None:
    if any(p is None for p in pieces):
        return None
    return "".join(pieces)  # type: ignore[arg-type]


@dataclass(slots=True)
class _Node:
    name: str
    own_prefix: str | None = ""
    dependencies: list[str] = field(default_factory=list)
    known: bool = False  # created by FastAPI()/APIRouter() somewhere in the project
    ambiguous: bool = False
    # (module, registration, route or include, function)
    routes: list[tuple[ModuleSummary, RouteSummary, FunctionSummary | None]] = field(
        default_factory=list
    )
    includes: list[tuple[ModuleSummary, IncludeSummary]] = field(default_factory=list)
    included: bool = False


class ServedApp:
    """Every route the project serves, grouped by the app (or top router) serving it."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.nodes: dict[str, _Node] = {}
        self.by_root: dict[str, list[ServedRoute]] = {}
        self._by_function: dict[str, list[ServedRoute]] | None = None
        self._build()

    def node(self, name: str) -> _Node:
        found = self.nodes.get(name)
        if found is None:
            found = self.nodes[name] = _Node(name)
        return found

    def _name(self, qualname: str | None) -> str | None:
        return self.project.resolve(qualname) if qualname else None

    def _prefix(
        self,
        literal: str | None,
        ref: str | None,
        template: list[list[str]] = (),  # type: ignore[assignment]
    ) -> str | None:
        if literal is not None:
            return literal
        if ref is not None:
            value = self.project.constant(ref)
            if isinstance(value, str):
                return value
        if template:
            pieces = []
            for kind, text in template:
                if kind == "":
                    pieces.append(text.replace("{{", "{").replace("}}", "}"))
                    continue
                value = self.project.constant(text)
                if not isinstance(value, (str, int)) or isinstance(value, bool):
                    return None
                pieces.append(str(value))
            return "".join(pieces)
        return None

    def _build(self) -> None:
        project = self.project
        for module in project.modules.values():
            for app in module.apps:
                node = self.node(module.qualify(app.name))
                node.known = app.cls is None or self._is_router_class(app.cls)
                node.own_prefix = self._prefix(app.prefix, app.prefix_ref, app.prefix_template)
                node.dependencies = list(app.dependencies)
                # A custom route class may match differently: the order proves nothing. So may
                # a subclass that sets up the router itself (its own `__init__` may pass a
                # `route_class`, a prefix or dependencies), or one not confirmed as a router.
                node.ambiguous = (
                    app.name in module.rebound
                    or "route_class" in app.options
                    or (app.cls is not None and self._customized_router(app.cls))
                )
        for module in project.modules.values():
            for function in module.functions:
                for route in function.routes:
                    self._add_route(module, route, function)
            for _, record in [(module, r) for r in module.facts.get("route-reference", ())]:
                if isinstance(record, RouteSummary):
                    self._add_route(module, record, None)
            for include in module.includes:
                parent = self._name(include.parent)
                child = self._name(include.child)
                if child is not None:
                    self.node(child).included = parent is not None
                if parent is not None:
                    self.node(parent).includes.append((module, include))
        for name, node in list(self.nodes.items()):
            if node.included:
                continue
            if not node.known and not node.includes:
                # Registrations on something never seen created: only confirmed routers.
                node.routes = [r for r in node.routes if r[1].confirmed]
            served: list[ServedRoute] = []
            self._expand(node, [node.own_prefix], [], list(node.dependencies), served, {name}, 0)
            if served:
                self.by_root[name] = served

    def _router_class(self, qualname: str) -> tuple[str, bool] | None:
        """(class, made by a factory) when ``qualname`` is a project subclass of ``APIRouter``
        (or of ``FastAPI``)
        (``class UserAPIRouter(APIRouter)``) or a module-level name bound to a router class
        (``APIRouter = make_router_class(...)`` typed ``-> type[APIRouter]``)."""
        project = self.project
        resolved = project.resolve(qualname)
        candidates = [(resolved, False)]
        variable = project.settle_type(project.module_variable_type(resolved))
        if variable is not None and variable.startswith("type[") and variable.endswith("]"):
            candidates.append((variable[5:-1], True))
        for candidate, made in candidates:
            if candidate in _FRAMEWORK_TYPES or any(
                base in _FRAMEWORK_TYPES for base in project.class_ancestors(candidate)
            ):
                return candidate, made
        return None

    def _is_router_class(self, qualname: str) -> bool:
        return self._router_class(qualname) is not None

    def _customized_router(self, qualname: str) -> bool:
        found = self._router_class(qualname)
        if found is None or found[1]:
            return True
        return self.project.method(found[0], "__init__") is not None

    def _add_route(
        self, module: ModuleSummary, route: RouteSummary, function: FunctionSummary | None
    ) -> None:
        router = self._name(route.router)
        if router is None:
            return
        node = self.node(router)
        rebound = router.rpartition(".")[2]
        owner = self.project.modules.get(router.rpartition(".")[0])
        if owner is not None and rebound in owner.rebound:
            node.ambiguous = True
        node.routes.append((module, route, function))

    def _expand(
        self,
        node: _Node,
        pieces: list[str | None],
        steps: list[Step],
        dependencies: list[str],
        out: list[ServedRoute],
        seen: set[str],
        depth: int,
        cutoff: tuple[str, str, list[int]] | None = None,
        uncertain: bool = False,
    ) -> None:
        if depth > 20:
            return
        uncertain = uncertain or node.ambiguous or any(s.registration.conditional for s in steps)
        for module, route, function in node.routes:
            if _after(cutoff, module, route.registration):
                continue
            step = Step(node.name, module, route.registration)
            local = route.local_path if route.local_path is not None else None
            out.append(
                ServedRoute(
                    module=module,
                    function=function,
                    route=route,
                    root=steps[0].router if steps else node.name,
                    steps=[*steps, step],
                    pieces=[*pieces, local],
                    dependencies=[*dependencies, *route.dependencies],
                    uncertain=uncertain or route.registration.conditional,
                )
            )
        for module, include in node.includes:
            if _after(cutoff, module, include.registration):
                continue
            child_name = self._name(include.child)
            if child_name is None or child_name in seen:
                continue
            child = self.nodes.get(child_name)
            if child is None:
                continue
            step = Step(node.name, module, include.registration, include)
            prefix = self._prefix(include.prefix, include.prefix_ref, include.prefix_template)
            self._expand(
                child,
                [*pieces, prefix, child.own_prefix],
                [*steps, step],
                [*dependencies, *include.dependencies, *child.dependencies],
                out,
                seen | {child_name},
                depth + 1,
                (module.module, include.registration.scope, include.registration.order),
                uncertain,
            )

    # -- queries ---------------------------------------------------------------------------

    def routes(self) -> Iterator[ServedRoute]:
        for served in self.by_root.values():
            yield from served

    def routes_of(self, module: ModuleSummary) -> Iterator[ServedRoute]:
        for route in self.routes():
            if route.module.module == module.module:
                yield route

    def routes_of_function(self, qualname: str) -> list[ServedRoute]:
        """The served routes whose endpoint is the function ``qualname`` (project-wide)."""
        index = self._by_function
        if index is None:
            index = {}
            for route in self.routes():
                if route.function is not None:
                    key = route.module.qualify(route.function.qualname)
                    index.setdefault(key, []).append(route)
            self._by_function = index
        return index.get(self.project.resolve(qualname), [])

    def path_params_of(self, qualname: str, local_path: str | None) -> set[str]:
        """Names FastAPI reads from the path for the endpoint ``qualname``, from every path it
        is served at (prefixes that are not literals are assumed to hold no parameter).
        ``local_path`` serves when the function is not served through a known router."""
        names: set[str] = set()
        if local_path is not None:
            names.update(n for n, _ in path_params(local_path))
        for route in self.routes_of_function(qualname):
            for piece in route.pieces:
                if piece is not None:
                    names.update(n for n, _ in path_params(piece))
        return names


def _after(
    cutoff: tuple[str, str, list[int]] | None, module: ModuleSummary, registration: Registration
) -> bool:
    """A registration on a router made after the router was included (same module and scope):
    ``include_router`` copied the routes before it, so it is not served there."""
    if cutoff is None:
        return False
    module_name, scope, order = cutoff
    return (
        module.module == module_name
        and registration.scope == scope
        and (registration.order > order)
    )


def served_routes(project: Project) -> ServedApp:
    return project.cached("served-routes", ServedApp)


def registered_before(a: ServedRoute, b: ServedRoute) -> bool | None:
    """Whether ``a`` is registered before ``b`` on the router where their ways part; None when
    the order cannot be known (different modules or scopes, conditional registrations)."""
    for step_a, step_b in zip(a.steps, b.steps, strict=False):
        if step_a is step_b or (step_a.include is not None and step_a.include is step_b.include):
            continue
        if step_a.router != step_b.router:
            return None
        if (
            step_a.module is not step_b.module
            or step_a.registration.scope != step_b.registration.scope
            or step_a.registration.conditional
            or step_b.registration.conditional
        ):
            return None
        if step_a.registration.order == step_b.registration.order:
            return None
        return step_a.registration.order < step_b.registration.order
    return None


def parting_depth(a: ServedRoute, b: ServedRoute) -> int:
    """The index of the first step where the ways of ``a`` and ``b`` part."""
    depth = 0
    for step_a, step_b in zip(a.steps, b.steps, strict=False):
        if step_a.include is None or step_a.include is not step_b.include:
            break
        depth += 1
    return depth


# -- dependencies --------------------------------------------------------------------------

# Dependencies of libraries known to read nothing but the request (no parameters of their own).
