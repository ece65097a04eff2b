"""The FAPI413 fix at run time: a validation handler before and after ``--fix``, served by the
real FastAPI. Every response the original handler manages to send is sent byte for byte the same
by the fixed one; where the original fails with 500 (a validator raised ``ValueError``), the fixed
one sends the 422 it was written to send, with FastAPI's own error body."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from harness import run

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")

APP = """\
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, field_validator


class Item(BaseModel):
    name: str
    price: float

    @field_validator("name")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("blank name")
        return value


app = FastAPI()


@app.exception_handler(RequestValidationError)
async def handler(request: Request, exc: RequestValidationError):
    errors = exc.errors()
    return JSONResponse(status_code=422, content={"detail": errors, "count": len(errors)})


@app.post("/items/{item_id}")
async def create(item_id: int, item: Item, verbose: bool = False):
    return {"id": item_id, "item": item}
"""

# (path, raw body, content type): requests that fail validation in different ways.
REQUESTS = [
    ("/items/abc", b'{"name": "a", "price": 1}', "application/json"),
    ("/items/1", b'{"name": "a"}', "application/json"),
    ("/items/1", b'{"name": "a", "price": "cheap"}', "application/json"),
    ("/items/1", b'{"name": 5, "price": 1}', "application/json"),
    ("/items/1", b"{not json", "application/json"),
    ("/items/1", b"", "application/json"),
    ("/items/1", b'{"name": "\\u00e9", "price": []}', "application/json"),
    ("/items/1?verbose=maybe", b'{"name": "a", "price": 1}', "application/json"),
]
# A validator's `ValueError` in `ctx`, a form body given to a JSON body parameter (the
# raw bytes as `input`): json.dumps cannot encode either.
VALUE_ERROR = ("/items/1", b'{"name": "  ", "price": 1}', "application/json")
FORM = ("/items/1", b"name=a&price=1", "application/x-www-form-urlencoded")


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[name]
    return module.app


def _send(app, request: tuple[str, bytes, str]):
    from fastapi.testclient import TestClient

    path, body, content_type = request
    client = TestClient(app, raise_server_exceptions=False)
    return client.post(path, content=body, headers={"content-type": content_type})


def test_the_fixed_handler_sends_what_the_original_sent_and_422_where_it_failed(
    tmp_path: Path,
) -> None:
    original = tmp_path / "original" / "main.py"
    original.parent.mkdir()
    original.write_text(APP)
    (tmp_path / "original" / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    fixed_dir = tmp_path / "fixed"
    fixed_dir.mkdir()
    fixed = fixed_dir / "main.py"
    fixed.write_text(APP)
    (fixed_dir / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    result = run(fixed_dir, ["FAPI413"], fix=True, diff=False)
    assert [o.fix_error for o in result.outcomes if o.fix_error] == []
    text = fixed.read_text()
    assert '"detail": jsonable_encoder(errors)' in text
    assert "from fastapi.encoders import jsonable_encoder\n" in text

    before = _load(original, "fapi413_original")
    after = _load(fixed, "fapi413_fixed")
    for request in REQUESTS:
        sent, resent = _send(before, request), _send(after, request)
        assert sent.status_code == 422, (request, sent.text)
        assert (resent.status_code, resent.content) == (sent.status_code, sent.content), request

    for request in (VALUE_ERROR, FORM):
        broken, mended = _send(before, request), _send(after, request)
        assert broken.status_code == 500, request
        assert mended.status_code == 422, request
        assert mended.json()["count"] == 1
    detail = _send(after, VALUE_ERROR).json()["detail"]
    assert detail[0]["msg"] == "Value error, blank name" and detail[0]["ctx"] == {"error": {}}
