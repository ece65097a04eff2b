"""Every rule, one module per rule, grouped by family. Importing this package registers them.

Find a rule from its code: ``rules/<family>/fapi<NNN>_<name>.py``.
"""

from fastapi_lint.rules import meta  # noqa: F401
from fastapi_lint.rules.event_loop import fapi101_blocking_call_in_async  # noqa: F401
from fastapi_lint.rules.security import fapi301_cors_wildcard_with_credentials  # noqa: F401
