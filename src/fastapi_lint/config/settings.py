"""The effective settings of a run, as data: what the configuration file and the command line
chose (``loading.py`` reads the file), the fingerprint that keys the cache, and what the rules
may see of them (``Settings.options``).
"""

from __future__ import annotations

import functools
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib


from fastapi_lint import __version__
from fastapi_lint.core.hashing import blake2b

if TYPE_CHECKING:
    from fastapi_lint.project.options import ProjectOptions
    from fastapi_lint.project.versions import Versions

TOOL_TABLE = "fastapi-lint"
DEFAULT_CACHE_DIR = ".fastapi_lint_cache"

# Directories skipped when discovering files, unless `exclude` replaces this list.
DEFAULT_EXCLUDE = (
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".git-rewrite",
    ".hg",
    ".mypy_cache",
    ".nox",
    ".pants.d",
    ".pytype",
    ".ruff_cache",
    ".fastapi_lint_cache",
    ".svn",
    ".tox",
    ".venv",
    "__pypackages__",
    "_build",
    "buck-out",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
)


# The execution contexts of the event-loop rules (`rules/event_loop/contexts.py`).
EVENT_LOOP_CONTEXTS = ("served", "unknown", "startup", "command-line", "tests")
DEFAULT_EVENT_LOOP_CONTEXTS = ("served", "unknown")


def expand_contexts(values: list[str]) -> list[str]:
    """``all`` stands for every context."""
    return list(EVENT_LOOP_CONTEXTS) if "all" in values else sorted(set(values))


# The `target-version` when neither the setting nor the project's `requires-python` says
# (ruff's default).
DEFAULT_TARGET_VERSION = "py39"
# One clause of `requires-python` that gives a lower bound: `>=3.8`, `~=3.8`, `==3.8.*`, `>3.7`.
_LOWER_BOUND = re.compile(r"^\s*(>=|~=|==|>|\^|~)\s*(\d+)(?:\.(\d+))?")


def python_lower_bound(specifier: str) -> tuple[int, int] | None:
    """The oldest Python a `requires-python` specifier admits (``">=3.7"`` -> (3, 7)); None
    when it gives no lower bound (``"<4"``) or cannot be read."""
    found: list[tuple[int, int]] = []
    for clause in specifier.split(","):
        match = _LOWER_BOUND.match(clause)
        if match is not None:
            found.append((int(match.group(2)), int(match.group(3) or 0)))
    return max(found) if found else None


def parse_target_version(value: str) -> tuple[int, int]:
    return (int(value[2]), int(value[3:]))


class ConfigError(Exception):
    """A configuration problem, already phrased for the user."""


def accepted_keys() -> list[str]:
    from fastapi_lint.config.schema import Table

    return sorted(field.alias or name for name, field in Table.model_fields.items())


@dataclass(slots=True)
class Settings:
    """The effective settings of one run (configuration file plus command line)."""

    root: Path
    config_file: Path | None = None
    # None: the default selection (every rule but the opt-in ones; see `rules.selection.select_rules`).
    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    # Which findings' fixes may be applied and shown (ruff's `fixable`/`unfixable`).
    fixable: list[str] = field(default_factory=lambda: ["ALL"])
    unfixable: list[str] = field(default_factory=list)
    extend_fixable: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=lambda: list(DEFAULT_EXCLUDE))
    extend_exclude: list[str] = field(default_factory=list)
    respect_gitignore: bool = True
    src: list[Path] = field(default_factory=list)
    src_configured: bool = False  # `src` set in the configuration (else: the defaults)
    cache_dir: Path | None = None
    output_format: str | None = None
    unsafe_fixes: bool | None = None
    extend_blocking_calls: list[str] = field(default_factory=list)
    allowed_blocking_calls: list[str] = field(default_factory=list)
    # Where the event-loop rules report (see `rules/event_loop/contexts.py`).
    event_loop_contexts: list[str] = field(
        default_factory=lambda: list(DEFAULT_EVENT_LOOP_CONTEXTS)
    )
    # The oldest Python the fixes must work on (`py38`...); None: from `requires-python`.
    target_version: str | None = None
    detected_target: tuple[int, int] | None = None  # read from `requires-python` once
    # `fastapi-version` etc.: override what the project's lock and requirement files say.
    version_overrides: dict[str, str] = field(default_factory=dict)
    # Detected from the project root on first use (see `project/versions.py`).
    versions: Versions | None = None
    _options: ProjectOptions | None = None
    _declared_roots: list | None = None  # read on first use (see import_roots)

    def import_roots(self, *kinds: str) -> list:
        """The import roots of the given kinds (``roots.CONFIGURED``, ``DECLARED``,
        ``DEFAULT``), in order; package roots are found per file (``discovery.ModuleNamer``)."""
        from fastapi_lint.project.roots import (
            CONFIGURED,
            DECLARED,
            DEFAULT,
            ImportRoot,
            declared_roots,
        )

        found: list[ImportRoot] = []
        for kind in kinds:
            if kind == CONFIGURED and self.src_configured:
                found.extend(ImportRoot(str(p), CONFIGURED, "`src` setting") for p in self.src)
            elif kind == DEFAULT and not self.src_configured:
                found.extend(ImportRoot(str(p), DEFAULT, "default") for p in self.src)
            elif kind == DECLARED:
                if self._declared_roots is None:
                    self._declared_roots = declared_roots(Path(self.root))
                found.extend(self._declared_roots)
        seen: set[str] = set()
        return [r for r in found if not (r.path in seen or seen.add(r.path))]

    def options(self) -> ProjectOptions:
        """What the rules may know of these settings (built once; versions read on first use)."""
        if self._options is None:
            from fastapi_lint.project.options import ProjectOptions

            self._options = ProjectOptions(
                extend_blocking_calls=tuple(self.extend_blocking_calls),
                allowed_blocking_calls=tuple(self.allowed_blocking_calls),
                event_loop_contexts=tuple(self.event_loop_contexts),
                read_versions=self.detect_versions,
                read_target_python=self.target_python,
            )
        return self._options

    def detect_versions(self) -> Versions:
        """The FastAPI/Starlette/Pydantic versions of the checked project (read once)."""
        if self.versions is None:
            from fastapi_lint.project.versions import detect_versions

            self.versions = detect_versions(self.root, self.version_overrides, self.cache_dir)
        return self.versions

    def target_python(self) -> tuple[int, int]:
        """The oldest Python version the project supports, as ruff finds it: `target-version`,
        else the lower bound of `[project] requires-python` in the root's pyproject.toml, else
        ruff's default (py39). Fixes use only what it has (`typing_extensions` otherwise)."""
        if self.target_version is not None:
            return parse_target_version(self.target_version)
        if self.detected_target is None:
            self.detected_target = _requires_python(self.root) or parse_target_version(
                DEFAULT_TARGET_VERSION
            )
        return self.detected_target

    def enabled_rules(self):
        from fastapi_lint.rules.selection import select_rules

        return select_rules(self.select, self.ignore, self.extend_select)

    def is_fixable(self, code: str) -> bool:
        """Whether the fixes of ``code`` may be applied (every code unless `unfixable` says)."""
        from fastapi_lint.rules.selection import is_selected

        return is_selected(code, [*self.fixable, *self.extend_fixable], self.unfixable)

    def unfixable_codes(self, rules) -> set[str]:
        """The codes among ``rules`` whose fixes are never applied or offered."""
        return {rule.code for rule in rules if not self.is_fixable(rule.code)}

    def fingerprint(self) -> str:
        """A digest of everything that changes a file's result; part of the cache key."""
        rules = self.enabled_rules()
        payload = {
            "version": __version__,
            "code": code_fingerprint(),
            "rules": [rule.code for rule in rules],
            "extend_blocking_calls": sorted(self.extend_blocking_calls),
            "allowed_blocking_calls": sorted(self.allowed_blocking_calls),
            "event_loop_contexts": sorted(self.event_loop_contexts),
            "src": [str(p) for p in self.src],
            "declared_roots": [r.path for r in self.import_roots("declared")],
            "per_file_ignores": self.per_file_ignores,
            "unfixable": sorted(self.unfixable_codes(rules)),
            "root": str(self.root),
            "versions": self.detect_versions().fingerprint(),
            "target": list(self.target_python()),
        }
        data = json.dumps(payload, sort_keys=True).encode()
        return blake2b(data, digest_size=12).hexdigest()


