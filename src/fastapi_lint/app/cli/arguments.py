"""The arguments of ``fastapi-lint check``, as one value (the command's options, normalised)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any


@dataclass(slots=True)
class CheckArguments:
    paths: Any
    fix: Any
    fix_only: Any
    unsafe_fixes: Any
    diff: Any
    select: Any
    ignore: Any
    fixable: Any
    unfixable: Any
    extend_fixable: Any
    extend_select: Any
    output_format: Any
    output_file: Any
    event_loop_contexts: Any
    target_version: Any
    statistics: Any
    show_fixes: Any
    exit_zero: Any
    exit_non_zero_on_fix: Any
    no_cache: Any
    config_path: Any
    stdin_filename: Any
    force_exclude: Any
    jobs: Any
    add_noqa: Any
    write_baseline: Any
    baseline: Any
    show_files: Any
    show_settings: Any
    quiet: Any
    verbose: Any

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> CheckArguments:
        """From click's keyword arguments: repeated options as lists, ``--fix-only`` implying
        ``--fix``, the paths as a list."""
        values = {
            f.name: list(options[f.name]) if isinstance(options[f.name], tuple) else options[f.name]
            for f in fields(cls)
        }
        values["fix"] = bool(values["fix"] or values["fix_only"])
        return cls(**values)

    @property
    def paths_or_cwd(self) -> list[Path]:
        return self.paths or [Path(".")]
