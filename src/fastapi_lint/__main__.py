import os
import sys

# `python -m fastapi_lint` puts the working directory first on sys.path: the checked project's
# own modules (a `click.py`, a `pydantic/` package) would shadow the linter's dependencies and
# run. The linter never imports checked code, so that entry goes before anything is imported.
if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from fastapi_lint.app.cli import entry_point

entry_point()
