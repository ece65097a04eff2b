"""``cst``: libcst, imported on first use.

Importing libcst takes about a quarter of a second. A run whose files all come from the cache
never parses anything, so nothing on that path may import libcst: modules write
``from fastapi_lint.core.lazy import cst`` and use ``cst.Call`` as usual, at run time only (never in
module-level expressions; annotations are fine under ``from __future__ import annotations``).
``tests/test_startup.py`` checks that the cached path stays free of it.
"""

from __future__ import annotations

import importlib
import types
from typing import TYPE_CHECKING, Any


class _LazyModule(types.ModuleType):
    def __getattr__(self, attribute: str) -> Any:
        module = importlib.import_module(self.__name__)
        # From now on attribute lookups find the real module's names directly.
        self.__dict__.update(module.__dict__)
        return getattr(module, attribute)


if TYPE_CHECKING:
    import libcst as cst
else:
    cst = _LazyModule("libcst")
