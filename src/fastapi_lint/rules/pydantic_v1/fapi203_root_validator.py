"""FAPI203 pydantic-v1-root-validator: ``@root_validator`` (v2: ``@model_validator``)."""

from __future__ import annotations

from fastapi_lint.analysis.module_summary import ModuleSummary
from fastapi_lint.analysis.scope import FunctionInfo
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext, PendingEdit, PendingFix
from fastapi_lint.lint.importer import ImportChanges
from fastapi_lint.lint.rule import FixAvailability, ModuleReport, Rule
from fastapi_lint.project.index import Project
from fastapi_lint.rules.pydantic_v1 import catalog
from fastapi_lint.rules.pydantic_v1.analysis import (
    FileAnalysis,
    ValidatorUse,
    analysis,
    keyword,
    literal_bool,
    record_model_classes,
)
from fastapi_lint.rules.pydantic_v1.catalog import PYDANTIC_2
from fastapi_lint.rules.pydantic_v1.facts import FINDING, Finding
from fastapi_lint.rules.pydantic_v1.hierarchy import (
    fields_of,
    from_attributes,
    is_model,
    is_root_model,
    with_applicability,
)
from fastapi_lint.rules.pydantic_v1.validators import (
    classify_values_use,
    extra_decorators,
    mutates_values,
    read_signature,
    string_key,
)

_KNOWN_KEYWORDS = frozenset({"pre", "skip_on_failure", "allow_reuse"})
_RETURNS = "pydantic-v1:returns"


