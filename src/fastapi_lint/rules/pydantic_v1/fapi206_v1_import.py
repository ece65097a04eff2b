"""FAPI206 pydantic-v1-import: imports of Pydantic v1 names (moved, removed, deprecated, and the
``pydantic.v1`` compatibility package)."""

from __future__ import annotations

import re

from fastapi_lint.analysis.inference import dotted_name
from fastapi_lint.analysis.knowledge.names import canonical
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext, PendingFix
from fastapi_lint.lint.importer import ImportChanges, module_from_import
from fastapi_lint.lint.rule import FixAvailability, Rule
from fastapi_lint.rules.pydantic_v1 import catalog
from fastapi_lint.rules.pydantic_v1.analysis import (
    PYTHON_OR_PYDANTIC_TEST,
    ROOT_VALIDATOR,
    VALIDATOR,
    Reference,
    analysis,
    under_version_test,
)
from fastapi_lint.rules.pydantic_v1.catalog import PYDANTIC_2

_V1_MESSAGE = (
    "`pydantic.v1` is Pydantic v1 kept inside Pydantic 2 for migration: FastAPI ≥ 0.128 "
    "rejects its models, and it does not support Python ≥ 3.14; migrate the code to the v2 API"
)
_IMPORTS = "pydantic-v1:from-imports"
_REMOVED_MODULES = "pydantic-v1:removed-modules"
_VALIDATE_ARGUMENTS = frozenset(
    {"pydantic.validate_arguments", "pydantic.decorator.validate_arguments"}
)
_GENERIC = frozenset({"typing.Generic", "typing_extensions.Generic"})


# The name of code that handles v1 models on purpose: `v1_schema`, `create_v1_schema`,
# `process_v1_params`, `is_v1_model`, `pydantic_v1_compat` (not a bare `v1`: API versions).
_V1_HANDLER = re.compile(
    r"(?i)(?:^|_)v1_(?:schema|schemas|model|models|params|fields|types|compat)(?:_|$)"
    r"|(?:^|_)(?:pydantic|model|models|schema|compat)_v1(?:_|$)"
)


def _report(ctx: FileContext, node: cst.CSTNode, message: str, fix=None) -> None:
    if not _deliberate(ctx, node):
        ctx.report(node, message, fix=fix)


def _deliberate(ctx: FileContext, node: cst.CSTNode) -> bool:
    """Code written for both Pydantic versions on purpose: under a test of the Pydantic or
    Python version (``if has_v1_models:``, ``if sys.version_info >= (3, 14): return``), or in a
    function, class or module whose name says it handles v1 (``create_v1_schema``,
    ``v1_schema.py``), such as code that accepts its users' v1 models."""
    if under_version_test(ctx, node, PYTHON_OR_PYDANTIC_TEST):
        return True
    if _V1_HANDLER.search(ctx.module_name.rpartition(".")[2]):
        return True
    parent = ctx.walk.parents.get(node)
    while parent is not None:
        if isinstance(parent, (cst.FunctionDef, cst.ClassDef)) and _V1_HANDLER.search(
            parent.name.value
        ):
            return True
        parent = ctx.walk.parents.get(parent)
    return False


def _removed_advice(qualname: str) -> str | None:
    if qualname in catalog.STILL_PUBLIC:
        return None
    for prefix, advice in catalog.REMOVED.items():
        if qualname == prefix or (
            qualname.startswith(prefix) and prefix.endswith((".", "Constrained", "SHAPE_"))
        ):
            return advice
        if qualname.startswith(prefix + "."):
            return advice
    return None


