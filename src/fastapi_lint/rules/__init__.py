"""Every rule, one module per rule, grouped by family. Importing this package registers them all.

Find a rule from its code: ``rules/<family>/fapi<NNN>_<name>.py``. New rule modules are found
automatically (any module under this package whose name starts with ``fapi``).
"""

from __future__ import annotations

import importlib
import pkgutil

from fastapi_lint.rules import meta  # noqa: F401


def _import_all() -> None:
    for info in pkgutil.walk_packages(__path__, prefix=f"{__name__}."):
        if info.name.rpartition(".")[2].startswith("fapi"):
            importlib.import_module(info.name)


_import_all()
