"""The command line: ``fastapi-lint check`` and ``fastapi-lint rule``, with ruff's conventions.

Exit codes: 0 no findings left, 1 findings left (or a diff / a fix with
``--exit-non-zero-on-fix``), 2 bad usage, bad configuration, unreadable files or an internal
error. Heavy modules (libcst, pydantic) are imported inside the commands so that
``fastapi-lint --version`` starts instantly.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from fastapi_lint import OUTPUT_FORMATS, TARGET_VERSIONS, __version__
from fastapi_lint.core.codes import INPUT_PROBLEMS, UNCHECKED

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


def _use_color(stream) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__, "-V", "--version", prog_name="fastapi-lint", message="%(prog)s %(version)s"
)
def main() -> None:
    """A linter for FastAPI codebases: blocking calls, Pydantic v1 idioms, security and
    correctness pitfalls, with safe autofixes."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--fix/--no-fix", default=False, help="Apply safe fixes.")
@click.option(
    "--fix-only",
    is_flag=True,
    help="Apply fixes, but neither report nor exit non-zero for what remains (implies --fix).",
)
@click.option("--unsafe-fixes/--no-unsafe-fixes", default=None, help="Also consider unsafe fixes.")
@click.option(
    "--diff", is_flag=True, help="Print the diff --fix would make; write nothing (exit 1 if any)."
)
@click.option(
    "--select", multiple=True, help="Rule codes or prefixes to enable (replaces the config)."
)
@click.option("--ignore", multiple=True, help="Rule codes or prefixes to disable.")
@click.option(
    "--fixable", multiple=True, help="Rule codes or prefixes whose fixes may apply (default: ALL)."
)
@click.option("--unfixable", multiple=True, help="Rule codes or prefixes whose fixes never apply.")
@click.option(
    "--extend-fixable", multiple=True, help="Rule codes or prefixes made fixable in addition."
)
@click.option(
    "--extend-select", multiple=True, help="Rule codes or prefixes to enable in addition."
)
@click.option(
    "--output-format",
    type=click.Choice(OUTPUT_FORMATS),
    default=None,
    help="Output format (default: full).",
)
@click.option(
    "--output-file",
    "-o",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the report to this file.",
)
@click.option(
    "--event-loop-contexts",
    "event_loop_contexts",
    multiple=True,
    help="Where the event-loop rules report: served, unknown (the default), startup, "
    "command-line, tests, or all (comma-separated).",
)
@click.option(
    "--target-version",
    type=click.Choice(TARGET_VERSIONS),
    default=None,
    help="The oldest Python the fixes must support (default: from `requires-python`, else py39).",
)
@click.option("--statistics", is_flag=True, help="Show counts per rule instead of each finding.")
@click.option("--show-fixes", is_flag=True, help="List the fixes that were applied.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings remain.")
@click.option(
    "--exit-non-zero-on-fix",
    is_flag=True,
    help="Exit 1 when fixes were applied, even if nothing remains.",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Configuration file (pyproject.toml or a TOML file of settings).",
)
@click.option(
    "--stdin-filename",
    default=None,
    help="The name of the file read from stdin (with `-` as the path).",
)
@click.option(
    "--force-exclude",
    is_flag=True,
    help="Apply exclusions to files named on the command line too (for pre-commit).",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: one per core).",
)
@click.option(
    "--add-noqa",
    is_flag=True,
    help="Add `# noqa: CODE` comments to every line with a finding (merged into existing ones).",
)
@click.option(
    "--write-baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Record the current findings in FILE (then use --baseline FILE).",
)
@click.option(
    "--baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Report only findings that are not in this baseline FILE.",
)
@click.option("--show-files", is_flag=True, help="List the files that would be checked, and stop.")
@click.option("--show-settings", is_flag=True, help="Print the settings a run would use, and stop.")
@click.option("--quiet", "-q", is_flag=True, help="Print findings only, no summary.")
@click.option(
    "--verbose",
    "-v",
    is_flag=True,
    help="Explain what is being done (configuration, files, timings).",
)
def check(
    paths,
    fix,
    fix_only,
    unsafe_fixes,
    diff,
    select,
    ignore,
    fixable,
    unfixable,
    extend_fixable,
    extend_select,
    output_format,
    output_file,
    event_loop_contexts,
    target_version,
    statistics,
    show_fixes,
    exit_zero,
    exit_non_zero_on_fix,
    no_cache,
    config_path,
    stdin_filename,
    force_exclude,
    jobs,
    add_noqa,
    write_baseline,
    baseline,
    show_files,
    show_settings,
    quiet,
    verbose,
):
    """Check PATHS (files or directories; default: the current directory)."""
    try:
        code = _check(
            paths=list(paths),
            fix=fix or fix_only,
            fix_only=fix_only,
            unsafe_fixes=unsafe_fixes,
            diff=diff,
            select=list(select),
            ignore=list(ignore),
            fixable=list(fixable),
            unfixable=list(unfixable),
            extend_fixable=list(extend_fixable),
            extend_select=list(extend_select),
            output_format=output_format,
            output_file=output_file,
            event_loop_contexts=list(event_loop_contexts),
            target_version=target_version,
            statistics=statistics,
            show_fixes=show_fixes,
            exit_zero=exit_zero,
            exit_non_zero_on_fix=exit_non_zero_on_fix,
            no_cache=no_cache,
            config_path=config_path,
            stdin_filename=stdin_filename,
            force_exclude=force_exclude,
            jobs=jobs,
            add_noqa=add_noqa,
            write_baseline=write_baseline,
            baseline=baseline,
            show_files=show_files,
            show_settings=show_settings,
            quiet=quiet,
            verbose=verbose,
        )
    except click.exceptions.Exit:
        raise
    except click.ClickException:
        raise
    except Exception as exc:  # an internal error: say so plainly, exit 2
        import traceback

        click.echo(f"fastapi-lint: internal error: {type(exc).__name__}: {exc}", err=True)
        if verbose:
            traceback.print_exc()
        else:
            click.echo("Run with --verbose for the traceback, and please report it.", err=True)
        sys.exit(EXIT_ERROR)
    sys.exit(code)


