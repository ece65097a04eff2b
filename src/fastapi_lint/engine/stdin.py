"""A run on source given on standard input (an editor's fix-on-save): one file, checked with
the cached summaries of the modules it depends on, fixed in memory."""

from __future__ import annotations

import os
import time
from pathlib import Path

from fastapi_lint.core.source import SourceDecodeError, SourceFile, source_from_bytes
from fastapi_lint.engine.discovery import SourcePath, display_path, module_name_for
from fastapi_lint.engine.fixing import fix_file
from fastapi_lint.engine.outcomes import FileOutcome, RunOptions, RunResult
from fastapi_lint.engine.project_context import cached_dependencies
from fastapi_lint.engine.project_pass import run_project_pass
from fastapi_lint.engine.result_cache import ResultCache
from fastapi_lint.engine.session import Session
from fastapi_lint.engine.workers import check_bytes


def run_stdin(
    session: Session, options: RunOptions, cache: ResultCache | None, timings
) -> RunResult:
    started = time.perf_counter()
    filename = options.stdin_filename or "-"
    path = Path(os.path.abspath(filename)) if options.stdin_filename else session.cwd / "-.py"
    module, is_package = module_name_for(path, session.settings)
    display = display_path(path, session.cwd) if options.stdin_filename else "-"
    source = SourcePath(path, display, module, is_package)
    data = options.stdin_data or b""
    try:
        source_file: SourceFile | None = source_from_bytes(data)
    except SourceDecodeError:
        source_file = None
    result = check_bytes(session.checker, source, data)
    outcome = FileOutcome(source, result)
    if source_file is not None:
        outcome.original_text = source_file.text
    # Cross-module facts come from the cache, for the modules this one depends on.
    others = cached_dependencies(session, result, cache) if cache is not None else []
    project = run_project_pass(session, [outcome], extra_summaries=others)
    if (options.fix or options.diff) and source_file is not None:
        fix_file(session, outcome, project, options, None, None, source_file=source_file)
    timings["total"] = time.perf_counter() - started
    return RunResult([outcome], [], [], timings, files_checked=1)
