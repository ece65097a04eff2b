"""The versions of the packages the checked project runs on.

Read once per run from the project root, first match wins per package: the configuration
(``fastapi-version = "0.115.0"``...), then lock files (``uv.lock``, ``poetry.lock``,
``pdm.lock``: the locked version), then ``requirements*.txt``, then ``pyproject.toml``
dependencies (PEP 621, dependency groups, Poetry). Every package of those sources is read, not
only FastAPI, Starlette and Pydantic.

A requirement is understood as the range of versions it admits, from its full PEP 440 specifier
(``~=1.10.26`` is ``>=1.10.26,<1.11``, ``==1.*`` is ``>=1,<2``, ``<2`` caps the major, ``!=`` says
nothing about the range) or Poetry constraint (``^1.2``, ``~1.2``). Rules ask the range questions
("can the project run on version X", "does every version it admits come before X", "which major
does it run on"), and the answer does not depend on the format the range was written in.
Rules that only apply to some versions ask ``Versions`` (``ctx.options.versions()``).
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

PACKAGES = ("fastapi", "starlette", "pydantic")
LOCK_FILES = ("uv.lock", "poetry.lock", "pdm.lock")
# Bumped when what is cached changes shape.
_CACHE_FORMAT = 2


_RELEASE = re.compile(r"\d+(?:\.\d+)*")


def _release(version: str) -> tuple[int, ...] | None:
    """A plain release (``1.10.26``) as numbers; None for anything else (pre-releases, local
    versions, epochs), which ``packaging`` compares. Start-up asks about plain pins, and
    importing ``packaging`` takes 15 ms."""
    return tuple(int(part) for part in version.split(".")) if _RELEASE.fullmatch(version) else None


def _padded_less(left: tuple[int, ...], right: tuple[int, ...]) -> bool:
    """PEP 440 order of two releases: compared with trailing zeros padded (``2.0 == 2.0.0``)."""
    width = max(len(left), len(right))
    return left + (0,) * (width - len(left)) < right + (0,) * (width - len(right))


def _less(left: str, right: str) -> bool | None:
    """``left < right`` in PEP 440 order; None when either is not a version. An empty ``left``
    is the lowest version there is (a range without a lower bound)."""
    if not left:
        return bool(right)
    plain = _release(left), _release(right)
    if plain[0] is not None and plain[1] is not None:
        return _padded_less(*plain)
    from packaging.version import InvalidVersion, Version

    try:
        return Version(left) < Version(right)
    except InvalidVersion:
        return None


def _major(version: str) -> int | None:
    match = re.match(r"(?:\d+!)?(\d+)", version)
    return int(match.group(1)) if match else None


@dataclass(frozen=True, slots=True)
class DetectedVersion:
    """The versions a project admits of one package: a pin (``exact``), or the range from
    ``version`` (the lowest admitted; empty when there is no lower bound) up to ``upper``."""

    package: str
    version: str
    exact: bool  # a pin (lock file, `==`, configuration)
    source: str  # where it was read, for --verbose and messages
    upper: str | None = None  # the range's upper bound; None: unbounded
    upper_inclusive: bool = False  # `<=` rather than `<`

    @property
    def parsed(self) -> Version:
        from packaging.version import Version

        return Version(self.version)

    @property
    def range_text(self) -> str:
        """``1.10.26``, ``>=0.115``, ``>=1.10.26,<1.11``, ``<2``."""
        if self.exact:
            return self.version
        parts = [f">={self.version}"] if self.version else []
        if self.upper is not None:
            parts.append(f"{'<=' if self.upper_inclusive else '<'}{self.upper}")
        return ",".join(parts) or "any version"

    def describe(self) -> str:
        return f"{self.package} {self.range_text} (from {self.source})"

    def short(self) -> str:
        """For messages: ``fastapi >=0.115 in pyproject.toml``."""
        origin = self.source.split(":", 1)[0]
        return f"{self.package} {self.range_text} in {origin}"

    def admits_older_than(self, version: str) -> bool:
        """Some version this range admits comes before ``version``."""
        return bool(_less(self.version, version))

    def all_older_than(self, version: str) -> bool:
        """Every version this range admits comes before ``version``."""
        if self.exact:
            return bool(_less(self.version, version))
        if self.upper is None:
            return False
        if self.upper_inclusive:
            return bool(_less(self.upper, version))
        return _less(version, self.upper) is False  # upper <= version

    def all_at_least(self, version: str) -> bool:
        """Every version this range admits is ``version`` or newer."""
        return bool(self.version) and _less(self.version, version) is False

    def admits(self, version: str) -> bool | None:
        """The project can run on ``version``; None when the versions cannot be compared."""
        below = _less(version, self.version) if self.version else False
        if self.exact:
            above = _less(self.version, version)
            return None if below is None or above is None else not below and not above
        if self.upper is None:
            above = False
        elif self.upper_inclusive:
            above = _less(self.upper, version)
        else:
            above = _less(version, self.upper)
            above = None if above is None else not above
        return None if below is None or above is None else not below and not above

    def major(self) -> int | None:
        """The one major version the range admits (its newest, when only capped: ``<2`` is 1);
        None when it admits several or is unbounded."""
        if self.exact:
            return _major(self.version)
        if self.upper is None:
            return None
        newest = _major(self.upper)
        if newest is None:
            return None
        release = _release(self.upper)
        if not self.upper_inclusive and release is not None and not any(release[1:]):
            newest -= 1  # `<2`, `<2.0`: the newest admitted is a 1.x
        if self.version and _major(self.version) != newest:
            return None
        return newest


@dataclass(slots=True)
class Versions:
    found: dict[str, DetectedVersion] = field(default_factory=dict)
    # Packages the project depends on, with or without a version (lock files, requirements,
    # pyproject dependencies).
    declared: frozenset[str] = frozenset()

    def get(self, package: str) -> DetectedVersion | None:
        return self.found.get(canonicalize_name(package))

    def declares(self, package: str) -> bool:
        package = canonicalize_name(package)
        return package in self.found or package in self.declared

    def older_than(self, package: str, version: str) -> DetectedVersion | None:
        """The detected range when the project runs (or supports) a version before
        ``version``; None when it does not, or when nothing is known."""
        found = self.get(package)
        return found if found is not None and found.admits_older_than(version) else None

    def pinned_older_than(self, package: str, version: str) -> bool:
        """True only when every version the project admits comes before ``version`` (rules about
        deprecations stay on when the version is unknown or only bounded from below)."""
        found = self.get(package)
        return found is not None and found.all_older_than(version)

    def at_least(self, package: str, version: str) -> bool:
        """Every version the project admits is ``version`` or newer (False when unknown)."""
        found = self.get(package)
        return found is not None and found.all_at_least(version)

    def can_run_on(self, package: str, version: str) -> bool | None:
        """The project admits ``version``; None when nothing is known."""
        found = self.get(package)
        return None if found is None else found.admits(version)

    def major(self, package: str) -> int | None:
        """The major version the project runs on, when its range admits only one."""
        found = self.get(package)
        return None if found is None else found.major()

    def describe(self) -> list[str]:
        lines = []
        for package in PACKAGES:
            found = self.found.get(package)
            lines.append(found.describe() if found else f"{package}: unknown (not pinned)")
        return lines

    def fingerprint(self) -> list[str]:
        return [
            f"{p}:{v.version}:{v.exact}:{v.upper}:{v.upper_inclusive}"
            for p, v in sorted(self.found.items())
        ]


def detect_versions(
    root: Path, overrides: dict[str, str | None] | None = None, cache_dir: Path | None = None
) -> Versions:
    """The versions the project pins. With ``cache_dir``, the last answer is reused while the
    files it came from are unchanged (a lock file of a real project takes longer to parse
    than a small file takes to check)."""
    if cache_dir is None:
        return _detect(root, overrides)
    import json
    import time

    from fastapi_lint import __version__
    from fastapi_lint.core.hashing import blake2b
    from fastapi_lint.core.signed_store import read_signed, settled_mtime, write_signed

    stats = _input_stats(root)
    key = blake2b(
        json.dumps([__version__, _CACHE_FORMAT, overrides, stats], sort_keys=True).encode(),
        digest_size=16,
    ).hexdigest()
    stored_path = cache_dir / "versions.json"
    stored = read_signed(stored_path)
    if isinstance(stored, dict) and stored.get("key") == key:
        try:
            return Versions(
                {item[0]: DetectedVersion(*item) for item in stored.get("found", ())},
                frozenset(stored.get("declared", ())),
            )
        except (TypeError, IndexError):
            pass
    versions = _detect(root, overrides)
    now = time.time_ns()
    # Only into a cache directory a run has made (never create one here: the root may not
    # even be a directory), and never from a file written just now (it may change again
    # within its timestamp's granularity).
    if cache_dir.is_dir() and all(settled_mtime(stat[1], now) == stat[1] for stat in stats):
        found = [
            [v.package, v.version, v.exact, v.source, v.upper, v.upper_inclusive]
            for v in versions.found.values()
        ]
        declared = sorted(versions.declared)
        with contextlib.suppress(OSError, ValueError):
            write_signed(stored_path, {"key": key, "found": found, "declared": declared})
    return versions


def _input_stats(root: Path) -> list[list]:
    """Name, timestamp and size of every file version detection may read."""
    names = [*LOCK_FILES, "pyproject.toml"]
    with contextlib.suppress(OSError):
        names.extend(
            entry.name
            for entry in os.scandir(root)
            if entry.name.startswith("requirements") and entry.name.endswith(".txt")
        )
    with contextlib.suppress(OSError):
        names.extend(
            f"requirements/{entry.name}"
            for entry in os.scandir(root / "requirements")
            if entry.name.endswith(".txt")
        )
    stats = []
    for name in sorted(names):
        try:
            st = os.stat(root / name)
        except OSError:
            continue
        stats.append([name, st.st_mtime_ns, st.st_size])
    return stats


def _detect(root: Path, overrides: dict[str, str | None] | None) -> Versions:
    found: dict[str, DetectedVersion] = {}
    declared: set[str] = set()
    for package, value in (overrides or {}).items():
        if value:
            found[package] = DetectedVersion(
                package, value, True, f"configuration (`{package}-version`)"
            )
    for reader in (_from_lock_files, _from_requirements, _from_pyproject):
        try:
            for package, detected in reader(root):
                declared.add(package)
                if detected is not None:
                    found.setdefault(package, detected)
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError, TypeError):
            continue  # an unreadable or malformed file says nothing about versions
    return Versions(found, frozenset(declared))


def _read_toml(path: Path) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None


def _from_lock_files(root: Path):
    for name in LOCK_FILES:
        data = _read_toml(root / name)
        if data is None:
            continue
        locked: dict[str, list[str]] = {}
        for entry in data.get("package", ()):
            if not isinstance(entry, dict) or not entry.get("name"):
                continue
            version = str(entry.get("version"))
            if _release(version) is None:
                from packaging.version import InvalidVersion, Version

                try:
                    Version(version)
                except InvalidVersion:
                    continue
            locked.setdefault(canonicalize_name(str(entry["name"])), []).append(version)
        for package, versions in locked.items():
            # Several entries (per-platform forks): the oldest is the one to be careful about.
            oldest = versions[0]
            for version in versions[1:]:
                if _less(version, oldest):
                    oldest = version
            yield package, DetectedVersion(package, oldest, True, name)


def _bump(release: tuple[int, ...]) -> str:
    """The first release after every ``release.*``: ``(1, 10)`` -> ``1.11``."""
    return ".".join(str(part) for part in (*release[:-1], release[-1] + 1))


def _range(package: str, specifiers: list[tuple[str, str]], source: str) -> DetectedVersion | None:
    """The range a list of (operator, version) clauses admits; None when it says nothing."""
    exact = None
    lower = ""
    upper: tuple[str, bool] | None = None

    def raise_lower(version: str) -> None:
        nonlocal lower
        if _less(lower, version):
            lower = version

    def lower_upper(version: str, inclusive: bool) -> None:
        nonlocal upper
        if upper is None or _less(version, upper[0]) or (version == upper[0] and not inclusive):
            upper = (version, inclusive)

    for operator, version in specifiers:
        version = version.strip()
        starred = version.endswith(".*")
        release = _release(version[:-2] if starred else version)
        if operator in ("==", "===") and not starred:
            if _less("", version) is None and _release(version) is None:
                from packaging.version import InvalidVersion, Version

                try:
                    Version(version)
                except InvalidVersion:
                    continue
            exact = version
        elif operator == "==" and starred and release is not None:
            raise_lower(version[:-2])
            lower_upper(_bump(release), False)
        elif operator == "~=" and release is not None and len(release) >= 2:
            raise_lower(version)
            lower_upper(_bump(release[:-1]), False)
        elif operator in (">=", ">") and _less("0", version) is not None:
            raise_lower(version)
        elif operator in ("<", "<=") and _less("0", version) is not None:
            lower_upper(version, operator == "<=")
        # `!=` excludes single versions: it says nothing about the range.
    if exact is not None:
        return DetectedVersion(package, exact, True, source)
    if not lower and upper is None:
        return None
    return DetectedVersion(
        package, lower, False, source, upper[0] if upper else None, upper[1] if upper else False
    )


def _requirement(text: str, source: str) -> tuple[str, DetectedVersion | None] | None:
    """A PEP 508 requirement: its package and the range it admits (None: any version)."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        requirement = Requirement(text)
    except InvalidRequirement:
        return None
    package = canonicalize_name(requirement.name)
    clauses = [(spec.operator, spec.version) for spec in requirement.specifier]
    return package, _range(package, clauses, source)