def _check(
    *,
    paths,
    fix,
    fix_only,
    unsafe_fixes,
    diff,
    select,
    ignore,
    fixable,
    unfixable,
    extend_fixable,
    extend_select,
    output_format,
    output_file,
    event_loop_contexts,
    target_version,
    statistics,
    show_fixes,
    exit_zero,
    exit_non_zero_on_fix,
    no_cache,
    config_path,
    stdin_filename,
    force_exclude,
    jobs,
    add_noqa,
    write_baseline,
    baseline,
    show_files,
    show_settings,
    quiet,
    verbose,
) -> int:
    from fastapi_lint.app.report import Entry, ReportContext, render_chunks
    from fastapi_lint.config.settings import (
        ConfigError,
        load_settings,
        override_selectors,
        validate_cli_contexts,
    )
    from fastapi_lint.engine.outcomes import RunOptions, Shortcut
    from fastapi_lint.engine.runner import Runner

    use_stdin = paths == [Path("-")] or (stdin_filename is not None and not paths)
    if not use_stdin and Path("-") in paths:
        click.echo("fastapi-lint: `-` (stdin) cannot be mixed with other paths", err=True)
        return EXIT_ERROR
    if add_noqa:
        for given, flag in (
            (fix, "--fix"),
            (diff, "--diff"),
            (use_stdin, "stdin (`-`)"),
            (write_baseline is not None, "--write-baseline"),
        ):
            if given:
                click.echo(f"fastapi-lint: error: --add-noqa cannot be used with {flag}", err=True)
                return EXIT_ERROR
    if write_baseline is not None and (diff or use_stdin):
        click.echo(
            "fastapi-lint: error: --write-baseline cannot be used with "
            + ("--diff" if diff else "stdin (`-`)"),
            err=True,
        )
        return EXIT_ERROR
    start = (
        Path(stdin_filename).parent
        if (use_stdin and stdin_filename)
        else (paths[0] if paths else Path.cwd())
    )
    try:
        settings = load_settings(Path(os.path.abspath(start)), config_path)
        override_selectors(
            settings,
            "--",
            select=select or None,
            extend_select=extend_select,
            ignore=ignore,
            fixable=fixable or None,
            extend_fixable=extend_fixable,
            unfixable=unfixable,
        )
        if event_loop_contexts:
            settings.event_loop_contexts = validate_cli_contexts(
                "--event-loop-contexts", event_loop_contexts
            )
    except ConfigError as exc:
        click.echo(f"fastapi-lint: error: {exc}", err=True)
        return EXIT_ERROR
    if target_version is not None:
        settings.target_version = target_version
    if show_settings:
        _show_settings(settings)
        return EXIT_OK
    if show_files:
        return _show_files(paths or [Path(".")], settings, force_exclude)
    known_findings = None
    if baseline is not None:
        from fastapi_lint.engine.baseline import Baseline, BaselineError

        try:
            known_findings = Baseline.load(baseline)
        except BaselineError as exc:
            click.echo(f"fastapi-lint: error: {exc}", err=True)
            return EXIT_ERROR
    if unsafe_fixes is None:
        unsafe_fixes = bool(settings.unsafe_fixes)
    output_format = output_format or settings.output_format or "full"
    rules = settings.enabled_rules()
    if verbose:
        _verbose(
            f"configuration: {settings.config_file or 'defaults (no [tool.fastapi-lint] found)'}"
        )
        _verbose(f"project root: {settings.root}")
        for root in settings.import_roots("configured", "declared", "default"):
            _verbose(f"import root: {root.describe(str(settings.root))}")
        _verbose(f"rules enabled: {', '.join(r.code for r in rules)}")
        from fastapi_lint.rules.selection import quiet_for_versions

        for rule in quiet_for_versions(rules, settings.detect_versions()):
            package, version = rule.quiet_below  # type: ignore[misc]
            _verbose(f"rule {rule.code} quiet: the project pins {package} before {version}")

    progress = None
    if not use_stdin and not quiet and sys.stderr.isatty() and output_file is None:
        progress = _progress_bar

    options = RunOptions(
        paths=paths or [Path(".")],
        fix=fix,
        unsafe_fixes=unsafe_fixes,
        diff=diff,
        use_cache=not no_cache,
        jobs=jobs,
        force_exclude=force_exclude,
        progress=progress,
    )
    if use_stdin:
        options.stdin_data = sys.stdin.buffer.read()
        options.stdin_filename = stdin_filename
        options.use_cache = not no_cache
    runner = Runner(settings, rules)
    if verbose:
        for line in settings.detect_versions().describe():
            _verbose(f"version: {line}")
    result = runner.run(options)
    result.release_summaries()
    if progress is not None:
        click.echo("\r\033[K", nl=False, err=True)

    if verbose:
        for path, reason in result.skipped:
            _verbose(f"skipped {path}: {reason}")
        context = (
            f" (+{result.context_files} for cross-module facts)" if result.context_files else ""
        )
        _verbose(
            f"{len(result.outcomes)} files{context}: {result.files_checked} checked, "
            f"{result.files_cached} from cache"
        )
        if result.shortcut is Shortcut.UNCHANGED:
            _verbose("nothing changed since the last run: its findings stand")
        elif result.shortcut is Shortcut.INCREMENTAL:
            _verbose("project pass skipped: the changed files' module summaries are the same")
        for note in result.notes:
            _verbose(note)
        for stage, seconds in result.timings.items():
            _verbose(f"time {stage}: {seconds:.3f}s")
        _verbose(
            f"peak memory: {_peak_memory_mb()} MB (this process), {_peak_memory_mb(True)} MB (largest worker)"
        )

    if result.resolution is not None and result.resolution.poor:
        _warn_unresolved(result.resolution)
    exit_code = EXIT_ERROR if _report_missing(result.missing) else EXIT_OK

    if known_findings is not None:
        hidden = _apply_baseline(result, known_findings, settings.root)
        if verbose:
            _verbose(f"{hidden} findings already in the baseline {baseline}")
    if write_baseline is not None:
        return _write_baseline(result, write_baseline, settings.root, quiet) or exit_code
    if add_noqa:
        return _add_noqa(result, quiet) or exit_code

    # The text printed to stdout in stdin mode with --fix is the fixed source itself.
    report_stream_is_stderr = use_stdin and (fix or diff)
    entries = []
    for outcome, diagnostic in result.diagnostics:
        if fix_only and diagnostic.code not in _NOT_BASELINED:
            continue  # --fix-only: what remains is not reported (unreadable files still are)
        source = outcome.fixed_text or outcome.original_text
        entries.append(Entry(outcome.source.display, outcome.source.path, diagnostic, source))
    if output_format == "sarif":
        _attach_sources(entries)
    fixes_by_file = {o.source.display: o.fixes_applied for o in result.outcomes if o.fixes_applied}
    context = ReportContext(
        rules=rules,
        root=settings.root,
        unsafe_fixes=unsafe_fixes,
        fix_mode=fix,
        color=_use_color(sys.stderr if report_stream_is_stderr else sys.stdout)
        and output_file is None,
        fixed=0 if diff else result.fixed_count,
        fixes_by_file={} if diff else fixes_by_file,
        show_fixes=show_fixes,
        quiet=quiet,
        load_source=_read_text,
    )

    for outcome in result.outcomes:
        if outcome.fix_error:
            click.echo(
                f"fastapi-lint: warning: {outcome.source.display}: {outcome.fix_error}", err=True
            )

    if diff:
        import difflib

        chunks = []
        for outcome in result.outcomes:
            if outcome.fixed_text is not None and outcome.original_text is not None:
                chunks.extend(
                    difflib.unified_diff(
                        outcome.original_text.splitlines(keepends=True),
                        outcome.fixed_text.splitlines(keepends=True),
                        fromfile=outcome.source.display,
                        tofile=outcome.source.display,
                    )
                )
        if chunks:
            text = "".join(chunks)
            click.echo(text if text.endswith("\n") else text + "\n", nl=False)
        would_fix = result.fixed_count
        if not quiet:
            click.echo(f"Would fix {would_fix} error{'s' if would_fix != 1 else ''}.", err=True)
        if would_fix:
            return EXIT_FINDINGS
        return exit_code

    if use_stdin and fix:
        outcome = result.outcomes[0]
        text = outcome.fixed_text if outcome.fixed_text is not None else outcome.original_text
        if text is None:
            text = (options.stdin_data or b"").decode("utf-8", errors="surrogateescape")
        sys.stdout.write(text)
        sys.stdout.flush()

    if statistics:
        report = [_statistics(entries, unsafe_fixes, output_format)]
    elif fix_only and not entries and output_format in ("full", "concise"):
        report = _fix_only_summary(context, quiet)
    else:
        report = render_chunks(output_format, entries, context)
    if output_file is not None:
        try:
            output_file.parent.mkdir(parents=True, exist_ok=True)
            with open(output_file, "w", encoding="utf-8") as handle:
                handle.writelines(report)
        except OSError as exc:
            click.echo(
                f"fastapi-lint: error: cannot write {output_file}: {exc.strerror or exc}", err=True
            )
            return EXIT_ERROR
    else:
        _echo_chunks(report, err=report_stream_is_stderr)

    codes = {d.code for _, d in result.diagnostics}
    if UNCHECKED & codes:
        return EXIT_ERROR
    if exit_code:
        return exit_code
    if entries and not exit_zero:
        return EXIT_FINDINGS
    if exit_non_zero_on_fix and result.fixed_count:
        return EXIT_FINDINGS
    return EXIT_OK


