"""Making a name importable for a fix: reuse an existing import, or add one in a sensible place.

New imports go into the module's leading import block, next to the imports they sort with
(plain ``import x`` statements before ``from`` imports, alphabetical within each kind), after a
module docstring and ``from __future__`` imports. Comments and formatting are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi_lint.analysis.inference import STDLIB_MODULES, dotted_name
from fastapi_lint.analysis.knowledge.names import TYPING_SINCE, canonical
from fastapi_lint.analysis.scope import BindingKind, Frame
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext, PendingEdit
from fastapi_lint.lint.import_edits import alias_local, from_import_edits, member_order


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


def source_module(ctx: FileContext, module: str, name: str) -> str:
    """Where a fix imports ``name`` from: ``typing_extensions`` for a ``typing`` name that the
    oldest Python the project supports lacks (``target-version``, ``requires-python``)."""
    if module == "typing":
        since = TYPING_SINCE.get(name)
        if since is not None and ctx.options.target_python() < since:
            return "typing_extensions"
    return module


def plan_from_import(ctx: FileContext, module: str, name: str, frame: Frame) -> ImportPlan | None:
    """Spell ``name`` imported from ``module`` (``run_in_threadpool``) at a site in ``frame``."""
    module = source_module(ctx, module, name)
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
    if body and is_docstring(body[0]):
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


def is_docstring(statement: cst.BaseStatement) -> bool:
    """A statement that is only a string: a module's, class's or function's docstring."""
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


# -- editing `from module import ...` statements ------------------------------------------------
#
# A fix that replaces the last use of an imported name removes it, and a fix that needs a name
# adds it next to the names it sorts with (isort's order: CONSTANTS, Classes, functions). Each
# statement gets the smallest edits its layout allows: insertions for added names, whole lines
# for names of a parenthesized one-name-per-line import, a regenerated name list for a one-line
# import, so that comments stay where they are.


def module_from_import(ctx: FileContext, module: str) -> cst.ImportFrom | None:
    """The first top-level ``from module import a, b`` statement (absolute, not a star)."""
    for statement in ctx.module.body:
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            continue
        node = statement.body[0]
        if (
            isinstance(node, cst.ImportFrom)
            and not node.relative
            and not isinstance(node.names, cst.ImportStar)
            and dotted_name(node.module) == module
        ):
            return node
    return None


def _section(ctx: FileContext, module: str) -> int:
    """isort's sections: future, standard library, third party, first party, local."""
    if module == "__future__":
        return 0
    if module.startswith("."):
        return 4
    top = module.partition(".")[0]
    if top in STDLIB_MODULES:
        return 1
    if top == ctx.module_name.partition(".")[0]:
        return 3
    return 2


def _statement_module(statement: cst.SimpleStatementLine) -> str:
    first = statement.body[0]
    if isinstance(first, cst.Import):
        return dotted_name(first.names[0].name) or ""
    assert isinstance(first, cst.ImportFrom)
    return "." * len(first.relative) + (dotted_name(first.module) or "")


def add_statement_edit(ctx: FileContext, module: str, names: str | None) -> PendingEdit:
    """An edit adding ``import module`` (``names`` None) or ``from module import names`` to the
    import block, in its isort section (standard library, third party, first party), sorted."""
    block, _ = _import_block(ctx.module)
    if not block:
        return add_import_edit(ctx, module, names)
    line = f"import {module}\n" if names is None else f"from {module} import {names}\n"
    key = (1, module.lower()) if names is None else (2, module.lower())
    section = _section(ctx, module)
    same = [s for s in block if _section(ctx, _statement_module(s)) == section]
    if same:
        before = [s for s in same if _statement_key(s) <= key]
        if before:
            return ctx.line_after(before[-1], line)
        return ctx.line_before(same[0], line)
    later = [s for s in block if _section(ctx, _statement_module(s)) > section]
    if later:
        return ctx.line_before(later[0], line + "\n")
    return ctx.line_after(block[-1], "\n" + line)


