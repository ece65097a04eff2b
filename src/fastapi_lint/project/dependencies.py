"""The dependency closure of a route or dependency: every function FastAPI calls to serve it,
through ``Depends`` in parameters, defaults, ``Annotated`` metadata and router dependencies."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from fastapi_lint.analysis.module_summary import (
    ClassSummary,
    FunctionSummary,
    ModuleSummary,
    ParamSummary,
)
from fastapi_lint.project.index import Project

REQUEST_ONLY_DEPENDENCY_TYPES = frozenset(
    {
        "fastapi.security.OAuth2PasswordBearer",
        "fastapi.security.OAuth2AuthorizationCodeBearer",
        "fastapi.security.OAuth2PasswordRequestForm",
        "fastapi.security.OAuth2PasswordRequestFormStrict",
        "fastapi.security.HTTPBasic",
        "fastapi.security.HTTPBearer",
        "fastapi.security.HTTPDigest",
        "fastapi.security.APIKeyHeader",
        "fastapi.security.APIKeyQuery",
        "fastapi.security.APIKeyCookie",
        "fastapi.security.OpenIdConnect",
        "fastapi.security.api_key.APIKeyHeader",
        "fastapi.security.api_key.APIKeyQuery",
        "fastapi.security.api_key.APIKeyCookie",
        "fastapi.security.http.HTTPBasic",
        "fastapi.security.http.HTTPBearer",
        "fastapi.security.oauth2.OAuth2PasswordBearer",
    }
)


@dataclass(slots=True)
class DependencyClosure:
    """What a route (or dependency) runs: functions, and classes used as ``Depends(Class)``."""

    functions: list[tuple[ModuleSummary, FunctionSummary]] = field(default_factory=list)
    # Pydantic models and plain classes whose fields become parameters.
    classes: list[tuple[ModuleSummary, ClassSummary]] = field(default_factory=list)
    complete: bool = True  # False when some dependency could not be followed

    def params(self, project: Project) -> Iterator[ParamSummary]:
        for _, function in self.functions:
            yield from project.params(function)
        for _, klass in self.classes:
            for name in klass.fields:
                alias = klass.field_aliases.get(name)
                yield ParamSummary(name=alias if alias and alias != "?" else name)


def dependency_closure(
    project: Project,
    start: FunctionSummary,
    start_module: ModuleSummary,
    extra: list[str] = (),  # type: ignore[assignment]
) -> DependencyClosure:
    closure = DependencyClosure()
    closure.functions.append((start_module, start))
    queue: list[str] = list(extra)
    seen: set[str] = set()

    def enqueue_params(function: FunctionSummary) -> None:
        for param in project.params(function):
            marker = param.marker
            if marker is not None and marker.dependency is not None:
                queue.append(marker.dependency)

    enqueue_params(start)
    while queue:
        target = queue.pop()
        if target in seen:
            continue
        seen.add(target)
        if not target:
            closure.complete = False
            continue
        if target.endswith("()"):
            # `Depends(Checker(...))`: FastAPI calls the instance.
            instance = project.resolve(target[:-2])
            if instance in REQUEST_ONLY_DEPENDENCY_TYPES:
                continue
            call = project.function(f"{instance}.__call__")
            if call is not None:
                closure.functions.append((call.module, call.function))
                enqueue_params(call.function)
            else:
                closure.complete = False
            continue
        resolved = project.resolve(target)
        function = project.function(resolved)
        if function is not None:
            closure.functions.append((function.module, function.function))
            enqueue_params(function.function)
            continue
        klass = project.klass(resolved)
        if klass is not None:
            _add_class(project, closure, klass, enqueue_params)
            continue
        instance = project.module_variable_type(resolved)
        if instance is not None:
            if instance in REQUEST_ONLY_DEPENDENCY_TYPES:
                continue
            owner = project.klass(instance)
            call = project.function(f"{instance}.__call__") if owner is not None else None
            if call is not None:
                closure.functions.append((call.module, call.function))
                enqueue_params(call.function)
                continue
        if resolved in REQUEST_ONLY_DEPENDENCY_TYPES:
            continue
        closure.complete = False
    return closure


def _add_class(project: Project, closure: DependencyClosure, found, enqueue_params) -> None:
    module, klass = found
    qualname = module.qualify(klass.qualname)
    if qualname in project.model_classes():
        # Fields of the model and of its project ancestors (FastAPI reads the model's
        # signature, where a field is named by its alias).
        for candidate in [
            found,
            *filter(None, map(project.klass, project.class_ancestors(qualname))),
        ]:
            aliases = candidate[1].field_aliases
            if "*" in aliases or "?" in aliases.values():
                closure.complete = False
            closure.classes.append(candidate)
        return
    init = project.function(f"{qualname}.__init__")
    if init is not None:
        closure.functions.append((init.module, init.function))
        enqueue_params(init.function)
        return
    # A dataclass (or a class without its own __init__): its fields, when every base is known.
    for ancestor in project.class_ancestors(qualname):
        if project.klass(ancestor) is None and ancestor not in ("object",):
            closure.complete = False
            return
    closure.classes.append(found)
