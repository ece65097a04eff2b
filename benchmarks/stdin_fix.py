"""Benchmark: the editor's fix-on-save, ``fastapi-lint check --fix --stdin-filename PATH -``,
on a typical route module of a small service, as conform.nvim (or any formatter hook) runs it:
a fresh process per save, the buffer on stdin, the fixed source on stdout.

    uv run python -m benchmarks.stdin_fix [--runs N] [--modules M] [--profile]

The project (written to a temporary directory) is a service with ``M`` other modules whose
results are in the cache (filled by one ``fastapi-lint check`` first, as after any run). The
budget is 0.3 s wall per save. Besides the wall time it measures where the time goes: the
interpreter's start, importing the linter (libcst, click, the rules) and the work
itself (settings, cache, parse and check, fix loop), so that a figure over budget says what
dominates; ``--profile`` adds the import time per package and a profile of the work. For
comparison it also times the same fix asked of a running ``fastapi-lint server`` (the
``source.fixAll.fastapi-lint`` code action), where no process starts per save.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUDGET_SECONDS = 0.3

# A typical route module: models, a router, dependencies, CRUD routes, two blocking sleeps
# that the fix rewrites and one blocking HTTP call it cannot fix.
ROUTE_MODULE = '''\
"""Orders: create, read, list, update and cancel orders."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timezone
from typing import Annotated

import requests
from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, Field

from app.deps import get_current_user, get_settings
from app.services.orders import OrderService, get_order_service

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/orders", tags=["orders"])

INVENTORY_URL = "https://inventory.internal/api/stock"


class OrderLine(BaseModel):
    sku: str = Field(min_length=3, max_length=32)
    quantity: int = Field(gt=0, le=1000)


class OrderIn(BaseModel):
    customer_id: int
    lines: list[OrderLine]
    note: str | None = None


class OrderOut(BaseModel):
    id: int
    customer_id: int
    lines: list[OrderLine]
    status: str
    created_at: datetime


class OrderPage(BaseModel):
    items: list[OrderOut]
    total: int
    offset: int
    limit: int


Service = Annotated[OrderService, Depends(get_order_service)]


@router.post("/", response_model=OrderOut, status_code=status.HTTP_201_CREATED)
async def create_order(order: OrderIn, service: Service, user=Depends(get_current_user)):
    """Create an order after checking the stock of every line."""
    for line in order.lines:
        stock = requests.get(f"{INVENTORY_URL}/{line.sku}", timeout=2).json()
        if stock["available"] < line.quantity:
            raise HTTPException(status.HTTP_409_CONFLICT, f"not enough {line.sku}")
    created = await service.create(order, owner=user.id)
    logger.info("order %s created by %s", created.id, user.id)
    return created


@router.get("/{order_id}", response_model=OrderOut)
async def read_order(order_id: int, service: Service):
    order = await service.get(order_id)
    if order is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "order not found")
    return order


@router.get("/", response_model=OrderPage)
async def list_orders(
    service: Service,
    offset: int = Query(0, ge=0),
    limit: int = Query(50, ge=1, le=200),
    status_filter: str | None = Query(None, alias="status"),
):
    items, total = await service.list(offset=offset, limit=limit, status=status_filter)
    return OrderPage(items=items, total=total, offset=offset, limit=limit)


@router.put("/{order_id}", response_model=OrderOut)
async def update_order(order_id: int, order: OrderIn, service: Service):
    # Give the replica a moment to catch up before re-reading (a known workaround).
    time.sleep(0.2)
    updated = await service.update(order_id, order)
    if updated is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "order not found")
    return updated


@router.post("/{order_id}/cancel", response_model=OrderOut)
async def cancel_order(order_id: int, service: Service, settings=Depends(get_settings)):
    order = await service.get(order_id)
    if order is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "order not found")
    age = datetime.now(timezone.utc) - order.created_at
    if age.total_seconds() > settings.cancel_window_seconds:
        raise HTTPException(status.HTTP_409_CONFLICT, "too late to cancel")
    for attempt in range(3):
        if await service.cancel(order_id):
            break
        time.sleep(0.1 * (attempt + 1))
    return await service.get(order_id)


@router.get("/{order_id}/history")
def order_history(order_id: int):
    # A sync route runs in the threadpool: blocking here is fine.
    return requests.get(f"{INVENTORY_URL}/history/{order_id}", timeout=5).json()
