"""Making a name importable for a fix: reuse an existing import, or add one in a sensible place.

New imports go into the module's leading import block, next to the imports they sort with
(plain ``import x`` statements before ``from`` imports, alphabetical within each kind), after a
module docstring and ``from __future__`` imports. Comments and formatting are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi_lint.context import FileContext, PendingEdit
from fastapi_lint.inference import dotted_name
from fastapi_lint.knowledge.names import canonical
from fastapi_lint.lazy import cst
from fastapi_lint.scope import BindingKind, Frame


@dataclass(slots=True)
class ImportPlan:
    """How to spell the imported object at the use site, and the edits that make it importable."""

    expression: str
    edits: list[PendingEdit]


def _module_binding_for(ctx: FileContext, qualname: str) -> str | None:
    for name, bindings in ctx.walk.module_frame.bindings.items():
        if (
            len(bindings) == 1
            and bindings[0].kind is BindingKind.IMPORT
            and canonical(bindings[0].qualname or "") == canonical(qualname)
        ):
            return name
    return None


def _usable(ctx: FileContext, name: str, qualname: str, frame: Frame) -> bool:
    """``name`` resolves to ``qualname`` at the use site (not shadowed by a local)."""
    return ctx.resolver.name_qualname(name, frame) == canonical(qualname)


def _free(ctx: FileContext, name: str, frame: Frame) -> bool:
    """Nothing anywhere in the module binds ``name``, so a new module-level import is safe."""
    if ctx.resolver.lookup(name, frame) is not None:
        return False
    return all(name not in f.bindings for f in _all_frames(ctx))


def _all_frames(ctx: FileContext):
    yield ctx.walk.module_frame
    for info in ctx.walk.functions:
        yield info.frame
    for info in ctx.walk.classes:
        yield info.frame


def plan_module_attribute(
    ctx: FileContext, module: str, attribute: str, frame: Frame
) -> ImportPlan | None:
    """Spell ``module.attribute`` (``asyncio.sleep``) at a site in ``frame``."""
    existing = _module_binding_for(ctx, module)
    if existing is not None and _usable(ctx, existing, module, frame):
        return ImportPlan(f"{existing}.{attribute}", [])
    direct = _module_binding_for(ctx, f"{module}.{attribute}")
    if direct is not None and _usable(ctx, direct, f"{module}.{attribute}", frame):
        return ImportPlan(direct, [])
    top = module.partition(".")[0]
    if "." in module or not _free(ctx, top, frame):
        return None
    edit = add_import_edit(ctx, module, None)
    return ImportPlan(f"{module}.{attribute}", [edit])


def plan_from_import(ctx: FileContext, module: str, name: str, frame: Frame) -> ImportPlan | None:
    """Spell ``name`` imported from ``module`` (``run_in_threadpool``) at a site in ``frame``."""
    qualname = f"{module}.{name}"
    existing = _module_binding_for(ctx, qualname)
    if existing is not None and _usable(ctx, existing, qualname, frame):
        return ImportPlan(existing, [])
    if not _free(ctx, name, frame):
        return None
    return ImportPlan(name, [add_import_edit(ctx, module, name)])


def _import_block(module: cst.Module) -> tuple[list[cst.SimpleStatementLine], int]:
    """The leading run of top-level import statements, and the index after docstring/futures."""
    body = list(module.body)
    index = 0
    if body and _is_docstring(body[0]):
        index = 1
    block: list[cst.SimpleStatementLine] = []
    for statement in body[index:]:
        if isinstance(statement, cst.SimpleStatementLine) and all(
            isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body
        ):
            block.append(statement)
        else:
            break
    return block, index


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _statement_key(statement: cst.SimpleStatementLine) -> tuple[int, str]:
    first = statement.body[0]
    if isinstance(first, cst.Import):
        return 1, (dotted_name(first.names[0].name) or "").lower()
    assert isinstance(first, cst.ImportFrom)
    if first.module is not None and dotted_name(first.module) == "__future__":
        return 0, ""
    module = "." * len(first.relative) + (dotted_name(first.module) or "")
    return 2, module.lower()


def add_import_edit(ctx: FileContext, module: str, name: str | None) -> PendingEdit:
    """An edit adding ``import module`` or ``from module import name`` to the import block."""
    block, docstring_index = _import_block(ctx.module)
    if name is not None:
        # Extend `from module import a` (one line, no parentheses) into `..., name`.
        for statement in block:
            node = statement.body[0]
            if (
                len(statement.body) == 1
                and isinstance(node, cst.ImportFrom)
                and not node.relative
                and dotted_name(node.module) == module
                and not isinstance(node.names, cst.ImportStar)
                and node.lpar is None
            ):
                last = node.names[-1]
                return (
                    ctx.insert_after(last, f", {name}")
                    if last.comma == cst.MaybeSentinel.DEFAULT
                    else ctx.insert_after(last, f" {name},")
                )
        line = f"from {module} import {name}\n"
        key = (2, module.lower())
    else:
        line = f"import {module}\n"
        key = (1, module.lower())
    if block:
        before = [s for s in block if _statement_key(s) <= key]
        if before:
            return ctx.line_after(before[-1], line)
        return ctx.line_before(block[0], line)
    body = ctx.module.body
    if docstring_index and len(body) >= 1:
        return ctx.line_after(body[0], line)
    if body:
        return ctx.line_before(body[0], line)
    return ctx.at_offsets(len(ctx.text), len(ctx.text), line)
