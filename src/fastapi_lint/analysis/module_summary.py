"""The per-module summary: what the project pass needs to know about a module, and nothing more.

Summaries are small, plain data and cached with the file's result, so that the project pass can
run over every module of a project without parsing the unchanged ones again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi_lint.core.serial import from_data, to_data


@dataclass(slots=True)
class Span:
    row: int
    column: int
    end_row: int
    end_column: int
    start: int
    end: int

    @classmethod
    def __from_data__(
        cls, row: int, column: int, end_row: int, end_column: int, start: int, end: int
    ) -> Span:
        if start < 0:
            return PendingSpan(row, column, end_row, end_column, start, end, _LOADING[0])
        return cls(row, column, end_row, end_column, start, end)


# Where positions are not computed yet. The per-file pass leaves the spans of a summary pending
# (``start == -1``) unless the file has findings of its own: computing them costs a third of a
# parse, and the project pass needs them only for the few modules it reports on. Reading a
# pending span's position records its module in ``PENDING_READS``; the runner then checks that
# file again with positions and runs the project pass once more (see ``engine/project_pass.py``).
PENDING_READS: set[str] = set()
_LOADING: list[str] = [""]  # the module whose summary is being read back from data
_ROW = Span.row
_COLUMN = Span.column
_END_ROW = Span.end_row
_END_COLUMN = Span.end_column
_START = Span.start
_END = Span.end


def _tracked(descriptor):
    def read(self):
        if _START.__get__(self) < 0:
            PENDING_READS.add(self.owner)
        return descriptor.__get__(self)

    def write(self, value):
        descriptor.__set__(self, value)

    return property(read, write)


class PendingSpan(Span):
    """A span whose position is computed on demand (see ``PENDING_READS``)."""

    __slots__ = ("owner",)

    def __init__(
        self, row=0, column=0, end_row=0, end_column=0, start=-1, end=-1, owner: str = ""
    ) -> None:
        Span.__init__(self, row, column, end_row, end_column, start, end)
        self.owner = owner

    row = _tracked(_ROW)
    column = _tracked(_COLUMN)
    end_row = _tracked(_END_ROW)
    end_column = _tracked(_END_COLUMN)
    start = _tracked(_START)
    end = _tracked(_END)

    @property
    def pending(self) -> bool:
        return _START.__get__(self) < 0


@dataclass(slots=True)
class CallSite:
    target: str  # qualified name of the callee as resolved in this module
    span: Span
    awaited: bool = False  # operand of `await`
    discarded: bool = False  # an expression statement: the result is dropped
    # Rule-specific facts about the call (for example a prepared fix).
    extra: dict[str, Any] = field(default_factory=dict)
    # Made only by a lazy initialization (`if X is None: X = f()`, `X` a global): once.
    once: bool = False
    # Every argument is a literal (`load("default")`): a memoized callee runs once for it.
    constant: bool = False
    # Under an `if`/`for`/`while`/`except`/`match` branch of its function: it may not run.
    conditional: bool = False
    # Made under `if not X:` / `if X is None:` with `X` a module-level name the branch does not
    # assign: once per process when the callee sets `X` (see `FunctionSummary.sets_globals`).
    flag: str | None = None


@dataclass(slots=True)
class Registration:
    """Where and when a route or an ``include_router`` runs, to order registrations on one router.

    ``scope`` is the qualified name of the function whose code registers it ("" at module
    level); ``order`` sorts registrations of one scope in execution order; ``conditional`` is
    set under ``if``/``for``/``while``/``match``/``except`` (it may not run, or run twice).
    """

    scope: str = ""
    order: list[int] = field(default_factory=list)
    conditional: bool = False


@dataclass(slots=True)
class RouteSummary:
    methods: list[str]
    path: str | None
    router: str | None  # qualified name of the app/router the route is registered on
    span: Span
    websocket: bool = False
    confirmed: bool = True
    # Literal keyword arguments of the registration (status_code, operation_id, ...), as source.
    options: dict[str, str] = field(default_factory=dict)
    # The path as written at the registration, without the router's own prefix.
    local_path: str | None = None
    registration: Registration = field(default_factory=Registration)
    # `dependencies=[Depends(x)]` of the registration: qualified names, "" when unresolvable.
    dependencies: list[str] = field(default_factory=list)


@dataclass(slots=True)
class IncludeSummary:
    """``parent.include_router(child, prefix=...)``."""

    parent: str | None  # qualified name of the app/router including
    child: str | None  # qualified name of the router included
    span: Span
    prefix: str | None = ""  # None when not a literal
    prefix_ref: str | None = None  # qualified name of a non-literal prefix (a constant)
    registration: Registration = field(default_factory=Registration)
    dependencies: list[str] = field(default_factory=list)
    # An f-string prefix: ["", text] for literal parts, ["=", qualname] for `{constant}` parts.
    prefix_template: list[list[str]] = field(default_factory=list)


@dataclass(slots=True)
class MarkerSummary:
    """A FastAPI marker of a parameter: ``Depends(f)``, ``Query(alias="q")``..."""

    kind: str  # canonical qualified name: "fastapi.Depends", "fastapi.Query"...
    dependency: str | None = None  # Depends/Security: the dependency ("" when unresolvable)
    alias: str | None = None  # alias=/validation_alias= when a string literal
    opaque: bool = False  # arguments that could not be read (a non-literal alias, **kwargs)
    has_default: bool = False  # a default value given to the marker itself (not `...`)


@dataclass(slots=True)
class ParamSummary:
    name: str
    kind: str = "normal"  # "posonly", "normal", "kwonly", "varargs", "varkw"
    annotation: str | None = None  # qualified name of the annotation's class (unwrapped)
    # A name used as the annotation that may be an `Annotated[...]` alias of another module.
    annotation_ref: str | None = None
    marker: MarkerSummary | None = None
    has_default: bool = False


@dataclass(slots=True)
class FunctionSummary:
    qualname: str  # within the module: "Service.fetch"
    name: str
    span: Span  # of the `def` line's name
    is_async: bool
    class_qualname: str | None = None
    decorators: list[str | None] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    routes: list[RouteSummary] = field(default_factory=list)
    calls: list[CallSite] = field(default_factory=list)
    returns: str | None = None  # qualified name of the return annotation's class
    depends: list[str] = field(default_factory=list)  # dependencies named in its parameters
    has_await: bool = False
    is_generator: bool = False
    is_staticmethod: bool = False
    is_classmethod: bool = False
    params: list[ParamSummary] = field(default_factory=list)
    # Decorated with `functools.cache` / `lru_cache`: the body runs once per distinct arguments.
    memoized: bool = False
    # Module-level names the function declares `global` and assigns.
    sets_globals: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ClassSummary:
    qualname: str
    name: str
    span: Span
    bases: list[str | None] = field(default_factory=list)
    methods: list[str] = field(default_factory=list)
    attributes: dict[str, str] = field(default_factory=dict)  # attribute -> type qualname
    # Names annotated in the class body (fields of models and dataclasses), in order.
    fields: list[str] = field(default_factory=list)
    # Literal defaults of class-level attributes (`x: str = "a"`, `Field(default=...)`).
    defaults: dict[str, Any] = field(default_factory=dict)
    # `Field(alias="x")` of fields: name -> alias ("?" when not a literal); the key "*" when
    # the class configures an `alias_generator`.
    field_aliases: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class AppSummary:
    name: str
    kind: str  # "app" or "router"
    span: Span
    options: dict[str, str] = field(default_factory=dict)
    prefix: str | None = ""  # None when not a literal
    prefix_ref: str | None = None  # qualified name of a non-literal prefix (a constant)
    dependencies: list[str] = field(default_factory=list)
    prefix_template: list[list[str]] = field(default_factory=list)  # see IncludeSummary
    # An instance of a subclass of APIRouter/FastAPI (or of an imported class named like a
    # router, which the project pass confirms): its qualified name.
    cls: str | None = None


# Fact kinds whose records are dataclasses: kind -> class, so that records read back from the
# cache or a worker process are the same objects a fresh per-file pass produces.
FACT_TYPES: dict[str, type] = {}


def fact_type(kind: str):
    """Class decorator: records of fact ``kind`` are instances of the decorated dataclass."""

    def register(cls: type) -> type:
        FACT_TYPES[kind] = cls
        return cls

    return register


# Routes whose endpoint is defined in another module (`add_api_route(path, other.endpoint)`).
fact_type("route-reference")(RouteSummary)


@dataclass(slots=True)
class ModuleSummary:
    module: str  # dotted module name ("app.services.payments")
    path: str  # as reported
    is_package: bool = False
    imports: dict[str, str] = field(default_factory=dict)  # module-level local name -> qualname
    star_imports: list[str] = field(default_factory=list)
    # Module-level variables whose type is known: name -> type qualname.
    variables: dict[str, str] = field(default_factory=dict)
    functions: list[FunctionSummary] = field(default_factory=list)
    classes: list[ClassSummary] = field(default_factory=list)
    apps: list[AppSummary] = field(default_factory=list)
    # Callables of other modules this module hands to FastAPI: (qualname, role).
    references: list[list[str]] = field(default_factory=list)
    # Rule-family facts: kind -> list of JSON-able records (see each family's project rules).
    facts: dict[str, list[Any]] = field(default_factory=dict)
    includes: list[IncludeSummary] = field(default_factory=list)
    # Module-level names bound more than once (their value depends on the point of use).
    rebound: list[str] = field(default_factory=list)
    # Module-level names bound once to a literal (str, int, float, bool, None, or a flat
    # list of those): name -> value; tuples and sets are stored as lists.
    constants: dict[str, Any] = field(default_factory=dict)
    # Module-level `X = Annotated[T, marker]` aliases: name -> the parameter they describe.
    annotated_aliases: dict[str, ParamSummary] = field(default_factory=dict)

    def add_fact(self, kind: str, record: Any) -> None:
        self.facts.setdefault(kind, []).append(record)

    def to_data(self) -> Any:
        return to_data(self)

    @staticmethod
    def from_data(data: Any, path: str | None = None) -> ModuleSummary:
        """``path``: the file's path as this run reports it (it may differ from the run that
        stored the data, for example when run from another directory)."""
        if path is None:
            path = data[1] if isinstance(data, list) and len(data) > 1 else ""
        _LOADING[0] = path
        summary = from_data(ModuleSummary, data)
        summary.path = path
        # A new dict: the raw data may be shared with the cache's own entries.
        facts = {}
        for kind, records in summary.facts.items():
            fact_type = FACT_TYPES.get(kind)
            if fact_type is None:
                facts[kind] = records
            else:
                facts[kind] = [
                    r if isinstance(r, fact_type) else from_data(fact_type, r) for r in records
                ]
        summary.facts = facts
        return summary

    def qualify(self, qualname: str) -> str:
        return f"{self.module}.{qualname}" if self.module else qualname
