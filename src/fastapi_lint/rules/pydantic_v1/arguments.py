"""Editing the arguments of a call: remove one cleanly, whatever the layout."""

from __future__ import annotations

from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext, PendingEdit


def _line_break(whitespace) -> bool:
    return isinstance(whitespace, cst.ParenthesizedWhitespace)


def _remove_comma(ctx: FileContext, comma: cst.Comma) -> list[PendingEdit]:
    """The comma and the spaces after it (a comma's own span is just the `,`)."""
    edits = [ctx.remove(comma)]
    after = comma.whitespace_after
    if isinstance(after, cst.SimpleWhitespace) and after.value:
        edits.append(ctx.remove(after))
    return edits


def remove_argument(ctx: FileContext, call: cst.Call, arg: cst.Arg) -> list[PendingEdit]:
    """Edits deleting ``arg`` and the comma that goes with it."""
    args = list(call.args)
    index = args.index(arg)
    previous = args[index - 1] if index > 0 else None
    before = (
        previous.comma.whitespace_after
        if previous is not None and isinstance(previous.comma, cst.Comma)
        else call.whitespace_before_args
    )
    after = arg.comma.whitespace_after if isinstance(arg.comma, cst.Comma) else None
    if _line_break(before) and _line_break(after):
        return [ctx.replace_node_lines(arg)]  # alone on its line
    edits = [ctx.remove(arg)]
    if index + 1 < len(args):
        edits.extend(_remove_comma(ctx, arg.comma))  # `a=1, ` before another argument
    elif previous is not None and isinstance(previous.comma, cst.Comma):
        edits[:0] = _remove_comma(ctx, previous.comma)  # `, a=1` at the end
        if isinstance(arg.comma, cst.Comma):
            edits.append(ctx.remove(arg.comma))
    elif isinstance(arg.comma, cst.Comma):
        edits.extend(_remove_comma(ctx, arg.comma))
    return edits
