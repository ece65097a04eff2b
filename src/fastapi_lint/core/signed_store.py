"""The signed store: JSON values in files signed with this user's key, written atomically.

The key is kept outside any project (``$XDG_CACHE_HOME/fastapi-lint/key``), so a cache directory
that comes with an untrusted checkout fails the signature check and is ignored. Used by the
result cache, the settings' validated-table cache and the version detection cache. A directory
written to gets a ``CACHEDIR.TAG`` and a ``.gitignore``.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import time
from functools import cache
from pathlib import Path
from typing import Any

from fastapi_lint.core.hashing import compare_digest, mac

CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by fastapi-lint.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)
# Files modified less than this long ago are matched by content, never by timestamp: a write in
# the same clock tick as the cached one would otherwise go unnoticed.
RACY_NS = 2_000_000_000


def settled_mtime(mtime_ns: int, now: int | None = None) -> int:
    """The timestamp to store for a file: 0 when it was modified less than ``RACY_NS`` ago (a
    second write within the file system's timestamp granularity, of the same size, would look
    unchanged; such an entry is found by content digest only, as git does with "racily clean"
    entries). The main process and the workers store through this one rule."""
    return 0 if (time.time_ns() if now is None else now) - mtime_ns < RACY_NS else mtime_ns


def _json_dumps(value: Any) -> bytes:
    # ensure_ascii: checked source may hold lone surrogates (escaped in the output).
    return json.dumps(value, separators=(",", ":")).encode()


try:  # orjson reads and writes a large project's cache several times faster
    import orjson

    def _loads(data: bytes) -> Any:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            return json.loads(data)  # lone surrogates, which orjson refuses

    def _dumps(value: Any) -> bytes:
        try:
            return orjson.dumps(value)
        except TypeError:  # a string with lone surrogates (from the checked source)
            return _json_dumps(value)

except ImportError:  # pragma: no cover - orjson is a dependency; this keeps PyPy working

    def _loads(data: bytes) -> Any:
        return json.loads(data)

    _dumps = _json_dumps


@cache
def signing_key() -> bytes | None:
    """This user's cache key (created on first use); None when it cannot be kept."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base) / "fastapi-lint" / "key"
    try:
        key = path.read_bytes()
        if len(key) >= 32:
            return key
    except OSError:
        pass
    import secrets  # once per machine: not on every start
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(32)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".key-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, path)  # never replace a key another process just created
        except FileExistsError:
            key = path.read_bytes()
        finally:
            os.unlink(tmp)
        return key if len(key) >= 32 else None
    except OSError:
        return None


def _sign(payload: bytes) -> bytes | None:
    key = signing_key()
    if key is None:
        return None
    return mac(key, payload)


def read_signed(path: Path) -> Any | None:
    """The JSON value stored in ``path``, or None when missing, unsigned, tampered or invalid."""
    try:
        with open(path, "rb") as handle:
            content = handle.read()
    except OSError:
        return None
    signature, _, payload = content.partition(b"\n")
    expected = _sign(payload)
    if expected is None or not compare_digest(signature, expected):
        return None
    try:
        return _loads(payload)
    except (ValueError, RecursionError):
        return None


def write_signed(path: Path, value: Any) -> None:
    payload = _dumps(value)
    signature = _sign(payload)
    if signature is None:
        return  # no key: run without persisting
    directory = path.parent
    if directory not in _PREPARED:
        _prepare(directory)
        _PREPARED.add(directory)
    # A name no other process or thread uses (cheaper than tempfile's random names).
    tmp = directory / f".{path.name}.{os.getpid()}.{next(_COUNTER)}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(signature)  # three writes: no copy of a large payload
            handle.write(b"\n")
            handle.write(payload)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


_PREPARED: set[Path] = set()
_COUNTER = itertools.count()


def _prepare(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    if directory.name.startswith("results-"):
        directory = directory.parent  # the tag and .gitignore belong to the cache directory
    tag = directory / "CACHEDIR.TAG"
    if not tag.exists():
        tag.write_text(CACHEDIR_TAG, encoding="utf-8")
    gitignore = directory / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text("# Automatically created by fastapi-lint.\n*\n", encoding="utf-8")
