"""How FastAPI sees one module: apps and routers, routes, dependencies and the other callables
the framework runs (middleware, exception handlers, lifespan, background tasks, threadpool).

Built once per file from the walk's functions and calls; rules read ``FunctionInfo.roles`` and
``FunctionInfo.routes`` instead of re-deriving them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi_lint.analysis.inference import Resolver, string_value
from fastapi_lint.analysis.knowledge.names import (
    API_ROUTER,
    APP_TYPES,
    BACKGROUND_TASK,
    BASE_HTTP_MIDDLEWARE,
    DEPENDS,
    FASTAPI,
    ROUTE_METHODS,
    ROUTER_TYPES,
    RUN_IN_THREADPOOL,
    SECURITY,
    canonical,
)
from fastapi_lint.analysis.scope import (
    BindingKind,
    ClassInfo,
    Frame,
    FunctionInfo,
    Role,
    RouteInfo,
)
from fastapi_lint.analysis.walk import WalkResult
from fastapi_lint.core.lazy import cst

# Calls that hand a callable to a worker thread: (qualified name, index of the callable argument).
THREADPOOL_CALLS: dict[str, int] = {
    RUN_IN_THREADPOOL: 0,
    "starlette.concurrency.iterate_in_threadpool": 0,
    "anyio.to_thread.run_sync": 0,
    "asyncio.to_thread": 0,
    "asyncer.asyncify": 0,
    "asyncer.syncify": 0,
}
# Method names that take a callable to run in an executor, whatever the receiver.
THREADPOOL_METHODS: dict[str, int] = {"run_in_executor": 1}

_INTERESTING_CALL_NAMES = frozenset(
    {
        "Depends",
        "Security",
        "add_api_route",
        "add_api_websocket_route",
        "add_websocket_route",
        "add_route",
        "add_exception_handler",
        "add_event_handler",
        "add_task",
        "include_router",
        "BackgroundTask",
        "FastAPI",
        "APIRouter",
        "run_in_threadpool",
        "iterate_in_threadpool",
        "run_sync",
        "to_thread",
        "asyncify",
        "syncify",
        "run_in_executor",
    }
)


@dataclass(slots=True, eq=False)
class DependencyUse:
    """A ``Depends(x)`` / ``Security(x)`` marker in this module."""

    def __repr__(self) -> str:
        return f"DependencyUse({self.target_name!r})"

    call: cst.Call
    target: cst.BaseExpression | None  # the dependency expression (None: taken from the annotation)
    target_name: str | None  # its qualified name when it names something
    frame: Frame


@dataclass(slots=True, eq=False)
class AppOrRouter:
    """A module-level ``app = FastAPI(...)`` or ``router = APIRouter(...)``."""

    def __repr__(self) -> str:
        return f"AppOrRouter({self.qualname!r}, {self.kind}, prefix={self.prefix!r})"

    name: str
    qualname: str
    kind: str  # "app" or "router"
    call: cst.Call
    prefix: str = ""
    # An instance of a subclass (`UserAPIRouter(...)`): of this module, or an imported class
    # named like a router, which the project pass confirms is a subclass of `APIRouter`.
    cls: str | None = None


@dataclass(slots=True, eq=False)
class IncludeInfo:
    """``parent.include_router(child, prefix=...)``."""

    def __repr__(self) -> str:
        return f"IncludeInfo({self.parent_name!r} <- {self.child_name!r})"

    call: cst.Call
    parent: cst.BaseExpression
    parent_name: str | None
    child: cst.BaseExpression | None
    child_name: str | None
    frame: Frame


@dataclass(slots=True)
class FastAPIModel:
    apps: list[AppOrRouter] = field(default_factory=list)
    dependencies: list[DependencyUse] = field(default_factory=list)
    routes: list[tuple[FunctionInfo | None, RouteInfo]] = field(default_factory=list)
    # Qualified names of callables this module hands to FastAPI by reference, with the role.
    references: list[tuple[str, Role]] = field(default_factory=list)
    includes: list[IncludeInfo] = field(default_factory=list)


def _call_name(call: cst.Call) -> str | None:
    func = call.func
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return None


def _argument(call: cst.Call, index: int, keyword: str | None = None) -> cst.BaseExpression | None:
    positional = 0
    for arg in call.args:
        if arg.keyword is not None:
            if keyword is not None and arg.keyword.value == keyword:
                return arg.value
            continue
        if arg.star:
            return None
        if positional == index:
            return arg.value
        positional += 1
    return None


def keyword_argument(call: cst.Call, name: str) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    return None


class FastAPIModelBuilder:
    def __init__(self, resolver: Resolver, walk: WalkResult) -> None:
        self.resolver = resolver
        self.walk = walk
        self.model = FastAPIModel()
        self._functions_by_name = {resolver.local(f.qualname): f for f in walk.functions}
        self._classes_by_name = {resolver.local(c.qualname): c for c in walk.classes}
        # Classes of this module that subclass `APIRouter` / `FastAPI`: qualname -> kind.
        self._subclass_kinds = self._framework_subclasses()
        self._subclass_names = {q.rpartition(".")[2] for q in self._subclass_kinds}
        # Imported classes named like routers that this module instantiates (unconfirmed).
        self._imported_routers: set[str] = set()

    def _framework_subclasses(self) -> dict[str, str]:
        kinds: dict[str, str] = {}
        changed = True
        while changed:
            changed = False
            for klass in self.walk.classes:
                qualname = self.resolver.local(klass.qualname)
                if qualname in kinds:
                    continue
                for base in klass.bases:
                    name = self.resolver.qualname(base, klass.parent)
                    kind = (
                        "router"
                        if name in ROUTER_TYPES
                        else "app"
                        if name in APP_TYPES
                        else kinds.get(name or "")
                    )
                    if kind is not None:
                        kinds[qualname] = kind
                        changed = True
                        break
        return kinds

    def build(self) -> FastAPIModel:
        interesting = [
            (call, name, frame)
            for call, frame in self.walk.calls
            if (name := _call_name(call)) in _INTERESTING_CALL_NAMES
        ]
        # Apps and routers first: route labels need their prefixes.
        for call, name, frame in interesting:
            if name in ("FastAPI", "APIRouter"):
                self._call(call, name, frame)
        # Subclasses: `class UserAPIRouter(APIRouter)` here, or an imported `*Router` class.
        for call, frame in self.walk.calls:
            name = _call_name(call)
            if name is not None and (name in self._subclass_names or name.endswith("Router")):
                self._subclass_instance(call, frame)
        for function in self.walk.functions:
            self._decorators(function)
        for call, name, frame in interesting:
            if name not in ("FastAPI", "APIRouter"):
                self._call(call, name, frame)
        for klass in self.walk.classes:
            self._middleware_class(klass)
        return self.model

    # -- apps and routers --------------------------------------------------------------

    def router_kind(self, expr: cst.BaseExpression, frame: Frame) -> tuple[str | None, bool]:
        """("app" | "router" | None, confirmed). Imported names are unconfirmed routers."""
        value_type = self.resolver.infer_type(expr, frame)
        if value_type in APP_TYPES:
            return "app", True
        if value_type in ROUTER_TYPES:
            return "router", True
        if value_type is not None and value_type in self._subclass_kinds:
            return self._subclass_kinds[value_type], True
        if value_type is not None and value_type in self._imported_routers:
            return "router", False
        if isinstance(expr, cst.Name):
            found = self.resolver.lookup(expr.value, frame)
            if found is not None and all(b.kind is BindingKind.IMPORT for b in found[1]):
                qualname = found[1][0].qualname or ""
                top = qualname.partition(".")[0]
                if top not in ("fastapi", "starlette"):
                    return "router", False
        return None, False

    # -- decorators --------------------------------------------------------------------

    def _decorators(self, function: FunctionInfo) -> None:
        for decorator in function.node.decorators:
            expr = decorator.decorator
            if not isinstance(expr, cst.Call) or not isinstance(expr.func, cst.Attribute):
                continue
            method = expr.func.attr.value
            receiver = expr.func.value
            kind, confirmed = self.router_kind(receiver, function.parent)
            if kind is None:
                continue
            route = self._route_from_registration(
                expr, method, receiver, function.parent, decorator, confirmed, path_index=0
            )
            if route is not None:
                self._add_route(function, route)
            elif method == "middleware" and kind == "app":
                function.roles.add(Role.MIDDLEWARE)
            elif method == "exception_handler":
                function.roles.add(Role.EXCEPTION_HANDLER)
            elif method == "on_event":
                function.roles.add(Role.EVENT_HANDLER)

    def _route_from_registration(
        self,
        call: cst.Call,
        method: str,
        receiver: cst.BaseExpression,
        frame: Frame,
        node: cst.CSTNode,
        confirmed: bool,
        path_index: int,
    ) -> RouteInfo | None:
        websocket = False
        if method in ROUTE_METHODS:
            methods = ROUTE_METHODS[method]
        elif method in ("api_route", "add_api_route"):
            methods = self._methods_argument(call) or ("GET",)
        elif method in (
            "websocket",
            "add_api_websocket_route",
            "websocket_route",
            "add_websocket_route",
        ):
            methods = ()
            websocket = True
        else:
            return None
        path_expr = _argument(call, path_index, "path")
        path = string_value(path_expr)
        local_path = path
        router_name = self._router_name(receiver, frame)
        local = next((a for a in self.model.apps if a.qualname == router_name), None)
        if path is not None and local is not None and local.prefix:
            path = local.prefix + path
        if path_expr is None and not confirmed:
            return None
        if not confirmed and path is None:
            return None
        return RouteInfo(
            methods=methods,
            path=path,
            router=receiver,
            router_name=router_name,
            node=node,
            call=call,
            websocket=websocket,
            confirmed=confirmed,
            local_path=local_path,
        )

    def _router_name(self, receiver: cst.BaseExpression, frame: Frame) -> str | None:
        """The project-wide name of the app or router: ``app.main.app``, ``app.users.router``."""
        name = self.resolver.qualname(receiver, frame)
        if name is not None:
            return name
        if isinstance(receiver, cst.Name):
            found = self.resolver.lookup(receiver.value, frame)
            if found is not None and found[0].parent is None:
                return self.resolver.local(receiver.value)
            # An app or router local to a function (`create_app()`), bound once there.
            if (
                found is not None
                and found[0].function is not None
                and len(found[1]) == 1
                and found[1][0].kind is BindingKind.ASSIGN
                and not found[1][0].opaque
            ):
                return self.resolver.local(f"{found[0].qualname}.<locals>.{receiver.value}")
        return None

    def _methods_argument(self, call: cst.Call) -> tuple[str, ...] | None:
        value = keyword_argument(call, "methods")
        if isinstance(value, (cst.List, cst.Tuple, cst.Set)):
            methods = [string_value(e.value) for e in value.elements]
            if all(m is not None for m in methods):
                return tuple(m.upper() for m in methods if m is not None)
        return None

    def _add_route(self, function: FunctionInfo | None, route: RouteInfo) -> None:
        self.model.routes.append((function, route))
        if function is not None:
            function.routes.append(route)
            function.roles.add(Role.WEBSOCKET if route.websocket else Role.ROUTE)

    # -- calls -------------------------------------------------------------------------

    def _call(self, call: cst.Call, name: str, frame: Frame) -> None:
        resolver = self.resolver
        target = resolver.call_target(call, frame)
        if target in (DEPENDS, SECURITY):
            self._dependency(call, frame)
            return
        if target in (FASTAPI, API_ROUTER):
            self._app_or_router(call, target, frame)
            return
        if target == BACKGROUND_TASK:
            self._mark(_argument(call, 0, "func"), frame, Role.BACKGROUND_TASK)
            return
        if target in THREADPOOL_CALLS:
            self._mark(_argument(call, THREADPOOL_CALLS[target]), frame, Role.THREADPOOL)
            return
        if name in THREADPOOL_METHODS and isinstance(call.func, cst.Attribute):
            self._mark(_argument(call, THREADPOOL_METHODS[name]), frame, Role.THREADPOOL)
            return
        if not isinstance(call.func, cst.Attribute):
            return
        receiver = call.func.value
        if name == "add_task":
            self._mark(_argument(call, 0, "func"), frame, Role.BACKGROUND_TASK)
            return
        kind, confirmed = self.router_kind(receiver, frame)
        if kind is None:
            return
        if name == "include_router":
            child = _argument(call, 0, "router")
            self.model.includes.append(
                IncludeInfo(
                    call=call,
                    parent=receiver,
                    parent_name=self._router_name(receiver, frame),
                    child=child,
                    child_name=self._router_name(child, frame) if child is not None else None,
                    frame=frame,
                )
            )
            return
        if name in ("add_api_route", "add_api_websocket_route", "add_websocket_route", "add_route"):
            if name == "add_route":
                return  # Starlette-style endpoint taking a Request: not a FastAPI route handler.
            route = self._route_from_registration(
                call, name, receiver, frame, call, confirmed, path_index=0
            )
            if route is None:
                return
            endpoint = _argument(call, 1, "endpoint")
            function = self._local_function(endpoint, frame)
            self._add_route(function, route)
            if function is None and endpoint is not None:
                self._reference(endpoint, frame, Role.ROUTE)
        elif name == "add_exception_handler":
            self._mark(_argument(call, 1, "handler"), frame, Role.EXCEPTION_HANDLER)
        elif name == "add_event_handler":
            self._mark(_argument(call, 1, "func"), frame, Role.EVENT_HANDLER)

    def _subclass_instance(self, call: cst.Call, frame: Frame) -> None:
        target = self.resolver.call_target(call, frame)
        if target is None or target in (FASTAPI, API_ROUTER):
            return
        kind = self._subclass_kinds.get(target)
        if kind is not None:
            self._app_or_router(call, target, frame, kind=kind, cls=target)
            return
        top = target.partition(".")[0]
        if (
            target in self._functions_by_name
            or target in self._classes_by_name
            or top in ("fastapi", "starlette")
            or not target.rpartition(".")[2].endswith("Router")
            or self.resolver.qualname(call.func, frame) is None
        ):
            return
        self._imported_routers.add(target)
        self._app_or_router(call, target, frame, kind="router", cls=target)

    def _app_or_router(
        self,
        call: cst.Call,
        target: str,
        frame: Frame,
        kind: str | None = None,
        cls: str | None = None,
    ) -> None:
        kind = kind or ("app" if target == FASTAPI else "router")
        parent = self.walk.parents.get(call)
        if isinstance(parent, cst.AnnAssign) and frame.parent is None:
            # `router: APIRouter = APIRouter(prefix=...)`
            if isinstance(parent.target, cst.Name):
                name = parent.target.value
                prefix = string_value(keyword_argument(call, "prefix")) or ""
                self.model.apps.append(
                    AppOrRouter(name, self.resolver.local(name), kind, call, prefix, cls)
                )
        elif isinstance(parent, cst.Assign) and frame.parent is None:
            for assign_target in parent.targets:
                if isinstance(assign_target.target, cst.Name):
                    name = assign_target.target.value
                    prefix = string_value(keyword_argument(call, "prefix")) or ""
                    self.model.apps.append(
                        AppOrRouter(name, self.resolver.local(name), kind, call, prefix, cls)
                    )
        elif (
            isinstance(parent, cst.Assign)
            and frame.function is not None
            and len(parent.targets) == 1
            and isinstance(parent.targets[0].target, cst.Name)
        ):
            # `app = FastAPI()` inside `create_app()`: named after the function.
            local = parent.targets[0].target.value
            if len(frame.bindings.get(local, ())) == 1:
                name = f"{frame.qualname}.<locals>.{local}"
                prefix = string_value(keyword_argument(call, "prefix")) or ""
                self.model.apps.append(
                    AppOrRouter(name, self.resolver.local(name), kind, call, prefix, cls)
                )
        for arg in call.args:
            if arg.keyword is None:
                continue
            key = arg.keyword.value
            if key == "lifespan":
                self._mark(arg.value, frame, Role.LIFESPAN)
            elif key in ("on_startup", "on_shutdown") and isinstance(
                arg.value, (cst.List, cst.Tuple)
            ):
                for element in arg.value.elements:
                    self._mark(element.value, frame, Role.EVENT_HANDLER)
            elif key == "exception_handlers" and isinstance(arg.value, cst.Dict):
                for element in arg.value.elements:
                    if isinstance(element, cst.DictElement):
                        self._mark(element.value, frame, Role.EXCEPTION_HANDLER)

    def _dependency(self, call: cst.Call, frame: Frame) -> None:
        target = _argument(call, 0, "dependency")
        target_name = None
        if target is None:
            target = self._annotation_of_marker(call)
        if target is not None:
            target_name = self.resolver.qualname(target, frame)
        self.model.dependencies.append(DependencyUse(call, target, target_name, frame))
        if target is None:
            return
        function = self._local_function(target, frame)
        if function is not None:
            function.roles.add(Role.DEPENDENCY)
            return
        klass = self._local_class(target, frame)
        if klass is not None:
            init = klass.methods.get("__init__")
            if init is not None:
                init.roles.add(Role.DEPENDENCY)
            return
        # `Depends(checker)` with `checker = Checker(...)`: FastAPI calls `Checker.__call__`.
        instance_type = self.resolver.infer_type(target, frame)
        klass = self._classes_by_name.get(instance_type or "")
        if klass is not None and "__call__" in klass.methods:
            klass.methods["__call__"].roles.add(Role.DEPENDENCY)
            return
        if target_name is not None:
            self.model.references.append((target_name, Role.DEPENDENCY))

    def _annotation_of_marker(self, call: cst.Call) -> cst.BaseExpression | None:
        """For ``x: T = Depends()`` and ``Annotated[T, Depends()]``: the ``T``."""
        parents = self.walk.parents
        parent = parents.get(call)
        if isinstance(parent, cst.Param) and parent.default is call and parent.annotation:
            annotation = parent.annotation.annotation
            if isinstance(annotation, cst.Subscript):
                first = annotation.slice[0].slice if annotation.slice else None
                if isinstance(first, cst.Index):
                    return first.value
            return annotation
        # Annotated[T, Depends()]: Index -> SubscriptElement -> Subscript
        if isinstance(parent, cst.Index):
            element = parents.get(parent)
            subscript = parents.get(element) if element is not None else None
            if isinstance(subscript, cst.Subscript) and subscript.slice:
                first = subscript.slice[0].slice
                if isinstance(first, cst.Index) and first.value is not call:
                    return first.value
        return None

    def _middleware_class(self, klass: ClassInfo) -> None:
        for base in klass.bases:
            if self.resolver.qualname(base, klass.parent) == BASE_HTTP_MIDDLEWARE:
                dispatch = klass.methods.get("dispatch")
                if dispatch is not None:
                    dispatch.roles.add(Role.MIDDLEWARE)

    # -- helpers -----------------------------------------------------------------------

    def _local_function(self, expr: cst.BaseExpression | None, frame: Frame) -> FunctionInfo | None:
        if expr is None:
            return None
        name = self.resolver.qualname(expr, frame)
        if name is None:
            # `self.method` / `obj.method` on an instance of a local class.
            if isinstance(expr, cst.Attribute):
                owner = self.resolver.infer_type(expr.value, frame)
                klass = self._classes_by_name.get((owner or "").removeprefix("type[").rstrip("]"))
                if klass is not None:
                    return klass.methods.get(expr.attr.value)
            return None
        return self._functions_by_name.get(canonical(name))

    def _local_class(self, expr: cst.BaseExpression, frame: Frame) -> ClassInfo | None:
        name = self.resolver.qualname(expr, frame)
        return self._classes_by_name.get(name) if name else None

    def _mark(self, expr: cst.BaseExpression | None, frame: Frame, role: Role) -> None:
        if expr is None:
            return
        function = self._local_function(expr, frame)
        if function is not None:
            function.roles.add(role)
            return
        self._reference(expr, frame, role)

    def _reference(self, expr: cst.BaseExpression, frame: Frame, role: Role) -> None:
        name = self.resolver.qualname(expr, frame)
        if name is not None:
            self.model.references.append((name, role))


def build_fastapi_model(resolver: Resolver, walk: WalkResult) -> FastAPIModel:
    return FastAPIModelBuilder(resolver, walk).build()
