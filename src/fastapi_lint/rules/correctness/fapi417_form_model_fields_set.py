"""FAPI417 form-model-fields-set: ``model_fields_set`` of a ``Form()`` model, wrong before
FastAPI 0.148.0."""

from __future__ import annotations

from fastapi_lint.analysis.inference import BUILTIN_NAMES
from fastapi_lint.analysis.knowledge.names import FORM
from fastapi_lint.analysis.scope import BindingKind
from fastapi_lint.analysis.signatures import signature
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext
from fastapi_lint.lint.rule import Rule

FIXED_IN = "0.148.0"


class FormModelFieldsSet(Rule):
    code = "FAPI417"
    name = "form-model-fields-set"
    summary = f"`model_fields_set` of a `Form()` model: lists every field before FastAPI {FIXED_IN}"

    def visit_Attribute(self, node: cst.Attribute, ctx: FileContext) -> None:
        if node.attr.value != "model_fields_set" or not isinstance(node.value, cst.Name):
            return
        frame = ctx.frame
        function = frame.enclosing_function if frame is not None else None
        if function is None:
            return
        found = ctx.resolver.lookup(node.value.value, frame)  # type: ignore[arg-type]
        if found is None or found[0] is not function.frame:
            return
        bindings = found[1]
        if len(bindings) != 1 or bindings[0].kind is not BindingKind.PARAM:
            return
        version = ctx.options.versions().older_than("fastapi", FIXED_IN)
        if version is None:
            return
        param = next((p for p in signature(ctx, function) if p.param is bindings[0].node), None)
        if param is None or param.marker is None or param.marker.kind != FORM:
            return
        if param.type_name is None or param.type_name in BUILTIN_NAMES:
            return
        ctx.report(
            node,
            f"`{param.name}.model_fields_set` in {function.describe()}: FastAPI before "
            f"{FIXED_IN} (this project: {version.short()}) fills every form field the client "
            "did not send with its default before validating a `Form()` model, so "
            "`model_fields_set` lists every field and cannot tell sent values from defaults; "
            f"upgrade FastAPI to {FIXED_IN} or later",
        )
