"""Where the project's functions run: the execution contexts of the event-loop rules.

Blocking the event loop matters on the loop that serves requests. Each function of the project
is placed in one context, from what reaches it in the project's call graph:

* ``served``: reached from what FastAPI runs while serving (routes, websockets, dependencies,
  middleware, exception handlers, background tasks), or started as a task
  (``asyncio.create_task``) by the lifespan or a start-up handler (it runs while serving);
* ``startup``: reached only from the lifespan or start-up/shutdown handlers: it delays start-up,
  not requests;
* ``command-line``: commands of typer/click/cyclopts/fire, and coroutines run on a loop of their
  own (``asyncio.run``, ``anyio.run``, ``loop.run_until_complete``: a script, a thread or a
  process with its own loop), with the helpers of their modules;
* ``tests``: everything defined in a test module (``test_*.py``, ``*_test.py``,
  ``conftest.py``, a ``tests/`` folder);
* ``unknown``: library code no entry point of the project reaches (still reported).

A context other than served and startup reaches only into command-line modules (modules with an
entry point of their own, or under a ``scripts/``/``cli/`` folder): a service function that a
script also calls is not settled by the script. The event-loop rules report the contexts of the
``event-loop-contexts`` setting (served and unknown by default) and name the context and its
entry point in their messages.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass

from fastapi_lint.lint.rule import WITHDRAWN
from fastapi_lint.project.index import Project, ProjectFunction
from fastapi_lint.rules.event_loop.chains import DEF_FIX_PREFIX, awaited_somewhere
from fastapi_lint.rules.event_loop.facts import (
    COMMAND_DECORATORS,
    COMMAND_PACKAGES,
    EntryFact,
    is_command_decorator,
)

SERVED = "served"
STARTUP = "startup"
COMMAND_LINE = "command-line"
TESTS = "tests"
UNKNOWN = "unknown"
CONTEXTS = (SERVED, UNKNOWN, STARTUP, COMMAND_LINE, TESTS)
DEFAULT_CONTEXTS = (SERVED, UNKNOWN)

LABELS = {
    SERVED: "served",
    STARTUP: "start-up/shutdown only",
    COMMAND_LINE: "command line",
    TESTS: "tests",
    UNKNOWN: "no entry point found",
}
# What a blocked loop holds up, per context.
WHO_WAITS = {
    SERVED: "every other request waits until it returns",
    STARTUP: "start-up (or shutdown) waits until it returns",
    COMMAND_LINE: "everything else on its loop waits until it returns",
    TESTS: "everything else on the test's loop waits until it returns",
    UNKNOWN: "everything else on the event loop waits until it returns",
}

_SERVED_ROLES = frozenset(
    {"dependency", "middleware", "exception handler", "background task", "websocket", "route"}
)
_STARTUP_ROLES = frozenset({"lifespan", "event handler"})
_COMMAND_FOLDERS = frozenset({"scripts", "script", "cli", "commands", "bin", "management"})
_COMMAND_FILES = frozenset({"__main__", "manage", "cli"})
_TEST_FOLDERS = frozenset({"tests", "test", "testing"})


@dataclass(frozen=True, slots=True)
class Placement:
    context: str
    entry: str  # how messages name the entry point ("" when the function is the entry point)


_UNPLACED = Placement(UNKNOWN, "")


def is_test_module(path: str, module: str) -> bool:
    parts = path.replace("\\", "/").split("/")
    stem = parts[-1].removesuffix(".py")
    if stem == "conftest" or stem.startswith("test_") or stem.endswith("_test"):
        return True
    folders = {*parts[:-1], *module.split(".")[:-1]}
    return bool(folders & _TEST_FOLDERS)


def _command_package(project: Project, via: str) -> str | None:
    """The command-line framework of a command decorator or call (``typer`` for
    ``typer.Typer.command``, for the same method of an object made in another module, and for
    a project subclass of ``typer.Typer``), None when it is not one."""
    if via == "fire.Fire" or is_command_decorator(via):
        return via.partition(".")[0]
    library = project.library_target(via)
    if library is not None and is_command_decorator(library):
        return library.partition(".")[0]
    owner, _, method = via.rpartition(".")
    if not owner or method not in COMMAND_DECORATORS:
        return None
    owner_class = project.resolve(owner)
    if owner_class not in project.classes:
        owner_class = project.value_type(owner) or ""
    for ancestor in project.class_ancestors(owner_class) if owner_class else ():
        if ancestor.startswith(COMMAND_PACKAGES):
            return ancestor.partition(".")[0]
    return None


def _is_command_path(path: str) -> bool:
    parts = path.replace("\\", "/").split("/")
    return parts[-1].removesuffix(".py") in _COMMAND_FILES or bool(
        set(parts[:-1]) & _COMMAND_FOLDERS
    )


class Contexts:
    """The context of every function of a project (computed once per project pass)."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._placements: dict[str, Placement] = {}
        self._build()
        counts = self.counts()
        project.notes.append(
            "event-loop contexts (async functions): "
            + ", ".join(f"{context} {counts.get(context, 0)}" for context in CONTEXTS)
        )

    def _build(self) -> None:
        project = self.project
        own_loop: set[tuple[str, str]] = set()
        tasks: set[tuple[str, str]] = set()
        command_modules: set[str] = set()
        command_seeds: list[tuple[str, str]] = []
        for module, fact in project.facts("loop-entry"):
            assert isinstance(fact, EntryFact)
            # A decorated command is named within its module; a call's target is qualified.
            target = project.resolve_callable(
                module.qualify(fact.target) if fact.kind == "command" else fact.target
            )
            if target is None:
                continue
            caller = module.qualify(fact.function) if fact.function else ""
            if fact.kind == "command":
                package = _command_package(project, fact.via)
                if package is None:
                    continue
                command_modules.add(module.module)
                command_seeds.append((target.qualname, f"`{package}` command"))
                continue
            if fact.kind == "task":
                tasks.add((caller, target.qualname))
                continue
            own_loop.add((caller, target.qualname))
            command_modules.add(module.module)
            where = f"`{fact.function}`" if fact.function else f"module level of `{module.path}`"
            command_seeds.append(
                (target.qualname, f"run on its own loop by `{fact.via}` in {where}")
            )

        edges: dict[str, list[str]] = {}
        served_seeds: list[tuple[str, str]] = []
        startup_seeds: list[tuple[str, str]] = []
        tests: set[str] = set()
        test_modules = {
            name for name, module in project.modules.items() if is_test_module(module.path, name)
        }
        for qualname, function in project.functions.items():
            if function.module.module in test_modules:
                tests.add(qualname)
                continue
            summary = function.function
            roles = function.roles
            if summary.routes or roles & _SERVED_ROLES:
                served_seeds.append((qualname, function.describe()))
            elif roles & _STARTUP_ROLES:
                startup_seeds.append((qualname, function.describe()))
            callees = []
            for call in summary.calls:
                callee = project.resolve_callable(call.target)
                if (
                    callee is not None
                    and callee.qualname != qualname
                    and (qualname, callee.qualname) not in own_loop
                ):
                    callees.append(callee.qualname)
            if callees:
                edges[qualname] = callees

        startup = _reach(startup_seeds, edges, tasks=tasks, started=served_seeds)
        served = _reach(served_seeds, edges)
        command_line = _reach(
            command_seeds,
            edges,
            allowed=lambda name: (
                project.functions[name].module.module in command_modules
                or _is_command_path(project.functions[name].module.path)
            ),
        )
        placements = self._placements
        for name in tests:
            placements[name] = Placement(
                TESTS, f"test module `{project.functions[name].module.path}`"
            )
        for context, reached in (
            (COMMAND_LINE, command_line),
            (STARTUP, startup),
            (SERVED, served),
        ):
            for name, entry in reached.items():
                if name not in tests:
                    placements[name] = Placement(context, entry)

    def placement(self, qualname: str) -> Placement:
        found = self._placements.get(qualname)
        if found is None:
            function = self.project.function(qualname)
            if function is not None:
                found = self._placements.get(function.qualname)
        return found or _UNPLACED

    def counts(self) -> Counter[str]:
        """How many async functions fell in each context."""
        counts: Counter[str] = Counter()
        for qualname, function in self.project.functions.items():
            if function.function.is_async:
                counts[self.placement(qualname).context] += 1
        return counts


