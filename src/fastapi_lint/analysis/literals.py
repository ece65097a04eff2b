"""Literal values of expressions: ``"*"``, ``True``, ``["a", "b"]``, and names bound once to them.

Used for facts that must travel between modules (``ModuleSummary.constants``, class defaults)
and by rules that read configuration values (CORS origins, secrets, prefixes).
"""

from __future__ import annotations

from typing import Any

from fastapi_lint.analysis.inference import Resolver, string_value
from fastapi_lint.analysis.scope import BindingKind, Frame
from fastapi_lint.core.lazy import cst

_MAX_DEPTH = 5
MAX_STRING = 500
MAX_ELEMENTS = 100

NOT_LITERAL = object()
"""Returned by ``literal_value`` when the value is not a (small) literal."""


def literal_value(
    node: cst.BaseExpression | None,
    resolver: Resolver | None = None,
    frame: Frame | None = None,
    depth: int = 0,
    nested: bool = False,
) -> Any:
    """The Python value of a literal expression, or ``NOT_LITERAL``.

    With a resolver and a frame, a name bound exactly once (by a plain assignment) stands for
    its value. Tuples and sets become lists; containers are flat (no nested containers).
    """
    if node is None or depth > _MAX_DEPTH:
        return NOT_LITERAL
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = string_value(node)
        if value is None or len(value) > MAX_STRING:
            return NOT_LITERAL
        return value
    if isinstance(node, cst.Integer):
        try:
            return int(node.evaluated_value)
        except (ValueError, TypeError):
            return NOT_LITERAL
    if isinstance(node, cst.Float):
        try:
            return float(node.evaluated_value)
        except (ValueError, TypeError):
            return NOT_LITERAL
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        inner = literal_value(node.expression, resolver, frame, depth + 1, nested)
        if isinstance(inner, (int, float)) and not isinstance(inner, bool):
            return -inner
        return NOT_LITERAL
    if isinstance(node, cst.Name):
        if node.value == "True":
            return True
        if node.value == "False":
            return False
        if node.value == "None":
            return None
        if resolver is None or frame is None:
            return NOT_LITERAL
        found = resolver.lookup(node.value, frame)
        if found is None:
            return NOT_LITERAL
        scope, bindings = found
        if (
            len(bindings) != 1
            or bindings[0].kind is not BindingKind.ASSIGN
            or bindings[0].opaque
            or bindings[0].value is None
        ):
            return NOT_LITERAL
        return literal_value(bindings[0].value, resolver, scope, depth + 1, nested)
    if isinstance(node, (cst.List, cst.Tuple, cst.Set)) and not nested:
        if len(node.elements) > MAX_ELEMENTS:
            return NOT_LITERAL
        values = []
        for element in node.elements:
            if isinstance(element, cst.StarredElement):
                return NOT_LITERAL
            value = literal_value(element.value, resolver, frame, depth + 1, nested=True)
            if value is NOT_LITERAL:
                return NOT_LITERAL
            values.append(value)
        return values
    return NOT_LITERAL


def is_literal(value: Any) -> bool:
    return value is not NOT_LITERAL
