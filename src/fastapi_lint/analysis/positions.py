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
from functools import cache

from fastapi_lint.core.diagnostics import Location
from fastapi_lint.core.lazy import cst

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


class _Done(Exception):
    """Raised by the codegen state once every wanted node has its offsets."""


class _NullContext:
    __slots__ = ()

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return False


_NULL = _NullContext()


class _SyntacticRecorder:
    __slots__ = ("end_node", "node", "start", "start_node", "state")

    def __init__(self, state, node, start_node, end_node) -> None:
        self.state = state
        self.node = node
        self.start_node = start_node
        self.end_node = end_node
        for extra in (start_node, end_node):
            if extra is not None and id(extra) not in state.targets:
                state.targets.add(id(extra))
                state.remaining += 1

    def __enter__(self) -> None:
        self.start = self.state.offset

    def __exit__(self, *exc: object) -> bool:
        state = self.state
        start = self.start
        end = state.offset
        if self.start_node is not None:
            key = id(self.start_node)
            start = state.syntactic.get(key, state.inclusive.get(key))[0]
        if self.end_node is not None:
            key = id(self.end_node)
            end = state.syntactic.get(key, state.inclusive.get(key))[1]
        state.syntactic[id(self.node)] = (start, end)
        return False


@cache
def _offset_state_class() -> type:
    """The codegen state class, defined on first use (it subclasses a libcst class)."""
    from libcst._nodes.internal import CodegenState

    class _OffsetState(CodegenState):
        """A codegen state that counts characters instead of building a position for every node."""

        __slots__ = ("_open", "inclusive", "offset", "remaining", "syntactic", "targets")

        def __init__(self, module: cst.Module, targets: set[int]) -> None:
            super().__init__(
                default_indent=module.default_indent, default_newline=module.default_newline
            )
            self.offset = 0
            self.targets = targets
            self.remaining = len(targets)
            self.inclusive: dict[int, tuple[int, int]] = {}
            self.syntactic: dict[int, tuple[int, int]] = {}
            self._open: dict[int, int] = {}

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
            key = id(node)
            if key in self.targets:
                self._open[key] = self.offset

        def after_codegen(self, node: cst.CSTNode) -> None:
            key = id(node)
            if key in self.targets:
                start = self._open.pop(key, self.offset)
                if key not in self.inclusive:
                    self.inclusive[key] = (start, self.offset)
                    self.remaining -= 1
                    if self.remaining <= 0 and not self._open:
                        # Every wanted node is placed: the rest of the file does not matter.
                        raise _Done

        def record_syntactic_position(self, node, *, start_node=None, end_node=None):
            if id(node) not in self.targets:
                return _NULL
            return _SyntacticRecorder(self, node, start_node, end_node)

    return _OffsetState


class NodeSpans:
    """Offsets of selected nodes of one module; ``compute`` runs one codegen pass for a batch."""

    __slots__ = ("_inclusive", "_module", "_shift", "_syntactic", "_text")

    def __init__(self, module: cst.Module, text: str | None = None) -> None:
        self._module = module
        # Keyed by id(node): the tree is alive as long as this object is.
        self._syntactic: dict[int, tuple[int, int]] = {}
        self._inclusive: dict[int, tuple[int, int]] = {}
        self._text = text
        self._shift: list[int] | None = None

    def compute(self, nodes: Iterable[cst.CSTNode]) -> None:
        wanted = {id(n) for n in nodes} - self._inclusive.keys()
        if not wanted:
            return
        state = _offset_state_class()(self._module, wanted)
        finished = True
        try:
            self._module._codegen(state)
        except _Done:
            finished = False
        shift = self._offset_shift()
        text = self._text
        if finished and text is not None and state.offset + len(shift) != len(text):
            # libcst drops a last lone "\r" (old Mac line endings): harmless, it is the end.
            # Any other difference would misplace findings and fixes: fail the file (FAPI003).
            lone_cr = text.endswith("\r") and not text.endswith("\r\n")
            if not (lone_cr and state.offset + len(shift) == len(text) - 1):
                raise ValueError("libcst does not reproduce this file exactly")
        if shift:
            for offsets in (state.inclusive, state.syntactic):
                for key, (start, end) in offsets.items():
                    offsets[key] = (_shifted(shift, start), _shifted(shift, end))
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
        key = id(node)
        if key not in self._inclusive:
            self.compute((node,))
        return self._syntactic.get(key) or self._inclusive[key]

    def full_span(self, node: cst.CSTNode) -> tuple[int, int]:
        """The node's extent including the whitespace and comments it owns."""
        key = id(node)
        if key not in self._inclusive:
            self.compute((node,))
        return self._inclusive[key]


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
