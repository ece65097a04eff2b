"""Receiver typing for model call sites (``inference.py``) and its project-wide settling
(``Project.value_type``): optional and collection annotations, loops and subscripts, model
constructors, ``self``/``cls`` in validators, and results of functions of other modules."""

from __future__ import annotations

import libcst as cst
from harness import FIXTURES, run

from fastapi_lint.analysis.inference import Resolver
from fastapi_lint.analysis.walk import walk_module

SOURCE = """
from typing import List, Optional, Sequence, Type
from pydantic import BaseModel, conlist, validator
from app.pages import Page
from app.models import Item
from app import crud

class User(BaseModel):
    name: str
    def show(self):
        return self.dict()
    @classmethod
    def make(cls, d):
        return cls.parse_obj(d)
    @validator("name")
    def check(cls, v):
        return cls.schema()

def f(a: Optional[User], b: "User | None", c: List[User], d: Sequence[Item], e: Type[User],
      g: "list[Item]", h: tuple[User, ...], i: dict[str, User]):
    a.dict(); b.dict(); c[0].dict(); c[1:].copy()
    for u in c: u.dict()
    [x.json() for x in d]
    e.parse_obj({}).dict()
    g[0].json(); h[0].dict(); i.copy()
    u2 = User.parse_obj({}); u2.dict()
    u3 = u2.copy(); u3.dict()
    i1 = Item(); i1.dict()
    i2 = Item.parse_raw("{}"); i2.json()
    r = crud.get_user(); r.dict()
    p = Page[User](items=[]); p.dict(); p2 = Page[User].parse_obj({}); p2.json()
    k: conlist(User, min_items=1) = []; k[0].dict()
    for w in crud.list_users(): w.dict()
    {}.copy(); dd = {}; dd.copy()
"""


def _receivers(source: str) -> dict[str, str | None]:
    tree = cst.parse_module(source)
    walk = walk_module(tree, "pkg.mod", False, frozenset({cst.Call}))
    resolver = Resolver("pkg.mod", walk)
    return {
        cst.Module([]).code_for_node(call.func): resolver.infer_type(call.func.value, frame)
        for call, frame in walk.calls
        if isinstance(call.func, cst.Attribute)
    }


def test_receiver_types() -> None:
    types = _receivers(SOURCE)
    user, item = "pkg.mod.User", "app.models.Item"
    assert types["self.dict"] == user
    assert types["cls.parse_obj"] == f"type[{user}]"
    assert types["cls.schema"] == f"type[{user}]"  # validators are class methods
    assert types["a.dict"] == types["b.dict"] == user
    assert types["c[0].dict"] == types["u.dict"] == types["h[0].dict"] == user
    assert types["c[1:].copy"] == f"list[{user}]"
    assert types["x.json"] == types["g[0].json"] == item
    assert types["e.parse_obj({}).dict"] == user
    assert types["u2.dict"] == types["u3.dict"] == user
    assert types["i1.dict"] == types["i2.json"] == item
    assert types["r.dict"] == "app.crud.get_user"  # settled by the project pass
    assert types["w.dict"] == "element[app.crud.list_users]"
    assert types["i.copy"] == f"dict[{user}]"  # a mapping of models, not a model
    assert types["p.dict"] == types["p2.json"] == "app.pages.Page"
    assert types["k[0].dict"] == user
    assert (
        _receivers("from app import User\ndef f(u: User):\n    u.address.city.lower()\n")[
            "u.address.city.lower"
        ]
        == "app.User::address::city"
    )
    assert types["{}.copy"] == types["dd.copy"] == "dict"


def test_value_types_settle_across_modules() -> None:
    result = run(FIXTURES / "projects" / "types_across_modules", ["FAPI204"])
    from fastapi_lint.project.index import Project

    project = Project(o.result.summary for o in result.outcomes)
    assert project.settle_type("app.crud.get_user") == "app.models.User"
    assert project.settle_type("element[app.crud.list_users]") == "app.models.User"
    assert project.settle_type("app.crud.list_users") == "list[app.models.User]"
    assert project.settle_type("type[app.U]") == "type[app.models.User]"
    assert project.settle_type("app.crud.untyped") is None
    assert project.settle_type("httpx.Response") == "httpx.Response"
    assert project.settle_type("app.models.User::address") == "app.models.Address"
    assert project.settle_type("element[app.models.User::previous]") == "app.models.Address"
    assert project.settle_type("app.crud.get_user::address") == "app.models.Address"
    assert project.settle_type("app.models.User::missing") is None
    assert project.settle_type("element[app.crud.list_users]::address") == "app.models.Address"
