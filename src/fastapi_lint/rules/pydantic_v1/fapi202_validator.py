"""FAPI202 pydantic-v1-validator: ``@validator`` (v2: ``@field_validator`` + ``@classmethod``)."""

from __future__ import annotations

from fastapi_lint.analysis.module_summary import ModuleSummary
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext, PendingEdit, PendingFix
from fastapi_lint.lint.importer import ImportChanges
from fastapi_lint.lint.rule import FixAvailability, ModuleReport, Rule
from fastapi_lint.project.index import Project
from fastapi_lint.rules.pydantic_v1 import catalog
from fastapi_lint.rules.pydantic_v1.analysis import (
    ClassBody,
    FileAnalysis,
    ValidatorUse,
    analysis,
    field_names,
    keyword,
    literal_bool,
    record_model_classes,
)
from fastapi_lint.rules.pydantic_v1.catalog import PYDANTIC_2
from fastapi_lint.rules.pydantic_v1.facts import FINDING, Finding
from fastapi_lint.rules.pydantic_v1.hierarchy import before_validated, is_model
from fastapi_lint.rules.pydantic_v1.validators import (
    classify_values_use,
    extra_decorators,
    free_name,
    read_signature,
)

_KNOWN_KEYWORDS = frozenset({"pre", "always", "each_item", "check_fields", "allow_reuse"})
_ANNOTATED = frozenset({"typing.Annotated"})
_OPTIONAL = frozenset({"typing.Optional", "typing.Union", "typing.Any", "typing_extensions.Any"})


class Validator(Rule):
    code = "FAPI202"
    name = "pydantic-v1-validator"
    quiet_below = PYDANTIC_2
    summary = "Pydantic v1 `@validator` (v2: `@field_validator` with `@classmethod`)"
    fix_availability = FixAvailability.SOMETIMES

    def end_file(self, ctx: FileContext) -> None:
        record_model_classes(ctx)
        shared = analysis(ctx)
        for use in shared.validators:
            if use.kind == "validator" and use.function.klass is not None:
                self._record(ctx, shared, use)

    def _record(self, ctx: FileContext, shared: FileAnalysis, use: ValidatorUse) -> None:
        function = use.function
        assert function.klass is not None
        finding = Finding(
            code=self.code,
            span=ctx.lazy_span(use.decorator.decorator),
            message=(
                f"Pydantic v1 `@validator` on `{function.qualname}`: Pydantic v2 runs it only "
                "through a deprecated shim (removed in v3); use `@field_validator` with "
                "`@classmethod`"
            ),
            owner=shared.project_name(function.klass),
        )
        pending, problem, fields, before = self._fix(ctx, shared, use)
        if pending is None:
            finding.no_fix = f"no automatic fix: {problem}"
        else:
            ctx.deferred_fix(finding, "fix", pending)
            if before:
                finding.conditions.append("before:" + ",".join(fields))
        if "v2 validators do not get" in problem:
            finding.message = (
                f"Pydantic v1 `@validator` on `{function.qualname}`: Pydantic v2 refuses to create "
                "the class because the validator takes `field`/`config`; use `@field_validator` "
                "with an `info: ValidationInfo` parameter"
            )
        ctx.summary.add_fact(FINDING, finding)

    def _fix(
        self, ctx: FileContext, shared: FileAnalysis, use: ValidatorUse
    ) -> tuple[PendingFix | None, str, list[str], bool]:
        call = use.call
        function = use.function
        assert function.klass is not None
        if call is None:
            return None, "the decorator names no field", [], False
        fields = field_names(call)
        if fields is None or not fields:
            return None, "the field names are not string literals", [], False
        unknown = [
            a.keyword.value
            for a in call.args
            if a.keyword is not None and a.keyword.value not in _KNOWN_KEYWORDS
        ]
        if unknown:
            return None, f"unknown argument `{unknown[0]}`", fields, False
        flags = {}
        for name in ("pre", "always", "each_item"):
            arg = keyword(call, name)
            flags[name] = literal_bool(arg.value) if arg is not None else False
            if flags[name] is None:
                return None, f"`{name}=` is not a literal `True`/`False`", fields, False
        if flags["each_item"]:
            return (
                None,
                "`each_item=True` has no v2 equivalent (validate the items with "
                "`list[Annotated[T, AfterValidator(...)]]`)",
                fields,
                False,
            )
        classmethod, problem = extra_decorators(use)
        if problem:
            return None, problem, fields, False
        signature = read_signature(use, field_validator=True)
        if signature.problem:
            return None, signature.problem, fields, False
        imports = ImportChanges(ctx, catalog.ADDED_NAMES)
        frame = function.parent
        decorator_name = imports.spell(catalog.PYDANTIC, "field_validator", frame)
        edits: list[PendingEdit] = []
        replaced: set[cst.CSTNode] = set()
        # Parameters: `values` becomes `info: ValidationInfo`, its uses `info.data`.
        if signature.values is not None:
            uses = shared.parameter_uses(function, "values")
            if uses is None:
                return None, "`values` is rebound in the body", fields, False
            if any(classify_values_use(r, ctx) in ("mutate", "other") for r in uses):
                return None, "the body changes `values` or passes it on", fields, False
            info = free_name(ctx, use, ("info", "validation_info"))
            info_type = imports.spell(catalog.PYDANTIC, "ValidationInfo", frame)
            if info is None or info_type is None:
                return None, "no free name for the `info` parameter", fields, False
            param = signature.values
            if param.annotation is not None:
                edits.append(ctx.replace(param.name, info))
                edits.append(ctx.replace(param.annotation.annotation, info_type))
                for alias in shared.removable_imports([param.annotation.annotation]):
                    imports.remove(alias)
            else:
                edits.append(ctx.replace(param.name, f"{info}: {info_type}"))
            edits.extend(ctx.replace(r.node, f"{info}.data") for r in uses)
        # `always=True`: v2 validates a default only with `validate_default=True` on the field.
        if flags["always"]:
            if "*" in fields:
                return None, "`always=True` on every field (`'*'`)", fields, False
            body = shared.body(function.klass)
            for field in fields:
                edit, problem = _validate_default(ctx, shared, imports, body, field, frame)
                if problem:
                    return None, problem, fields, False
                if edit is not None:
                    edits.append(edit)
        # The decorator.
        arguments = [shared.source(a.value) for a in call.args if a.keyword is None]
        if flags["pre"]:
            arguments.append('mode="before"')
        check_fields = keyword(call, "check_fields")
        if check_fields is not None:
            arguments.append(f"check_fields={shared.source(check_fields.value)}")
        edits.append(ctx.replace(call, f"{decorator_name}({', '.join(arguments)})"))
        if classmethod is None:
            indent = shared.indentation(function.node)
            edits.append(ctx.line_after(use.decorator, f"{indent}@classmethod\n"))
        if isinstance(call.func, cst.Name):
            replaced.add(call.func)
            alias = shared.removable_import(call.func.value, replaced)
            if alias is not None:
                imports.remove(alias)
        import_edits = imports.edits()
        if decorator_name is None or import_edits is None:
            return None, "the imports cannot be updated", fields, False
        pending = PendingFix.safe(
            f"Replace with `@{decorator_name}` and `@classmethod`", *edits, *import_edits
        )
        return pending, "", fields, bool(flags["pre"])

    def check_module(self, module: ModuleSummary, project: Project, report: ModuleReport) -> None:
        for finding in module.facts.get(FINDING, ()):
            if finding.code != self.code or not is_model(project, finding.owner):
                continue
            fix = finding.fix
            message = finding.message
            if finding.no_fix:
                message = f"{message}; {finding.no_fix}"
            for condition in finding.conditions:
                kind, _, value = condition.partition(":")
                if kind == "before" and fix is not None:
                    fields = value.split(",")
                    others = before_validated(project, project.resolve(finding.owner))
                    if "*" in fields:
                        crowded = len(others) > 1
                    else:
                        crowded = any(others.count(f) + others.count("*") > 1 for f in fields)
                    if crowded:
                        fix = None
                        message = (
                            f"{message}; no automatic fix: v2 runs several before-validators "
                            "of a field in the reverse order of v1"
                        )
            report.report(finding.span, message, fix=fix)