@functools.cache
def code_fingerprint() -> str:
    """Changes whenever the linter's own modules change (a development checkout), so that a
    cache never outlives the rules that produced it."""
    package = Path(__file__).parents[1]
    parts = []
    for path in sorted(package.rglob("*.py")):
        try:
            st = path.stat()
        except OSError:
            continue
        parts.append(f"{path.relative_to(package)}:{st.st_size}:{st.st_mtime_ns}")
    return blake2b("\n".join(parts).encode(), digest_size=8).hexdigest()


def _requires_python(root: Path) -> tuple[int, int] | None:
    try:
        data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    project = data.get("project")
    specifier = project.get("requires-python") if isinstance(project, dict) else None
    return python_lower_bound(specifier) if isinstance(specifier, str) else None


def override_selectors(
    settings: Settings,
    prefix: str,
    *,
    select: list[str] | None = None,
    extend_select: list[str] = (),  # type: ignore[assignment]
    ignore: list[str] = (),  # type: ignore[assignment]
    fixable: list[str] | None = None,
    extend_fixable: list[str] = (),  # type: ignore[assignment]
    unfixable: list[str] = (),  # type: ignore[assignment]
) -> None:
    """Rule selectors given on the command line (``prefix="--"``) or by the editor over the
    configuration's: ``select`` and ``fixable`` replace, the others add. ``ConfigError`` names
    the option of an unknown selector."""
    if select is not None:
        settings.select = validate_cli_selectors(f"{prefix}select", select)
    if fixable is not None:
        settings.fixable = validate_cli_selectors(f"{prefix}fixable", fixable)
    for option, values in (
        ("extend_select", extend_select),
        ("ignore", ignore),
        ("extend_fixable", extend_fixable),
        ("unfixable", unfixable),
    ):
        if values:
            name = prefix + option.replace("_", "-")
            added = validate_cli_selectors(name, values)
            setattr(settings, option, [*getattr(settings, option), *added])


def validate_cli_selectors(option: str, values: list[str]) -> list[str]:
    from fastapi_lint.rules.selection import is_valid_selector

    result = []
    for value in values:
        for part in value.split(","):
            part = part.strip().upper()
            if not part:
                continue
            if not is_valid_selector(part):
                raise ConfigError(
                    f"{option}: unknown rule selector `{part}`; expected `ALL`, `FAPI`, a family "
                    "such as `FAPI1`, or an existing code such as `FAPI101`"
                )
            result.append(part)
    return result


def validate_cli_contexts(option: str, values: list[str]) -> list[str]:
    """``--event-loop-contexts served,startup`` (repeatable, comma-separated)."""
    result = []
    for value in values:
        for part in value.split(","):
            part = part.strip().lower()
            if not part:
                continue
            if part not in (*EVENT_LOOP_CONTEXTS, "all"):
                raise ConfigError(
                    f"{option}: unknown context `{part}`; expected "
                    + ", ".join(f"`{c}`" for c in (*EVENT_LOOP_CONTEXTS, "all"))
                )
            result.append(part)
    return expand_contexts(result)
