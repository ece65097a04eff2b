"""The per-file pass in worker processes: batches checked (and written to the cache) in the
workers, results interned on the way back, and one file checked from its bytes."""

from __future__ import annotations

import gc
import sys
from dataclasses import dataclass
from pathlib import Path

from fastapi_lint.config.settings import Settings
from fastapi_lint.core.codes import IO_ERROR, file_diagnostic
from fastapi_lint.core.source import SourceDecodeError, content_digest, source_from_bytes
from fastapi_lint.engine.discovery import SourcePath
from fastapi_lint.engine.results import FileResult, syntax_error_diagnostic

# Below this many files to check, worker processes cost more than they save.
PARALLEL_THRESHOLD = 12
# The CLI runs with the cyclic garbage collector off (see cli.entry_point): per-file data is
# freed by reference counting as soon as a file is done; a collection every so many files
# catches whatever cycle a rule may leave behind.
COLLECT_EVERY = 200


_WORKER_CHECKER = None


def init_worker(settings: Settings, codes: list[str]) -> None:
    global _WORKER_CHECKER
    from fastapi_lint.engine.checker import FileChecker
    from fastapi_lint.rules.registry import rule_by_code

    rules = [rule_by_code(code) for code in codes]
    _WORKER_CHECKER = FileChecker(settings, [r for r in rules if r is not None])


def check_batch(
    batch: list[tuple[SourcePath, bytes, CacheSlot | None]], positions: bool = False
) -> list[list]:
    """Check a batch in a worker; each result is also written to the cache from here, so that
    writing a large project's cache is spread over the workers too."""
    assert _WORKER_CHECKER is not None
    results = []
    for index, (source, data, slot) in enumerate(batch, 1):
        result = check_bytes(_WORKER_CHECKER, source, data, positions=positions)
        result_data = _interned(result.to_data())
        written = False
        if slot is not None and not result.internal_error:
            from fastapi_lint.core.signed_store import settled_mtime, write_signed

            try:
                entry = [settled_mtime(slot.mtime_ns), slot.size, result.digest, result_data]
                write_signed(slot.path, [slot.key, entry])
                written = True
            except (OSError, ValueError, TypeError, RecursionError):
                pass  # best effort: the result stands, uncached
        results.append([result_data, written])
        if index % COLLECT_EVERY == 0:
            gc.collect()
    return results


def _interned(value):
    """``value`` (result data) with its short strings interned. Summaries repeat the same
    qualified names file after file (``sqlalchemy.Column``, ``app.db.Base``...); pickling a
    batch keeps one copy of an interned string, so the main process, which holds every file's
    summary until the project pass is done, receives one copy per batch instead of one per
    occurrence (about a tenth less memory, measured on 100k lines)."""
    kind = type(value)
    if kind is str:
        return sys.intern(value) if len(value) <= _INTERN_MAX else value
    if kind is list:
        return [_interned(item) for item in value]
    if kind is dict:
        return {_interned(key): _interned(item) for key, item in value.items()}
    return value


_INTERN_MAX = 120


@dataclass(frozen=True, slots=True)
class CacheSlot:
    """Where a worker writes a file's cache entry."""

    path: Path
    key: str
    mtime_ns: int
    size: int


def check_bytes(checker, source: SourcePath, data: bytes, positions: bool = True) -> FileResult:
    digest = content_digest(data)
    try:
        decoded = source_from_bytes(data)
    except SourceDecodeError as exc:
        result = FileResult(path=source.display, digest=digest, syntax_error=True)
        result.diagnostics.append(syntax_error_diagnostic(str(exc), exc.row, exc.column))
        return result
    result, _ = checker.check(
        decoded.text, source.display, source.module, source.is_package, digest, positions=positions
    )
    return result


def io_error_result(
    source: SourcePath, message: str, prefix: str = "Cannot read the file: "
) -> FileResult:
    result = FileResult(path=source.display, digest="")
    result.diagnostics.append(file_diagnostic(IO_ERROR, f"{prefix}{message}"))
    return result


def mp_context():
    import multiprocessing

    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")
