"""FAPI204 pydantic-v1-model-method: v1 methods and attributes of models at call sites
(``user.dict()``, ``User.parse_obj(data)``, ``parse_obj_as(T, data)``...)."""

from __future__ import annotations

from fastapi_lint.analysis.inference import STDLIB_MODULES, element_of
from fastapi_lint.analysis.knowledge.names import MODEL_BASES
from fastapi_lint.analysis.module_summary import ModuleSummary
from fastapi_lint.core.diagnostics import Applicability
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext, PendingFix
from fastapi_lint.lint.importer import ImportChanges
from fastapi_lint.lint.rule import FixAvailability, ModuleReport, Rule
from fastapi_lint.project.index import Project
from fastapi_lint.rules.pydantic_v1 import catalog
from fastapi_lint.rules.pydantic_v1.analysis import (
    analysis,
    record_model_classes,
    under_version_test,
)
from fastapi_lint.rules.pydantic_v1.catalog import PYDANTIC_2
from fastapi_lint.rules.pydantic_v1.facts import FINDING, Finding
from fastapi_lint.rules.pydantic_v1.hierarchy import (
    defines_member,
    is_root_model,
    overridden_below,
    receiver_model,
    serializes_by_alias,
    with_applicability,
)

PARSE_OBJ_AS = frozenset({"pydantic.parse_obj_as", "pydantic.tools.parse_obj_as"})


def _plain_type(type_name: str) -> bool:
    """Types that are certainly not models: builtins, the standard library, collections."""
    if element_of(type_name) is not None:
        return True
    return "." not in type_name or type_name.partition(".")[0] in STDLIB_MODULES