def _from_requirements(root: Path):
    files = sorted(root.glob("requirements*.txt"))
    if (root / "requirements").is_dir():
        files.extend(sorted((root / "requirements").glob("*.txt")))
    best: dict[str, DetectedVersion] = {}
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.split(" #", 1)[0].strip()
            if not line or line.startswith(("#", "-")):
                continue
            relative = path.relative_to(root).as_posix()
            parsed = _requirement(line.split(";", 1)[0].strip(), f"{relative}: {line}")
            if parsed is None:
                continue
            package, candidate = parsed
            current = best.get(package)
            if candidate is not None and (
                current is None or (candidate.exact and not current.exact)
            ):
                best[package] = candidate
            yield package, None
    yield from best.items()


# Poetry's caret and tilde constraints, and its bare versions (exact pins).
_POETRY_CLAUSE = re.compile(
    r"^\s*(\^|~(?!=)|~=|>=|<=|==|=|<|>|!=)?\s*v?([0-9][0-9a-zA-Z.*+!-]*)\s*$"
)


def _poetry_clauses(constraint: str) -> list[tuple[str, str]] | None:
    """PEP 440 clauses of a Poetry constraint; None for what has no single range (``||``)."""
    if "||" in constraint or "|" in constraint:
        return None
    clauses = []
    for part in constraint.split(","):
        part = part.strip()
        if part in ("", "*"):
            continue
        match = _POETRY_CLAUSE.match(part)
        if match is None:
            return None
        operator, version = match.groups()
        release = _release(version.removesuffix(".*"))
        if operator == "^" and release is not None:
            # ^1.2.3 -> <2.0.0; ^0.2.3 -> <0.3.0; ^0.0.3 -> <0.0.4 (first non-zero part bumped)
            index = next((i for i, part in enumerate(release) if part), len(release) - 1)
            clauses += [(">=", version), ("<", _bump(release[: index + 1]))]
        elif operator == "~" and release is not None:
            # ~1.2.3 -> <1.3.0; ~1.2 -> <1.3; ~1 -> <2
            clauses += [(">=", version), ("<", _bump(release[: min(len(release), 2)]))]
        elif operator in (None, "="):
            clauses.append(("==", version))
        else:
            clauses.append((operator, version))
    return clauses


