"""``fastapi-lint server``: the language server over stdin/stdout."""

from __future__ import annotations

import click


@click.command()
def server():
    """Run the Language Server (LSP) over stdin/stdout, for editors."""
    from fastapi_lint.app.lsp.server import serve

    serve()
