"""A project kept warm for an editor: every module's summary in memory, open buffers on top.

The language server (``server.py``) holds one ``WarmProject`` per project root. It is filled
once from the cache (files unchanged since the last run are not parsed again) and then kept
up to date one file at a time: editing a buffer re-runs the per-file pass on that buffer only;
when the buffer's module summary changes, the project index is rebuilt from the summaries
(no parsing) and the open modules whose cross-module facts may change are reported back, so
that only their diagnostics are recomputed.

Which modules those are: the edited module itself, every module that depends on it directly
or through others (a blocking helper makes its callers' calls blocking), and the modules it
names directly, before or after the edit (``Depends(get_db)`` makes ``get_db`` a dependency).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi_lint.config.settings import Settings
from fastapi_lint.core.diagnostics import Diagnostic
from fastapi_lint.core.noqa import noqa_edits
from fastapi_lint.core.source import SourceFile, content_digest, dominant_newline
from fastapi_lint.engine.checker import FileResult
from fastapi_lint.engine.discovery import SourcePath, display_path, module_name_for
from fastapi_lint.engine.fixing import fix_file
from fastapi_lint.engine.outcomes import FileOutcome, RunOptions
from fastapi_lint.engine.runner import Runner
from fastapi_lint.lint.rule import Rule
from fastapi_lint.project.index import Project

_DOTTED = re.compile(r"^[A-Za-z_][\w.]*$")


@dataclass(slots=True)
class OpenDocument:
    source: SourcePath
    text: str
    version: int | None
    result: FileResult


@dataclass(slots=True)
class LoadedProject:
    files: dict[Path, tuple[SourcePath, FileResult]]
    checked: int = 0  # files parsed
    cached: int = 0  # files taken from the cache


@dataclass(slots=True)
class FixResult:
    text: str | None  # the fixed text, or None when nothing changed
    applied: dict[str, int] = field(default_factory=dict)
    error: str | None = None


class WarmProject:
    """The analysis state of one project root, for one thread (the server's event loop).

    ``load()`` may run in another thread: it builds its results with a runner of its own and
    hands them over through ``install()``.
    """

    def __init__(self, settings: Settings, rules: list[type[Rule]]) -> None:
        self.settings = settings
        self.rules = rules
        self.root = Path(os.path.abspath(settings.root))
        self.runner = Runner(settings, rules, cwd=self.root)
        self.disk: dict[Path, tuple[SourcePath, FileResult]] = {}
        self.open: dict[Path, OpenDocument] = {}
        self.loaded = False
        self.load_counts = (0, 0)  # (checked, cached) when loaded
        self._project: Project | None = None
        # module -> the project modules its summary names (cached until its summary changes)
        self._deps: dict[str, frozenset[str]] = {}
        # What the warm state did, for tests and logs: files parsed since loading (by display
        # path) and project index rebuilds.
        self.parsed: Counter[str] = Counter()
        self.rebuilds = 0
        # Disk files re-checked since loading, for the cache: path -> (source, stat, result)
        self._to_cache: dict[Path, tuple[SourcePath, int, int, FileResult]] = {}

    # -- filling the state --------------------------------------------------------------

    def load(self) -> LoadedProject:
        """Every project file's result as on disk: from the cache when unchanged, checked
        otherwise (and cached). Safe to call from a worker thread: it shares nothing.

        Built from the cache and the per-file pass directly rather than ``Runner.run``: a
        run may answer from its last findings without any summary, and summaries are what
        the warm project is made of.
        """
        from fastapi_lint.core.source import SourceReadError, read_bytes
        from fastapi_lint.engine.discovery import discover
        from fastapi_lint.engine.result_cache import ResultCache
        from fastapi_lint.engine.workers import check_bytes, io_error_result

        runner = Runner(self.settings, self.rules, cwd=self.root)  # a checker of its own
        found = discover([self.root], self.settings, self.root)
        cache = None
        if self.settings.cache_dir is not None:
            cache = ResultCache(self.settings.cache_dir, self.settings.fingerprint(), self.root)
        files: dict[Path, tuple[SourcePath, FileResult]] = {}
        checked = cached = 0
        for source in found.files:
            try:
                st = os.stat(source.path)
                stat = (st.st_mtime_ns, st.st_size)
            except OSError:
                stat = (0, 0)
            key = runner.cache_key(source)
            result = cache.get(key, *stat, display=source.display) if cache is not None else None
            if result is None:
                try:
                    data, _ = read_bytes(source.path)
                except SourceReadError as exc:
                    files[source.path] = (source, io_error_result(source, str(exc)))
                    continue
                digest = content_digest(data)
                result = (
                    cache.get(key, 0, 0, digest=digest, display=source.display)
                    if cache is not None
                    else None
                )
                if result is None:
                    result = check_bytes(runner.checker, source, data)
                    checked += 1
                else:
                    cached += 1
                if cache is not None and not result.internal_error:
                    cache.put(key, *stat, result)
            else:
                cached += 1
            result.path = source.display
            files[source.path] = (source, result)
        if cache is not None:
            cache.save()
        return LoadedProject(files, checked=checked, cached=cached)

    def install(self, loaded: LoadedProject) -> list[Path]:
        """Take the results of ``load()``; the open documents whose diagnostics may change."""
        self.disk = loaded.files
        self.loaded = True
        self.load_counts = (loaded.checked, loaded.cached)
        self._project = None
        self._deps.clear()
        return list(self.open)

    # -- documents ----------------------------------------------------------------------

    def source_for(self, path: Path) -> SourcePath:
        path = Path(os.path.abspath(path))
        known = self.disk.get(path)
        if known is not None:
            return known[0]
        module, is_package = module_name_for(path, self.settings)
        return SourcePath(path, display_path(path, self.root), module, is_package)

    def _check(self, source: SourcePath, text: str, digest: str | None = None) -> FileResult:
        if digest is None:
            digest = content_digest(text.encode("utf-8", "surrogatepass"))
        known = self.disk.get(source.path)
        if known is not None and known[1].digest == digest and not known[1].internal_error:
            return known[1]  # the buffer is the file on disk: its result is known
        self.parsed[source.display] += 1
        result, _ = self.runner.checker.check(
            text, source.display, source.module, source.is_package, digest
        )
        return result

    def update(self, path: Path, text: str, version: int | None = None) -> set[Path]:
        """A buffer was opened or edited: re-check it alone. Returns the open documents whose
        diagnostics must be recomputed (this one, and those whose cross-module facts may
        have changed with it)."""
        source = self.source_for(path)
        path = source.path
        current = self.open.get(path)
        if current is not None and current.text == text:
            current.version = version
            return {path}
        result = self._check(source, text)
        before = self._summary_of(path)
        self.open[path] = OpenDocument(source, text, version, result)
        return {path} | self._summary_changed(source.module, before, result.summary)

    def saved(self, path: Path) -> None:
        """The buffer was written to disk: when the file holds exactly the buffer (an editor
        may add a final newline on save), the disk state is the buffer's, and it is cached."""
        from fastapi_lint.core.source import SourceReadError, read_bytes

        document = self.open.get(Path(os.path.abspath(path)))
        if document is None:
            return
        try:
            data, st = read_bytes(document.source.path)
        except SourceReadError:
            return
        if content_digest(data) == document.result.digest:
            self.disk[document.source.path] = (document.source, document.result)
            self._remember(document.source, st.st_mtime_ns, st.st_size, document.result)

    def _remember(self, source: SourcePath, mtime_ns: int, size: int, result: FileResult) -> None:
        if not result.internal_error:
            self._to_cache[source.path] = (source, mtime_ns, size, result)

    def flush_cache(self) -> None:
        """Write the results of files re-checked since loading to the cache (at shutdown),
        so that the next run or server starts from them."""
        from fastapi_lint.engine.result_cache import ResultCache

        if not self._to_cache or self.settings.cache_dir is None or not self.loaded:
            return
        cache = ResultCache(self.settings.cache_dir, self.settings.fingerprint(), self.root)
        for source, mtime_ns, size, result in self._to_cache.values():
            cache.put(self.runner.cache_key(source), mtime_ns, size, result)
        cache.save()
        self._to_cache.clear()

    def close(self, path: Path) -> set[Path]:
        """The buffer was closed (maybe without saving): back to the file on disk."""
        path = Path(os.path.abspath(path))
        document = self.open.pop(path, None)
        if document is None:
            return set()
        return self.disk_changed(path, previous=document.result)

    def disk_changed(self, path: Path, previous: FileResult | None = None) -> set[Path]:
        """A file changed, appeared or disappeared on disk (a watched-files notification).
        Open buffers win over the disk; for the others, re-check the file if it changed."""
        from fastapi_lint.core.source import SourceDecodeError, SourceReadError, read_source

        path = Path(os.path.abspath(path))
        if path in self.open:
            return set()
        before = previous.summary if previous is not None else self._summary_of(path)
        source = self.source_for(path)
        try:
            file = read_source(path)
        except (SourceReadError, SourceDecodeError):
            self.disk.pop(path, None)
            return self._summary_changed(source.module, before, None)
        known = self.disk.get(path)
        if known is not None and previous is None and known[1].digest == file.digest:
            return set()
        result = self._check(source, file.text, file.digest)
        self.disk[path] = (source, result)
        self._remember(source, file.mtime_ns, file.size, result)
        return self._summary_changed(source.module, before, result.summary)

    # -- the project pass ---------------------------------------------------------------

    def project(self) -> Project:
        if self._project is None:
            self.rebuilds += 1
            self._project = Project(self._summaries())
            self._project.options = self.settings.options()
        return self._project

    def diagnostics(self, path: Path) -> list[Diagnostic]:
        """The open document's diagnostics with the project's facts (no parsing, except for
        files on disk whose positions a message needs and the cache left pending)."""
        from fastapi_lint.analysis.module_summary import PENDING_READS

        document = self.open[Path(os.path.abspath(path))]
        by_display = {source.display: path for path, (source, _) in self.disk.items()}
        for _ in range(3):
            PENDING_READS.clear()
            found = self.runner.diagnostics_for(document.source, document.result, self.project())
            stale = [
                by_display[display]
                for display in PENDING_READS
                if display in by_display and not self.disk[by_display[display]][1].positions
            ]
            if not stale:
                return found
            for disk_path in stale:
                self._with_positions(disk_path)
            self._project = None
        return found

    def _with_positions(self, path: Path) -> None:
        from fastapi_lint.core.source import SourceDecodeError, SourceReadError, read_source

        source, _ = self.disk[path]
        try:
            file = read_source(path)
        except (SourceReadError, SourceDecodeError):
            return
        self.parsed[source.display] += 1
        result, _ = self.runner.checker.check(
            file.text, source.display, source.module, source.is_package, file.digest
        )
        self.disk[path] = (source, result)
        self._remember(source, file.mtime_ns, file.size, result)

    def fix_all(self, path: Path, unsafe_fixes: bool) -> FixResult:
        """Every applicable fix of the open document, applied and re-checked to a fixpoint
        (the same loop as ``check --fix``); nothing is written."""
        document = self.open[Path(os.path.abspath(path))]
        text = document.text
        source_file = SourceFile(
            text=text,
            encoding="utf-8",
            bom=False,
            newline=dominant_newline(text),
            digest=content_digest(text.encode("utf-8", "surrogatepass")),
        )
        outcome = FileOutcome(document.source, document.result)
        outcome.diagnostics = self.diagnostics(path)
        options = RunOptions(paths=[], fix=True, unsafe_fixes=unsafe_fixes, diff=True)
        fix_file(self.runner, outcome, self.project(), options, None, None, source_file)
        return FixResult(outcome.fixed_text, outcome.fixes_applied, outcome.fix_error)

    def noqa_edit(self, path: Path, diagnostic: Diagnostic):
        """The edit adding ``# noqa: CODE`` for one diagnostic (merged into an existing one),
        or None when no comment can go on its line."""
        document = self.open[Path(os.path.abspath(path))]
        edits, _ = noqa_edits(document.text, {diagnostic.noqa_row: {diagnostic.code}})
        return edits[0] if edits else None

    # -- what depends on what -----------------------------------------------------------

    def _summaries(self):
        for path, (_, result) in self.disk.items():
            if path not in self.open and result.summary is not None:
                yield result.summary
        for document in self.open.values():
            if document.result.summary is not None:
                yield document.result.summary

    def _summary_of(self, path: Path):
        document = self.open.get(path)
        if document is not None:
            return document.result.summary
        known = self.disk.get(path)
        return known[1].summary if known is not None else None

    def _summary_changed(self, module: str, before, after) -> set[Path]:
        if before is None and after is None:
            return set()
        if before is not None and after is not None and before.to_data() == after.to_data():
            return set()
        # The modules named before the edit count too (a removed `Depends(get_db)`).
        named_before = self._deps.get(module)
        if named_before is None:
            named_before = self._named_by(before) if before is not None else frozenset()
        self._project = None
        if (before is None) != (after is None):
            self._deps.clear()  # a module appeared or disappeared: names resolve differently
        else:
            self._deps.pop(module, None)
        named_after = self._named_by(after) if after is not None else frozenset()
        affected = {module} | named_before | named_after | self._dependents_of(module)
        return {path for path, document in self.open.items() if document.source.module in affected}

    def _known_modules(self) -> frozenset[str]:
        return frozenset(summary.module for summary in self._summaries())

    def _named_by(self, summary, known: frozenset[str] | None = None) -> frozenset[str]:
        """The project modules a summary names (imports, calls, dependencies, facts...)."""
        found = _named_modules(summary.to_data(), known or self._known_modules())
        found.discard(summary.module)
        return frozenset(found)

    def _dependents_of(self, module: str) -> set[str]:
        """Modules depending on ``module`` directly or through others."""
        known: frozenset[str] | None = None
        reverse: dict[str, set[str]] = {}
        for summary in self._summaries():
            deps = self._deps.get(summary.module)
            if deps is None:
                known = known or self._known_modules()
                deps = self._deps[summary.module] = self._named_by(summary, known)
            for dep in deps:
                reverse.setdefault(dep, set()).add(summary.module)
        seen: set[str] = set()
        stack = [module]
        while stack:
            for dependent in reverse.get(stack.pop(), ()):
                if dependent not in seen:
                    seen.add(dependent)
                    stack.append(dependent)
        return seen


def _named_modules(data: Any, modules: frozenset[str]) -> set[str]:
    """Project modules named by any dotted string in a summary's data (an over-approximation
    is harmless: it only recomputes a few more diagnostics)."""
    found: set[str] = set()
    stack = [data]
    seen_strings: set[str] = set()
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if item in seen_strings or len(item) > 300 or not _DOTTED.match(item):
                continue
            seen_strings.add(item)
            name = item
            while name:
                if name in modules:
                    found.add(name)
                    break
                name = name.rpartition(".")[0]
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return found
