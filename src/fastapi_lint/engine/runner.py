"""The pipeline, top to bottom: discover files, run the per-file pass (cached, in parallel),
run the project pass over the module summaries, apply fixes, and hand the results to a reporter.
"""

from __future__ import annotations

import os
import time

from fastapi_lint.core.codes import UNCHECKED
from fastapi_lint.core.source import SourceReadError, content_digest, read_bytes
from fastapi_lint.engine.discovery import SourcePath, discover, display_path
from fastapi_lint.engine.fixing import fix_file
from fastapi_lint.engine.incremental import run_incremental
from fastapi_lint.engine.outcomes import FileOutcome, RunOptions, RunResult, Shortcut
from fastapi_lint.engine.project_context import context_sources, describe_roots
from fastapi_lint.engine.project_pass import run_project_pass
from fastapi_lint.engine.result_cache import ResultCache
from fastapi_lint.engine.results import FileResult
from fastapi_lint.engine.session import Session, same_module
from fastapi_lint.engine.stdin import run_stdin
from fastapi_lint.engine.workers import io_error_result


class Runner(Session):
    def run(self, options: RunOptions) -> RunResult:
        try:
            return self._run(options)
        finally:
            if self.pool is not None:
                self.pool.shutdown()
                self.pool = None

    def _run(self, options: RunOptions) -> RunResult:
        self.jobs = options.jobs
        timings: dict[str, float] = {}
        started = time.perf_counter()
        cache = None
        if options.use_cache and self.settings.cache_dir is not None:
            cache = ResultCache(
                self.settings.cache_dir, self.settings.fingerprint(), self.settings.root
            )
        timings["cache_load"] = time.perf_counter() - started

        if options.stdin_data is not None:
            return run_stdin(self, options, cache, timings)

        t0 = time.perf_counter()
        found = discover(options.paths, self.settings, self.cwd, options.force_exclude)
        context = context_sources(self, found.files, options)
        timings["discovery"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        results: dict[SourcePath, FileResult] = {}
        todo: list[tuple[SourcePath, bytes]] = []
        stats: dict[SourcePath, tuple[int, int]] = {}
        from_cache: set[SourcePath] = set()
        for source in [*found.files, *context]:
            try:
                st = os.stat(source.path)
                stats[source] = (st.st_mtime_ns, st.st_size)
            except OSError:
                stats[source] = (0, 0)
        snapshot_stats = {self.cache_key(s): stat for s, stat in stats.items()}
        reusable = (
            cache is not None
            and not (options.fix or options.diff)
            and not found.missing
            and not found.unreadable
        )
        prechecked: dict[SourcePath, FileResult] = {}
        if reusable:
            snapshot = cache.load_run(str(self.cwd))
            reported = [self.cache_key(source) for source in found.files]
            changed = snapshot.changed(snapshot_stats, reported) if snapshot else None
            if changed is not None:
                quick = run_incremental(
                    self, snapshot, changed, found, context, stats, snapshot_stats, cache
                )
                if isinstance(quick, list):
                    timings["per_file"] = time.perf_counter() - t0
                    timings["total"] = time.perf_counter() - started
                    return RunResult(
                        outcomes=quick,
                        missing=found.missing,
                        skipped=found.skipped,
                        timings=timings,
                        files_checked=len(self.rechecked),
                        files_cached=len(stats) - len(self.rechecked),
                        context_files=len(context),
                        shortcut=Shortcut.INCREMENTAL if self.rechecked else Shortcut.UNCHANGED,
                    )
                prechecked = quick
        cached = 0
        checked_before = 0
        for source in [*found.files, *context]:
            if source in prechecked:
                results[source] = prechecked[source]
                if self.cache_key(source) in self.rechecked:
                    checked_before += 1
                else:
                    from_cache.add(source)
                    cached += 1
                continue
            key = self.cache_key(source)
            if cache is not None:
                hit = same_module(cache.get(key, *stats[source], display=source.display), source)
                if hit is not None:
                    results[source] = hit
                    from_cache.add(source)
                    cached += 1
                    continue
            try:
                data, _ = read_bytes(source.path)
            except SourceReadError as exc:
                results[source] = io_error_result(source, str(exc))
                continue
            if cache is not None:
                hit = same_module(
                    cache.get(key, 0, 0, digest=content_digest(data), display=source.display),
                    source,
                )
                if hit is not None:
                    results[source] = hit
                    cache.put(key, *stats[source], hit)
                    from_cache.add(source)
                    cached += 1
                    continue
            todo.append((source, data))
        for source, result, written in self.check_all(todo, options, cache, stats):
            results[source] = result
            if cache is not None and not result.internal_error:
                key = self.cache_key(source)
                if written:
                    cache.written_by_worker(key)
                else:
                    cache.put(key, *stats[source], result)
        timings["per_file"] = time.perf_counter() - t0

        outcomes = [FileOutcome(source, results[source]) for source in found.files]
        for directory, reason in found.unreadable:
            source = SourcePath(directory, display_path(directory, self.cwd), "", False)
            outcomes.append(FileOutcome(source, io_error_result(source, reason, prefix="")))
        # The project's other files: their summaries give cross-module facts, nothing of
        # theirs is reported.
        context_outcomes = [FileOutcome(source, results[source]) for source in context]
        t0 = time.perf_counter()
        project = run_project_pass(self, outcomes, cache=cache, context=context_outcomes)
        timings["project"] = time.perf_counter() - t0
        describe_roots(
            self, found, [*found.files, *context], project, [*outcomes, *context_outcomes]
        )

        t0 = time.perf_counter()
        if options.fix or options.diff:
            for outcome in outcomes:
                fix_file(
                    self,
                    outcome,
                    project,
                    options,
                    cache,
                    stats.get(outcome.source),
                    recheck=outcome.source in from_cache,
                )
        timings["fixes"] = time.perf_counter() - t0
        notes = list(project.notes)
        project.release()

        if cache is not None:
            cache.save()
            if reusable and not any(d.code in UNCHECKED for o in outcomes for d in o.diagnostics):
                cache.save_run(
                    snapshot_stats,
                    {self.cache_key(s): result.digest for s, result in results.items()},
                    {self.cache_key(o.source): o.diagnostics for o in outcomes},
                    self.refined,
                    str(self.cwd),
                )
        timings["total"] = time.perf_counter() - started
        return RunResult(
            outcomes=outcomes,
            missing=found.missing,
            skipped=found.skipped,
            timings=timings,
            files_checked=len(todo) + checked_before,
            files_cached=cached,
            context_files=len(context),
            notes=[*self.notes, *notes],
            resolution=self.resolution,
        )

    # -- a few files changed since the last run ------------------------------------------
