"""The children of libcst nodes, fast: which fields hold child nodes (whitespace and
punctuation skipped), per-type child extractors generated as straight-line code, and the
parent map keyed by node identity. Used by the one walk over a module (``walk.py``)."""

from __future__ import annotations

import dataclasses
import functools

from fastapi_lint.core.lazy import cst

# Fields that hold only whitespace, comments or punctuation: never walked.
_SKIPPED_FIELDS = frozenset(
    {
        "lpar",
        "rpar",
        "comma",
        "colon",
        "semicolon",
        "equal",
        "dot",
        "header",
        "footer",
        "leading_lines",
        "lines_after_decorators",
        "trailing_whitespace",
        "first_line",
        "last_line",
        "empty_lines",
        "newline",
        "lbrace",
        "rbrace",
        "lbracket",
        "rbracket",
        "first_colon",
        "second_colon",
        "separator",
        "trailing_comma",
        "posonly_ind",
        "operator",
        "asynchronous",
        "relative",
        "comment",
        "default_indent",
        "default_newline",
        "encoding",
        "has_trailing_newline",
        "indent",
        "star",
        "start",
        "end",
        "conversion",
        "leading_whitespace",
        "whitespace",
    }
)

# Children in source order where the dataclass field order differs from it (by type name).
_FIELD_ORDER_OVERRIDES: dict[str, tuple[str, ...]] = {
    "FunctionDef": ("decorators", "name", "type_parameters", "params", "returns", "body"),
    "ClassDef": ("decorators", "name", "type_parameters", "bases", "keywords", "body"),
}

_child_fields_cache: dict[type, tuple[str, ...]] = {}


def child_fields(node_type: type) -> tuple[str, ...]:
    names = _child_fields_cache.get(node_type)
    if names is None:
        names = _FIELD_ORDER_OVERRIDES.get(node_type.__name__) or tuple(
            f.name
            for f in dataclasses.fields(node_type)
            if f.name not in _SKIPPED_FIELDS and not f.name.startswith("whitespace")
        )
        _child_fields_cache[node_type] = names
    return names


def iter_children(node: cst.CSTNode):
    """The direct non-whitespace children of ``node`` in source order."""
    for name in child_fields(type(node)):
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            yield value
        elif type(value) in (list, tuple):
            for item in value:
                if isinstance(item, cst.CSTNode):
                    yield item


class ParentMap(dict):
    """Node -> parent node, keyed by ``id(node)`` (libcst's node hash is a Python-level call,
    and the walk records a parent for every node of the tree)."""

    __slots__ = ()

    def get(self, node, default=None):  # type: ignore[override]
        return dict.get(self, id(node), default)

    def __getitem__(self, node):
        return dict.__getitem__(self, id(node))

    def __contains__(self, node) -> bool:
        return dict.__contains__(self, id(node))


EXTRACTORS: dict[type, object] = {}


@functools.cache
def _node_classes() -> frozenset[type]:
    """Every concrete libcst node class (a set lookup is much cheaper than isinstance on the
    abstract ``CSTNode``)."""
    found = set()
    stack = [cst.CSTNode]
    while stack:
        cls = stack.pop()
        found.add(cls)
        stack.extend(cls.__subclasses__())
    return frozenset(found)


def children_extractor(node_type: type):
    """A function returning the node's children in reverse source order (ready to push on a
    stack), generated as straight-line code for the type's child fields."""
    names = child_fields(node_type)
    lines = ["def children(n):", "    out = []"]
    for name in reversed(names):
        lines.append(f"    v = n.{name}")
        lines.append("    c = v.__class__")
        lines.append("    if c is list or c is tuple:")
        lines.append("        out.extend([x for x in reversed(v) if x.__class__ in NODES])")
        lines.append("    elif c in NODES:")
        lines.append("        out.append(v)")
    lines.append("    return out")
    namespace = {"NODES": _node_classes()}
    exec("\n".join(lines), namespace)  # generated from libcst's own dataclass fields
    return namespace["children"]
