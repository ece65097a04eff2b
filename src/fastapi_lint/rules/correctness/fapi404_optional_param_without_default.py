"""FAPI404 optional-param-without-default: ``q: str | None`` with no default is still required."""

from __future__ import annotations

from fastapi_lint.analysis.scope import FunctionInfo
from fastapi_lint.analysis.signatures import ParamInfo, signature
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext, PendingFix
from fastapi_lint.lint.rule import FixAvailability
from fastapi_lint.rules.correctness.params import is_none, plain_params, union_members
from fastapi_lint.rules.correctness.shared import QueryParamRule, record_query_param


class OptionalParamWithoutDefault(QueryParamRule):
    code = "FAPI404"
    name = "optional-param-without-default"
    summary = "Route parameter typed `X | None` without a default: it is still required"
    fix_availability = FixAvailability.SOMETIMES

    def end_file(self, ctx: FileContext) -> None:
        for function in ctx.functions:
            if not function.routes or any(r.websocket for r in function.routes):
                continue
            params = signature(ctx, function)
            for param in plain_params(params):
                if param.has_default or param.type_expr is None:
                    continue
                if param.marker is not None:
                    # `Annotated[str | None, Query(min_length=3)]` without a default is how
                    # FastAPI's docs spell "required, can be None": explicit, left alone.
                    continue
                members = union_members(ctx, param.type_expr, param.frame)
                if not members or not any(is_none(m) for m in members):
                    continue
                self._record(ctx, function, params, param)

    def _record(
        self, ctx: FileContext, function: FunctionInfo, params: list[ParamInfo], param: ParamInfo
    ) -> None:
        where = "query parameter"
        use = _use_without_none(function.node.body, param.name)
        if use is not None:
            # `= None` would turn the 422 into a 500: the type is what is wrong.
            advice = (
                f"the handler cannot take `None` (it uses `{use}`), so make the type "
                "non-optional (drop `None` from it)"
            )
            fix = None
        else:
            advice = (
                "add `= None` if it is optional, or drop `None` from the type if it is required"
            )
            fix = self._fix(ctx, params, param)
        record_query_param(
            ctx,
            param.param,
            function,
            param.name,
            f"`{param.name}: {ctx.code_for(param.type_expr)}` of {function.describe()} has no "  # type: ignore[arg-type]
            f"default, so this {where} is still required: a request without it gets "
            f"`422 Unprocessable Entity`; {advice}",
            fix=fix,
        )

    def _fix(
        self, ctx: FileContext, params: list[ParamInfo], param: ParamInfo
    ) -> PendingFix | None:
        index = params.index(param)
        if param.kind in ("posonly", "normal"):
            # A parameter with a default may not precede one without.
            for later in params[index + 1 :]:
                if later.kind in ("posonly", "normal") and later.param.default is None:
                    return None
        annotation = param.param.annotation
        if annotation is None:
            return None
        return PendingFix.unsafe("Add `= None`", ctx.insert_after(annotation.annotation, " = None"))


def _use_without_none(body: cst.CSTNode, name: str) -> str | None:
    """How the body uses ``name`` in a way `None` fails (`name[...]`, `name.attr`,
    `for ... in name`), unless the body tests it anywhere (`if name`, `name is None`,
    `name or ...`): then it handles `None`, and None is returned."""
    found: str | None = None
    stack: list[cst.CSTNode] = [body]
    while stack:
        node = stack.pop()
        tests: list[cst.CSTNode] = []
        if isinstance(node, (cst.If, cst.While, cst.IfExp)):
            tests.append(node.test)
        elif isinstance(node, (cst.BooleanOperation, cst.Comparison, cst.UnaryOperation)) or (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Name)
            and node.func.value in ("isinstance", "bool", "getattr", "hasattr")
        ):
            tests.append(node)
        if any(_mentions(test, name) for test in tests):
            return None
        if found is None:
            if isinstance(node, cst.Subscript) and _is_name(node.value, name):
                found = f"{name}[...]"
            elif isinstance(node, cst.Attribute) and _is_name(node.value, name):
                found = f"{name}.{node.attr.value}"
            elif isinstance(node, (cst.For, cst.CompFor)) and _is_name(node.iter, name):
                found = f"for ... in {name}"
        stack.extend(node.children)
    return found


def _is_name(node: cst.CSTNode, name: str) -> bool:
    return isinstance(node, cst.Name) and node.value == name


def _mentions(node: cst.CSTNode, name: str) -> bool:
    stack: list[cst.CSTNode] = [node]
    while stack:
        current = stack.pop()
        if _is_name(current, name):
            return True
        stack.extend(current.children)
    return False
