"""Which files to check, and the module name of each.

Directories are walked without following links to directories, and linked files pointing out
of the project root are skipped; excluded directories (defaults: virtualenvs, caches, build
output) and ``.gitignore``d paths are skipped. Files named explicitly on the command line are
always checked, unless ``--force-exclude``.

This runs on every invocation, including the ones answered from the cache, so it works on
strings (not ``pathlib``) and matches plain directory names with a set lookup.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi_lint.config.settings import Settings
from fastapi_lint.project.roots import CONFIGURED, DECLARED, DEFAULT, PackageRoots

if TYPE_CHECKING:
    import pathspec

PYTHON_SUFFIXES = (".py", ".pyi")
_GLOB_CHARS = frozenset("*?[]/!\\")


@dataclass(frozen=True, slots=True)
class SourcePath:
    path: Path  # absolute
    display: str  # as reported (relative to the working directory when possible)
    module: str
    is_package: bool


@dataclass(slots=True)
class Discovery:
    files: list[SourcePath]
    skipped: list[tuple[str, str]]  # (path, reason) for verbose output
    missing: list[str]  # explicitly named paths that do not exist
    unreadable: list[tuple[Path, str]] = field(default_factory=list)  # directories, and why
    # Package roots the files' names came from, each with the first file found in it.
    package_roots: dict[str, str] = field(default_factory=dict)


def display_path(path: Path | str, cwd: Path | str) -> str:
    path, cwd = str(path), str(cwd)
    prefix = cwd.rstrip(os.sep) + os.sep
    if path.startswith(prefix):
        return path[len(prefix) :].replace(os.sep, "/")
    return path


class ModuleNamer:
    """Dotted module names, as Python names the file when the project runs (see ``roots.py``):
    from the deepest configured root containing the file; without one, from the deepest of
    the declared roots, the file's package root and the default roots."""

    def __init__(self, settings: Settings) -> None:
        self.configured = _deepest_first(r.path for r in settings.import_roots(CONFIGURED))
        self.others = _deepest_first(r.path for r in settings.import_roots(DECLARED, DEFAULT))
        self.others.append(os.path.abspath(settings.root))
        self._packages = PackageRoots()
        # Package roots found while naming, with the first file found in each (for -v).
        self.package_roots: dict[str, str] = {}

    @property
    def roots(self) -> list[str]:
        """Where modules are looked up by name: configured, package and other roots."""
        return [*self.configured, *_deepest_first(self.package_roots), *self.others]

    def root_of(self, path: str) -> str | None:
        for root in self.configured:
            if path.startswith(root.rstrip(os.sep) + os.sep):
                return root
        package_root = self._packages.of(os.path.dirname(path))
        if package_root is not None:
            self.package_roots.setdefault(package_root, path)
        for root in self.others:
            if path.startswith(root.rstrip(os.sep) + os.sep):
                if package_root is not None and len(package_root) > len(root):
                    return package_root
                return root
        return package_root

    def __call__(self, path: str) -> tuple[str, bool]:
        root = self.root_of(path)
        relative = path[len(root.rstrip(os.sep)) + 1 :] if root else os.path.basename(path)
        stem, _ = os.path.splitext(relative)
        parts = [p for p in stem.split(os.sep) if p]
        is_package = bool(parts) and parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        return ".".join(parts), is_package


def _deepest_first(paths) -> list[str]:
    unique = {os.path.abspath(p) for p in paths}
    return sorted(unique, key=lambda r: (-r.count(os.sep), r))


def module_name_for(path: Path, settings: Settings) -> tuple[str, bool]:
    return ModuleNamer(settings)(os.path.abspath(path))


def _gitignore_spec(lines: list[str]) -> pathspec.GitIgnoreSpec:
    import pathspec  # only when there are patterns: a run in a project without any skips it

    return pathspec.GitIgnoreSpec.from_lines(lines)


