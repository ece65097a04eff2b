"""The fix loop: a file's fixes applied round by round, each round checked again; fixes that
break the file refused; the result written atomically (or kept for --diff)."""

from __future__ import annotations

import os

from fastapi_lint.core.apply_fixes import MAX_ROUNDS, applicable, apply_fixes, compiles
from fastapi_lint.core.codes import IO_ERROR, file_diagnostic
from fastapi_lint.core.diagnostics import Diagnostic
from fastapi_lint.core.source import (
    SourceDecodeError,
    SourceFile,
    SourceReadError,
    WriteConflictError,
    content_digest,
    read_bytes,
    source_from_bytes,
    write_source,
)
from fastapi_lint.engine.outcomes import FileOutcome, RunOptions
from fastapi_lint.engine.result_cache import ResultCache
from fastapi_lint.engine.session import Session
from fastapi_lint.project.index import Project


def fix_file(
    session: Session,
    outcome: FileOutcome,
    project: Project,
    options: RunOptions,
    cache: ResultCache | None,
    stat: tuple[int, int] | None,
    source_file: SourceFile | None = None,
    recheck: bool = False,
) -> None:
    """Apply the fixes of one file, re-checking after each round, and write it.

    Fixes are computed from the very bytes that are rewritten: a file that changed since
    it was checked is left alone (reported), and fixes never come from the cache (a
    cache directory may come from an untrusted checkout): a cached result is re-checked.
    """
    if outcome.result.syntax_error or not applicable(outcome.diagnostics, options.unsafe_fixes):
        return
    source = outcome.source
    if source_file is None:
        try:
            data, _ = read_bytes(source.path)
            source_file = source_from_bytes(data)
        except (SourceReadError, SourceDecodeError) as exc:
            outcome.fix_error = f"not fixed: {exc}"
            return
        source_file.size = len(data)
        if not recheck and source_file.digest != outcome.result.digest:
            not_written(outcome, "the file changed on disk while it was being checked")
            return
    original = source_file.text
    text = original
    diagnostics = outcome.diagnostics
    result = outcome.result
    if recheck:
        result, _ = session.checker.check(
            text, source.display, source.module, source.is_package, source_file.digest
        )
        if result.syntax_error or result.internal_error:
            return
        diagnostics = session.diagnostics_for(source, result, project)
    counts: dict[str, int] = {}
    # A fix whose result does not parse, or does not compile while the original did, is
    # refused. Fixes that are each fine may clash together (one rule adds an `await`,
    # another turns the `async def` into a `def`): then they are applied one at a time,
    # each round re-checking the text, and only the ones that break the file are dropped.
    must_compile = compiles(original, source.display)
    refused: set[tuple] = set()
    refused_codes: set[str] = set()
    one_at_a_time = False
    rounds, limit = 0, MAX_ROUNDS
    while rounds < limit:
        rounds += 1
        # In the order apply_fixes takes them: the first edit of the file first.
        fixable = sorted(
            (
                d
                for d in applicable(diagnostics, options.unsafe_fixes)
                if _fix_key(text, d) not in refused
            ),
            key=lambda d: (d.fix.start, d.start),  # type: ignore[union-attr]
        )
        if not fixable:
            break
        applied = apply_fixes(text, fixable[:1] if one_at_a_time else fixable, source_file.newline)
        if not applied.applied or applied.text == text:
            break
        new_result, _ = session.checker.check(
            applied.text,
            source.display,
            source.module,
            source.is_package,
            content_digest(source_file.encode(applied.text)),
        )
        if new_result.syntax_error or (must_compile and not compiles(applied.text, source.display)):
            if len(applied.applied) > 1:
                one_at_a_time = True
                limit = rounds + MAX_ROUNDS + 2 * len(fixable)
            else:
                refused.add(_fix_key(text, applied.applied[0]))
                refused_codes.add(applied.applied[0].code)
            continue
        for diagnostic in applied.applied:
            counts[diagnostic.code] = counts.get(diagnostic.code, 0) + 1
        text = applied.text
        result = new_result
        diagnostics = session.diagnostics_for(source, result, project)
    if refused_codes:
        codes = ", ".join(sorted(refused_codes))
        outcome.fix_error = (
            f"fixes for {codes} were not applied: the result would not parse or compile"
        )
    if text == original:
        return
    if compiles(original, source.display) and not compiles(text, source.display):
        outcome.fix_error = "fixes were not applied: the fixed file would not compile"
        return
    if options.diff or options.stdin_data is not None:
        outcome.original_text = original
        outcome.fixed_text = text
        outcome.fixes_applied = counts
        outcome.result = result
        outcome.diagnostics = diagnostics
        return
    try:
        write_source(source.path, source_file, text)
    except WriteConflictError as exc:
        not_written(outcome, str(exc))
        return
    except OSError as exc:
        not_written(outcome, exc.strerror or str(exc))
        return
    outcome.original_text = original
    outcome.fixed_text = text
    outcome.fixes_applied = counts
    outcome.result = result
    outcome.diagnostics = diagnostics
    if cache is not None:
        try:
            st = os.stat(source.path)
            cache.put(session.cache_key(source), st.st_mtime_ns, st.st_size, result)
        except OSError:
            pass


def not_written(outcome: FileOutcome, reason: str) -> None:
    """The fixes of ``outcome`` could not be written: its findings stand, plus a FAPI002."""
    written = file_diagnostic(IO_ERROR, f"Fixes not written: {reason}; the file was left unchanged")
    outcome.diagnostics = sorted([*outcome.diagnostics, written], key=Diagnostic.sort_key)


# -- stdin --------------------------------------------------------------------------


def _fix_key(text: str, diagnostic: Diagnostic) -> tuple:
    """A fix by what it does (rule, replaced text, new text): stable while offsets move."""
    assert diagnostic.fix is not None
    return (
        diagnostic.code,
        tuple((text[e.start : e.end], e.content) for e in diagnostic.fix.edits),
    )