class RootValidator(Rule):
    code = "FAPI203"
    name = "pydantic-v1-root-validator"
    quiet_below = PYDANTIC_2
    summary = "Pydantic v1 `@root_validator` (v2: `@model_validator`)"
    fix_availability = FixAvailability.SOMETIMES

    def visit_Return(self, node: cst.Return, ctx: FileContext) -> None:
        frame = ctx.frame
        function = frame.enclosing_function if frame is not None else None
        if function is not None:
            ctx.state.setdefault(_RETURNS, {}).setdefault(function, []).append(node)

    def end_file(self, ctx: FileContext) -> None:
        record_model_classes(ctx)
        shared = analysis(ctx)
        for use in shared.validators:
            if use.kind == "root_validator" and use.function.klass is not None:
                self._record(ctx, shared, use)

    def _record(self, ctx: FileContext, shared: FileAnalysis, use: ValidatorUse) -> None:
        function = use.function
        assert function.klass is not None
        call = use.call
        pre = literal_bool(keyword(call, "pre").value) if call and keyword(call, "pre") else False
        skip = (
            literal_bool(keyword(call, "skip_on_failure").value)
            if call and keyword(call, "skip_on_failure")
            else False
        )
        if pre:
            message = (
                f"Pydantic v1 `@root_validator(pre=True)` on `{function.qualname}`: Pydantic v2 "
                'runs it only through a deprecated shim; use `@model_validator(mode="before")` '
                "with `@classmethod`"
            )
        elif skip:
            message = (
                f"Pydantic v1 `@root_validator` on `{function.qualname}`: Pydantic v2 runs it "
                'only through a deprecated shim; use `@model_validator(mode="after")`, which '
                "receives the model as `self`"
            )
        else:
            message = (
                f"Pydantic v1 `@root_validator` on `{function.qualname}`: Pydantic v2 refuses to "
                "create the class (a post root validator needs `skip_on_failure=True`); use "
                '`@model_validator(mode="after")`'
            )
        finding = Finding(
            code=self.code,
            span=ctx.lazy_span(use.decorator.decorator),
            message=message,
            owner=shared.project_name(function.klass),
        )
        pending, problem = self._fix(ctx, shared, use, pre, skip, finding)
        if pending is None:
            finding.no_fix = f"no automatic fix: {problem}"
        else:
            ctx.deferred_fix(finding, "fix", pending)
        ctx.summary.add_fact(FINDING, finding)

    def _fix(self, ctx, shared, use, pre, skip, finding) -> tuple[PendingFix | None, str]:
        call = use.call
        function = use.function
        if call is not None:
            if any(a.keyword is None for a in call.args):
                return None, "the decorator has positional arguments"
            unknown = [a.keyword.value for a in call.args if a.keyword.value not in _KNOWN_KEYWORDS]
            if unknown:
                return None, f"unknown argument `{unknown[0]}`"
        if pre is None or skip is None:
            return None, "`pre=`/`skip_on_failure=` is not a literal `True`/`False`"
        classmethod, problem = extra_decorators(use)
        if problem:
            return None, problem
        signature = read_signature(use, field_validator=False)
        if signature.problem or signature.values is None:
            return None, signature.problem
        imports = ImportChanges(ctx, catalog.ADDED_NAMES)
        decorator_name = imports.spell(catalog.PYDANTIC, "model_validator", function.parent)
        if pre:
            edits, problem = self._before(ctx, shared, use, classmethod, decorator_name)
            if mutates_values(shared, use, signature.values.name.value, ctx):
                finding.unsafe = (
                    "the validator changes (or passes on) the input: v2 hands it the caller's "
                    "own dict in `model_validate(data)` where v1 copied it"
                )
            finding.conditions.append("from-attributes")
        else:
            edits, problem, keys, unused = self._after(
                ctx, shared, use, classmethod, decorator_name, signature
            )
            for alias in unused:
                imports.remove(alias)
            if not problem and keys:
                finding.conditions.append("fields:" + ",".join(keys))
            if not skip:
                finding.unsafe = "v1 also ran this validator after a field had failed, v2 does not"
        if problem:
            return None, problem
        func = call.func if call is not None else use.decorator.decorator
        if isinstance(func, cst.Name):
            alias = shared.removable_import(func.value, {func})
            if alias is not None:
                imports.remove(alias)
        import_edits = imports.edits()
        if decorator_name is None or import_edits is None:
            return None, "the imports cannot be updated"
        mode = "before" if pre else "after"
        return (
            PendingFix.safe(
                f'Replace with `@{decorator_name}(mode="{mode}")`', *edits, *import_edits
            ),
            "",
        )

    def _before(self, ctx, shared, use, classmethod, decorator_name):
        edits = [ctx.replace(use.decorator.decorator, f'{decorator_name}(mode="before")')]
        if classmethod is None:
            indent = shared.indentation(use.function.node)
            edits.append(ctx.line_after(use.decorator, f"{indent}@classmethod\n"))
        return edits, ""

    def _after(self, ctx, shared, use, classmethod, decorator_name, signature):
        function: FunctionInfo = use.function
        edits: list[PendingEdit] = []
        first = signature.first.name.value
        if shared.parameter_uses(function, first):
            return [], f"the body uses `{first}`, which an after-validator does not get", [], []
        if ctx.resolver.lookup("self", function.frame) is not None and first != "self":
            return [], "`self` is already a name in scope", [], []
        name = signature.values.name.value
        uses = shared.parameter_uses(function, name)
        if uses is None:
            return [], f"`{name}` is rebound in the body", [], []
        keys: list[str] = []
        returns = []
        for reference in uses:
            kind = classify_values_use(reference, ctx)
            if kind == "return":
                returns.append(reference.parent)
                edits.append(ctx.replace(reference.node, "self"))
                continue
            key, node = None, None
            if kind == "subscript":
                subscript = reference.parent
                if len(subscript.slice) == 1 and isinstance(subscript.slice[0].slice, cst.Index):
                    key, node = string_key(subscript.slice[0].slice.value), subscript
            elif kind == "get":
                call = ctx.walk.parents.get(reference.parent)
                positional = [a for a in call.args if a.keyword is None]
                if call.args and len(positional) == len(call.args) <= 2:
                    key, node = string_key(positional[0].value), call
            if key is None:
                return [], f"the body uses `{name}` other than to read fields by name", [], []
            keys.append(key)
            edits.append(ctx.replace(node, f"self.{key}"))
        all_returns = ctx.state.get(_RETURNS, {}).get(function, [])
        body = function.node.body
        last = body.body[-1] if isinstance(body, cst.IndentedBlock) and body.body else None
        ends_with_return = (
            isinstance(last, cst.SimpleStatementLine)
            and len(last.body) == 1
            and last.body[0] in returns
        )
        if not ends_with_return or any(r not in returns for r in all_returns):
            return [], f"not every path returns `{name}`", [], []
        text = f'{decorator_name}(mode="after")'
        edits.append(ctx.replace(use.decorator.decorator, text))
        if classmethod is not None:
            edits.append(ctx.replace_node_lines(classmethod))
        edits.append(ctx.replace(function.node.params, "self"))
        dropped: list[cst.CSTNode] = [function.node.params]
        if function.node.returns is not None:
            klass = function.klass.name
            edits.append(ctx.replace(function.node.returns.annotation, f'"{klass}"'))
            dropped.append(function.node.returns.annotation)
        self_imports = shared.removable_imports(dropped)
        return edits, "", sorted(set(keys)), self_imports

    def check_module(self, module: ModuleSummary, project: Project, report: ModuleReport) -> None:
        for finding in module.facts.get(FINDING, ()):
            if finding.code != self.code or not is_model(project, finding.owner):
                continue
            owner = project.resolve(finding.owner)
            fix = finding.fix
            message = finding.message
            unsafe = finding.unsafe
            if fix is not None and is_root_model(project, owner):
                fix = None
                message += (
                    "; no automatic fix: a v1 custom root type's validator gets "
                    "`{'__root__': value}`, a v2 `RootModel`'s gets the value itself (or the "
                    "model), so its checks must be rewritten with the `RootModel` migration"
                )
            for condition in finding.conditions:
                kind, _, value = condition.partition(":")
                if kind == "fields" and fix is not None:
                    missing = set(value.split(",")) - fields_of(project, owner)
                    if missing:
                        fix = None
                        message += (
                            f"; no automatic fix: `{sorted(missing)[0]}` is not a field the "
                            "project declares"
                        )
                if (
                    kind == "from-attributes"
                    and fix is not None
                    and from_attributes(project, owner)
                ):
                    unsafe = unsafe or (
                        "with `from_attributes` v2 hands the validator the object itself where "
                        "v1 gave it a dict of its attributes"
                    )
            if finding.no_fix:
                message = f"{message}; {finding.no_fix}"
            if fix is not None and unsafe:
                fix = with_applicability(fix, True)
                message = f"{message} (the fix is unsafe: {unsafe})"
            report.report(finding.span, message, fix=fix)
