"""FAPI402 against FastAPI itself: every FAPI402 fixture is imported with FastAPI's own
annotation reader (``fastapi.dependencies.utils.get_typed_signature``, called when a route is
registered) recording which parameters it left unresolved. Every parameter FastAPI failed to
resolve is reported, every other parameter it read resolved, and a reported parameter it did
not read belongs to a dependency it never reached (named by an unresolved parameter). An app
with an unresolved parameter fails ``app.openapi()``; the others build their schema."""

from __future__ import annotations

import ast
import importlib
import re
import sys
import typing
from pathlib import Path

import pytest
from harness import FIXTURES, run

fastapi = pytest.importorskip("fastapi")
utils = pytest.importorskip("fastapi.dependencies.utils")

CASES = sorted((FIXTURES / "rules" / "FAPI402").glob("*"))
CASES = [c for c in CASES if c.suffix == ".py" or c.is_dir()]
REPORTED_PARAM = re.compile(r"^The annotation of `(?P<param>\w+)`")


def _unresolved(annotation: object) -> bool:
    """A forward reference (or string) left anywhere in a type FastAPI evaluated."""
    if isinstance(annotation, (str, typing.ForwardRef)):
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return False  # its strings are values
    if origin is typing.Annotated:
        return _unresolved(typing.get_args(annotation)[0])
    return any(_unresolved(arg) for arg in typing.get_args(annotation) if arg is not Ellipsis)


def _enclosing_function(path: Path, row: int) -> str:
    """The name of the innermost function whose signature spans ``row``."""
    best = None
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            end = node.body[0].lineno
            if node.lineno <= row <= end and (best is None or node.lineno > best.lineno):
                best = node
    assert best is not None, f"{path}:{row}: no function"
    return best.name


def _reported(case: Path) -> set[tuple[str, str]]:
    """(function, parameter) of every FAPI402 finding of the case."""
    root = case if case.is_dir() else case.parent
    result = run(case, ["FAPI402"])
    found = set()
    for outcome, diagnostic in result.diagnostics:
        if diagnostic.code != "FAPI402":
            continue
        match = REPORTED_PARAM.match(diagnostic.message)
        assert match, diagnostic.message
        path = root / outcome.source.display
        found.add((_enclosing_function(path, diagnostic.location.row), match.group("param")))
    return found


def _import(case: Path):
    """Import the case's modules (a directory: its package's `main`), returning them."""
    if case.is_dir():
        sys.path.insert(0, str(case))
        names = [
            ".".join(p.relative_to(case).with_suffix("").parts)
            for p in sorted(case.rglob("main.py"))
        ]
    else:
        sys.path.insert(0, str(case.parent))
        names = [case.stem]
    before = set(sys.modules)
    try:
        return [importlib.import_module(name) for name in names]
    finally:
        sys.path.pop(0)
        for name in set(sys.modules) - before:
            del sys.modules[name]


def _apps(modules) -> list:
    apps = []
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, fastapi.FastAPI):
                apps.append(value)
        factory = getattr(module, "create_app", None)
        if callable(factory):
            apps.append(factory())
    return apps


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_fastapi_fails_exactly_on_the_reported_parameters(case: Path, monkeypatch) -> None:
    read: dict[tuple[str, str], bool] = {}  # (function, parameter) -> resolved
    original = utils.get_typed_signature

    def recording(call):
        signature = original(call)
        name = getattr(typing.cast(typing.Any, call), "__name__", repr(call))
        for param in signature.parameters.values():
            if param.annotation is not param.empty:
                resolved = not _unresolved(param.annotation)
                read[(name, param.name)] = read.get((name, param.name), True) and resolved
        return signature

    monkeypatch.setattr(utils, "get_typed_signature", recording)
    apps = _apps(_import(case))
    reported = _reported(case)
    unresolved = {key for key, resolved in read.items() if not resolved}
    assert unresolved <= reported  # every failure is reported
    functions_read = {function for function, _ in read}
    for function, param in reported - unresolved:
        # Reported but not seen failing: FastAPI never got to read it, because the parameter
        # that names it as a dependency failed first (fixing that one exposes this one).
        assert function not in functions_read, (function, param)
    assert read, "FastAPI read no annotation"
    for app in apps:
        if unresolved:
            with pytest.raises(RuntimeError, match="is not fully defined"):
                app.openapi()
        else:
            assert app.openapi()["paths"]
