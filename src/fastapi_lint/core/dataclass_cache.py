"""Start-up: the compiled methods of dataclasses, kept between runs like Python's own bytecode.

``dataclasses`` writes each class's ``__init__``, ``__repr__``, ``__eq__``, ``__hash__`` (and,
for frozen classes, ``__setattr__``/``__delattr__``) as source text and compiles it with
``exec`` when the class is created. libcst defines about 250 node classes that way and the
linter about 90: compiling those ~900 small functions is about 0.08 s of every start, a quarter
of what the editor's fix-on-save may take in all (0.3 s).

Within :func:`compiled_dataclass_methods` the ``exec`` that the ``dataclasses`` module calls (a
module global shadows the builtin of the same name) compiles each source text once per
interpreter version, ever: the code object is stored under the exact text and, on a later run,
executed instead of compiling that text again. The functions are the same as without the cache:
``exec(text, g, l)`` compiles ``text`` as ``"<string>"`` with the ``__future__`` flags of the
calling module, and ``dataclasses`` has none; :func:`_compile` compiles it the same way
(``dont_inherit`` keeps this module's own ``annotations`` flag out) and executes the code object
with the same namespaces. ``tests/test_dataclass_cache.py`` compares the code of classes created
with and without the cache.

The cache file lives beside this module's bytecode (``__pycache__``, or under
``sys.pycache_prefix``): code is loaded from it, so it is trusted exactly as far as the ``.pyc``
files Python itself executes from there, and never put in a checked project's cache directory.
It starts with the interpreter's bytecode magic number, so another Python never reads it, and
is named like the bytecode (cache tag, ``-O`` level). A
missing, unreadable or foreign file means compiling as usual; an unwritable directory means
not saving. Nothing is saved when ``sys.dont_write_bytecode`` says not to write bytecode.
"""

from __future__ import annotations

import contextlib
import dataclasses
import marshal
import os
import sys
from collections.abc import Iterator
from importlib.util import MAGIC_NUMBER, cache_from_source
from pathlib import Path
from types import CodeType

_builtin_exec = exec

# Entries kept when the file is rewritten: everything used by this run, plus older entries
# while there are fewer than this many times the used ones (several Python programs share the
# installed package, each creating its own set of classes; texts from before an upgrade of
# libcst stop being used and are dropped once they outnumber the live ones).
_KEEP_FACTOR = 3


def cache_file() -> Path | None:
    """Where the compiled methods are kept for this interpreter (None: nowhere it can say)."""
    try:
        bytecode = cache_from_source(__file__)
    except (NotImplementedError, ValueError):  # no cache tag (sys.implementation.cache_tag None)
        return None
    # As for .pyc files, `-O` gets a file of its own (compile() follows the interpreter's level).
    level = f".opt-{sys.flags.optimize}" if sys.flags.optimize else ""
    name = f"dataclass_methods.{sys.implementation.cache_tag}{level}.marshal"
    return Path(bytecode).with_name(name)


class _Store:
    """The cache of one process: source text -> code object (classes with the same fields
    share their method texts, so a text is compiled at most once per run too)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.stored: dict[str, CodeType] = _load(path) if path is not None else {}
        self.used: dict[str, CodeType] = {}
        self.compiled = 0

    def exec(self, source, *args, **kwargs):
        if type(source) is str:
            code = self.used.get(source) or self.stored.get(source)
            if code is None:
                code = _compile(source)
                self.compiled += 1
            self.used[source] = code
            source = code
        return _builtin_exec(source, *args, **kwargs)

    def save(self) -> None:
        if self.path is None or not self.compiled or sys.dont_write_bytecode:
            return
        entries = dict(self.used)
        if len(self.stored) < _KEEP_FACTOR * len(self.used):
            entries = {**self.stored, **self.used}
        with contextlib.suppress(OSError, ValueError):
            _write(self.path, MAGIC_NUMBER + marshal.dumps(entries))


def _compile(source: str) -> CodeType:
    return compile(source, "<string>", "exec", dont_inherit=True)


def _load(path: Path) -> dict[str, CodeType]:
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    if not data.startswith(MAGIC_NUMBER):
        return {}
    try:
        entries = marshal.loads(memoryview(data)[len(MAGIC_NUMBER) :])
    except (EOFError, ValueError, TypeError):
        return {}
    if not isinstance(entries, dict):
        return {}
    return {
        text: code for text, code in entries.items() if type(text) is str and type(code) is CodeType
    }


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


@contextlib.contextmanager
def compiled_dataclass_methods(path: Path | None = None) -> Iterator[_Store]:
    """Dataclasses created inside the block reuse the methods compiled by earlier runs; the
    ones compiled now are saved at the end. ``path`` defaults to :func:`cache_file`."""
    store = _Store(path if path is not None else cache_file())
    previous = dataclasses.__dict__.get("exec")
    dataclasses.exec = store.exec
    try:
        yield store
    finally:
        if previous is None:
            del dataclasses.exec
        else:  # pragma: no cover - only when blocks are nested
            dataclasses.exec = previous
        store.save()
