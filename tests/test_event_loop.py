"""Event-loop family details that fixtures cannot express: caching, positions, grouping in
the human formats. (Messages are pinned by the fixtures' snapshots.)"""

from __future__ import annotations

from pathlib import Path

from harness import FIXTURES, run


def _messages(result) -> dict[tuple[str, int], str]:
    return {(o.source.display, d.location.row): d.message for o, d in result.diagnostics}


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_chain_message_shows_every_step_with_locations() -> None:
    result = run(FIXTURES / "rules" / "FAPI102" / "shop", ["FAPI102"])
    messages = _messages(result)
    assert messages[("app/routers/orders.py", 20)].startswith(
        "`refund()` blocks the event loop in route `POST /orders/{order_id}/refund` (`refund_order`): "
        "refund() (app/services/payments.py:13) → save_order() (app/repositories/orders.py:6) → open()"
    )
    assert (
        "right() (app/repositories/orders.py:45) → left() (app/repositories/orders.py:41) → time.sleep()"
        in (messages[("app/routers/orders.py", 30)])
    )


def test_cached_summaries_give_the_same_project_findings(tmp_path: Path) -> None:
    """The project pass runs on summaries read back from the cache exactly as on fresh ones."""
    import shutil

    from harness import settings_for

    from fastapi_lint.engine.outcomes import RunOptions
    from fastapi_lint.engine.runner import Runner
    from fastapi_lint.rules.selection import select_rules

    project = tmp_path / "shop"
    shutil.copytree(FIXTURES / "rules" / "FAPI102" / "shop", project)
    settings = settings_for(project, ["FAPI1"])
    settings.cache_dir = tmp_path / "cache"
    rules = select_rules(settings.select, settings.ignore, settings.extend_select)

    def findings():
        result = Runner(settings, rules, cwd=project).run(RunOptions(paths=[project], jobs=1))
        return sorted(
            (o.source.display, d.location.row, d.code, d.message) for o, d in result.diagnostics
        ), result

    fresh, first = findings()
    cached, second = findings()
    assert first.files_checked > 0
    assert second.files_checked == 0 and second.files_cached == first.files_checked
    assert fresh == cached
    assert len(fresh) == 9


def test_cache_hits_survive_a_second_save(tmp_path: Path) -> None:
    """Summaries read from the cache are saved again unchanged (no shared, mutated data)."""
    import shutil

    from harness import settings_for

    from fastapi_lint.engine.outcomes import RunOptions
    from fastapi_lint.engine.runner import Runner
    from fastapi_lint.rules.selection import select_rules

    project = tmp_path / "shop"
    shutil.copytree(FIXTURES / "rules" / "FAPI102" / "shop", project)
    settings = settings_for(project, ["FAPI1"])
    settings.cache_dir = tmp_path / "cache"
    rules = select_rules(settings.select, settings.ignore, settings.extend_select)
    for touch in (None, "app/services/payments.py", "app/routers/orders.py"):
        if touch:
            (project / touch).write_text((project / touch).read_text() + "\n# edited\n")
        result = Runner(settings, rules, cwd=project).run(RunOptions(paths=[project], jobs=1))
        assert len(result.diagnostics) == 9


def test_project_findings_are_the_same_with_and_without_early_positions(tmp_path: Path) -> None:
    """The per-file pass leaves summary positions pending; the project pass gets them on demand
    (checking the files it reports on again). Findings, locations and fixes must not change."""
    import shutil

    from harness import settings_for

    from fastapi_lint.engine.outcomes import RunOptions
    from fastapi_lint.engine.runner import Runner
    from fastapi_lint.rules.selection import select_rules

    project = tmp_path / "shop"
    shutil.copytree(FIXTURES / "rules" / "FAPI102" / "shop", project)
    settings = settings_for(project, ["FAPI1"])
    settings.cache_dir = tmp_path / "cache"
    rules = select_rules(settings.select, settings.ignore, settings.extend_select)

    def run_once(**options):
        result = Runner(settings, rules, cwd=project).run(
            RunOptions(paths=[project], jobs=1, **options)
        )
        return sorted(
            (
                (
                    o.source.display,
                    d.location.row,
                    d.location.column,
                    d.end_location.row,
                    d.code,
                    d.message,
                ),
                d.fix,
            )
            for o, d in result.diagnostics
        )

    fast = run_once(use_cache=False)
    eager = run_once(use_cache=False, diff=True)  # fixing runs compute positions up front
    cached = run_once()
    cached_again = run_once()
    assert fast == eager == cached == cached_again
    assert all(key[1] > 0 for key, _ in fast)
    assert any(fix is not None for _, fix in fast)


def test_one_root_cause_is_reported_once(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from fastapi_lint.app.cli import main

    project = _write(
        tmp_path,
        {
            "pyproject.toml": "[tool.fastapi-lint]\nselect = ['FAPI102']\n",
            "app.py": (
                "import time\n"
                "from fastapi import FastAPI\n"
                "app = FastAPI()\n"
                "class Client:\n"
                "    def __init__(self):\n        time.sleep(0.001)\n"
                + "".join(
                    f"@app.get('/r{i}')\nasync def r{i}():\n    return Client()\n" for i in range(8)
                )
            ),
        },
    )
    runner = CliRunner()

    def check(*options: str) -> str:
        result = runner.invoke(main, ["check", str(project), "--no-cache", "--exit-zero", *options])
        assert result.exit_code == 0, result.output
        return result.output

    full = check()
    assert full.count("FAPI102 ") == 1
    assert "also blocks 7 other call sites" in full and "... and 2 more" in full
    concise = check("--output-format", "concise")
    assert concise.count("FAPI102 ") == 1 and "Found 8 errors." in concise
    assert "(1 root cause)" in check("--statistics")
    items = json.loads(check("--output-format", "json"))
    assert len(items) == 8
    roots = {item["data"]["root"] for item in items}
    assert len(roots) == 1 and roots.pop().endswith("app.py:6:9 time.sleep()")
    sarif = json.loads(check("--output-format", "sarif"))
    related = sarif["runs"][0]["results"][0]["relatedLocations"][0]
    assert related["physicalLocation"]["region"] == {"startLine": 6, "startColumn": 9}
