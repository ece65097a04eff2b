"""FAPI407 duplicate-route: the same method and full path, or the same ``operation_id``, twice."""

from __future__ import annotations

from fastapi_lint.analysis.module_summary import ModuleSummary
from fastapi_lint.lint.rule import ModuleReport, Rule
from fastapi_lint.project.index import Project
from fastapi_lint.rules.correctness.conflicts import conflicts, fresh_span


class DuplicateRoute(Rule):
    code = "FAPI407"
    name = "duplicate-route"
    summary = "The same method and path, or the same `operation_id`, registered twice on one app"

    def check_module(self, module: ModuleSummary, project: Project, report: ModuleReport) -> None:
        for conflict in conflicts(project):
            if conflict.kind == "shadowed" or conflict.later.module.module != module.module:
                continue
            span = fresh_span(module, conflict.later)
            if span is None:
                continue
            later, earlier = conflict.later, conflict.earlier
            if conflict.kind == "operation-id":
                message = (
                    f'Route {later.describe()} reuses `operation_id="{conflict.detail}"` of '
                    f"{earlier.describe()} at {earlier.location()}: the OpenAPI schema gets two "
                    "operations with one id (FastAPI warns `Duplicate Operation ID`), and "
                    "generated clients keep only one of them; give each route its own id"
                )
            elif conflict.ordered:
                message = (
                    f"Route {later.describe()} duplicates {earlier.describe()} at "
                    f"{earlier.location()}, registered first: Starlette always dispatches to "
                    "the first match, so this handler never runs; remove one or change its path"
                )
            else:
                message = (
                    f"Route {later.describe()} duplicates {earlier.describe()} at "
                    f"{earlier.location()}: Starlette dispatches to whichever is registered "
                    "first (here it depends on the import order), so one handler never runs; "
                    "remove one or change its path"
                )
            report.report(span, message)
