"""Loading the configuration: ``[tool.fastapi-lint]`` in the nearest ``pyproject.toml`` (or
``--config``), validated with a pydantic model (``schema.py``); any problem is one
``ConfigError`` naming the file, the key and what is accepted (exit code 2).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

from fastapi_lint import OUTPUT_FORMATS, TARGET_VERSIONS, __version__
from fastapi_lint.config.settings import (
    DEFAULT_CACHE_DIR,
    EVENT_LOOP_CONTEXTS,
    TOOL_TABLE,
    ConfigError,
    Settings,
    accepted_keys,
    code_fingerprint,
    expand_contexts,
)
from fastapi_lint.core.hashing import blake2b


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
            f"`{k}`" for k in accepted_keys()
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
        json.dumps([raw, __version__, code_fingerprint()], sort_keys=True, default=str).encode(),
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
