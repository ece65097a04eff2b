"""Import edits for fixes (``imports.py``): names added in sorted position, names removed with
their line or comma, statements added in their isort section, comments left where they are."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from fastapi_lint.config.settings import Settings
from fastapi_lint.core.apply_fixes import apply_fixes
from fastapi_lint.core.diagnostics import Diagnostic, Fix
from fastapi_lint.engine.checker import FileChecker
from fastapi_lint.lint.import_edits import from_import_edits, member_order
from fastapi_lint.lint.importer import ImportChanges


def _context(text: str, module: str = "app.models"):
    _, ctx = FileChecker(Settings(root=Path(".")), []).check(
        text, "m.py", module, False, keep_context=True
    )
    assert ctx is not None
    return ctx


def _apply(ctx, edits) -> str:
    nodes = [e.node for e in edits if e.node is not None]
    ctx.spans.compute(nodes)
    resolved = tuple(ctx._resolve_edit(e, ctx.line_index) for e in edits)
    diagnostic = Diagnostic("FAPI999", "x", "m", 0, 0, fix=Fix("f", resolved))
    return apply_fixes(ctx.text, [diagnostic]).text


def _statement(ctx, index: int = 0) -> cst.ImportFrom:
    node = ctx.module.body[index].body[0]
    assert isinstance(node, cst.ImportFrom)
    return node


def _alias(node: cst.ImportFrom, name: str) -> cst.ImportAlias:
    return next(a for a in node.names if a.name.value == name)


def test_member_order_is_isorts_order_by_type() -> None:
    names = ["validator", "BaseModel", "MAX", "Field", "field_validator", "ConfigDict"]
    assert sorted(names, key=member_order) == [
        "MAX",
        "BaseModel",
        "ConfigDict",
        "Field",
        "field_validator",
        "validator",
    ]


@pytest.mark.parametrize(
    ("source", "remove", "add", "expected"),
    [
        # One line: insertions where the names sort, without touching the others.
        (
            "from pydantic import BaseModel, validator\n",
            [],
            ["field_validator", "ConfigDict"],
            "from pydantic import BaseModel, ConfigDict, field_validator, validator\n",
        ),
        (
            "from pydantic import validator\n",
            [],
            ["BaseModel"],
            "from pydantic import BaseModel, validator\n",
        ),
        # Unsorted names: additions go at the end.
        (
            "from pydantic import validator, BaseModel\n",
            [],
            ["ConfigDict"],
            "from pydantic import validator, BaseModel, ConfigDict\n",
        ),
        # Removal and addition in one statement; the trailing comment stays.
        (
            "from pydantic import BaseModel, Extra, validator  # models\n",
            ["Extra"],
            ["ConfigDict"],
            "from pydantic import BaseModel, ConfigDict, validator  # models\n",
        ),
        # The last name removed: the whole line goes, the comment above stays.
        (
            "# validation\nfrom pydantic import validator\nx = 1\n",
            ["validator"],
            [],
            "# validation\nx = 1\n",
        ),
        # Renaming the only name keeps the statement.
        (
            "from pydantic import validator\n",
            ["validator"],
            ["field_validator"],
            "from pydantic import field_validator\n",
        ),
        # Parenthesized, one name per line: lines added and removed, comments kept.
        (
            "from pydantic import (\n    BaseModel,\n    Extra,  # v1\n    validator,  # checks\n)\n",
            ["Extra"],
            ["field_validator", "ConfigDict"],
            "from pydantic import (\n    BaseModel,\n    ConfigDict,\n    field_validator,\n"
            "    validator,  # checks\n)\n",
        ),
        (
            "from pydantic import (\n    BaseModel,\n    Field\n)\n",
            [],
            ["field_validator"],
            "from pydantic import (\n    BaseModel,\n    Field,\n    field_validator\n)\n",
        ),
        # A one-line import stays on one line, however long (the formatter wraps it).
        (
            "from pydantic import BaseModel, Field, ValidationInfo, field_validator, root_validator\n",
            ["root_validator"],
            ["model_validator", "ConfigDict"],
            "from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, "
            "model_validator\n",
        ),
        # Aliases are kept as they are.
        (
            "from pydantic import BaseModel as Model, validator\n",
            ["validator"],
            [],
            "from pydantic import BaseModel as Model\n",
        ),
    ],
)
def test_from_import_edits(source, remove, add, expected) -> None:
    ctx = _context(source)
    node = next(
        s.body[0]
        for s in ctx.module.body
        if isinstance(s, cst.SimpleStatementLine) and isinstance(s.body[0], cst.ImportFrom)
    )
    edits = from_import_edits(ctx, node, [_alias(node, n) for n in remove], add)
    assert edits is not None
    assert _apply(ctx, edits) == expected


def test_names_spread_over_lines_with_comments_are_left_alone() -> None:
    ctx = _context("from pydantic import (BaseModel,  # model\n    validator)\n")
    node = _statement(ctx)
    assert from_import_edits(ctx, node, [_alias(node, "validator")], ["Field"]) is None


def test_removing_the_only_statement_of_a_block_is_refused() -> None:
    ctx = _context("try:\n    from pydantic import validator\nexcept ImportError:\n    pass\n")
    node = ctx.module.body[0].body.body[0].body[0]
    assert from_import_edits(ctx, node, [node.names[0]], []) is None


def test_changes_reuse_existing_imports_and_add_new_statements_in_their_section() -> None:
    text = "import os\n\nimport httpx\nfrom pydantic import BaseModel\n\nx = 1\n"
    ctx = _context(text)
    changes = ImportChanges(ctx)
    frame = ctx.walk.module_frame
    assert changes.spell("pydantic", "BaseModel", frame) == "BaseModel"
    assert changes.spell("pydantic", "TypeAdapter", frame) == "TypeAdapter"
    assert changes.spell("typing", "Literal", frame) == "Literal"
    assert changes.spell_attribute("json", "dumps", frame) == "json.dumps"
    assert changes.spell("pydantic_settings", "BaseSettings", frame) == "BaseSettings"
    edits = changes.edits()
    assert edits is not None
    assert _apply(ctx, edits) == (
        "import json\nimport os\nfrom typing import Literal\n\nimport httpx\n"
        "from pydantic import BaseModel, TypeAdapter\nfrom pydantic_settings import BaseSettings\n"
        "\nx = 1\n"
    )


def test_changes_follow_a_module_imported_whole() -> None:
    ctx = _context("import pydantic\n\n\nclass A(pydantic.BaseModel):\n    x: int\n")
    changes = ImportChanges(ctx)
    assert changes.spell("pydantic", "ConfigDict", ctx.walk.module_frame) == "pydantic.ConfigDict"
    assert changes.edits() == []


def test_a_name_taken_in_the_module_is_not_imported() -> None:
    ctx = _context("from pydantic import BaseModel\n\nLiteral = None\n")
    changes = ImportChanges(ctx)
    assert changes.spell("typing", "Literal", ctx.walk.module_frame) is None
    assert changes.edits() is None


def test_remove_lines_anchor_takes_whole_lines() -> None:
    ctx = _context("a = 1\nb = 2  # two\nc = 3")
    assert _apply(ctx, [ctx.replace_node_lines(ctx.module.body[1])]) == "a = 1\nc = 3"
    ctx = _context("a = 1\nb = 2")
    assert _apply(ctx, [ctx.replace_node_lines(ctx.module.body[1])]) == "a = 1\n"


def test_removals_by_separate_fixes_never_leave_a_stray_comma() -> None:
    """Three fixes each drop one name of the same import in one round: the applier keeps the
    ones that do not collide, and the result is valid Python at every step."""
    text = "from pydantic import BaseModel, Extra, parse_obj_as, validator\n"
    for _ in range(4):
        ctx = _context(text)
        node = _statement(ctx)
        fixes = []
        for name in ("Extra", "parse_obj_as", "validator"):
            if not any(a.name.value == name for a in node.names):
                continue
            edits = from_import_edits(ctx, node, [_alias(node, name)], [])
            assert edits is not None
            ctx.spans.compute([e.node for e in edits])
            resolved = tuple(ctx._resolve_edit(e, ctx.line_index) for e in edits)
            fixes.append(Diagnostic("FAPI206", "x", "m", 0, 0, fix=Fix("f", resolved)))
        if not fixes:
            break
        text = apply_fixes(text, fixes).text
        compile(text, "m.py", "exec")
    assert text == "from pydantic import BaseModel\n"
