"""FAPI401 background-tasks-overwritten: a ``Response(background=...)`` returned by a route whose
dependency chain injects ``BackgroundTasks``: FastAPI drops every task added to the injected one.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi_lint.analysis.knowledge.names import BACKGROUND_TASK, BACKGROUND_TASKS
from fastapi_lint.analysis.module_summary import ModuleSummary, Span, fact_type
from fastapi_lint.analysis.scope import BindingKind, FunctionInfo
from fastapi_lint.analysis.signatures import signature
from fastapi_lint.core.diagnostics import Fix
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext, PendingFix
from fastapi_lint.lint.rule import FixAvailability, ModuleReport, Rule
from fastapi_lint.project.dependencies import dependency_closure
from fastapi_lint.project.index import Project
from fastapi_lint.project.routes import served_routes
from fastapi_lint.rules.correctness.shared import (
    enclosing_statement,
    indentation_of,
    is_response_class,
    sentence_start,
)

FACT = "fapi401"
USES_TASKS = "fapi401-uses-tasks"


@fact_type(FACT)
@dataclass(slots=True)
class ResponseBackground:
    function: str  # the function returning the response
    response: str  # qualified name of the response class
    span: Span
    fix: Fix | None = None


@fact_type(USES_TASKS)
@dataclass(slots=True)
class UsesTasks:
    """A function whose ``BackgroundTasks`` parameter ``param`` its body uses (adds a task to,
    or hands on): one declared and never touched drops nothing."""

    function: str
    param: str


class BackgroundTasksOverwritten(Rule):
    code = "FAPI401"
    name = "background-tasks-overwritten"
    summary = "Route returns a `Response(background=...)` while injecting `BackgroundTasks`"
    fix_availability = FixAvailability.SOMETIMES

    def visit_Return(self, node: cst.Return, ctx: FileContext) -> None:
        frame = ctx.frame
        if frame is not None and frame.function is not None and isinstance(node.value, cst.Name):
            returned = ctx.state.setdefault(self.code, {"returns": set(), "pending": []})
            returned["returns"].add((frame.function, node.value.value))

    def visit_Call(self, node: cst.Call, ctx: FileContext) -> None:
        frame = ctx.frame
        if frame is None or frame.function is None:
            return
        arg = next(
            (a for a in node.args if a.keyword is not None and a.keyword.value == "background"),
            None,
        )
        if arg is None or _is_none(arg.value):
            return
        function = frame.function
        if self._same_tasks(ctx, function, arg.value):
            return
        target = ctx.call_target(node, frame)
        if target is None:
            return
        parent = ctx.parent_of(node)
        if isinstance(parent, cst.Return):
            self._record(ctx, function, target, arg, self._fix(ctx, function, node, arg))
        elif (
            isinstance(parent, cst.Assign)
            and len(parent.targets) == 1
            and isinstance(parent.targets[0].target, cst.Name)
        ):
            state = ctx.state.setdefault(self.code, {"returns": set(), "pending": []})
            state["pending"].append((function, parent.targets[0].target.value, target, arg))

    def visit_Assign(self, node: cst.Assign, ctx: FileContext) -> None:
        # `response.background = BackgroundTask(...)` on a response the function returns.
        frame = ctx.frame
        if frame is None or frame.function is None or len(node.targets) != 1:
            return
        target = node.targets[0].target
        if not (
            isinstance(target, cst.Attribute)
            and target.attr.value == "background"
            and isinstance(target.value, cst.Name)
        ):
            return
        if _is_none(node.value) or self._same_tasks(ctx, frame.function, node.value):
            return
        response_type = ctx.infer_type(target.value, frame)
        if response_type is None:
            return
        state = ctx.state.setdefault(self.code, {"returns": set(), "pending": []})
        state["pending"].append((frame.function, target.value.value, response_type, node))

    def end_file(self, ctx: FileContext) -> None:
        for function in ctx.functions:
            for param in signature(ctx, function):
                if param.type_name == BACKGROUND_TASKS and _used(function.node.body, param.name):
                    ctx.summary.add_fact(
                        USES_TASKS, UsesTasks(ctx.resolver.local(function.qualname), param.name)
                    )
        state = ctx.state.get(self.code)
        if state is None:
            return
        for function, name, response, node in state["pending"]:
            if (function, name) in state["returns"]:
                self._record(ctx, function, response, node, None)

    def _record(self, ctx, function, response, node, fix) -> None:
        record = ResponseBackground(
            ctx.resolver.local(function.qualname), response, ctx.lazy_span(node)
        )
        if fix is not None:
            ctx.deferred_fix(record, "fix", fix)
        ctx.summary.add_fact(FACT, record)

    @staticmethod
    def _same_tasks(ctx: FileContext, function: FunctionInfo, value: cst.BaseExpression) -> bool:
        """``background=tasks`` where ``tasks`` is the injected ``BackgroundTasks`` itself."""
        if not isinstance(value, cst.Name):
            return False
        found = ctx.resolver.lookup(value.value, function.frame)
        if found is None or found[0] is not function.frame:
            return False
        return any(
            b.kind is BindingKind.PARAM
            and ctx.resolver._binding_type(b, function.frame) == BACKGROUND_TASKS
            for b in found[1]
        )

    @staticmethod
    def _fix(
        ctx: FileContext, function: FunctionInfo, call: cst.Call, arg: cst.Arg
    ) -> PendingFix | None:
        value = arg.value
        if not isinstance(value, cst.Call) or ctx.call_target(value) != BACKGROUND_TASK:
            return None
        if not value.args or any(a.star for a in value.args[:1]):
            return None
        tasks = next(
            (p.name for p in signature(ctx, function) if p.type_name == BACKGROUND_TASKS), None
        )
        if tasks is None:
            return None
        statement = enclosing_statement(ctx, call)
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            return None
        if not isinstance(statement.body[0], cst.Return) or statement.body[0].value is not call:
            return None
        arguments = [ctx.argument_code(task_arg) for task_arg in value.args]
        simple = all(
            isinstance(a.value, (cst.Name, cst.Attribute, cst.SimpleString, cst.Integer, cst.Float))
            for a in value.args
        )
        indent = indentation_of(ctx, statement)
        edits = (
            ctx.line_before(statement, f"{indent}{tasks}.add_task({', '.join(arguments)})\n"),
            ctx.remove_arg(call, arg),
        )
        message = f"Add the task to `{tasks}` instead"
        return PendingFix.safe(message, *edits) if simple else PendingFix.unsafe(message, *edits)

    def check_module(self, module: ModuleSummary, project: Project, report: ModuleReport) -> None:
        records = [r for r in module.facts.get(FACT, ()) if isinstance(r, ResponseBackground)]
        if not records:
            return
        served = served_routes(project)
        for record in records:
            function = project.function(record.function)
            if function is None or "route" not in function.roles:
                continue
            if not is_response_class(project, record.response):
                continue
            where = _background_tasks_parameter(project, served, function)
            if where is None:
                continue
            report.report(
                record.span,
                f"{sentence_start(function.describe())} returns a `{record.response.rpartition('.')[2]}` "
                f"with its own `background`, while {where} injects `BackgroundTasks`: FastAPI "
                "then sends the response's task only and silently drops every task added to the "
                "injected object (fastapi#11215); add this task to the injected "
                "`BackgroundTasks` instead",
                fix=record.fix,
            )


def _background_tasks_parameter(project: Project, served, function) -> str | None:
    """Where the route's dependency chain declares a ``BackgroundTasks`` parameter."""
    extra: list[str] = []
    for route in served.routes_of_function(function.qualname):
        extra.extend(route.dependencies)
    closure = dependency_closure(project, function.function, function.module, extra)
    used = project.cached("fapi401-uses", _uses)
    for module, candidate in closure.functions:
        for param in project.params(candidate):
            if (
                param.annotation == BACKGROUND_TASKS
                and param.marker is None
                and (module.qualify(candidate.qualname), param.name) in used
            ):
                if candidate is function.function:
                    return f"its parameter `{param.name}`"
                return f"its dependency `{module.qualify(candidate.qualname)}`"
    return None


def _uses(project: Project) -> frozenset[tuple[str, str]]:
    return frozenset(
        (record.function, record.param)
        for _, record in project.facts(USES_TASKS)
        if isinstance(record, UsesTasks)
    )


def _used(body: cst.CSTNode, name: str) -> bool:
    """Whether ``name`` is read anywhere in ``body`` (nested functions included)."""
    stack: list[cst.CSTNode] = [body]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Name) and node.value == name:
            return True
        stack.extend(node.children)
    return False


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"
