"""FAPI502 deprecated-response-class: ``ORJSONResponse`` / ``UJSONResponse``."""

from __future__ import annotations

from fastapi_lint.analysis.inference import dotted_name
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext
from fastapi_lint.lint.rule import Rule

DEPRECATED_SINCE = "0.131.0"
CLASSES = frozenset({"fastapi.responses.ORJSONResponse", "fastapi.responses.UJSONResponse"})


class DeprecatedResponseClass(Rule):
    code = "FAPI502"
    name = "deprecated-response-class"
    summary = "`ORJSONResponse` / `UJSONResponse`: deprecated, slower than a response model"

    def visit_ImportFrom(self, node: cst.ImportFrom, ctx: FileContext) -> None:
        if node.relative or isinstance(node.names, cst.ImportStar):
            return
        module = dotted_name(node.module) if node.module else None
        if module not in ("fastapi.responses",):
            return
        for alias in node.names:
            name = dotted_name(alias.name)
            if f"{module}.{name}" in CLASSES:
                self._report(ctx, alias, name)  # type: ignore[arg-type]

    def visit_Attribute(self, node: cst.Attribute, ctx: FileContext) -> None:
        if node.attr.value not in ("ORJSONResponse", "UJSONResponse"):
            return
        if ctx.qualname(node) in CLASSES:
            self._report(ctx, node, node.attr.value)

    def _report(self, ctx: FileContext, node: cst.CSTNode, name: str) -> None:
        if ctx.options.versions().pinned_older_than("fastapi", DEPRECATED_SINCE):
            return
        ctx.report(
            node,
            f"`{name}` is deprecated since FastAPI {DEPRECATED_SINCE} and emits a "
            "`FastAPIDeprecationWarning`: with a return type or `response_model`, FastAPI "
            "serializes straight to JSON bytes with Pydantic, which is faster, and the class "
            "now needs its JSON library installed separately; declare the return type and "
            "drop the custom response class",
        )
