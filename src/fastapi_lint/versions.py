"""The FastAPI, Starlette and Pydantic versions the checked project runs on.

Read once per run from the project root, first match wins: the configuration
(``fastapi-version = "0.115.0"``...), then lock files (``uv.lock``, ``poetry.lock``,
``pdm.lock``: the locked version), then ``requirements*.txt`` (``==`` pins, else lower bounds),
then ``pyproject.toml`` dependencies (PEP 621, dependency groups, Poetry). A lower bound
(``fastapi>=0.110``) is kept as such: the project says it supports that version.
Rules that only apply to some versions ask ``Versions`` (``ctx.settings.versions``).
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
_LOWER_BOUND_OPERATORS = (">=", "~=", ">")


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


@dataclass(frozen=True, slots=True)
class DetectedVersion:
    package: str
    version: str
    exact: bool  # a pin (lock file, `==`, configuration); False: a lower bound
    source: str  # where it was read, for --verbose and messages

    @property
    def parsed(self) -> Version:
        from packaging.version import Version

        return Version(self.version)

    def describe(self) -> str:
        kind = "" if self.exact else ">="
        return f"{self.package} {kind}{self.version} (from {self.source})"

    def short(self) -> str:
        """For messages: ``fastapi >=0.115 in pyproject.toml``."""
        kind = "" if self.exact else ">="
        origin = self.source.split(":", 1)[0]
        return f"{self.package} {kind}{self.version} in {origin}"


@dataclass(slots=True)
class Versions:
    found: dict[str, DetectedVersion] = field(default_factory=dict)

    def get(self, package: str) -> DetectedVersion | None:
        return self.found.get(package)

    def older_than(self, package: str, version: str) -> DetectedVersion | None:
        """The detected version when the project runs (or supports) a version before
        ``version``; None when it does not, or when nothing is known."""
        found = self.found.get(package)
        if found is None:
            return None
        plain = _release(found.version), _release(version)
        if plain[0] is not None and plain[1] is not None:
            return found if _padded_less(*plain) else None
        from packaging.version import InvalidVersion, Version

        try:
            return found if found.parsed < Version(version) else None
        except InvalidVersion:
            return None

    def pinned_older_than(self, package: str, version: str) -> bool:
        """True only when the project is pinned to a version before ``version`` (rules about
        deprecations stay on when the version is unknown or only bounded from below)."""
        found = self.found.get(package)
        return found is not None and found.exact and self.older_than(package, version) is not None

    def describe(self) -> list[str]:
        lines = []
        for package in PACKAGES:
            found = self.found.get(package)
            lines.append(found.describe() if found else f"{package}: unknown (not pinned)")
        return lines

    def fingerprint(self) -> list[str]:
        return [f"{p}:{v.version}:{v.exact}" for p, v in sorted(self.found.items())]


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
    from fastapi_lint.cache import read_signed, write_signed
    from fastapi_lint.hashing import blake2b

    stats = _input_stats(root)
    key = blake2b(
        json.dumps([__version__, overrides, stats], sort_keys=True).encode(), digest_size=16
    ).hexdigest()
    stored_path = cache_dir / "versions.json"
    stored = read_signed(stored_path)
    if isinstance(stored, dict) and stored.get("key") == key:
        try:
            return Versions({item[0]: DetectedVersion(*item) for item in stored.get("found", ())})
        except (TypeError, IndexError):
            pass
    versions = _detect(root, overrides)
    now = time.time_ns()
    # Only into a cache directory a run has made (never create one here: the root may not
    # even be a directory), and never from a file written just now (it may change again
    # within its timestamp's granularity).
    if cache_dir.is_dir() and all(now - stat[1] >= 2_000_000_000 for stat in stats):
        found = [[v.package, v.version, v.exact, v.source] for v in versions.found.values()]
        with contextlib.suppress(OSError, ValueError):
            write_signed(stored_path, {"key": key, "found": found})
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
    versions = Versions()
    for package, value in (overrides or {}).items():
        if value:
            versions.found[package] = DetectedVersion(
                package, value, True, f"configuration (`{package}-version`)"
            )
    for reader in (_from_lock_files, _from_requirements, _from_pyproject):
        missing = [p for p in PACKAGES if p not in versions.found]
        if not missing:
            break
        try:
            for found in reader(root, missing):
                versions.found.setdefault(found.package, found)
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError, TypeError):
            continue  # an unreadable or malformed file says nothing about versions
    return versions


def _read_toml(path: Path) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None


def _from_lock_files(root: Path, packages: list[str]):
    for name in LOCK_FILES:
        data = _read_toml(root / name)
        if data is None:
            continue
        from packaging.version import InvalidVersion, Version

        locked: dict[str, list[Version]] = {}
        for entry in data.get("package", ()):
            if not isinstance(entry, dict):
                continue
            package = canonicalize_name(str(entry.get("name", "")))
            if package not in packages:
                continue
            try:
                locked.setdefault(package, []).append(Version(str(entry.get("version"))))
            except InvalidVersion:
                continue
        for package, found in locked.items():
            # Several entries (per-platform forks): the oldest is the one to be careful about.
            yield DetectedVersion(package, str(min(found)), True, name)


def _requirement_version(text: str, packages: list[str]) -> tuple[str, str, bool] | None:
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.version import InvalidVersion, Version

    try:
        requirement = Requirement(text)
    except InvalidRequirement:
        return None
    package = canonicalize_name(requirement.name)
    if package not in packages:
        return None
    exact = None
    lower = None
    for spec in requirement.specifier:
        if spec.operator in ("==", "===") and "*" not in spec.version:
            exact = spec.version
        elif spec.operator in _LOWER_BOUND_OPERATORS and "*" not in spec.version:
            try:
                if lower is None or Version(spec.version) > Version(lower):
                    lower = spec.version
            except InvalidVersion:
                continue
    if exact is not None:
        return package, exact, True
    if lower is not None:
        return package, lower, False
    return None


def _from_requirements(root: Path, packages: list[str]):
    files = sorted(root.glob("requirements*.txt"))
    if (root / "requirements").is_dir():
        files.extend(sorted((root / "requirements").glob("*.txt")))
    best: dict[str, DetectedVersion] = {}
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.split(" #", 1)[0].strip()
            if not line or line.startswith(("#", "-")):
                continue
            found = _requirement_version(line.split(";", 1)[0].strip(), packages)
            if found is None:
                continue
            package, version, exact = found
            relative = path.relative_to(root).as_posix()
            candidate = DetectedVersion(package, version, exact, f"{relative}: {line}")
            current = best.get(package)
            if current is None or (exact and not current.exact):
                best[package] = candidate
    yield from best.values()


_POETRY_CONSTRAINT = re.compile(r"^\s*(\^|~=?|>=|==|=)?\s*v?(\d+(?:\.\d+)*)\s*(?:,.*)?$")


def _from_pyproject(root: Path, packages: list[str]):

    data = _read_toml(root / "pyproject.toml")
    if data is None:
        return
    found: dict[str, DetectedVersion] = {}
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
        parsed = _requirement_version(text, packages)
        if parsed is not None and parsed[0] not in found:
            package, version, exact = parsed
            found[package] = DetectedVersion(package, version, exact, f"pyproject.toml: {text}")
    poetry = data.get("tool", {}).get("poetry", {})
    if isinstance(poetry, dict):
        tables = [poetry.get("dependencies", {})]
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
                if package not in packages or package in found:
                    continue
                if isinstance(constraint, dict):
                    constraint = constraint.get("version", "")
                match = _POETRY_CONSTRAINT.match(str(constraint))
                if match is None:
                    continue
                operator, version = match.groups()
                exact = operator in (None, "==", "=")
                found[package] = DetectedVersion(
                    package, version, exact, f'pyproject.toml: {name} = "{constraint}"'
                )
    yield from found.values()


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
