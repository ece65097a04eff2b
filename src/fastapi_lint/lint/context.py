"""The per-file context shared by every rule: the tree, scopes, names, FastAPI's view of the
module, the module summary under construction, and the API rules report through.

Rules never compute offsets: they point at nodes (``ctx.report(node, ...)``,
``ctx.replace(node, text)``), and offsets for all of them are computed in one batch when the
file is done (see ``positions.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from fastapi_lint.analysis.fastapi_model import FastAPIModel, build_fastapi_model
from fastapi_lint.analysis.inference import Resolver
from fastapi_lint.analysis.knowledge.names import CLASS_VAR
from fastapi_lint.analysis.module_summary import ModuleSummary, PendingSpan, Span
from fastapi_lint.analysis.positions import LineIndex, NodeSpans
from fastapi_lint.analysis.scope import ClassInfo, Frame, FunctionInfo
from fastapi_lint.analysis.walk import WalkResult
from fastapi_lint.core.diagnostics import Applicability, Diagnostic, Edit, Fix
from fastapi_lint.core.lazy import cst
from fastapi_lint.project.options import ProjectOptions


class RuleIdentity(Protocol):
    """A rule as its findings name it: a ``Rule`` class (``lint/rule.py``)."""

    code: str
    name: str


@dataclass(slots=True, eq=False)
class PendingEdit:
    """An edit anchored on a node; turned into offsets when the file is done.

    ``where``: "replace" the node's syntactic span, insert "before" or "after" it, "line_before"
    (at the start of the node's line) or "line_after" (after the newline ending the node),
    "node_lines" (replace the whole lines the node's syntactic span is on, newline included),
    "lines" (a statement's whole lines, up to ``other``; see ``remove_lines``), or
    "offsets" with explicit ``start``/``end``.
    """

    node: cst.CSTNode | None
    content: str
    where: str = "replace"
    start: int = 0
    end: int = 0
    # "remove_arg": the argument before the removed one; "range": the last node replaced.
    other: cst.CSTNode | None = None


@dataclass(slots=True, eq=False)
class PendingFix:
    message: str
    edits: tuple[PendingEdit, ...]
    applicability: Applicability

    @staticmethod
    def safe(message: str, *edits: PendingEdit) -> PendingFix:
        return PendingFix(message, tuple(edits), Applicability.SAFE)

    @staticmethod
    def unsafe(message: str, *edits: PendingEdit) -> PendingFix:
        return PendingFix(message, tuple(edits), Applicability.UNSAFE)


@dataclass(slots=True, eq=False)
class PendingDiagnostic:
    rule: RuleIdentity
    node: cst.CSTNode
    message: str
    fix: PendingFix | None
    data: dict[str, Any]
    end_node: cst.CSTNode | None = None


@dataclass(slots=True, eq=False)
class _LazySpan:
    node: cst.CSTNode
    span: Span
    full: bool = False


@dataclass(slots=True, eq=False)
class FileContext:
    path: str
    module_name: str
    is_package: bool
    text: str
    module: cst.Module
    options: ProjectOptions
    walk: WalkResult
    resolver: Resolver = field(init=False)
    fastapi: FastAPIModel = field(init=False)
    summary: ModuleSummary = field(init=False)
    spans: NodeSpans = field(init=False)
    # Set by the dispatcher for each handler call.
    rule: RuleIdentity | None = None
    frame: Frame | None = None
    parent: cst.CSTNode | None = None
    _pending: list[PendingDiagnostic] = field(default_factory=list)
    _lazy_spans: list[_LazySpan] = field(default_factory=list)
    _deferred_fixes: list[tuple[Any, str, PendingFix]] = field(default_factory=list)
    _line_index: LineIndex | None = None
    _call_targets: dict[tuple[int, int], str | None] = field(default_factory=dict)
    # Per-file scratch space for rules, keyed by rule code.
    state: dict[str, Any] = field(default_factory=dict)
    # Whether summary spans and the fixes prepared for facts are computed (see lazy_span).
    positions: bool = True

    def __post_init__(self) -> None:
        self.resolver = Resolver(self.module_name, self.walk)
        self.fastapi = build_fastapi_model(self.resolver, self.walk)
        self.summary = ModuleSummary(self.module_name, self.path, self.is_package)
        self.spans = NodeSpans(self.module, self.text)

    # -- reporting -----------------------------------------------------------------------

    def report(
        self,
        node: cst.CSTNode,
        message: str,
        *,
        fix: PendingFix | None = None,
        data: dict[str, Any] | None = None,
        end_node: cst.CSTNode | None = None,
        rule: RuleIdentity | None = None,
    ) -> None:
        owner = rule or self.rule
        assert owner is not None, "report() outside of a rule handler needs rule="
        self._pending.append(PendingDiagnostic(owner, node, message, fix, data or {}, end_node))

    # -- edits ---------------------------------------------------------------------------

    @staticmethod
    def replace(node: cst.CSTNode, content: str) -> PendingEdit:
        return PendingEdit(node, content, "replace")

    @staticmethod
    def insert_before(node: cst.CSTNode, content: str) -> PendingEdit:
        return PendingEdit(node, content, "before")

    @staticmethod
    def insert_after(node: cst.CSTNode, content: str) -> PendingEdit:
        return PendingEdit(node, content, "after")

    @staticmethod
    def replace_full(node: cst.CSTNode, content: str) -> PendingEdit:
        """Replace the node with the whitespace it owns (``async `` of ``async def``)."""
        return PendingEdit(node, content, "replace_full")

    @staticmethod
    def remove(node: cst.CSTNode) -> PendingEdit:
        return PendingEdit(node, "", "replace")

    @staticmethod
    def line_before(node: cst.CSTNode, content: str) -> PendingEdit:
        return PendingEdit(node, content, "line_before")

    @staticmethod
    def line_after(node: cst.CSTNode, content: str) -> PendingEdit:
        return PendingEdit(node, content, "line_after")

    @staticmethod
    def replace_node_lines(node: cst.CSTNode, content: str = "") -> PendingEdit:
        """Replace the whole lines ``node`` is on (comments on them included) with ``content``."""
        return PendingEdit(node, content, "node_lines")

    @staticmethod
    def at_offsets(start: int, end: int, content: str) -> PendingEdit:
        return PendingEdit(None, content, "offsets", start, end)

    @staticmethod
    def remove_lines(statement: cst.CSTNode, until: cst.CSTNode | None = None) -> PendingEdit:
        """Remove a statement with its whole lines (indentation and newline included); comment
        lines above it stay. With ``until``, also remove what follows up to that node."""
        return PendingEdit(statement, "", "lines", other=until)

    @staticmethod
    def remove_full(node: cst.CSTNode) -> PendingEdit:
        """Remove the node with everything it owns: leading blank and comment lines,
        decorators, trailing newline."""
        return PendingEdit(node, "", "full")

    @staticmethod
    def remove_item(node: cst.CSTNode, previous: cst.CSTNode | None) -> PendingEdit:
        """Remove one item of a comma-separated list (an argument, an imported name) with its
        comma; ``previous`` is the item before it, if any."""
        return PendingEdit(node, "", "remove_arg", other=previous)

    @staticmethod
    def replace_range(first: cst.CSTNode, last: cst.CSTNode, content: str) -> PendingEdit:
        """Replace from the start of ``first`` to the end of ``last`` (a parameter, whose own
        span covers only its name, through its default)."""
        return PendingEdit(first, content, "range", other=last)

    @staticmethod
    def remove_arg(call: cst.Call, arg: cst.Arg) -> PendingEdit:
        """Remove an argument of a call with its comma, and its line when it has one alone."""
        index = next(i for i, a in enumerate(call.args) if a is arg)
        previous = call.args[index - 1] if index else None
        return PendingEdit(arg, "", "remove_arg", other=previous)

    @staticmethod
    def replace_head(node: cst.CSTNode, length: int, content: str) -> PendingEdit:
        """Replace the first ``length`` characters of the node (a keyword: ``return``)."""
        return PendingEdit(node, content, "head", 0, length)

    # -- source --------------------------------------------------------------------------

    def code_for(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def argument_code(self, arg: cst.Arg) -> str:
        """A call argument as written, without its comma: ``x``, ``*xs``, ``key=x``."""
        value = self.code_for(arg.value)
        if arg.keyword is not None:
            return f"{arg.keyword.value}={value}"
        return f"{arg.star}{value}"

    @property
    def line_index(self) -> LineIndex:
        if self._line_index is None:
            self._line_index = LineIndex(self.text)
        return self._line_index

    def lazy_span(self, node: cst.CSTNode, full: bool = False) -> Span:
        """A span for the summary, filled in when the file is done (one codegen for all), or
        left pending when the pass runs without positions (see ``summary.PendingSpan``)."""
        span = PendingSpan(owner=self.path)
        self._lazy_spans.append(_LazySpan(node, span, full))
        return span

    def deferred_fix(self, record: Any, attribute: str, fix: PendingFix) -> None:
        """Set ``record.<attribute>`` to ``fix`` resolved into offsets when the file is done.

        For summary facts that carry a prepared fix, which the project pass may emit. Without
        positions this does nothing: check ``ctx.positions`` before preparing such fixes.
        """
        if self.positions:
            self._deferred_fixes.append((record, attribute, fix))

    # -- names, types and FastAPI --------------------------------------------------------

    def qualname(self, node: cst.BaseExpression, frame: Frame | None = None) -> str | None:
        return self.resolver.qualname(node, frame)

    def is_class_var(
        self, annotation: cst.BaseExpression | None, frame: Frame | None = None
    ) -> bool:
        """``ClassVar`` or ``ClassVar[...]``: a class attribute, never a model or settings
        field."""
        if isinstance(annotation, cst.Subscript):
            annotation = annotation.value
        return annotation is not None and self.qualname(annotation, frame) in CLASS_VAR

    def infer_type(self, node: cst.BaseExpression, frame: Frame | None = None) -> str | None:
        return self.resolver.infer_type(node, frame)

    def call_target(self, call: cst.Call, frame: Frame | None = None) -> str | None:
        # Asked by many rules for the same call: answered once per call and frame.
        key = (id(call), id(frame))
        targets = self._call_targets
        if key not in targets:
            targets[key] = self.resolver.call_target(call, frame)
        return targets[key]

    def frame_of(self, node: cst.CSTNode) -> Frame:
        return self.resolver.frame_of(node)

    def parent_of(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.walk.parents.get(node)

    def function_info(self, node: cst.FunctionDef) -> FunctionInfo | None:
        return self.walk.function_by_node.get(node)

    def class_info(self, node: cst.ClassDef) -> ClassInfo | None:
        return self.walk.class_by_node.get(node)

    @property
    def functions(self) -> list[FunctionInfo]:
        return self.walk.functions

    @property
    def classes(self) -> list[ClassInfo]:
        return self.walk.classes

    # -- finishing -----------------------------------------------------------------------

    def dispose(self) -> None:
        """Break the reference cycles between scopes and their functions and classes, so that
        the tree is freed as soon as the file is done (the CLI runs with the cyclic garbage
        collector off)."""
        for function in self.walk.functions:
            function.frame.function = None
            function.klass = None
        for klass in self.walk.classes:
            klass.frame.klass = None
            klass.methods.clear()
        self.state.clear()
        self._call_targets.clear()
        self._pending.clear()
        self._lazy_spans.clear()
        self._deferred_fixes.clear()

    def resolve(self) -> list[Diagnostic]:
        """Compute offsets for every node reported or referenced, and build the diagnostics."""
        wanted: list[cst.CSTNode] = []
        for pending in self._pending:
            wanted.append(pending.node)
            if pending.end_node is not None:
                wanted.append(pending.end_node)
            if pending.fix is not None:
                wanted.extend(e.node for e in pending.fix.edits if e.node is not None)
                wanted.extend(e.other for e in pending.fix.edits if e.other is not None)
        if self.positions:
            wanted.extend(lazy.node for lazy in self._lazy_spans)
        else:
            self._lazy_spans.clear()  # left pending (see summary.PendingSpan)
        for _, _, fix in self._deferred_fixes:
            wanted.extend(e.node for e in fix.edits if e.node is not None)
            wanted.extend(e.other for e in fix.edits if e.other is not None)
        if not wanted:
            return []
        self.spans.compute(wanted)
        index = self.line_index
        for lazy in self._lazy_spans:
            start, end = (self.spans.full_span if lazy.full else self.spans.span)(lazy.node)
            loc = index.location(start)
            end_loc = index.location(end)
            span = lazy.span
            span.row, span.column = loc.row, loc.column
            span.end_row, span.end_column = end_loc.row, end_loc.column
            span.start, span.end = start, end
        for record, attribute, pending_fix in self._deferred_fixes:
            edits = tuple(self._resolve_edit(e, index) for e in pending_fix.edits)
            setattr(record, attribute, Fix(pending_fix.message, edits, pending_fix.applicability))
        diagnostics = []
        for pending in self._pending:
            start, end = self.spans.span(pending.node)
            if pending.end_node is not None:
                end = self.spans.span(pending.end_node)[1]
            location = index.location(start)
            fix = None
            if pending.fix is not None:
                edits = tuple(self._resolve_edit(e, index) for e in pending.fix.edits)
                fix = Fix(pending.fix.message, edits, pending.fix.applicability)
            diagnostics.append(
                Diagnostic(
                    code=pending.rule.code,
                    name=pending.rule.name,
                    message=pending.message,
                    start=start,
                    end=end,
                    location=location,
                    end_location=index.location(end),
                    fix=fix,
                    noqa_row=location.row,
                    data=pending.data,
                )
            )
        return diagnostics

    def _resolve_edit(self, edit: PendingEdit, index: LineIndex) -> Edit:
        if edit.where == "offsets" or edit.node is None:
            start, end = edit.start, edit.end
        else:
            node_start, node_end = self.spans.span(edit.node)
            if edit.where == "replace":
                start, end = node_start, node_end
            elif edit.where == "replace_full":
                start, end = self.spans.full_span(edit.node)
            elif edit.where == "before":
                start = end = node_start
            elif edit.where == "after":
                start = end = node_end
            elif edit.where == "full":
                start, end = self.spans.full_span(edit.node)
            elif edit.where == "lines":
                start = index.line_start(index.location(node_start).row)
                end = max(self.spans.full_span(edit.node)[1], node_end)
                if edit.other is not None:
                    end = max(end, self.spans.span(edit.other)[0])
            elif edit.where == "range":
                start = node_start
                end = self.spans.span(edit.other)[1] if edit.other is not None else node_end
            elif edit.where == "remove_arg":
                start, end = self._removed_argument(edit.node, edit.other, index)
            elif edit.where == "head":
                start, end = node_start, min(node_start + edit.end, node_end)
            elif edit.where == "line_before":
                start = end = index.line_start(index.location(node_start).row)
            elif edit.where == "line_after":
                full_end = self.spans.full_span(edit.node)[1]
                start = end = max(full_end, node_end)
            elif edit.where == "node_lines":
                start = index.line_start(index.location(node_start).row)
                last_row = index.location(max(node_start, node_end - 1)).row
                end = (
                    index.line_start(last_row + 1)
                    if last_row < index.line_count()
                    else len(self.text)
                )
            else:  # pragma: no cover - programming error
                raise ValueError(f"unknown edit anchor {edit.where!r}")
        return Edit(start, end, edit.content, index.location(start), index.location(end))

    def _removed_argument(
        self, arg: cst.CSTNode, previous: cst.CSTNode | None, index: LineIndex
    ) -> tuple[int, int]:
        start, end = self.spans.span(arg)
        full_end = self.spans.full_span(arg)[1]
        text = self.text
        tail = text[end:full_end]
        if "," in tail:
            line_start = index.line_start(index.location(start).row)
            newline = min((i for i in (tail.find("\n"), tail.find("\r")) if i >= 0), default=-1)
            if not text[line_start:start].strip() and newline >= 0:
                # Alone on its line: drop the line (up to and including its newline).
                line_end = end + newline + 1
                if text[line_end - 1 : line_end + 1] == "\r\n":
                    line_end += 1
                return line_start, line_end
            return start, full_end
        if previous is not None:
            return self.spans.span(previous)[1], end
        return start, end