'''

DEPS = """\
from dataclasses import dataclass

from fastapi import Header, HTTPException


@dataclass
class User:
    id: int


@dataclass
class Settings:
    cancel_window_seconds: int = 3600


async def get_current_user(authorization: str = Header()) -> User:
    if not authorization.startswith("Bearer "):
        raise HTTPException(401, "missing token")
    return User(id=1)


def get_settings() -> Settings:
    return Settings()
"""

SERVICE = """\
class OrderService:
    async def create(self, order, owner):
        return order

    async def get(self, order_id):
        return None

    async def list(self, offset, limit, status):
        return [], 0

    async def update(self, order_id, order):
        return order

    async def cancel(self, order_id):
        return True


def get_order_service() -> OrderService:
    return OrderService()
"""

FILLER = '''\
"""Module {i}: helpers and a small router."""

import asyncio

from fastapi import APIRouter

router = APIRouter(prefix="/m{i}")


def normalize_{i}(value: str) -> str:
    return value.strip().lower()


@router.get("/")
async def index_{i}(q: str = ""):
    await asyncio.sleep(0)
    return {{"q": normalize_{i}(q)}}
'''


def make_project(root: Path, modules: int) -> Path:
    files = {
        "pyproject.toml": '[project]\nname = "orders"\n\n[tool.fastapi-lint]\nselect = ["FAPI"]\n',
        "app/__init__.py": "",
        "app/deps.py": DEPS,
        "app/services/__init__.py": "",
        "app/services/orders.py": SERVICE,
        "app/routers/__init__.py": "",
        "app/routers/orders.py": ROUTE_MODULE,
        **{f"app/routers/m{i:03}.py": FILLER.format(i=i) for i in range(modules)},
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "app/routers/orders.py"


def console_script() -> str:
    script = shutil.which("fastapi-lint", path=str(Path(sys.executable).parent))
    if script is None:
        sys.exit("the fastapi-lint console script is not installed (run `uv sync`)")
    return script


def wall(command: list[str], cwd: Path, stdin: bytes | None = None) -> tuple[float, bytes]:
    started = time.perf_counter()
    proc = subprocess.run(command, cwd=cwd, input=stdin, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed ({proc.returncode}):\n{proc.stderr.decode()}")
    return elapsed, proc.stdout


def measure(
    commands: dict[str, tuple[list[str], bytes | None]], cwd: Path, runs: int
) -> dict[str, list[float]]:
    """Wall times of each command, run in turn (so that a change of the machine's load
    affects them all alike)."""
    for command, stdin in commands.values():
        wall(command, cwd, stdin)  # warm the OS caches and the .pyc files
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, (command, stdin) in commands.items():
            times[name].append(wall(command, cwd, stdin)[0])
    return times


def in_process(root: Path, target: Path, text: bytes, runs: int, profile: bool) -> list[float]:
    """The work after the imports: settings, rules, cache, parse and check, fix loop."""
    os.chdir(root)
    from fastapi_lint.config.loading import load_settings
    from fastapi_lint.engine.outcomes import RunOptions
    from fastapi_lint.engine.runner import Runner

    def once() -> None:
        settings = load_settings(target.parent)
        runner = Runner(settings, settings.enabled_rules())
        runner.run(
            RunOptions(
                paths=[],
                fix=True,
                stdin_data=text,
                stdin_filename=str(target.relative_to(root)),
            )
        )

    once()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        once()
        times.append(time.perf_counter() - started)
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(5):
            once()
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(18)
        print("\nProfile of the work after the imports (5 runs, cumulative):")
        print("\n".join(out.getvalue().splitlines()[6:]))
    return times


def server_fix_all(root: Path, target: Path, runs: int) -> list[float]:
    """Round trips of ``source.fixAll.fastapi-lint`` to a running ``fastapi-lint server`` (the
    fix-on-save of an editor using the language server: no process start per save)."""
    import asyncio

    from lsprotocol import types
    from pygls.lsp.client import LanguageClient

    async def session() -> list[float]:
        client = LanguageClient("fastapi-lint-benchmark", "1")
        published = asyncio.Event()

        @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
            if params.diagnostics:
                published.set()

        await client.start_io(sys.executable, "-m", "fastapi_lint", "server", cwd=str(root))
        await client.initialize_async(
            types.InitializeParams(
                process_id=os.getpid(),
                root_uri=root.as_uri(),
                capabilities=types.ClientCapabilities(),
            )
        )
        client.initialized(types.InitializedParams())
        uri = target.as_uri()
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="python", version=1, text=target.read_text()
                )
            )
        )
        await asyncio.wait_for(published.wait(), 60)
        params = types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=types.Position(0, 0), end=types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[], only=["source.fixAll"]),
        )
        times = []
        for _ in range(runs + 1):
            started = time.perf_counter()
            actions = await client.text_document_code_action_async(params)
            times.append(time.perf_counter() - started)
            assert actions, "no fix-all action"
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
        return times[1:]

    return asyncio.run(session())


IMPORTS = (
    "import gc\n"
    "gc.disable()\n"  # as the console script does
    "import fastapi_lint.app.cli, fastapi_lint.engine.runner, fastapi_lint.config.settings, libcst\n"
    "from fastapi_lint.lint.rule import load_rules\n"
    "load_rules()"
)
WITH_DATACLASS_CACHE = (
    "from fastapi_lint.core.dataclass_cache import compiled_dataclass_methods\n"
    "with compiled_dataclass_methods():"
)


def imports_by_package() -> list[tuple[int, str]]:
    """Import time (self time, microseconds) summed per top-level package."""
    code = WITH_DATACLASS_CACHE + "\n    " + IMPORTS.replace("\n", "\n    ")
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        check=True,
    )
    totals: dict[str, int] = {}
    for line in proc.stderr.splitlines():
        parts = line.split("|")
        self_time = parts[0].rpartition(":")[2].strip() if len(parts) == 3 else ""
        if not self_time.isdigit():
            continue
        package = parts[2].strip().split(".")[0]
        totals[package] = totals.get(package, 0) + int(self_time)
    return sorted(((v, k) for k, v in totals.items()), reverse=True)


def describe(times: list[float]) -> str:
    return (
        f"median {statistics.median(times) * 1000:6.0f} ms   "
        f"min {min(times) * 1000:6.0f} ms   max {max(times) * 1000:6.0f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.stdin_fix", description=__doc__)
    parser.add_argument("--runs", type=int, default=15, help="timed runs per measure")
    parser.add_argument("--modules", type=int, default=60, help="other modules in the project")
    parser.add_argument("--profile", action="store_true", help="show imports and a profile")
    args = parser.parse_args(argv)

    script = console_script()
    with tempfile.TemporaryDirectory(prefix="fastapi-lint-bench-") as tmp:
        root = Path(tmp)
        target = make_project(root, args.modules)
        text = target.read_bytes()
        relative = str(target.relative_to(root))
        command = [script, "check", "--fix", "--stdin-filename", relative, "-"]

        # The fix must do what it promises before its time means anything.
        _, fixed = wall(command, root, text)
        fixed_text = fixed.decode()
        assert fixed_text.count("await asyncio.sleep(") == 2, fixed_text
        assert "import asyncio\n" in fixed_text

        wall([script, "check", "--exit-zero", "-q", "."], root)  # fill the cache
        # What the console script imports, with dataclass methods compiled by earlier runs
        # (as `entry_point` does) and compiled afresh.
        imports_only = IMPORTS.replace("\n", "\n    ")
        cached_imports = f"{WITH_DATACLASS_CACHE}\n    {imports_only}"
        times = measure(
            {
                "warm": (command, text),
                "cold": ([*command[:2], "--no-cache", *command[2:]], text),
                "startup": ([sys.executable, "-c", "pass"], None),
                "imports": ([sys.executable, "-c", cached_imports], None),
                "fresh": ([sys.executable, "-c", IMPORTS], None),
            },
            root,
            args.runs,
        )
        warm, cold, startup, imports, fresh = (
            times["warm"],
            times["cold"],
            times["startup"],
            times["imports"],
            times["fresh"],
        )
        cwd = os.getcwd()
        try:
            work = in_process(root, target, text, args.runs, args.profile)
        finally:
            os.chdir(cwd)
        served = server_fix_all(root, target, args.runs)

    lines = ROUTE_MODULE.count("\n")
    median = statistics.median(warm)
    print(f"fastapi-lint check --fix --stdin-filename ... -  on a {lines}-line route module")
    print(f"(project of {args.modules + 6} modules, {args.runs} runs each, {os.cpu_count()} cores)")
    print()
    print(f"  wall, cache filled by a previous run   {describe(warm)}")
    print(f"  wall, --no-cache                       {describe(cold)}")
    print("where the time goes (medians):")
    print(f"  interpreter start                      {statistics.median(startup) * 1000:6.0f} ms")
    imports_ms = (statistics.median(imports) - statistics.median(startup)) * 1000
    fresh_ms = (statistics.median(fresh) - statistics.median(startup)) * 1000
    print(f"  imports (libcst, click, the rules)     {imports_ms:6.0f} ms")
    print(f"    (dataclass methods compiled afresh)  {fresh_ms:6.0f} ms")
    print(f"  the work (settings, cache, check, fix)  {statistics.median(work) * 1000:5.0f} ms")
    print()
    print("the same fix from a running `fastapi-lint server` (source.fixAll code action):")
    print(f"  round trip                             {describe(served)}")
    print()
    verdict = "under" if median < BUDGET_SECONDS else "OVER"
    print(f"{verdict} the {BUDGET_SECONDS:.1f} s budget: median {median:.3f} s wall per save")
    if args.profile or median >= BUDGET_SECONDS:
        print("\nImport time by package (self time summed, ms; -X importtime inflates it):")
        for micros, name in imports_by_package()[:8]:
            print(f"  {micros / 1000:7.1f}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
