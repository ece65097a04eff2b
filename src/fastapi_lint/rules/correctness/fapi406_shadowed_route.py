"""FAPI406 shadowed-route: an earlier route on the same app always answers this one's paths."""

from __future__ import annotations

from fastapi_lint.analysis.module_summary import ModuleSummary
from fastapi_lint.lint.rule import ModuleReport, Rule
from fastapi_lint.project.index import Project
from fastapi_lint.rules.correctness.conflicts import conflicts, fresh_span


class ShadowedRoute(Rule):
    code = "FAPI406"
    name = "shadowed-route"
    summary = "Route that can never be reached: an earlier route on the same app matches its path"

    def check_module(self, module: ModuleSummary, project: Project, report: ModuleReport) -> None:
        for conflict in conflicts(project):
            if conflict.kind != "shadowed" or conflict.later.module.module != module.module:
                continue
            span = fresh_span(module, conflict.later)
            if span is None:
                continue
            later, earlier = conflict.later, conflict.earlier
            wide, narrow = conflict.detail.split("\n", 1)
            report.report(
                span,
                f"Route {later.describe()} can never be reached: {earlier.describe()} at "
                f"{earlier.location()} is registered before it, and `{wide}` matches every "
                f"`{narrow}` request (a path parameter matches any segment), so Starlette "
                "always dispatches to the earlier route; register the more specific route first",
            )
