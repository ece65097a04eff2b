"""FAPI104 unawaited-coroutine: a coroutine created and dropped."""

from __future__ import annotations

from fastapi_lint.lint.context import FileContext
from fastapi_lint.lint.rule import FixAvailability, Rule
from fastapi_lint.rules.event_loop import facts
from fastapi_lint.rules.event_loop.catalog import ASYNC_APIS


class UnawaitedCoroutine(Rule):
    code = "FAPI104"
    name = "unawaited-coroutine"
    summary = "A coroutine function is called but its coroutine is dropped or passed as a callable"
    fix_availability = FixAvailability.SOMETIMES

    def end_file(self, ctx: FileContext) -> None:
        facts.collect(ctx)

    def check_module(self, module, project, report) -> None:
        for fact in module.facts.get("loop-call", ()):
            if fact.awaited or not (fact.discarded or fact.callable_argument):
                continue
            name = self._coroutine_function(fact.target, project)
            if name is None:
                continue
            if fact.callable_argument:
                message = (
                    f"`{name}()` is a coroutine function: `{fact.callable_argument}` needs the "
                    f"function and its arguments, but gets a coroutine that never runs "
                    f"(`{fact.callable_argument}({name}, ...)`)"
                )
                fix = fact.callable_fix
            else:
                message = (
                    f"`{name}()` is a coroutine function: without `await` the call only creates a "
                    "coroutine, which never runs (Python warns that it was never awaited)"
                )
                fix = fact.await_fix
            report.report(fact.span, message, fix=fix, data={"target": fact.target})

    @staticmethod
    def _coroutine_function(target: str, project) -> str | None:
        callee = project.resolve_callable(target)
        if callee is not None:
            function = callee.function
            # An async generator function returns an async iterator, not a coroutine; a
            # decorator may turn the function into anything (a sync wrapper running it with
            # asyncio.run, a task object...): only decorators known to keep it are trusted.
            if not function.is_async or function.is_generator:
                return None
            if not _keeps_coroutine(function):
                return None
            return function.name
        library = project.library_target(target) or target
        if library in ASYNC_APIS or target in ASYNC_APIS:
            return library.rpartition(".")[2]
        return None


# Decorators that return the decorated function itself (or a descriptor calling it).
_TRANSPARENT_DECORATORS = frozenset(
    {
        "staticmethod",
        "classmethod",
        "abstractmethod",
        "abc.abstractmethod",
        "override",
        "typing.override",
        "typing_extensions.override",
        "functools.wraps",
        "wraps",
    }
)


def _keeps_coroutine(function) -> bool:
    if not function.decorators:
        return True
    # FastAPI's registering decorators (routes, middleware, handlers) return the function.
    registered = bool(function.routes) or bool(
        {"middleware", "exception handler", "event handler"} & set(function.roles)
    )
    return all(name in _TRANSPARENT_DECORATORS or registered for name in function.decorators)
