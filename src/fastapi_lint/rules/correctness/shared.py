"""Helpers shared by the FAPI3xx/4xx/5xx rules.

``GatedFinding``: a finding in a function that only matters when FastAPI runs that function in
some role (route, dependency, exception handler...). Roles given by other modules
(``Depends(get_user)`` in a router) are only known in the project pass, so the per-file pass
records the finding as a fact and ``GatedRule.check_module`` reports it once the roles are known.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi_lint.analysis.knowledge.names import RESPONSE_TYPES
from fastapi_lint.analysis.module_summary import ModuleSummary, Span, fact_type
from fastapi_lint.analysis.scope import FunctionInfo
from fastapi_lint.core.diagnostics import Fix
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext, PendingFix
from fastapi_lint.lint.rule import ModuleReport, Rule
from fastapi_lint.project.index import Project

GATED = "fapi-gated"


@fact_type(GATED)
@dataclass(slots=True)
class GatedFinding:
    code: str
    function: str  # project-wide qualified name of the function the finding is in
    roles: list[str]  # reported when the function has one of these roles
    span: Span
    message: str  # "{function}" is replaced by the function's description
    fix: Fix | None = None
    data: dict[str, Any] = field(default_factory=dict)


def record_gated(
    ctx: FileContext,
    node: cst.CSTNode,
    function: FunctionInfo,
    roles: tuple[str, ...],
    message: str,
    fix: PendingFix | None = None,
    code: str | None = None,
) -> None:
    assert ctx.rule is not None or code is not None
    record = GatedFinding(
        code=code or ctx.rule.code,  # type: ignore[union-attr]
        function=ctx.resolver.local(function.qualname),
        roles=list(roles),
        span=ctx.lazy_span(node),
        message=message,
    )
    if fix is not None:
        ctx.deferred_fix(record, "fix", fix)
    ctx.summary.add_fact(GATED, record)


class GatedRule(Rule):
    """A rule whose per-file findings wait for the project pass to know function roles."""

    def check_module(self, module: ModuleSummary, project: Project, report: ModuleReport) -> None:
        for record in module.facts.get(GATED, ()):
            if not isinstance(record, GatedFinding) or record.code != self.code:
                continue
            function = project.function(record.function)
            if function is None or not function.roles.intersection(record.roles):
                continue
            report.report(
                record.span,
                record.message.replace("{function}", function.describe()),
                fix=record.fix,
                data=record.data,
            )


# -- source helpers ------------------------------------------------------------------------


def indentation_of(ctx: FileContext, statement: cst.CSTNode) -> str:
    """The indentation of a statement (the blocks around it, from the tree)."""
    parts: list[str] = []
    node: cst.CSTNode | None = ctx.parent_of(statement)
    while node is not None:
        if isinstance(node, cst.IndentedBlock):
            parts.append(node.indent if node.indent is not None else ctx.module.default_indent)
        node = ctx.parent_of(node)
    return "".join(reversed(parts))


def enclosing_statement(ctx: FileContext, node: cst.CSTNode) -> cst.CSTNode | None:
    """The simple statement line (or compound statement) containing ``node``."""
    current: cst.CSTNode | None = node
    while current is not None:
        parent = ctx.parent_of(current)
        if isinstance(parent, (cst.IndentedBlock, cst.Module)):
            return current
        if isinstance(parent, cst.SimpleStatementSuite):
            return None  # `if x: return y` on one line: no line of its own
        current = parent
    return None


def is_example_module(ctx: FileContext) -> bool:
    """Tests, documentation and examples: code that never runs in production (asked per
    call by some rules: answered once per file)."""
    found = ctx.state.get("example-module")
    if found is None:
        parts = ctx.path.replace("\\", "/").split("/")[:-1] + ctx.module_name.split(".")[:-1]
        found = ctx.state["example-module"] = is_test_module(ctx) or any(
            part in ("docs", "docs_src", "examples", "example") for part in parts
        )
    return found


def is_test_module(ctx: FileContext) -> bool:
    """Test code: ``tests/`` directories, ``test_*.py``, ``*_test.py``, ``conftest.py``."""
    parts = ctx.path.replace("\\", "/").split("/")
    name = parts[-1]
    if name == "conftest.py" or name.startswith("test_") or name.endswith("_test.py"):
        return True
    packages = [*parts[:-1], *ctx.module_name.split(".")[:-1]]
    return any(part in ("tests", "test", "testing") for part in packages)


# -- findings about a route parameter that is not a path parameter --------------------------

ROUTE_PARAM = "fapi-route-param"


@fact_type(ROUTE_PARAM)
@dataclass(slots=True)
class QueryParamFinding:
    """A finding on a route parameter that only holds when FastAPI does not read the parameter
    from the path; the full path (prefixes of other modules included) is known in the project
    pass."""

    code: str
    function: str
    param: str
    local_paths: list[str]
    span: Span
    message: str
    fix: Fix | None = None


def record_query_param(
    ctx: FileContext,
    node: cst.CSTNode,
    function: FunctionInfo,
    param: str,
    message: str,
    fix: PendingFix | None = None,
) -> None:
    assert ctx.rule is not None
    record = QueryParamFinding(
        code=ctx.rule.code,
        function=ctx.resolver.local(function.qualname),
        param=param,
        local_paths=[r.path for r in function.routes if r.path is not None],
        span=ctx.lazy_span(node),
        message=message,
    )
    if fix is not None:
        ctx.deferred_fix(record, "fix", fix)
    ctx.summary.add_fact(ROUTE_PARAM, record)


class QueryParamRule(Rule):
    """Reports ``QueryParamFinding`` facts whose parameter is not a path parameter."""

    def check_module(self, module: ModuleSummary, project: Project, report: ModuleReport) -> None:
        from fastapi_lint.project.paths import path_params
        from fastapi_lint.project.routes import served_routes

        served = None
        for record in module.facts.get(ROUTE_PARAM, ()):
            if not isinstance(record, QueryParamFinding) or record.code != self.code:
                continue
            served = served or served_routes(project)
            names = served.path_params_of(record.function, None)
            for path in record.local_paths:
                names.update(name for name, _ in path_params(path))
            if record.param in names:
                continue
            report.report(record.span, record.message, fix=record.fix)


def sentence_start(text: str) -> str:
    """``text`` with its first letter upper-cased (``str.capitalize`` lowers the rest)."""
    return text[:1].upper() + text[1:]


def is_response_class(project: Project, qualname: str) -> bool:
    if qualname in RESPONSE_TYPES:
        return True
    if project.klass(qualname) is None:
        return False
    return any(a in RESPONSE_TYPES for a in project.class_ancestors(project.resolve(qualname)))
