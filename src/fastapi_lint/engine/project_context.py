"""The project around the named files: the other modules they need (for cross-module facts),
the import roots and how many first-party imports resolved (for -v), and, for a single file
from an editor, the cached summaries of its dependencies."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi_lint.config.settings import Settings
from fastapi_lint.core.source import SourceReadError, read_bytes
from fastapi_lint.engine.discovery import ModuleNamer, SourcePath, discover, display_path
from fastapi_lint.engine.outcomes import RunOptions
from fastapi_lint.engine.reach import reachable_context
from fastapi_lint.engine.result_cache import ResultCache
from fastapi_lint.engine.results import FileResult
from fastapi_lint.engine.session import Session
from fastapi_lint.project.index import Project
from fastapi_lint.project.roots import KINDS, first_party_names, resolution


def describe_roots(session: Session, found, sources, project: Project, outcomes) -> None:
    """Notes for -v: the package roots the files were named from, and how many imports
    of the project's own modules resolved (a warning is due when many did not)."""
    root = os.path.abspath(session.settings.root)
    for package_root, first in sorted(found.package_roots.items()):
        shown = os.path.relpath(package_root, root).replace(os.sep, "/")
        first_shown = os.path.relpath(first, root).replace(os.sep, "/")
        session.notes.append(f"import root: {shown} (package root of {first_shown})")
    if session.all_paths is None:
        session.all_paths = [str(source.path) for source in sources]
    versions = session.settings.detect_versions()
    roots = {*found.package_roots, *(r.path for r in session.settings.import_roots(*KINDS))}
    top_level = {
        os.path.basename(os.path.dirname(path))
        for path in session.all_paths
        if (
            os.path.basename(path) == "__init__.py"
            and os.path.dirname(os.path.dirname(path)) in roots
        )
    }
    # A module named like a dependency deep in the project (`db/sqlalchemy.py`) does not
    # make `import sqlalchemy` first-party; a top-level package of the project does.
    first_party = frozenset(
        name
        for name in first_party_names(session.all_paths, os.path.abspath(session.settings.root))
        if name in top_level or not versions.declares(name)
    )
    imported = [
        name
        for outcome in outcomes
        if outcome.result.summary is not None
        for name in outcome.result.summary.imports.values()
    ]
    session.resolution = resolution(imported, project.modules, first_party)
    session.notes.append(
        f"imports: {session.resolution.resolved} of {session.resolution.total} imports of "
        "first-party names resolved to modules of the project"
    )


def context_sources(
    session: Session, named: list[SourcePath], options: RunOptions
) -> list[SourcePath]:
    """The project's other files that the named ones need (``reach.py``), when the
    paths name only part of the project.

    Only for a real project root (a configuration, a ``pyproject.toml`` or a git work
    tree): a loose file checked outside any project has no project around it.
    """
    if not options.project_context or not named:
        return []
    root = Path(os.path.abspath(session.settings.root))
    if not is_project_root(root, session.settings):
        return []
    for given in options.paths:
        absolute = Path(os.path.abspath(given))
        if absolute == root or absolute in root.parents:
            return []  # the paths already cover the whole project
    everything = discover([root], session.settings, session.cwd)
    session.all_paths = [str(source.path) for source in everything.files]
    return reachable_context(named, everything.files, bytes_or_none)


# -- per-file pass ------------------------------------------------------------------


def cached_dependencies(session: Session, result: FileResult, cache: ResultCache) -> list:
    """Cached summaries of the modules ``result``'s module depends on, transitively (what it
    imports and calls), read entry by entry: an editor's single-file run stays fast in a
    large project. Facts that other modules give this one (a ``Depends()`` on one of its
    functions elsewhere) are those of the full run; the cache does not say them here."""
    if result.summary is None:
        return []
    by_module = ModuleFiles(session.settings, session.cwd)
    by_module.seed(result.path)  # its package root is where its imports are found
    loaded: dict[str, object] = {}
    queue = [result.summary]
    seen_modules = {result.summary.module}
    while queue:
        summary = queue.pop()
        for name in referenced_modules(summary, by_module):
            if name in seen_modules:
                continue
            seen_modules.add(name)
            source = by_module[name]
            hit = cache.get_entry(session.cache_key(source), source.display)
            if hit is not None and hit.summary is not None:
                loaded[name] = hit.summary
                queue.append(hit.summary)
    return list(loaded.values())