class ModelMethod(Rule):
    code = "FAPI204"
    name = "pydantic-v1-model-method"
    quiet_below = PYDANTIC_2
    summary = "Pydantic v1 model method or attribute (`.dict()`, `.parse_obj()`, `__fields__`...)"
    fix_availability = FixAvailability.SOMETIMES

    def end_file(self, ctx: FileContext) -> None:
        record_model_classes(ctx)

    def visit_Call(self, node: cst.Call, ctx: FileContext) -> None:
        func = node.func
        if isinstance(func, cst.Attribute):
            member = catalog.MODEL_MEMBERS.get(func.attr.value)
            if member is not None and not member.attribute:
                self._member(node, func, member, ctx)
            return
        if isinstance(func, cst.Name) and ctx.call_target(node, ctx.frame) in PARSE_OBJ_AS:
            self._parse_obj_as(node, func, ctx)

    def visit_Attribute(self, node: cst.Attribute, ctx: FileContext) -> None:
        member = catalog.MODEL_MEMBERS.get(node.attr.value)
        if member is None or not member.attribute:
            return
        parent = ctx.parent
        if isinstance(parent, cst.AssignTarget) or (
            isinstance(parent, (cst.AugAssign, cst.AnnAssign, cst.Del)) and parent.target is node
        ):
            return  # written, not read
        self._member(node, node, member, ctx)

    # -- call sites of model members ---------------------------------------------------------

    def _member(
        self,
        site: cst.BaseExpression,
        attribute: cst.Attribute,
        member: catalog.ModelMember,
        ctx: FileContext,
    ) -> None:
        frame = ctx.frame
        receiver = attribute.value
        value_type = ctx.infer_type(receiver, frame)
        reference = None
        if value_type is not None:
            if _plain_type(value_type) and not value_type.startswith("type["):
                return
        else:
            reference = ctx.resolver.class_reference(receiver, frame)
            if reference is None and isinstance(receiver, (cst.Name, cst.Attribute)):
                reference = ctx.qualname(receiver, frame)
            if reference is None or _plain_type(reference):
                return
        if under_version_test(ctx, site):
            return
        finding = Finding(
            code=self.code,
            span=ctx.lazy_span(site),
            message="",
            member=member.name,
            receiver=value_type or "",
            receiver_ref=reference or "",
        )
        receiver_text = analysis(ctx).source(receiver)
        replacement = member.replacement
        call = site if isinstance(site, cst.Call) else None
        shown = f"{member.name}()" if call is not None else member.name
        finding.message = (
            f"`.{shown}` is Pydantic v1 API: Pydantic v2 warns on every use and v3 removes "
            f"it; use `.{replacement}{'()' if call is not None else ''}`"
        )
        problem = _argument_problem(call, member) if call is not None else ""
        if member.name in catalog.MEMBER_NO_FIX:
            problem = catalog.MEMBER_NO_FIX[member.name]
        if problem:
            finding.no_fix = f"no automatic fix: {problem}"
            ctx.summary.add_fact(FINDING, finding)
            return
        if member.name == "dict":
            finding.conditions.append("not-root")
        for attribute_name, on_class in (("fix", True), ("alternative", False)):
            pending = self._fix(ctx, site, attribute, member, receiver_text, on_class)
            if pending is not None:
                ctx.deferred_fix(finding, attribute_name, pending)
        if member.name in _BY_ALIAS_DEFAULT and call is not None:
            explicit = _explicit_by_alias(ctx, call, attribute, member)
            if explicit is not None:
                finding.conditions.append("by-alias")
                ctx.deferred_fix(finding, "explicit", explicit)
        ctx.summary.add_fact(FINDING, finding)

    def _fix(
        self,
        ctx: FileContext,
        site: cst.BaseExpression,
        attribute: cst.Attribute,
        member: catalog.ModelMember,
        receiver: str,
        on_class: bool,
    ) -> PendingFix | None:
        """The rewrite when the receiver is the class (``on_class``) or an instance."""
        name = member.name
        replacement = member.replacement
        if name == "__fields__":
            # Only the names are the same: the values are v2 `FieldInfo`, not v1 `ModelField`.
            make = PendingFix.safe if _names_only(ctx, site) else PendingFix.unsafe
            if on_class:
                return make(
                    "Replace with `.model_fields`", ctx.replace(attribute.attr, replacement)
                )
            if ctx.resolver.name_qualname("type", ctx.frame) != "type":
                return None
            text = f"type({receiver}).model_fields"
            return make(f"Replace with `{text}`", ctx.replace(site, text))
        if on_class and not member.on_class:
            return None  # `User.dict(user)`: an unbound call, left alone
        assert isinstance(site, (cst.Call, cst.Attribute))
        if name == "update_forward_refs":
            text = f"{receiver}.model_rebuild(force=True)"
            return PendingFix.safe(f"Replace with `{text}`", ctx.replace(site, text))
        if name == "schema_json":
            return self._schema_json(ctx, site, receiver)
        return PendingFix.safe(
            f"Replace with `.{replacement}`", ctx.replace(attribute.attr, replacement)
        )

    def _schema_json(self, ctx: FileContext, call, receiver: str) -> PendingFix | None:
        imports = ImportChanges(ctx, catalog.ADDED_NAMES)
        dumps = imports.spell_attribute("json", "dumps", ctx.frame)
        import_edits = imports.edits()
        if dumps is None or import_edits is None:
            return None
        shared = analysis(ctx)
        schema_args = []
        dumps_args = []
        for arg in call.args:
            text = f"{arg.keyword.value}={shared.source(arg.value)}"
            (
                schema_args if arg.keyword.value in ("by_alias", "ref_template") else dumps_args
            ).append(text)
        text = f"{dumps}({receiver}.model_json_schema({', '.join(schema_args)})"
        text += "".join(f", {a}" for a in dumps_args) + ")"
        return PendingFix.safe(f"Replace with `{text}`", ctx.replace(call, text), *import_edits)

    # -- parse_obj_as ---------------------------------------------------------------------------

    def _parse_obj_as(self, node: cst.Call, func: cst.Name, ctx: FileContext) -> None:
        message = (
            "`parse_obj_as()` is Pydantic v1 API: Pydantic v2 warns on every call and v3 "
            "removes it; use `TypeAdapter(T).validate_python(data)`"
        )
        fix = None
        args = node.args
        if len(args) == 2 and all(a.keyword is None and not a.star for a in args):
            shared = analysis(ctx)
            imports = ImportChanges(ctx, catalog.ADDED_NAMES)
            adapter = imports.spell(catalog.PYDANTIC, "TypeAdapter", ctx.frame)
            alias = shared.removable_import(func.value, {func})
            if alias is not None:
                imports.remove(alias)
            edits = imports.edits()
            if adapter is not None and edits is not None:
                text = (
                    f"{adapter}({shared.source(args[0].value)})"
                    f".validate_python({shared.source(args[1].value)})"
                )
                fix = PendingFix.safe(f"Replace with `{text}`", ctx.replace(node, text), *edits)
        else:
            message += "; no automatic fix: `type_name=` has no v2 equivalent"
        ctx.report(node, message, fix=fix)

    # -- project pass ---------------------------------------------------------------------------

    def check_module(self, module: ModuleSummary, project: Project, report: ModuleReport) -> None:
        for finding in module.facts.get(FINDING, ()):
            if finding.code != self.code:
                continue
            found = receiver_model(project, finding)
            if found is None:
                continue
            model, on_class = found
            member = catalog.MODEL_MEMBERS[finding.member]
            if on_class and not member.on_class:
                continue
            library = model in MODEL_BASES
            if not library and defines_member(project, model, finding.member):
                continue  # the model's own method of that name
            fix = finding.fix if on_class else finding.alternative
            if (
                fix is not None
                and "by-alias" in finding.conditions
                and (library or serializes_by_alias(project, model))
            ):
                fix = finding.explicit  # the configuration may dump by alias: say `False`
            message = finding.message
            unsafe = ""
            if finding.no_fix:
                message = f"{message}; {finding.no_fix}"
            if fix is not None and "not-root" in finding.conditions:
                if not library and is_root_model(project, model):
                    fix = None
                    message += (
                        "; no automatic fix: for a custom root type v1 returned "
                        "`{'__root__': value}` where `model_dump()` returns the value"
                    )
                elif library:
                    unsafe = "the receiver may be a custom root type"
            if fix is not None and not library and overridden_below(project, model, finding.member):
                unsafe = f"a subclass of `{model.rpartition('.')[2]}` overrides `{finding.member}`"
            if fix is not None and not unsafe and fix.applicability is Applicability.UNSAFE:
                unsafe = _FIELD_VALUES if finding.member == "__fields__" else ""
            if fix is not None and unsafe:
                message += f" (the fix is unsafe: {unsafe})"
            report.report(finding.span, message, fix=with_applicability(fix, bool(unsafe)))


