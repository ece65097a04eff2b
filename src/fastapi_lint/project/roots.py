"""Import roots: the directories Python finds the project's top-level packages in.

Found as the code is run, in this order (the first root that contains a file names it):

1. ``src`` in fastapi-lint's own configuration;
2. roots the project already declares for its other tools: ``[tool.ruff] src``,
   ``[tool.ty.environment] root`` / ``extra-paths``, ``[tool.mypy] mypy_path``,
   ``[tool.pyright] extraPaths`` / ``executionEnvironments``, pytest's ``pythonpath``
   (``pyproject.toml``, ``pytest.ini``, ``setup.cfg``), setuptools ``package-dir`` /
   ``packages.find.where``, hatch's wheel ``packages``, Poetry's ``packages`` ``from``;
3. for every file inside a package, its package root, found as ruff and mypy find it: climb
   while the folder is a package (a folder without ``__init__.py`` between two packages is a
   namespace package and is climbed too); the parent of the topmost package is a root;
4. the defaults, the project root and its ``src`` folder.

A monorepo checked from ``backend/`` whose ``pyproject.toml`` sits one level up, or a folder of
packages under a git root without one, thus resolves ``from app.services import x`` without
any setting.
"""

from __future__ import annotations

import configparser
import contextlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

CONFIGURED = "configured"
DECLARED = "declared"
PACKAGE = "package"
DEFAULT = "default"
KINDS = (CONFIGURED, DECLARED, DEFAULT)  # the kinds settings know (package roots: per file)


@dataclass(frozen=True, slots=True)
class ImportRoot:
    path: str  # absolute
    kind: str  # CONFIGURED, DECLARED, PACKAGE or DEFAULT
    origin: str  # where it came from, for -v

    def describe(self, root: str) -> str:
        shown = os.path.relpath(self.path, root) if self.path.startswith(root) else self.path
        return f"{shown} ({self.origin})"


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def _get(table: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(table, dict):
            return None
        table = table.get(key)
    return table


def _from_pyproject(data: dict[str, Any]) -> list[tuple[str, str]]:
    """(directory relative to the project root, origin) for every root the tools declare."""
    found: list[tuple[str, str]] = []
    tool = data.get("tool", {})
    for path in _strings(_get(tool, "ruff", "src")):
        found.append((path, "[tool.ruff] src"))
    for key in ("root", "extra-paths"):
        for path in _strings(_get(tool, "ty", "environment", key)):
            found.append((path, f"[tool.ty.environment] {key}"))
    mypy_path = _get(tool, "mypy", "mypy_path")
    if isinstance(mypy_path, str):
        mypy_path = mypy_path.replace(",", ":").split(":")
    for path in _strings(mypy_path):
        if path.strip() and "$" not in path:
            found.append((path.strip(), "[tool.mypy] mypy_path"))
    for path in _strings(_get(tool, "pyright", "extraPaths")):
        found.append((path, "[tool.pyright] extraPaths"))
    for environment in _get(tool, "pyright", "executionEnvironments") or ():
        if isinstance(environment, dict):
            for path in _strings(environment.get("root")):
                found.append((path, "[tool.pyright] executionEnvironments root"))
            for path in _strings(environment.get("extraPaths")):
                found.append((path, "[tool.pyright] executionEnvironments extraPaths"))
    for path in _strings(_get(tool, "pytest", "ini_options", "pythonpath")):
        found.append((path, "[tool.pytest.ini_options] pythonpath"))
    package_dir = _get(tool, "setuptools", "package-dir")
    if isinstance(package_dir, dict) and isinstance(package_dir.get(""), str):
        found.append((package_dir[""], "[tool.setuptools] package-dir"))
    for path in _strings(_get(tool, "setuptools", "packages", "find", "where")):
        found.append((path, "[tool.setuptools.packages.find] where"))
    for package in _strings(_get(tool, "hatch", "build", "targets", "wheel", "packages")):
        parent = os.path.dirname(package.rstrip("/"))
        found.append((parent or ".", "[tool.hatch.build.targets.wheel] packages"))
    for package in _get(tool, "poetry", "packages") or ():
        if isinstance(package, dict) and isinstance(package.get("from"), str):
            found.append((package["from"], "[tool.poetry] packages from"))
    return found


def _from_ini(path: Path, section: str) -> list[tuple[str, str]]:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError, OSError):
        return []
    if not parser.has_option(section, "pythonpath"):
        return []
    return [
        (item, f"{path.name} [{section}] pythonpath")
        for item in parser[section]["pythonpath"].split()
    ]


