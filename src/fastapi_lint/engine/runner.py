"""The pipeline, top to bottom: discover files, run the per-file pass (cached, in parallel),
run the project pass over the module summaries, apply fixes, and hand the results to a reporter.
"""

from __future__ import annotations

import enum
import gc
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fastapi_lint.analysis.module_summary import PENDING_READS
from fastapi_lint.config.globs import PerFileIgnores
from fastapi_lint.config.settings import Settings
from fastapi_lint.core.apply_fixes import MAX_ROUNDS, applicable, apply_fixes, compiles
from fastapi_lint.core.codes import INPUT_PROBLEMS, IO_ERROR, UNCHECKED, file_diagnostic
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
from fastapi_lint.engine.discovery import (
    Discovery,
    ModuleNamer,
    SourcePath,
    discover,
    display_path,
    module_name_for,
)
from fastapi_lint.engine.project_pass import refine_diagnostics, run_project_rules
from fastapi_lint.engine.reach import reachable_context
from fastapi_lint.engine.result_cache import ResultCache, RunSnapshot
from fastapi_lint.engine.results import (
    DATA_POSITIONS,
    DATA_SUMMARY,
    FileResult,
    syntax_error_diagnostic,
)
from fastapi_lint.lint.rule import WITHDRAWN, Rule
from fastapi_lint.project.index import Project
from fastapi_lint.project.roots import KINDS, Resolution, first_party_names, resolution
from fastapi_lint.rules.selection import quiet_for_versions

# The project pass runs again at most this many times after checking files again with positions.
_POSITION_ROUNDS = 3
# Below this many files to check, worker processes cost more than they save.
PARALLEL_THRESHOLD = 12
# The CLI runs with the cyclic garbage collector off (see cli.entry_point): per-file data is
# freed by reference counting as soon as a file is done; a collection every so many files
# catches whatever cycle a rule may leave behind.
_COLLECT_EVERY = 200
# A run with at most this many files changed since the last one may skip the project pass.
_INCREMENTAL_LIMIT = 8


def _data_key(diagnostic: Diagnostic) -> str:
    import json

    return json.dumps(diagnostic.data, sort_keys=True, default=str)


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


@dataclass(slots=True)
class RunOptions:
    paths: list[Path]
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    use_cache: bool = True
    stdin_data: bytes | None = None
    stdin_filename: str | None = None
    jobs: int | None = None
    force_exclude: bool = False
    progress: Callable[[int, int], None] | None = None
    # When the paths name only part of the project (pre-commit passes the staged files), the
    # rest of the project is analyzed too (from the cache when unchanged) for its module
    # summaries only, so that cross-module facts stay right; only the named files are reported.
    project_context: bool = True


@dataclass(slots=True)
class FileOutcome:
    source: SourcePath
    result: FileResult
    diagnostics: list[Diagnostic] = field(default_factory=list)  # remaining, after fixes
    original_text: str | None = None
    fixed_text: str | None = None  # set when fixes changed the text
    fixes_applied: dict[str, int] = field(default_factory=dict)  # code -> count
    fix_error: str | None = None


class Shortcut(enum.Enum):
    """How a run reused the last run's findings."""

    NONE = "none"  # it did not
    UNCHANGED = "unchanged"  # no file's content changed since: its findings stand
    INCREMENTAL = "incremental"  # only the changed files checked, no project pass


@dataclass(slots=True)
class RunResult:
    outcomes: list[FileOutcome]
    missing: list[str]
    skipped: list[tuple[str, str]]
    timings: dict[str, float]
    files_checked: int = 0
    files_cached: int = 0
    context_files: int = 0  # project files analyzed for cross-module facts only
    shortcut: Shortcut = Shortcut.NONE  # how the last run's findings were reused
    notes: list[str] = field(default_factory=list)  # said under --verbose
    resolution: Resolution | None = None  # imports of first-party names that resolved

    @property
    def diagnostics(self) -> list[tuple[FileOutcome, Diagnostic]]:
        return [(o, d) for o in self.outcomes for d in o.diagnostics]

    @property
    def fixed_count(self) -> int:
        return sum(sum(o.fixes_applied.values()) for o in self.outcomes)

    def release_summaries(self) -> None:
        """Drop the module summaries, which nothing needs once the run is done (reporting
        uses the diagnostics): on a large project they are most of the memory the report
        would otherwise be written on top of."""
        for outcome in self.outcomes:
            outcome.result.summary = None