def _validate_default(
    ctx: FileContext,
    shared: FileAnalysis,
    imports: ImportChanges,
    body: ClassBody,
    field: str,
    frame,
) -> tuple[PendingEdit | None, str]:
    """The edit giving ``field`` ``validate_default=True`` (None when it has no default)."""
    node = body.fields.get(field)
    if node is None:
        return None, f"`always=True` on `{field}`, which is not declared in this class"
    value = node.value
    if value is None:
        annotation = node.annotation.annotation
        if _maybe_optional(ctx, annotation, frame):
            # v1 gave such a field the default None (and validated it); v2 makes it required.
            return None, f"`{field}` has an implicit `None` default, which v2 removes"
        return None, ""
    if isinstance(value, cst.Call) and ctx.qualname(value.func, frame) in catalog.PYDANTIC_FIELDS:
        if keyword(value, "validate_default") is not None:
            return None, ""
        positional = [a for a in value.args if a.keyword is None]
        default = keyword(value, "default")
        first = positional[0].value if positional else (default.value if default else None)
        if isinstance(first, cst.Ellipsis):
            return None, ""  # required: there is no default to validate
        if not value.args:
            return ctx.replace(value, f"{shared.source(value.func)}(validate_default=True)"), ""
        return ctx.insert_after(value.args[-1].value, ", validate_default=True"), ""
    spelled = imports.spell(catalog.PYDANTIC, "Field", frame)
    if spelled is None:
        return None, "`Field` cannot be imported"
    return ctx.replace(value, f"{spelled}({shared.source(value)}, validate_default=True)"), ""


def _maybe_optional(ctx: FileContext, annotation: cst.BaseExpression, frame) -> bool:
    if isinstance(annotation, cst.BinaryOperation):
        return True  # `X | None`
    if isinstance(annotation, cst.Subscript):
        origin = ctx.qualname(annotation.value, frame)
        if origin in _ANNOTATED and isinstance(annotation.slice[0].slice, cst.Index):
            return _maybe_optional(ctx, annotation.slice[0].slice.value, frame)
        return origin in _OPTIONAL
    if isinstance(annotation, cst.Name) and annotation.value == "None":
        return True
    if isinstance(annotation, cst.SimpleString):
        return True
    return ctx.qualname(annotation, frame) in _OPTIONAL
