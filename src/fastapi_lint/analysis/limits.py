"""Limits of the per-file pass: how deep a file may nest, and the stack the pass runs on.

libcst's native parser and its code generation recurse once per nesting level of the syntax
tree. On deep enough input the parser overflows the C stack and the process dies with a
segmentation fault (about 1,500 nested brackets, or ten thousand ``and`` in one expression,
on a default 8 MiB stack); code generation, which positions and ``code_for`` use, raises
``RecursionError`` from a few hundred levels on. So the per-file pass runs on a thread of its
own with a large stack (reserved address space: only the pages used are committed) and a high
recursion limit, which makes the limits the same on every platform, and a file that could
nest deeper than that stack holds is refused before parsing (``nesting_problem``).

The check is a cheap scan, not a parse: it bounds the depth of the tree from above. Brackets
nest at most 200 deep (CPython's own limit: its tokenizer refuses more); inside brackets,
between separators, each character but a space can add at most one level (chains such as ``a + b + c``,
``not not x``, ``f()()``, ``"a" "b"`` or ``lambda: lambda: 0`` nest one level per operator);
``elif`` chains nest one level per ``elif``. A file shorter than the depth limit cannot exceed
it, so only large files are scanned in full.
"""

from __future__ import annotations

import os
import queue
import re
import sys
import threading
from collections.abc import Callable
from itertools import accumulate
from typing import TypeVar

T = TypeVar("T")

# CPython's tokenizer refuses more nested brackets than this ("too many nested parentheses").
MAX_BRACKET_DEPTH = 200
# The deepest tree accepted, in levels as the scan counts them (an upper bound). Real code
# stays far below: under 1,000 over the installed site-packages. CPython itself fails to
# compile most expressions nested about 3,000 deep, and libcst's parse time grows faster than
# the square of the depth (a chain of 20,000 `+` takes ten minutes).
MAX_TREE_DEPTH = 5_000
# Stack per level the depth limit allows for: measured, libcst needs at most 7 KiB per bracket
# level (at most 200 of them) and 4.2 KiB per level of a chain (``a[0][0]...``); this leaves a
# margin of five for other platforms and builds.
STACK_PER_LEVEL = 20 * 1024
# Stack sizes tried for the checking thread, largest first, and its Python recursion limit.
STACK_SIZES = (256 * 1024 * 1024, 64 * 1024 * 1024, 16 * 1024 * 1024)
RECURSION_LIMIT = 100_000

_OPENERS = "([{"
_BRACKETS = re.compile(r"[^()\[\]{}]+")
_BRACKET_STEP = {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}

# What the scan stops at, after a run of other characters (the "gap", skipped in one step);
# the gap counts one level per character (a token is at least one character, so this bounds
# the tree depth from above). String prefixes are in the gap; see ``_string_prefix``.
_STRUCTURE = re.compile(
    r"""
    [^\#'"\\\r\n()\[\]{},;]*
    (?:
        (?P<comment>\#[^\r\n]*)
      | (?P<string>'''|\"\"\")
      | (?P<simple>'[^'\\\r\n{]*'|"[^"\\\r\n{]*")
      | (?P<single>'|\")
      | (?P<continuation>\\(?:\r\n|\r|\n))
      | (?P<newline>\r\n|\r|\n)
      | (?P<open>[(\[{])
      | (?P<close>[)\]}])
      | (?P<separator>[,;])
      | (?P<backslash>\\)
    )
    """,
    re.VERBOSE,
)
_INDENT = re.compile(r"[ \t\f]*")
# String bodies, as "unrolled loops": a repeated group costs the regex engine memory per
# repetition, so the groups here repeat once per escape or lone quote, not once per character
# (a 10 MB string literal would otherwise take gigabytes).
_TRIPLE_BODY = {
    "'''": r"[^'\\]*(?:(?:\\[\s\S]|'(?!''))[^'\\]*)*",
    '"""': r'[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*',
}
_LINE_BODY = {
    "'": r"[^'\\\r\n]*(?:\\(?:\r\n|[\s\S])[^'\\\r\n]*)*",
    '"': r'[^"\\\r\n]*(?:\\(?:\r\n|[\s\S])[^"\\\r\n]*)*',
}
_PLAIN_STRING_END = {
    **{quote: re.compile(body + quote) for quote, body in _TRIPLE_BODY.items()},
    **{quote: re.compile(body + quote + "?") for quote, body in _LINE_BODY.items()},
}
_STRING_OR_COMMENT = re.compile(
    r"\#[^\r\n]*|(?:[rRbBuUfFtT]{1,2})?(?:"
    + "|".join(
        [
            *(f"{quote}{body}(?:{quote}|\\Z)" for quote, body in _TRIPLE_BODY.items()),
            *(f"{quote}{body}{quote}?" for quote, body in _LINE_BODY.items()),
        ]
    )
    + ")"
)