class ImportChanges:
    """The import edits of one fix: names it needs and imported names it leaves unused.

    ``spell`` says how to write an imported object at a site (reusing what the module already
    imports, or planning an addition); ``remove`` plans dropping an import alias. ``edits()``
    gives the edits, grouped per statement so that they never overlap each other.
    """

    def __init__(self, ctx: FileContext, companions: frozenset[str] = frozenset()) -> None:
        self.ctx = ctx
        self.companions = companions
        self._added: dict[cst.ImportFrom | None, list[str]] = {}
        self._new_statements: dict[str, list[str]] = {}
        self._removed: dict[cst.ImportFrom, list[cst.ImportAlias]] = {}
        self._modules: set[str] = set()
        self.failed = False

    def spell(self, module: str, name: str, frame: Frame) -> str | None:
        ctx = self.ctx
        module = source_module(ctx, module, name)
        qualname = f"{module}.{name}"
        existing = _module_binding_for(ctx, qualname)
        if (
            existing is not None
            and _usable(ctx, existing, qualname, frame)
            and not any(alias_local(a) == existing for a in self._all_removed())
        ):
            return existing
        statement = module_from_import(ctx, module)
        whole = _module_binding_for(ctx, module)
        if statement is None and whole is not None and _usable(ctx, whole, module, frame):
            return f"{whole}.{name}"  # the module only imports `import pydantic`: follow suit
        if not _free(ctx, name, frame):
            if whole is not None and _usable(ctx, whole, module, frame):
                return f"{whole}.{name}"
            self.failed = True
            return None
        if statement is not None:
            self._added.setdefault(statement, []).append(name)
        else:
            self._new_statements.setdefault(module, []).append(name)
        return name

    def add(self, module: str, name: str) -> None:
        """Import ``name`` from ``module`` (the caller knows the name is, or becomes, free)."""
        statement = module_from_import(self.ctx, module)
        if statement is not None:
            self._added.setdefault(statement, []).append(name)
        else:
            self._new_statements.setdefault(module, []).append(name)

    def spell_attribute(self, module: str, attribute: str, frame: Frame) -> str | None:
        """Spell ``module.attribute`` (``json.dumps``), importing the module when needed."""
        ctx = self.ctx
        existing = _module_binding_for(ctx, module)
        if existing is not None and _usable(ctx, existing, module, frame):
            return f"{existing}.{attribute}"
        direct = _module_binding_for(ctx, f"{module}.{attribute}")
        if direct is not None and _usable(ctx, direct, f"{module}.{attribute}", frame):
            return direct
        top = module.partition(".")[0]
        if not _free(ctx, top, frame):
            self.failed = True
            return None
        self._modules.add(module)
        return f"{module}.{attribute}"

    def remove(self, alias: cst.ImportAlias) -> None:
        statement = self.ctx.walk.parents.get(alias)
        if not isinstance(statement, cst.ImportFrom):
            self.failed = True
            return
        self._removed.setdefault(statement, []).append(alias)

    def _all_removed(self):
        for aliases in self._removed.values():
            yield from aliases

    def edits(self) -> list[PendingEdit] | None:
        if self.failed:
            return None
        edits: list[PendingEdit] = []
        statements = [*self._removed, *(s for s in self._added if s not in self._removed)]
        for statement in statements:
            assert statement is not None
            changed = from_import_edits(
                self.ctx,
                statement,
                self._removed.get(statement, ()),
                self._added.get(statement, ()),
                self.companions,
            )
            if changed is None:
                return None
            edits.extend(changed)
        for module, names in self._new_statements.items():
            joined = ", ".join(sorted(set(names), key=member_order))
            edits.append(add_statement_edit(self.ctx, module, joined))
        for module in sorted(self._modules):
            edits.append(add_statement_edit(self.ctx, module, None))
        return edits
