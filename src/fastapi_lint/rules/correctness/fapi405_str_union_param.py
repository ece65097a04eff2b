"""FAPI405 str-union-param: ``int | str`` path/query/header/cookie parameters are always ``str``."""

from __future__ import annotations

from fastapi_lint.analysis.fastapi_model import keyword_argument
from fastapi_lint.analysis.knowledge.names import COOKIE, HEADER, PATH, QUERY
from fastapi_lint.analysis.scope import FunctionInfo
from fastapi_lint.analysis.signatures import ParamInfo, signature
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext, PendingFix
from fastapi_lint.lint.importer import plan_from_import
from fastapi_lint.lint.rule import FixAvailability
from fastapi_lint.rules.correctness.params import (
    is_none,
    is_scalar,
    plain_params,
    type_name,
    union_members,
)
from fastapi_lint.rules.correctness.shared import GatedRule, record_gated

STRING_MARKERS = frozenset({QUERY, PATH, HEADER, COOKIE})
ROLES = ("route", "websocket", "dependency")


class StrUnionParam(GatedRule):
    code = "FAPI405"
    name = "str-union-param"
    summary = "Path/query/header/cookie parameter typed as a union with `str`: always a `str`"
    fix_availability = FixAvailability.SOMETIMES

    def end_file(self, ctx: FileContext) -> None:
        if ctx.options.versions().older_than("pydantic", "2.0"):
            return  # Pydantic v1 tries the members left to right
        for function in ctx.functions:
            if not function.node.params.params and not function.node.params.kwonly_params:
                continue
            for param in plain_params(signature(ctx, function)):
                if param.marker is not None and param.marker.kind not in STRING_MARKERS:
                    continue
                if param.type_expr is None:
                    continue
                self._check(ctx, function, param)

    def _check(self, ctx: FileContext, function: FunctionInfo, param: ParamInfo) -> None:
        if param.annotated is not None and any(
            isinstance(e.slice, cst.Index)
            and isinstance(e.slice.value, cst.Call)
            and keyword_argument(e.slice.value, "union_mode") is not None
            for e in param.annotated.slice[1:]
        ):
            return  # the union mode is chosen explicitly
        members = union_members(ctx, param.type_expr, param.frame)  # type: ignore[arg-type]
        if not members:
            return
        values = [m for m in members if not is_none(m)]
        names = [type_name(ctx, m, param.frame) for m in values]
        if "str" not in names or names[0] == "str" or len(values) < 2:
            return
        if not all(is_scalar(ctx, m, param.frame) for m in values):
            return
        converters = {
            ctx.code_for(m).rpartition(".")[2]
            for m, n in zip(values, names, strict=True)
            if n != "str"
        }
        converters |= {"UUID" for c in converters if c.startswith("UUID")}
        if _converts(function.node.body, param.name, converters):
            return  # `isinstance(item_id, UUID) ... else: UUID(item_id)`: copes with a `str`
        others = ", ".join(
            f"`{ctx.code_for(m)}`" for m, n in zip(values, names, strict=True) if n != "str"
        )
        record_gated(
            ctx,
            param.param,
            function,
            ROLES,
            f"`{param.name}: {ctx.code_for(param.type_expr)}` of {{function}}: the value comes "  # type: ignore[arg-type]
            "from the URL or a header as a string, and Pydantic v2's smart union mode prefers "
            f"the exact `str` match, so {others} is never produced (fastapi#11251); validate "
            'left to right with `Field(union_mode="left_to_right")`',
            fix=self._fix(ctx, function, param),
        )

    def _fix(self, ctx: FileContext, function: FunctionInfo, param: ParamInfo) -> PendingFix | None:
        # A marker given as the default value (`= Query()`) makes FastAPI drop the `Field`
        # metadata of `Annotated`: no fix then (FAPI410 moves the marker first).
        if param.marker is not None and not param.marker.in_annotated:
            return None
        field = plan_from_import(ctx, "pydantic", "Field", function.parent)
        if field is None:
            return None
        field_text = f'{field.expression}(union_mode="left_to_right")'
        if param.annotated is not None:
            last = param.annotated.slice[-1].slice
            return PendingFix.unsafe(
                "Validate the union left to right",
                ctx.insert_after(last, f", {field_text}"),
                *field.edits,
            )
        if param.annotation is not param.type_expr:
            return None  # an `Annotated` alias: left to the user
        annotated = plan_from_import(ctx, "typing", "Annotated", function.parent)
        if annotated is None:
            return None
        text = f"{annotated.expression}[{ctx.code_for(param.type_expr)}, {field_text}]"  # type: ignore[arg-type]
        return PendingFix.unsafe(
            "Validate the union left to right",
            ctx.replace(param.type_expr, text),  # type: ignore[arg-type]
            *annotated.edits,
            *field.edits,
        )


def _converts(body: cst.CSTNode, name: str, converters: set[str]) -> bool:
    """The body tests the value's type (`isinstance(name, ...)`) and converts it itself with
    one of the other members (`UUID(name)`): it handles the `str` it always gets. Testing the
    type alone is the bug: the other branch is never taken."""
    tests = converts = False
    stack: list[cst.CSTNode] = [body]
    while stack:
        node = stack.pop()
        if (
            isinstance(node, cst.Call)
            and node.args
            and isinstance(node.args[0].value, cst.Name)
            and node.args[0].value.value == name
        ):
            callee = node.func.attr.value if isinstance(node.func, cst.Attribute) else None
            if isinstance(node.func, cst.Name):
                callee = node.func.value
            tests = tests or callee == "isinstance"
            converts = converts or callee in converters
        stack.extend(node.children)
    return tests and converts
