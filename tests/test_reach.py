"""A run on some files of a project parses only what they need (``reach.py``)."""

from __future__ import annotations

from pathlib import Path

from test_project_context import make_project, run

from fastapi_lint.engine.reach import imported_modules


def test_import_statements_are_read_without_parsing() -> None:
    source = b"""\
import os, app.core.config as config
from app.services import payments, refunds as r
from app.models import (
    User,  # the account
    Order,
)
from . import sibling
from .. import uncle
from ..api.routes import *
def later():
    from app.lazy import thing
text = "import nothing_really"
"""
    found = imported_modules(source, "app.api.v1.items", False)
    assert {
        "os",
        "app",
        "app.core",
        "app.core.config",
        "app.services",
        "app.services.payments",
        "app.services.refunds",
        "app.models.User",
        "app.models.Order",
        "app.api.v1.sibling",
        "app.api.uncle",
        "app.api.api.routes",
        "app.lazy.thing",
    } <= found
    assert "nothing_really" not in found
    # In a package's __init__, `from . import x` is the package's own submodule.
    assert "app.api.x" in imported_modules(b"from . import x\n", "app.api", True)


ROUTER = """\
from fastapi import APIRouter

from app.services.payments import charge

router = APIRouter()


@router.post("/pay")
async def pay():
    return charge(1)
"""


def test_only_what_the_named_files_reach_and_the_apps_that_mount_them_is_parsed(
    tmp_path: Path,
) -> None:
    files = {
        "app/__init__.py": "",
        "app/services/__init__.py": "",
        "app/services/payments.py": "import time\n\ndef charge(x):\n    time.sleep(1)\n    return x\n",
        "app/api/__init__.py": "",
        "app/api/orders.py": ROUTER,
        "app/api/router.py": (
            "from fastapi import APIRouter\n\nfrom app.api import orders\n\n"
            "api_router = APIRouter()\napi_router.include_router(orders.router, prefix='/orders')\n"
        ),
        "app/main.py": (
            "from fastapi import FastAPI\n\nfrom app.api.router import api_router\n\n"
            "app = FastAPI()\napp.include_router(api_router)\n"
        ),
        "app/unrelated.py": "import app.api.router\n",  # imports a mounting module, mounts nothing
    }
    files.update({f"tools/tool{i}.py": "import json\nprint(json.dumps({}))\n" for i in range(30)})
    files.update({f"scripts/s{i}.py": "from app.services import payments\n" for i in range(5)})
    project = make_project(tmp_path, files)
    result = run(project, ["app/api/orders.py"], use_cache=False)
    # payments and the three packages on the way; router.py and main.py (they mount it).
    assert result.context_files == 6
    found = [(o.source.display, d.location.row, d.message) for o, d in result.diagnostics]
    assert any("blocks the event loop in route" in message for _, _, message in found)
    # The same findings, messages included, as a run over the whole project.
    whole = run(project, ["."], use_cache=False)
    assert found == [
        (o.source.display, d.location.row, d.message)
        for o, d in whole.diagnostics
        if o.source.display == "app/api/orders.py"
    ]


def test_a_package_brings_only_the_names_asked_of_it(tmp_path: Path) -> None:
    """`from models import User` and `import models; models.orders.Order` need the modules that
    give those names, not every module the package's __init__ imports."""
    from fastapi_lint.config.loading import load_settings
    from fastapi_lint.engine.discovery import discover
    from fastapi_lint.engine.reach import reachable_context

    files = {
        "models/__init__.py": "".join(f"from .m{i} import M{i}\n" for i in range(20))
        + "from .user import User\nfrom . import orders\n",
        **{f"models/m{i}.py": f"class M{i}: ...\n" for i in range(20)},
        "models/user.py": "from models.base import Base\n\nclass User(Base): ...\n",
        "models/base.py": "class Base: ...\n",
        "models/orders.py": "class Order: ...\n",
        "routes.py": "from models import User\nimport models\n\nx = models.orders.Order\n",
    }
    project = make_project(tmp_path, files)
    settings = load_settings(project)
    everything = discover([project], settings, project).files
    named = [s for s in everything if s.module == "routes"]
    context = reachable_context(named, everything, lambda s: s.path.read_bytes())
    assert sorted(s.module for s in context) == [
        "models",
        "models.base",
        "models.orders",
        "models.user",
    ]
