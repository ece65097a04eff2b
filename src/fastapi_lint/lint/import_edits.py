"""Editing an existing ``from module import a, b`` statement for a fix: names added in the
statement's own order and layout (one line, parenthesized columns, one per line), names removed
with their commas and comments kept right."""

from __future__ import annotations

from collections.abc import Iterable

from fastapi_lint.analysis.inference import dotted_name
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext, PendingEdit


def member_order(name: str) -> tuple[int, str, str]:
    """isort's and ruff's order of imported names (order-by-type): CONSTANTS, Classes, others."""
    if len(name) > 1 and name.isupper():
        kind = 0
    elif name[:1].isupper():
        kind = 1
    else:
        kind = 2
    return kind, name.lower(), name


def _alias_text(alias: cst.ImportAlias) -> str | None:
    name = dotted_name(alias.name)
    if name is None:
        return None
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return f"{name} as {alias.asname.name.value}"
    return name


def alias_local(alias: cst.ImportAlias) -> str | None:
    if alias.asname is not None:
        return alias.asname.name.value if isinstance(alias.asname.name, cst.Name) else None
    return dotted_name(alias.name)


def _is_multiline(whitespace: cst.BaseParenthesizableWhitespace | None) -> bool:
    return isinstance(whitespace, cst.ParenthesizedWhitespace)


def _has_comment(whitespace: cst.BaseParenthesizableWhitespace | None) -> bool:
    if not isinstance(whitespace, cst.ParenthesizedWhitespace):
        return False
    return whitespace.first_line.comment is not None or any(
        line.comment is not None for line in whitespace.empty_lines
    )


def _whitespace_before(node: cst.ImportFrom, index: int):
    if index == 0:
        return node.lpar.whitespace_after if node.lpar is not None else None
    comma = node.names[index - 1].comma
    return comma.whitespace_after if isinstance(comma, cst.Comma) else None


def _layout(node: cst.ImportFrom) -> str:
    """ "line" (all names on the statement's line), "column" (parenthesized, one name per line,
    the closing parenthesis on its own line), "comments" (spread over lines with comments among
    them) or "other" (spread over lines without comments)."""
    assert not isinstance(node.names, cst.ImportStar)
    count = len(node.names)
    before = [_whitespace_before(node, i) for i in range(count)]
    last_comma = node.names[-1].comma
    after_last = last_comma.whitespace_after if isinstance(last_comma, cst.Comma) else None
    closing = node.rpar.whitespace_before if node.rpar is not None else None
    spaces = [*before, after_last, closing]
    if not any(_is_multiline(w) for w in spaces):
        return "line"
    column = (
        node.lpar is not None
        and all(_is_multiline(w) for w in before)
        and (_is_multiline(after_last) or _is_multiline(closing))
    )
    if column:
        return "column"
    return "comments" if any(_has_comment(w) for w in spaces) else "other"


def _column_indent(node: cst.ImportFrom) -> str | None:
    whitespace = _whitespace_before(node, 0)
    if isinstance(whitespace, cst.ParenthesizedWhitespace):
        return whitespace.last_line.value
    return None


def _statement_of(ctx: FileContext, node: cst.CSTNode) -> cst.SimpleStatementLine | None:
    parent = ctx.walk.parents.get(node)
    while parent is not None and not isinstance(parent, cst.SimpleStatementLine):
        if isinstance(parent, cst.BaseCompoundStatement):
            return None
        parent = ctx.walk.parents.get(parent)
    return parent


def _removable_statement(ctx: FileContext, statement: cst.SimpleStatementLine) -> bool:
    """Removing the statement's lines leaves valid code: it is alone on its line and its block
    keeps another statement."""
    if len(statement.body) != 1:
        return False
    block = ctx.walk.parents.get(statement)
    if isinstance(block, cst.Module):
        return True
    if isinstance(block, cst.IndentedBlock):
        return len(block.body) > 1
    return False


def _sorted_names(names: list[str]) -> bool:
    keys = [member_order(name.split(" as ")[0]) for name in names]
    return keys == sorted(keys)


def from_import_edits(
    ctx: FileContext,
    node: cst.ImportFrom,
    remove: Iterable[cst.ImportAlias] = (),
    add: Iterable[str] = (),
    companions: frozenset[str] = frozenset(),
) -> list[PendingEdit] | None:
    """Edits removing ``remove`` (aliases of ``node``) and adding the names ``add`` to the
    statement ``from m import ...``; None when its layout does not allow it cleanly.

    ``companions``: names other fixes of the same run may add to this statement, so that two
    names landing between the same two existing names are anchored apart (see
    ``_line_insertions``)."""
    if isinstance(node.names, cst.ImportStar):
        return None
    removed = set(remove)
    aliases = list(node.names)
    kept = [a for a in aliases if a not in removed]
    existing = {alias_local(a) for a in kept}
    additions = sorted({n for n in add if n not in existing}, key=member_order)
    if not removed and not additions:
        return []
    statement = _statement_of(ctx, node)
    if statement is None:
        return None
    if not kept and not additions:
        return [ctx.replace_node_lines(statement)] if _removable_statement(ctx, statement) else None
    layout = _layout(node)
    kept_texts = [_alias_text(a) for a in kept]
    if any(text is None for text in kept_texts):
        return None
    if layout == "column":
        return _column_edits(ctx, node, aliases, removed, kept, additions)
    if layout == "comments":
        return None  # names spread over lines with comments among them: left alone
    names = _merge_sorted(kept_texts, additions)  # type: ignore[arg-type]
    head = f"from {_module_text(ctx, node)} import "
    # A one-line import stays on one line (wrapping it is the formatter's business, and a
    # rewrite of the whole statement would collide with every other fix touching it).
    if layout == "line" and kept:
        # Small edits, so that fixes changing different names of one import do not collide.
        return [
            *_line_removals(ctx, aliases, removed),
            *_line_insertions(ctx, kept, kept_texts, additions, companions),
        ]
    text = ", ".join(names)
    if node.lpar is not None:
        text = f"({text})"
    return [ctx.replace(node, f"{head}{text}")]


