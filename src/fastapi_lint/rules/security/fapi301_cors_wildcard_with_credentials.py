"""FAPI301 cors-wildcard-with-credentials: ``allow_origins=["*"]`` with ``allow_credentials=True``."""

from __future__ import annotations

from fastapi_lint.context import FileContext
from fastapi_lint.fastapi_model import keyword_argument
from fastapi_lint.inference import string_value
from fastapi_lint.knowledge.names import CORS_MIDDLEWARE, MIDDLEWARE
from fastapi_lint.lazy import cst
from fastapi_lint.registry import Rule
from fastapi_lint.scope import BindingKind, Frame

_MAX_CONSTANT_DEPTH = 5


def constant_value(
    ctx: FileContext, node: cst.BaseExpression | None, frame: Frame, depth: int = 0
) -> cst.BaseExpression | None:
    """Follow a name to the literal it is bound to, when it is bound exactly once."""
    while isinstance(node, cst.Name) and depth < _MAX_CONSTANT_DEPTH:
        if node.value in ("True", "False", "None"):
            return node
        found = ctx.resolver.lookup(node.value, frame)
        if found is None:
            return None
        scope, bindings = found
        if len(bindings) != 1 or bindings[0].kind is not BindingKind.ASSIGN or bindings[0].opaque:
            return None
        node, frame = bindings[0].value, scope
        depth += 1
    return node


def is_wildcard_origins(ctx: FileContext, node: cst.BaseExpression | None, frame: Frame) -> bool:
    value = constant_value(ctx, node, frame)
    if isinstance(value, (cst.List, cst.Tuple, cst.Set)):
        for element in value.elements:
            if isinstance(element, cst.StarredElement):
                continue
            if string_value(constant_value(ctx, element.value, frame)) == "*":
                return True
    return False


def is_true(ctx: FileContext, node: cst.BaseExpression | None, frame: Frame) -> bool:
    value = constant_value(ctx, node, frame)
    return isinstance(value, cst.Name) and value.value == "True"


class CorsWildcardWithCredentials(Rule):
    code = "FAPI301"
    name = "cors-wildcard-with-credentials"
    summary = "`CORSMiddleware` allows every origin (`*`) together with credentials"

    def visit_Call(self, node: cst.Call, ctx: FileContext) -> None:
        frame = ctx.frame
        if frame is None or not node.args:
            return
        if not self._is_cors_middleware(node, ctx, frame):
            return
        origins = keyword_argument(node, "allow_origins")
        credentials = keyword_argument(node, "allow_credentials")
        if not is_wildcard_origins(ctx, origins, frame) or not is_true(ctx, credentials, frame):
            return
        ctx.report(
            node,
            "`CORSMiddleware` with `allow_origins=['*']` and `allow_credentials=True`: Starlette "
            "then answers every requesting origin by echoing it back with credentials allowed, so "
            "any website can make authenticated requests with your users' cookies; list the "
            "trusted origins explicitly",
        )

    @staticmethod
    def _is_cors_middleware(node: cst.Call, ctx: FileContext, frame: Frame) -> bool:
        first = node.args[0]
        if first.keyword is not None or first.star:
            return False
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "add_middleware":
            pass
        elif ctx.call_target(node, frame) != MIDDLEWARE:
            return False
        return ctx.qualname(first.value, frame) == CORS_MIDDLEWARE