def _reach(
    seeds: list[tuple[str, str]],
    edges: dict[str, list[str]],
    *,
    allowed=None,
    tasks: set[tuple[str, str]] | None = None,
    started: list[tuple[str, str]] | None = None,
) -> dict[str, str]:
    """Every function reached from ``seeds`` (name, entry description): name -> the entry that
    reached it first. Calls in ``tasks`` start a task that runs while serving: their targets go
    to ``started`` instead."""
    found: dict[str, str] = {}
    queue: deque[str] = deque()
    for name, entry in seeds:
        if name not in found:
            found[name] = entry
            queue.append(name)
    while queue:
        current = queue.popleft()
        entry = found[current]
        for callee in edges.get(current, ()):
            if callee in found:
                continue
            if tasks is not None and (current, callee) in tasks:
                assert started is not None
                started.append((callee, f"a task started by {entry}"))
                continue
            if allowed is not None and not allowed(callee):
                continue
            found[callee] = entry
            queue.append(callee)
    return found


def contexts(project: Project) -> Contexts:
    return project.cached("event-loop:contexts", Contexts)


def enabled_contexts(project: Project) -> frozenset[str]:
    chosen = project.options.event_loop_contexts
    return frozenset(chosen if chosen else DEFAULT_CONTEXTS)


