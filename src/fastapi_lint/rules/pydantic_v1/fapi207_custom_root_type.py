"""FAPI207 pydantic-v1-custom-root-type: ``__root__`` fields (v2: ``RootModel``), and the
``.__root__`` / ``__root__=`` uses of such models."""

from __future__ import annotations

from fastapi_lint.analysis.module_summary import ModuleSummary
from fastapi_lint.analysis.scope import ClassInfo
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext, PendingFix
from fastapi_lint.lint.importer import ImportChanges
from fastapi_lint.lint.rule import FixAvailability, ModuleReport, Rule
from fastapi_lint.project.index import Project
from fastapi_lint.rules.pydantic_v1 import catalog
from fastapi_lint.rules.pydantic_v1.analysis import (
    FIELD_VALIDATOR,
    MODEL_VALIDATOR,
    ROOT_VALIDATOR,
    VALIDATOR,
    FileAnalysis,
    analysis,
    record_model_classes,
)
from fastapi_lint.rules.pydantic_v1.catalog import PYDANTIC_2
from fastapi_lint.rules.pydantic_v1.facts import FINDING, Finding
from fastapi_lint.rules.pydantic_v1.hierarchy import (
    is_model,
    is_root_model,
    lineage,
    model_facts,
    receiver_model,
    with_applicability,
)

BASE_MODEL = frozenset({"pydantic.BaseModel", "pydantic.main.BaseModel"})
_DECORATORS = VALIDATOR | ROOT_VALIDATOR | FIELD_VALIDATOR | MODEL_VALIDATOR
_UNSAFE = (
    "every use of `__root__` must change with it, and `.dict()` of a root model returns the "
    "value itself in v2"
)


