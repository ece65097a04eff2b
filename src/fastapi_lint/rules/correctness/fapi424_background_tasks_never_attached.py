"""FAPI424 background-tasks-never-attached: a ``BackgroundTasks()`` made in a function, given
tasks, and never handed to a response."""

from __future__ import annotations

from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext
from fastapi_lint.lint.rule import Rule
from fastapi_lint.rules.correctness.shared import is_example_module

BACKGROUND_TASKS = frozenset(
    {
        "fastapi.BackgroundTasks",
        "fastapi.background.BackgroundTasks",
        "starlette.background.BackgroundTasks",
    }
)


class BackgroundTasksNeverAttached(Rule):
    code = "FAPI424"
    name = "background-tasks-never-attached"
    summary = (
        "`BackgroundTasks()` created in a function, given tasks, and never passed to a "
        "response: the tasks never run"
    )

    def end_file(self, ctx: FileContext) -> None:
        if "BackgroundTasks" not in ctx.text or is_example_module(ctx):
            return
        for function in ctx.functions:
            for assign, name in self._creations(ctx, function):
                uses = self._uses(function.node, name)
                added = [use for use in uses if self._adds_task(ctx, use)]
                others = [use for use in uses if use not in added and not self._is_target(ctx, use)]
                if not added or others:
                    continue  # no task, or the object goes somewhere (a response, a return)
                ctx.report(
                    assign,
                    f"`{name} = {ctx.code_for(assign.value)}` in `{function.name}` gets tasks "
                    "but never reaches a response's `background=`: FastAPI runs only the "
                    "`BackgroundTasks` it injects (a parameter) or the one attached to the "
                    "returned response, so these tasks never run; declare a `BackgroundTasks` "
                    "parameter instead",
                )

    @staticmethod
    def _creations(ctx: FileContext, function) -> list[tuple[cst.Assign, str]]:
        found = []
        stack = list(function.node.body.children)
        while stack:
            node = stack.pop()
            if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
                continue
            if (
                isinstance(node, cst.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0].target, cst.Name)
                and isinstance(node.value, cst.Call)
                and ctx.call_target(node.value, function.frame) in BACKGROUND_TASKS
            ):
                found.append((node, node.targets[0].target.value))
            stack.extend(node.children)
        return found

    @staticmethod
    def _uses(node: cst.CSTNode, name: str) -> list[cst.Name]:
        """Every `name` in the function, nested functions included (a use there escapes)."""
        found = []
        stack = list(node.children)
        while stack:
            child = stack.pop()
            if isinstance(child, cst.Name) and child.value == name:
                found.append(child)
            stack.extend(child.children)
        return found

    @staticmethod
    def _adds_task(ctx: FileContext, use: cst.Name) -> bool:
        attribute = ctx.parent_of(use)
        call = ctx.parent_of(attribute) if attribute is not None else None
        return (
            isinstance(attribute, cst.Attribute)
            and attribute.value is use
            and attribute.attr.value == "add_task"
            and isinstance(call, cst.Call)
            and call.func is attribute
        )

    @staticmethod
    def _is_target(ctx: FileContext, use: cst.Name) -> bool:
        return isinstance(ctx.parent_of(use), cst.AssignTarget)