class V1Import(Rule):
    code = "FAPI206"
    name = "pydantic-v1-import"
    quiet_below = PYDANTIC_2
    summary = "Import of a Pydantic v1 name: moved, removed, deprecated, or `pydantic.v1`"
    fix_availability = FixAvailability.SOMETIMES

    def visit_Import(self, node: cst.Import, ctx: FileContext) -> None:
        for alias in node.names:
            name = dotted_name(alias.name) or ""
            if name == "pydantic.v1" or name.startswith("pydantic.v1."):
                _report(ctx, alias, _V1_MESSAGE)
            elif name in catalog.REMOVED_MODULES:
                ctx.state.setdefault(_REMOVED_MODULES, set()).add(name)
                _report(
                    ctx,
                    alias,
                    f"`{name}` is Pydantic v1: v2 keeps nothing of it, every name it had fails; "
                    f"{catalog.REMOVED_MODULES[name]}",
                )

    def visit_Attribute(self, node: cst.Attribute, ctx: FileContext) -> None:
        parent = ctx.parent
        if isinstance(parent, (cst.ImportAlias, cst.ImportFrom, cst.Attribute)):
            return  # import statements are read whole; `a.b.c` is read at its outer node
        root = node.value
        while isinstance(root, cst.Attribute):
            root = root.value
        if not isinstance(root, cst.Name) or root.value not in analysis(ctx).imports:
            return  # not `pydantic.x...` (a cheap first filter)
        qualname = ctx.qualname(node, ctx.frame)
        if qualname is None or not qualname.startswith("pydantic."):
            return
        if qualname.startswith("pydantic.v1."):
            _report(ctx, node, _V1_MESSAGE)
            return
        if qualname.rpartition(".")[0] in ctx.state.get(_REMOVED_MODULES, ()):
            return  # reported at its `import` statement
        moved = catalog.MOVED.get(qualname)
        if moved is not None and moved.name == qualname.rpartition(".")[2]:
            imports = ImportChanges(ctx, catalog.ADDED_NAMES)
            spelled = imports.spell_attribute(moved.module, moved.name, ctx.frame)
            edits = imports.edits()
            fix = None
            if spelled is not None and edits is not None:
                fix = PendingFix.safe(
                    f"Replace with `{spelled}`", ctx.replace(node, spelled), *edits
                )
            _report(ctx, node, self._moved_message(qualname, moved), fix=fix)
            return
        advice = catalog.DEPRECATED.get(qualname) or _removed_advice(qualname)
        if advice is not None:
            _report(
                ctx, node, f"`{qualname}` is Pydantic v1 API, gone or deprecated in v2: {advice}"
            )

    def end_file(self, ctx: FileContext) -> None:
        shared = analysis(ctx)
        for node in ctx.state.get(_IMPORTS, ()):
            module = (
                dotted_name(node.module) if node.module is not None and not node.relative else None
            )
            if module is None or not (module == "pydantic" or module.startswith("pydantic.")):
                continue
            if isinstance(node.names, cst.ImportStar):
                if module.startswith("pydantic.v1"):
                    _report(ctx, node, _V1_MESSAGE)
                continue
            for alias in node.names:
                name = dotted_name(alias.name) or ""
                qualname = canonical(f"{module}.{name}")
                self._alias(ctx, shared, node, alias, qualname, module)

    def visit_ImportFrom(self, node: cst.ImportFrom, ctx: FileContext) -> None:
        ctx.state.setdefault(_IMPORTS, []).append(node)

    # -- one imported name ----------------------------------------------------------------

    def _alias(self, ctx, shared, node, alias: cst.ImportAlias, qualname: str, module: str):
        if (
            module == "pydantic.v1"
            or module.startswith("pydantic.v1.")
            or qualname == "pydantic.v1"
        ):
            _report(ctx, alias, _V1_MESSAGE)
            return
        moved = catalog.MOVED.get(qualname)
        if moved is not None:
            message = self._moved_message(qualname, moved)
            problem = _self_parameter(ctx, shared, alias) if qualname in _VALIDATE_ARGUMENTS else ""
            if problem:
                _report(ctx, alias, f"{message}; no automatic fix: {problem}")
                return
            fix = self._move(ctx, shared, node, alias, qualname, moved)
            if fix is not None and moved.unsafe:
                message += f" (the fix is unsafe: {moved.unsafe})"
            _report(ctx, alias, message, fix=fix)
            return
        if qualname in catalog.MIGRATED_AT_USE:
            self._migrated_at_use(ctx, shared, alias, qualname)
            return
        advice = catalog.DEPRECATED.get(qualname)
        if advice is not None:
            _report(
                ctx,
                alias,
                f"`{qualname}` is deprecated in Pydantic v2 (removed in v3): {advice}",
            )
            return
        advice = _removed_advice(qualname)
        if advice is not None:
            _report(
                ctx,
                alias,
                f"`{qualname}` no longer exists in Pydantic v2: importing it fails; {advice}",
            )

    def _moved_message(self, qualname: str, moved: catalog.MovedName) -> str:
        target = f"{moved.module}.{moved.name}"
        if moved.module == catalog.PYDANTIC_SETTINGS:
            return (
                f"`{qualname}` moved to the `pydantic-settings` package: importing it from "
                f"`pydantic` fails under Pydantic v2; import `{target}` (add `pydantic-settings` "
                "to the dependencies)"
            )
        if qualname == "pydantic.generics.GenericModel":
            return (
                "`GenericModel` is gone in Pydantic v2 (its import warns and v3 removes it): "
                "subclass `BaseModel` together with `Generic[T]`"
            )
        return f"`{qualname}` is Pydantic v1: Pydantic v2 moved it to `{target}`"

    def _move(self, ctx, shared, node, alias, qualname, moved) -> PendingFix | None:
        local = shared_local(alias)
        if local is None or alias.asname is not None:
            return None
        old_name = dotted_name(alias.name) or ""
        if moved.name == old_name:
            return self._same_name_move(ctx, node, alias, moved)
        uses = shared.import_uses(local)
        if uses is None or not uses:
            return None
        if qualname == "pydantic.generics.GenericModel" and not all(
            _generic_base(ctx, use) for use in uses
        ):
            return None
        if qualname in _VALIDATE_ARGUMENTS and not all(
            isinstance(use.parent, cst.Decorator) for use in uses
        ):
            return None  # `validate_arguments(config=...)` and other uses: by hand
        imports = ImportChanges(ctx, catalog.ADDED_NAMES)
        frame = ctx.walk.module_frame
        imports.remove(alias)
        spelled = imports.spell(moved.module, moved.name, frame)
        edits = imports.edits()
        if spelled is None or edits is None:
            return None
        rename = [ctx.replace(use.node, spelled) for use in uses]
        make = PendingFix.unsafe if moved.unsafe else PendingFix.safe
        return make(f"Use `{moved.module}.{moved.name}`", *rename, *edits)

    def _same_name_move(self, ctx, node, alias, moved) -> PendingFix | None:
        """`from pydantic import BaseSettings` -> `from pydantic_settings import BaseSettings`."""
        names = node.names
        if len(names) == 1 and module_from_import(ctx, moved.module) is None:
            # The only name: change the module in place (works inside `try:` too).
            return PendingFix.safe(
                f"Import it from `{moved.module}`", ctx.replace(node.module, moved.module)
            )
        imports = ImportChanges(ctx, catalog.ADDED_NAMES)
        imports.remove(alias)
        imports.add(moved.module, moved.name)
        edits = imports.edits()
        if edits is None or not isinstance(ctx.parent_of(ctx.parent_of(node)), cst.Module):
            return None
        return PendingFix.safe(f"Import it from `{moved.module}`", *edits)

    def _migrated_at_use(self, ctx, shared, alias, qualname: str) -> None:
        local = shared_local(alias)
        if local is None:
            return
        uses = shared.import_uses(local)
        owner = catalog.MIGRATED_AT_USE[qualname]
        if uses is None or (uses and all(_handled_use(ctx, use, qualname) for use in uses)):
            return  # the uses are reported (and fixed) by `owner`
        if uses:
            _report(
                ctx,
                alias,
                f"`{qualname}` is deprecated in Pydantic v2 and used here in a way {owner} "
                "cannot rewrite; migrate these uses by hand",
            )
            return
        if ctx.is_package:
            return  # an unused import in `__init__.py` is usually a re-export
        fix = None
        statement = ctx.parent_of(alias)
        if isinstance(statement, cst.ImportFrom):
            # Every unused v1 name of the statement goes at once: the fixes of these findings
            # are then identical, and applied together without colliding.
            imports = ImportChanges(ctx, catalog.ADDED_NAMES)
            for other in _unused_v1_aliases(ctx, shared, statement):
                imports.remove(other)
            edits = imports.edits()
            if edits is not None:
                fix = PendingFix.safe(f"Remove the unused import of `{local}`", *edits)
        _report(
            ctx,
            alias,
            f"`{qualname}` is Pydantic v1 API and nothing here uses it any more; remove the import",
            fix=fix,
        )


