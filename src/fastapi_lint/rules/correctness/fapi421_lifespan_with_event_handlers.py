"""FAPI421 lifespan-with-event-handlers: startup/shutdown handlers an app with ``lifespan=``
never runs."""

from __future__ import annotations

from fastapi_lint.analysis.fastapi_model import AppOrRouter, keyword_argument
from fastapi_lint.analysis.inference import string_value
from fastapi_lint.analysis.scope import FrameKind
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext
from fastapi_lint.lint.rule import Rule

EVENTS = ("startup", "shutdown")
# Since 0.112.2 `include_router` merges the router's lifespan, which runs its handlers.
ROUTER_LIFESPANS_MERGED = "0.112.2"


def _never_runs(event: str) -> str:
    return (
        f"the application sets `lifespan=`, so Starlette never calls its {event} handlers "
        "and this code never runs; call it from the `lifespan` context manager instead"
    )


class LifespanWithEventHandlers(Rule):
    code = "FAPI421"
    name = "lifespan-with-event-handlers"
    summary = "An app with `lifespan=` also registers startup/shutdown handlers: they never run"

    def end_file(self, ctx: FileContext) -> None:
        apps = {
            app.qualname: app
            for app in ctx.fastapi.apps
            if app.kind == "app" and keyword_argument(app.call, "lifespan") is not None
        }
        if not apps:
            return
        for app in apps.values():
            for keyword in ("on_startup", "on_shutdown"):
                value = keyword_argument(app.call, keyword)
                if value is not None and not _empty(value):
                    ctx.report(
                        value,
                        f"`{keyword}=` beside `lifespan=` in `{app.name} = "
                        f"{ctx.code_for(app.call.func)}(...)`: "
                        + _never_runs(keyword.removeprefix("on_")),
                    )
        for call, frame in ctx.walk.calls:
            func = call.func
            if not (
                isinstance(func, cst.Attribute)
                and func.attr.value == "add_event_handler"
                and call.args
            ):
                continue
            event = string_value(call.args[0].value)
            if event not in EVENTS:
                continue
            app = self._owner(ctx, func.value, frame, apps)
            if app is not None:
                ctx.report(
                    call,
                    f'`{ctx.code_for(func)}("{event}", ...)`: ' + _never_runs(event),
                )
        versions = ctx.options.versions()
        if versions.older_than("fastapi", ROUTER_LIFESPANS_MERGED) is None:
            return
        routers = {a.qualname: a for a in ctx.fastapi.apps if a.kind == "router"}
        for include in ctx.fastapi.includes:
            app = apps.get(include.parent_name or "")
            router = routers.get(include.child_name or "")
            if app is None or router is None:
                continue
            for keyword in ("on_startup", "on_shutdown"):
                value = keyword_argument(router.call, keyword)
                if value is not None and not _empty(value):
                    ctx.report(
                        value,
                        f"`{keyword}=` of `{router.name}`, included into `{app.name}` which "
                        "sets `lifespan=`: before FastAPI 0.112.2 (which this project "
                        "admits) these handlers never run; call them from the `lifespan`",
                    )

    @staticmethod
    def _owner(
        ctx: FileContext, receiver: cst.BaseExpression, frame, apps: dict[str, AppOrRouter]
    ) -> AppOrRouter | None:
        if isinstance(receiver, cst.Attribute) and receiver.attr.value == "router":
            receiver = receiver.value  # `app.router.add_event_handler(...)`
        if not isinstance(receiver, cst.Name):
            return None
        found = ctx.resolver.lookup(receiver.value, frame)
        if found is None or found[0].kind is not FrameKind.MODULE:
            return None
        return apps.get(ctx.resolver.local(receiver.value))


def _empty(value: cst.BaseExpression) -> bool:
    return (isinstance(value, (cst.List, cst.Tuple)) and not value.elements) or (
        isinstance(value, cst.Name) and value.value == "None"
    )