class _Ignorer:
    """Exclude patterns (gitignore syntax, relative to a root) plus nested .gitignore files."""

    def __init__(self, settings: Settings, root: str | None = None) -> None:
        self.root = root or os.path.abspath(settings.root)
        patterns = [*settings.exclude, *settings.extend_exclude]
        self.names = frozenset(p for p in patterns if not (_GLOB_CHARS & set(p)))
        globbed = [p for p in patterns if _GLOB_CHARS & set(p)]
        self.exclude = _gitignore_spec(globbed) if globbed else None
        self.respect_gitignore = settings.respect_gitignore
        self.settings = settings
        self._gitignores: dict[str, pathspec.GitIgnoreSpec | None] = {}

    def for_start(self, start: str) -> _Ignorer:
        """The ignorer for walking ``start``, a directory named on the command line.

        When ``start`` is itself excluded or ignored (``check .venv/lib/.../site-packages``),
        the user asked for it: patterns then apply below it only, as if it were the root.
        """
        if start == self.root or self.ignored(start, is_dir=True) is None:
            return self
        scoped = _Ignorer(self.settings, start)
        scoped._gitignores = self._gitignores
        return scoped

    def gitignore(self, directory: str) -> pathspec.GitIgnoreSpec | None:
        if directory not in self._gitignores:
            spec = None
            try:
                with open(
                    os.path.join(directory, ".gitignore"), encoding="utf-8", errors="replace"
                ) as handle:
                    spec = _gitignore_spec(handle.read().splitlines())
            except OSError:
                spec = None
            self._gitignores[directory] = spec
        return self._gitignores[directory]

    def _relative(self, path: str) -> str:
        prefix = self.root.rstrip(os.sep) + os.sep
        if path.startswith(prefix):
            return path[len(prefix) :].replace(os.sep, "/")
        return os.path.basename(path)

    def excluded(self, path: str, is_dir: bool) -> bool:
        if os.path.basename(path) in self.names:
            return True
        if self.exclude is None:
            return False
        relative = self._relative(path)
        return self.exclude.match_file(relative + "/" if is_dir else relative)

    def gitignored(self, path: str, is_dir: bool, chain: list[str]) -> bool:
        for base in chain:
            spec = self.gitignore(base)
            if spec is None:
                continue
            relative = path[len(base.rstrip(os.sep)) + 1 :].replace(os.sep, "/")
            if spec.match_file(relative + "/" if is_dir else relative):
                return True
        return False

    def chain_for(self, directory: str) -> list[str]:
        """Directories from the root down to ``directory`` (their .gitignore files apply)."""
        chain = []
        current = directory
        prefix = self.root.rstrip(os.sep)
        while True:
            chain.append(current)
            if current == prefix or not current.startswith(prefix + os.sep):
                break
            parent = os.path.dirname(current)
            if parent == current:
                break
            current = parent
        if not (directory == prefix or directory.startswith(prefix + os.sep)):
            return []
        return chain[::-1]

    def ignored(self, path: str, is_dir: bool, chain: list[str] | None = None) -> str | None:
        if self.excluded(path, is_dir):
            return "excluded"
        if is_dir and os.path.exists(os.path.join(path, "pyvenv.cfg")):
            return "virtual environment"
        if self.respect_gitignore:
            if chain is None:
                chain = self.chain_for(os.path.dirname(path))
            if self.gitignored(path, is_dir, chain):
                return "gitignored"
        return None


