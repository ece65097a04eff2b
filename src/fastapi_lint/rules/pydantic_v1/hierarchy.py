"""Project-wide knowledge of Pydantic models for the FAPI2xx rules: which classes are models,
their ancestors and descendants in the project, and the facts recorded about them."""

from __future__ import annotations

from fastapi_lint.analysis.inference import class_object_of
from fastapi_lint.analysis.knowledge.names import MODEL_BASES
from fastapi_lint.core.diagnostics import Applicability, Fix
from fastapi_lint.project.index import Project
from fastapi_lint.rules.pydantic_v1.facts import (
    CONFIG_REFERENCE,
    MODEL_CLASS,
    ConfigReference,
    Finding,
    ModelClass,
)

ROOT_MODEL_BASES = frozenset({"pydantic.RootModel", "pydantic.root_model.RootModel"})


def model_facts(project: Project) -> dict[str, ModelClass]:
    def compute(project: Project) -> dict[str, ModelClass]:
        found = {}
        for module, record in project.facts(MODEL_CLASS):
            found[module.qualify(record.qualname)] = record
        return found

    return project.cached("pydantic-v1-class-facts", compute)


def descendants(project: Project, qualname: str) -> list[str]:
    def compute(project: Project) -> dict[str, list[str]]:
        below: dict[str, list[str]] = {}
        for name in project.model_classes():
            for ancestor in project.class_ancestors(name):
                below.setdefault(ancestor, []).append(name)
        return below

    return project.cached("pydantic-v1-descendants", compute).get(qualname, [])


def config_references(project: Project) -> set[str]:
    def compute(project: Project) -> set[str]:
        found = set()
        for _, record in project.facts(CONFIG_REFERENCE):
            assert isinstance(record, ConfigReference)
            found.add(project.resolve(record.owner))
        return found

    return project.cached("pydantic-v1-config-references", compute)


def lineage(project: Project, qualname: str) -> list[str]:
    """The class and its project ancestors (library classes left out)."""
    return [qualname, *(a for a in project.class_ancestors(qualname) if a in project.classes)]


def is_root_model(project: Project, qualname: str) -> bool:
    facts = model_facts(project)
    if any(facts.get(name) is not None and facts[name].root for name in lineage(project, qualname)):
        return True
    return any(base in ROOT_MODEL_BASES for base in project.class_ancestors(qualname))


def from_attributes(project: Project, qualname: str) -> bool:
    facts = model_facts(project)
    return any(
        facts.get(name) is not None and facts[name].from_attributes
        for name in lineage(project, qualname)
    )


def serializes_by_alias(project: Project, qualname: str) -> bool:
    """The configuration of the class or a project ancestor may set ``serialize_by_alias``."""
    facts = model_facts(project)
    return any(
        facts.get(name) is not None and facts[name].serialize_by_alias
        for name in lineage(project, qualname)
    )


def fields_of(project: Project, qualname: str) -> set[str]:
    facts = model_facts(project)
    fields: set[str] = set()
    for name in lineage(project, qualname):
        record = facts.get(name)
        if record is not None:
            fields.update(record.fields)
    return fields


def before_validated(project: Project, qualname: str) -> list[str]:
    """Fields with a before-validator in the class, its ancestors and its descendants (one entry
    per validator)."""
    facts = model_facts(project)
    names = [*lineage(project, qualname), *descendants(project, qualname)]
    found: list[str] = []
    for name in dict.fromkeys(names):
        record = facts.get(name)
        if record is not None:
            found.extend(record.before_validated)
    return found


def defines_member(project: Project, qualname: str, member: str) -> bool:
    """The class or one of its project ancestors defines ``member`` itself."""
    for name in lineage(project, qualname):
        found = project.klass(name)
        if found is not None and member in found[1].methods:
            return True
    return False


def overridden_below(project: Project, qualname: str, member: str) -> bool:
    for name in descendants(project, qualname):
        found = project.klass(name)
        if found is not None and member in found[1].methods:
            return True
    return False


V1_COMPAT = "pydantic.v1."


def is_v1_compat(project: Project, qualname: str) -> bool:
    """A model of ``pydantic.v1`` (Pydantic 1 shipped inside Pydantic 2): the v1 API is its own
    API, and the v2 spelling does not exist on it (``model_dump`` raises ``AttributeError``).
    FAPI206 reports the import; the migration rules leave these models alone."""
    name = project.resolve(qualname)
    return name.startswith(V1_COMPAT) or any(
        base.startswith(V1_COMPAT) for base in project.class_ancestors(name)
    )


def is_model(project: Project, qualname: str) -> bool:
    """A Pydantic model the v2 migration applies to (not a ``pydantic.v1`` one)."""
    return project.resolve(qualname) in project.model_classes() and not is_v1_compat(
        project, qualname
    )


def receiver_model(project: Project, finding: Finding) -> tuple[str, bool] | None:
    """The model class a call site's receiver belongs to, and whether the receiver is the class
    itself (``User.parse_obj``) rather than an instance; None when it is not a known model."""
    if finding.receiver:
        settled = project.settle_type(finding.receiver)
        if settled is None:
            return None
        owner = class_object_of(settled)
        on_class = owner is not None
        name = owner if owner is not None else settled
    elif finding.receiver_ref:
        reference = project.resolve(finding.receiver_ref)
        if reference in project.classes or reference in MODEL_BASES:
            name, on_class = reference, True
        else:
            variable = project.module_variable_type(reference)
            settled = project.settle_type(variable) if variable is not None else None
            if settled is None or class_object_of(settled) is not None:
                return None
            name, on_class = settled, False
    else:
        return None
    if is_v1_compat(project, name):
        return None
    if name in MODEL_BASES:
        return name, on_class
    return (name, on_class) if is_model(project, name) else None


def with_applicability(fix: Fix | None, unsafe: bool) -> Fix | None:
    if fix is None or not unsafe:
        return fix
    return Fix(fix.message, fix.edits, Applicability.UNSAFE)
