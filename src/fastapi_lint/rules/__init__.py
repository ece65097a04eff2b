"""Every rule, one module per rule, grouped by family. Importing this package registers them all.

Find a rule from its code: ``rules/<family>/fapi<NNN>_<name>.py``. New rule modules are found
automatically (any module under this package whose name starts with ``fapi``).
"""

from __future__ import annotations

import importlib
import os

from fastapi_lint.rules import meta  # noqa: F401


def _import_all() -> None:
    # A directory listing, not pkgutil.walk_packages: this runs at every start, and walking
    # packages costs several times more than listing two levels of directories.
    (here,) = __path__
    for family in sorted(os.listdir(here)):
        directory = os.path.join(here, family)
        if not os.path.isfile(os.path.join(directory, "__init__.py")):
            continue
        for name in sorted(os.listdir(directory)):
            if name.startswith("fapi") and name.endswith(".py"):
                importlib.import_module(f"{__name__}.{family}.{name[:-3]}")


_import_all()