def declared_roots(root: Path) -> list[ImportRoot]:
    """The roots the project's other tools declare, that exist, in the order above."""
    found: list[tuple[str, str]] = []
    pyproject = root / "pyproject.toml"
    if os.path.isfile(pyproject):
        with contextlib.suppress(OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            found.extend(_from_pyproject(tomllib.loads(pyproject.read_text(encoding="utf-8"))))
    for name, section in (("pytest.ini", "pytest"), ("setup.cfg", "tool:pytest")):
        if os.path.isfile(root / name):
            found.extend(_from_ini(root / name, section))
    roots: list[ImportRoot] = []
    seen: set[str] = set()
    for relative, origin in found:
        path = os.path.normpath(os.path.join(root, relative))
        if path not in seen and os.path.isdir(path):
            seen.add(path)
            roots.append(ImportRoot(path, DECLARED, origin))
    return roots


class PackageRoots:
    """The package root of a directory, computed once per directory climbed."""

    def __init__(self) -> None:
        self._is_package: dict[str, bool] = {}
        self._root: dict[str, str | None] = {}

    def _package(self, directory: str) -> bool:
        found = self._is_package.get(directory)
        if found is None:
            found = os.path.isfile(os.path.join(directory, "__init__.py"))
            self._is_package[directory] = found
        return found

    def of(self, directory: str) -> str | None:
        """The folder above the topmost package that ``directory`` belongs to; None when
        ``directory`` is no package."""
        if directory in self._root:
            return self._root[directory]
        top = None
        current = directory
        while True:
            parent = os.path.dirname(current)
            if self._package(current):
                top = current
            elif top is None or not self._package(parent):
                break  # no package yet, or a gap that is not between two packages
            if parent == current:
                break
            current = parent
        found = os.path.dirname(top) if top is not None else None
        self._root[directory] = found
        return found


@dataclass(slots=True)
class Resolution:
    """How many absolute imports of first-party-looking names (a top-level name that is a
    package or module somewhere in the project) resolved to a module of the project."""

    resolved: int = 0
    total: int = 0
    unresolved: dict[str, int] | None = None  # top-level package -> imports that missed

    @property
    def poor(self) -> bool:
        """Enough imports, and a large share of them lost: the roots are likely wrong."""
        return self.total >= 20 and self.resolved < 0.7 * self.total


def first_party_names(paths: list[str], root: str) -> frozenset[str]:
    """Names that are a package (a folder of Python files, with or without ``__init__.py``)
    or a module anywhere under ``root``, from the project's file paths."""
    names = set()
    prefix = root.rstrip(os.sep) + os.sep
    for path in paths:
        if not path.startswith(prefix):
            continue
        *folders, name = path[len(prefix) :].split(os.sep)
        names.update(folders)
        names.add(name.rsplit(".", 1)[0])
    names.discard("__init__")
    return frozenset(n for n in names if n.isidentifier()) - set(sys.stdlib_module_names)


def resolution(imported: list[str], modules: set[str] | dict, first_party: frozenset[str]):
    """The share of ``imported`` qualified names (imports of the project's modules) whose
    module, or the module their last name is taken from, is one of ``modules``."""
    found = Resolution(unresolved={})
    for qualname in imported:
        top, _, rest = qualname.partition(".")
        if top not in first_party:
            continue
        found.total += 1
        parent = qualname.rpartition(".")[0]
        if qualname in modules or (rest and parent in modules):
            found.resolved += 1
        else:
            found.unresolved[top] = found.unresolved.get(top, 0) + 1
    return found
