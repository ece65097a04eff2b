"""Configuration: ``[tool.fastapi-lint]`` in the nearest ``pyproject.toml`` (or ``--config``).

The table is validated with a pydantic model; any problem is reported as one ``ConfigError``
naming the file, the key and what is accepted (the CLI turns it into exit code 2).
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

import contextlib

from fastapi_lint import OUTPUT_FORMATS, TARGET_VERSIONS, __version__
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


def _accepted_keys() -> list[str]:
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
            "code": _code_fingerprint(),
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
def _code_fingerprint() -> str:
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


def find_config(start: Path) -> tuple[Path | None, Path]:
    """(config file, project root): the nearest pyproject.toml with our table, else the nearest
    pyproject.toml (for the root only), else the top of the git work tree, else ``start``."""
    start = start.resolve()
    # os.path's tests answer False where Path's raise (a directory that cannot be searched).
    if os.path.isfile(start):
        start = start.parent
    nearest_pyproject: Path | None = None
    git_top: Path | None = None
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if os.path.isfile(candidate):
            if nearest_pyproject is None:
                nearest_pyproject = candidate
            if _has_tool_table(candidate):
                return candidate, directory
        if git_top is None and (directory / ".git").exists():
            git_top = directory
    if nearest_pyproject is not None:
        return None, nearest_pyproject.parent
    # A repository without pyproject.toml (pre-commit names files in subdirectories).
    if git_top is not None:
        return None, git_top
    return None, start


def _has_tool_table(path: Path) -> bool:
    """Whether ``path`` configures fastapi-lint. A table that is there but broken (invalid
    TOML, not UTF-8, not a table) counts: ``load_settings`` then reports the problem."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    if TOOL_TABLE.encode() not in data:
        return False
    try:
        parsed = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return True
    tool = parsed.get("tool")
    return isinstance(tool, dict) and TOOL_TABLE in tool


