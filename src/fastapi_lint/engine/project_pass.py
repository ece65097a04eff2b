"""The project pass of a run: the project rules over every summary, with files checked again
for positions when a message needs them, and per-file findings restated or withdrawn."""

from __future__ import annotations

from fastapi_lint.analysis.module_summary import PENDING_READS
from fastapi_lint.core.source import SourceReadError, read_bytes
from fastapi_lint.engine.outcomes import FileOutcome, RunOptions
from fastapi_lint.engine.project_rules import refine_diagnostics, run_project_rules
from fastapi_lint.engine.result_cache import ResultCache
from fastapi_lint.engine.session import Session, kept
from fastapi_lint.project.index import Project

# The project pass runs again at most this many times after checking files again with positions.
_POSITION_ROUNDS = 3


def run_project_pass(
    session: Session,
    outcomes: list[FileOutcome],
    extra_summaries=(),
    cache: ResultCache | None = None,
    context: list[FileOutcome] = (),  # type: ignore[assignment]
) -> Project:
    by_path = {o.result.path: o for o in [*outcomes, *context]}
    rechecked: set[str] = set()
    rounds = 0
    while True:
        PENDING_READS.clear()
        summaries = [o.result.summary for o in outcomes if o.result.summary is not None]
        context_summaries = [o.result.summary for o in context if o.result.summary is not None]
        project = Project([*summaries, *context_summaries, *extra_summaries])
        project.options = session.settings.options()
        noqa = {o.result.path: o.result.noqa for o in outcomes}
        project_diagnostics = run_project_rules(project, session.rules, summaries, noqa)
        # Modules whose positions the rules needed: reported on, or named in a message.
        # A module checked again and still without positions (it could not be read, or
        # its check failed) is not asked for twice.
        needed = set(PENDING_READS) | set(project_diagnostics)
        stale = [
            by_path[path]
            for path in sorted(needed - rechecked)
            if path in by_path and not by_path[path].result.positions
        ]
        if not stale:
            break
        if rounds == _POSITION_ROUNDS:
            # Out of rounds: this project (never released) reports, and the positions
            # still missing fall back to what the summaries hold.
            session.notes.append(
                f"positions: {len(stale)} module(s) still lacked positions after "
                f"{rounds} re-check rounds; their locations in messages fell back"
            )
            break
        rounds += 1
        project.release()
        rechecked.update(outcome.result.path for outcome in stale)
        recheck_with_positions(session, stale, cache)
    session.refined = {}
    for outcome in outcomes:
        diagnostics = refine_diagnostics(project, session.rules_by_code, outcome.result.diagnostics)
        session.record_refinements(outcome, diagnostics)
        diagnostics = kept(diagnostics)
        diagnostics.extend(project_diagnostics.get(outcome.result.path, ()))
        outcome.diagnostics = session.filter(outcome.source, diagnostics)
    return project


def recheck_with_positions(
    session: Session, stale: list[FileOutcome], cache: ResultCache | None
) -> None:
    """Check files again, this time computing their summaries' positions and fixes (in
    the worker processes when there are many)."""
    todo = []
    stats = {}
    for outcome in stale:
        try:
            data, st = read_bytes(outcome.source.path)
        except SourceReadError:
            continue
        todo.append((outcome.source, data))
        stats[outcome.source] = (st.st_mtime_ns, st.st_size)
    by_source = {outcome.source: outcome for outcome in stale}
    options = RunOptions(paths=[], jobs=session.jobs)
    for source, result, written in session.check_all(todo, options, cache, stats, positions=True):
        by_source[source].result = result
        if cache is not None and not result.internal_error:
            key = session.cache_key(source)
            if written:
                cache.written_by_worker(key)
            else:
                cache.put(key, *stats[source], result)
