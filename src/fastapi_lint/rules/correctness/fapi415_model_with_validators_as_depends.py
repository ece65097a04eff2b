"""FAPI415 model-with-validators-as-depends: a Pydantic model with validators used as
``Depends()``: a ``ValueError`` in a validator becomes a 500."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi_lint.analysis.module_summary import ModuleSummary, Span, fact_type
from fastapi_lint.analysis.scope import ClassInfo
from fastapi_lint.analysis.signatures import signature
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext
from fastapi_lint.lint.rule import ModuleReport, Rule
from fastapi_lint.project.index import Project

VALIDATED = "fapi415-validated"
DEPENDS_ON_CLASS = "fapi415-depends"

VALIDATOR_DECORATORS = frozenset(
    {
        "pydantic.field_validator",
        "pydantic.model_validator",
        "pydantic.validator",
        "pydantic.root_validator",
        "pydantic.functional_validators.field_validator",
        "pydantic.functional_validators.model_validator",
        "pydantic.class_validators.validator",
        "pydantic.class_validators.root_validator",
        "pydantic.v1.validator",
        "pydantic.v1.root_validator",
    }
)
# `Annotated[int, AfterValidator(f)]` field types run code that may raise `ValueError` too.
ANNOTATED_VALIDATORS = frozenset(
    {
        "pydantic.AfterValidator",
        "pydantic.BeforeValidator",
        "pydantic.PlainValidator",
        "pydantic.WrapValidator",
        "pydantic.functional_validators.AfterValidator",
        "pydantic.functional_validators.BeforeValidator",
        "pydantic.functional_validators.PlainValidator",
        "pydantic.functional_validators.WrapValidator",
    }
)


@fact_type(VALIDATED)
@dataclass(slots=True)
class ValidatedClass:
    """A class whose own body declares validators (a fact of FAPI415, not of the FAPI2xx
    family): the validator's name, for messages."""

    klass: str
    validator: str


@fact_type(DEPENDS_ON_CLASS)
@dataclass(slots=True)
class DependsOnClass:
    function: str
    param: str
    dependency: str
    span: Span


class ModelWithValidatorsAsDepends(Rule):
    code = "FAPI415"
    name = "model-with-validators-as-depends"
    summary = "Pydantic model with validators used as `Depends()`: a `ValueError` becomes a 500"

    def end_file(self, ctx: FileContext) -> None:
        for klass in ctx.classes:
            validator = self._validator(ctx, klass)
            if validator is not None:
                ctx.summary.add_fact(
                    VALIDATED, ValidatedClass(ctx.resolver.local(klass.qualname), validator)
                )
        local_functions = ctx.resolver.functions_by_qualname
        for function in ctx.functions:
            for param in signature(ctx, function):
                marker = param.marker
                if marker is None or not marker.is_dependency or not marker.dependency_name:
                    continue
                if marker.dependency_name in local_functions:
                    continue
                ctx.summary.add_fact(
                    DEPENDS_ON_CLASS,
                    DependsOnClass(
                        ctx.resolver.local(function.qualname),
                        param.name,
                        marker.dependency_name,
                        ctx.lazy_span(marker.call),
                    ),
                )

    @staticmethod
    def _validator(ctx: FileContext, klass: ClassInfo) -> str | None:
        """A validator that can reject a value (it raises or asserts)."""
        for name, method in klass.methods.items():
            for decorator in method.node.decorators:
                expr = decorator.decorator
                if isinstance(expr, cst.Call):
                    expr = expr.func
                if ctx.qualname(expr, klass.frame) in VALIDATOR_DECORATORS and _rejects(
                    ctx, method.node
                ):
                    return f"`{name}`"
        for name, annotation in klass.attribute_annotations.items():
            if not isinstance(annotation, cst.Subscript):
                continue
            for element in annotation.slice[1:]:
                value = element.slice.value if isinstance(element.slice, cst.Index) else None
                if not (
                    isinstance(value, cst.Call)
                    and ctx.call_target(value, klass.frame) in ANNOTATED_VALIDATORS
                    and value.args
                ):
                    continue
                function = ctx.resolver.functions_by_qualname.get(
                    ctx.qualname(value.args[0].value, klass.frame) or ""
                )
                if function is None or _rejects(ctx, function.node):
                    return f"`{ctx.code_for(value.func)}` on `{name}`"
        return None

    def check_module(self, module: ModuleSummary, project: Project, report: ModuleReport) -> None:
        records = [
            r for r in module.facts.get(DEPENDS_ON_CLASS, ()) if isinstance(r, DependsOnClass)
        ]
        if not records:
            return
        validated = project.cached("fapi415-validated", _validated)
        models = project.model_classes()
        for record in records:
            model = project.resolve(record.dependency)
            if model not in models:
                continue
            found = next(
                (
                    (klass, validated[klass])
                    for klass in [model, *project.class_ancestors(model)]
                    if klass in validated
                ),
                None,
            )
            if found is None:
                continue
            klass, validator = found
            owner = "" if klass == model else f" (inherited from `{klass.rpartition('.')[2]}`)"
            function = project.function(record.function)
            where = function.describe() if function is not None else f"`{record.function}`"
            report.report(
                record.span,
                f"`{record.param}` of {where} is the model `{model.rpartition('.')[2]}` used as "
                f"`Depends()`, and it has validators ({validator}{owner}): FastAPI calls the "
                "model like a function, so a `ValueError` raised by a validator escapes as a "
                "`ValidationError` and the client gets `500` instead of `422`; declare it as "
                "`Annotated[Model, Query()]` (or `Form()`, `Body()`)",
            )


_REJECTS = re.compile(r"\b(raise|assert)\b")


def _rejects(ctx: FileContext, function: cst.FunctionDef) -> bool:
    """The validator's body raises or asserts (a normalizing validator never fails)."""
    return _REJECTS.search(ctx.code_for(function.body)) is not None


def _validated(project: Project) -> dict[str, str]:
    return {
        project.resolve(record.klass): record.validator
        for _, record in project.facts(VALIDATED)
        if isinstance(record, ValidatedClass)
    }