def _read_table(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        data = exc.object[: exc.start]
        row, column = data.count(b"\n") + 1, exc.start - (data.rfind(b"\n") + 1) + 1
        raise ConfigError(
            f"{path}: configuration is not UTF-8 text (invalid byte at line {row}, column {column})"
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {_toml_error(exc, text)}") from None
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        table = tool.get(TOOL_TABLE, {}) if isinstance(tool, dict) else {}
        where = f"[tool.{TOOL_TABLE}]"
    else:
        table, where = data, "top level"
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: {where} must be a table")
    return table


_TOML_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")


def _toml_error(exc: Exception, text: str) -> str:
    """The parser's message, always with a line and column."""
    message = str(exc)
    match = _TOML_POSITION.search(message)
    if match is not None:
        message = message[: match.start()]
        if match.group(1):
            return f"{message} at line {match.group(1)}, column {match.group(2)}"
    lines = text.splitlines() or [""]
    line = len(lines) + (1 if text.endswith("\n") else 0)
    column = 1 if text.endswith("\n") else len(lines[-1]) + 1
    return f"{message} at line {line}, column {column} (end of file)"


def _describe_validation_error(path: Path, where: str, error) -> str:
    first = error.errors()[0]
    loc = [str(part) for part in first["loc"]]
    key = loc[0] if loc else "?"
    kind = first["type"]
    if kind == "extra_forbidden":
        return f"{path}: {where}: unknown key `{key}`; accepted keys: " + ", ".join(
            f"`{k}`" for k in _accepted_keys()
        )
    if kind == "value_error":
        message = str(first.get("ctx", {}).get("error", first["msg"]))
        if key.endswith("-version"):
            return f"{path}: {where}: `{key}`: {message}"
        return (
            f"{path}: {where}: `{key}`: {message}; expected `ALL`, `FAPI`, a family such as "
            "`FAPI1`, or an existing code such as `FAPI101` (see `fastapi-lint rule --all`)"
        )
    expected = _EXPECTED.get(key, "a value of the documented type")
    # Where inside the value: `per-file-ignores."tests/*.py"[1]`, `select[0]`.
    detail = "".join(
        f"[{part}]" if isinstance(part, int) else f".{json.dumps(part)}"
        for part in first["loc"][1:]
    )
    inner = f" (at `{key}{detail}`)" if detail else ""
    return f"{path}: {where}: `{key}` must be {expected}{inner}; got {first['input']!r}"


_EXPECTED = {
    "select": "a list of rule codes or prefixes",
    "ignore": "a list of rule codes or prefixes",
    "extend-select": "a list of rule codes or prefixes",
    "fixable": "a list of rule codes or prefixes",
    "unfixable": "a list of rule codes or prefixes",
    "extend-fixable": "a list of rule codes or prefixes",
    "per-file-ignores": "a table of glob = [rule codes]",
    "exclude": "a list of glob patterns",
    "extend-exclude": "a list of glob patterns",
    "respect-gitignore": "true or false",
    "src": "a list of directories",
    "cache-dir": "a directory path string",
    "output-format": "one of " + ", ".join(f'"{f}"' for f in OUTPUT_FORMATS),
    "unsafe-fixes": "true or false",
    "extend-blocking-calls": "a list of qualified-name patterns such as `mycorp.storage.*`",
    "allowed-blocking-calls": "a list of qualified-name patterns",
    "event-loop-contexts": "a list of "
    + ", ".join(f'"{c}"' for c in (*EVENT_LOOP_CONTEXTS, "all")),
    "fastapi-version": 'a version string such as "0.115.0"',
    "starlette-version": 'a version string such as "0.41.0"',
    "pydantic-version": 'a version string such as "2.9.0"',
    "target-version": "one of " + ", ".join(f'"{v}"' for v in TARGET_VERSIONS),
}


def load_settings(start: Path, config_path: Path | None = None) -> Settings:
    """The settings for a run whose paths start at ``start``."""
    if config_path is not None:
        config_path = config_path.resolve()
        if not os.path.isfile(config_path):
            raise ConfigError(f"{config_path}: configuration file not found")
        config_file: Path | None = config_path
        root = config_path.parent
    else:
        config_file, root = find_config(start)
    settings = Settings(root=root, config_file=config_file)
    if config_file is not None:
        raw = _read_table(config_file)
        where = f"[tool.{TOOL_TABLE}]" if config_file.name == "pyproject.toml" else "top level"
        _apply(settings, _validated(raw, config_file, where, root))
    if not settings.src:
        settings.src = [root]
        if os.path.isdir(root / "src"):
            settings.src.append(root / "src")
    if settings.cache_dir is None:
        settings.cache_dir = root / DEFAULT_CACHE_DIR
    return settings


def _validated(raw: dict[str, Any], config_file: Path, where: str, root: Path) -> SimpleNamespace:
    """The validated table. Validating imports pydantic, so the result of the last validation of
    an identical table is reused (it is stored, signed, in the cache directory)."""
    from fastapi_lint.core.signed_store import read_signed, write_signed

    digest = blake2b(
        json.dumps([raw, __version__, _code_fingerprint()], sort_keys=True, default=str).encode(),
        digest_size=16,
    ).hexdigest()
    cache_dir = raw.get("cache-dir") if isinstance(raw.get("cache-dir"), str) else DEFAULT_CACHE_DIR
    stored_path = (root / cache_dir) / "config.json"
    stored = read_signed(stored_path)
    if (
        isinstance(stored, dict)
        and stored.get("digest") == digest
        and isinstance(stored.get("table"), dict)
    ):
        return SimpleNamespace(**stored["table"])
    from pydantic import ValidationError

    from fastapi_lint.config.schema import Table

    try:
        table = Table.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_describe_validation_error(config_file, where, exc)) from None
    data = table.model_dump()
    with contextlib.suppress(OSError):
        write_signed(stored_path, {"digest": digest, "table": data})
    return SimpleNamespace(**data)


def _apply(settings: Settings, table: SimpleNamespace) -> None:
    root = settings.root
    if table.select is not None:
        settings.select = table.select
    settings.ignore = table.ignore
    settings.extend_select = table.extend_select
    if table.fixable is not None:
        settings.fixable = table.fixable
    settings.unfixable = table.unfixable
    settings.extend_fixable = table.extend_fixable
    settings.per_file_ignores = table.per_file_ignores
    if table.exclude is not None:
        settings.exclude = table.exclude
    settings.extend_exclude = table.extend_exclude
    settings.respect_gitignore = table.respect_gitignore
    if table.src is not None:
        settings.src = [(root / s).resolve() for s in table.src]
        settings.src_configured = True
    if table.cache_dir is not None:
        settings.cache_dir = (root / table.cache_dir).resolve()
    settings.output_format = table.output_format
    settings.unsafe_fixes = table.unsafe_fixes
    settings.extend_blocking_calls = table.extend_blocking_calls
    settings.allowed_blocking_calls = table.allowed_blocking_calls
    if table.event_loop_contexts is not None:
        settings.event_loop_contexts = expand_contexts(table.event_loop_contexts)
    settings.target_version = table.target_version
    settings.version_overrides = {
        package: value
        for package, value in (
            ("fastapi", table.fastapi_version),
            ("starlette", table.starlette_version),
            ("pydantic", table.pydantic_version),
        )
        if value is not None
    }


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