class ModuleFiles:
    """Module name -> the project file that defines it, looked up on demand under the import
    roots (an editor's single-file run never lists a large project's files). Each directory on
    the way is listed once: most names a module mentions (``fastapi.APIRouter``,
    ``typing.Annotated``) are settled by the first listing instead of a stat per candidate file
    and root, and names match as case-sensitively as Python imports them."""

    def __init__(self, settings: Settings, cwd: Path) -> None:
        self._namer = ModuleNamer(settings)
        self._cwd = cwd
        self._found: dict[str, SourcePath | None] = {}
        self._listings: dict[str, frozenset[str]] = {}

    def seed(self, path: str) -> None:
        """Name ``path`` first, so that its package root is among the roots looked in."""
        self._namer(os.path.abspath(path))

    def __contains__(self, name: str) -> bool:
        return self.get(name) is not None

    def __getitem__(self, name: str) -> SourcePath:
        found = self.get(name)
        if found is None:
            raise KeyError(name)
        return found

    def get(self, name: str) -> SourcePath | None:
        if name not in self._found:
            self._found[name] = self._find(name)
        return self._found[name]

    def _find(self, name: str) -> SourcePath | None:
        parts = name.split(".") if name else []
        if not parts or not all(part.isidentifier() for part in parts):
            return None
        *packages, last = parts
        for root in self._namer.roots:
            directory = root
            for part in packages:
                if part not in self._listing(directory):
                    break
                directory = os.path.join(directory, part)
            else:
                entries = self._listing(directory)
                for entry, init, is_package in (
                    (last + ".py", "", False),
                    (last, "__init__.py", True),
                    (last + ".pyi", "", False),
                    (last, "__init__.pyi", True),
                ):
                    if entry not in entries:
                        continue
                    path = os.path.join(directory, entry)
                    if init:
                        if init not in self._listing(path):
                            continue
                        path = os.path.join(path, init)
                    # The same name the discovery of the project gives the file (deepest root).
                    if os.path.isfile(path) and self._namer(path) == (name, is_package):
                        display = display_path(path, self._cwd)
                        return SourcePath(Path(path), display, name, is_package)
        return None

    def _listing(self, directory: str) -> frozenset[str]:
        entries = self._listings.get(directory)
        if entries is None:
            try:
                entries = frozenset(os.listdir(directory))
            except OSError:  # missing, not a directory, unreadable
                entries = frozenset()
            self._listings[directory] = entries
        return entries


def referenced_modules(summary, modules: ModuleFiles) -> set[str]:
    """Project modules named by a summary: imports, bases, types and call targets."""
    names: list[str] = [
        *summary.imports.values(),
        *summary.star_imports,
        *summary.variables.values(),
    ]
    for klass in summary.classes:
        names.extend(b for b in klass.bases if b)
        names.extend(klass.attributes.values())
    for function in summary.functions:
        names.extend(call.target for call in function.calls)
        names.extend(function.depends)
        if function.returns:
            names.append(function.returns)
    names.extend(reference[0] for reference in summary.references)
    found = set()
    for name in names:
        parts = name.split(".")
        for cut in range(len(parts), 0, -1):
            prefix = ".".join(parts[:cut])
            if prefix in modules:
                found.add(prefix)
                break
        # A package's __init__ re-exports: its parent packages matter too.
        for cut in range(1, len(parts)):
            prefix = ".".join(parts[:cut])
            if prefix in modules:
                found.add(prefix)
    return found


def bytes_or_none(source: SourcePath) -> bytes | None:
    try:
        return read_bytes(source.path)[0]
    except SourceReadError:
        return None


def is_project_root(root: Path, settings: Settings) -> bool:
    return (
        settings.config_file is not None
        or (root / "pyproject.toml").is_file()
        or (root / ".git").exists()
    )
