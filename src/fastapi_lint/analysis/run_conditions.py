"""When a call or a statement runs within its function or module: in a branch that may not
run, once per process (lazy initialisation, memoised factories), under a module flag, and in
which order registrations happen. Read off the syntax tree and its parent links only.
"""

from __future__ import annotations

import functools
from typing import Any

from fastapi_lint.analysis.module_summary import Registration
from fastapi_lint.analysis.walk import WalkResult
from fastapi_lint.core.lazy import cst

MEMOIZERS = frozenset({"functools.cache", "functools.lru_cache"})


def is_conditional(walk: WalkResult, call: cst.Call, function: cst.FunctionDef) -> bool:
    """``call`` sits in a branch of ``function`` that may not run: the body or ``else`` of an
    ``if``/``for``/``while``, an ``except`` handler, a ``match`` case, a conditional expression
    or the right side of ``and``/``or`` (not the test of an ``if``, which always runs)."""
    parents = walk.parents
    child: cst.CSTNode = call
    parent = parents.get(child)
    while parent is not None and parent is not function:
        if isinstance(parent, (cst.If, cst.While)):
            if child is not parent.test:
                return True
        elif isinstance(parent, cst.For):
            if child is not parent.iter:
                return True
        elif isinstance(parent, (cst.ExceptHandler, cst.ExceptStarHandler, cst.MatchCase)):
            return True
        elif isinstance(parent, cst.IfExp):
            if child is not parent.test:
                return True
        elif isinstance(parent, cst.BooleanOperation) and child is parent.right:
            return True
        child, parent = parent, parents.get(parent)
    return False


def flag_guard(
    walk: WalkResult,
    call: cst.Call,
    function: cst.FunctionDef,
    memo: dict[cst.FunctionDef, Any],
) -> str | None:
    """``X`` when ``call`` runs only under ``if not X:`` / ``if X is None:``, ``X`` a
    module-level name that this function neither declares ``global`` nor assigns there: the
    callee may be the one that sets it (``if not CONFIGURED: setup_logging()``)."""
    found = memo.get(function)
    if found is None:
        found = memo[function] = (_declared_names(function), _memo_guard(function))
    declared = found[0]
    module_names = walk.module_frame.bindings
    parents = walk.parents
    child: cst.CSTNode = call
    parent = parents.get(child)
    while parent is not None and parent is not function:
        if isinstance(parent, cst.If) and child is parent.body:
            name = _unset_test(parent.test)
            if (
                name is not None
                and "." not in name
                and name not in declared
                and name in module_names
                and not _assigns(parent.body, name)
            ):
                return name
        child, parent = parent, parents.get(parent)
    return None


def sets_globals(function: cst.FunctionDef) -> list[str]:
    """Names the function declares ``global`` and assigns or fills somewhere in its body
    (``X = ...``, ``X[k] = ...``, ``X.update(...)``)."""
    declared = _declared_names(function)
    return sorted(
        name
        for name in declared
        if _stores(function.body, "value", name) or _stores(function.body, "key", name)
    )


def constant_arguments(call: cst.Call) -> bool:
    """Every argument is a literal (a string, a number, ``True``/``False``/``None``)."""
    return all(
        arg.star == ""
        and (
            isinstance(arg.value, (cst.SimpleString, cst.Integer, cst.Float))
            or (isinstance(arg.value, cst.Name) and arg.value.value in ("True", "False", "None"))
        )
        for arg in call.args
    )


def runs_once_per_process(
    walk: WalkResult,
    call: cst.Call,
    function: cst.FunctionDef,
    memo: dict[cst.FunctionDef, Any],
) -> bool:
    """``call`` runs once per process (or once per key of a memo):

    * in the body of ``if X is None:`` / ``if not X:`` that assigns ``X``, where ``X`` is a
      name the function declares ``global``/``nonlocal`` or an attribute (``self._client``,
      ``cls._instance``: lazy initialization, also double-checked under a lock), and
      ``if not self.running:`` that sets ``self.running``;
    * after a guard that returns what an earlier call stored: ``if key in CACHE: return
      CACHE[key]`` (a dict-memoised factory), ``if self._x is not None: return self._x``,
      ``if hasattr(self, "x"): return ...``, when the function assigns that entry later.

    ``memo`` keeps each function's declarations and guard position."""
    found = memo.get(function)
    if found is None:
        found = memo[function] = (_declared_names(function), _memo_guard(function))
    declared, guard = found
    parents = walk.parents
    child: cst.CSTNode = call
    parent = parents.get(child)
    while parent is not None and parent is not function:
        if isinstance(parent, cst.If) and child is parent.body:
            name = _unset_test(parent.test)
            if (
                name is not None
                and ("." in name or name in declared)
                and (_assigns(parent.body, name) or _stores(parent.body, "value", name))
            ):
                return True
        if guard is not None and parent is function.body:
            return _statement_index(function, child) > guard
        child, parent = parent, parents.get(parent)
    return False