def _show_files(paths: list[Path], settings, force_exclude: bool) -> int:
    """ruff's ``--show-files``: the files a run would check, one absolute path a line."""
    from fastapi_lint.engine.discovery import discover

    found = discover(paths, settings, Path.cwd(), force_exclude)
    for source in sorted(found.files, key=lambda s: str(s.path)):
        click.echo(str(source.path))
    return EXIT_ERROR if _report_missing(found.missing) else EXIT_OK


def _report_missing(missing: list[str]) -> bool:
    """Say which named paths do not exist; whether any did not."""
    for path in missing:
        click.echo(f"fastapi-lint: error: {path}: no such file or directory", err=True)
    return bool(missing)


def _show_settings(settings) -> None:
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


def _fix_only_summary(context, quiet: bool) -> list[str]:
    """ruff's ``--fix-only`` summary: what was fixed (listed with ``--show-fixes``), nothing
    about what remains."""
    fixed = context.fixed
    if quiet or not fixed:
        return []
    if context.show_fixes:
        from fastapi_lint.app.report.text import applied_fix_lines

        lines = applied_fix_lines(context)
    else:
        lines = [f"Fixed {fixed} error{'s' if fixed != 1 else ''}."]
    return [f"{line}\n" for line in lines]


# Findings about the file or the tool rather than the code: never baselined.
_NOT_BASELINED = UNCHECKED


