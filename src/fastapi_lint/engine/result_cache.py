"""The result cache: per-file results keyed by content, tool version and effective settings.

Layout: ``<cache-dir>/CACHEDIR.TAG``, ``<cache-dir>/.gitignore``, and per settings fingerprint
(which covers the tool version) ``results-<fingerprint>/`` (one file per checked file: its
result and module summary) and ``run-<fingerprint>.json`` (the final findings of the last run,
so that a run in which nothing changed skips the project pass too).

The files are plain JSON data, never pickle, and signed with a key kept outside the project
(``$XDG_CACHE_HOME/fastapi-lint/key``): a cache directory that comes with an untrusted checkout
fails the signature check and is ignored as a whole; anything malformed is ignored entry by
entry. Writes are atomic (temporary file, then rename), entry by entry, so concurrent runs
never corrupt the cache.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi_lint import __version__
from fastapi_lint.core.diagnostics import Diagnostic
from fastapi_lint.core.hashing import blake2b
from fastapi_lint.core.signed_store import (
    read_signed,
    settled_mtime,
    write_signed,
)
from fastapi_lint.engine.results import DATA_SUMMARY, FileResult

_FORMAT = 6


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def _valid_file(value: Any) -> bool:
    """The shape of an entry file: ``[key, entry]``."""
    return (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], str)
        and _valid_entry(value[1])
    )


def _valid_entry(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 4
        and isinstance(value[0], int)
        and isinstance(value[1], int)
        and isinstance(value[2], str)
        and isinstance(value[3], list)
    )


@dataclass(frozen=True, slots=True)
class StoredResult:
    """A file's cache entry: what it was checked as (timestamp, size, content digest) and the
    result's data (``FileResult.to_data``)."""

    mtime_ns: int
    size: int
    digest: str
    data: list[Any]