def _unused_v1_aliases(
    ctx: FileContext, shared, statement: cst.ImportFrom
) -> list[cst.ImportAlias]:
    module = dotted_name(statement.module) if statement.module is not None else None
    if module is None or isinstance(statement.names, cst.ImportStar):
        return []
    found = []
    for alias in statement.names:
        local = shared_local(alias)
        qualname = canonical(f"{module}.{dotted_name(alias.name)}")
        if (
            local is not None
            and qualname in catalog.MIGRATED_AT_USE
            and shared.import_uses(local) == []
        ):
            found.append(alias)
    return found


def shared_local(alias: cst.ImportAlias) -> str | None:
    if alias.asname is not None:
        return alias.asname.name.value if isinstance(alias.asname.name, cst.Name) else None
    return dotted_name(alias.name)


_SELF = frozenset({"typing.Self", "typing_extensions.Self"})


def _self_parameter(ctx: FileContext, shared, alias: cst.ImportAlias) -> str:
    """Why ``validate_call`` cannot replace ``validate_arguments`` here: a decorated function
    has a parameter annotated with ``Self``, which ``validate_call`` refuses when the class is
    created (``PydanticUserError``), so the module would no longer import."""
    local = shared_local(alias)
    uses = shared.import_uses(local) if local is not None else None
    for use in uses or ():
        decorator = use.parent
        if isinstance(decorator, cst.Call):
            decorator = ctx.parent_of(decorator)
        function = ctx.parent_of(decorator) if isinstance(decorator, cst.Decorator) else None
        if not isinstance(function, cst.FunctionDef):
            continue
        params = function.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.annotation is not None and _mentions_self(ctx, param.annotation.annotation):
                return (
                    f"`{function.name.value}` has a parameter annotated with `Self`, which "
                    "`validate_call` rejects as soon as it decorates the function "
                    "(`PydanticUserError`): the module would no longer import"
                )
    return ""


