"""The per-file pass: parse once, walk once, dispatch every enabled rule by node type, summarize.

``FileChecker`` is built once per process for a set of rules and reused for every file.
"""

from __future__ import annotations

import ast
import traceback
import warnings
from collections import defaultdict
from typing import Any

from fastapi_lint.analysis.limits import DEEP_STACK, nesting_problem
from fastapi_lint.analysis.walk import walk_module
from fastapi_lint.config.settings import Settings
from fastapi_lint.core.codes import INTERNAL_ERROR, exception_detail, file_diagnostic
from fastapi_lint.core.diagnostics import Diagnostic
from fastapi_lint.core.lazy import cst
from fastapi_lint.core.noqa import parse_noqa
from fastapi_lint.engine.results import FileResult, syntax_error_diagnostic
from fastapi_lint.engine.summarize import build_summary
from fastapi_lint.lint.context import FileContext
from fastapi_lint.lint.rule import Rule


def parse_module(text: str):
    """libcst's parse, without re-validating every node the parser builds.

    libcst validates each node in ``__post_init__``, which is for trees built by hand: the parser
    only builds valid ones (libcst's own comment there says validation would better be skipped
    when parsing). Skipping it saves about a sixth of the parse. If libcst ever changes how
    nodes are validated, this falls back to the plain parse.
    """
    node_class = cst.CSTNode
    original = node_class.__dict__.get("__post_init__")
    if original is None:
        return cst.parse_module(text)
    node_class.__post_init__ = _no_validation
    try:
        return cst.parse_module(text)
    finally:
        node_class.__post_init__ = original


def _no_validation(self) -> None:
    return None


