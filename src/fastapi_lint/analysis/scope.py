"""Scopes of one module: frames, the names they bind, and what we know about functions and classes.

Frames are built by the walk (``walk.py``) and never change afterwards; rules read them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from fastapi_lint.core.lazy import cst


class FrameKind(enum.Enum):
    MODULE = "module"
    CLASS = "class"
    FUNCTION = "function"
    LAMBDA = "lambda"
    COMPREHENSION = "comprehension"


class BindingKind(enum.Enum):
    IMPORT = "import"  # qualname is the imported name ("time", "time.sleep")
    STAR_IMPORT = "star-import"
    DEF = "def"
    CLASS = "class"
    ASSIGN = "assign"  # value is the assigned expression (None when it cannot be known)
    PARAM = "param"  # annotation and default may be set
    LOOP = "loop"  # for-loop and comprehension targets
    WITH = "with"  # value is the context manager expression
    EXCEPT = "except"
    GLOBAL = "global"


@dataclass(slots=True, eq=False)
class Binding:
    def __repr__(self) -> str:
        return f"Binding({self.name!r}, {self.kind.value}, qualname={self.qualname!r})"

    name: str
    kind: BindingKind
    node: cst.CSTNode
    value: cst.BaseExpression | None = None
    annotation: cst.BaseExpression | None = None
    qualname: str | None = None
    # Set for bindings made by tuple unpacking or augmented assignment: the value of this
    # particular name cannot be read off the expression.
    opaque: bool = False


class Role(enum.Enum):
    """What FastAPI does with a function. A function can have several roles."""

    ROUTE = "route"
    WEBSOCKET = "websocket"
    DEPENDENCY = "dependency"
    MIDDLEWARE = "middleware"
    EXCEPTION_HANDLER = "exception handler"
    LIFESPAN = "lifespan"
    EVENT_HANDLER = "event handler"
    BACKGROUND_TASK = "background task"
    THREADPOOL = "threadpool callable"


@dataclass(slots=True, eq=False)
class RouteInfo:
    """One registration of a handler: ``@router.get("/path")`` or ``app.add_api_route(...)``."""

    def __repr__(self) -> str:
        return f"RouteInfo({self.label!r}, router={self.router_name!r})"

    methods: tuple[str, ...]
    path: str | None
    router: cst.BaseExpression  # the app or router expression the route is registered on
    router_name: str | None  # qualified name of that app/router when it is a plain name
    node: cst.CSTNode  # the decorator or the registering call
    call: cst.Call | None  # the decorator call or registering call (keywords live here)
    websocket: bool = False
    # False when the router's type could not be confirmed in this module (an imported name):
    # the registration looks like a route but the project pass has the final word.
    confirmed: bool = True
    # The path as written, before the prefix of a router of this module is prepended.
    local_path: str | None = None

    @property
    def label(self) -> str:
        path = self.path if self.path is not None else "<dynamic path>"
        if self.websocket:
            return f"WEBSOCKET {path}"
        return f"{'|'.join(self.methods)} {path}"

    def keyword(self, name: str) -> cst.BaseExpression | None:
        if self.call is None:
            return None
        for arg in self.call.args:
            if arg.keyword is not None and arg.keyword.value == name:
                return arg.value
        return None


def plain_def_runs_in_threadpool(routes, dependency: bool) -> bool:
    """FastAPI runs a plain ``def`` of a function in the threadpool when it is an HTTP route
    or a dependency. Never a websocket endpoint: FastAPI awaits it directly, so a plain ``def``
    fails (``TypeError``) on the first connection. ``routes`` are the function's routes, of
    the walk or of its summary (both say ``websocket``)."""
    if any(route.websocket for route in routes):
        return False
    return bool(routes) or dependency


@dataclass(slots=True, eq=False)
class FunctionInfo:
    def __repr__(self) -> str:
        return f"FunctionInfo({self.qualname!r}, async={self.is_async}, roles={sorted(r.value for r in self.roles)})"

    node: cst.FunctionDef
    name: str
    qualname: str  # dotted within the module: "Service.fetch", "create_app.<locals>.read"
    is_async: bool
    parent: Frame
    frame: Frame = field(init=False)
    klass: ClassInfo | None = None  # set for methods
    roles: set[Role] = field(default_factory=set)
    routes: list[RouteInfo] = field(default_factory=list)
    # Filled by the walk: direct (not nested) await / async for / async with, and yield.
    has_await: bool = False
    is_generator: bool = False
    decorator_names: tuple[str | None, ...] = ()

    @property
    def is_method(self) -> bool:
        return self.klass is not None

    @property
    def can_be_def(self) -> bool:
        """As a plain ``def``, FastAPI would run it in the threadpool."""
        return plain_def_runs_in_threadpool(self.routes, Role.DEPENDENCY in self.roles)

    def describe(self) -> str:
        """How messages name this function: its route or role when it has one."""
        if self.routes:
            route = self.routes[0]
            kind = "websocket" if route.websocket else "route"
            return f"{kind} `{route.label}` (`{self.name}`)"
        for role in (
            Role.DEPENDENCY,
            Role.MIDDLEWARE,
            Role.EXCEPTION_HANDLER,
            Role.LIFESPAN,
            Role.EVENT_HANDLER,
            Role.BACKGROUND_TASK,
        ):
            if role in self.roles:
                return f"{role.value} `{self.qualname}`"
        return f"{'async ' if self.is_async else ''}function `{self.qualname}`"


@dataclass(slots=True, eq=False)
class ClassInfo:
    def __repr__(self) -> str:
        return f"ClassInfo({self.qualname!r})"

    node: cst.ClassDef
    name: str
    qualname: str
    parent: Frame
    frame: Frame = field(init=False)
    bases: tuple[cst.BaseExpression, ...] = ()
    methods: dict[str, FunctionInfo] = field(default_factory=dict)
    # `x: T` in the class body or `self.x: T = ...` in a method.
    attribute_annotations: dict[str, cst.BaseExpression] = field(default_factory=dict)
    # `self.x = value` in methods.
    attribute_values: dict[str, list[cst.BaseExpression]] = field(default_factory=dict)


@dataclass(slots=True, eq=False)
class Frame:
    def __repr__(self) -> str:
        return f"Frame({self.kind.value}, {self.qualname!r})"

    kind: FrameKind
    node: cst.CSTNode
    parent: Frame | None
    qualname: str = ""
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    function: FunctionInfo | None = None  # for FUNCTION frames
    klass: ClassInfo | None = None  # for CLASS frames

    def bind(self, binding: Binding) -> None:
        existing = self.bindings.get(binding.name)
        if existing is None:
            self.bindings[binding.name] = [binding]
        else:
            existing.append(binding)

    @property
    def executing_function(self) -> Frame | None:
        """The function or lambda whose execution runs this frame's code (None at module level).

        Class bodies and comprehensions run as part of the enclosing code.
        """
        frame: Frame | None = self
        while frame is not None:
            if frame.kind in (FrameKind.FUNCTION, FrameKind.LAMBDA):
                return frame
            frame = frame.parent
        return None

    @property
    def on_event_loop(self) -> bool:
        """True when the code of this frame runs inside an ``async def`` body."""
        frame = self.executing_function
        return frame is not None and frame.function is not None and frame.function.is_async

    @property
    def enclosing_function(self) -> FunctionInfo | None:
        frame = self.executing_function
        return frame.function if frame is not None else None

    def lookup(self, name: str) -> list[Binding] | None:
        """Bindings visible for ``name`` here, following Python's scoping rules (LEGB)."""
        frame: Frame | None = self
        first = True
        while frame is not None:
            # Class bodies are not visible from the functions nested in them.
            if first or frame.kind is not FrameKind.CLASS:
                found = frame.bindings.get(name)
                if found:
                    return found
            first = False
            frame = frame.parent
        return None