def nesting_problem(text: str, max_depth: int = MAX_TREE_DEPTH) -> tuple[str, int, int] | None:
    """Why ``text`` nests too deeply to be parsed safely (a message for FAPI001), with its
    (row, column), or None."""
    if len(text) > max_depth:
        return _scan(text, max_depth)
    # A small file cannot exceed the tree depth limit (every level takes at least one
    # character); only its bracket depth needs checking, and only when it has enough brackets.
    if sum(text.count(c) for c in _OPENERS) <= MAX_BRACKET_DEPTH:
        return None
    steps = _BRACKETS.sub("", _STRING_OR_COMMENT.sub("", text))
    depths = list(accumulate(map(_BRACKET_STEP.__getitem__, steps)))
    if depths and (min(depths) < 0 or depths[-1] != 0 or max(depths) > MAX_BRACKET_DEPTH):
        # Too deep, or unbalanced (a string this quick pass misread): scan exactly.
        return _scan(text, max_depth)
    return None


def _scan(text: str, max_depth: int) -> tuple[str, int, int] | None:
    """Bracket depth, and a bound on the depth of the syntax tree, in one pass."""
    depth = 0
    base = 0  # tree depth bound at the start of the current segment
    segment = 0  # levels in the current segment (since the last separator or bracket)
    saved: list[tuple[int, int]] = []
    elif_runs: dict[int, int] = {}
    pos = 0
    end = len(text)
    match = _STRUCTURE.match
    while True:
        found = match(text, pos)
        if found is None:  # no structure left: the rest is one gap
            segment += end - pos - text.count(" ", pos, end)
            break
        kind = found.lastgroup
        start = found.start(kind)
        segment += start - pos - text.count(" ", pos, start)
        pos = found.end()
        if kind == "comment" or kind == "continuation" or kind == "backslash":
            continue
        if kind == "newline":
            if depth:
                continue
            if base + segment > max_depth:
                return _too_deep(text, start, max_depth)
            segment = 0
            # The next line's first word: `elif` chains nest one level per `elif`.
            indent = _INDENT.match(text, pos).end()
            column = indent - pos
            if text.startswith("elif", indent) and not text[indent + 4 : indent + 5].isidentifier():
                run = elif_runs.get(column, 0) + 1
                elif_runs[column] = run
                if run > max_depth:
                    return _too_deep(text, indent, max_depth)
            elif (
                elif_runs
                and text[indent : indent + 1] not in ("", "\r", "\n", "#")
                and not (text.startswith("else", indent))
            ):
                elif_runs = {c: n for c, n in elif_runs.items() if c < column}
        elif kind == "simple":  # one line, no escapes, no replacement fields
            segment += 1
        elif kind == "string" or kind == "single":
            quote = found.group(kind)
            prefix = _string_prefix(text, start)
            if "f" in prefix or "t" in prefix:
                pos, units = _skip_fstring(text, pos, quote)
                segment += units
            else:
                string_end = _PLAIN_STRING_END[quote].match(text, pos)
                pos = string_end.end() if string_end else end
                segment += 1
        elif kind == "open":
            segment += 1
            depth += 1
            if depth > MAX_BRACKET_DEPTH:
                return (
                    f"SyntaxError: too many nested parentheses (more than {MAX_BRACKET_DEPTH})",
                    *_row_column(text, start),
                )
            saved.append((base, segment))
            base += segment
            segment = 0
        elif kind == "close":
            if base + segment > max_depth:
                return _too_deep(text, start, max_depth)
            if saved:
                depth -= 1
                base, segment = saved.pop()
            else:  # unbalanced: a syntax error the parser reports better
                base = segment = 0
        else:  # separator
            if base + segment > max_depth:
                return _too_deep(text, start, max_depth)
            segment = 0
    if base + segment > max_depth:
        return _too_deep(text, end, max_depth)
    return None


def _string_prefix(text: str, quote_start: int) -> str:
    """The prefix letters (``rb``, ``f``...) of the string whose quote is at ``quote_start``."""
    start = quote_start
    while start > 0 and quote_start - start < 2 and text[start - 1] in "rRbBuUfFtT":
        start -= 1
    if start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        return ""  # the letters end a name (`if"x"`): no prefix
    return text[start:quote_start].lower()


_FSTRING_STOP = re.compile(r"[\\{}'\"\r\n]")


