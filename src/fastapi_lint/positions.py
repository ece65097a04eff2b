"""Source offsets of CST nodes, computed lazily and only for the nodes that need them.

libcst's ``PositionProvider`` records a range for every node of the tree, which costs about
twice the parse itself. Most files report nothing, so we never pay for positions up front:
the nodes that diagnostics, fixes and summaries point at are collected first, and one code
generation pass (about a seventh of a parse) records offsets for exactly those nodes.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

import libcst as cst
from libcst._nodes.internal import CodegenState

from fastapi_lint.diagnostics import Location

_NEWLINE = re.compile(r"\r\n|\r|\n")


class LineIndex:
    """Maps character offsets to 1-based (row, column) locations."""

    __slots__ = ("_starts", "_text_len")

    def __init__(self, text: str) -> None:
        starts = [0]
        starts.extend(m.end() for m in _NEWLINE.finditer(text))
        self._starts = starts
        self._text_len = len(text)

    def location(self, offset: int) -> Location:
        offset = max(0, min(offset, self._text_len))
        row = bisect.bisect_right(self._starts, offset) - 1
        return Location(row + 1, offset - self._starts[row] + 1)

    def line_start(self, row: int) -> int:
        return self._starts[max(0, min(row - 1, len(self._starts) - 1))]

    def line_count(self) -> int:
        return len(self._starts)


class _NullContext:
    __slots__ = ()

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return False


_NULL = _NullContext()


class _SyntacticRecorder:
    __slots__ = ("end_node", "node", "start", "start_node", "state")

    def __init__(self, state: _OffsetState, node, start_node, end_node) -> None:
        self.state = state
        self.node = node
        self.start_node = start_node
        self.end_node = end_node
        if start_node is not None:
            state.targets.add(start_node)
        if end_node is not None:
            state.targets.add(end_node)

    def __enter__(self) -> None:
        self.start = self.state.offset

    def __exit__(self, *exc: object) -> bool:
        state = self.state
        start = self.start
        end = state.offset
        if self.start_node is not None:
            start = state.syntactic.get(self.start_node, state.inclusive.get(self.start_node))[0]
        if self.end_node is not None:
            end = state.syntactic.get(self.end_node, state.inclusive.get(self.end_node))[1]
        state.syntactic[self.node] = (start, end)
        return False


class _OffsetState(CodegenState):
    """A codegen state that counts characters instead of building a position for every node."""

    __slots__ = ("_open", "inclusive", "offset", "syntactic", "targets")

    def __init__(self, module: cst.Module, targets: set[cst.CSTNode]) -> None:
        super().__init__(
            default_indent=module.default_indent, default_newline=module.default_newline
        )
        self.offset = 0
        self.targets = targets
        self.inclusive: dict[cst.CSTNode, tuple[int, int]] = {}
        self.syntactic: dict[cst.CSTNode, tuple[int, int]] = {}
        self._open: dict[cst.CSTNode, int] = {}

    def add_indent_tokens(self) -> None:
        tokens = self.indent_tokens
        self.tokens.extend(tokens)
        for token in tokens:
            self.offset += len(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self.offset += len(value)

    def pop_trailing_newline(self) -> None:
        if self.tokens:
            self.offset -= len(self.tokens.pop())

    def before_codegen(self, node: cst.CSTNode) -> None:
        if node in self.targets:
            self._open[node] = self.offset

    def after_codegen(self, node: cst.CSTNode) -> None:
        if node in self.targets:
            start = self._open.pop(node, self.offset)
            self.inclusive.setdefault(node, (start, self.offset))

    def record_syntactic_position(self, node, *, start_node=None, end_node=None):
        if node not in self.targets:
            return _NULL
        return _SyntacticRecorder(self, node, start_node, end_node)


class NodeSpans:
    """Offsets of selected nodes of one module; ``compute`` runs one codegen pass for a batch."""

    __slots__ = ("_inclusive", "_module", "_shift", "_syntactic", "_text")

    def __init__(self, module: cst.Module, text: str | None = None) -> None:
        self._module = module
        self._syntactic: dict[cst.CSTNode, tuple[int, int]] = {}
        self._inclusive: dict[cst.CSTNode, tuple[int, int]] = {}
        self._text = text
        self._shift: list[int] | None = None

    def compute(self, nodes: Iterable[cst.CSTNode]) -> None:
        wanted = {n for n in nodes if n not in self._inclusive}
        if not wanted:
            return
        state = _OffsetState(self._module, wanted)
        self._module._codegen(state)
        shift = self._offset_shift()
        text = self._text
        if text is not None and state.offset + len(shift) != len(text):
            # libcst drops a last lone "\r" (old Mac line endings): harmless, it is the end.
            # Any other difference would misplace findings and fixes: fail the file (FAPI003).
            lone_cr = text.endswith("\r") and not text.endswith("\r\n")
            if not (lone_cr and state.offset + len(shift) == len(text) - 1):
                raise ValueError("libcst does not reproduce this file exactly")
        if shift:
            for offsets in (state.inclusive, state.syntactic):
                for node, (start, end) in offsets.items():
                    offsets[node] = (_shifted(shift, start), _shifted(shift, end))
        self._inclusive.update(state.inclusive)
        self._syntactic.update(state.syntactic)

    def _offset_shift(self) -> list[int]:
        """Where libcst's code generation drops characters of the source, so that its offsets
        can be mapped back: the generated offsets after which a character is missing.

        libcst drops a form feed at the start of a line before an unindented statement
        (``"\\f@app.get(...)"``); its offsets are then off by one from there on, which would
        put findings and fixes in the wrong place. Only files with form feeds are compared.
        """
        if self._shift is None:
            self._shift = []
            text = self._text
            if text is not None and "\f" in text:
                self._shift = _dropped_offsets(text, self._module.code)
        return self._shift

    def span(self, node: cst.CSTNode) -> tuple[int, int]:
        """The node's syntactic extent: without leading comments, blank lines and trailing newline."""
        if node not in self._inclusive:
            self.compute((node,))
        return self._syntactic.get(node) or self._inclusive[node]

    def full_span(self, node: cst.CSTNode) -> tuple[int, int]:
        """The node's extent including the whitespace and comments it owns."""
        if node not in self._inclusive:
            self.compute((node,))
        return self._inclusive[node]


def _dropped_offsets(text: str, generated: str) -> list[int]:
    """For each character of ``text`` missing from ``generated`` (form feeds only), the
    offset in ``generated`` where it is missing. Raises ValueError if the two differ
    otherwise (offsets could not be trusted)."""
    dropped = []
    i = j = 0
    while True:
        # Jump over the common run, then account for one dropped form feed.
        k = text.find("\f", i)
        if k == -1:
            if text[i:] != generated[j:]:
                raise ValueError("libcst does not reproduce this file")
            return dropped
        run = k - i
        if text[i:k] != generated[j : j + run]:
            raise ValueError("libcst does not reproduce this file")
        i, j = k, j + run
        if generated.startswith("\f", j):
            i += 1
            j += 1
        else:
            dropped.append(j)
            i += 1


def _shifted(dropped: list[int], offset: int) -> int:
    """``offset`` in the generated code, as an offset in the source (after dropped chars)."""
    return offset + bisect.bisect_right(dropped, offset)
