"""Pydantic v1 → v2 migration: fastapi-lint's FAPI2xx fixes against bump-pydantic.

Generates a project of Pydantic v1 modules (models and the services using them), then times, on
fresh copies, the whole fix run of each tool:

    uv run python -m benchmarks.pydantic_v1 [--files 200] [--seed 1] [--keep DIR]

fastapi-lint runs from this checkout (``python -m fastapi_lint check --fix``, with the default
worker processes and with ``-j 1``; the best of ``--repeat`` runs counts); bump-pydantic runs from its own environment
(``uvx bump-pydantic``, never a dependency of this project). Afterwards fastapi-lint reports
what each tool left of the v1 API (the FAPI2xx findings that remain). bump-pydantic needs about
three seconds per file of this kind, so the default run takes ten minutes or so.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

FIELD_TYPES = [
    ("str", '"x"'),
    ("int", "0"),
    ("bool", "False"),
    ("float", "0.0"),
    ("Optional[str]", "None"),
    ("List[str]", "[]"),
]
WORDS = [
    "account",
    "order",
    "invoice",
    "customer",
    "product",
    "shipment",
    "payment",
    "refund",
    "coupon",
    "review",
    "cart",
    "address",
    "warehouse",
    "supplier",
    "ticket",
    "session",
    "device",
    "profile",
    "report",
    "event",
]


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = "".join(w.capitalize() for w in rng.sample(WORDS, 2))
        if name not in used:
            used.add(name)
            return name


def models_module(rng: random.Random, index: int) -> tuple[str, list[str]]:
    """A module of v1 models; returns its source and the names of its models."""
    used: set[str] = set()
    names = [_name(rng, used) for _ in range(rng.randint(3, 5))]
    lines = [
        f'"""Schemas of part {index} of the service (Pydantic v1)."""',
        "",
        "from typing import Generic, List, Optional, TypeVar",
        "",
        "from pydantic import BaseModel, Extra, Field, constr, root_validator, validator",
        "from pydantic.generics import GenericModel",
        "",
        'T = TypeVar("T")',
    ]
    for position, name in enumerate(names):
        fields = rng.sample(FIELD_TYPES, 4)
        lines += ["", "", f"class {name}(BaseModel):", f'    """A {name.lower()}."""', ""]
        lines.append(f'    code: constr(regex=r"[A-Z]{{2}}-\\d+") = "AA-{position}"')
        for number, (kind, default) in enumerate(fields):
            if kind == "List[str]" and rng.random() < 0.5:
                lines.append(f"    items_{number}: {kind} = Field([], min_items=0, max_items=20)")
            elif kind == "str" and rng.random() < 0.3:
                lines.append(f'    kind_{number}: str = Field("{name.lower()}", const=True)')
            else:
                lines.append(f"    field_{number}: {kind} = {default}")
        lines += ["", "    class Config:", "        orm_mode = True"]
        if rng.random() < 0.5:
            lines.append("        extra = Extra.forbid")
        if rng.random() < 0.5:
            lines.append("        allow_population_by_field_name = True")
        lines += [
            "",
            '    @validator("code", pre=True)',
            "    def upper_code(cls, value):",
            "        return str(value).upper()",
        ]
        if rng.random() < 0.6:
            lines += [
                "",
                "    @root_validator(skip_on_failure=True)",
                "    def check(cls, values):",
                '        if not values["code"]:',
                '            raise ValueError("no code")',
                "        return values",
            ]
        lines += [
            "",
            "    def summary(self) -> dict:",
            '        return self.dict(exclude={"code"})',
        ]
    lines += [
        "",
        "",
        "class Page(GenericModel, Generic[T]):",
        "    items: List[T]",
        "    total: int = 0",
        "",
        "",
        "class Codes(BaseModel):",
        "    __root__: List[str]",
        "",
    ]
    return "\n".join(lines), names


def services_module(rng: random.Random, index: int, models: list[str]) -> str:
    lines = [
        f'"""Services of part {index}: they take and return the schemas."""',
        "",
        "from typing import List, Optional",
        "",
        "from pydantic import parse_obj_as",
        "",
        f"from bench_app.models_{index:03d} import Codes, Page, {', '.join(models)}",
        "",
    ]
    for name in models:
        snake = name.lower()
        lines += [
            "",
            f"def load_{snake}(data: dict) -> {name}:",
            f"    return {name}.parse_obj(data)",
            "",
            "",
            f"def dump_{snake}(item: {name}) -> dict:",
            "    return item.dict(by_alias=True)",
            "",
            "",
            f"def many_{snake}(rows: List[dict]) -> List[{name}]:",
            f"    return parse_obj_as(List[{name}], rows)",
            "",
            "",
            f"def page_{snake}(items: List[{name}]) -> Page[{name}]:",
            f"    page = Page[{name}](items=items, total=len(items))",
            "    return page",
            "",
            "",
            f"def export_{snake}(items: List[{name}], extra: Optional[{name}] = None) -> List[str]:",
            "    out = [item.json() for item in items]",
            "    if extra is not None:",
            "        out.append(extra.copy(update={}).json())",
            "    return out",
            "",
        ]
    lines += [
        "",
        "def codes(raw: List[str]) -> List[str]:",
        "    return Codes.parse_obj(raw).__root__",
        "",
    ]
    return "\n".join(lines)


def generate(directory: Path, files: int, seed: int) -> int:
    """Write ``files`` modules (half models, half services) under ``directory/bench_app``."""
    rng = random.Random(seed)
    package = directory / "bench_app"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    lines = 0
    for index in range(files // 2):
        source, models = models_module(rng, index)
        services = services_module(rng, index, models)
        (package / f"models_{index:03d}.py").write_text(source + "\n")
        (package / f"services_{index:03d}.py").write_text(services + "\n")
        lines += source.count("\n") + services.count("\n") + 2
    return lines


def timed(command: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    return time.perf_counter() - started, done


def remaining(directory: Path) -> Counter:
    """FAPI2xx findings fastapi-lint still reports in ``directory``, by code."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "fastapi_lint",
            "check",
            "--no-cache",
            "--select",
            "FAPI2",
            "--output-format",
            "concise",
            "--exit-zero",
            str(directory),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return Counter(
        line.split(": ", 1)[1].split(" ", 1)[0]
        for line in done.stdout.splitlines()
        if ": FAPI2" in line
    )


