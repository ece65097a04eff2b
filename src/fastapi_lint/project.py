"""The project pass: facts that need every module, computed from the per-module summaries.

``Project`` indexes the summaries (modules, functions, classes, re-exports); project rules
implement ``Rule.check_module(module, project, report)`` and report through ``ModuleReport``.
Nothing here parses source: unchanged modules come straight from the cache.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from fastapi_lint.diagnostics import Diagnostic, Fix, Location
from fastapi_lint.inference import class_object_of, element_of
from fastapi_lint.knowledge.names import MODEL_BASES, SETTINGS_BASES, canonical
from fastapi_lint.noqa import NoqaDirectives
from fastapi_lint.registry import Rule
from fastapi_lint.summary import ClassSummary, FunctionSummary, ModuleSummary, Span

_MAX_ALIAS_DEPTH = 10


@dataclass(slots=True)
class ProjectFunction:
    module: ModuleSummary
    function: FunctionSummary
    qualname: str  # project-wide
    roles: set[str] = field(default_factory=set)

    def describe(self) -> str:
        function = self.function
        if function.routes:
            route = function.routes[0]
            path = route.path if route.path is not None else "<dynamic path>"
            if route.websocket:
                return f"websocket `WEBSOCKET {path}` (`{function.name}`)"
            return f"route `{'|'.join(route.methods)} {path}` (`{function.name}`)"
        for role in (
            "dependency",
            "middleware",
            "exception handler",
            "lifespan",
            "event handler",
            "background task",
        ):
            if role in self.roles:
                return f"{role} `{function.qualname}`"
        return f"{'async ' if function.is_async else ''}function `{function.qualname}`"

    def location(self) -> str:
        return f"{self.module.path}:{self.function.span.row}"


class Project:
    """An index over every module summary of the run."""

    def __init__(self, summaries: Iterable[ModuleSummary]) -> None:
        self.modules: dict[str, ModuleSummary] = {}
        self.by_path: dict[str, ModuleSummary] = {}
        for summary in summaries:
            # Two files claiming one module name (scripts outside packages): keep the first.
            self.modules.setdefault(summary.module, summary)
            self.by_path[summary.path] = summary
        self.functions: dict[str, ProjectFunction] = {}
        self.classes: dict[str, tuple[ModuleSummary, ClassSummary]] = {}
        for summary in self.modules.values():
            for function in summary.functions:
                qualname = summary.qualify(function.qualname)
                self.functions[qualname] = ProjectFunction(
                    summary, function, qualname, set(function.roles)
                )
            for klass in summary.classes:
                self.classes[summary.qualify(klass.qualname)] = (summary, klass)
        # Roles given by other modules: `Depends(get_db)` in a router, `app.add_task(f)`...
        for summary in self.modules.values():
            for name, role in summary.references:
                function = self.function(name)
                if function is not None:
                    function.roles.add(role)
            for function in summary.functions:
                for dependency in function.depends:
                    target = self.function(dependency)
                    if target is not None:
                        target.roles.add("dependency")
        # Facts of rule families, computed once per project pass: key -> value.
        self.memo: dict[str, Any] = {}

    def cached(self, key: str, compute):
        """``compute(self)`` once per project pass (for example the set of model classes)."""
        if key not in self.memo:
            self.memo[key] = compute(self)
        return self.memo[key]

    # -- class hierarchy -------------------------------------------------------------------

    def class_ancestors(self, qualname: str) -> list[str]:
        """Every base class, transitively, as qualified names (project classes resolved)."""
        seen: list[str] = []
        stack = [qualname]
        while stack:
            current = stack.pop()
            found = self.klass(current)
            if found is None:
                continue
            _, klass = found
            for base in klass.bases:
                if base is None:
                    continue
                resolved = self.resolve(base)
                if resolved not in seen:
                    seen.append(resolved)
                    stack.append(resolved)
        return seen

    def model_classes(self) -> frozenset[str]:
        """Qualified names of every Pydantic model class of the project (any depth, any alias)."""

        def compute(project: Project) -> frozenset[str]:
            models = set()
            for name in project.classes:
                if any(base in MODEL_BASES for base in project.class_ancestors(name)):
                    models.add(name)
            return frozenset(models)

        return self.cached("pydantic-models", compute)

    def is_model(self, qualname: str) -> bool:
        return self.resolve(qualname) in self.model_classes() or qualname in MODEL_BASES

    def is_settings(self, qualname: str) -> bool:
        resolved = self.resolve(qualname)
        return any(base in SETTINGS_BASES for base in self.class_ancestors(resolved))

    def facts(self, kind: str):
        """Every record of fact ``kind`` across modules: (module, record) pairs."""
        for module in self.modules.values():
            for record in module.facts.get(kind, ()):
                yield module, record

    def resolve(self, qualname: str) -> str:
        """Follow re-exports: ``app.services.charge`` -> ``app.services.payments.charge``."""
        seen = 0
        while seen < _MAX_ALIAS_DEPTH:
            seen += 1
            if qualname in self.functions or qualname in self.classes or qualname in self.modules:
                return qualname
            # Find the longest module prefix.
            parts = qualname.split(".")
            moved = False
            for cut in range(len(parts) - 1, 0, -1):
                module = self.modules.get(".".join(parts[:cut]))
                if module is None:
                    continue
                head, tail = parts[cut], parts[cut + 1 :]
                target = module.imports.get(head)
                if target is not None:
                    qualname = canonical(".".join([target, *tail]))
                    moved = True
                break
            if not moved:
                return qualname
        return qualname

    def function(self, qualname: str) -> ProjectFunction | None:
        found = self.functions.get(qualname)
        if found is not None:
            return found
        return self.functions.get(self.resolve(qualname))

    def klass(self, qualname: str) -> tuple[ModuleSummary, ClassSummary] | None:
        found = self.classes.get(qualname)
        if found is not None:
            return found
        return self.classes.get(self.resolve(qualname))

    def value_type(self, type_name: str | None, _depth: int = 0) -> str | None:
        """Settle a type from the per-file pass (see ``inference.py``) with the whole project.

        ``pkg.load`` (the result of calling an imported name) becomes the class it names, or the
        return annotation of the project function it names; ``element[...]`` becomes the
        element type of what it wraps; ``pkg.User::address`` the annotated type of that
        attribute (inherited ones included). Classes are resolved through re-exports. The result is
        a class qualname, ``type[...]``, ``list[...]``, or None when unknown.
        """
        if not type_name or _depth > _MAX_ALIAS_DEPTH:
            return None
        if type_name.startswith("element[") and type_name.endswith("]"):
            collection = self.value_type(type_name[8:-1], _depth + 1)
            return self.value_type(element_of(collection), _depth + 1)
        if type_name.startswith("list[") and type_name.endswith("]"):
            element = self.value_type(type_name[5:-1], _depth + 1)
            return f"list[{element}]" if element is not None else None
        owner = class_object_of(type_name)
        if owner is not None:
            resolved = self.value_type(owner, _depth + 1)
            return f"type[{resolved}]" if resolved is not None else None
        if "::" in type_name:
            owner, _, attribute = type_name.rpartition("::")
            settled = self.value_type(owner, _depth + 1)
            if settled is None or settled not in self.classes:
                return None
            for name in (settled, *self.class_ancestors(settled)):
                found = self.classes.get(name)
                if found is not None and attribute in found[1].attributes:
                    return self.value_type(found[1].attributes[attribute], _depth + 1)
            return None
        resolved = self.resolve(type_name)
        if resolved in self.classes:
            return resolved
        function = self.functions.get(resolved)
        if function is not None:
            return self.value_type(function.function.returns, _depth + 1)
        return resolved

    def module_variable_type(self, qualname: str) -> str | None:
        """The type of a module-level variable of another module (``app.db.engine``)."""
        resolved = self.resolve(qualname)
        module_name, _, name = resolved.rpartition(".")
        module = self.modules.get(module_name)
        if module is None:
            return None
        value_type = module.variables.get(name)
        if value_type is None:
            return None
        if value_type.startswith(".") or value_type in self.classes:
            return value_type
        return self.resolve(value_type)


@dataclass(slots=True)
class ModuleReport:
    """Where a project rule reports findings on one module."""

    module: ModuleSummary
    rule: type[Rule] | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def report(
        self,
        span: Span,
        message: str,
        *,
        fix: Fix | None = None,
        data: dict[str, Any] | None = None,
        rule: type[Rule] | None = None,
    ) -> None:
        owner = rule or self.rule
        assert owner is not None
        self.diagnostics.append(
            Diagnostic(
                code=owner.code,
                name=owner.name,
                message=message,
                start=span.start,
                end=span.end,
                location=Location(span.row, span.column),
                end_location=Location(span.end_row, span.end_column),
                fix=fix,
                noqa_row=span.row,
                data=data or {},
            )
        )


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
            rule.check_module(module, project, report)
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
    """Let rules restate per-file messages with project knowledge (roles named elsewhere)."""
    refined = []
    for diagnostic in diagnostics:
        rule = rules_by_code.get(diagnostic.code)
        if rule is not None and diagnostic.data:
            diagnostic = rule.refine(diagnostic, project)
        refined.append(diagnostic)
    return refined
