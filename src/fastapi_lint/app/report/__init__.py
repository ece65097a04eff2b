"""Output formats, as in ruff: full, concise, json, json-lines, github, sarif, gitlab, junit,
pylint, azure.

Each format is a function ``render(entries, context) -> str`` in its own module; ``FORMATS``
maps the ``--output-format`` value to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from fastapi_lint.core.diagnostics import Diagnostic
from fastapi_lint.lint.rule import Rule


@dataclass(slots=True)
class Entry:
    """One diagnostic with the file it belongs to."""

    path: str  # display path
    absolute: Path
    diagnostic: Diagnostic
    source: str | None = None  # the file's text, when available (for snippets)


@dataclass(slots=True)
class ReportContext:
    rules: list[type[Rule]]
    root: Path
    unsafe_fixes: bool = False
    fix_mode: bool = False  # --fix was given (fixable markers then are about what is left)
    color: bool = False
    show_source: bool = True
    fixed: int = 0
    fixes_by_file: dict[str, dict[str, int]] = field(default_factory=dict)
    show_fixes: bool = False
    quiet: bool = False
    # Reads a file's text for snippets, for entries that carry none (see text.render_full).
    load_source: Callable[[Path], str | None] | None = None


Renderer = Callable[[list[Entry], ReportContext], str]


# Findings past the first of a root listed by name in the human formats; the rest are counted.
ROOT_LISTED = 5


def root_of(entry: Entry) -> str | None:
    """The root cause a finding shares with others (a FAPI102 chain's blocking call)."""
    root = entry.diagnostic.data.get("root") if entry.diagnostic.data else None
    return root if isinstance(root, str) else None


def group_by_root(entries: list[Entry]) -> tuple[list[Entry], dict[int, list[Entry]]]:
    """One root cause, reported once: the entries to show (the first finding of each root,
    in report order, and every finding without a root), and per shown entry (by ``id``) the
    other findings of its root."""
    first: dict[str, Entry] = {}
    others: dict[int, list[Entry]] = {}
    shown = []
    for entry in entries:
        root = root_of(entry)
        if root is None:
            shown.append(entry)
        elif root in first:
            others[id(first[root])].append(entry)
        else:
            first[root] = entry
            others[id(entry)] = []
            shown.append(entry)
    return shown, {key: group for key, group in others.items() if group}


def also_lines(group: list[Entry]) -> list[str]:
    """The other call sites of a shared root, the first few by location and the rest counted."""
    lines = [
        f"{entry.path}:{entry.diagnostic.location.row}:{entry.diagnostic.location.column}"
        f" {_where(entry)}"
        for entry in group[:ROOT_LISTED]
    ]
    if len(group) > ROOT_LISTED:
        lines.append(f"... and {len(group) - ROOT_LISTED} more")
    return lines


def _where(entry: Entry) -> str:
    message = entry.diagnostic.message
    # "`f()` blocks the event loop in <where>: <chain>; ..."
    marker = " blocks the event loop in "
    start = message.find(marker)
    if start < 0:
        return ""
    rest = message[start + len(marker) :]
    return rest.split(": ", 1)[0]


# --output-format value -> (module of this package, function): only the chosen one is imported.
FORMATS: dict[str, tuple[str, str]] = {
    "full": ("text", "render_full"),
    "concise": ("text", "render_concise"),
    "json": ("json_format", "render_json"),
    "json-lines": ("json_format", "render_json_lines"),
    "github": ("github", "render"),
    "sarif": ("sarif", "render"),
    "gitlab": ("gitlab", "render"),
    "junit": ("junit", "render"),
    "pylint": ("plain_formats", "render_pylint"),
    "azure": ("plain_formats", "render_azure"),
}


def renderer(output_format: str) -> Renderer:
    module, function = FORMATS[output_format]
    return getattr(_format_module(module), function)


def _format_module(name: str):
    import importlib

    return importlib.import_module(f"{__name__}.{name}")


def render(output_format: str, entries: list[Entry], context: ReportContext) -> str:
    return renderer(output_format)(entries, context)


def render_chunks(
    output_format: str, entries: list[Entry], context: ReportContext
) -> Iterator[str]:
    """The report in pieces, for formats that can be written as they are made (the others
    come as one piece)."""
    module, function = FORMATS[output_format]
    chunks = getattr(_format_module(module), f"{function}_chunks", None)
    if chunks is not None:
        yield from chunks(entries, context)
    else:
        yield renderer(output_format)(entries, context)
