"""``--show-files`` and ``--show-settings``: what a run would check and with which settings."""

from __future__ import annotations

from pathlib import Path

import click

from fastapi_lint.app.cli.terminal import EXIT_ERROR, EXIT_OK


def show_files(paths: list[Path], settings, force_exclude: bool) -> int:
    """ruff's ``--show-files``: the files a run would check, one absolute path a line."""
    from fastapi_lint.engine.discovery import discover

    found = discover(paths, settings, Path.cwd(), force_exclude)
    for source in sorted(found.files, key=lambda s: str(s.path)):
        click.echo(str(source.path))
    return EXIT_ERROR if report_missing(found.missing) else EXIT_OK


def report_missing(missing: list[str]) -> bool:
    """Say which named paths do not exist; whether any did not."""
    for path in missing:
        click.echo(f"fastapi-lint: error: {path}: no such file or directory", err=True)
    return bool(missing)


def show_settings(settings) -> None:
    """ruff's ``--show-settings``: what the run would use, resolved (TOML-like lines)."""
    import json

    def value(item) -> str:
        return "none" if item is None else json.dumps(item, default=str, ensure_ascii=False)

    from fastapi_lint.rules.selection import DEFAULT_SELECT, opt_in_codes, quiet_for_versions

    versions = settings.detect_versions()
    rules = settings.enabled_rules()
    lines = [
        ("config-file", str(settings.config_file) if settings.config_file else None),
        ("root", str(settings.root)),
        ("src", [str(p) for p in settings.src]),
        ("cache-dir", str(settings.cache_dir) if settings.cache_dir else None),
        # The default selection: every rule but the opt-in ones (`extend-select` turns them on).
        ("select", settings.select if settings.select is not None else list(DEFAULT_SELECT)),
        ("opt-in-rules", opt_in_codes()),
        ("extend-select", settings.extend_select),
        ("ignore", settings.ignore),
        ("rules", [rule.code for rule in rules]),
        # Enabled, but quiet for the project's pinned versions (`Rule.quiet_below`).
        ("quiet-rules", [rule.code for rule in quiet_for_versions(rules, versions)]),
        ("fixable", settings.fixable),
        ("extend-fixable", settings.extend_fixable),
        ("unfixable", settings.unfixable),
        ("per-file-ignores", settings.per_file_ignores),
        ("exclude", settings.exclude),
        ("extend-exclude", settings.extend_exclude),
        ("respect-gitignore", settings.respect_gitignore),
        ("output-format", settings.output_format),
        ("unsafe-fixes", settings.unsafe_fixes),
        ("target-version", "py{}{}".format(*settings.target_python())),
        ("extend-blocking-calls", settings.extend_blocking_calls),
        ("allowed-blocking-calls", settings.allowed_blocking_calls),
        ("event-loop-contexts", settings.event_loop_contexts),
        ("versions", versions.describe()),
    ]
    for key, item in lines:
        click.echo(f"{key} = {value(item)}")
