"""The command line: ``fastapi-lint check``, ``rule`` and ``server`` (one module each), with
ruff's conventions.

Exit codes: 0 no findings left, 1 findings left (or a diff / a fix with
``--exit-non-zero-on-fix``), 2 bad usage, bad configuration, unreadable files or an internal
error. Heavy modules (libcst, pydantic) are imported inside the commands so that
``fastapi-lint --version`` starts instantly.
"""

from __future__ import annotations

import os
import sys

import click

from fastapi_lint import __version__
from fastapi_lint.app.cli.check import check
from fastapi_lint.app.cli.rule import rule
from fastapi_lint.app.cli.server import server
from fastapi_lint.app.cli.terminal import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK

__all__ = ["EXIT_ERROR", "EXIT_FINDINGS", "EXIT_OK", "entry_point", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__, "-V", "--version", prog_name="fastapi-lint", message="%(prog)s %(version)s"
)
def main() -> None:
    """A linter for FastAPI codebases: blocking calls, Pydantic v1 idioms, security and
    correctness pitfalls, with safe autofixes."""


for command in (check, rule, server):
    main.add_command(command)


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