def discover(
    paths: Iterable[Path],
    settings: Settings,
    cwd: Path | None = None,
    force_exclude: bool = False,
) -> Discovery:
    cwd_str = os.path.abspath(cwd or Path.cwd())
    real_root = os.path.realpath(settings.root)
    ignorer = _Ignorer(settings)
    namer = ModuleNamer(settings)
    files: dict[str, SourcePath] = {}
    skipped: list[tuple[str, str]] = []
    missing: list[str] = []
    unreadable: list[tuple[Path, str]] = []

    def add(path: str) -> None:
        if path not in files:
            module, is_package = namer(path)
            files[path] = SourcePath(Path(path), display_path(path, cwd_str), module, is_package)

    for given in paths:
        absolute = os.path.normpath(os.path.join(cwd_str, str(given)))
        try:
            os.lstat(absolute)
        except (FileNotFoundError, NotADirectoryError):
            missing.append(str(given))
            continue
        except OSError as exc:  # a directory on the way that cannot be searched
            _unreadable(exc, unreadable, "Cannot read the path: {reason}")
            continue
        # os.path's tests answer False instead of raising on permission errors.
        if not os.path.isdir(absolute):
            # Named explicitly: checked even when excluded, unless --force-exclude (pre-commit
            # passes every staged file by name).
            reason = None
            if force_exclude:
                reason = ignorer.ignored(absolute, is_dir=False) or _excluded_ancestor(
                    ignorer, absolute
                )
            if reason is None:
                add(absolute)
            else:
                skipped.append((display_path(absolute, cwd_str), reason))
            continue
        walker = ignorer.for_start(absolute)
        chains: dict[str, list[str]] = {}
        for directory, dirnames, filenames in os.walk(
            absolute, followlinks=False, onerror=lambda exc: _unreadable(exc, unreadable)
        ):
            chain = chains.get(directory)
            if chain is None:
                chain = walker.chain_for(directory) if walker.respect_gitignore else []
            kept = []
            for name in sorted(dirnames):
                child = os.path.join(directory, name)
                if os.path.islink(child):
                    # Like git and ruff: links to directories are not followed (no loops).
                    skipped.append(
                        (
                            display_path(child, cwd_str),
                            "symbolic link to a directory (not followed)",
                        )
                    )
                    continue
                reason = walker.ignored(child, is_dir=True, chain=chain)
                if reason is None:
                    kept.append(name)
                    chains[child] = [*chain, child]
                else:
                    skipped.append((display_path(child, cwd_str), reason))
            dirnames[:] = kept
            for name in filenames:
                if not name.endswith(PYTHON_SUFFIXES):
                    continue
                child = os.path.join(directory, name)
                reason = walker.ignored(child, is_dir=False, chain=chain)
                if reason is None and os.path.islink(child):
                    reason = _outside_root(child, real_root)
                if reason is None:
                    add(child)
                else:
                    skipped.append((display_path(child, cwd_str), reason))
    _drop_links_to_checked_files(files, skipped, cwd_str)
    return Discovery(
        sorted(files.values(), key=lambda f: f.display),
        skipped,
        missing,
        sorted(unreadable),
        namer.package_roots,
    )


def _unreadable(
    exc: OSError,
    unreadable: list[tuple[Path, str]],
    message: str = "Cannot read the directory: {reason}; the files in it were not checked",
) -> None:
    """A path that cannot be read: reported, since its files would be missed silently."""
    if exc.filename is not None:
        reason = "permission denied" if isinstance(exc, PermissionError) else exc.strerror
        unreadable.append(
            (Path(os.path.abspath(exc.filename)), message.format(reason=reason or exc))
        )


def _drop_links_to_checked_files(
    files: dict[str, SourcePath], skipped: list[tuple[str, str]], cwd: str
) -> None:
    """A linked file whose target is checked under its own name is checked once: reporting
    it twice is noise, and fixing it twice would write the same file twice."""
    links = {path for path in files if os.path.islink(path)}
    if not links:
        return
    checked: set[tuple[int, int]] = set()
    for path in files:
        if path not in links:
            with contextlib.suppress(OSError):
                st = os.stat(path)
                checked.add((st.st_dev, st.st_ino))
    for link in sorted(links):
        try:
            st = os.stat(link)
        except OSError:  # broken or a loop: reported when read
            continue
        if (st.st_dev, st.st_ino) in checked:
            del files[link]
            skipped.append((display_path(link, cwd), "symbolic link to a file checked already"))


def _excluded_ancestor(ignorer: _Ignorer, path: str) -> str | None:
    root = ignorer.root.rstrip(os.sep)
    current = os.path.dirname(path)
    while current.startswith(root + os.sep):
        reason = ignorer.ignored(current, is_dir=True)
        if reason is not None:
            return reason
        current = os.path.dirname(current)
    return None


def _outside_root(path: str, real_root: str) -> str | None:
    try:
        target = os.path.realpath(path)
    except (OSError, RuntimeError):
        return "symbolic link loop"
    if not os.path.exists(target):
        return None  # a broken link: reported when read
    if target != real_root and not target.startswith(real_root.rstrip(os.sep) + os.sep):
        return "symbolic link out of the project root"
    return None
