"""FAPI413 validation-handler-unencoded-errors: ``exc.errors()`` put in a response without
``jsonable_encoder`` by a ``RequestValidationError`` handler."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi_lint.analysis.fastapi_model import keyword_argument
from fastapi_lint.analysis.knowledge.names import REQUEST_VALIDATION_ERROR, RESPONSE_TYPES
from fastapi_lint.analysis.module_summary import ModuleSummary, Span, fact_type
from fastapi_lint.analysis.scope import BindingKind, FunctionInfo
from fastapi_lint.core.diagnostics import Fix
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext, PendingFix
from fastapi_lint.lint.importer import plan_from_import
from fastapi_lint.lint.rule import FixAvailability, ModuleReport, Rule
from fastapi_lint.project.index import Project

UNENCODED = "fapi413-unencoded"
HANDLERS = "fapi413-handlers"
VALIDATION_ERRORS = frozenset(
    {
        REQUEST_VALIDATION_ERROR,
        "fastapi.RequestValidationError",
        "fastapi.exceptions.WebSocketRequestValidationError",
    }
)
# Responses that serialize their content as JSON: the fix encodes what goes into them.
JSON_RESPONSES = frozenset(
    {
        "starlette.responses.JSONResponse",
        "fastapi.responses.ORJSONResponse",
        "fastapi.responses.UJSONResponse",
    }
)


@fact_type(UNENCODED)
@dataclass(slots=True)
class UnencodedErrors:
    function: str
    span: Span
    fix: Fix | None = None


@fact_type(HANDLERS)
@dataclass(slots=True)
class ValidationHandler:
    function: str  # qualified name of a handler registered for RequestValidationError


class ValidationHandlerUnencodedErrors(Rule):
    code = "FAPI413"
    name = "validation-handler-unencoded-errors"
    summary = "`RequestValidationError` handler returns `exc.errors()` without `jsonable_encoder`"
    fix_availability = FixAvailability.SOMETIMES

    def visit_Call(self, node: cst.Call, ctx: FileContext) -> None:
        frame = ctx.frame
        if frame is None:
            return
        self._registration(node, ctx)
        function = frame.function
        if function is None:
            return
        if self._is_errors_call(node, ctx, function):
            self._follow(node, ctx, function)
        else:
            response = ctx.call_target(node, frame)
            if response not in RESPONSE_TYPES:
                return
            tainted = ctx.state.get(self.code, {})
            for name in _names_in_arguments(node):
                key = (function, name.value)
                if key in tainted and _binds(ctx, function, name):
                    self._record(ctx, function, name, response)

    def visit_Decorator(self, node: cst.Decorator, ctx: FileContext) -> None:
        call = node.decorator
        if not (
            isinstance(call, cst.Call)
            and isinstance(call.func, cst.Attribute)
            and call.func.attr.value == "exception_handler"
            and call.args
        ):
            return
        if ctx.qualname(call.args[0].value) not in VALIDATION_ERRORS:
            return
        function = ctx.parent_of(node)
        info = ctx.function_info(function) if isinstance(function, cst.FunctionDef) else None
        if info is not None:
            ctx.summary.add_fact(HANDLERS, ValidationHandler(ctx.resolver.local(info.qualname)))

    def _registration(self, node: cst.Call, ctx: FileContext) -> None:
        """``add_exception_handler(RequestValidationError, h)`` and
        ``FastAPI(exception_handlers={RequestValidationError: h})``."""
        func = node.func
        handler = None
        if isinstance(func, cst.Attribute) and func.attr.value == "add_exception_handler":
            if len(node.args) >= 2 and ctx.qualname(node.args[0].value) in VALIDATION_ERRORS:
                handler = node.args[1].value
        else:
            handlers = keyword_argument(node, "exception_handlers")
            if isinstance(handlers, cst.Dict):
                for element in handlers.elements:
                    if (
                        isinstance(element, cst.DictElement)
                        and ctx.qualname(element.key) in VALIDATION_ERRORS
                    ):
                        handler = element.value
        if handler is None:
            return
        name = ctx.qualname(handler)
        if name is not None:
            ctx.summary.add_fact(HANDLERS, ValidationHandler(name))

    @staticmethod
    def _is_errors_call(node: cst.Call, ctx: FileContext, function: FunctionInfo) -> bool:
        func = node.func
        if node.args or not (
            isinstance(func, cst.Attribute)
            and func.attr.value == "errors"
            and isinstance(func.value, cst.Name)
        ):
            return False
        found = ctx.resolver.lookup(func.value.value, function.frame)
        return (
            found is not None
            and found[0] is function.frame
            and all(b.kind is BindingKind.PARAM for b in found[1])
        )

    def _follow(self, node: cst.Call, ctx: FileContext, function: FunctionInfo) -> None:
        current: cst.CSTNode = node
        parent = ctx.parent_of(current)
        # Expressions that carry the value into their parent unchanged.
        containers = (
            cst.Arg,
            cst.Element,
            cst.List,
            cst.Tuple,
            cst.Dict,
            cst.DictElement,
            cst.StarredElement,
            cst.StarredDictElement,
        )
        while isinstance(parent, containers):
            current = parent
            parent = ctx.parent_of(current)
        if isinstance(parent, cst.Call) and isinstance(current, cst.Arg):
            response = ctx.call_target(parent)
            if response in RESPONSE_TYPES:
                self._record(ctx, function, node, response)
            return
        if isinstance(parent, cst.Assign) and len(parent.targets) == 1:
            target = parent.targets[0].target
            if isinstance(target, cst.Name):
                ctx.state.setdefault(self.code, {})[(function, target.value)] = True

    @staticmethod
    def _record(
        ctx: FileContext, function: FunctionInfo, node: cst.BaseExpression, response: str
    ) -> None:
        record = UnencodedErrors(ctx.resolver.local(function.qualname), ctx.lazy_span(node))
        fix = _encode_fix(ctx, function, node, response)
        if fix is not None:
            ctx.deferred_fix(record, "fix", fix)
        ctx.summary.add_fact(UNENCODED, record)

    def check_module(self, module: ModuleSummary, project: Project, report: ModuleReport) -> None:
        records = [r for r in module.facts.get(UNENCODED, ()) if isinstance(r, UnencodedErrors)]
        if not records:
            return
        handlers = project.cached("fapi413-handlers", _handlers)
        for record in records:
            if project.resolve(record.function) not in handlers:
                continue
            function = project.function(record.function)
            name = function.function.name if function is not None else record.function
            report.report(
                record.span,
                f"`RequestValidationError` handler `{name}` puts `exc.errors()` in a JSON "
                "response as is: when a validator raises `ValueError`, the error's `ctx` holds "
                "the exception object, `json.dumps` fails and the client gets `500` instead of "
                "`422`; wrap it in `jsonable_encoder(...)`",
                fix=record.fix,
            )


def _encode_fix(
    ctx: FileContext, function: FunctionInfo, node: cst.BaseExpression, response: str
) -> PendingFix | None:
    """``jsonable_encoder(<value>)`` where the errors enter a JSON response: the value of a
    variable is encoded there, so other uses of the variable keep the raw errors."""
    if response not in JSON_RESPONSES:
        return None
    plan = plan_from_import(ctx, "fastapi.encoders", "jsonable_encoder", function.frame)
    if plan is None:
        return None
    value = ctx.code_for(node.with_changes(lpar=(), rpar=()))
    return PendingFix.safe(
        f"Wrap in `{plan.expression}(...)`",
        ctx.replace(node, f"{plan.expression}({value})"),
        *plan.edits,
    )


def _handlers(project: Project) -> frozenset[str]:
    return frozenset(
        project.resolve(record.function)
        for _, record in project.facts(HANDLERS)
        if isinstance(record, ValidationHandler)
    )


def _names_in_arguments(call: cst.Call):
    """Names passed to ``call`` directly or inside literal containers (not through calls)."""
    stack: list[cst.CSTNode] = [arg.value for arg in call.args]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Name):
            yield node
        elif isinstance(node, (cst.List, cst.Tuple, cst.Set)):
            stack.extend(e.value for e in node.elements)
        elif isinstance(node, cst.Dict):
            for element in node.elements:
                if isinstance(element, (cst.DictElement, cst.StarredDictElement)):
                    stack.append(element.value)


def _binds(ctx: FileContext, function: FunctionInfo, name: cst.Name) -> bool:
    found = ctx.resolver.lookup(name.value, function.frame)
    return found is not None and found[0] is function.frame and len(found[1]) == 1
