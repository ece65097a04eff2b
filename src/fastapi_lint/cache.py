"""The result cache: per-file results keyed by content, tool version and effective settings.

Layout: ``<cache-dir>/CACHEDIR.TAG``, ``<cache-dir>/.gitignore`` and one JSON file per settings
fingerprint (the fingerprint covers the tool version). Entries are plain JSON data, never
pickle: a cache directory may come from an untrusted checkout, so anything malformed is
ignored entry by entry. Writes are atomic (temporary file, then rename) and merge with what
another process may have written meanwhile, so concurrent runs never corrupt the cache.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from fastapi_lint import __version__
from fastapi_lint.checker import FileResult

CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by fastapi-lint.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)
_FORMAT = 1
# Files modified less than this long ago are matched by content, never by timestamp.
_RACY_NS = 2_000_000_000


class ResultCache:
    def __init__(self, directory: Path, fingerprint: str, root: Path | None = None) -> None:
        self.directory = directory
        self.root = root
        self.file = directory / f"results-{fingerprint}.json"
        # relative path -> [mtime_ns, size, digest, result data]
        self._entries: dict[str, list[Any]] = {}
        self._updated: dict[str, list[Any]] = {}
        self._load()

    def _load(self) -> None:
        data = self._read(self.file)
        if data is not None:
            self._entries = data

    @staticmethod
    def _read(path: Path) -> dict[str, list[Any]] | None:
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError, RecursionError, MemoryError):  # unreadable, malformed, a bomb
            return None
        if (
            not isinstance(data, dict)
            or data.get("format") != _FORMAT
            or data.get("version") != __version__
            or not isinstance(data.get("files"), dict)
        ):
            return None
        entries = {}
        for key, value in data["files"].items():
            if (
                isinstance(key, str)
                and isinstance(value, list)
                and len(value) == 4
                and isinstance(value[0], int)
                and isinstance(value[1], int)
                and isinstance(value[2], str)
                and isinstance(value[3], list)
            ):
                entries[key] = value
        return entries

    def get(
        self, key: str, mtime_ns: int, size: int, digest: str | None = None
    ) -> FileResult | None:
        """The cached result when the file is unchanged: same stat, or same content digest."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        cached_mtime, cached_size, cached_digest, data = entry
        if digest is None:
            if cached_mtime != mtime_ns or cached_size != size:
                return None
        elif digest != cached_digest:
            return None
        try:
            return FileResult.from_data(data)
        except Exception:  # malformed or hostile entry: a cache miss, never a crash
            self._entries.pop(key, None)
            return None

    def summaries(self, exclude: str | None = None) -> list:
        """Module summaries of every cached file but ``exclude`` (for single-file runs)."""
        from fastapi_lint.summary import ModuleSummary

        found = []
        for key, entry in self._entries.items():
            if key == exclude:
                continue
            data = entry[3]
            try:
                if data[3] is not None:
                    found.append(ModuleSummary.from_data(data[3]))
            except Exception:
                continue
        return found

    def put(self, key: str, mtime_ns: int, size: int, result: FileResult) -> None:
        if time.time_ns() - mtime_ns < _RACY_NS:
            # Modified just now: a second write within the file system's timestamp
            # granularity, of the same size, would look unchanged. Such an entry is found
            # by content digest only (as git does with "racily clean" entries).
            mtime_ns = 0
        entry = [mtime_ns, size, result.digest, result.to_data()]
        self._entries[key] = entry
        self._updated[key] = entry

    def save(self) -> None:
        if not self._updated:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            tag = self.directory / "CACHEDIR.TAG"
            if not tag.exists():
                tag.write_text(CACHEDIR_TAG, encoding="utf-8")
            gitignore = self.directory / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text(
                    "# Automatically created by fastapi-lint.\n*\n", encoding="utf-8"
                )
            # Another process may have saved since we loaded: keep its entries, ours win.
            merged = self._read(self.file) or {}
            merged.update(self._entries)
            if self.root is not None:
                # Forget files that no longer exist.
                merged = {
                    key: value
                    for key, value in merged.items()
                    if os.path.exists(os.path.join(self.root, key))
                }
            payload = {"format": _FORMAT, "version": __version__, "files": merged}
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".results-", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(payload, handle, separators=(",", ":"))
                os.replace(tmp, self.file)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError:
            pass  # a read-only checkout: run without persisting the cache
        self._updated.clear()
