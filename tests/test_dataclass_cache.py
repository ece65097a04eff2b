"""The dataclass method cache: the same functions as without it, fewer compilations, and any
file it cannot trust ignored."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import textwrap
import typing
from pathlib import Path

import pytest

from fastapi_lint.core import dataclass_cache
from fastapi_lint.core.dataclass_cache import cache_file, compiled_dataclass_methods

# Every kind of generated method: __init__ with defaults and factories, __repr__, __eq__, order,
# __hash__, frozen __setattr__/__delattr__, slots, keyword-only fields, __post_init__.
DEFINITIONS = """
import dataclasses
from dataclasses import InitVar, dataclass, field
from typing import ClassVar


@dataclass
class Plain:
    name: str
    count: int = 0
    tags: list = field(default_factory=list)
    kind: ClassVar[str] = "plain"


@dataclass(frozen=True, order=True)
class Frozen:
    x: int
    y: int = field(default=1, compare=False)


@dataclass(slots=True, kw_only=True)
class Slotted:
    a: int
    b: str = "b"


@dataclass(unsafe_hash=True, repr=False)
class WithPostInit:
    value: int
    scale: InitVar[int] = 2

    def __post_init__(self, scale):
        self.value *= scale


@dataclass(eq=False)
class NoEq:
    pass