def _skip_fstring(text: str, pos: int, quote: str) -> tuple[int, int]:
    """The end of an f-string (or t-string) whose opening quote ends at ``pos``, and a bound
    on the depth of the expressions in it: the number of characters in replacement fields.

    Iterative, with a stack of enclosing strings: inside replacement fields any quote opens
    a nested string (Python 3.12 allows reusing the enclosing quote there).
    """
    stack = [[quote, 0]]  # [quote, open braces inside this string]
    end = len(text)
    units = 1
    while pos < end:
        current = stack[-1]
        q, braces = current
        found = _FSTRING_STOP.search(text, pos)
        if found is None:
            break
        if braces or len(stack) > 1:
            units += found.start() - pos + 1
        pos = found.start()
        ch = text[pos]
        if ch == "\\":
            # An escaped quote or backslash; `\{` is a backslash then a brace (not an escape).
            pos += 1 if text.startswith(("{", "}"), pos + 1) else 2
        elif braces == 0 and text.startswith(q, pos):
            stack.pop()
            pos += len(q)
            if not stack:
                return pos, units
        elif ch in "\r\n":
            if braces == 0 and len(q) == 1:  # an unterminated string ends at the line end
                stack.pop()
                if not stack:
                    return pos, units
            pos += 1
        elif ch == "{":
            if braces == 0 and text.startswith("{{", pos):
                pos += 2
            else:
                current[1] += 1
                pos += 1
        elif ch == "}":
            if braces:
                current[1] -= 1
            pos += 1
        elif braces:  # a quote inside a replacement field: a nested string
            start = pos
            while start > 0 and text[start - 1] in "rRbBuUfFtT":
                start -= 1
            nested = text[pos : pos + 3] if text.startswith(ch * 3, pos) else ch
            pos += len(nested)
            if any(c in "fFtT" for c in text[start : found.start()]):
                stack.append([nested, 0])
            else:
                string_end = _PLAIN_STRING_END[nested].match(text, pos)
                pos = string_end.end() if string_end else end
        else:  # the other kind of quote in the literal part
            pos += 1
    return end, units + end - pos


def _too_deep(text: str, offset: int, max_depth: int) -> tuple[str, int, int]:
    return (
        f"Too deeply nested to be parsed safely: more than {max_depth:,} levels in one "
        "expression or `elif` chain",
        *_row_column(text, offset),
    )


def _row_column(text: str, offset: int) -> tuple[int, int]:
    line_start = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1
    row = text.count("\n", 0, offset) + text.count("\r", 0, offset) - text.count("\r\n", 0, offset)
    return row + 1, offset - line_start + 1


# -- the thread the per-file pass runs on --------------------------------------------------


class DeepStack:
    """Runs calls on one long-lived thread with a large stack and a high recursion limit.

    The caller waits for each call, so nothing runs concurrently; the recursion limit (global
    to the interpreter) is raised only while a call runs. The thread is stopped before the
    process forks (worker processes: forking with threads alive may deadlock the child), and
    started again on the next call, in the parent as in the child.
    """

    def __init__(self) -> None:
        self._pid = -1
        self._thread: threading.Thread | None = None
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self.stack_size = 0

    @property
    def max_tree_depth(self) -> int:
        """The deepest tree (see ``nesting_problem``) that is safe on this thread's stack."""
        self._ensure_started()
        return min(MAX_TREE_DEPTH, self.stack_size // STACK_PER_LEVEL)

    def run(self, job: Callable[[], T]) -> T:
        """``job()``, called on the deep-stack thread; an exception it raises is raised here."""
        self._ensure_started()
        reply: list[tuple[bool, object]] = []
        done = threading.Event()
        self._jobs.put((job, reply, done))
        done.wait()
        ok, value = reply[0]
        if not ok:
            raise value  # type: ignore[misc]
        return value  # type: ignore[return-value]

    def _ensure_started(self) -> None:
        if self._pid == os.getpid() and self._thread is not None and self._thread.is_alive():
            return
        self._thread = None
        self._pid = os.getpid()
        self._jobs = queue.SimpleQueue()
        previous = threading.stack_size()
        try:
            for size in STACK_SIZES:
                try:
                    threading.stack_size(size)
                    thread = threading.Thread(
                        target=self._loop, args=(self._jobs,), name="fastapi-lint", daemon=True
                    )
                    thread.start()
                except (ValueError, RuntimeError, MemoryError):
                    continue  # this size refused (address space, limits): try a smaller one
                self._thread, self.stack_size = thread, size
                return
        finally:
            threading.stack_size(previous)
        raise RuntimeError("cannot start a thread to check files on")

    def stop(self) -> None:
        """End the thread (idle: every call has returned); the next call starts another."""
        thread = self._thread
        if thread is None or self._pid != os.getpid() or thread is threading.current_thread():
            return
        if thread.is_alive():
            self._jobs.put(None)
            thread.join()
        self._thread = None

    @staticmethod
    def _loop(jobs: queue.SimpleQueue) -> None:
        while True:
            item = jobs.get()
            if item is None:
                return
            job, reply, done = item
            limit = sys.getrecursionlimit()
            try:
                sys.setrecursionlimit(max(limit, RECURSION_LIMIT))
                reply.append((True, job()))
            except BaseException as exc:  # handed back to the caller
                reply.append((False, exc))
            finally:
                sys.setrecursionlimit(limit)
                done.set()


DEEP_STACK = DeepStack()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=DEEP_STACK.stop)
