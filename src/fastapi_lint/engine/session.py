"""A run's shared state and services: the rules, the checker, cache keys, the worker pool, and
the final filtering of a file's findings (per-file-ignores, unfixable codes)."""

from __future__ import annotations

import gc
import os
from pathlib import Path

from fastapi_lint.config.globs import PerFileIgnores
from fastapi_lint.config.settings import Settings
from fastapi_lint.core.codes import INPUT_PROBLEMS
from fastapi_lint.core.diagnostics import Diagnostic
from fastapi_lint.engine.discovery import SourcePath
from fastapi_lint.engine.outcomes import FileOutcome, RunOptions
from fastapi_lint.engine.project_rules import refine_diagnostics, run_project_rules
from fastapi_lint.engine.results import FileResult
from fastapi_lint.engine.workers import (
    COLLECT_EVERY,
    PARALLEL_THRESHOLD,
    CacheSlot,
    check_batch,
    check_bytes,
    init_worker,
    mp_context,
)
from fastapi_lint.lint.rule import WITHDRAWN, Rule
from fastapi_lint.project.index import Project
from fastapi_lint.project.roots import Resolution
from fastapi_lint.rules.selection import quiet_for_versions


class Session:
    """What every job of a run shares (``Runner`` is the run itself; the language server keeps
    one per workspace)."""

    def __init__(
        self, settings: Settings, rules: list[type[Rule]], cwd: Path | None = None
    ) -> None:
        self.settings = settings
        quiet = quiet_for_versions(rules, settings.detect_versions())
        if quiet:  # rules about versions the project does not run (`Rule.quiet_below`)
            rules = [rule for rule in rules if rule not in quiet]
        self.rule_types = rules
        self.rules = [rule() for rule in rules]
        self.rules_by_code = {rule.code: rule for rule in self.rules}
        self._checker = None
        self.cwd = cwd or Path.cwd()
        self.per_file_ignores = PerFileIgnores(settings.per_file_ignores, settings.root)
        self.unfixable = settings.unfixable_codes(rules)
        self.jobs: int | None = None  # set from the run's options
        # Codes of the rules that restate per-file findings in the project pass.
        self.refining_codes = {
            rule.code for rule in self.rules if type(rule).refine is not Rule.refine
        }
        self.refined: dict[str, list[list[str]]] = {}
        # Files the shortcut for a few changed files checked again (see incremental.py).
        self.rechecked: set[str] = set()
        self.pool = None  # worker processes, see worker_pool
        # What a run wants said under --verbose (the project pass running out of rounds...).
        self.notes: list[str] = []
        self.resolution: Resolution | None = None  # see project_context.describe_roots
        self.all_paths: list[str] | None = None  # every file of the project, when listed
        self.root_prefix = os.path.join(str(settings.root), "")

    @property
    def checker(self):
        """The per-file checker, built (and libcst imported) only when a file must be parsed."""
        if self._checker is None:
            from fastapi_lint.engine.checker import FileChecker

            self._checker = FileChecker(self.settings, self.rule_types)
        return self._checker

    def cache_key(self, source: SourcePath) -> str:
        """The file's path relative to the project root, with forward slashes (as
        ``Path.relative_to``, which costs a tenth of a second on a large project)."""
        path = str(source.path)
        if path.startswith(self.root_prefix):
            return path[len(self.root_prefix) :].replace(os.sep, "/")
        return path

    def check_all(
        self,
        todo: list[tuple[SourcePath, bytes]],
        options: RunOptions,
        cache=None,
        stats=None,
        positions: bool | None = None,
    ):
        """(source, result, written): ``written`` is the result's raw data when a worker has
        already stored it in the cache, else False."""
        total = len(todo)
        # Summary positions are computed later, for the few modules the project pass reports
        # on; a run that fixes needs them everywhere.
        if positions is None:
            positions = options.fix or options.diff
        jobs = options.jobs or os.cpu_count() or 1
        if jobs <= 1 or total < PARALLEL_THRESHOLD:
            for done, (source, data) in enumerate(todo, 1):
                yield source, check_bytes(self.checker, source, data, positions), False
                if done % COLLECT_EVERY == 0:
                    gc.collect(0)
                if options.progress is not None:
                    options.progress(done, total)
            return

        # Largest files first, in batches small enough to balance the workers.
        def slot(source: SourcePath) -> CacheSlot | None:
            if cache is None or stats is None:
                return None
            key = self.cache_key(source)
            return CacheSlot(cache.entry_path(key), key, *stats[source])

        ordered = sorted(
            ((source, data, slot(source)) for source, data in todo),
            key=lambda item: len(item[1]),
            reverse=True,
        )
        batch_count = max(jobs * 4, 1)
        batches = [ordered[i::batch_count] for i in range(batch_count)]
        batches = [b for b in batches if b]
        done = 0
        pool = self.worker_pool(jobs)
        results = pool.map(check_batch, batches, [positions] * len(batches))
        for batch, data in zip(batches, results, strict=True):
            for (source, _, _), (result_data, written) in zip(batch, data, strict=True):
                yield (
                    source,
                    FileResult.from_data(result_data),
                    result_data if written else False,
                )
            done += len(batch)
            if options.progress is not None:
                options.progress(done, total)

    def worker_pool(self, jobs: int):
        """The run's worker processes, started on first use and kept until the run ends: the
        project pass's second look at some files reuses them instead of forking the main
        process again once it holds every file's results."""
        if self.pool is None:
            from concurrent.futures import ProcessPoolExecutor

            self.pool = ProcessPoolExecutor(
                max_workers=jobs,
                mp_context=mp_context(),
                initializer=init_worker,
                initargs=(self.settings, [rule.code for rule in self.rule_types]),
            )
        return self.pool

    # -- project pass -------------------------------------------------------------------

    def record_refinements(self, outcome: FileOutcome, refined: list[Diagnostic]) -> None:
        """What the project pass made of each per-file finding that a rule may restate, for the
        next run's shortcut (see ``incremental.py``)."""
        items = [
            [before.code, before.message, data_key(before), after.message]
            for before, after in zip(outcome.result.diagnostics, refined, strict=True)
            if before.code in self.refining_codes and before.data
        ]
        if items:
            self.refined[self.cache_key(outcome.source)] = items

    def filter(self, source: SourcePath, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        ignored = self.per_file_ignores.codes_for(source.path)
        if ignored:
            from fastapi_lint.rules.selection import code_matches

            diagnostics = [
                d
                for d in diagnostics
                if d.code in INPUT_PROBLEMS or not code_matches(ignored, d.code)
            ]
        if self.unfixable:
            # `unfixable`: the finding stays, without a fix to apply, offer or count.
            diagnostics = [
                d.without_fix() if d.fix is not None and d.code in self.unfixable else d
                for d in diagnostics
            ]
        return sorted(diagnostics, key=Diagnostic.sort_key)

    def diagnostics_for(
        self, source: SourcePath, result: FileResult, project: Project
    ) -> list[Diagnostic]:
        diagnostics = kept(refine_diagnostics(project, self.rules_by_code, result.diagnostics))
        if result.summary is not None:
            extra = run_project_rules(
                project, self.rules, [result.summary], {result.path: result.noqa}
            )
            diagnostics.extend(extra.get(result.path, ()))
        return self.filter(source, diagnostics)

    # -- fixes --------------------------------------------------------------------------


def same_module(hit: FileResult | None, source: SourcePath) -> FileResult | None:
    """A cached result, unless the file's module name changed since (an ``__init__.py`` added
    or removed moves its package root)."""
    if hit is not None and hit.summary is not None and hit.summary.module != source.module:
        return None
    return hit


def kept(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """The refined findings the project pass did not withdraw (see ``project.WITHDRAWN``)."""
    return [d for d in diagnostics if d.message != WITHDRAWN]


def data_key(diagnostic: Diagnostic) -> str:
    import json

    return json.dumps(diagnostic.data, sort_keys=True, default=str)
