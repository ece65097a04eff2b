"""The project index: facts that need every module, computed from the per-module summaries.

``Project`` indexes the summaries (modules, functions, classes, re-exports); project rules read
it in ``Rule.check_module(module, project, report)``. Nothing here parses source: unchanged
modules come straight from the cache, and nothing here knows a rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from fastapi_lint.analysis.inference import class_object_of, element_of
from fastapi_lint.analysis.knowledge.names import MODEL_BASES, SETTINGS_BASES, canonical
from fastapi_lint.analysis.literals import NOT_LITERAL
from fastapi_lint.analysis.module_summary import (
    ClassSummary,
    FunctionSummary,
    ModuleSummary,
    ParamSummary,
)
from fastapi_lint.analysis.scope import plain_def_runs_in_threadpool
from fastapi_lint.project.options import ProjectOptions

_MAX_ALIAS_DEPTH = 10


_NO_ROLES: frozenset[str] = frozenset()


@dataclass(slots=True)
class ProjectFunction:
    module: ModuleSummary
    function: FunctionSummary
    qualname: str  # project-wide
    # Most functions have no role: they share one empty frozenset until ``add_role``.
    roles: set[str] | frozenset[str] = _NO_ROLES
    # Another function of the module has the same qualified name (`def _()` registered as
    # several routes): what is known by name (routes, parameters) may be the other one's.
    duplicate: bool = False

    def add_role(self, role: str) -> None:
        if not isinstance(self.roles, set):
            self.roles = set(self.roles)
        self.roles.add(role)

    @property
    def can_be_def(self) -> bool:
        """As a plain ``def``, FastAPI would run it in the threadpool."""
        return plain_def_runs_in_threadpool(self.function.routes, "dependency" in self.roles)

    def describe(self) -> str:
        function = self.function
        if function.routes and not self.duplicate:
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
        self._resolved: dict[str, str] = {}
        self._callables: dict[str, ProjectFunction | None] = {}
        self._value_types: dict[str, str | None] = {}
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
                earlier = self.functions.get(qualname)
                self.functions[qualname] = ProjectFunction(
                    summary,
                    function,
                    qualname,
                    set(function.roles) if function.roles else _NO_ROLES,
                    duplicate=earlier is not None and earlier.module is summary,
                )
                if earlier is not None and earlier.module is summary:
                    earlier.duplicate = True
            for klass in summary.classes:
                self.classes[summary.qualify(klass.qualname)] = (summary, klass)
        # Roles given by other modules: `Depends(get_db)` in a router, `app.add_task(f)`...
        for summary in self.modules.values():
            for name, role in summary.references:
                function = self.function(name)
                if function is not None:
                    function.add_role(role)
            for function in summary.functions:
                for dependency in function.depends:
                    target = self.function(dependency)
                    if target is not None:
                        target.add_role("dependency")
        # Facts of rule families, computed once per project pass: key -> value.
        self.memo: dict[str, Any] = {}
        # What the run's configuration tells rules (set by the engine; defaults in tests).
        self.options = ProjectOptions()
        # Lines for `--verbose` that rules add about the project pass.
        self.notes: list[str] = []

    def release(self) -> None:
        """Forget everything. Rule facts in ``memo`` may point back at the project (a cycle
        that only the garbage collector, off in the command line, would free); a run drops
        each project it is done with this way."""
        self.memo.clear()
        self.__dict__.clear()

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

    # -- calls and values across modules --------------------------------------------------

    def method(self, class_qualname: str, name: str) -> ProjectFunction | None:
        """A method of a project class, looked up through its project base classes."""
        for owner in (self.resolve(class_qualname), *self.class_ancestors(class_qualname)):
            found = self.functions.get(f"{owner}.{name}")
            if found is not None:
                return found
        return None

    def value_type(self, name: str) -> str | None:
        """The class of the value ``name`` stands for in a per-file type or call target.

        Per-file inference names the result of calling an imported callable after the callable
        (``SessionLocal()`` is typed ``app.db.SessionLocal``); here that is settled: an instance
        of a project class, the result of calling a module-level object
        (``SessionLocal = sessionmaker(...)`` -> ``Session``), the return annotation of a project
        function, or the declared type of a module-level variable (``client = httpx.Client()``).
        """
        if name in self._value_types:
            return self._value_types[name]
        self._value_types[name] = None  # in progress: a cycle of re-exports finds nothing
        found = self._value_types[name] = self._value_type(name)
        return found

    def _value_type(self, name: str) -> str | None:
        from fastapi_lint.analysis.knowledge.types import RETURN_TYPES

        resolved = self.resolve(name)
        if resolved in self.classes:
            return resolved
        alias = self.annotated_alias(resolved)
        if alias is not None:  # `SessionDep = Annotated[Session, Depends(...)]` of another module
            return self.resolve(alias.annotation) if alias.annotation else None
        variable_type = self.module_variable_type(resolved)
        if variable_type is not None:
            return RETURN_TYPES.get(f"{variable_type}.__call__", variable_type)
        function = self.functions.get(resolved)
        if function is not None and function.function.returns:
            return self.resolve(function.function.returns)
        # A method of a library object of another module: `UPLOADS.joinpath(name)` is a path.
        owner, _, attribute = resolved.rpartition(".")
        if owner and owner not in self.modules:
            owner_type = self.value_type(owner)
            if owner_type is not None and owner_type not in self.classes:
                return RETURN_TYPES.get(f"{owner_type}.{attribute}")
        return None

    def resolve_callable(self, target: str) -> ProjectFunction | None:
        """The project function a call target runs: a function, a method (also through a
        module-level instance or an inherited method), or a class's ``__init__``."""
        if target in self._callables:
            return self._callables[target]
        found = self._callables[target] = self._resolve_callable(target)
        return found

    def _resolve_callable(self, target: str) -> ProjectFunction | None:
        found = self.function(target)
        if found is not None:
            return found
        resolved = self.resolve(target)
        if resolved in self.classes:
            return self.method(resolved, "__init__")
        owner, _, attribute = resolved.rpartition(".")
        if not owner:
            return None
        if owner in self.classes:
            return self.method(owner, attribute)
        owner_type = self.value_type(owner)
        if owner_type is not None and owner_type in self.classes:
            return self.method(owner_type, attribute)
        return None

    def library_target(self, target: str) -> str | None:
        """``app.clients.http.get`` -> ``httpx.Client.get`` when ``http = httpx.Client()`` in
        ``app.clients``: a call on a library object defined in another module."""
        resolved = self.resolve(target)
        owner, _, attribute = resolved.rpartition(".")
        if not owner:
            return None
        owner_type = self.value_type(owner)
        if owner_type is None or owner_type in self.classes:
            return None
        result = canonical(f"{owner_type}.{attribute}")
        return result if result != target else None

    def facts(self, kind: str):
        """Every record of fact ``kind`` across modules: (module, record) pairs."""
        for module in self.modules.values():
            for record in module.facts.get(kind, ()):
                yield module, record

    def resolve(self, qualname: str) -> str:
        """Follow re-exports: ``app.services.charge`` -> ``app.services.payments.charge``."""
        found = self._resolved.get(qualname)
        if found is None:
            found = self._resolved[qualname] = self._resolve(qualname)
        return found

    def _resolve(self, qualname: str) -> str:
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
                if target is None and module.star_imports:
                    target = self._star_export(module, head, 0)
                if target is not None:
                    qualname = canonical(".".join([target, *tail]))
                    moved = True
                break
            if not moved:
                return qualname
        return qualname

    def _star_export(self, module: ModuleSummary, name: str, depth: int) -> str | None:
        """Where ``name`` comes from when ``module`` re-exports it with ``from .x import *``."""
        if name.startswith("_") or depth > _MAX_ALIAS_DEPTH:
            return None
        for source in module.star_imports:
            origin = self.modules.get(source)
            if origin is None:
                continue
            qualname = origin.qualify(name)
            if (
                qualname in self.functions
                or qualname in self.classes
                or qualname in self.modules
                or name in origin.imports
                or name in origin.variables
                or name in origin.constants
                or name in origin.annotated_aliases
            ):
                return qualname
            deeper = self._star_export(origin, name, depth + 1) if origin.star_imports else None
            if deeper is not None:
                return deeper
        return None

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

    def constant(self, qualname: str) -> Any:
        """The literal value of a module constant (``app.config.ORIGINS``), of a class attribute
        default (``app.config.Settings.origins``) or of an attribute of a module-level instance
        (``app.config.settings.origins``); ``NOT_LITERAL`` when unknown."""
        resolved = self.resolve(qualname)
        module_name, _, name = resolved.rpartition(".")
        module = self.modules.get(module_name)
        if module is not None and name in module.constants and name not in module.rebound:
            return module.constants[name]
        owner = self.klass(module_name) if module_name else None
        if owner is None and module_name:
            instance_type = self.module_variable_type(module_name)
            if instance_type is not None:
                owner = self.klass(instance_type)
        if owner is None:
            return NOT_LITERAL
        owner_module, klass = owner
        for candidate in [
            owner_module.qualify(klass.qualname),
            *self.class_ancestors(owner_module.qualify(klass.qualname)),
        ]:
            found = self.klass(candidate)
            if found is not None and name in found[1].defaults:
                return found[1].defaults[name]
        return NOT_LITERAL

    def annotated_alias(self, qualname: str) -> ParamSummary | None:
        """The ``Annotated[T, marker]`` a module-level alias of another module stands for."""
        resolved = self.resolve(qualname)
        module_name, _, name = resolved.rpartition(".")
        module = self.modules.get(module_name)
        if module is None or name in module.rebound:
            return None
        return module.annotated_aliases.get(name)

    def params(self, function: FunctionSummary) -> list[ParamSummary]:
        """The parameters of ``function``, with ``Annotated`` aliases of other modules read."""
        found = []
        for param in function.params:
            if param.marker is None and param.annotation_ref is not None:
                alias = self.annotated_alias(param.annotation_ref)
                if alias is not None:
                    param = ParamSummary(
                        name=param.name,
                        kind=param.kind,
                        annotation=alias.annotation,
                        annotation_ref=param.annotation_ref,
                        marker=alias.marker,
                        has_default=param.has_default,
                    )
            found.append(param)
        return found

    def settle_type(self, type_name: str | None, _depth: int = 0) -> str | None:
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
            collection = self.settle_type(type_name[8:-1], _depth + 1)
            return self.settle_type(element_of(collection), _depth + 1)
        if type_name.startswith("list[") and type_name.endswith("]"):
            element = self.settle_type(type_name[5:-1], _depth + 1)
            return f"list[{element}]" if element is not None else None
        owner = class_object_of(type_name)
        if owner is not None:
            resolved = self.settle_type(owner, _depth + 1)
            return f"type[{resolved}]" if resolved is not None else None
        if "::" in type_name:
            owner, _, attribute = type_name.rpartition("::")
            settled = self.settle_type(owner, _depth + 1)
            if settled is None or settled not in self.classes:
                return None
            for name in (settled, *self.class_ancestors(settled)):
                found = self.classes.get(name)
                if found is not None and attribute in found[1].attributes:
                    return self.settle_type(found[1].attributes[attribute], _depth + 1)
            return None
        resolved = self.resolve(type_name)
        if resolved in self.classes:
            return resolved
        alias = self.annotated_alias(resolved)
        if alias is not None:
            return self.settle_type(alias.annotation, _depth + 1)
        function = self.functions.get(resolved)
        if function is not None:
            return self.settle_type(function.function.returns, _depth + 1)
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