# -- worker processes -----------------------------------------------------------------------

_WORKER_CHECKER = None


def _init_worker(settings: Settings, codes: list[str]) -> None:
    global _WORKER_CHECKER
    from fastapi_lint.engine.checker import FileChecker
    from fastapi_lint.rules.registry import rule_by_code

    rules = [rule_by_code(code) for code in codes]
    _WORKER_CHECKER = FileChecker(settings, [r for r in rules if r is not None])


def _check_batch(
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
        if index % _COLLECT_EVERY == 0:
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


# -- the run --------------------------------------------------------------------------------


class Runner:
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
        self._unfixable = settings.unfixable_codes(rules)
        self.jobs: int | None = None  # set from the run's options
        # Codes of the rules that restate per-file findings in the project pass.
        self._refining_codes = {
            rule.code for rule in self.rules if type(rule).refine is not Rule.refine
        }
        self.refined: dict[str, list[list[str]]] = {}
        # Files the shortcut for a few changed files checked again (see _run_incremental).
        self.rechecked: set[str] = set()
        self._pool = None  # worker processes, see _worker_pool
        # What a run wants said under --verbose (the project pass running out of rounds...).
        self.notes: list[str] = []
        self.resolution: Resolution | None = None  # see _describe_roots
        self._all_paths: list[str] | None = None  # every file of the project, when listed
        self._root_prefix = os.path.join(str(settings.root), "")

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
        if path.startswith(self._root_prefix):
            return path[len(self._root_prefix) :].replace(os.sep, "/")
        return path

    def run(self, options: RunOptions) -> RunResult:
        try:
            return self._run(options)
        finally:
            if self._pool is not None:
                self._pool.shutdown()
                self._pool = None

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
            return self._run_stdin(options, cache, timings)

        t0 = time.perf_counter()
        found = discover(options.paths, self.settings, self.cwd, options.force_exclude)
        context = self._context_sources(found.files, options)
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
                quick = self._run_incremental(
                    snapshot, changed, found, context, stats, snapshot_stats, cache
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
                hit = _same_module(cache.get(key, *stats[source], display=source.display), source)
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
                hit = _same_module(
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
        for source, result, written in self._check_all(todo, options, cache, stats):
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
        project = self._project_pass(outcomes, cache=cache, context=context_outcomes)
        timings["project"] = time.perf_counter() - t0
        self._describe_roots(
            found, [*found.files, *context], project, [*outcomes, *context_outcomes]
        )

        t0 = time.perf_counter()
        if options.fix or options.diff:
            for outcome in outcomes:
                self._fix_file(
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

    def _run_incremental(
        self,
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
        again with positions, see ``_project_pass``). Project findings in other files are then
        unchanged, there are none in the changed files, and only the changed files' own
        findings are new (with the messages the project pass restated looked up in the
        snapshot). Anything else, including more than a handful of changed files, runs the
        whole project pass.
        """
        if len(changed) > _INCREMENTAL_LIMIT:
            return {}
        by_key = {self.cache_key(source): source for source in [*found.files, *context]}
        results: dict[SourcePath, FileResult] = {}
        rechecked = self.rechecked  # the others have the same content as last time
        same = True
        for key in changed:
            source = by_key[key]
            old = cache.raw_entry(key)
            if old is not None and old[2] != snapshot.digest(key):
                old = None  # written since by another run (the editor's, another commit's)
            try:
                data, _ = read_bytes(source.path)
            except SourceReadError:
                return results
            digest = content_digest(data)
            if old is not None and old[2] == digest:
                # The same content (touched, or saved unchanged): the same result.
                try:
                    result = FileResult.from_data(old[3], source.display)
                except Exception:  # malformed entry
                    return results
                results[source] = result
                cache.put(key, *stats[source], result)
                continue
            result = check_bytes(self.checker, source, data, positions=False)
            results[source] = result
            rechecked.add(key)
            if result.internal_error:
                same = False
                continue
            cache.put(key, *stats[source], result)
            if same:
                same = old is not None and _same_summary(old[3], result)
        if not same:
            return results

        outcomes = []
        self.refined = {
            key: items for key, items in snapshot.refined.items() if key not in rechecked
        }
        try:
            for source in found.files:
                key = self.cache_key(source)
                outcome = FileOutcome(source, FileResult(path=source.display, digest=""))
                if key in rechecked:
                    outcome.result = results[source]
                    restated = self._restated(snapshot, key, outcome.result.diagnostics)
                    if restated is None:
                        return results
                    self._record_refinements(outcome, restated)
                    outcome.diagnostics = self._filter(source, _kept(restated))
                else:
                    outcome.diagnostics = snapshot.diagnostics(key)
                outcomes.append(outcome)
        except (TypeError, ValueError):  # a malformed snapshot: run everything
            return results
        if not changed:
            return outcomes  # nothing changed since the last run
        cache.save()
        digests = {key: snapshot.digest(key) for key in snapshot.files}
        digests.update({self.cache_key(s): result.digest for s, result in results.items()})
        cache.save_run(
            snapshot_stats,
            digests,
            {self.cache_key(o.source): o.diagnostics for o in outcomes},
            self.refined,
            str(self.cwd),
        )
        return outcomes

    def _restated(
        self, snapshot: RunSnapshot, key: str, diagnostics: list[Diagnostic]
    ) -> list[Diagnostic] | None:
        """A changed file's findings with the messages the last project pass gave them; None
        when one of them was not there last time (the project pass must run)."""
        restated = []
        for diagnostic in diagnostics:
            if diagnostic.code in self._refining_codes and diagnostic.data:
                message = snapshot.refined_message(
                    key, diagnostic.code, diagnostic.message, _data_key(diagnostic)
                )
                if message is None:
                    return None
                diagnostic = diagnostic.with_message(message)
            restated.append(diagnostic)
        return restated

    # -- project context ----------------------------------------------------------------

    def _describe_roots(self, found, sources, project: Project, outcomes) -> None:
        """Notes for -v: the package roots the files were named from, and how many imports
        of the project's own modules resolved (a warning is due when many did not)."""
        root = os.path.abspath(self.settings.root)
        for package_root, first in sorted(found.package_roots.items()):
            shown = os.path.relpath(package_root, root).replace(os.sep, "/")
            first_shown = os.path.relpath(first, root).replace(os.sep, "/")
            self.notes.append(f"import root: {shown} (package root of {first_shown})")
        if self._all_paths is None:
            self._all_paths = [str(source.path) for source in sources]
        versions = self.settings.detect_versions()
        roots = {*found.package_roots, *(r.path for r in self.settings.import_roots(*KINDS))}
        top_level = {
            os.path.basename(os.path.dirname(path))
            for path in self._all_paths
            if (
                os.path.basename(path) == "__init__.py"
                and os.path.dirname(os.path.dirname(path)) in roots
            )
        }
        # A module named like a dependency deep in the project (`db/sqlalchemy.py`) does not
        # make `import sqlalchemy` first-party; a top-level package of the project does.
        first_party = frozenset(
            name
            for name in first_party_names(self._all_paths, os.path.abspath(self.settings.root))
            if name in top_level or not versions.declares(name)
        )
        imported = [
            name
            for outcome in outcomes
            if outcome.result.summary is not None
            for name in outcome.result.summary.imports.values()
        ]
        self.resolution = resolution(imported, project.modules, first_party)
        self.notes.append(
            f"imports: {self.resolution.resolved} of {self.resolution.total} imports of "
            "first-party names resolved to modules of the project"
        )

    def _context_sources(self, named: list[SourcePath], options: RunOptions) -> list[SourcePath]:
        """The project's other files that the named ones need (``reach.py``), when the
        paths name only part of the project.

        Only for a real project root (a configuration, a ``pyproject.toml`` or a git work
        tree): a loose file checked outside any project has no project around it.
        """
        if not options.project_context or not named:
            return []
        root = Path(os.path.abspath(self.settings.root))
        if not is_project_root(root, self.settings):
            return []
        for given in options.paths:
            absolute = Path(os.path.abspath(given))
            if absolute == root or absolute in root.parents:
                return []  # the paths already cover the whole project
        everything = discover([root], self.settings, self.cwd)
        self._all_paths = [str(source.path) for source in everything.files]
        return reachable_context(named, everything.files, _bytes_or_none)

    # -- per-file pass ------------------------------------------------------------------

    def _check_all(
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
                if done % _COLLECT_EVERY == 0:
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
        pool = self._worker_pool(jobs)
        results = pool.map(_check_batch, batches, [positions] * len(batches))
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

    def _worker_pool(self, jobs: int):
        """The run's worker processes, started on first use and kept until the run ends: the
        project pass's second look at some files reuses them instead of forking the main
        process again once it holds every file's results."""
        if self._pool is None:
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(
                max_workers=jobs,
                mp_context=_mp_context(),
                initializer=_init_worker,
                initargs=(self.settings, [rule.code for rule in self.rule_types]),
            )
        return self._pool

    # -- project pass -------------------------------------------------------------------

    def _project_pass(
        self,
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
            project.options = self.settings.options()
            noqa = {o.result.path: o.result.noqa for o in outcomes}
            project_diagnostics = run_project_rules(project, self.rules, summaries, noqa)
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
                self.notes.append(
                    f"positions: {len(stale)} module(s) still lacked positions after "
                    f"{rounds} re-check rounds; their locations in messages fell back"
                )
                break
            rounds += 1
            project.release()
            rechecked.update(outcome.result.path for outcome in stale)
            self._recheck_with_positions(stale, cache)
        self.refined = {}
        for outcome in outcomes:
            diagnostics = refine_diagnostics(
                project, self.rules_by_code, outcome.result.diagnostics
            )
            self._record_refinements(outcome, diagnostics)
            diagnostics = _kept(diagnostics)
            diagnostics.extend(project_diagnostics.get(outcome.result.path, ()))
            outcome.diagnostics = self._filter(outcome.source, diagnostics)
        return project

    def _record_refinements(self, outcome: FileOutcome, refined: list[Diagnostic]) -> None:
        """What the project pass made of each per-file finding that a rule may restate, for the
        next run's shortcut (see ``_run_incremental``)."""
        items = [
            [before.code, before.message, _data_key(before), after.message]
            for before, after in zip(outcome.result.diagnostics, refined, strict=True)
            if before.code in self._refining_codes and before.data
        ]
        if items:
            self.refined[self.cache_key(outcome.source)] = items

    def _recheck_with_positions(self, stale: list[FileOutcome], cache: ResultCache | None) -> None:
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
        options = RunOptions(paths=[], jobs=self.jobs)
        for source, result, written in self._check_all(todo, options, cache, stats, positions=True):
            by_source[source].result = result
            if cache is not None and not result.internal_error:
                key = self.cache_key(source)
                if written:
                    cache.written_by_worker(key)
                else:
                    cache.put(key, *stats[source], result)

    def _filter(self, source: SourcePath, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        ignored = self.per_file_ignores.codes_for(source.path)
        if ignored:
            from fastapi_lint.rules.selection import code_matches

            diagnostics = [
                d
                for d in diagnostics
                if d.code in INPUT_PROBLEMS or not code_matches(ignored, d.code)
            ]
        if self._unfixable:
            # `unfixable`: the finding stays, without a fix to apply, offer or count.
            diagnostics = [
                d.without_fix() if d.fix is not None and d.code in self._unfixable else d
                for d in diagnostics
            ]
        return sorted(diagnostics, key=Diagnostic.sort_key)

    def _diagnostics_for(
        self, source: SourcePath, result: FileResult, project: Project
    ) -> list[Diagnostic]:
        diagnostics = _kept(refine_diagnostics(project, self.rules_by_code, result.diagnostics))
        if result.summary is not None:
            extra = run_project_rules(
                project, self.rules, [result.summary], {result.path: result.noqa}
            )
            diagnostics.extend(extra.get(result.path, ()))
        return self._filter(source, diagnostics)

    # -- fixes --------------------------------------------------------------------------

    def _fix_file(
        self,
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
                self._not_written(outcome, "the file changed on disk while it was being checked")
                return
        original = source_file.text
        text = original
        diagnostics = outcome.diagnostics
        result = outcome.result
        if recheck:
            result, _ = self.checker.check(
                text, source.display, source.module, source.is_package, source_file.digest
            )
            if result.syntax_error or result.internal_error:
                return
            diagnostics = self._diagnostics_for(source, result, project)
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
            applied = apply_fixes(
                text, fixable[:1] if one_at_a_time else fixable, source_file.newline
            )
            if not applied.applied or applied.text == text:
                break
            new_result, _ = self.checker.check(
                applied.text,
                source.display,
                source.module,
                source.is_package,
                content_digest(source_file.encode(applied.text)),
            )
            if new_result.syntax_error or (
                must_compile and not compiles(applied.text, source.display)
            ):
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
            diagnostics = self._diagnostics_for(source, result, project)
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
            self._not_written(outcome, str(exc))
            return
        except OSError as exc:
            self._not_written(outcome, exc.strerror or str(exc))
            return
        outcome.original_text = original
        outcome.fixed_text = text
        outcome.fixes_applied = counts
        outcome.result = result
        outcome.diagnostics = diagnostics
        if cache is not None:
            try:
                st = os.stat(source.path)
                cache.put(self.cache_key(source), st.st_mtime_ns, st.st_size, result)
            except OSError:
                pass

    @staticmethod
    def _not_written(outcome: FileOutcome, reason: str) -> None:
        """The fixes of ``outcome`` could not be written: its findings stand, plus a FAPI002."""
        written = file_diagnostic(
            IO_ERROR, f"Fixes not written: {reason}; the file was left unchanged"
        )
        outcome.diagnostics = sorted([*outcome.diagnostics, written], key=Diagnostic.sort_key)

    # -- stdin --------------------------------------------------------------------------

    def _run_stdin(self, options: RunOptions, cache: ResultCache | None, timings) -> RunResult:
        started = time.perf_counter()
        filename = options.stdin_filename or "-"
        path = Path(os.path.abspath(filename)) if options.stdin_filename else self.cwd / "-.py"
        module, is_package = module_name_for(path, self.settings)
        display = display_path(path, self.cwd) if options.stdin_filename else "-"
        source = SourcePath(path, display, module, is_package)
        data = options.stdin_data or b""
        try:
            source_file: SourceFile | None = source_from_bytes(data)
        except SourceDecodeError:
            source_file = None
        result = check_bytes(self.checker, source, data)
        outcome = FileOutcome(source, result)
        if source_file is not None:
            outcome.original_text = source_file.text
        # Cross-module facts come from the cache, for the modules this one depends on.
        others = self._cached_dependencies(result, cache) if cache is not None else []
        project = self._project_pass([outcome], extra_summaries=others)
        if (options.fix or options.diff) and source_file is not None:
            self._fix_file(outcome, project, options, None, None, source_file=source_file)
        timings["total"] = time.perf_counter() - started
        return RunResult([outcome], [], [], timings, files_checked=1)

    def _cached_dependencies(self, result: FileResult, cache: ResultCache) -> list:
        """Cached summaries of the modules ``result``'s module depends on, transitively (what it
        imports and calls), read entry by entry: an editor's single-file run stays fast in a
        large project. Facts that other modules give this one (a ``Depends()`` on one of its
        functions elsewhere) are those of the full run; the cache does not say them here."""
        if result.summary is None:
            return []
        by_module = _ModuleFiles(self.settings, self.cwd)
        by_module.seed(result.path)  # its package root is where its imports are found
        loaded: dict[str, object] = {}
        queue = [result.summary]
        seen_modules = {result.summary.module}
        while queue:
            summary = queue.pop()
            for name in _referenced_modules(summary, by_module):
                if name in seen_modules:
                    continue
                seen_modules.add(name)
                source = by_module[name]
                hit = cache.get_entry(self.cache_key(source), source.display)
                if hit is not None and hit.summary is not None:
                    loaded[name] = hit.summary
                    queue.append(hit.summary)
        return list(loaded.values())


class _ModuleFiles:
    """Module name -> the project file that defines it, looked up on demand under the import
    roots (an editor's single-file run never lists a large project's files). Each directory on
    the way is listed once: most names a module mentions (``fastapi.APIRouter``,
    ``typing.Annotated``) are settled by the first listing instead of a stat per candidate file
    and root, and names match as case-sensitively as Python imports them."""

    def __init__(self, settings: Settings, cwd: Path) -> None:
        self._namer = ModuleNamer(settings)
        self._cwd = cwd
        self._found: dict[str, SourcePath | None] = {}
        self._listings: dict[str, frozenset[str]] = {}

    def seed(self, path: str) -> None:
        """Name ``path`` first, so that its package root is among the roots looked in."""
        self._namer(os.path.abspath(path))

    def __contains__(self, name: str) -> bool:
        return self.get(name) is not None

    def __getitem__(self, name: str) -> SourcePath:
        found = self.get(name)
        if found is None:
            raise KeyError(name)
        return found

    def get(self, name: str) -> SourcePath | None:
        if name not in self._found:
            self._found[name] = self._find(name)
        return self._found[name]

    def _find(self, name: str) -> SourcePath | None:
        parts = name.split(".") if name else []
        if not parts or not all(part.isidentifier() for part in parts):
            return None
        *packages, last = parts
        for root in self._namer.roots:
            directory = root
            for part in packages:
                if part not in self._listing(directory):
                    break
                directory = os.path.join(directory, part)
            else:
                entries = self._listing(directory)
                for entry, init, is_package in (
                    (last + ".py", "", False),
                    (last, "__init__.py", True),
                    (last + ".pyi", "", False),
                    (last, "__init__.pyi", True),
                ):
                    if entry not in entries:
                        continue
                    path = os.path.join(directory, entry)
                    if init:
                        if init not in self._listing(path):
                            continue
                        path = os.path.join(path, init)
                    # The same name the discovery of the project gives the file (deepest root).
                    if os.path.isfile(path) and self._namer(path) == (name, is_package):
                        display = display_path(path, self._cwd)
                        return SourcePath(Path(path), display, name, is_package)
        return None

    def _listing(self, directory: str) -> frozenset[str]:
        entries = self._listings.get(directory)
        if entries is None:
            try:
                entries = frozenset(os.listdir(directory))
            except OSError:  # missing, not a directory, unreadable
                entries = frozenset()
            self._listings[directory] = entries
        return entries


def _referenced_modules(summary, modules: _ModuleFiles) -> set[str]:
    """Project modules named by a summary: imports, bases, types and call targets."""
    names: list[str] = [
        *summary.imports.values(),
        *summary.star_imports,
        *summary.variables.values(),
    ]
    for klass in summary.classes:
        names.extend(b for b in klass.bases if b)
        names.extend(klass.attributes.values())
    for function in summary.functions:
        names.extend(call.target for call in function.calls)
        names.extend(function.depends)
        if function.returns:
            names.append(function.returns)
    names.extend(reference[0] for reference in summary.references)
    found = set()
    for name in names:
        parts = name.split(".")
        for cut in range(len(parts), 0, -1):
            prefix = ".".join(parts[:cut])
            if prefix in modules:
                found.add(prefix)
                break
        # A package's __init__ re-exports: its parent packages matter too.
        for cut in range(1, len(parts)):
            prefix = ".".join(parts[:cut])
            if prefix in modules:
                found.add(prefix)
    return found


def _bytes_or_none(source: SourcePath) -> bytes | None:
    try:
        return read_bytes(source.path)[0]
    except SourceReadError:
        return None


def _same_module(hit: FileResult | None, source: SourcePath) -> FileResult | None:
    """A cached result, unless the file's module name changed since (an ``__init__.py`` added
    or removed moves its package root)."""
    if hit is not None and hit.summary is not None and hit.summary.module != source.module:
        return None
    return hit


def is_project_root(root: Path, settings: Settings) -> bool:
    return (
        settings.config_file is not None
        or (root / "pyproject.toml").is_file()
        or (root / ".git").exists()
    )


def _fix_key(text: str, diagnostic: Diagnostic) -> tuple:
    """A fix by what it does (rule, replaced text, new text): stable while offsets move."""
    assert diagnostic.fix is not None
    return (
        diagnostic.code,
        tuple((text[e.start : e.end], e.content) for e in diagnostic.fix.edits),
    )


def _mp_context():
    import multiprocessing

    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _kept(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """The refined findings the project pass did not withdraw (see ``project.WITHDRAWN``)."""
    return [d for d in diagnostics if d.message != WITHDRAWN]