def _outcome_text(outcome) -> str | None:
    """The text the outcome's diagnostics point into."""
    if outcome.fixed_text is not None:
        return outcome.fixed_text
    if outcome.original_text is not None:
        return outcome.original_text
    return _read_text(outcome.source.path)


def _apply_baseline(result, known, root: Path) -> int:
    """Drop the findings recorded in the baseline; how many were dropped."""
    from fastapi_lint.engine.baseline import fingerprints

    found = []  # (outcome, diagnostic, fingerprint)
    for outcome in result.outcomes:
        candidates = [d for d in outcome.diagnostics if d.code not in _NOT_BASELINED]
        if not candidates:
            continue
        text = _outcome_text(outcome)
        for diagnostic, fingerprint in zip(
            candidates,
            fingerprints(outcome.source.path, root, text, candidates),
            strict=True,
        ):
            found.append((outcome, diagnostic, fingerprint))
    new = known.new_findings([fingerprint for _, _, fingerprint in found])
    dropped: dict[int, set[int]] = {}
    for (outcome, diagnostic, _), is_new in zip(found, new, strict=True):
        if not is_new:
            dropped.setdefault(id(outcome), set()).add(id(diagnostic))
    for outcome in result.outcomes:
        ids = dropped.get(id(outcome))
        if ids:
            outcome.diagnostics = [d for d in outcome.diagnostics if id(d) not in ids]
    return sum(len(ids) for ids in dropped.values())


