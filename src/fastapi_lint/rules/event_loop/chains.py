"""Which sync functions of the project block, and through which chain of calls (FAPI102).

Computed once per project pass from the module summaries: a sync function blocks when it makes
a catalog call itself (``blocking-call`` facts) or calls, at any depth, a sync project function
that blocks. Reachability is a breadth-first search backwards from the direct callers, so cycles
terminate and every blocking function gets a shortest chain. Async functions never propagate
(awaiting one runs its own code, reported there), and neither do callables handed to the
threadpool (they are references, not calls).

Work done once per process does not hold up the requests after the first, so it does not
propagate either: a function memoized with ``functools.cache``/``lru_cache`` that takes no
arguments (FastAPI's ``get_settings`` idiom), and a call made only by a lazy initialization
(``if X is None: X = f()`` with ``X`` global). A memoized function with arguments runs again
for each new one and still blocks.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from fastapi_lint.analysis.module_summary import Span
from fastapi_lint.project.index import Project, ProjectFunction
from fastapi_lint.rules.event_loop.catalog import Catalog, database_sink
from fastapi_lint.rules.event_loop.facts import BlockingCallFact


@dataclass(frozen=True, slots=True)
class Step:
    function: ProjectFunction  # the function making the call
    span: Span  # where it makes it
    callee: str  # what it calls: a project function's name or the blocking API
    conditional: bool = False  # the call is in a branch that may not run


def runs_once(function: ProjectFunction) -> bool:
    """A memoized module-level function, static method or class method without parameters
    (``cls`` aside): its body runs on the first call only."""
    summary = function.function
    if not summary.memoized:
        return False
    if summary.class_qualname is None or summary.is_staticmethod:
        return not summary.params
    return summary.is_classmethod and all(p.name == "cls" for p in summary.params)


def runs_once_for(call, callee: ProjectFunction, caller: ProjectFunction | None = None) -> bool:
    """A call made once per process (lazy initialization, after a memo's guard; under
    ``if not X:`` when the callee of the same module sets the global ``X``), or with literal
    arguments only to a memoized function (``load_catalog("default")``)."""
    if call.once or (call.constant and callee.function.memoized):
        return True
    flag = getattr(call, "flag", None)
    return (
        flag is not None
        and caller is not None
        and caller.module is callee.module
        and flag in callee.function.sets_globals
    )


class BlockingGraph:
    def __init__(self, project: Project) -> None:
        self.project = project
        # function qualname -> (distance to a blocking API, next step)
        self._next: dict[str, Step] = {}
        self._distance: dict[str, int] = {}
        self._build()

    def _build(self) -> None:
        project = self.project
        callers: dict[str, list[tuple[str, Step]]] = {}
        queue: deque[str] = deque()
        for module, fact in project.facts("blocking-call"):
            assert isinstance(fact, BlockingCallFact)
            qualname = module.qualify(fact.function)
            function = project.functions.get(qualname)
            if function is None or function.function.is_async or runs_once(function):
                continue
            if fact.once:
                continue
            # The first blocking call of the function (facts come in source order), an
            # unconditional one when there is one: the evidence that always runs.
            known = self._next.get(qualname)
            if known is None or (known.conditional and not fact.conditional):
                if known is None:
                    queue.append(qualname)
                self._distance[qualname] = 0
                self._next[qualname] = Step(
                    function, fact.span, f"{fact.target}()", fact.conditional
                )
        for qualname, function in project.functions.items():
            if function.function.is_async or runs_once(function):
                continue
            for call in function.function.calls:
                if call.once:
                    continue
                callee = project.resolve_callable(call.target)
                if callee is None:
                    if qualname in self._distance:
                        continue  # already a sink of its own (or reached one)
                    sink = library_sink(project, call.target)
                    if sink is not None:
                        queue.append(qualname)
                        self._distance[qualname] = 0
                        self._next[qualname] = Step(
                            function, call.span, f"{sink}()", call.conditional
                        )
                    continue
                if callee.function.is_async or callee.qualname == qualname:
                    continue
                if runs_once_for(call, callee, function):
                    continue
                callers.setdefault(callee.qualname, []).append(
                    (
                        qualname,
                        Step(function, call.span, f"{callee.function.name}()", call.conditional),
                    )
                )
        distance = self._distance
        while queue:
            current = queue.popleft()
            for caller, step in callers.get(current, ()):
                if caller in distance:
                    # Same length, but a call that always runs: the better evidence.
                    known = self._next[caller]
                    if (
                        known.conditional
                        and not step.conditional
                        and distance[caller] == distance[current] + 1
                    ):
                        self._next[caller] = step
                    continue
                distance[caller] = distance[current] + 1
                self._next[caller] = step
                queue.append(caller)

    def blocks(self, qualname: str) -> bool:
        return qualname in self._distance

    def chain(self, qualname: str) -> list[Step]:
        steps = []
        current = qualname
        seen = set()
        while current in self._next and current not in seen:
            seen.add(current)
            step = self._next[current]
            steps.append(step)
            if self._distance[current] == 0:
                break
            callee = self.project.resolve_callable(_callee_target(step, self.project))
            if callee is None:
                break
            current = callee.qualname
        return steps


_DEFAULT_CATALOG: list = []


def library_sink(project: Project, target: str) -> str | None:
    """The blocking library API a call of a sync function reaches through an object made in
    another module (``session = refetch_db_session(org)`` typed ``-> Session`` there, then
    ``session.query(...)``): a catalog call or a sync database round trip."""
    library = project.library_target(target)
    if library is None:
        return None
    if not _DEFAULT_CATALOG:
        _DEFAULT_CATALOG.append(Catalog())
    if _DEFAULT_CATALOG[0].match(library) is None and database_sink(library) is None:
        return None
    return library


def _callee_target(step: Step, project: Project) -> str:
    # Re-resolve the call made at `step` to continue the chain.
    # `f().g()`: the inner and the outer call start at the same place; the span's end tells.
    for call in step.function.function.calls:
        if call.span.start == step.span.start and call.span.end == step.span.end:
            return call.target
    return ""


def describe_chain(steps: list[Step]) -> str:
    """``charge_card() (app/services/payments.py:7) → requests.post()``."""
    parts = []
    for step in steps:
        function = step.function
        parts.append(f"{function.function.name}() ({function.module.path}:{step.span.row})")
    if steps:
        parts.append(steps[-1].callee)
    return " → ".join(parts)


def root_data(steps: list[Step]) -> dict[str, object]:
    """The root cause of a chain, the blocking call at its end, for the finding's data: one
    root reached from many call sites is reported once by the human formats (``root`` names
    it, ``root_location`` is ``[path, row, column]``)."""
    if not steps:
        return {}
    last = steps[-1]
    path = last.function.module.path
    return {
        "root": f"{path}:{last.span.row}:{last.span.column} {last.callee}",
        "root_location": [path, last.span.row, last.span.column],
    }


def loop_bound(project: Project) -> frozenset[str]:
    """Functions that must not move to a worker thread: they use the running loop or set a
    context variable (``loop-bound`` facts), themselves or through any sync function they
    call. A threadpool fix of a call to one of them changes what it does."""

    def compute(project: Project) -> frozenset[str]:
        found = {module.qualify(fact.function) for module, fact in project.facts("loop-bound")}
        if not found:
            return frozenset()
        callers: dict[str, list[str]] = {}
        for qualname, function in project.functions.items():
            if function.function.is_async:
                continue
            for call in function.function.calls:
                callee = project.resolve_callable(call.target)
                if callee is not None and not callee.function.is_async:
                    callers.setdefault(callee.qualname, []).append(qualname)
        queue = deque(found)
        while queue:
            for caller in callers.get(queue.popleft(), ()):
                if caller not in found:
                    found.add(caller)
                    queue.append(caller)
        return frozenset(found)

    return project.cached("event-loop:loop-bound", compute)


def awaited_somewhere(project: Project) -> frozenset[str]:
    """Project functions some module (tests included) awaits: making one a plain ``def``
    breaks that ``await``."""

    def compute(project: Project) -> frozenset[str]:
        found = set()
        for function in project.functions.values():
            for call in function.function.calls:
                if call.awaited:
                    callee = project.resolve_callable(call.target)
                    if callee is not None:
                        found.add(callee.qualname)
        return frozenset(found)

    return project.cached("event-loop:awaited", compute)


DEF_FIX_PREFIX = "Make `"


def blocking_graph(project: Project) -> BlockingGraph:
    return project.cached("event-loop:blocking-graph", BlockingGraph)
