"""FAPI411 redundant-response-model: ``response_model=X`` on a route already annotated ``-> X``."""

from __future__ import annotations

from fastapi_lint.analysis.inference import string_value
from fastapi_lint.analysis.scope import Frame
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext, PendingFix
from fastapi_lint.lint.rule import FixAvailability, Rule

# FastAPI reads the return annotation as the response model since 0.89.0.
RETURN_TYPE_AS_MODEL = "0.89.0"


def same_type(ctx: FileContext, a: cst.BaseExpression, b: cst.BaseExpression, frame: Frame) -> bool:
    """The two type expressions name the same type (names resolved, strings parsed)."""
    a, b = _unquote(a), _unquote(b)
    if a is None or b is None:
        return False
    if isinstance(a, (cst.Name, cst.Attribute)) and isinstance(b, (cst.Name, cst.Attribute)):
        left = _name(ctx, a, frame)
        return left is not None and left == _name(ctx, b, frame)
    if isinstance(a, cst.Subscript) and isinstance(b, cst.Subscript):
        if not same_type(ctx, a.value, b.value, frame) or len(a.slice) != len(b.slice):
            return False
        for left, right in zip(a.slice, b.slice, strict=True):
            if not (isinstance(left.slice, cst.Index) and isinstance(right.slice, cst.Index)):
                return False
            if not same_type(ctx, left.slice.value, right.slice.value, frame):
                return False
        return True
    if isinstance(a, cst.BinaryOperation) and isinstance(b, cst.BinaryOperation):
        return (
            isinstance(a.operator, cst.BitOr)
            and isinstance(b.operator, cst.BitOr)
            and same_type(ctx, a.left, b.left, frame)
            and same_type(ctx, a.right, b.right, frame)
        )
    return False


def _unquote(node: cst.BaseExpression) -> cst.BaseExpression | None:
    if isinstance(node, cst.SimpleString):
        text = string_value(node)
        if text is None:
            return None
        try:
            return cst.parse_expression(text)
        except Exception:
            return None
    return node


def _name(ctx: FileContext, node: cst.BaseExpression, frame: Frame) -> str | None:
    # Parsed strings are not part of the walked tree: resolve their names in `frame` directly.
    if node in ctx.walk.parents:
        return ctx.qualname(node, frame)
    if isinstance(node, cst.Name):
        return ctx.resolver.name_qualname(node.value, frame)
    if isinstance(node, cst.Attribute):
        base = _name(ctx, node.value, frame)
        return None if base is None else f"{base}.{node.attr.value}"
    return None


class RedundantResponseModel(Rule):
    code = "FAPI411"
    name = "redundant-response-model"
    summary = "`response_model=` repeats the route's return annotation"
    fix_availability = FixAvailability.ALWAYS
    opt_in = True  # style: out of the default selection

    def end_file(self, ctx: FileContext) -> None:
        versions = ctx.options.versions()
        if versions.pinned_older_than("fastapi", RETURN_TYPE_AS_MODEL):
            return
        for function, route in ctx.fastapi.routes:
            if function is None or route.call is None or function.node.returns is None:
                continue
            arg = next(
                (
                    a
                    for a in route.call.args
                    if a.keyword is not None and a.keyword.value == "response_model"
                ),
                None,
            )
            if arg is None or (isinstance(arg.value, cst.Name) and arg.value.value == "None"):
                continue  # `response_model=None` is FastAPI's documented "no model" switch
            annotation = function.node.returns.annotation
            if not same_type(ctx, arg.value, annotation, function.parent):
                continue
            label = route.label
            if not route.path and route.call.args and route.call.args[0].keyword is None:
                # `@router.get("")` under a prefix it does not know (`f"{base}/tags"`): the
                # registration as written says more than `GET `.
                label = f"{ctx.code_for(route.call.func)}({ctx.code_for(route.call.args[0].value)})"
            ctx.report(
                arg,
                f"`response_model={ctx.code_for(arg.value)}` repeats the return annotation of "
                f"route `{label}` (`{function.name}`): FastAPI already uses the annotation "
                "as the response model, and the two can drift apart when one is edited; remove "
                "the argument",
                fix=PendingFix.safe("Remove `response_model=`", ctx.remove_arg(route.call, arg)),
            )
