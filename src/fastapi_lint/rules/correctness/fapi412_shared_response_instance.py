"""FAPI412 shared-response-instance: a route returns a ``Response`` created at module level."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi_lint.analysis.inference import BUILTIN_NAMES, STDLIB_MODULES
from fastapi_lint.analysis.module_summary import ModuleSummary, Span, fact_type
from fastapi_lint.analysis.scope import BindingKind, FrameKind
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext
from fastapi_lint.lint.rule import ModuleReport, Rule
from fastapi_lint.project.index import Project
from fastapi_lint.rules.correctness.shared import is_response_class, sentence_start

FACT = "fapi412"
ROLES = frozenset({"route", "exception handler"})


@fact_type(FACT)
@dataclass(slots=True)
class ReturnedGlobal:
    function: str
    variable: str  # qualified name of the module-level variable returned
    span: Span


class SharedResponseInstance(Rule):
    code = "FAPI412"
    name = "shared-response-instance"
    summary = "Route returns a `Response` object created once at module level"

    def visit_Return(self, node: cst.Return, ctx: FileContext) -> None:
        frame = ctx.frame
        value = node.value
        if frame is None or frame.function is None or value is None:
            return
        if isinstance(value, cst.Name):
            found = ctx.resolver.lookup(value.value, frame)
            if found is None or found[0].kind is not FrameKind.MODULE or len(found[1]) != 1:
                return
            binding = found[1][0]
            if binding.kind is BindingKind.ASSIGN and not binding.opaque:
                value_type = ctx.infer_type(value, frame)
                if value_type is None or _is_builtin_or_stdlib(value_type):
                    return  # a str, a dict...: FastAPI builds a new response from it
                variable = ctx.resolver.local(value.value)
            elif binding.kind is BindingKind.IMPORT and binding.qualname:
                variable = binding.qualname
            else:
                return
        elif isinstance(value, cst.Attribute):
            variable = ctx.qualname(value, frame)
            if variable is None:
                return
        else:
            return
        ctx.summary.add_fact(
            FACT,
            ReturnedGlobal(
                ctx.resolver.local(frame.function.qualname), variable, ctx.lazy_span(node)
            ),
        )

    def check_module(self, module: ModuleSummary, project: Project, report: ModuleReport) -> None:
        for record in module.facts.get(FACT, ()):
            if not isinstance(record, ReturnedGlobal):
                continue
            function = project.function(record.function)
            if function is None or not function.roles & ROLES:
                continue
            value_type = project.module_variable_type(record.variable)
            if value_type is None or not is_response_class(project, value_type):
                continue
            name = record.variable.rpartition(".")[2]
            report.report(
                record.span,
                f"{sentence_start(function.describe())} returns `{name}`, a "
                f"`{value_type.rpartition('.')[2]}` created once at import: every request gets "
                "the same object, and what one request puts on it (FastAPI's background tasks, "
                "headers, cookies) is sent again with the next; build the response inside the "
                "function",
            )


def _is_builtin_or_stdlib(qualname: str) -> bool:
    return qualname in BUILTIN_NAMES or qualname.partition(".")[0] in STDLIB_MODULES
