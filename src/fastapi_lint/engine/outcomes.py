"""What a run is asked to do and what it gives back: options, per-file outcomes, the result."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fastapi_lint.core.diagnostics import Diagnostic
from fastapi_lint.engine.discovery import SourcePath
from fastapi_lint.engine.results import FileResult
from fastapi_lint.project.roots import Resolution


@dataclass(slots=True)
class RunOptions:
    paths: list[Path]
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    use_cache: bool = True
    stdin_data: bytes | None = None
    stdin_filename: str | None = None
    jobs: int | None = None
    force_exclude: bool = False
    progress: Callable[[int, int], None] | None = None
    # When the paths name only part of the project (pre-commit passes the staged files), the
    # rest of the project is analyzed too (from the cache when unchanged) for its module
    # summaries only, so that cross-module facts stay right; only the named files are reported.
    project_context: bool = True


@dataclass(slots=True)
class FileOutcome:
    source: SourcePath
    result: FileResult
    diagnostics: list[Diagnostic] = field(default_factory=list)  # remaining, after fixes
    original_text: str | None = None
    fixed_text: str | None = None  # set when fixes changed the text
    fixes_applied: dict[str, int] = field(default_factory=dict)  # code -> count
    fix_error: str | None = None


class Shortcut(enum.Enum):
    """How a run reused the last run's findings."""

    NONE = "none"  # it did not
    UNCHANGED = "unchanged"  # no file's content changed since: its findings stand
    INCREMENTAL = "incremental"  # only the changed files checked, no project pass


@dataclass(slots=True)
class RunResult:
    outcomes: list[FileOutcome]
    missing: list[str]
    skipped: list[tuple[str, str]]
    timings: dict[str, float]
    files_checked: int = 0
    files_cached: int = 0
    context_files: int = 0  # project files analyzed for cross-module facts only
    shortcut: Shortcut = Shortcut.NONE  # how the last run's findings were reused
    notes: list[str] = field(default_factory=list)  # said under --verbose
    resolution: Resolution | None = None  # imports of first-party names that resolved

    @property
    def diagnostics(self) -> list[tuple[FileOutcome, Diagnostic]]:
        return [(o, d) for o in self.outcomes for d in o.diagnostics]

    @property
    def fixed_count(self) -> int:
        return sum(sum(o.fixes_applied.values()) for o in self.outcomes)

    def release_summaries(self) -> None:
        """Drop the module summaries, which nothing needs once the run is done (reporting
        uses the diagnostics): on a large project they are most of the memory the report
        would otherwise be written on top of."""
        for outcome in self.outcomes:
            outcome.result.summary = None