def _write_baseline(result, path: Path, root: Path, quiet: bool) -> int:
    from collections import Counter

    from fastapi_lint.engine.baseline import Baseline, BaselineError, fingerprints

    counts: Counter = Counter()
    for outcome in result.outcomes:
        candidates = [d for d in outcome.diagnostics if d.code not in _NOT_BASELINED]
        if candidates:
            text = _outcome_text(outcome)
            counts.update(fingerprints(outcome.source.path, root, text, candidates))
    written = Baseline(counts)
    try:
        written.write(path)
    except BaselineError as exc:
        click.echo(f"fastapi-lint: error: {exc}", err=True)
        return EXIT_ERROR
    if not quiet:
        count = len(written)
        click.echo(
            f"Wrote {count} finding{'s' if count != 1 else ''} to the baseline {path}.", err=True
        )
    return EXIT_OK


def _add_noqa(result, quiet: bool) -> int:
    """Add `# noqa: CODE` comments for every finding left, ruff's way."""
    from fastapi_lint.core.apply_fixes import compiles
    from fastapi_lint.core.noqa import add_noqa
    from fastapi_lint.core.source import (
        SourceDecodeError,
        SourceReadError,
        WriteConflictError,
        read_source,
        write_source,
    )

    added = 0
    status = EXIT_OK
    for outcome in result.outcomes:
        rows: dict[int, set[str]] = {}
        for diagnostic in outcome.diagnostics:
            if diagnostic.code in INPUT_PROBLEMS:
                continue  # a file that cannot be read or parsed needs fixing, not silencing
            rows.setdefault(diagnostic.noqa_row, set()).add(diagnostic.code)
        if not rows:
            continue
        display = outcome.source.display
        try:
            source = read_source(outcome.source.path)
        except (SourceReadError, SourceDecodeError) as exc:
            click.echo(f"fastapi-lint: error: {display}: cannot add noqa: {exc}", err=True)
            status = EXIT_ERROR
            continue
        text, changed, skipped = add_noqa(source.text, rows)
        for row in skipped:
            click.echo(
                f"fastapi-lint: warning: {display}:{row}: no `# noqa` comment can go on this "
                "line (inside a multi-line string or after a line continuation)",
                err=True,
            )
        if not changed:
            continue
        if compiles(source.text, display) and not compiles(text, display):
            click.echo(
                f"fastapi-lint: error: {display}: adding noqa comments would break it", err=True
            )
            status = EXIT_ERROR
            continue
        try:
            write_source(outcome.source.path, source, text)
        except (WriteConflictError, OSError) as exc:
            click.echo(f"fastapi-lint: error: {display}: not written: {exc}", err=True)
            status = EXIT_ERROR
            continue
        added += changed
    if not quiet:
        click.echo(f"Added {added} noqa directive{'s' if added != 1 else ''}.", err=True)
    return status


