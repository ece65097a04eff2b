"""FAPI305 debug-enabled: ``FastAPI(debug=True)`` outside tests."""

from __future__ import annotations

from fastapi_lint.analysis.fastapi_model import keyword_argument
from fastapi_lint.analysis.knowledge.names import APP_TYPES
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext
from fastapi_lint.lint.helpers import is_true
from fastapi_lint.lint.rule import Rule
from fastapi_lint.rules.correctness.shared import is_example_module

MESSAGE = (
    "Debug mode is on: an unhandled exception answers with the full traceback (source "
    "lines, file paths) to whoever sent the request; drive it from configuration and keep it "
    "off in production"
)


class DebugEnabled(Rule):
    code = "FAPI305"
    name = "debug-enabled"
    summary = "`FastAPI(debug=True)` outside tests: tracebacks are sent to clients"

    def visit_Call(self, node: cst.Call, ctx: FileContext) -> None:
        frame = ctx.frame
        if frame is None or is_example_module(ctx):
            return
        if ctx.call_target(node, frame) not in APP_TYPES:
            return
        debug = keyword_argument(node, "debug")
        if debug is not None and is_true(ctx, debug, frame):
            ctx.report(debug, f"`debug=True`: {MESSAGE}")

    def visit_Assign(self, node: cst.Assign, ctx: FileContext) -> None:
        frame = ctx.frame
        if frame is None or is_example_module(ctx) or len(node.targets) != 1:
            return
        target = node.targets[0].target
        if not (isinstance(target, cst.Attribute) and target.attr.value == "debug"):
            return
        if ctx.infer_type(target.value, frame) in APP_TYPES and is_true(ctx, node.value, frame):
            ctx.report(node, f"`{ctx.code_for(target)} = True`: {MESSAGE}")