def has_global(function: cst.FunctionDef) -> bool:
    body = function.body
    return isinstance(body, cst.IndentedBlock) and any(
        isinstance(statement, cst.SimpleStatementLine)
        and any(isinstance(small, cst.Global) for small in statement.body)
        for statement in body.body
    )


def _declared_names(function: cst.FunctionDef) -> frozenset[str]:
    body = function.body
    if not isinstance(body, cst.IndentedBlock):
        return frozenset()
    return frozenset(
        name.name.value
        for statement in body.body
        if isinstance(statement, cst.SimpleStatementLine)
        for small in statement.body
        if isinstance(small, (cst.Global, cst.Nonlocal))
        for name in small.names
    )


def _statement_index(function: cst.FunctionDef, statement: cst.CSTNode) -> int:
    body = function.body
    assert isinstance(body, cst.IndentedBlock)
    return next((i for i, s in enumerate(body.body) if s is statement), -1)


def _memo_guard(function: cst.FunctionDef) -> int | None:
    """The index of the top-level ``if <stored>: return ...`` statement of a memo, when a later
    statement stores that entry."""
    body = function.body
    if not isinstance(body, cst.IndentedBlock):
        return None
    for index, statement in enumerate(body.body):
        if not isinstance(statement, cst.If) or statement.orelse is not None:
            continue
        if not _returns(statement.body):
            continue
        stored = _stored_test(statement.test)
        if stored is None:
            continue
        kind, key = stored
        if any(_stores(later, kind, key) for later in body.body[index + 1 :]):
            return index
    return None


def _returns(block: cst.BaseSuite) -> bool:
    statements = block.body if isinstance(block, cst.IndentedBlock) else [block]
    last = statements[-1] if statements else None
    small = (
        last.body if isinstance(last, (cst.SimpleStatementLine, cst.SimpleStatementSuite)) else ()
    )
    return bool(small) and isinstance(small[-1], cst.Return)


