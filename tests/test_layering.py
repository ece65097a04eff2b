"""The package's layers import only downward, and no modules import each other in a cycle.

Every import counts: at module level, inside functions (deferred for start-up time) and under
``TYPE_CHECKING``. A layer is a sub-package of ``fastapi_lint``; the order below is the
pipeline a reader follows in README "How it works".
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "fastapi_lint"

# Lowest first: a module may import its own layer and the layers before it.
LAYERS = ("core", "analysis", "project", "lint", "rules", "config", "engine", "app")
# The package root (`__version__`, the output-format names) sits with the plain data;
# `__main__` is the entry point above everything.
TOP_LEVEL = {"fastapi_lint": "core", "fastapi_lint.__main__": "__main__"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that ``name`` imports (the most specific existing module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            targets = [f"{module}.{alias.name}" for alias in node.names] + [module]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target.startswith("fastapi_lint"):
                found.add(target)
                break
    found.discard(name)
    return found


def _layer(module: str) -> str:
    if module in TOP_LEVEL:
        return TOP_LEVEL[module]
    return module.split(".")[1]


def _rank(layer: str) -> int:
    return len(LAYERS) if layer == "__main__" else LAYERS.index(layer)


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def test_every_module_is_in_a_layer():
    strays = [m for m in _modules() if m not in TOP_LEVEL and _layer(m) not in LAYERS]
    assert strays == [], f"modules outside the layers {LAYERS}: {strays}"


def test_layers_import_only_downward():
    upward = [
        f"{source} ({_layer(source)}) imports {target} ({_layer(target)})"
        for source, targets in _graph().items()
        for target in sorted(targets)
        if _rank(_layer(target)) > _rank(_layer(source))
    ]
    assert upward == [], "upward imports:\n" + "\n".join(upward)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        components.append(sorted(component))
    return components


def test_no_import_cycle():
    cycles = _cycles(_graph())
    assert cycles == [], "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_rule_modules_import_no_other_rule():
    """Shared logic lives in the family's helper modules (no `fapiNNN_` file imports another)."""
    offenders = [
        f"{source} imports {target}"
        for source, targets in _graph().items()
        if source.rpartition(".")[2].startswith("fapi")
        for target in sorted(targets)
        if target.rpartition(".")[2].startswith("fapi")
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
        ({"a": {"b"}, "b": set()}, []),
    ],
)
def test_the_cycle_finder_finds_cycles(graph, expected):
    assert _cycles(graph) == expected


def test_the_layer_check_sees_imports_inside_functions_and_type_checking(tmp_path):
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from fastapi_lint.engine import runner\n"
        "def f():\n    from fastapi_lint.app.cli import main\n"
    )
    path = tmp_path / "m.py"
    path.write_text(source)
    known = {"fastapi_lint.engine.runner", "fastapi_lint.app.cli", "fastapi_lint.engine"}
    assert _imports("fastapi_lint.core.m", path, known) == {
        "fastapi_lint.engine.runner",
        "fastapi_lint.app.cli",
    }
