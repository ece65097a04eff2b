"""FAPI408 body-on-no-content-status: ``status_code=204`` with a response model."""

from __future__ import annotations

import re
from dataclasses import dataclass
from http import HTTPStatus

from fastapi_lint.analysis.inference import BUILTIN_NAMES, STDLIB_MODULES
from fastapi_lint.analysis.knowledge.names import RESPONSE_TYPES
from fastapi_lint.analysis.module_summary import ModuleSummary, Span, fact_type
from fastapi_lint.analysis.scope import FunctionInfo, RouteInfo
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext
from fastapi_lint.lint.rule import ModuleReport, Rule
from fastapi_lint.project.index import Project

FACT = "fapi408"
_STATUS_NAME = re.compile(r"^HTTP_(\d{3})_")


def status_code_value(ctx: FileContext, node: cst.BaseExpression | None) -> int | None:
    """``204``, ``status.HTTP_204_NO_CONTENT``, ``HTTPStatus.NO_CONTENT``."""
    if isinstance(node, cst.Integer):
        try:
            return int(node.evaluated_value)
        except (ValueError, TypeError):
            return None
    if not isinstance(node, (cst.Name, cst.Attribute)):
        return None
    name = ctx.qualname(node) or ""
    module, _, attr = name.rpartition(".")
    if module == "starlette.status":
        match = _STATUS_NAME.match(attr)
        return int(match.group(1)) if match else None
    if module == "http.HTTPStatus" and attr in HTTPStatus.__members__:
        return HTTPStatus[attr].value
    return None


def body_forbidden(code: int) -> bool:
    return code < 200 or code in (204, 205, 304)


@fact_type(FACT)
@dataclass(slots=True)
class NoContentBody:
    span: Span
    status: int
    route: str  # the route's label
    function: str
    what: str  # "`response_model=Item`" or "the return annotation `-> Item`"
    annotation: str | None = None  # the annotation's class, decided in the project pass


class BodyOnNoContentStatus(Rule):
    code = "FAPI408"
    name = "body-on-no-content-status"
    summary = (
        "`status_code=204`/`304` (or below 200) with a response model: FastAPI refuses to start"
    )

    def end_file(self, ctx: FileContext) -> None:
        for function, route in ctx.fastapi.routes:
            if route.call is None or route.websocket:
                continue
            self._route(ctx, function, route)

    def _route(self, ctx: FileContext, function: FunctionInfo | None, route: RouteInfo) -> None:
        call = route.call
        assert call is not None
        status = status_code_value(ctx, route.keyword("status_code"))
        label = route.label
        name = function.name if function is not None else "?"
        if status is not None and body_forbidden(status):
            model = route.keyword("response_model")
            if model is not None:
                if not (isinstance(model, cst.Name) and model.value == "None"):
                    self._record(
                        ctx, model, status, label, name, f"`response_model={ctx.code_for(model)}`"
                    )
            elif function is not None and function.node.returns is not None:
                self._annotation(ctx, function, status, label)
        responses = route.keyword("responses")
        if isinstance(responses, cst.Dict):
            for element in responses.elements:
                if not isinstance(element, cst.DictElement):
                    continue
                code = status_code_value(ctx, element.key)
                if (
                    code is None
                    or not body_forbidden(code)
                    or not isinstance(element.value, cst.Dict)
                ):
                    continue
                for item in element.value.elements:
                    if (
                        isinstance(item, cst.DictElement)
                        and isinstance(item.key, cst.SimpleString)
                        and item.key.evaluated_value == "model"
                    ):
                        self._record(
                            ctx,
                            item,
                            code,
                            label,
                            name,
                            f'`responses={{{code}: {{"model": ...}}}}`',
                        )

    def _annotation(
        self, ctx: FileContext, function: FunctionInfo, status: int, label: str
    ) -> None:
        returns = function.node.returns
        assert returns is not None
        annotation = returns.annotation
        if isinstance(annotation, cst.Name) and annotation.value == "None":
            return
        if isinstance(annotation, cst.SimpleString) and annotation.evaluated_value == "None":
            return
        what = f"the return annotation `-> {ctx.code_for(annotation)}`"
        type_name = ctx.resolver.annotation_type(annotation, function.parent)
        if isinstance(annotation, (cst.Name, cst.Attribute, cst.SimpleString)):
            if type_name is None:
                return  # an unknown name: stay quiet
            if type_name in RESPONSE_TYPES:
                return
            self._record(ctx, annotation, status, label, function.name, what, type_name)
            return
        # A generic (`list[Item]`, `dict`, `Item | None`...): never a Response class.
        self._record(ctx, annotation, status, label, function.name, what)

    def _record(self, ctx, node, status, label, name, what, annotation=None) -> None:
        ctx.summary.add_fact(
            FACT,
            NoContentBody(ctx.lazy_span(node), status, label, name, what, annotation),
        )

    def check_module(self, module: ModuleSummary, project: Project, report: ModuleReport) -> None:
        for record in module.facts.get(FACT, ()):
            if not isinstance(record, NoContentBody):
                continue
            if record.annotation is not None and not _not_a_response(project, record.annotation):
                continue
            if record.what.startswith("`responses="):
                what = f"documents a `{record.status}` response with a `model`"
                remedy = "drop that `model`"
            else:
                what = f"has `status_code={record.status}` and a response body ({record.what})"
                remedy = "drop the model, or annotate `-> None`"
            report.report(
                record.span,
                f"Route `{record.route}` (`{record.function}`) {what}: FastAPI raises "
                f"`AssertionError: Status code {record.status} must not have a response body` "
                f"when the route is registered, so the application does not start; {remedy}",
            )


def _not_a_response(project: Project, qualname: str) -> bool:
    """True when the class is known not to be a Starlette response."""
    if qualname in BUILTIN_NAMES or qualname.partition(".")[0] in STDLIB_MODULES:
        return True
    if project.klass(qualname) is None:
        return project.is_model(qualname)
    ancestors = project.class_ancestors(project.resolve(qualname))
    if any(a in RESPONSE_TYPES for a in ancestors):
        return False
    # Every base known (project classes, builtins, Pydantic models): not a response.
    return project.is_model(qualname) or all(
        project.klass(a) is not None or a in BUILTIN_NAMES for a in ancestors
    )
