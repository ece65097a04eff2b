"""FAPI104 unawaited-coroutine: a coroutine created and dropped."""

from __future__ import annotations

from fastapi_lint.context import FileContext
from fastapi_lint.registry import FixAvailability, Rule
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
            # An async generator function returns an async iterator, not a coroutine.
            if function.is_async and not function.is_generator:
                return function.name
            return None
        library = project.library_target(target) or target
        if library in ASYNC_APIS or target in ASYNC_APIS:
            return library.rpartition(".")[2]
        return None
