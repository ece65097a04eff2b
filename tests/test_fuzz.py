"""Fuzzing (issue 8): generated programs and mutated fixtures through ``check`` and
``check --fix --unsafe-fixes`` with every rule: no crash, no internal error, and no fix that
breaks the file (it parses, it compiles if the original did, and fixing again changes nothing).

Bounded: a few dozen examples per strategy, a few seconds in all. Examples are random on each
run (a failure prints the program to reproduce it); set ``FUZZ_EXAMPLES`` for a longer run.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import hypothesmith
import libcst as cst
import pytest
from harness import FIXTURES, run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastapi_lint.core.apply_fixes import compiles

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    # hypothesmith's generators discard many drafts themselves: not a problem of this test.
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)


def check_and_fix(source: str | bytes) -> None:
    """The properties every input must have."""
    data = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "module.py"
        path.write_bytes(data)
        checked = run(path, ["ALL"])
        codes = {d.code for _, d in checked.diagnostics}
        assert "FAPI003" not in codes, [d.message for _, d in checked.diagnostics]
        assert "FAPI002" not in codes

        fixed = run(path, ["ALL"], fix=True, unsafe_fixes=True, diff=False)
        assert "FAPI003" not in {d.code for _, d in fixed.diagnostics}
        after = path.read_bytes()
        if after == data:
            return
        text = after.decode("utf-8")
        cst.parse_module(text)
        original = data.decode("utf-8", "replace")
        if compiles(original, "module.py"):
            assert compiles(text, "module.py"), f"the fix broke the file:\n{text}"
        again = run(path, ["ALL"], fix=True, unsafe_fixes=True, diff=False)
        assert again.fixed_count == 0 and path.read_bytes() == after, "fixing is not idempotent"


@FUZZ
@given(hypothesmith.from_grammar())
def test_programs_from_the_grammar(source: str) -> None:
    check_and_fix(source)


# hypothesmith compiles its drafts itself (as "<string>"): their SyntaxWarnings are its own.
@pytest.mark.filterwarnings("ignore::SyntaxWarning:<string>")
@settings(FUZZ, max_examples=max(EXAMPLES // 3, 1))  # the slowest generator
@given(hypothesmith.from_node())
def test_programs_from_libcst_nodes(source: str) -> None:
    check_and_fix(source)


# -- mutated fixtures ---------------------------------------------------------------------------

FIXTURE_FILES = sorted(
    [*(FIXTURES / "rules").rglob("*.py"), *(FIXTURES / "showcase").rglob("*.py")]
)
SNIPPETS = [
    "await ",
    "async ",
    "(",
    ")",
    "[",
    ":",
    "\n",
    "    ",
    "\t",
    "\f",
    "\r",
    "\r\n",
    "\\\n",
    "#",
    "'",
    '"""',
    "lambda: ",
    "time.sleep(1)",
    "import asyncio\n",
    "import time\n",
    "from time import sleep\n",
    "sleep(1)",
    "async def f():\n    ",
    "async with x:\n    ",
    "f'{",
    "é",
    "\x00",
    "\ufeff",
    "# noqa\n",
    "# noqa: FAPI101\n",
    "# fastapi-lint: noqa\n",
]


@st.composite
def mutated_fixture(draw) -> str:
    text = draw(st.sampled_from(FIXTURE_FILES)).read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 4))):
        lines = text.splitlines(keepends=True) or [""]
        i = draw(st.integers(0, len(lines) - 1))
        j = draw(st.integers(0, len(lines) - 1))
        at = draw(st.integers(0, len(text)))
        operation = draw(
            st.sampled_from(
                ["delete", "duplicate", "swap", "indent", "dedent", "truncate", "insert", "cut"]
            )
        )
        if operation == "delete":
            del lines[i]
        elif operation == "duplicate":
            lines.insert(j, lines[i])
        elif operation == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif operation == "indent":
            lines[i] = "    " + lines[i]
        elif operation == "dedent":
            lines[i] = lines[i].removeprefix("    ")
        if operation in ("delete", "duplicate", "swap", "indent", "dedent"):
            text = "".join(lines)
        elif operation == "truncate":
            text = text[:at]
        elif operation == "insert":
            text = text[:at] + draw(st.sampled_from(SNIPPETS)) + text[at:]
        else:  # cut a random span
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
    return text


@FUZZ
@given(mutated_fixture())
def test_mutated_fixtures(source: str) -> None:
    check_and_fix(source)


@FUZZ
@given(st.binary(max_size=300))
def test_arbitrary_bytes(data: bytes) -> None:
    check_and_fix(data)
