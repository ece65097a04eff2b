"""FAPI503 deprecated-wsgi-middleware: ``WSGIMiddleware`` from FastAPI/Starlette; use
``a2wsgi``."""

from __future__ import annotations

from fastapi_lint.analysis.inference import dotted_name
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext, PendingFix
from fastapi_lint.lint.rule import FixAvailability, Rule

MODULES = frozenset({"fastapi.middleware.wsgi", "starlette.middleware.wsgi"})
MESSAGE = (
    "`{module}.WSGIMiddleware` is deprecated: Starlette warns when the module is imported and "
    "will remove it in a future release; use `a2wsgi.WSGIMiddleware`, the maintained "
    "replacement with the same constructor"
)


class DeprecatedWSGIMiddleware(Rule):
    code = "FAPI503"
    name = "deprecated-wsgi-middleware"
    summary = "`WSGIMiddleware` from FastAPI/Starlette: deprecated, use `a2wsgi`"
    fix_availability = FixAvailability.SOMETIMES

    def visit_ImportFrom(self, node: cst.ImportFrom, ctx: FileContext) -> None:
        if node.relative or isinstance(node.names, cst.ImportStar):
            return
        module = dotted_name(node.module) if node.module else None
        if module not in MODULES:
            return
        for alias in node.names:
            if dotted_name(alias.name) != "WSGIMiddleware":
                continue
            fix = None
            if len(node.names) == 1:
                asname = ""
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    asname = f" as {alias.asname.name.value}"
                fix = PendingFix.unsafe(
                    "Import `WSGIMiddleware` from `a2wsgi`",
                    ctx.replace(node, f"from a2wsgi import WSGIMiddleware{asname}"),
                )
            ctx.report(alias, MESSAGE.format(module=module), fix=fix)

    def visit_Import(self, node: cst.Import, ctx: FileContext) -> None:
        for alias in node.names:
            module = dotted_name(alias.name)
            if module in MODULES:
                ctx.report(alias, MESSAGE.format(module=module))
