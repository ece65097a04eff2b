"""Helpers shared by rules of several families (a family's own helpers live in its package)."""

from __future__ import annotations

from fastapi_lint.analysis.scope import BindingKind, Frame
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext

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


def is_true(ctx: FileContext, node: cst.BaseExpression | None, frame: Frame) -> bool:
    value = constant_value(ctx, node, frame)
    return isinstance(value, cst.Name) and value.value == "True"
