"""Which files to check, and the module name of each.

Directories are walked without following links to directories, and linked files pointing out
of the project root are skipped; excluded
directories (defaults: virtualenvs, caches, build output) and ``.gitignore``d paths are skipped.
Files named explicitly on the command line are always checked.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from fastapi_lint.settings import Settings

PYTHON_SUFFIXES = (".py", ".pyi")


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


def display_path(path: Path, cwd: Path) -> str:
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return str(path)


def module_name_for(path: Path, settings: Settings) -> tuple[str, bool]:
    """Dotted module name from the deepest import root (``src``) containing ``path``."""
    roots = sorted(
        {Path(os.path.abspath(r)) for r in settings.src}, key=lambda p: len(p.parts), reverse=True
    )
    roots.append(Path(os.path.abspath(settings.root)))
    relative: Path | None = None
    for root in roots:
        try:
            relative = path.relative_to(root)
            break
        except ValueError:
            continue
    if relative is None:
        relative = Path(path.name)
    parts = list(relative.with_suffix("").parts)
    is_package = bool(parts) and parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    parts = [p for p in parts if p]
    return ".".join(parts), is_package


class _Ignorer:
    """Exclude patterns (gitignore syntax, relative to the root) plus nested .gitignore files."""

    def __init__(self, settings: Settings) -> None:
        self.root = Path(os.path.abspath(settings.root))
        patterns = [*settings.exclude, *settings.extend_exclude]
        self.exclude = pathspec.GitIgnoreSpec.from_lines(patterns)
        self.respect_gitignore = settings.respect_gitignore
        self._gitignores: dict[Path, pathspec.GitIgnoreSpec | None] = {}

    def _gitignore(self, directory: Path) -> pathspec.GitIgnoreSpec | None:
        if directory not in self._gitignores:
            spec = None
            candidate = directory / ".gitignore"
            try:
                lines = candidate.read_text(encoding="utf-8", errors="replace").splitlines()
                spec = pathspec.GitIgnoreSpec.from_lines(lines)
            except OSError:
                spec = None
            self._gitignores[directory] = spec
        return self._gitignores[directory]

    def for_start(self, start: Path) -> _Ignorer:
        """The ignorer for walking ``start``, a directory named on the command line.

        When ``start`` is itself excluded or ignored (``check .venv/lib/.../site-packages``),
        the user asked for it: patterns then apply below it only, as if it were the root.
        """
        if start == self.root or self.ignored(start, is_dir=True) is None:
            return self
        scoped = _Ignorer.__new__(_Ignorer)
        scoped.root = start
        scoped.exclude = self.exclude
        scoped.respect_gitignore = self.respect_gitignore
        scoped._gitignores = self._gitignores
        return scoped

    def ignored(self, path: Path, is_dir: bool) -> str | None:
        try:
            relative = path.relative_to(self.root).as_posix()
        except ValueError:
            relative = path.name
        probe = relative + "/" if is_dir else relative
        if self.exclude.match_file(probe):
            return "excluded"
        if is_dir and os.path.exists(path / "pyvenv.cfg"):
            return "virtual environment"
        if self.respect_gitignore:
            # Every .gitignore from the root down to the path's directory applies to it.
            directory = path.parent
            chain = []
            while True:
                chain.append(directory)
                if directory == self.root or directory.parent == directory:
                    break
                try:
                    directory.relative_to(self.root)
                except ValueError:
                    chain.pop()
                    break
                directory = directory.parent
            for base in chain:
                spec = self._gitignore(base)
                if spec is None:
                    continue
                rel = path.relative_to(base).as_posix()
                if spec.match_file(rel + "/" if is_dir else rel):
                    return "gitignored"
        return None


def discover(
    paths: Iterable[Path],
    settings: Settings,
    cwd: Path | None = None,
    force_exclude: bool = False,
) -> Discovery:
    cwd = cwd or Path.cwd()
    root = Path(os.path.abspath(settings.root))
    real_root = Path(os.path.realpath(root))
    ignorer = _Ignorer(settings)
    files: dict[Path, SourcePath] = {}
    skipped: list[tuple[str, str]] = []
    missing: list[str] = []
    unreadable: list[tuple[Path, str]] = []

    def add(path: Path) -> None:
        if path in files:
            return
        module, is_package = module_name_for(path, settings)
        files[path] = SourcePath(path, display_path(path, cwd), module, is_package)

    for given in paths:
        absolute = Path(os.path.abspath(given))
        try:
            os.lstat(absolute)
        except (FileNotFoundError, NotADirectoryError):
            missing.append(str(given))
            continue
        except OSError as exc:  # a directory on the way that cannot be searched
            _unreadable(exc, unreadable, "Cannot read the path: {reason}")
            continue
        # os.path's tests (not Path's) answer False instead of raising on permission errors.
        if os.path.isfile(absolute) or (os.path.islink(absolute) and not os.path.isdir(absolute)):
            # Named explicitly: checked even when excluded, unless --force-exclude (pre-commit
            # passes every staged file by name).
            reason = ignorer.ignored(absolute, is_dir=False) if force_exclude else None
            if reason is None and force_exclude:
                reason = _excluded_ancestor(ignorer, absolute)
            if reason is None:
                add(absolute)
            else:
                skipped.append((display_path(absolute, cwd), reason))
            continue
        walk_ignorer = ignorer.for_start(absolute)
        for directory, dirnames, filenames in os.walk(
            absolute, followlinks=False, onerror=lambda exc: _unreadable(exc, unreadable)
        ):
            base = Path(directory)
            kept = []
            for name in sorted(dirnames):
                child = base / name
                reason = walk_ignorer.ignored(child, is_dir=True)
                if reason is None and os.path.islink(child):
                    # Like git and ruff: links to directories are not followed (no loops).
                    reason = "symbolic link to a directory (not followed)"
                if reason is None:
                    kept.append(name)
                else:
                    skipped.append((display_path(child, cwd), reason))
            dirnames[:] = kept
            for name in sorted(filenames):
                if not name.endswith(PYTHON_SUFFIXES):
                    continue
                child = base / name
                reason = walk_ignorer.ignored(child, is_dir=False)
                if reason is None and os.path.islink(child):
                    reason = _outside_root(child, real_root)
                if reason is None:
                    add(child)
                else:
                    skipped.append((display_path(child, cwd), reason))
    _drop_links_to_checked_files(files, skipped, cwd)
    return Discovery(
        sorted(files.values(), key=lambda f: f.display), skipped, missing, sorted(unreadable)
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
    files: dict[Path, SourcePath], skipped: list[tuple[str, str]], cwd: Path
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
                st = path.stat()
                checked.add((st.st_dev, st.st_ino))
    for link in sorted(links):
        try:
            st = link.stat()
        except OSError:  # broken or a loop: reported when read
            continue
        if (st.st_dev, st.st_ino) in checked:
            del files[link]
            skipped.append((display_path(link, cwd), "symbolic link to a file checked already"))


def _excluded_ancestor(ignorer: _Ignorer, path: Path) -> str | None:
    for parent in path.parents:
        if parent == ignorer.root:
            return None
        try:
            parent.relative_to(ignorer.root)
        except ValueError:
            return None
        reason = ignorer.ignored(parent, is_dir=True)
        if reason is not None:
            return reason
    return None


def _outside_root(path: Path, real_root: Path) -> str | None:
    try:
        target = Path(os.path.realpath(path))
    except (OSError, RuntimeError):
        return "symbolic link loop"
    if not os.path.exists(target):
        return None  # a broken link: reported when read
    try:
        target.relative_to(real_root)
    except ValueError:
        return "symbolic link out of the project root"
    return None
