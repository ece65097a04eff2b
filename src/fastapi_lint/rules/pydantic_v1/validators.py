"""What FAPI202 and FAPI203 share: reading a v1 validator's decorator and signature, and how
its ``values`` parameter is used."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext
from fastapi_lint.rules.pydantic_v1.analysis import FileAnalysis, Reference, ValidatorUse

# Methods of a dict that only read it.
READ_METHODS = frozenset({"get", "keys", "values", "items", "copy", "__contains__", "__getitem__"})


@dataclass(slots=True)
class Signature:
    first: cst.Param  # cls
    value: cst.Param | None  # the validated value (field validators)
    values: cst.Param | None  # `values`
    problem: str = ""


def extra_decorators(use: ValidatorUse) -> tuple[cst.Decorator | None, str]:
    """The ``@classmethod`` below the validator decorator (if any), or why other decorators
    prevent a fix."""
    decorators = list(use.function.node.decorators)
    classmethod = None
    for index, decorator in enumerate(decorators):
        if decorator is use.decorator:
            continue
        expression = decorator.decorator
        if isinstance(expression, cst.Name) and expression.value == "classmethod":
            if index < decorators.index(use.decorator):
                return None, "`@classmethod` is above the validator decorator"
            classmethod = decorator
            continue
        return None, "the method has other decorators"
    return classmethod, ""


def read_signature(use: ValidatorUse, field_validator: bool) -> Signature:
    params = use.function.node.params
    positional = [*params.posonly_params, *params.params]
    if (
        params.kwonly_params
        or params.star_kwarg is not None
        or not isinstance(params.star_arg, cst.MaybeSentinel)
    ):
        return Signature(
            positional[0] if positional else None,
            None,
            None,
            "its signature has `*`/`**` parameters",
        )  # type: ignore[arg-type]
    if any(p.default is not None for p in positional) or not positional:
        return Signature(
            positional[0] if positional else None, None, None, "its parameters have defaults"
        )  # type: ignore[arg-type]
    if field_validator:
        names = [p.name.value for p in positional]
        if len(positional) == 2:
            return Signature(positional[0], positional[1], None)
        if len(positional) == 3 and names[2] == "values":
            return Signature(positional[0], positional[1], positional[2])
        extra = [n for n in names[2:] if n in ("field", "config")]
        if extra:
            return Signature(
                positional[0],
                None,
                None,
                f"it takes {' and '.join(f'`{n}`' for n in extra)}, which v2 validators do not get",
            )
        return Signature(positional[0], None, None, "its signature is not `(cls, v[, values])`")
    if len(positional) == 2:
        return Signature(positional[0], None, positional[1])
    return Signature(positional[0], None, None, "its signature is not `(cls, values)`")


def classify_values_use(reference: Reference, ctx: FileContext) -> str:
    """How a use of ``values`` reads it: "read", "subscript" (``values["k"]``), "get"
    (``values.get("k")``), "return" (``return values``) or "mutate"/"other"."""
    parent = reference.parent
    parents = ctx.walk.parents
    if isinstance(parent, cst.Return):
        return "return"
    if isinstance(parent, cst.Subscript) and parent.value is reference.node:
        holder = parents.get(parent)
        if isinstance(holder, (cst.AssignTarget, cst.Del)) or (
            isinstance(holder, cst.AugAssign) and holder.target is parent
        ):
            return "mutate"
        return "subscript"
    if isinstance(parent, cst.Attribute) and parent.value is reference.node:
        call = parents.get(parent)
        if isinstance(call, cst.Call) and call.func is parent:
            return (
                "get"
                if parent.attr.value == "get"
                else ("read" if parent.attr.value in READ_METHODS else "mutate")
            )
        return "other"
    if isinstance(parent, cst.ComparisonTarget) and isinstance(
        parent.operator, (cst.In, cst.NotIn)
    ):
        return "read"
    if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is reference.node:
        return "read"
    if isinstance(parent, cst.StarredDictElement):
        return "read"  # `{**values, ...}` builds a new dict
    return "other"


def mutates_values(shared: FileAnalysis, use: ValidatorUse, name: str, ctx: FileContext) -> bool:
    uses = shared.parameter_uses(use.function, name)
    if uses is None:
        return True
    return any(classify_values_use(r, ctx) in ("mutate", "other") for r in uses)


def string_key(node: cst.BaseExpression | None) -> str | None:
    from fastapi_lint.analysis.inference import string_value

    text = string_value(node)
    return text if text is not None and text.isidentifier() else None


def free_name(ctx: FileContext, use: ValidatorUse, candidates: tuple[str, ...]) -> str | None:
    """A name no scope visible from the function binds (so that a new parameter shadows
    nothing the body uses)."""
    for candidate in candidates:
        if ctx.resolver.lookup(candidate, use.function.frame) is None:
            return candidate
    return None
