"""What FastAPI makes of a route parameter's annotation: unions, optionals, sequences, scalars."""

from __future__ import annotations

from fastapi_lint.analysis.knowledge.names import BACKGROUND_TASKS, OPTIONAL, UNION
from fastapi_lint.analysis.scope import Frame
from fastapi_lint.analysis.signatures import ParamInfo
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext

# Parameters FastAPI fills itself, whatever their default or annotation.
INJECTED_TYPES = frozenset(
    {
        "starlette.requests.Request",
        "starlette.requests.HTTPConnection",
        "starlette.websockets.WebSocket",
        "starlette.responses.Response",
        BACKGROUND_TASKS,
        "fastapi.security.SecurityScopes",
        "fastapi.security.oauth2.SecurityScopes",
    }
)

# Types FastAPI reads from a single query/path/header/cookie string.
SCALAR_TYPES = frozenset(
    {
        "str",
        "int",
        "float",
        "bool",
        "bytes",
        "uuid.UUID",
        "datetime.date",
        "datetime.datetime",
        "datetime.time",
        "datetime.timedelta",
        "decimal.Decimal",
        "pydantic.UUID4",
        "pydantic.UUID1",
        "pydantic.EmailStr",
        "pydantic.networks.EmailStr",
        "pydantic.HttpUrl",
        "pydantic.AnyUrl",
        "pydantic.StrictStr",
        "pydantic.StrictInt",
        "pydantic.PositiveInt",
        "pydantic.NonNegativeInt",
    }
)
LITERAL = frozenset({"typing.Literal", "typing_extensions.Literal"})

SEQUENCE_TYPES = frozenset(
    {
        "list",
        "set",
        "tuple",
        "frozenset",
        "typing.List",
        "typing.Set",
        "typing.Tuple",
        "typing.FrozenSet",
        "typing.Sequence",
        "collections.abc.Sequence",
    }
)


def type_name(ctx: FileContext, node: cst.BaseExpression, frame: Frame) -> str | None:
    if isinstance(node, (cst.Name, cst.Attribute)):
        return ctx.qualname(node, frame)
    return None


def is_none(node: cst.BaseExpression) -> bool:
    return (isinstance(node, cst.Name) and node.value == "None") or (
        isinstance(node, cst.SimpleString) and node.value in ('"None"', "'None'")
    )


def union_members(
    ctx: FileContext, node: cst.BaseExpression, frame: Frame
) -> list[cst.BaseExpression] | None:
    """The members of ``X | Y``, ``Union[X, Y]``, ``Optional[X]`` (None included); None when
    ``node`` is not a union."""
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        left = union_members(ctx, node.left, frame) or [node.left]
        right = union_members(ctx, node.right, frame) or [node.right]
        return [*left, *right]
    if isinstance(node, cst.Subscript):
        origin = type_name(ctx, node.value, frame)
        elements = [e.slice.value for e in node.slice if isinstance(e.slice, cst.Index)]
        if origin == OPTIONAL and len(elements) == 1:
            inner = union_members(ctx, elements[0], frame) or [elements[0]]
            return [*inner, cst.Name("None")]
        if origin == UNION:
            members: list[cst.BaseExpression] = []
            for element in elements:
                members.extend(union_members(ctx, element, frame) or [element])
            return members
    return None


def is_scalar(ctx: FileContext, node: cst.BaseExpression, frame: Frame) -> bool:
    """A type FastAPI reads from one string (a known scalar, or a ``Literal``)."""
    if isinstance(node, cst.Subscript):
        return type_name(ctx, node.value, frame) in LITERAL
    return type_name(ctx, node, frame) in SCALAR_TYPES


def sequence_of_scalars(ctx: FileContext, node: cst.BaseExpression, frame: Frame) -> str | None:
    """``list[str]``, ``set[int]``, ``tuple[str, ...]``: the container's name, else None."""
    if not isinstance(node, cst.Subscript):
        return None
    origin = type_name(ctx, node.value, frame)
    if origin not in SEQUENCE_TYPES:
        return None
    elements = [e.slice.value for e in node.slice if isinstance(e.slice, cst.Index)]
    if not elements:
        return None
    if (
        origin in ("tuple", "typing.Tuple")
        and len(elements) == 2
        and isinstance(elements[1], cst.Ellipsis)
    ):
        elements = elements[:1]
    if all(is_scalar(ctx, element, frame) for element in elements):
        return origin.rpartition(".")[2]
    return None


def is_injected(param: ParamInfo) -> bool:
    return param.type_name in INJECTED_TYPES


def plain_params(params: list[ParamInfo]) -> list[ParamInfo]:
    """Parameters FastAPI reads from the request (not dependencies, not injected objects)."""
    return [
        p
        for p in params
        if p.kind in ("posonly", "normal", "kwonly")
        and not is_injected(p)
        and not (p.marker is not None and p.marker.is_dependency)
    ]
