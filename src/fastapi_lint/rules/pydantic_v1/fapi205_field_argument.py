"""FAPI205 pydantic-v1-field-argument: v1 arguments of ``Field``, FastAPI's ``Query``/``Path``/
``Body``/``Header``/``Cookie``/``Form``/``File`` and ``con*()``."""

from __future__ import annotations

from fastapi_lint.analysis.inference import string_value
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext, PendingEdit, PendingFix
from fastapi_lint.lint.importer import ImportChanges
from fastapi_lint.lint.rule import FixAvailability, Rule
from fastapi_lint.rules.pydantic_v1 import catalog
from fastapi_lint.rules.pydantic_v1.analysis import analysis, keyword, literal_bool
from fastapi_lint.rules.pydantic_v1.arguments import remove_argument
from fastapi_lint.rules.pydantic_v1.catalog import PYDANTIC_2
from fastapi_lint.rules.pydantic_v1.patterns import anchored_body, read_pattern

# The last part of the names of the callables this rule reads (a cheap first filter).
_CALLEES = frozenset(
    name.rpartition(".")[2]
    for name in (*catalog.PYDANTIC_FIELDS, *catalog.FASTAPI_PARAMS, *catalog.CONSTRAINED)
)
# Annotation -> the libcst node type of a literal of that type.
_LITERAL_TYPES = {"str": "SimpleString", "int": "Integer", "bool": "Name"}