def _echo_chunks(chunks, err: bool) -> None:
    """Write the report as it is made, in pieces of some 64 kB."""
    pending: list[str] = []
    size = 0
    for chunk in chunks:
        pending.append(chunk)
        size += len(chunk)
        if size >= 65536:
            click.echo("".join(pending), nl=False, err=err)
            pending.clear()
            size = 0
    if pending and size:
        click.echo("".join(pending), nl=False, err=err)


def _read_text(path: Path) -> str | None:
    """A file's text, or None when it cannot be read or decoded (the report goes on)."""
    from fastapi_lint.core.source import SourceDecodeError, SourceReadError, read_source

    try:
        return read_source(path).text
    except (SourceReadError, SourceDecodeError):
        return None


def _attach_sources(entries) -> None:
    cache: dict[Path, str | None] = {}
    for entry in entries:
        if entry.source is not None:
            continue
        if entry.absolute not in cache:
            cache[entry.absolute] = _read_text(entry.absolute)
        entry.source = cache[entry.absolute]


def _statistics(entries, unsafe_fixes: bool, output_format: str) -> str:
    import json

    from fastapi_lint.app.report import root_of
    from fastapi_lint.core.diagnostics import Applicability

    counts: dict[str, list] = {}
    # Root causes shared by findings (FAPI102 chains): code -> distinct roots.
    roots: dict[str, set[str]] = {}
    for entry in entries:
        d = entry.diagnostic
        row = counts.setdefault(d.code, [d.code, d.name, 0, 0])
        row[2] += 1
        if d.fix is not None and (d.fix.applicability is Applicability.SAFE or unsafe_fixes):
            row[3] += 1
        root = root_of(entry)
        if root is not None:
            roots.setdefault(d.code, set()).add(root)
    rows = sorted(counts.values(), key=lambda r: (-r[2], r[0]))
    if output_format in ("json", "json-lines"):
        items = []
        for c, n, k, f in rows:
            item = {"code": c, "name": n, "count": k, "fixable": f > 0}
            if c in roots:
                item["roots"] = len(roots[c])
            items.append(item)
        return json.dumps(items, indent=2) + "\n"
    if not rows:
        return ""
    width = max(len(str(r[2])) for r in rows)
    lines = [
        f"{str(count).rjust(width)}\t{code}\t{'[*]' if fixable else '[ ]'} {name}"
        + (
            f" ({len(roots[code])} root cause{'s' if len(roots[code]) != 1 else ''})"
            if code in roots
            else ""
        )
        for code, name, count, fixable in rows
    ]
    return "\n".join(lines) + "\n"


