"""Reading and writing checked files: encoding, BOM, newlines, hashes and atomic writes."""

from __future__ import annotations

import codecs
import contextlib
import errno
import io
import os
import re
import stat
import tokenize
from dataclasses import dataclass
from pathlib import Path

from fastapi_lint.core.hashing import blake2b

_NEWLINE = re.compile(r"\r\n|\r|\n")


_ANY_WRITE = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH


def _owner(path: str) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_uid, st.st_gid


class SourceReadError(Exception):
    """The file could not be read (permissions, a broken link, a directory...)."""


class SourceDecodeError(Exception):
    """The bytes are not Python source text (bad encoding, NUL bytes). Reported as a syntax error."""

    def __init__(self, message: str, row: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.row = row
        self.column = column


class WriteConflictError(Exception):
    """The file changed on disk after it was read, or cannot be written; it was left alone."""


@dataclass(slots=True)
class SourceFile:
    text: str
    encoding: str  # a codec name usable with str.encode, without the BOM ("utf-8", "latin-1"...)
    bom: bool
    newline: str
    digest: str
    mtime_ns: int = 0
    size: int = 0
    mode: int = 0o644

    def encode(self, text: str) -> bytes:
        data = text.encode(self.encoding)
        return codecs.BOM_UTF8 + data if self.bom else data


def content_digest(data: bytes) -> str:
    return blake2b(data, digest_size=16).hexdigest()


def dominant_newline(text: str) -> str:
    match = _NEWLINE.search(text)
    return match.group(0) if match else "\n"


def decode_source(data: bytes) -> tuple[str, str, bool]:
    """Decode Python source bytes the way the interpreter does (PEP 263, BOM)."""
    if b"\0" in data:
        row = data[: data.index(b"\0")].count(b"\n") + 1
        raise SourceDecodeError("source contains NUL bytes (is this a binary file?)", row)
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        message = str(exc)
        if message == "encoding problem: utf-8" and data.startswith(codecs.BOM_UTF8):
            message += " (a UTF-8 byte order mark, but another encoding declared)"
        if not message.startswith("invalid or missing encoding declaration"):
            raise SourceDecodeError(message, _cookie_row(data)) from None
        # No declaration and the first lines are not UTF-8: decoding as UTF-8 below says
        # exactly which byte is wrong, and where.
        encoding = "utf-8"
    bom = False
    if encoding == "utf-8-sig":
        bom = data.startswith(codecs.BOM_UTF8)
        encoding = "utf-8"
        if bom:
            data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        raise SourceDecodeError(
            f"invalid {encoding} byte {data[exc.start : exc.start + 1]!r} (the file is not {encoding} text)",
            row,
            exc.start - line_start + 1,
        ) from None
    except LookupError:
        raise SourceDecodeError(f"unknown encoding {encoding!r}") from None
    return text, encoding, bom


def _cookie_row(data: bytes) -> int:
    """The line of the encoding declaration (1 or 2) a detection error is about."""
    lines = data.split(b"\n", 2)
    return 2 if len(lines) > 1 and b"coding" in lines[1] and b"coding" not in lines[0] else 1


def source_from_bytes(data: bytes) -> SourceFile:
    text, encoding, bom = decode_source(data)
    return SourceFile(
        text=text,
        encoding=encoding,
        bom=bom,
        newline=dominant_newline(text),
        digest=content_digest(data),
        size=len(data),
    )


def read_bytes(path: Path) -> tuple[bytes, os.stat_result]:
    try:
        with open(path, "rb") as handle:
            st = os.fstat(handle.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise SourceReadError("not a regular file")
            data = handle.read()
    except FileNotFoundError:
        if path.is_symlink():
            raise SourceReadError("broken symbolic link") from None
        raise SourceReadError("no such file") from None
    except PermissionError:
        raise SourceReadError("permission denied") from None
    except IsADirectoryError:
        raise SourceReadError("is a directory") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise SourceReadError("symbolic link loop") from None
        raise SourceReadError(exc.strerror or str(exc)) from None
    return data, st


def read_source(path: Path) -> SourceFile:
    data, st = read_bytes(path)
    source = source_from_bytes(data)
    source.mtime_ns = st.st_mtime_ns
    source.mode = stat.S_IMODE(st.st_mode)
    return source


def write_source(path: Path, original: SourceFile, new_text: str) -> None:
    """Replace ``path`` with ``new_text`` atomically, keeping encoding, BOM and file mode.

    Refuses (``WriteConflictError``) when the file changed since it was read or is read-only.
    """
    # Write through symbolic links instead of replacing the link with a file.
    path = Path(os.path.realpath(path))
    try:
        data = original.encode(new_text)
    except UnicodeEncodeError as exc:
        raise WriteConflictError(
            f"the fixed text cannot be encoded as {original.encoding}: {exc.reason}"
        ) from None
    try:
        st = path.stat()
        with open(path, "rb") as handle:
            current = handle.read()
    except OSError as exc:
        raise WriteConflictError(f"cannot re-read before writing: {exc.strerror or exc}") from None
    if content_digest(current) != original.digest or st.st_size != original.size:
        raise WriteConflictError("the file changed on disk while it was being checked")
    # By its mode bits too: root may write anything, but a file nobody may write is meant
    # to stay as it is.
    if not os.access(path, os.W_OK) or not st.st_mode & _ANY_WRITE:
        raise WriteConflictError("the file is read-only")
    import tempfile  # only when a fix is written

    directory = path.parent
    fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if hasattr(os, "chown") and (st.st_uid, st.st_gid) != _owner(tmp_name):
            # Keep the owner when allowed (root fixing someone's file); else it is ours.
            with contextlib.suppress(OSError):
                os.chown(tmp_name, st.st_uid, st.st_gid)
        os.chmod(tmp_name, stat.S_IMODE(st.st_mode))
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
