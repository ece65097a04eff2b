"""FAPI403 http-exception-returned: ``return HTTPException(...)`` instead of ``raise``."""

from __future__ import annotations

from fastapi_lint.analysis.knowledge.names import HTTP_EXCEPTION
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext, PendingFix
from fastapi_lint.lint.rule import FixAvailability
from fastapi_lint.rules.correctness.shared import GatedRule, record_gated

EXCEPTION_TYPES = frozenset(
    {
        HTTP_EXCEPTION,
        "starlette.exceptions.HTTPException",
        "fastapi.WebSocketException",
        "fastapi.exceptions.WebSocketException",
        "starlette.exceptions.WebSocketException",
    }
)
# Code FastAPI runs whose return value is never an exception to raise.
ROLES = ("route", "websocket", "dependency", "exception handler", "middleware")


class HTTPExceptionReturned(GatedRule):
    code = "FAPI403"
    name = "http-exception-returned"
    summary = "`return HTTPException(...)` in a route or dependency: the error is never raised"
    fix_availability = FixAvailability.ALWAYS

    def visit_Return(self, node: cst.Return, ctx: FileContext) -> None:
        frame = ctx.frame
        value = node.value
        if frame is None or not isinstance(value, cst.Call):
            return
        function = frame.enclosing_function
        if function is None or function.is_generator or frame.function is None:
            return
        exception = ctx.call_target(value, frame)
        if exception not in EXCEPTION_TYPES and not self._local_subclass(ctx, exception):
            return
        name = exception.rpartition(".")[2] if exception else "HTTPException"
        record_gated(
            ctx,
            node,
            function,
            ROLES,
            f"`return {name}(...)` in {{function}}: FastAPI does not raise a returned "
            "exception, so the client gets `200 OK` with the exception serialized as the body "
            "(or the caller of a dependency gets the object); use `raise`",
            fix=PendingFix.safe(f"Raise the `{name}`", ctx.replace_head(node, 6, "raise")),
        )

    @staticmethod
    def _local_subclass(ctx: FileContext, qualname: str | None) -> bool:
        """A class of this module deriving from an HTTP exception (one level)."""
        info = ctx.resolver.classes_by_qualname.get(qualname or "")
        if info is None:
            return False
        return any(ctx.qualname(base, info.parent) in EXCEPTION_TYPES for base in info.bases)
