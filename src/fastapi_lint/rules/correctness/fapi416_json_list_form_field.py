"""FAPI416 json-list-form-field: ``Json[list[...]]`` form fields, broken before FastAPI 0.128.2."""

from __future__ import annotations

from fastapi_lint.analysis.knowledge.names import FORM
from fastapi_lint.analysis.signatures import signature
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext
from fastapi_lint.lint.rule import Rule
from fastapi_lint.rules.correctness.params import SEQUENCE_TYPES, type_name

FIXED_IN = "0.128.2"
JSON_TYPES = frozenset({"pydantic.Json", "pydantic.types.Json"})


class JsonListFormField(Rule):
    code = "FAPI416"
    name = "json-list-form-field"
    summary = f"`Json[list[...]]` form field: rejected by FastAPI before {FIXED_IN}"

    def end_file(self, ctx: FileContext) -> None:
        found = ctx.options.versions().older_than("fastapi", FIXED_IN)
        if found is None:
            return
        for function in ctx.functions:
            for param in signature(ctx, function):
                marker = param.marker
                if marker is None or marker.kind != FORM:
                    continue
                node = param.type_expr
                if not isinstance(node, cst.Subscript):
                    continue
                if type_name(ctx, node.value, param.frame) not in JSON_TYPES:
                    continue
                inner = node.slice[0].slice if node.slice else None
                if not (isinstance(inner, cst.Index) and isinstance(inner.value, cst.Subscript)):
                    continue
                if type_name(ctx, inner.value.value, param.frame) not in SEQUENCE_TYPES:
                    continue
                ctx.report(
                    param.param,
                    f"Form field `{param.name}: {ctx.code_for(node)}` of {function.describe()}: "
                    f"FastAPI before {FIXED_IN} (this project: {found.short()}) reads a "
                    "list-typed form field as repeated form values, so the JSON text never "
                    "reaches the `Json` validator and every request is rejected with `422`; "
                    f"upgrade FastAPI to {FIXED_IN} or later, or take a `str` and parse it",
                )
