"""The engine's building blocks: the walk, scopes, names, types, positions, noqa, fixes."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from fastapi_lint.analysis.inference import Resolver
from fastapi_lint.analysis.positions import LineIndex, NodeSpans
from fastapi_lint.analysis.walk import walk_module
from fastapi_lint.core.apply_fixes import apply_fixes
from fastapi_lint.core.diagnostics import Applicability, Diagnostic, Edit, Fix
from fastapi_lint.core.noqa import parse_noqa

FASTAPI_DIR = Path(__import__("fastapi").__file__).parent


class _Counter(cst.CSTVisitor):
    def __init__(self) -> None:
        self.counts: dict[type, int] = {}

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.counts[type(node)] = self.counts.get(type(node), 0) + 1
        return True


@pytest.mark.parametrize("name", ["routing.py", "applications.py", "dependencies/utils.py"])
def test_walk_visits_every_expression_and_statement_once(name: str) -> None:
    module = cst.parse_module((FASTAPI_DIR / name).read_text())
    counter = _Counter()
    module.visit(counter)
    wanted = frozenset(
        {cst.Call, cst.Name, cst.Attribute, cst.FunctionDef, cst.SimpleString, cst.Param}
    )
    walk = walk_module(module, "fastapi.x", False, wanted)
    seen: dict[type, int] = {}
    for node, _, _ in walk.events:
        seen[type(node)] = seen.get(type(node), 0) + 1
    for node_type in wanted:
        assert seen.get(node_type, 0) == counter.counts.get(node_type, 0), node_type
    assert len(walk.calls) == counter.counts.get(cst.Call, 0)


def _resolver(source: str, module: str = "pkg.mod") -> tuple[Resolver, cst.Module]:
    tree = cst.parse_module(source)
    walk = walk_module(tree, module, False, frozenset({cst.Call}))
    return Resolver(module, walk), tree


def _calls(resolver: Resolver) -> dict[str, str | None]:
    return {
        cst.Module([]).code_for_node(call.func): resolver.call_target(call, frame)
        for call, frame in resolver.walk.calls
    }


def test_qualified_names_follow_imports_and_aliases() -> None:
    resolver, _ = _resolver(
        "import time as t\nfrom os import path as p\nfrom . import sibling\nfrom ..up import thing\n"
        "import xml.etree.ElementTree\nsleep = t.sleep\n"
        "t.sleep(1); p.exists('x'); sibling.f(); thing(); xml.etree.ElementTree.parse('f'); sleep(2); open('x')\n"
    )
    targets = _calls(resolver)
    assert targets["t.sleep"] == "time.sleep"
    assert targets["p.exists"] == "os.path.exists"
    assert targets["sibling.f"] == "pkg.sibling.f"
    assert targets["thing"] == "up.thing"
    assert targets["xml.etree.ElementTree.parse"] == "xml.etree.ElementTree.parse"
    assert targets["sleep"] == "time.sleep"
    assert targets["open"] == "open"


def test_types_follow_assignments_annotations_with_and_self() -> None:
    resolver, _ = _resolver(
        "import requests, httpx\nfrom pathlib import Path\n"
        "CLIENT = httpx.Client()\nUPLOADS = Path('/srv')\n"
        "class Service:\n"
        "    session: requests.Session\n"
        "    def __init__(self):\n        self.http = httpx.Client()\n"
        "    def run(self, s: 'requests.Session', p: Path | None = None):\n"
        "        self.session.get('a'); self.http.get('b'); s.get('c'); p.read_text()\n"
        "        (UPLOADS / 'x').write_bytes(b''); CLIENT.post('d')\n"
        "        with requests.Session() as w:\n            w.put('e')\n"
        "def ambiguous(flag):\n    c = httpx.Client() if flag else None\n    c.get('f')\n"
        "    d = httpx.Client()\n    d = requests.Session()\n    d.get('g')\n"
    )
    targets = _calls(resolver)
    assert targets["self.session.get"] == "requests.Session.get"
    assert targets["self.http.get"] == "httpx.Client.get"
    assert targets["s.get"] == "requests.Session.get"
    assert targets["p.read_text"] == "pathlib.Path.read_text"
    assert targets["(UPLOADS / 'x').write_bytes"] == "pathlib.Path.write_bytes"
    assert targets["CLIENT.post"] == "httpx.Client.post"
    assert targets["w.put"] == "requests.Session.put"
    assert targets["c.get"] is None  # an IfExp: unknown
    assert targets["d.get"] is None  # two different types: unknown


def test_scopes_class_bodies_are_not_visible_from_methods() -> None:
    resolver, _ = _resolver(
        "import time\nclass A:\n    time = None\n    def m(self):\n        time.sleep(1)\n"
    )
    assert _calls(resolver)["time.sleep"] == "time.sleep"


def test_positions_of_selected_nodes() -> None:
    text = "# comment\nimport os\n\n\ndef f(\n    a,\n):\n    return os.path.join(a, 'b')  # trailing\n"
    module = cst.parse_module(text)
    walk = walk_module(module, "m", False, frozenset({cst.Call}))
    call = walk.calls[0][0]
    spans = NodeSpans(module)
    spans.compute([call, module.body[1]])
    start, end = spans.span(call)
    assert text[start:end] == "os.path.join(a, 'b')"
    function_start, function_end = spans.span(module.body[1])
    assert text[function_start:].startswith("def f(")
    index = LineIndex(text)
    assert (index.location(start).row, index.location(start).column) == (8, 12)


def test_line_index_handles_crlf_and_cr() -> None:
    index = LineIndex("a\r\nb\rc\nd")
    assert [(index.location(o).row, index.location(o).column) for o in (0, 3, 5, 7)] == [
        (1, 1),
        (2, 1),
        (3, 1),
        (4, 1),
    ]


def test_noqa_parsing() -> None:
    directives = parse_noqa(
        "x = 1  # noqa\ny = 2  # noqa: FAPI101, FAPI301\nz = 3  # NOQA:FAPI102\n"
        "w = 4  # noqa-ish comment\n# fastapi-lint: noqa: FAPI201\n"
    )
    assert directives.suppresses("FAPI999", 1)
    assert directives.suppresses("FAPI301", 2) and not directives.suppresses("FAPI102", 2)
    assert directives.suppresses("FAPI102", 3)
    assert not directives.suppresses("FAPI101", 4)
    assert directives.suppresses("FAPI201", 99) and not directives.file_all
    assert parse_noqa("# fastapi-lint: noqa\n").file_all


def _diagnostic(start: int, *edits: Edit, applicability=Applicability.SAFE) -> Diagnostic:
    return Diagnostic("FAPI101", "x", "m", start, start, fix=Fix("f", tuple(edits), applicability))


def test_apply_fixes_non_overlapping_and_shared_edits() -> None:
    text = "abcdef"
    shared = Edit(0, 0, "<")
    applied = apply_fixes(
        text,
        [
            _diagnostic(1, Edit(1, 2, "B"), shared),
            _diagnostic(3, Edit(3, 4, "D"), shared),
            _diagnostic(3, Edit(3, 5, "X")),  # overlaps the previous one: next round
        ],
    )
    assert applied.text == "<aBcDef"
    assert len(applied.applied) == 2


def test_apply_fixes_converts_newlines() -> None:
    applied = apply_fixes("a\r\nb\r\n", [_diagnostic(0, Edit(0, 0, "x\n"))], "\r\n")
    assert applied.text == "x\r\na\r\nb\r\n"
