"""The project pass: project rules run over every module's summary, and per-file findings
restated (or withdrawn) with what the whole project knows."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from fastapi_lint.analysis.module_summary import ModuleSummary
from fastapi_lint.core.codes import INTERNAL_ERROR, exception_detail, file_diagnostic
from fastapi_lint.core.diagnostics import Diagnostic
from fastapi_lint.core.noqa import NoqaDirectives
from fastapi_lint.lint.rule import ModuleReport, Rule
from fastapi_lint.project.index import Project


def run_project_rules(
    project: Project,
    rules: list[Rule],
    modules: Iterable[ModuleSummary],
    noqa: dict[str, NoqaDirectives],
) -> dict[str, list[Diagnostic]]:
    """Project diagnostics per module path, with noqa comments applied."""
    project_rules = [rule for rule in rules if type(rule).has_project_check()]
    results: dict[str, list[Diagnostic]] = {}
    if not project_rules:
        return results
    for module in modules:
        report = ModuleReport(module)
        for rule in project_rules:
            report.rule = type(rule)
            reported = len(report.diagnostics)
            try:
                rule.check_module(module, project, report)
            except Exception as exc:  # a broken rule must not take the run down
                del report.diagnostics[reported:]  # half-done: dropped
                report.diagnostics.append(_project_rule_failed(rule.code, exc))
        directives = noqa.get(module.path)
        found = report.diagnostics
        if directives is not None:
            found = [d for d in found if not directives.suppresses(d.code, d.noqa_row)]
        if found:
            results[module.path] = found
    return results


def refine_diagnostics(
    project: Project, rules_by_code: dict[str, Rule], diagnostics: list[Diagnostic]
) -> list[Diagnostic]:
    """Let rules restate per-file messages with project knowledge (roles named elsewhere), or
    withdraw them (message ``WITHDRAWN``); the list keeps one entry per diagnostic."""
    refined = []
    for diagnostic in diagnostics:
        rule = rules_by_code.get(diagnostic.code)
        if rule is not None and diagnostic.data:
            # On failure the per-file message stands (its data may come from a cache file).
            with contextlib.suppress(Exception):
                diagnostic = rule.refine(diagnostic, project)
        refined.append(diagnostic)
    return refined


def _project_rule_failed(code: str, exc: Exception) -> Diagnostic:
    return file_diagnostic(
        INTERNAL_ERROR,
        f"Rule {code} failed in the project pass on this module ({exception_detail(exc)}); "
        "other rules still ran. Please report this with the file.",
    )