def _mentions_self(ctx: FileContext, node: cst.CSTNode) -> bool:
    if isinstance(node, (cst.Name, cst.Attribute)) and ctx.qualname(node) in _SELF:
        return True
    if isinstance(node, cst.SimpleString):
        return "Self" in node.value  # a forward reference: assume the worst
    return any(_mentions_self(ctx, child) for child in node.children)


def _generic_base(ctx: FileContext, use: Reference) -> bool:
    """``GenericModel`` used as a base of a class that also lists ``Generic[...]``."""
    arg = use.parent
    klass = ctx.parent_of(arg) if isinstance(arg, cst.Arg) else None
    if not isinstance(klass, cst.ClassDef) or arg not in klass.bases:
        return False
    for base in klass.bases:
        value = base.value
        if isinstance(value, cst.Subscript) and ctx.qualname(value.value) in _GENERIC:
            return True
    return False


def _handled_use(ctx: FileContext, use: Reference, qualname: str) -> bool:
    parent = use.parent
    if qualname in VALIDATOR or qualname in ROOT_VALIDATOR:
        if isinstance(parent, cst.Decorator):
            return qualname in ROOT_VALIDATOR
        return isinstance(parent, cst.Call) and isinstance(ctx.parent_of(parent), cst.Decorator)
    if qualname in catalog.EXTRA_ENUM:
        # `extra = Extra.forbid` in a `class Config` body.
        assign = ctx.parent_of(parent) if isinstance(parent, cst.Attribute) else None
        return isinstance(assign, (cst.Assign, cst.AnnAssign))
    if qualname.endswith("parse_obj_as"):
        return isinstance(parent, cst.Call) and parent.func is use.node
    return False