def _peak_memory_mb(children: bool = False) -> int:
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return 0
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    peak = resource.getrusage(who).ru_maxrss
    return peak // (1024 * 1024) if sys.platform == "darwin" else peak // 1024


def _warn_unresolved(found) -> None:
    missed = found.total - found.resolved
    packages = ", ".join(
        f"`{name}`" for name, _ in sorted(found.unresolved.items(), key=lambda i: -i[1])[:3]
    )
    click.echo(
        f"warning: {missed} of {found.total} imports of the project's own packages ({packages}) "
        "did not resolve, so findings that cross modules are missing; set `src` in "
        "[tool.fastapi-lint] to the folders that hold your top-level packages",
        err=True,
    )


def _verbose(message: str) -> None:
    click.echo(f"[fastapi-lint] {message}", err=True)


def _progress_bar(done: int, total: int) -> None:
    if total < 50:
        return
    width = 30
    filled = int(width * done / total) if total else width
    click.echo(
        f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} files", nl=False, err=True
    )


@main.command()
def server():
    """Run the Language Server (LSP) over stdin/stdout, for editors."""
    from fastapi_lint.app.lsp.server import serve

    serve()


@main.command()
@click.argument("code", required=False)
@click.option("--all", "show_all", is_flag=True, help="List every rule.")
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text")
def rule(code, show_all, output_format):
    """Explain a rule (by code or name), or list them all with --all."""
    import json

    from fastapi_lint.app.docs import rule_page
    from fastapi_lint.rules.registry import all_rules, rule_by_name_or_code

    if show_all:
        rules = all_rules()
        if output_format == "json":
            click.echo(
                json.dumps(
                    [
                        {
                            "code": r.code,
                            "name": r.name,
                            "family": r.family(),
                            "fix": r.fix_availability.value,
                            # False: opt-in, out of the default selection (`extend-select`).
                            "default": not r.opt_in,
                            "summary": r.summary,
                        }
                        for r in rules
                    ],
                    indent=2,
                )
            )
            return
        width = max(len(r.name) for r in rules)
        click.echo(f"{'CODE':<8} {'NAME':<{width}}  {'FAMILY':<12} {'FIX':<9} SUMMARY")
        for r in rules:
            click.echo(
                f"{r.code:<8} {r.name:<{width}}  {r.family():<12} {r.fix_availability.value:<9} {r.summary}"
            )
        return
    if not code:
        raise click.UsageError("give a rule code (e.g. FAPI101) or --all")
    found = rule_by_name_or_code(code)
    if found is None:
        click.echo(
            f"fastapi-lint: error: no rule `{code}` (see `fastapi-lint rule --all`)", err=True
        )
        sys.exit(EXIT_ERROR)
    page = rule_page(found.code) or f"# {found.name} ({found.code})\n\n{found.summary}\n"
    if output_format == "json":
        click.echo(
            json.dumps(
                {
                    "code": found.code,
                    "name": found.name,
                    "family": found.family(),
                    "fix": found.fix_availability.value,
                    "summary": found.summary,
                    "explanation": page,
                },
                indent=2,
            )
        )
        return
    click.echo(page, nl=not page.endswith("\n"))


def entry_point() -> None:
    """The console script: ``main`` plus two things only a short-lived process can afford.

    The cyclic garbage collector is off (the per-file pass allocates millions of short-lived
    objects and frees them by reference counting; collecting costs as much as parsing), and the
    process ends with ``os._exit`` once output is flushed, skipping the teardown of every object
    the run created. Tests call ``main`` and keep the normal interpreter behaviour. Dataclasses
    (libcst's nodes, the linter's own) reuse the methods compiled by earlier runs
    (``dataclass_cache``): a tenth of a second off every start.
    """
    import gc

    from fastapi_lint.core.dataclass_cache import compiled_dataclass_methods

    gc.disable()
    try:
        with compiled_dataclass_methods():
            main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if exc.code is not None and not isinstance(exc.code, int):
            click.echo(str(exc.code), err=True)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    entry_point()