def placement_of(project: Project, qualname: str) -> Placement:
    return contexts(project).placement(qualname)


def is_reported(project: Project, qualname: str) -> bool:
    """Whether findings in ``qualname`` are reported with the run's ``event-loop-contexts``."""
    return placement_of(project, qualname).context in enabled_contexts(project)


def describe(project: Project, function: ProjectFunction | None, fallback: str) -> str:
    """How a message names the function, with its context when that tells something: the
    entry point that reaches it while serving, or the context it was found in."""
    where = function.describe() if function is not None else fallback
    if function is None:
        return where
    placed = placement_of(project, function.qualname)
    if placed.context == UNKNOWN:
        return where
    entry = placed.entry if placed.entry != where else ""
    if placed.context == SERVED:
        return f"{where} (reached from {entry})" if entry else where
    label = LABELS[placed.context]
    return f"{where} ({label}: {entry})" if entry else f"{where} ({label})"


def who_waits(project: Project, function: ProjectFunction | None) -> str:
    if function is None:
        return WHO_WAITS[UNKNOWN]
    placed = placement_of(project, function.qualname)
    if placed.context == UNKNOWN and (function.function.routes or function.roles & _SERVED_ROLES):
        return WHO_WAITS[SERVED]
    return WHO_WAITS[placed.context]


def refine_blocking(diagnostic, project: Project, message):
    """A per-file event-loop finding seen by the project pass: withdrawn (``WITHDRAWN``) in a
    context the run does not report, else restated by ``message(project, target, where,
    waits, function)`` with the function's role and context."""
    function = project.function(diagnostic.data.get("function", ""))
    if function is None:
        return diagnostic
    if not is_reported(project, function.qualname):
        return diagnostic.with_message(WITHDRAWN)
    fix = diagnostic.fix
    if (
        fix is not None
        and fix.message.startswith(DEF_FIX_PREFIX)
        and function.qualname in awaited_somewhere(project)
    ):
        diagnostic = diagnostic.without_fix()  # a plain `def` would break an `await` elsewhere
    text = message(
        project,
        diagnostic.data.get("target", ""),
        describe(project, function, ""),
        who_waits(project, function),
        function,
    )
    return diagnostic.with_message(text) if text else diagnostic