class FileChecker:
    def __init__(self, settings: Settings, rules: list[type[Rule]]) -> None:
        self.settings = settings
        self.rules = [rule() for rule in rules]
        # node type -> (rule class, bound visit method, rule) for each rule that visits it.
        dispatch: dict[type[cst.CSTNode], list[tuple[type[Rule], Any, Rule]]] = defaultdict(list)
        for rule in self.rules:
            for node_type, method in type(rule).node_types().items():
                dispatch[node_type].append((type(rule), getattr(rule, method), rule))
        self.dispatch = {node_type: tuple(entries) for node_type, entries in dispatch.items()}
        self.wanted = frozenset(self.dispatch)

    def check(
        self,
        text: str,
        path: str,
        module_name: str,
        is_package: bool,
        digest: str = "",
        keep_context: bool = False,
        positions: bool = True,
    ) -> tuple[FileResult, FileContext | None]:
        """Check one file; its context too with ``keep_context`` (otherwise it is disposed of,
        so that the tree is freed right away). Without ``positions`` the summary's spans are
        left pending and facts carry no prepared fixes (see ``summary.PendingSpan``).

        Never raises: a file nested too deeply to parse safely gets a FAPI001, a failure
        outside the rules a FAPI003 (the rest of the run goes on)."""
        problem = nesting_problem(text, DEEP_STACK.max_tree_depth)
        if problem is not None:
            message, row, column = problem
            result = FileResult(path=path, digest=digest, syntax_error=True)
            result.diagnostics.append(syntax_error_diagnostic(message, row, column, prefix=""))
            return result, None
        try:
            # On a thread with a large stack: libcst recurses once per level of the tree.
            return DEEP_STACK.run(
                lambda: self._check(
                    text, path, module_name, is_package, digest, keep_context, positions
                )
            )
        except Exception as exc:
            result = FileResult(path=path, digest=digest, internal_error=True)
            result.diagnostics.append(_file_internal_error(exc))
            return result, None

    def _check(
        self,
        text: str,
        path: str,
        module_name: str,
        is_package: bool,
        digest: str,
        keep_context: bool,
        positions: bool,
    ) -> tuple[FileResult, FileContext | None]:
        result = FileResult(path=path, digest=digest)
        result.noqa = parse_noqa(text)
        try:
            module = parse_module(text)
        except cst.ParserSyntaxError as exc:
            result.syntax_error = True
            result.diagnostics.append(_describe_syntax_error(text, path, exc))
            return result, None
        except RecursionError:
            result.syntax_error = True
            result.diagnostics.append(
                syntax_error_diagnostic("too deeply nested for the parser", 1, 1)
            )
            return result, None
        walk = walk_module(module, module_name, is_package, self.wanted)
        ctx = FileContext(
            path=path,
            module_name=module_name,
            is_package=is_package,
            text=text,
            module=module,
            options=self.settings.options(),
            walk=walk,
            positions=positions,
        )
        failed: set[str] = set()
        for rule in self.rules:
            self._call(ctx, rule, "begin_file", None, None, None, failed, ())
        # The hot loop (hundreds of calls per file): bound methods, no call per dispatch.
        dispatch = self.dispatch
        for node, parent, frame in walk.events:
            entries = dispatch.get(type(node))
            if entries is None:
                continue
            for rule_type, visit, rule in entries:
                if failed and rule.code in failed:
                    continue
                ctx.rule = rule_type
                ctx.frame = frame
                ctx.parent = parent
                try:
                    visit(node, ctx)
                except Exception as exc:
                    self._failed(ctx, rule, exc, failed)
        ctx.rule = ctx.frame = ctx.parent = None
        for rule in self.rules:
            if rule.code not in failed:
                self._call(ctx, rule, "end_file", None, None, None, failed, ())
        build_summary(ctx)
        diagnostics = ctx.resolve()
        result.summary = ctx.summary
        result.positions = positions
        result.diagnostics = [
            d for d in diagnostics if not result.noqa.suppresses(d.code, d.noqa_row)
        ]
        for code, error in ctx.state.get("__internal_errors__", []):
            result.internal_error = True
            result.diagnostics.append(_internal_error(code, error))
        if not keep_context:
            ctx.dispose()
            return result, None
        return result, ctx

    def _call(self, ctx, rule, method, node, parent, frame, failed, args) -> None:
        ctx.rule = type(rule)
        ctx.frame = frame
        ctx.parent = parent
        try:
            if args:
                getattr(rule, method)(*args)
            else:
                getattr(rule, method)(ctx)
        except Exception as exc:  # a broken rule must not take the file down
            self._failed(ctx, rule, exc, failed)
        finally:
            ctx.rule = None

    @staticmethod
    def _failed(ctx, rule, exc: Exception, failed: set[str]) -> None:
        failed.add(rule.code)
        # Drop what the failed rule reported on this file: it may be half-done.
        ctx._pending[:] = [p for p in ctx._pending if p.rule.code != rule.code]
        tb = traceback.extract_tb(exc.__traceback__)
        where = f" at {tb[-1].filename.rsplit('/', 1)[-1]}:{tb[-1].lineno}" if tb else ""
        error = f"{exception_detail(exc)}{where}"
        ctx.state.setdefault("__internal_errors__", []).append((rule.code, error))


def _describe_syntax_error(text: str, path: str, exc: cst.ParserSyntaxError) -> Diagnostic:
    """CPython's own message and location when it agrees the file is invalid (it is precise);
    libcst's otherwise (syntax newer than the running interpreter)."""
    try:
        with warnings.catch_warnings():  # the user's SyntaxWarnings are not ours to print
            warnings.simplefilter("ignore")
            compile(text, path, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as error:
        if error.lineno:
            return syntax_error_diagnostic(error.msg, error.lineno, max(error.offset or 1, 1))
    except (ValueError, RecursionError, MemoryError):
        pass
    else:  # CPython accepts what libcst does not (libcst's own limits)
        return syntax_error_diagnostic(
            f"libcst cannot parse this file, although Python accepts it ({exc.message})",
            exc.raw_line,
            exc.raw_column + 1,
            prefix="",
        )
    return syntax_error_diagnostic(exc.message, exc.raw_line, exc.raw_column + 1)


def _file_internal_error(exc: BaseException) -> Diagnostic:
    return file_diagnostic(
        INTERNAL_ERROR,
        f"The linter failed on this file ({exception_detail(exc)}); no rule results for it. "
        "Please report this with the file.",
    )


def _internal_error(code: str, error: str) -> Diagnostic:
    return file_diagnostic(
        INTERNAL_ERROR,
        f"Rule {code} failed on this file ({error}); other rules still ran. "
        "Please report this with the file.",
    )