def _dotted(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        owner = _dotted(node.value)
        return f"{owner}.{node.attr.value}" if owner is not None else None
    return None


def _stored_test(test: cst.BaseExpression) -> tuple[str, str] | None:
    """What a memo guard tests: ("key", CACHE) for ``k in CACHE``, ("value", X) for ``X is not
    None`` / ``X`` / ``hasattr(self, "x")`` (X an attribute); also one side of an ``and``."""
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        return _stored_test(test.left) or _stored_test(test.right)
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        operator = test.comparisons[0].operator
        comparator = test.comparisons[0].comparator
        if isinstance(operator, cst.In):
            container = _dotted(comparator)
            return ("key", container) if container is not None else None
        if (
            isinstance(operator, cst.IsNot)
            and isinstance(comparator, cst.Name)
            and comparator.value == "None"
        ):
            name = _dotted(test.left)
            return ("value", name) if name is not None and "." in name else None
        return None
    if isinstance(test, cst.Attribute):
        name = _dotted(test)
        return ("value", name) if name is not None else None
    if (
        isinstance(test, cst.Call)
        and isinstance(test.func, cst.Name)
        and test.func.value == "hasattr"
        and len(test.args) == 2
        and isinstance(test.args[1].value, cst.SimpleString)
    ):
        owner = _dotted(test.args[0].value)
        attribute = test.args[1].value.evaluated_value
        if owner is not None and isinstance(attribute, str):
            return ("value", f"{owner}.{attribute}")
    return None


def _stores(statement: cst.CSTNode, kind: str, key: str) -> bool:
    """``statement`` (at any depth) assigns ``key`` (a value) or an item of ``key`` (a dict)."""
    found = []

    class _Finder(cst.CSTVisitor):
        def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
            self._target(node.target)

        def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
            self._target(node.target)

        def visit_Call(self, node: cst.Call) -> None:
            # `CACHE.setdefault(k, v)` / `setattr(self, "x", v)`
            func = node.func
            if (
                kind == "key"
                and isinstance(func, cst.Attribute)
                and func.attr.value
                in (
                    "setdefault",
                    "update",
                    "__setitem__",
                )
            ) and _dotted(func.value) == key:
                found.append(True)

        def _target(self, target: cst.BaseExpression) -> None:
            if kind == "key" and isinstance(target, cst.Subscript):
                if _dotted(target.value) == key:
                    found.append(True)
            elif kind == "value" and _dotted(target) == key:
                found.append(True)
            elif isinstance(target, (cst.Tuple, cst.List)):
                for element in target.elements:
                    self._target(element.value)

    statement.visit(_Finder())
    return bool(found)


def _unset_test(test: cst.BaseExpression) -> str | None:
    """``X is None`` / ``not X`` / ``not getattr(self, "x", ...)`` / ``not hasattr(self, "x")``:
    ``X`` (a name or a dotted attribute such as ``self._client``)."""
    if (
        isinstance(test, cst.Comparison)
        and len(test.comparisons) == 1
        and isinstance(test.comparisons[0].operator, cst.Is)
        and isinstance(test.comparisons[0].comparator, cst.Name)
        and test.comparisons[0].comparator.value == "None"
    ):
        return _dotted(test.left)
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        expression = test.expression
        if (
            isinstance(expression, cst.Call)
            and isinstance(expression.func, cst.Name)
            and expression.func.value in ("getattr", "hasattr")
            and len(expression.args) >= 2
            and isinstance(expression.args[1].value, cst.SimpleString)
        ):
            owner = _dotted(expression.args[0].value)
            attribute = expression.args[1].value.evaluated_value
            return f"{owner}.{attribute}" if owner and isinstance(attribute, str) else None
        return _dotted(expression)
    return None


def _assigns(block: cst.BaseSuite, name: str) -> bool:
    if not isinstance(block, cst.IndentedBlock):
        return False
    for statement in block.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            targets = (
                [t.target for t in small.targets]
                if isinstance(small, cst.Assign)
                else [small.target]
                if isinstance(small, cst.AnnAssign)
                else []
            )
            if any(_dotted(t) == name for t in targets):
                return True
    return False


@functools.cache
def conditional_nodes() -> tuple[type, ...]:
    """Statements under which a registration may not run, or run several times (libcst is
    only touched when a file is checked)."""
    return (
        cst.With,  # `with pytest.raises(...)`: the registration may fail on purpose
        cst.If,
        cst.Else,
        cst.For,
        cst.While,
        cst.Match,
        cst.MatchCase,
        cst.ExceptHandler,
        cst.ExceptStarHandler,
        cst.IfExp,
        cst.BooleanOperation,
        cst.CompFor,
    )


@functools.cache
def frame_nodes() -> tuple[type, ...]:
    return (cst.Module, cst.FunctionDef, cst.ClassDef, cst.Lambda)


def registration_of(walk: WalkResult, node: cst.CSTNode) -> Registration:
    """When ``node`` (a route decorator or a registering call) runs within its scope."""
    parents = walk.parents
    tail: list[int] = []
    if isinstance(node, cst.Decorator):
        function = parents.get(node)
        if isinstance(function, cst.FunctionDef):
            # Decorators apply bottom-up: the lowest registers first.
            index = next((i for i, d in enumerate(function.decorators) if d is node), 0)
            tail.append(len(function.decorators) - index)
            node = function
    order: list[int] = []
    conditional = False
    child = node
    parent = parents.get(child)
    while parent is not None and not isinstance(parent, frame_nodes()):
        if isinstance(parent, conditional_nodes()):
            conditional = True
        body = getattr(parent, "body", None)
        if isinstance(body, (list, tuple)):
            order.append(next((i for i, s in enumerate(body) if s is child), 0))
        child = parent
        parent = parents.get(child)
    if isinstance(parent, cst.Module):
        order.append(next((i for i, s in enumerate(parent.body) if s is child), 0))
    frame = walk.frame_by_node.get(parent) if parent is not None else None
    scope = frame.qualname if frame is not None and not isinstance(parent, cst.Module) else ""
    order.reverse()
    return Registration(scope=scope, order=order + tail, conditional=conditional)
