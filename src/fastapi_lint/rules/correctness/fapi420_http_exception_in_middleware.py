"""FAPI420 http-exception-in-middleware: ``raise HTTPException`` in an HTTP middleware."""

from __future__ import annotations

from fastapi_lint.analysis.knowledge.names import HTTP_EXCEPTION
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext
from fastapi_lint.rules.correctness.shared import GatedRule, record_gated

HTTP_EXCEPTIONS = frozenset(
    {
        HTTP_EXCEPTION,
        "fastapi.exceptions.HTTPException",
        "starlette.exceptions.HTTPException",
    }
)
ROLES = ("middleware",)


class HTTPExceptionInMiddleware(GatedRule):
    code = "FAPI420"
    name = "http-exception-in-middleware"
    summary = (
        '`raise HTTPException` in `@app.middleware("http")` or `BaseHTTPMiddleware.dispatch`: '
        "the client gets a 500, not the status"
    )

    def visit_Raise(self, node: cst.Raise, ctx: FileContext) -> None:
        frame = ctx.frame
        exc = node.exc
        if frame is None or frame.function is None or not isinstance(exc, cst.Call):
            return
        function = frame.enclosing_function
        if function is None or not function.is_async:
            return
        if ctx.call_target(exc, frame) not in HTTP_EXCEPTIONS or self._caught(ctx, node):
            return
        record_gated(
            ctx,
            node,
            function,
            ROLES,
            f"`raise {ctx.code_for(exc.func)}(...)` in {{function}}: the middleware runs outside "
            "FastAPI's exception handlers, so the client gets `500 Internal Server Error` "
            "instead of this status; return a response (`JSONResponse(status_code=..., "
            'content={"detail": ...})`)',
        )

    @staticmethod
    def _caught(ctx: FileContext, node: cst.CSTNode) -> bool:
        """Raised in the body of a `try` with handlers: the middleware may catch it itself."""
        current = node
        while True:
            parent = ctx.parent_of(current)
            if parent is None or isinstance(parent, (cst.FunctionDef, cst.Lambda)):
                return False
            if isinstance(parent, cst.Try) and parent.handlers and current is parent.body:
                return True
            current = parent
