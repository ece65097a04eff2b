"""Which files of the project a run on some of its files needs for cross-module facts.

A pre-commit run names a few staged files; their findings depend on the modules they can reach
(what they import, transitively: the helpers that block, the base classes, the dependencies) and
on a few modules that reach them: the modules importing them directly (a ``Depends()`` on one of
their functions makes it a dependency) and, up from there, the modules that include routers
(the app that mounts a checked router). The rest of a large repository (tools, scripts, other
services) is never parsed.

The imports are read with a regular expression over each file's bytes, without parsing: it may
see an import that is not one (in a string), which costs a parse, never a fact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from fastapi_lint.engine.discovery import SourcePath

_IMPORT = re.compile(
    rb"[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]*(\([^)]*\)|[^\n#;]*)|import[ \t]+([^\n#;]+))"
)
_COMMENT = re.compile(rb"#[^\n]*")
_NAME = re.compile(rb"[A-Za-z_][\w.]*")
_ROUTER_INCLUSION = b"include_router"


# What a statement imports: ``import a.b`` is ("a.b", None, None, {the names the module reads
# as ``a.b.<name>``}); ``from a import b as c`` is ("a", "b", "c", {}); ``from a import *`` is
# ("a", "*", "*", {}).
Statement = tuple[str, str | None, str | None, frozenset[str]]
_NOTHING: frozenset[str] = frozenset()


def import_statements(
    data: bytes, module: str, is_package: bool, tops: frozenset[str] | None = None
) -> list[Statement]:
    """The imports of ``data`` (any indentation: imports inside functions count), with
    relative imports made absolute from ``module``. The names read as ``a.b.<name>`` are
    collected for ``import a.b`` when ``a`` is one of ``tops`` (the project's top-level
    packages; all when None)."""
    found: list[Statement] = []
    package = module if is_package else module.rpartition(".")[0]
    position = data.find(b"import")
    while position >= 0:  # jump from one `import` to the next: most lines have none
        start = data.rfind(b"\n", 0, position) + 1
        end = data.find(b"\n", position)
        end = len(data) if end < 0 else end
        line = data[start:end]
        if b"(" in line and b")" not in line:  # `from x import (` continued below
            close = data.find(b")", end)
            end = len(data) if close < 0 else close
            line = data[start : end + 1]
        position = data.find(b"import", end)
        match = _IMPORT.match(line)
        if match is None:
            continue
        source, names, plain = match.groups()
        if plain is not None:
            for item in plain.split(b","):
                name = _NAME.match(item.strip())
                if name:
                    target = name.group().decode("ascii", "replace")
                    used = _NOTHING
                    if tops is None or target.partition(".")[0] in tops:
                        bound = (
                            item.rpartition(b" as ")[2].strip() if b" as " in item else name.group()
                        )
                        used = _attributes(data, bound)
                    found.append((target, None, None, used))
            continue
        text = source.decode("ascii", "replace")
        level = len(text) - len(text.lstrip("."))
        if level:
            base = package.split(".") if package else []
            if level > 1:
                base = base[: len(base) - (level - 1)] if level - 1 <= len(base) else []
            target = ".".join(part for part in (".".join(base), text[level:]) if part)
        else:
            target = text
        for item in _COMMENT.sub(b"", names).strip(b"()").split(b","):
            item = item.strip()
            if item == b"*":
                found.append((target, "*", "*", _NOTHING))
                continue
            name = _NAME.match(item)
            if name:
                member = name.group().decode("ascii", "replace")
                alias = item.rpartition(b" as ")[2].strip().decode("ascii", "replace")
                found.append((target, member, alias if b" as " in item else member, _NOTHING))
    return found


_WORD = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.")
_ATTRIBUTE = re.compile(rb"[A-Za-z_]\w*")


def _attributes(data: bytes, bound: bytes) -> frozenset[str]:
    """The names ``data`` reads as ``<bound>.<name>``."""
    found = set()
    needle = bound + b"."
    position = data.find(needle)
    while position >= 0:
        if position == 0 or data[position - 1] not in _WORD:
            match = _ATTRIBUTE.match(data, position + len(needle))
            if match:
                found.add(match.group().decode("ascii", "replace"))
        position = data.find(needle, position + len(needle))
    return frozenset(found)


def imported_modules(data: bytes, module: str, is_package: bool) -> set[str]:
    """Every module name an import statement of ``data`` may load: the module, each of its
    parent packages, and ``package.name`` for ``from package import name``."""
    found: set[str] = set()
    for target, member, _, _ in import_statements(data, module, is_package):
        _add(found, target)
        if member is not None and member != "*":
            found.add(f"{target}.{member}" if target else member)
    return found


def _add(found: set[str], name: str) -> None:
    parts = name.split(".")
    for cut in range(1, len(parts) + 1):
        found.add(".".join(parts[:cut]))


_ALL = None  # every name of a module is needed (a checked module, a module whose code runs)


def reachable_context(
    named: list[SourcePath], everything: Iterable[SourcePath], read
) -> list[SourcePath]:
    """The files of ``everything`` that the ``named`` files need (see the module docstring).
    ``read(source)`` gives a file's bytes, or None when it cannot be read.

    Down from the named files, a module is followed by demand: all of a module's imports are
    followed when its code matters, but a package ``__init__`` reached by ``from package import
    Name`` only for the imports that give ``Name`` (a package that re-exports a hundred models
    does not bring all of them for one)."""
    named_paths = {source.path for source in named}
    others = [source for source in everything if source.path not in named_paths]
    by_module = {source.module: source for source in others}
    tops = frozenset(module.partition(".")[0] for module in by_module)
    scanned: dict[SourcePath, tuple[list[Statement], bool]] = {}

    def scan(source: SourcePath) -> tuple[list[Statement], bool]:
        """(its import statements, whether it includes routers), read once."""
        if source not in scanned:
            data = read(source)
            scanned[source] = (
                ([], False)
                if data is None
                else (
                    import_statements(data, source.module, source.is_package, tops),
                    _ROUTER_INCLUSION in data,
                )
            )
        return scanned[source]

    chosen: set[SourcePath] = set()
    wanted: dict[str, set[str] | None] = {}  # module -> names needed (None: all)
    queue: list[tuple[SourcePath, set[str] | None]] = [(source, _ALL) for source in named]

    def want(module: str, names: set[str] | None) -> None:
        source = by_module.get(module)
        if source is None:
            return
        before = wanted.get(module, set()) if module in wanted else set()
        if before is _ALL:
            return
        if names is _ALL:
            wanted[module] = _ALL
            queue.append((source, _ALL))
        else:
            new = names - before
            if module in wanted and not new:
                return
            wanted[module] = before | names
            queue.append((source, new))
        chosen.add(source)

    packaged: set[str] = set()

    def want_packages(module: str) -> None:
        """The packages above ``module``: named in resolution, nothing of them needed."""
        if module in packaged:
            return
        packaged.add(module)
        parts = module.split(".")
        for cut in range(1, len(parts)):
            want(".".join(parts[:cut]), set())

    for source in named:
        want_packages(source.module)
    while queue:
        source, names = queue.pop()
        statements = scan(source)[0]
        selective = source.is_package and names is not _ALL
        for target, member, alias, used in statements:
            if selective and not (alias == "*" or alias in names):
                continue
            want_packages(target)
            if member is None:  # `import a.b`: what the module reads as `a.b.<name>`
                want(target, set(used))
                for name in used:
                    want(f"{target}.{name}", _ALL)
            elif member == "*":
                want(target, _ALL if names is _ALL else set(names))
            else:
                want(target, {member})
                want(f"{target}.{member}", _ALL)  # a submodule, when it is one
        if selective:  # `from package import submodule`
            for name in names:
                want(f"{source.module}.{name}", _ALL)
    # Up: the direct importers of the named files, then the modules including routers that
    # import a module added in the step before, until none is added.
    targets = {source.module for source in named}
    first = True
    while targets:
        added = []
        for source in others:
            if source in chosen:
                continue
            statements, includes_routers = scan(source)
            if (first or includes_routers) and any(
                target in targets or f"{target}.{member}" in targets
                for target, member, _, _ in statements
            ):
                added.append(source)
        first = False
        chosen.update(added)
        targets = {source.module for source in added}
    return [source for source in others if source in chosen]
