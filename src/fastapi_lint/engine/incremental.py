"""The shortcut for a run in which a few files changed: their findings checked again, the rest
of the last run's findings kept, the project pass skipped when it would say the same."""

from __future__ import annotations

from fastapi_lint.core.diagnostics import Diagnostic
from fastapi_lint.core.source import SourceReadError, content_digest, read_bytes
from fastapi_lint.engine.discovery import Discovery, SourcePath
from fastapi_lint.engine.outcomes import FileOutcome
from fastapi_lint.engine.result_cache import ResultCache, RunSnapshot
from fastapi_lint.engine.results import DATA_POSITIONS, DATA_SUMMARY, FileResult
from fastapi_lint.engine.session import Session, data_key, kept
from fastapi_lint.engine.workers import check_bytes

# A run with at most this many files changed since the last one may skip the project pass.
_INCREMENTAL_LIMIT = 8


def _same_summary(old_data: list, result: FileResult) -> bool:
    """Whether a file's new result has the summary its old result (cache data) had, and the
    old one has no positions (the last project pass read none in this file)."""
    import json

    if len(old_data) <= DATA_POSITIONS or old_data[DATA_POSITIONS]:
        return False
    new_summary = result.summary.to_data() if result.summary is not None else None
    try:
        return json.dumps(old_data[DATA_SUMMARY], default=str) == json.dumps(
            new_summary, default=str
        )
    except (TypeError, ValueError):
        return False


def run_incremental(
    session: Session,
    snapshot: RunSnapshot,
    changed: list[str],
    found: Discovery,
    context: list[SourcePath],
    stats: dict[SourcePath, tuple[int, int]],
    snapshot_stats: dict[str, tuple[int, int]],
    cache: ResultCache,
) -> list[FileOutcome] | dict[SourcePath, FileResult]:
    """The last run's findings, with only the changed files checked again, when the
    project pass would say the same as last time: the outcomes. Otherwise the changed
    files' new results (the full run then uses them).

    The project pass is a function of the module summaries. It would say the same when
    every changed file's new summary equals its old one (data compared as JSON) and the
    last project pass never read a position in that file (its cache entry has no
    positions: every module the project rules report on or read a position of is checked
    again with positions, see ``project_pass.py``). Project findings in other files are then
    unchanged, there are none in the changed files, and only the changed files' own
    findings are new (with the messages the project pass restated looked up in the
    snapshot). Anything else, including more than a handful of changed files, runs the
    whole project pass.
    """
    if len(changed) > _INCREMENTAL_LIMIT:
        return {}
    by_key = {session.cache_key(source): source for source in [*found.files, *context]}
    results: dict[SourcePath, FileResult] = {}
    rechecked = session.rechecked  # the others have the same content as last time
    same = True
    for key in changed:
        source = by_key[key]
        old = cache.stored(key)
        if old is not None and old.digest != snapshot.digest(key):
            old = None  # written since by another run (the editor's, another commit's)
        try:
            data, _ = read_bytes(source.path)
        except SourceReadError:
            return results
        digest = content_digest(data)
        if old is not None and old.digest == digest:
            # The same content (touched, or saved unchanged): the same result.
            try:
                result = FileResult.from_data(old.data, source.display)
            except Exception:  # malformed entry
                return results
            results[source] = result
            cache.put(key, *stats[source], result)
            continue
        result = check_bytes(session.checker, source, data, positions=False)
        results[source] = result
        rechecked.add(key)
        if result.internal_error:
            same = False
            continue
        cache.put(key, *stats[source], result)
        if same:
            same = old is not None and _same_summary(old.data, result)
    if not same:
        return results

    outcomes = []
    session.refined = {
        key: items for key, items in snapshot.refined.items() if key not in rechecked
    }
    try:
        for source in found.files:
            key = session.cache_key(source)
            outcome = FileOutcome(source, FileResult(path=source.display, digest=""))
            if key in rechecked:
                outcome.result = results[source]
                restated = restate_messages(session, snapshot, key, outcome.result.diagnostics)
                if restated is None:
                    return results
                session.record_refinements(outcome, restated)
                outcome.diagnostics = session.filter(source, kept(restated))
            else:
                outcome.diagnostics = snapshot.diagnostics(key)
            outcomes.append(outcome)
    except (TypeError, ValueError):  # a malformed snapshot: run everything
        return results
    if not changed:
        return outcomes  # nothing changed since the last run
    cache.save()
    digests = {key: snapshot.digest(key) for key in snapshot.files}
    digests.update({session.cache_key(s): result.digest for s, result in results.items()})
    cache.save_run(
        snapshot_stats,
        digests,
        {session.cache_key(o.source): o.diagnostics for o in outcomes},
        session.refined,
        str(session.cwd),
    )
    return outcomes


def restate_messages(
    session: Session, snapshot: RunSnapshot, key: str, diagnostics: list[Diagnostic]
) -> list[Diagnostic] | None:
    """A changed file's findings with the messages the last project pass gave them; None
    when one of them was not there last time (the project pass must run)."""
    restated = []
    for diagnostic in diagnostics:
        if diagnostic.code in session.refining_codes and diagnostic.data:
            message = snapshot.refined_message(
                key, diagnostic.code, diagnostic.message, data_key(diagnostic)
            )
            if message is None:
                return None
            diagnostic = diagnostic.with_message(message)
        restated.append(diagnostic)
    return restated


# -- project context ----------------------------------------------------------------
