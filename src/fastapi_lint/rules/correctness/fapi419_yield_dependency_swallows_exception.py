"""FAPI419 yield-dependency-swallows-exception: an ``except`` around a dependency's ``yield``
that does not raise."""

from __future__ import annotations

from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext, PendingFix
from fastapi_lint.lint.rule import FixAvailability
from fastapi_lint.rules.correctness.shared import GatedRule, indentation_of, record_gated

# Since 0.110.0 an exception the dependency swallows leaves FastAPI without a response.
SWALLOWED_SINCE = "0.110.0"
# Exceptions the route never raises through the dependency: catching them changes nothing.
IGNORED = frozenset({"GeneratorExit", "StopIteration", "StopAsyncIteration"})
ROLES = ("dependency",)


def _contains(node: cst.CSTNode, kinds: tuple[type, ...]) -> bool:
    """Whether ``node`` holds a node of ``kinds``, not counting nested functions and classes."""
    stack = list(node.children)
    while stack:
        child = stack.pop()
        if isinstance(child, kinds):
            return True
        if isinstance(child, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        stack.extend(child.children)
    return False


def _tries(node: cst.CSTNode):
    """The ``try`` statements of a function body, outside nested functions and classes."""
    stack = list(node.children)
    while stack:
        child = stack.pop()
        if isinstance(child, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        if isinstance(child, cst.Try):
            yield child
        stack.extend(child.children)


def _caught(ctx: FileContext, handler: cst.ExceptHandler) -> str:
    if handler.type is None:
        return "except:"
    return f"except {ctx.code_for(handler.type)}"


def _too(ctx: FileContext, handler: cst.ExceptHandler) -> str:
    """Whether the block also catches the `HTTPException` a route raises to answer an error."""
    if handler.type is None or ctx.code_for(handler.type) in ("Exception", "BaseException"):
        return " (with an `HTTPException` too)"
    return ""


class YieldDependencySwallowsException(GatedRule):
    code = "FAPI419"
    name = "yield-dependency-swallows-exception"
    summary = (
        "A `yield` dependency catches exceptions around its `yield` and never re-raises: "
        "the client gets a 500 instead of the route's error"
    )
    fix_availability = FixAvailability.SOMETIMES

    def end_file(self, ctx: FileContext) -> None:
        if ctx.options.versions().pinned_older_than("fastapi", SWALLOWED_SINCE):
            return
        for function in ctx.functions:
            if not function.is_generator:
                continue
            for statement in _tries(function.node.body):
                if not _contains(statement.body, (cst.Yield,)):
                    continue
                for handler in statement.handlers:
                    if self._ignored(ctx, handler) or _contains(handler.body, (cst.Raise,)):
                        continue
                    record_gated(
                        ctx,
                        handler,
                        function,
                        ROLES,
                        f"`{_caught(ctx, handler)}` around the `yield` of {{function}} never "
                        f"re-raises: when the route fails{_too(ctx, handler)} the exception "
                        "stops here, and FastAPI answers 500 with `FastAPIError: No response "
                        "object was returned` instead of the route's error; end the block with "
                        "`raise`",
                        fix=self._fix(ctx, handler),
                    )

    @staticmethod
    def _ignored(ctx: FileContext, handler: cst.ExceptHandler) -> bool:
        """Only exceptions the route cannot raise into the dependency are caught."""
        kind = handler.type
        if kind is None:
            return False
        parts = [e.value for e in kind.elements] if isinstance(kind, cst.Tuple) else [kind]
        return all(ctx.code_for(part).rpartition(".")[2] in IGNORED for part in parts)

    @staticmethod
    def _fix(ctx: FileContext, handler: cst.ExceptHandler) -> PendingFix | None:
        body = handler.body
        if not isinstance(body, cst.IndentedBlock) or not body.body:
            return None
        last = body.body[-1]
        if isinstance(last, cst.SimpleStatementLine) and any(
            isinstance(s, (cst.Return, cst.Continue, cst.Break)) for s in last.body
        ):
            return None  # `raise` after a return would never run
        if not isinstance(last, cst.SimpleStatementLine):
            return None
        indent = indentation_of(ctx, last)
        return PendingFix.unsafe(
            "Re-raise the exception (unsafe: the route's error reaches the client instead of "
            "what the block did with it)",
            ctx.line_after(last, f"{indent}raise\n"),
        )