def _module_text(ctx: FileContext, node: cst.ImportFrom) -> str:
    module = ctx.code_for(node.module).strip() if node.module is not None else ""
    return "." * len(node.relative) + module


def _merge_sorted(existing: list[str], additions: list[str]) -> list[str]:
    if not _sorted_names(existing):
        return [*existing, *additions]
    return sorted([*existing, *additions], key=lambda n: member_order(n.split(" as ")[0]))


def _insertion_points(kept_texts: list[str], additions: list[str]) -> list[tuple[int, list[str]]]:
    """For each group of added names, the index of the kept name it goes before (len: at end)."""
    groups: dict[int, list[str]] = {}
    ordered = _sorted_names(kept_texts)
    for name in additions:
        index = len(kept_texts)
        if ordered:
            for i, text in enumerate(kept_texts):
                if member_order(text.split(" as ")[0]) > member_order(name):
                    index = i
                    break
        groups.setdefault(index, []).append(name)
    return sorted(groups.items())


def _delete_comma(ctx: FileContext, comma: cst.Comma) -> list[PendingEdit]:
    edits = [ctx.remove(comma)]
    if isinstance(comma.whitespace_after, cst.SimpleWhitespace) and comma.whitespace_after.value:
        edits.append(ctx.remove(comma.whitespace_after))
    return edits


def _line_removals(
    ctx: FileContext, aliases: list[cst.ImportAlias], removed: set[cst.ImportAlias]
) -> list[PendingEdit]:
    """Deletions of the ``removed`` names of a one-line import that keeps some names: each name
    with the comma after it; names after the last kept one with that name's comma instead.

    That kept name is also rewritten as itself, so that another fix removing it in the same
    round collides with this one (and waits for the next round) rather than leaving a stray
    comma.
    """
    edits: list[PendingEdit] = []
    last_kept = max(i for i, a in enumerate(aliases) if a not in removed)
    for index, alias in enumerate(aliases):
        if alias not in removed:
            continue
        edits.append(ctx.remove(alias))
        if index < last_kept:
            assert isinstance(alias.comma, cst.Comma)
            edits.extend(_delete_comma(ctx, alias.comma))
        elif isinstance(alias.comma, cst.Comma):
            edits.append(ctx.remove(alias.comma))
            after = alias.comma.whitespace_after
            if index + 1 < len(aliases) and isinstance(after, cst.SimpleWhitespace) and after.value:
                edits.append(ctx.remove(after))
    if any(aliases.index(a) > last_kept for a in removed):
        previous = aliases[last_kept]
        if isinstance(previous.comma, cst.Comma):
            edits.append(ctx.replace(previous, _alias_text(previous) or ""))
            edits.extend(_delete_comma(ctx, previous.comma))
    return edits


def _line_insertions(
    ctx: FileContext,
    kept: list[cst.ImportAlias],
    kept_texts,
    additions: list[str],
    companions: frozenset[str] = frozenset(),
) -> list[PendingEdit]:
    # Names go after the name they follow rather than before the next one (another fix may be
    # deleting the next name with its comma in the same round), except a name that sorts after
    # a companion going into the same gap: two insertions at one offset would collide.
    edits = []
    groups = _insertion_points(kept_texts, additions)
    gaps = dict(
        _insertion_points(kept_texts, sorted(companions - set(kept_texts), key=member_order))
    )
    for index, names in groups:
        joined = ", ".join(names)
        rivals = [n for n in gaps.get(index, ()) if member_order(n) < member_order(names[0])]
        if index == 0 or (rivals and index < len(kept)):
            edits.append(ctx.insert_before(kept[index].name, f"{joined}, "))
        else:
            previous = kept[index - 1]
            anchor = previous.asname if previous.asname is not None else previous.name
            edits.append(ctx.insert_after(anchor, f", {joined}"))
    return edits


def _column_edits(ctx, node, aliases, removed, kept, additions) -> list[PendingEdit] | None:
    indent = _column_indent(node)
    if indent is None:
        return None
    if not isinstance(ctx.walk.parents.get(_statement_of(ctx, node)), cst.Module):
        return None  # the indentation of nested statements is not known here
    edits = [ctx.replace_node_lines(alias) for alias in aliases if alias in removed]
    kept_texts = [_alias_text(a) or "" for a in kept]
    for index, names in _insertion_points(kept_texts, additions):
        lines = "".join(f"{indent}{name},\n" for name in names)
        if index < len(kept):
            edits.append(ctx.line_before(kept[index], lines))
        elif kept and not isinstance(kept[-1].comma, cst.Comma):
            last = kept[-1]
            anchor = last.asname if last.asname is not None else last.name
            edits.append(ctx.insert_after(anchor, "".join(f",\n{indent}{n}" for n in names)))
        else:
            assert node.rpar is not None
            if not _is_multiline(node.rpar.whitespace_before) and not (
                aliases and isinstance(aliases[-1].comma, cst.Comma)
            ):
                return None
            edits.append(ctx.line_before(node.rpar, lines))
    return edits