def _from_pyproject(root: Path):
    data = _read_toml(root / "pyproject.toml")
    if data is None:
        return
    found: dict[str, DetectedVersion | None] = {}
    texts: list[str] = []
    project = data.get("project", {})
    if isinstance(project, dict):
        texts.extend(project.get("dependencies", ()) or ())
        for group in (project.get("optional-dependencies", {}) or {}).values():
            texts.extend(group or ())
    for group in (data.get("dependency-groups", {}) or {}).values():
        texts.extend(item for item in group or () if isinstance(item, str))
    for text in texts:
        if not isinstance(text, str):
            continue
        parsed = _requirement(text, f"pyproject.toml: {text}")
        if parsed is not None and found.get(parsed[0]) is None:
            found[parsed[0]] = parsed[1]
    poetry = data.get("tool", {}).get("poetry", {})
    if isinstance(poetry, dict):
        tables = [poetry.get("dependencies", {}), poetry.get("dev-dependencies", {})]
        tables.extend(
            group.get("dependencies", {})
            for group in (poetry.get("group", {}) or {}).values()
            if isinstance(group, dict)
        )
        for table in tables:
            if not isinstance(table, dict):
                continue
            for name, constraint in table.items():
                package = canonicalize_name(name)
                if package == "python" or found.get(package) is not None:
                    continue
                if isinstance(constraint, dict):
                    constraint = constraint.get("version", "")
                clauses = _poetry_clauses(str(constraint)) if isinstance(constraint, str) else None
                source = f'pyproject.toml: {name} = "{constraint}"'
                found[package] = _range(package, clauses, source) if clauses else None
    yield from found.items()


def valid_version(value: str) -> str:
    """Validation for the configuration keys: a PEP 440 version."""
    from packaging.version import InvalidVersion, Version

    try:
        Version(value)
    except InvalidVersion:
        raise ValueError(f"`{value}` is not a version such as `0.115.0`") from None
    return value


def canonicalize_name(name: str) -> str:
    """PEP 503 normalized project name (what ``packaging.utils.canonicalize_name`` does)."""
    return re.sub(r"[-_.]+", "-", name).lower()
