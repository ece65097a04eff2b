"""The project's routes as FastAPI serves them: prefixes across modules, order, dependencies."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import FIXTURES, run

from fastapi_lint.analysis.literals import NOT_LITERAL
from fastapi_lint.project.dependencies import dependency_closure
from fastapi_lint.project.index import Project
from fastapi_lint.project.paths import covers, normalized, path_params
from fastapi_lint.project.routes import registered_before, served_routes


@pytest.mark.parametrize(
    ("earlier", "later", "expected"),
    [
        ("/users/{id}", "/users/me", True),
        ("/users/{id:int}", "/users/me", False),
        ("/users/{id:int}", "/users/42", True),
        ("/users/{id}", "/users/{user_id}", True),
        ("/users/{id}", "/users/{id}/posts", False),
        ("/users/{id:int}", "/users/{uid}", False),
        ("/users/{id}", "/users/{uid:int}", True),
        ("/files/{p:path}", "/files/a/b/{name}", True),
        ("/files/{p:path}", "/files", False),
        ("/files/{p:path}", "/files/", True),
        ("/{name}", "/{a}-{b}", True),
        ("/{name}.json", "/report.json", True),
        ("/{x:float}", "/1.5", True),
        ("/{x:uuid}", "/{y:uuid}", True),
        ("/{x:uuid}", "/{y}", False),
        ("/{ x }", "/a", False),  # not a parameter for Starlette: literal text
        ("/{x:custom}", "/a", False),  # a custom convertor: unknown values
        ("/me", "/{id}", False),
    ],
)
def test_covers(earlier: str, later: str, expected: bool) -> None:
    assert covers(earlier, later) is expected


def test_path_params_follow_starlette() -> None:
    assert path_params("/a/{x}/{y:int}/{ z }/{ü}") == [("x", "str"), ("y", "int")]
    assert normalized("/users/{id}/{n:int}") == "/users/{str}/{int}"


def _project(name: str) -> Project:
    result = run(FIXTURES / "projects" / name, ["FAPI"])
    project = Project([o.result.summary for o in result.outcomes if o.result.summary])
    return project


def test_full_paths_across_modules() -> None:
    project = _project("routes_across_modules")
    assert project.constant("app.config.settings.api_prefix") == "/api/v1"
    assert project.constant("app.config.nothing") is NOT_LITERAL
    served = served_routes(project)
    labels = sorted(route.label() for route in served.routes())
    assert labels == ["GET /api/v1/items/mine", "GET /api/v1/items/{item_id}", "GET /health"]
    routes = {route.function.name: route for route in served.routes()}
    assert routes["read_item"].root == "app.main.app"
    assert registered_before(routes["read_item"], routes["mine"]) is True
    assert registered_before(routes["mine"], routes["read_item"]) is False
    # `health` is registered on the app before `include_router` copies the items routes.
    assert registered_before(routes["health"], routes["mine"]) is True


def test_dependency_closure_follows_annotated_aliases_across_modules() -> None:
    project = _project("routes_across_modules")
    route = next(r for r in served_routes(project).routes() if r.function.name == "read_item")
    closure = dependency_closure(project, route.function, route.module)
    assert closure.complete
    names = {p.name for p in closure.params(project)}
    assert names == {"item_id", "org", "org_id", "tasks"}


def test_routes_added_after_include_router_are_not_served() -> None:
    project = _project("routes_after_include")
    labels = sorted(route.label() for route in served_routes(project).routes())
    assert labels == ["GET /r/before"]


def test_fixed_path_parameter_is_not_reported_again(tmp_path: Path) -> None:
    """The fix loop re-checks the fixed file against the first pass's project: project rules
    must read the fixed module, not the stale summary."""
    (tmp_path / "main.py").write_text(
        "from fastapi import FastAPI\napp = FastAPI()\n\n\n"
        "@app.get('/things/{thing_id}')\ndef read_thing():\n    return {}\n",
        encoding="utf-8",
    )
    result = run(tmp_path, ["FAPI409"], fix=True, unsafe_fixes=True)
    outcome = result.outcomes[0]
    assert "def read_thing(thing_id: str):" in (outcome.fixed_text or "")
    assert outcome.diagnostics == []
