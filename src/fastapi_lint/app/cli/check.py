"""``fastapi-lint check``: the options, and the run from settings to report and exit code."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from fastapi_lint import OUTPUT_FORMATS, TARGET_VERSIONS
from fastapi_lint.app.cli.arguments import CheckArguments
from fastapi_lint.app.cli.show import report_missing, show_files, show_settings
from fastapi_lint.app.cli.terminal import (
    EXIT_ERROR,
    EXIT_FINDINGS,
    EXIT_OK,
    attach_sources,
    echo_chunks,
    fix_only_summary,
    peak_memory_mb,
    progress_bar,
    read_text,
    statistics,
    use_color,
    verbose,
    warn_unresolved,
)
from fastapi_lint.core.codes import UNCHECKED

# Findings about the file or the tool rather than the code: never baselined, never hidden by
# --fix-only.
NOT_BASELINED = UNCHECKED


@click.command()
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
def check(**options):
    """Check PATHS (files or directories; default: the current directory)."""
    args = CheckArguments.from_options(options)
    try:
        code = run_check(args)
    except click.exceptions.Exit:
        raise
    except click.ClickException:
        raise
    except Exception as exc:  # an internal error: say so plainly, exit 2
        import traceback

        click.echo(f"fastapi-lint: internal error: {type(exc).__name__}: {exc}", err=True)
        if args.verbose:
            traceback.print_exc()
        else:
            click.echo("Run with --verbose for the traceback, and please report it.", err=True)
        sys.exit(EXIT_ERROR)
    sys.exit(code)


def run_check(args: CheckArguments) -> int:
    from fastapi_lint.app.report import Entry, ReportContext, render_chunks
    from fastapi_lint.config.loading import load_settings
    from fastapi_lint.config.settings import ConfigError, override_selectors, validate_cli_contexts
    from fastapi_lint.engine.outcomes import RunOptions, Shortcut
    from fastapi_lint.engine.runner import Runner

    use_stdin = args.paths == [Path("-")] or (args.stdin_filename is not None and not args.paths)
    if not use_stdin and Path("-") in args.paths:
        click.echo("fastapi-lint: `-` (stdin) cannot be mixed with other paths", err=True)
        return EXIT_ERROR
    if args.add_noqa:
        for given, flag in (
            (args.fix, "--fix"),
            (args.diff, "--diff"),
            (use_stdin, "stdin (`-`)"),
            (args.write_baseline is not None, "--write-baseline"),
        ):
            if given:
                click.echo(f"fastapi-lint: error: --add-noqa cannot be used with {flag}", err=True)
                return EXIT_ERROR
    if args.write_baseline is not None and (args.diff or use_stdin):
        click.echo(
            "fastapi-lint: error: --write-baseline cannot be used with "
            + ("--diff" if args.diff else "stdin (`-`)"),
            err=True,
        )
        return EXIT_ERROR
    start = (
        Path(args.stdin_filename).parent
        if (use_stdin and args.stdin_filename)
        else (args.paths[0] if args.paths else Path.cwd())
    )
    try:
        settings = load_settings(Path(os.path.abspath(start)), args.config_path)
        override_selectors(
            settings,
            "--",
            select=args.select or None,
            extend_select=args.extend_select,
            ignore=args.ignore,
            fixable=args.fixable or None,
            extend_fixable=args.extend_fixable,
            unfixable=args.unfixable,
        )
        if args.event_loop_contexts:
            settings.event_loop_contexts = validate_cli_contexts(
                "--event-loop-contexts", args.event_loop_contexts
            )
    except ConfigError as exc:
        click.echo(f"fastapi-lint: error: {exc}", err=True)
        return EXIT_ERROR
    if args.target_version is not None:
        settings.target_version = args.target_version
    if args.show_settings:
        show_settings(settings)
        return EXIT_OK
    if args.show_files:
        return show_files(args.paths or [Path(".")], settings, args.force_exclude)
    known_findings = None
    if args.baseline is not None:
        from fastapi_lint.engine.baseline import Baseline, BaselineError

        try:
            known_findings = Baseline.load(args.baseline)
        except BaselineError as exc:
            click.echo(f"fastapi-lint: error: {exc}", err=True)
            return EXIT_ERROR
    if args.unsafe_fixes is None:
        args.unsafe_fixes = bool(settings.unsafe_fixes)
    args.output_format = args.output_format or settings.output_format or "full"
    rules = settings.enabled_rules()
    if args.verbose:
        verbose(
            f"configuration: {settings.config_file or 'defaults (no [tool.fastapi-lint] found)'}"
        )
        verbose(f"project root: {settings.root}")
        for root in settings.import_roots("configured", "declared", "default"):
            verbose(f"import root: {root.describe(str(settings.root))}")
        verbose(f"rules enabled: {', '.join(r.code for r in rules)}")
        from fastapi_lint.rules.selection import quiet_for_versions

        for rule in quiet_for_versions(rules, settings.detect_versions()):
            package, version = rule.quiet_below  # type: ignore[misc]
            verbose(f"rule {rule.code} quiet: the project pins {package} before {version}")

    progress = None
    if not use_stdin and not args.quiet and sys.stderr.isatty() and args.output_file is None:
        progress = progress_bar

    options = RunOptions(
        paths=args.paths or [Path(".")],
        fix=args.fix,
        unsafe_fixes=args.unsafe_fixes,
        diff=args.diff,
        use_cache=not args.no_cache,
        jobs=args.jobs,
        force_exclude=args.force_exclude,
        progress=progress,
    )
    if use_stdin:
        options.stdin_data = sys.stdin.buffer.read()
        options.stdin_filename = args.stdin_filename
        options.use_cache = not args.no_cache
    runner = Runner(settings, rules)
    if args.verbose:
        for line in settings.detect_versions().describe():
            verbose(f"version: {line}")
    result = runner.run(options)
    result.release_summaries()
    if progress is not None:
        click.echo("\r\033[K", nl=False, err=True)

    if args.verbose:
        for path, reason in result.skipped:
            verbose(f"skipped {path}: {reason}")
        context = (
            f" (+{result.context_files} for cross-module facts)" if result.context_files else ""
        )
        verbose(
            f"{len(result.outcomes)} files{context}: {result.files_checked} checked, "
            f"{result.files_cached} from cache"
        )
        if result.shortcut is Shortcut.UNCHANGED:
            verbose("nothing changed since the last run: its findings stand")
        elif result.shortcut is Shortcut.INCREMENTAL:
            verbose("project pass skipped: the changed files' module summaries are the same")
        for note in result.notes:
            verbose(note)
        for stage, seconds in result.timings.items():
            verbose(f"time {stage}: {seconds:.3f}s")
        verbose(
            f"peak memory: {peak_memory_mb()} MB (this process), {peak_memory_mb(True)} MB (largest worker)"
        )

    if result.resolution is not None and result.resolution.poor:
        warn_unresolved(result.resolution)
    exit_code = EXIT_ERROR if report_missing(result.missing) else EXIT_OK

    if known_findings is not None:
        hidden = apply_baseline(result, known_findings, settings.root)
        if args.verbose:
            verbose(f"{hidden} findings already in the baseline {args.baseline}")
    if args.write_baseline is not None:
        return write_baseline(result, args.write_baseline, settings.root, args.quiet) or exit_code
    if args.add_noqa:
        return add_noqa(result, args.quiet) or exit_code

    # The text printed to stdout in stdin mode with --fix is the fixed source itself.
    report_stream_is_stderr = use_stdin and (args.fix or args.diff)
    entries = []
    for outcome, diagnostic in result.diagnostics:
        if args.fix_only and diagnostic.code not in NOT_BASELINED:
            continue  # --fix-only: what remains is not reported (unreadable files still are)
        source = outcome.fixed_text or outcome.original_text
        entries.append(Entry(outcome.source.display, outcome.source.path, diagnostic, source))
    if args.output_format == "sarif":
        attach_sources(entries)
    fixes_by_file = {o.source.display: o.fixes_applied for o in result.outcomes if o.fixes_applied}
    context = ReportContext(
        rules=rules,
        root=settings.root,
        unsafe_fixes=args.unsafe_fixes,
        fix_mode=args.fix,
        color=use_color(sys.stderr if report_stream_is_stderr else sys.stdout)
        and args.output_file is None,
        fixed=0 if args.diff else result.fixed_count,
        fixes_by_file={} if args.diff else fixes_by_file,
        show_fixes=args.show_fixes,
        quiet=args.quiet,
        load_source=read_text,
    )

    for outcome in result.outcomes:
        if outcome.fix_error:
            click.echo(
                f"fastapi-lint: warning: {outcome.source.display}: {outcome.fix_error}", err=True
            )

    if args.diff:
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
        if not args.quiet:
            click.echo(f"Would fix {would_fix} error{'s' if would_fix != 1 else ''}.", err=True)
        if would_fix:
            return EXIT_FINDINGS
        return exit_code

    if use_stdin and args.fix:
        outcome = result.outcomes[0]
        text = outcome.fixed_text if outcome.fixed_text is not None else outcome.original_text
        if text is None:
            text = (options.stdin_data or b"").decode("utf-8", errors="surrogateescape")
        sys.stdout.write(text)
        sys.stdout.flush()

    if args.statistics:
        report = [statistics(entries, args.unsafe_fixes, args.output_format)]
    elif args.fix_only and not entries and args.output_format in ("full", "concise"):
        report = fix_only_summary(context, args.quiet)
    else:
        report = render_chunks(args.output_format, entries, context)
    if args.output_file is not None:
        try:
            args.output_file.parent.mkdir(parents=True, exist_ok=True)
            with open(args.output_file, "w", encoding="utf-8") as handle:
                handle.writelines(report)
        except OSError as exc:
            click.echo(
                f"fastapi-lint: error: cannot write {args.output_file}: {exc.strerror or exc}",
                err=True,
            )
            return EXIT_ERROR
    else:
        echo_chunks(report, err=report_stream_is_stderr)

    codes = {d.code for _, d in result.diagnostics}
    if UNCHECKED & codes:
        return EXIT_ERROR
    if exit_code:
        return exit_code
    if entries and not args.exit_zero:
        return EXIT_FINDINGS
    if args.exit_non_zero_on_fix and result.fixed_count:
        return EXIT_FINDINGS
    return EXIT_OK


def apply_baseline(result, known, root: Path) -> int:
    from fastapi_lint.engine.baseline import apply_baseline as apply

    return apply(result, known, root)


def write_baseline(result, path: Path, root: Path, quiet: bool) -> int:
    from fastapi_lint.engine.baseline import BaselineError, baseline_counts

    written = baseline_counts(result, root)
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


def add_noqa(result, quiet: bool) -> int:
    from fastapi_lint.engine.add_noqa import add_noqa_comments

    report = add_noqa_comments(result.outcomes)
    for level, message in report.messages:
        click.echo(f"fastapi-lint: {level}: {message}", err=True)
    if not quiet:
        added = report.added
        click.echo(f"Added {added} noqa directive{'s' if added != 1 else ''}.", err=True)
    return EXIT_ERROR if report.failed else EXIT_OK