class ResultCache:
    """One signed JSON file per checked file, under ``results-<fingerprint>/``.

    A run reads the entries it needs and writes back only the ones that changed, so editing one
    file of a large project rewrites one small cache file; concurrent runs replace whole entry
    files atomically and never see half-written data.
    """

    def __init__(self, directory: Path, fingerprint: str, root: Path | None = None) -> None:
        self.directory = directory
        self.root = root
        self.entries_dir = directory / f"results-{fingerprint}-v{_FORMAT}"
        self.run_file = directory / f"run-{fingerprint}.json"
        self._loaded: dict[str, list[Any]] | None = None
        self._updated: dict[str, list[Any]] = {}

    @staticmethod
    def _entry_name(key: str) -> str:
        return blake2b(key.encode(), digest_size=12).hexdigest() + ".json"

    @property
    def _entries(self) -> dict[str, list[Any]]:
        """relative path -> [mtime_ns, size, digest, result data], read on first use (a run in
        which nothing changed never needs them)."""
        if self._loaded is None:
            self._loaded = {}
            try:
                names = os.listdir(self.entries_dir)
            except OSError:
                names = []
            for name in names:
                if not name.endswith(".json"):
                    continue
                value = read_signed(self.entries_dir / name)
                if _valid_file(value) and name == self._entry_name(value[0]):
                    self._loaded[value[0]] = value[1]
            # Entries written by this run before the others were needed.
            self._loaded.update(self._updated)
        return self._loaded

    def get(
        self,
        key: str,
        mtime_ns: int,
        size: int,
        digest: str | None = None,
        display: str | None = None,
    ) -> FileResult | None:
        """The cached result when the file is unchanged: same stat, or same content digest."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        cached_mtime, cached_size, cached_digest, data = entry
        if digest is None:
            if cached_mtime != mtime_ns or cached_size != size:
                return None
            if settled_mtime(mtime_ns) == 0:
                return None  # too recent to trust the timestamp: the caller compares content
        elif digest != cached_digest:
            return None
        try:
            return FileResult.from_data(data, display)
        except Exception:  # malformed entry: a cache miss, never a crash
            self._entries.pop(key, None)
            return None

    def summaries(self, exclude: str | None = None) -> list:
        """Module summaries of every cached file but ``exclude`` (for single-file runs)."""
        from fastapi_lint.analysis.module_summary import ModuleSummary

        found = []
        for key, entry in self._entries.items():
            if key == exclude:
                continue
            try:
                summary = entry[3][DATA_SUMMARY]
                if summary is not None:
                    found.append(ModuleSummary.from_data(summary))
            except Exception:
                continue
        return found

    def get_entry(self, key: str, display: str | None = None) -> FileResult | None:
        """One cached result, read on its own (without loading every entry)."""
        entry = self._raw_entry(key)
        if entry is None:
            return None
        try:
            return FileResult.from_data(entry[3], display)
        except Exception:
            return None

    def stored(self, key: str) -> StoredResult | None:
        """One file's entry, read on its own (for the incremental shortcut)."""
        entry = self._raw_entry(key)
        return None if entry is None else StoredResult(*entry)

    def _raw_entry(self, key: str) -> list[Any] | None:
        """``[mtime_ns, size, digest, result data]`` of one file, read on its own."""
        if key in self._updated:
            return self._updated[key]
        if self._loaded is not None:
            return self._loaded.get(key)
        value = read_signed(self.entry_path(key))
        return value[1] if _valid_file(value) and value[0] == key else None

    def entry_path(self, key: str) -> Path:
        return self.entries_dir / self._entry_name(key)

    def written_by_worker(self, key: str) -> None:
        """A worker process has written this entry: it is on disk, and this process keeps no
        copy (a large project's raw results would double the run's memory)."""
        if self._loaded is not None:
            self._loaded.pop(key, None)

    def put(self, key: str, mtime_ns: int, size: int, result: FileResult) -> None:
        entry = [settled_mtime(mtime_ns), size, result.digest, result.to_data()]
        if self._loaded is not None:
            self._loaded[key] = entry
        self._updated[key] = entry

    def save(self) -> None:
        if not self._updated:
            return
        with contextlib.suppress(OSError):  # a read-only checkout: run without persisting
            for key, entry in self._updated.items():
                write_signed(self.entry_path(key), [key, entry])
            if self.root is not None and self._loaded is not None:
                # Forget files that no longer exist.
                for key in list(self._loaded):
                    if not os.path.exists(os.path.join(self.root, key)):
                        with contextlib.suppress(OSError):
                            os.unlink(self.entries_dir / self._entry_name(key))
                        del self._loaded[key]
        self._updated.clear()

    # -- the last run's final findings ------------------------------------------------

    def load_run(self, cwd: str) -> RunSnapshot | None:
        """What the last run saw and reported, or None (no run yet, another version, bad data,
        or a run from another directory: messages name files relative to it)."""
        data = read_signed(self.run_file)
        if not isinstance(data, dict) or data.get("version") != __version__:
            return None
        if data.get("cwd") != cwd:
            return None
        files = data.get("files")
        reported = data.get("reported")
        diagnostics = data.get("diagnostics")
        refined = data.get("refined")
        if not (
            isinstance(files, dict)
            and isinstance(reported, list)
            and isinstance(diagnostics, dict)
            and isinstance(refined, dict)
        ):
            return None
        return RunSnapshot(files, set(reported), diagnostics, refined)

    def save_run(
        self,
        stats: dict[str, tuple[int, int]],
        digests: dict[str, str],
        diagnostics: dict[str, list[Diagnostic]],
        refined: dict[str, list[list[str]]],
        cwd: str,
    ) -> None:
        """``stats`` and ``digests``: every file the run read; ``diagnostics``: the final
        findings of each reported file (the keys are the files the run reported on; the others
        were read for their summaries only); ``refined``: per file, the messages the project
        pass restated (see ``RunSnapshot.refined_message``)."""
        now = time.time_ns()
        with contextlib.suppress(OSError):
            write_signed(
                self.run_file,
                {
                    "version": __version__,
                    "cwd": cwd,
                    # A timestamp too recent to trust is stored as 0: the next run then
                    # compares that file's content (see settled_mtime).
                    "files": {
                        key: [settled_mtime(m, now), s, digests.get(key, "")]
                        for key, (m, s) in stats.items()
                    },
                    "reported": sorted(diagnostics),
                    "diagnostics": {
                        key: [d.to_data() for d in items]
                        for key, items in diagnostics.items()
                        if items
                    },
                    "refined": {key: items for key, items in refined.items() if items},
                },
            )


class RunSnapshot:
    """The last run's files (timestamp, size and content digest of each), the files it
    reported on, their final findings (decoded on demand) and the per-file messages the
    project pass restated."""

    def __init__(
        self,
        files: dict[str, Any],
        reported: set[str],
        diagnostics: dict[str, Any],
        refined: dict[str, Any],
    ) -> None:
        self.files = files
        self.reported = reported
        self._diagnostics = diagnostics
        self.refined = refined

    def changed(self, stats: dict[str, tuple[int, int]], reported: list[str]) -> list[str] | None:
        """The files whose timestamp or size differ, when the run covers the same files and
        reports on the same ones; None otherwise."""
        if len(self.files) != len(stats) or len(reported) != len(self.reported):
            return None
        if not self.reported.issuperset(reported):
            return None
        changed = []
        for key, (mtime, size) in stats.items():
            known = self.files.get(key)
            if not isinstance(known, list) or len(known) != 3:
                return None
            if known[:2] != [mtime, size]:
                changed.append(key)
        return changed

    def digest(self, key: str) -> str:
        """The content digest of the file the last run read."""
        return self.files[key][2]

    def diagnostics(self, key: str) -> list[Diagnostic]:
        """Raises (TypeError, ValueError) on malformed data."""
        return [Diagnostic.from_data(d) for d in self._diagnostics.get(key, ())]

    def refined_message(self, key: str, code: str, message: str, data: str) -> str | None:
        """The message the project pass made of a per-file finding (``data``: its data as
        canonical JSON) in the last run, or None when that finding was not there."""
        for item in self.refined.get(key, ()):
            if isinstance(item, list) and item[:3] == [code, message, data]:
                return item[3] if isinstance(item[3], str) else None
        return None
