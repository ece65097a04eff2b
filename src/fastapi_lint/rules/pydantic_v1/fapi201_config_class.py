"""FAPI201 pydantic-v1-config-class: ``class Config`` inside a model."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fastapi_lint.analysis.module_summary import ModuleSummary
from fastapi_lint.analysis.scope import ClassInfo
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext, PendingFix
from fastapi_lint.lint.importer import ImportChanges
from fastapi_lint.lint.rule import FixAvailability, ModuleReport, Rule
from fastapi_lint.project.index import Project
from fastapi_lint.rules.pydantic_v1 import catalog
from fastapi_lint.rules.pydantic_v1.analysis import (
    analysis,
    assignment,
    literal_bool,
    record_model_classes,
)
from fastapi_lint.rules.pydantic_v1.catalog import PYDANTIC_2
from fastapi_lint.rules.pydantic_v1.facts import (
    CONFIG_REFERENCE,
    FINDING,
    ConfigReference,
    Finding,
)
from fastapi_lint.rules.pydantic_v1.hierarchy import config_references, is_model

LINE_LENGTH = 88


@dataclass(slots=True)
class Entry:
    """One ``key = value`` of a v1 ``Config`` body, with the comments around it."""

    key: str
    value: cst.BaseExpression
    before: list[str] = field(default_factory=list)  # comment lines above
    after: str | None = None  # comment at the end of its line


@dataclass(slots=True)
class Conversion:
    keywords: list[tuple[str, str, Entry | None]]  # (key, value source, entry)
    dropped: list[str]  # keys with no v2 equivalent
    notes: list[str]


def read_config(config: cst.ClassDef) -> tuple[list[Entry], list[str], str]:
    """The entries and the stray comments of a ``class Config`` body; a reason when it is more
    than plain assignments (methods, bases, docstring, other statements)."""
    if config.bases or config.keywords or config.decorators:
        return [], [], "it has bases or decorators"
    body = config.body
    if not isinstance(body, cst.IndentedBlock):
        return [], [], "it is written on one line"
    entries: list[Entry] = []
    comments: list[str] = []
    for statement in body.body:
        if isinstance(statement, cst.FunctionDef):
            return [], [], "it defines methods"
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            return [], [], "it holds more than assignments"
        small = statement.body[0]
        before = [line.comment.value for line in statement.leading_lines if line.comment]
        after = statement.trailing_whitespace.comment
        if isinstance(small, cst.Pass):
            comments.extend(before)
            if after is not None:
                comments.append(after.value)
            continue
        key, value = assignment(small)
        if key is None or value is None:
            return [], [], "it holds more than assignments"
        entries.append(Entry(key, value, before, after.value if after else None))
    comments.extend(line.comment.value for line in body.footer if line.comment)
    return entries, comments, ""


class ConfigClass(Rule):
    code = "FAPI201"
    name = "pydantic-v1-config-class"
    quiet_below = PYDANTIC_2
    summary = "Pydantic v1 `class Config` in a model (v2: `model_config = ConfigDict(...)`)"
    fix_availability = FixAvailability.SOMETIMES

    def visit_Attribute(self, node: cst.Attribute, ctx: FileContext) -> None:
        if node.attr.value != "Config":
            return
        owner = ctx.qualname(node.value, ctx.frame)
        if owner is not None:
            ctx.summary.add_fact(CONFIG_REFERENCE, ConfigReference(owner))

    def end_file(self, ctx: FileContext) -> None:
        record_model_classes(ctx)
        shared = analysis(ctx)
        for info in ctx.walk.classes:
            if not info.bases:
                continue
            body = shared.body(info)
            if body.config is not None:
                self._record(ctx, info, body.config, body.model_config is not None)

    def _record(self, ctx: FileContext, info: ClassInfo, config: cst.ClassDef, both: bool) -> None:
        entries, comments, problem = read_config(config)
        finding = Finding(
            code=self.code,
            span=ctx.lazy_span(config.name),
            message="",
            owner=analysis(ctx).project_name(info),
        )
        renamed = [e.key for e in entries if e.key in catalog.CONFIG_RENAMES]
        finding.message = _message(renamed)
        if both:
            problem = "the class also sets `model_config`"
        if problem:
            finding.no_fix = f"no automatic fix: {problem}"
        else:
            for settings, attribute, reason in (
                (False, "fix", "no_fix"),
                (True, "alternative", "no_alternative"),
            ):
                conversion = _convert(ctx, entries, settings)
                if conversion.dropped:
                    setattr(finding, reason, _dropped_reason(conversion.dropped))
                    continue
                pending = self._fix(ctx, config, entries, comments, conversion, settings)
                if pending is None:
                    setattr(finding, reason, "no automatic fix: the imports cannot be updated")
                    continue
                ctx.deferred_fix(finding, attribute, pending)
                if conversion.notes:
                    setattr(finding, reason, "; ".join(conversion.notes))
        ctx.summary.add_fact(FINDING, finding)

    def _fix(
        self,
        ctx: FileContext,
        config: cst.ClassDef,
        entries: list[Entry],
        comments: list[str],
        conversion: Conversion,
        settings: bool,
    ) -> PendingFix | None:
        shared = analysis(ctx)
        frame = ctx.frame_of(config)
        imports = ImportChanges(ctx, catalog.ADDED_NAMES)
        if settings:
            factory = imports.spell(catalog.PYDANTIC_SETTINGS, "SettingsConfigDict", frame)
        else:
            factory = imports.spell(catalog.PYDANTIC, "ConfigDict", frame)
        # `Extra` goes when its last uses were in this Config.
        replaced: set[cst.CSTNode] = set()
        for key, _, entry in conversion.keywords:
            if (
                key == "extra"
                and entry is not None
                and isinstance(entry.value, cst.Attribute)
                and _extra_value(ctx, entry.value) is not None
            ):
                base = entry.value.value
                while isinstance(base, cst.Attribute):
                    base = base.value
                replaced.add(base)
        for local in shared.local_names_of(catalog.EXTRA_ENUM):
            alias = shared.removable_import(local, replaced)
            if alias is not None and shared.import_uses(local):
                imports.remove(alias)
        edits = imports.edits()
        if factory is None or edits is None:
            return None
        indent = shared.indentation(config)
        step = ctx.module.default_indent
        header = config.body.header.comment if isinstance(config.body, cst.IndentedBlock) else None
        text = _render(factory, conversion, comments, header, indent, step)
        removals = []
        if isinstance(config.body, cst.IndentedBlock):
            removals = [ctx.replace_node_lines(line) for line in config.body.footer if line.comment]
        return PendingFix.safe(
            f"Replace with `model_config = {factory}(...)`",
            ctx.replace(config, text),
            *removals,
            *edits,
        )

    def check_module(self, module: ModuleSummary, project: Project, report: ModuleReport) -> None:
        for finding in module.facts.get(FINDING, ()):
            if finding.code != self.code or not is_model(project, finding.owner):
                continue
            settings = project.is_settings(finding.owner)
            fix = finding.alternative if settings else finding.fix
            reason = finding.no_alternative if settings else finding.no_fix
            if fix is not None and project.resolve(finding.owner) in config_references(project):
                fix = None
                reason = "no automatic fix: other code reads this `Config` class"
            message = finding.message
            if settings:
                message = message.replace("ConfigDict(", "SettingsConfigDict(")
            if reason:
                message = f"{message}; {reason}"
            report.report(finding.span, message, fix=fix)


def _message(renamed: list[str]) -> str:
    ignored = ""
    if renamed:
        names = ", ".join(f"`{k}` (now `{catalog.CONFIG_RENAMES[k]}`)" for k in renamed)
        ignored = f" and ignores its v1 keys {names}"
    return (
        f"Pydantic v1 `class Config`: Pydantic v2 deprecates class-based configuration{ignored}; "
        "use `model_config = ConfigDict(...)`"
    )


def _dropped_reason(dropped: list[str]) -> str:
    parts = []
    for key in dropped:
        why = catalog.CONFIG_REMOVED.get(key)
        parts.append(f"`{key}` ({why})" if why else f"`{key}`")
    return f"no automatic fix: {', '.join(parts)} has no v2 equivalent"


def _convert(ctx: FileContext, entries: list[Entry], settings: bool) -> Conversion:
    keywords: list[tuple[str, str, Entry | None]] = []
    dropped: list[str] = []
    notes: list[str] = []
    keys = {entry.key for entry in entries}
    for entry in entries:
        key, value = entry.key, entry.value
        source = analysis(ctx).source(value)
        # A value naming another key of the Config body would lose its meaning.
        if any(re.search(rf"\b{re.escape(other)}\b", source) for other in keys if other != key):
            dropped.append(key)
            continue
        if key in catalog.CONFIG_REMOVED:
            dropped.append(key)
        elif key == "allow_mutation":
            flag = literal_bool(value)
            if flag is None:
                dropped.append(key)
            else:
                keywords.append(("frozen", str(not flag), entry))
        elif key == "underscore_attrs_are_private":
            # v2 always treats `_name` attributes as private: only `True` keeps behaviour.
            if literal_bool(value) is not True:
                dropped.append(key)
        elif key == "extra":
            keywords.append(("extra", _extra_value(ctx, value) or source, entry))
        elif key in catalog.CONFIG_RENAMES:
            keywords.append((catalog.CONFIG_RENAMES[key], source, entry))
        elif key in catalog.CONFIG_V2_KEYS or (settings and key in catalog.SETTINGS_CONFIG_KEYS):
            keywords.append((key, source, entry))
            if key in catalog.CONFIG_DEPRECATED:
                notes.append(catalog.CONFIG_DEPRECATED[key])
        else:
            dropped.append(key)
    seen: dict[str, str] = {}
    for key, source, _ in keywords:
        if key in seen and seen[key] != source:
            dropped.append(key)
        seen[key] = source
    unique = []
    for item in keywords:
        if item[0] not in {k for k, _, _ in unique}:
            unique.append(item)
    return Conversion(unique, dropped, notes)


def _extra_value(ctx: FileContext, value: cst.BaseExpression) -> str | None:
    if not isinstance(value, cst.Attribute):
        return None
    if ctx.qualname(value.value) in catalog.EXTRA_ENUM and value.attr.value in catalog.EXTRA_VALUES:
        return f'"{value.attr.value}"'
    return None


def _render(
    factory: str,
    conversion: Conversion,
    comments: list[str],
    header: cst.Comment | None,
    indent: str,
    step: str,
) -> str:
    pairs = [f"{key}={source}" for key, source, _ in conversion.keywords]
    commented = comments or any(
        entry is not None and (entry.before or entry.after) for _, _, entry in conversion.keywords
    )
    one_line = f"model_config = {factory}({', '.join(pairs)})"
    if not commented and "\n" not in one_line and len(indent) + len(one_line) <= LINE_LENGTH:
        return one_line + (f"  {header.value}" if header else "")
    inner = indent + step
    lines = [f"model_config = {factory}(" + (f"  {header.value}" if header else "")]
    for (key, source, entry), pair in zip(conversion.keywords, pairs, strict=True):
        del key, source
        if entry is not None:
            lines.extend(f"{inner}{comment}" for comment in entry.before)
        trailing = f"  {entry.after}" if entry is not None and entry.after else ""
        lines.append(f"{inner}{pair},{trailing}")
    lines.extend(f"{inner}{comment}" for comment in comments)
    lines.append(f"{indent})")
    return "\n".join(lines)