class CustomRootType(Rule):
    code = "FAPI207"
    name = "pydantic-v1-custom-root-type"
    quiet_below = PYDANTIC_2
    summary = "Pydantic v1 custom root type `__root__` (v2: `RootModel`)"
    fix_availability = FixAvailability.SOMETIMES

    def visit_Attribute(self, node: cst.Attribute, ctx: FileContext) -> None:
        if node.attr.value != "__root__":
            return
        receiver = self._receiver(node.value, ctx)
        if receiver is None:
            return
        finding = Finding(
            code=self.code,
            span=ctx.lazy_span(node),
            message=(
                "`.__root__` of a custom root type: Pydantic v2 root models hold the value in "
                "`.root`"
            ),
            member="access",
            receiver=receiver[0],
            receiver_ref=receiver[1],
        )
        ctx.deferred_fix(
            finding,
            "fix",
            PendingFix.unsafe("Replace with `.root`", ctx.replace(node.attr, "root")),
        )
        ctx.summary.add_fact(FINDING, finding)

    def visit_Call(self, node: cst.Call, ctx: FileContext) -> None:
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value == "__root__":
                break
        else:
            return
        reference = ctx.resolver.class_reference(node.func, ctx.frame)
        if reference is None:
            return
        finding = Finding(
            code=self.code,
            span=ctx.lazy_span(arg.keyword),
            message=(
                "`__root__=` builds a v1 custom root type: Pydantic v2 root models take the "
                "value as `root=` (or positionally)"
            ),
            member="keyword",
            receiver=f"type[{reference}]",
        )
        ctx.deferred_fix(
            finding,
            "fix",
            PendingFix.unsafe("Replace with `root=`", ctx.replace(arg.keyword, "root")),
        )
        ctx.summary.add_fact(FINDING, finding)

    def _receiver(self, receiver: cst.BaseExpression, ctx: FileContext) -> tuple[str, str] | None:
        """The receiver's type (or "") and the name it refers to (or ""), when either is known."""
        value_type = ctx.infer_type(receiver, ctx.frame)
        if value_type is not None:
            return value_type, ""
        if isinstance(receiver, (cst.Name, cst.Attribute)):
            reference = ctx.qualname(receiver, ctx.frame)
            if reference is not None and "." in reference:
                return "", reference
        return None

    def end_file(self, ctx: FileContext) -> None:
        record_model_classes(ctx)
        shared = analysis(ctx)
        for info in ctx.walk.classes:
            body = shared.body(info) if info.bases else None
            if body is not None and body.root is not None:
                self._record(ctx, shared, info, body.root)

    def _record(self, ctx: FileContext, shared: FileAnalysis, info: ClassInfo, root) -> None:
        finding = Finding(
            code=self.code,
            span=ctx.lazy_span(root.target),
            message=(
                f"`__root__` makes `{info.qualname}` a Pydantic v1 custom root type: Pydantic v2 "
                "raises `TypeError` when the class is created; subclass `RootModel` and name the "
                "field `root`"
            ),
            owner=shared.project_name(info),
            member="class",
        )
        pending, problem = self._fix(ctx, shared, info, root)
        if pending is None:
            finding.no_fix = f"no automatic fix: {problem}"
        else:
            ctx.deferred_fix(finding, "fix", pending)
        ctx.summary.add_fact(FINDING, finding)

    def _fix(
        self, ctx, shared: FileAnalysis, info: ClassInfo, root
    ) -> tuple[PendingFix | None, str]:
        node = info.node
        if len(node.bases) != 1 or node.keywords:
            return None, "the class has several bases or class keywords"
        base = node.bases[0].value
        if ctx.qualname(base, info.parent) not in BASE_MODEL:
            return None, "the class does not subclass `BaseModel` directly"
        body = shared.body(info)
        if body.fields or body.config is not None or body.model_config is not None:
            return None, "the class also has fields or a configuration"
        for method in info.methods.values():
            for decorator in method.node.decorators:
                expression = decorator.decorator
                if isinstance(expression, cst.Call):
                    expression = expression.func
                if ctx.qualname(expression, info.frame) in _DECORATORS:
                    return None, "the class has validators"
        imports = ImportChanges(ctx, catalog.ADDED_NAMES)
        spelled = imports.spell(catalog.PYDANTIC, "RootModel", info.parent)
        if isinstance(base, cst.Name):
            alias = shared.removable_import(base.value, {base})
            if alias is not None:
                imports.remove(alias)
        edits = imports.edits()
        if spelled is None or edits is None:
            return None, "the imports cannot be updated"
        return (
            PendingFix.unsafe(
                f"Subclass `{spelled}` and rename the field `root`",
                ctx.replace(base, spelled),
                ctx.replace(root.target, "root"),
                *edits,
            ),
            "",
        )

    def check_module(self, module: ModuleSummary, project: Project, report: ModuleReport) -> None:
        for finding in module.facts.get(FINDING, ()):
            if finding.code != self.code:
                continue
            if finding.member == "class" and not is_model(project, finding.owner):
                continue
            fix = finding.fix
            message = finding.message
            if finding.member != "class":
                found = receiver_model(project, finding)
                if found is None or not is_root_model(project, found[0]):
                    continue
                on_class = found[1]
                if on_class != (finding.member == "keyword"):
                    continue
                declaring = _declaring_class(project, found[0])
                if (
                    fix is not None
                    and declaring is not None
                    and not _class_fixed(project, declaring)
                ):
                    fix = None
                    message += (
                        f"; no automatic fix: `{declaring.rpartition('.')[2]}` itself has no "
                        "automatic `RootModel` migration, and `.root` alone fails under v1 "
                        "(`AttributeError`) while v2 still rejects the class"
                    )
            if finding.no_fix:
                message = f"{message}; {finding.no_fix}"
            elif fix is not None:
                message = f"{message} (the fix is unsafe: {_UNSAFE})"
            report.report(finding.span, message, fix=with_applicability(fix, True))


def _declaring_class(project: Project, qualname: str) -> str | None:
    """The class of ``qualname``'s lineage that declares the v1 ``__root__`` field."""
    facts = model_facts(project)
    for name in lineage(project, qualname):
        record = facts.get(name)
        if record is not None and record.root:
            return name
    return None


def _class_fixed(project: Project, qualname: str) -> bool:
    """The FAPI207 finding on the class's ``__root__`` declaration carries a fix."""

    def compute(project: Project) -> dict[str, bool]:
        found = {}
        for _, record in project.facts(FINDING):
            if record.code == CustomRootType.code and record.member == "class":
                found[project.resolve(record.owner)] = record.fix is not None
        return found

    return project.cached("pydantic-v1-root-class-fixed", compute).get(qualname, False)