class FieldArgument(Rule):
    code = "FAPI205"
    name = "pydantic-v1-field-argument"
    quiet_below = PYDANTIC_2
    summary = (
        "Pydantic v1 argument of `Field`, FastAPI's parameter functions or `con*()` "
        "(`regex`, `min_items`, `const`, `example`...)"
    )
    fix_availability = FixAvailability.SOMETIMES

    def visit_Call(self, node: cst.Call, ctx: FileContext) -> None:
        func = node.func
        name = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", None)
        if not node.args or name not in _CALLEES:
            return
        target = ctx.call_target(node, ctx.frame)
        if target is None:
            return
        if target in catalog.PYDANTIC_FIELDS:
            kind = "field"
        elif target in catalog.FASTAPI_PARAMS:
            kind = "param"
        elif target in catalog.CONSTRAINED:
            kind = "con"
            self._positional(node, target, ctx)
        else:
            return
        callee = target.rpartition(".")[2]
        extras = []
        for arg in node.args:
            if arg.keyword is None:
                continue
            name = arg.keyword.value
            if name in catalog.ARGUMENT_RENAMES:
                self._rename(node, arg, callee, ctx)
            elif name == "regex":
                self._regex(node, arg, callee, kind, ctx)
            elif name in catalog.FIELD_REMOVED and (kind != "param" or name == "unique_items"):
                if name == "curtail_length" and kind != "con":
                    continue
                ctx.report(
                    arg.keyword,
                    f"`{callee}({name}=...)` is Pydantic v1: Pydantic v2 rejects or ignores it; "
                    f"{catalog.FIELD_REMOVED[name]}",
                )
            elif name == "example" and kind != "con":
                self._example(node, arg, callee, ctx)
            elif kind == "field" and name == "allow_mutation":
                self._allow_mutation(node, arg, ctx)
            elif kind == "field" and name == "const":
                self._const(node, arg, ctx)
            elif kind == "field" and name not in catalog.FIELD_V2_KEYWORDS:
                extras.append(arg)
        if extras:
            self._extras(node, extras, ctx)

    # -- one kind of argument each --------------------------------------------------------

    def _rename(self, node: cst.Call, arg: cst.Arg, callee: str, ctx: FileContext) -> None:
        old = arg.keyword.value
        new = catalog.ARGUMENT_RENAMES[old]
        fix = None
        if keyword(node, new) is None:
            fix = PendingFix.safe(f"Rename to `{new}=`", ctx.replace(arg.keyword, new))
        ctx.report(
            arg.keyword,
            f"`{callee}({old}=...)` is Pydantic v1: Pydantic v2 warns on it (and `conlist()` "
            f"rejects it); use `{new}=`",
            fix=fix,
        )

    def _regex(self, node: cst.Call, arg: cst.Arg, callee: str, kind: str, ctx) -> None:
        if kind == "param":
            message = (
                f"`{callee}(regex=...)` is deprecated since FastAPI moved to Pydantic v2 (it is "
                "already passed on as `pattern`); use `pattern=`"
            )
            fix = None
            if keyword(node, "pattern") is None:
                edit = ctx.replace(arg.keyword, "pattern")
                pattern = string_value(arg.value)
                reading = read_pattern(pattern) if pattern is not None else None
                if reading is not None and reading.anchored and not reading.dollar:
                    fix = PendingFix.safe("Rename to `pattern=`", edit)
                else:
                    # Same meaning under Pydantic v2; under v1 FastAPI anchored it at the start.
                    fix = PendingFix.unsafe("Rename to `pattern=`", edit)
                    message += (
                        " (the fix is unsafe: while the project still runs Pydantic v1, FastAPI "
                        "matches this pattern at the start of the string only, with Python's `$`; "
                        "write it as `^(?:...)` to keep that)"
                    )
            ctx.report(arg.keyword, message, fix=fix)
            return
        message = (
            f"`{callee}(regex=...)` is removed in Pydantic v2: the model fails to build; use "
            "`pattern=`, anchored with `^` since v1 matched at the start of the string only"
        )
        fix, problem = self._anchored(node, arg, ctx)
        if problem:
            message += f"; no automatic fix: {problem}"
        elif fix is not None and fix.applicability.value == "unsafe":
            message += " (the fix is unsafe: in v2 `$` no longer matches before a trailing newline)"
        ctx.report(arg.keyword, message, fix=fix)

    def _anchored(self, node: cst.Call, arg: cst.Arg, ctx) -> tuple[PendingFix | None, str]:
        if keyword(node, "pattern") is not None:
            return None, "`pattern=` is also given"
        value = arg.value
        pattern = string_value(value)
        if pattern is None or not isinstance(value, cst.SimpleString):
            return None, "the pattern is not a string literal"
        reading = read_pattern(pattern)
        if reading.unsupported:
            return None, f"it uses {reading.unsupported}, which v2's regex engine does not support"
        edits = [ctx.replace(arg.keyword, "pattern")]
        if not reading.anchored:
            prefix_length = len(value.prefix) + len(value.quote)
            source = value.value[prefix_length : -len(value.quote)]
            if not source.startswith(reading.flags):
                return None, "the pattern's flags are written unusually"
            text = f"{value.value[:prefix_length]}{anchored_body(source, reading)}{value.quote}"
            edits.append(ctx.replace(value, text))
        if reading.dollar:
            return (
                PendingFix.unsafe("Rename to `pattern=` (anchored)", *edits),
                "",
            )
        return PendingFix.safe("Rename to `pattern=` (anchored)", *edits), ""

    def _example(self, node: cst.Call, arg: cst.Arg, callee: str, ctx: FileContext) -> None:
        fix = None
        if keyword(node, "examples") is None:
            fix = PendingFix.unsafe(
                "Replace with `examples=[...]`",
                ctx.replace(arg.keyword, "examples"),
                ctx.replace(arg.value, f"[{analysis(ctx).source(arg.value)}]"),
            )
        ctx.report(
            arg.keyword,
            f"`{callee}(example=...)` is deprecated (Pydantic v2 and FastAPI warn on it); use "
            "`examples=[...]` (the fix is unsafe: the OpenAPI document then shows `examples` "
            "instead of `example`)",
            fix=fix,
        )

    def _allow_mutation(self, node: cst.Call, arg: cst.Arg, ctx: FileContext) -> None:
        flag = literal_bool(arg.value)
        fix = None
        if flag is not None and keyword(node, "frozen") is None:
            if flag:
                fix = PendingFix.safe(
                    "Remove `allow_mutation=True`", *remove_argument(ctx, node, arg)
                )
            else:
                edits = [ctx.replace(arg.keyword, "frozen"), ctx.replace(arg.value, "True")]
                shared = analysis(ctx)
                owner = shared.enclosing_class(node)
                checked = owner is not None and shared.config_flag(owner, ("validate_assignment",))
                # v1 only enforced it with `validate_assignment`; v2's `frozen` always does.
                make = PendingFix.safe if checked else PendingFix.unsafe
                fix = make("Replace with `frozen=True`", *edits)
        message = (
            "`Field(allow_mutation=...)` is Pydantic v1: Pydantic v2 warns on it; use `frozen=`"
        )
        if fix is not None and fix.applicability.value == "unsafe":
            message += (
                " (the fix is unsafe: v1 enforced it only with `validate_assignment = True`, "
                "`frozen` always does)"
            )
        ctx.report(arg.keyword, message, fix=fix)

    def _const(self, node: cst.Call, arg: cst.Arg, ctx: FileContext) -> None:
        message = (
            "`Field(const=...)` is removed in Pydantic v2: the model fails to build; annotate "
            "the field with `Literal[value]` instead"
        )
        fix, problem = self._literal(node, arg, ctx)
        if problem:
            message += f"; no automatic fix: {problem}"
        elif fix is not None and fix.applicability.value == "unsafe":
            message += (
                " (the fix is unsafe: v1 converted the input before comparing it, `Literal` "
                "does not)"
            )
        ctx.report(arg.keyword, message, fix=fix)

    def _literal(self, node: cst.Call, arg: cst.Arg, ctx) -> tuple[PendingFix | None, str]:
        flag = literal_bool(arg.value)
        if flag is None:
            return None, "`const=` is not a literal `True`/`False`"
        if not flag:
            return PendingFix.safe("Remove `const=False`", *remove_argument(ctx, node, arg)), ""
        statement = ctx.parent_of(node)
        if not isinstance(statement, cst.AnnAssign) or statement.value is not node:
            return None, "the field is not `name: T = Field(...)`"
        positional = [a for a in node.args if a.keyword is None]
        default = keyword(node, "default")
        value = positional[0].value if positional else (default.value if default else None)
        annotation = statement.annotation.annotation
        if not isinstance(annotation, cst.Name) or annotation.value not in _LITERAL_TYPES:
            return None, "the annotation is not `str`, `int` or `bool`"
        if not isinstance(value, getattr(cst, _LITERAL_TYPES[annotation.value])) or (
            isinstance(value, cst.Name) and value.value not in ("True", "False")
        ):
            return None, "the default is not a literal of the annotated type"
        if isinstance(value, cst.SimpleString) and (
            string_value(value) is None or "b" in value.prefix.lower()
        ):
            return None, "the default is not a plain string"
        frame = ctx.frame_of(statement)
        if ctx.resolver.name_qualname(annotation.value, frame) != annotation.value:
            return None, f"`{annotation.value}` is not the builtin type here"
        imports = ImportChanges(ctx, catalog.ADDED_NAMES)
        literal = imports.spell("typing", "Literal", frame)
        import_edits = imports.edits()
        if literal is None or import_edits is None:
            return None, "`Literal` cannot be imported"
        source = analysis(ctx).source(value)
        edits: list[PendingEdit] = [
            ctx.replace(annotation, f"{literal}[{source}]"),
            *remove_argument(ctx, node, arg),
            *import_edits,
        ]
        text = string_value(value) if isinstance(value, cst.SimpleString) else None
        # v1 coerced the input before comparing (`1` matched `"1"`); `Literal` does not.
        coerced = text is None or _numeric(text)
        make = PendingFix.unsafe if coerced else PendingFix.safe
        return make(f"Annotate with `{literal}[{source}]`", *edits), ""

    def _extras(self, node: cst.Call, extras: list[cst.Arg], ctx: FileContext) -> None:
        names = ", ".join(f"`{a.keyword.value}`" for a in extras)
        fix = None
        if keyword(node, "json_schema_extra") is None and not any(a.star for a in node.args):
            shared = analysis(ctx)
            items = ", ".join(f'"{a.keyword.value}": {shared.source(a.value)}' for a in extras)
            edits = [ctx.replace(extras[0], f"json_schema_extra={{{items}}}")]
            for extra in extras[1:]:
                edits.extend(remove_argument(ctx, node, extra))
            fix = PendingFix.unsafe("Move them into `json_schema_extra={...}`", *edits)
        message = (
            f"Extra keyword arguments to `Field` ({names}) are deprecated in Pydantic v2 (v1 "
            "copied them into the JSON schema); put them in `json_schema_extra={...}`"
        )
        if fix is not None:
            message += (
                " (the fix is unsafe: the schema is the same, but code that reads them back "
                "through `field_info.extra` no longer finds them)"
            )
        ctx.report(extras[0].keyword, message, fix=fix)

    def _positional(self, node: cst.Call, target: str, ctx: FileContext) -> None:
        names = catalog.CONSTRAINED[target]
        positional = [a for a in node.args if a.keyword is None and not a.star][1:]
        if not positional or not names:
            return
        callee = target.rpartition(".")[2]
        fix = None
        if len(positional) <= len(names) and all(
            a.keyword is None for a in node.args[: len(positional) + 1]
        ):
            edits = []
            renamed = []
            for arg, name in zip(positional, names, strict=False):
                if name == "unique_items":
                    edits = []
                    break
                new = catalog.ARGUMENT_RENAMES.get(name, name)
                renamed.append(new)
                edits.append(ctx.insert_before(arg.value, f"{new}="))
            if edits:
                fix = PendingFix.safe("Pass them by keyword", *edits)
        ctx.report(
            positional[0].value,
            f"`{callee}()` takes its limits by keyword only in Pydantic v2: positional limits "
            "fail with `TypeError`; pass `min_length=`/`max_length=`",
            fix=fix,
        )


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return text.strip().lower() in ("true", "false")
    return True