def changed_files(original: Path, other: Path) -> int:
    count = 0
    for path in original.rglob("*.py"):
        if path.read_bytes() != (other / path.relative_to(original)).read_bytes():
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="keep the generated and fixed trees here")
    parser.add_argument(
        "--repeat", type=int, default=3, help="fastapi-lint runs per setting (the best counts)"
    )
    arguments = parser.parse_args()
    root = (
        Path(tempfile.mkdtemp(prefix="fapi2-bench-")) if arguments.keep is None else arguments.keep
    )
    source = root / "original"
    lines = generate(source, arguments.files, arguments.seed)
    files = len(list(source.rglob("*.py")))
    print(f"{files} files, {lines} lines of Pydantic v1 code in {source}")
    before = remaining(source)
    print(f"v1 constructs found before: {sum(before.values())} {dict(sorted(before.items()))}")

    results = []
    runs = [
        ("fastapi-lint --fix (default jobs)", []),
        ("fastapi-lint --fix -j 1", ["-j", "1"]),
        ("fastapi-lint --fix --unsafe-fixes", ["--unsafe-fixes"]),
    ]
    for label, extra in runs:
        target = root / label.replace(" ", "_").replace("-", "").replace("(", "").replace(")", "")
        best = float("inf")
        for _ in range(max(arguments.repeat, 1)):
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(source, target)
            command = [
                sys.executable, "-m", "fastapi_lint", "check", "--fix", "--no-cache",
                "--select", "FAPI2", "--exit-zero", "--quiet", *extra, str(target),
            ]  # fmt: skip
            seconds, done = timed(command, root)
            if done.returncode != 0:
                print(done.stderr, file=sys.stderr)
            best = min(best, seconds)
        results.append((label, best, changed_files(source, target), remaining(target)))

    uvx = shutil.which("uvx")
    if uvx is None:
        print("uvx not found: bump-pydantic skipped")
    else:
        subprocess.run([uvx, "bump-pydantic", "--version"], capture_output=True, check=False)
        startup, _ = timed([uvx, "bump-pydantic", "--version"], root)
        target = root / "bump_pydantic"
        shutil.copytree(source, target)
        # bump-pydantic wants a path relative to the working directory.
        seconds, done = timed([uvx, "bump-pydantic", "bench_app"], target)
        if done.returncode != 0:
            print(done.stdout[-2000:], done.stderr[-2000:], file=sys.stderr)
        results.append(
            ("bump-pydantic (uvx)", seconds, changed_files(source, target), remaining(target))
        )
        print(f"(bump-pydantic's own start-up through uvx: {startup:.2f} s, included below)")

    print()
    print(f"{'tool':40} {'total s':>8} {'s/file':>8} {'lines/s':>8} {'changed':>8} {'v1 left':>8}")
    for label, seconds, changed, left in results:
        print(
            f"{label:40} {seconds:8.2f} {seconds / files:8.4f} {lines / seconds:8.0f} "
            f"{changed:8d} {sum(left.values()):8d}"
        )
    print()
    for label, _, _, left in results:
        print(f"left after {label}: {dict(sorted(left.items()))}")
    if arguments.keep is None:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
