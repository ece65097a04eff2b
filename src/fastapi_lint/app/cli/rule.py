"""``fastapi-lint rule``: a rule's page, or the list of every rule."""

from __future__ import annotations

import sys

import click

from fastapi_lint.app.cli.terminal import EXIT_ERROR


@click.command()
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