_FIELD_VALUES = (
    "its values are v2 `FieldInfo`, not v1 `ModelField`: `get_default()` no longer calls a "
    "`default_factory`, `alias` is None without one, `required`/`type_`/`outer_type_` are gone"
)
# Calls that read only the names of a mapping they are given.
_NAME_READERS = frozenset({"len", "list", "set", "frozenset", "sorted", "tuple"})


def _names_only(ctx: FileContext, site: cst.CSTNode) -> bool:
    """``X.__fields__`` is used only for its names (``in``, iteration, ``.keys()``, ``len``),
    where v2's ``model_fields`` behaves the same."""
    parent = ctx.walk.parents.get(site)
    if isinstance(parent, cst.Expr):
        return True  # the value is not used
    if isinstance(parent, cst.ComparisonTarget):
        return isinstance(parent.operator, (cst.In, cst.NotIn))
    if isinstance(parent, (cst.For, cst.CompFor)):
        return parent.iter is site
    if isinstance(parent, cst.Attribute) and parent.attr.value == "keys":
        return isinstance(ctx.walk.parents.get(parent), cst.Call)
    if isinstance(parent, cst.Arg):
        call = ctx.walk.parents.get(parent)
        return (
            isinstance(call, cst.Call)
            and len(call.args) == 1
            and isinstance(call.func, cst.Name)
            and call.func.value in _NAME_READERS
            and ctx.resolver.name_qualname(call.func.value, ctx.frame) == call.func.value
        )
    return False


# v1 `.dict()`/`.json()` and their v2 shims dump by field name unless told; since Pydantic 2.11
# `model_dump()`/`model_dump_json()` follow the model's `serialize_by_alias` instead.
_BY_ALIAS_DEFAULT = frozenset({"dict", "json"})


def _explicit_by_alias(
    ctx: FileContext, call: cst.Call, attribute: cst.Attribute, member: catalog.ModelMember
) -> PendingFix | None:
    """The rename with v1's ``by_alias=False`` written out: the same output whatever the
    model's configuration says (the v2 shim passes exactly this)."""
    if any(arg.keyword is not None and arg.keyword.value == "by_alias" for arg in call.args):
        return None  # already explicit: the plain rename keeps it
    text = f"Replace with `.{member.replacement}(by_alias=False)`"
    if not call.args:
        receiver = analysis(ctx).source(attribute.value)
        return PendingFix.safe(
            text, ctx.replace(call, f"{receiver}.{member.replacement}(by_alias=False)")
        )
    rename = ctx.replace(attribute.attr, member.replacement)
    return PendingFix.safe(text, rename, ctx.insert_after(call.args[-1].value, ", by_alias=False"))


def _argument_problem(call: cst.Call, member: catalog.ModelMember) -> str:
    positional = 0
    for arg in call.args:
        if arg.star:
            return "`*`/`**` arguments"
        if arg.keyword is None:
            positional += 1
            continue
        keyword = arg.keyword.value
        if keyword in member.blocked:
            return f"`{member.name}({keyword}=...)` has no exact v2 equivalent"
        if member.name == "schema_json" or member.any_keywords:
            continue
        if keyword not in member.keywords:
            return f"`{keyword}=` has no v2 counterpart"
    if positional > member.positional:
        return "positional arguments"
    return ""