"""

CLASSES = ("Plain", "Frozen", "Slotted", "WithPostInit", "NoEq")


@pytest.fixture(autouse=True)
def _bytecode_may_be_written(monkeypatch: pytest.MonkeyPatch) -> None:
    # As for a user; the test environment may set PYTHONDONTWRITEBYTECODE.
    monkeypatch.setattr(sys, "dont_write_bytecode", False)


def _define() -> dict[str, typing.Any]:
    namespace: dict[str, typing.Any] = {"__name__": "cases"}
    exec(compile(DEFINITIONS, "cases.py", "exec", dont_inherit=True), namespace)
    return namespace


def _code_signature(code) -> tuple:
    return (
        code.co_name,
        code.co_filename,
        code.co_firstlineno,
        code.co_flags,
        code.co_argcount,
        code.co_kwonlyargcount,
        code.co_posonlyargcount,
        code.co_varnames,
        code.co_names,
        code.co_freevars,
        code.co_cellvars,
        code.co_code,
        _constants(code.co_consts),
    )


def _constants(constants: tuple) -> tuple:
    # A frozenset constant (`name in {...}`) rebuilt by marshal may iterate in another order.
    return tuple(
        tuple(sorted(map(repr, c))) if isinstance(c, frozenset) else repr(c) for c in constants
    )


def _methods(cls: type) -> dict[str, tuple]:
    found = {}
    for name, value in vars(cls).items():
        function = getattr(value, "__wrapped__", value)  # __repr__ is wrapped once
        code = getattr(function, "__code__", None)
        if code is not None and code.co_filename == "<string>":
            found[name] = (
                _code_signature(code),
                function.__defaults__,
                function.__kwdefaults__,
                tuple(sorted(function.__annotations__)),
            )
    return found


def test_methods_are_the_same_with_and_without_the_cache(tmp_path: Path) -> None:
    path = tmp_path / "methods.marshal"
    plain = _define()
    with compiled_dataclass_methods(path) as first:
        compiled = _define()
    assert first.compiled > 0
    assert path.exists()
    with compiled_dataclass_methods(path) as second:
        reused = _define()
    assert second.compiled == 0  # every method came from the file
    assert len(second.used) == len(first.used)
    for name in CLASSES:
        expected = _methods(plain[name])
        assert expected, name
        assert _methods(compiled[name]) == expected, name
        assert _methods(reused[name]) == expected, name


def test_classes_made_from_cached_code_behave(tmp_path: Path) -> None:
    path = tmp_path / "methods.marshal"
    with compiled_dataclass_methods(path):
        _define()
    with compiled_dataclass_methods(path):
        ns = _define()
    plain = ns["Plain"]("a")
    assert plain == ns["Plain"]("a", 0, [])
    assert repr(plain) == "Plain(name='a', count=0, tags=[])"
    assert plain.tags is not ns["Plain"]("b").tags
    frozen = ns["Frozen"](1, 5)
    assert frozen == ns["Frozen"](1, 6)
    assert ns["Frozen"](0) < frozen
    assert hash(frozen) == hash(ns["Frozen"](1))
    with pytest.raises(dataclasses.FrozenInstanceError):
        frozen.x = 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        del frozen.x
    slotted = ns["Slotted"](a=1)
    assert not hasattr(slotted, "__dict__")
    with pytest.raises(TypeError):
        ns["Slotted"](1)
    assert ns["WithPostInit"](3).value == 6
    assert ns["WithPostInit"](3, 3).value == 9
    first = ns["NoEq"]()
    assert first != ns["NoEq"]() and first == first


def test_the_block_leaves_dataclasses_as_it_was(tmp_path: Path) -> None:
    with compiled_dataclass_methods(tmp_path / "m"):
        assert dataclasses.exec.__self__ is not None  # type: ignore[attr-defined]
    assert "exec" not in vars(dataclasses)
    with pytest.raises(ZeroDivisionError), compiled_dataclass_methods(tmp_path / "m"):
        1 / 0  # noqa: B018
    assert "exec" not in vars(dataclasses)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"garbage",
        b"\x00\x00\r\n" + b"\x00" * 10,  # another interpreter's magic number
        dataclass_cache.MAGIC_NUMBER + b"\xff\xfe",  # truncated
        dataclass_cache.MAGIC_NUMBER + __import__("marshal").dumps([1, 2]),
        dataclass_cache.MAGIC_NUMBER + __import__("marshal").dumps({"def f(): pass": "not code"}),
    ],
)
def test_an_untrusted_or_damaged_file_is_ignored(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "methods.marshal"
    path.write_bytes(content)
    with compiled_dataclass_methods(path) as store:
        ns = _define()
    assert store.compiled == len(store.used) > 0
    assert ns["Plain"]("a").count == 0
    # Rewritten whole: the next run compiles nothing.
    with compiled_dataclass_methods(path) as again:
        _define()
    assert again.compiled == 0


def test_a_file_from_another_interpreter_version_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "methods.marshal"
    with compiled_dataclass_methods(path):
        _define()
    data = path.read_bytes()
    path.write_bytes(bytes([data[0] ^ 1]) + data[1:])  # another magic number
    with compiled_dataclass_methods(path) as store:
        _define()
    assert store.compiled > 0


def test_nothing_is_written_when_bytecode_must_not_be(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    path = tmp_path / "methods.marshal"
    with compiled_dataclass_methods(path) as store:
        _define()
    assert store.compiled > 0
    assert not path.exists()


def test_an_unwritable_place_only_means_not_saving(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with compiled_dataclass_methods(blocker / "sub" / "methods.marshal") as store:
        ns = _define()
    assert store.compiled > 0
    assert ns["Frozen"](1).y == 1


def test_entries_no_longer_used_are_dropped_once_they_outnumber_the_live_ones(
    tmp_path: Path,
) -> None:
    path = tmp_path / "methods.marshal"
    with compiled_dataclass_methods(path):
        _define()
    with compiled_dataclass_methods(path) as store:
        for index in range(40):  # a library upgrade: new texts
            dataclasses.make_dataclass(f"C{index}", [(f"f{index}", int)])
    assert len(store.stored) < 3 * len(store.used)
    with compiled_dataclass_methods(path) as later:
        dataclasses.make_dataclass("Only", [("x", int)])
    # Before: every old entry still in the file. Now it holds only what the last run used.
    assert len(later.stored) > 3 * len(later.used)
    with compiled_dataclass_methods(path) as last:
        pass
    assert len(last.stored) == len(later.used)


def test_the_file_sits_with_the_bytecode(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    location = cache_file()
    assert location is not None
    assert location.parent.name == "__pycache__"
    assert location.name == f"dataclass_methods.{sys.implementation.cache_tag}.marshal"
    optimized = subprocess.run(
        [
            sys.executable,
            "-O",
            "-c",
            "from fastapi_lint.core.dataclass_cache import cache_file\nprint(cache_file().name)",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert optimized == f"dataclass_methods.{sys.implementation.cache_tag}.opt-1.marshal"
    monkeypatch.setattr(sys, "pycache_prefix", str(tmp_path))
    prefixed = cache_file()
    assert prefixed is not None and prefixed.is_relative_to(tmp_path)


# The nodes of libcst, created in fresh interpreters: without the cache, filling it, reading it.
_LIBCST_METHODS = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from fastapi_lint.core.dataclass_cache import compiled_dataclass_methods
    mode, path = sys.argv[1], Path(sys.argv[2])
    if mode == "plain":
        import libcst
        compiled = -1
    else:
        with compiled_dataclass_methods(path) as store:
            import libcst
        compiled = store.compiled
    import dataclasses
    def constants(values):  # a frozenset rebuilt by marshal may iterate in another order
        return repr(tuple(sorted(map(repr, c)) if isinstance(c, frozenset) else c
                          for c in values))
    parts = []
    for name in sorted(dir(libcst)):
        cls = getattr(libcst, name)
        if isinstance(cls, type) and dataclasses.is_dataclass(cls):
            for attr, value in sorted(vars(cls).items()):
                function = getattr(value, "__wrapped__", value)
                code = getattr(function, "__code__", None)
                if code is not None and code.co_filename == "<string>":
                    parts.append((name, attr, code.co_code, code.co_names, code.co_varnames,
                                  code.co_flags, constants(code.co_consts),
                                  function.__defaults__ is None))
    print(compiled, len(parts), hash(repr(parts)))
    """
)


def test_libcst_nodes_get_the_same_methods_from_the_cache(tmp_path: Path) -> None:
    path = tmp_path / "methods.marshal"
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)

    def run(mode: str) -> list[str]:
        proc = subprocess.run(
            [sys.executable, "-c", _LIBCST_METHODS, mode, str(path)],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        return proc.stdout.split()

    plain = run("plain")
    filling = run("cached")
    reading = run("cached")
    assert int(plain[1]) > 500  # hundreds of node methods compared
    assert int(filling[0]) > 0
    assert reading[0] == "0"
    assert plain[1:] == filling[1:] == reading[1:]
