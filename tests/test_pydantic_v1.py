"""The FAPI2xx family beyond its fixtures: how v1 patterns read under v2, and fixes that are
stable (fixing the fixed output changes nothing)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from harness import FIXTURES, run

from fastapi_lint.rules.pydantic_v1.patterns import anchored_body, read_pattern


@pytest.mark.parametrize(
    ("pattern", "anchored", "dollar", "unsupported"),
    [
        (r"^\d+$", True, True, ""),
        ("abc", False, False, ""),
        ("a|b", False, False, ""),
        ("^a|b", False, False, ""),  # `b` could match anywhere under v2
        ("^(?:a|b)", True, False, ""),
        (r"[$]x\$", False, False, ""),
        (r"[]$]", False, False, ""),
        (r"(?=\d)\w+", False, False, "a lookaround"),
        (r"(?<!x)y", False, False, "a lookaround"),
        (r"(\w)\1", False, False, "a backreference"),
        (r"(?P<a>x)(?P=a)", False, False, "a backreference"),
        ("[[:alpha:]]+", False, False, "a POSIX class `[:...:]`"),
        (r"a\Z", False, False, "`\\Z`"),
        ("(?x) a b", False, False, "verbose mode"),
        ("a(?x:b)", False, False, "verbose mode"),
    ],
)
def test_reading_v1_patterns(pattern, anchored, dollar, unsupported) -> None:
    reading = read_pattern(pattern)
    assert (reading.anchored, reading.dollar, reading.unsupported) == (
        anchored,
        dollar,
        unsupported,
    )


def test_anchoring_keeps_leading_flags_first() -> None:
    assert anchored_body("(?i)hello|hi", read_pattern("(?i)hello|hi")) == "(?i)^(?:hello|hi)"
    assert anchored_body(r"\d+", read_pattern(r"\d+")) == r"^(?:\d+)"


def _fixed_cases():
    for code in ("FAPI201", "FAPI202", "FAPI203", "FAPI204", "FAPI205", "FAPI206", "FAPI207"):
        for entry in sorted((FIXTURES / "rules" / code).iterdir()):
            if entry.is_dir() or entry.suffix == ".py":
                yield pytest.param(code, entry, id=f"{code}/{entry.name}")


@pytest.mark.parametrize(("code", "entry"), list(_fixed_cases()))
def test_fixing_twice_changes_nothing(code: str, entry: Path, tmp_path: Path) -> None:
    target = tmp_path / entry.name
    if entry.is_dir():
        shutil.copytree(entry, target)
    else:
        shutil.copy(entry, target)
    run(target, [code], fix=True, unsafe_fixes=True, diff=False)
    again = run(target, [code], fix=True, unsafe_fixes=True, diff=True)
    assert [o.source.display for o in again.outcomes if o.fixed_text is not None] == []


def test_pydantic_v1_compat_models_are_left_to_fapi206() -> None:
    """Migrating a `pydantic.v1` model's calls to the v2 API would break them (`model_dump`
    does not exist there): only the v2 model's `.dict()` is reported."""
    root = FIXTURES / "pydantic_v1_compat"
    result = run(root, ["FAPI2"])
    found = sorted(
        (o.source.display, d.code, d.location.row)
        for o, d in result.diagnostics
        if d.code != "FAPI206"
    )
    # models.py: only the v2 model's `.dict()`; dual.py: only `other`, whose test is no
    # version test.
    assert found == [("dual.py", "FAPI204", 27), ("models.py", "FAPI204", 46)]
    assert {d.code for _, d in result.diagnostics} == {"FAPI204", "FAPI206"}


def test_fapi206_knows_every_v1_name_pydantic_2_removed(tmp_path: Path) -> None:
    """Every public name of Pydantic 1 whose import fails under Pydantic 2 is reported as gone,
    and none that still imports is (``fixtures/pydantic_names/v1_names.json`` was made by
    importing each name under both versions)."""
    import json

    names = json.loads((FIXTURES / "pydantic_names" / "v1_names.json").read_text())
    every = [*names["gone"], *names["kept"]]
    source = tmp_path / "imports.py"
    source.write_text(
        "".join(
            f"from {name.rpartition('.')[0]} import {name.rpartition('.')[2]} as _{i}\n"
            for i, name in enumerate(every)
        )
    )
    result = run(source, ["FAPI206"])
    messages = {every[d.location.row - 1]: d.message for _, d in result.diagnostics}
    assert [name for name in names["gone"] if name not in messages] == []
    said_gone = {name for name, message in messages.items() if "fails" in message}
    assert sorted(said_gone) == names["gone"]
