"""Routes that collide on one app: the same path registered twice (FAPI407), a route another one
registered earlier always answers first (FAPI406), a repeated ``operation_id`` (FAPI407).

Computed once per project pass from the served routes (``routes.py``), per app (or router
included nowhere), with paths compared below the router where the two routes' ways part (their
common prefixes do not matter, even when not literal).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from fastapi_lint.analysis.module_summary import ModuleSummary, RouteSummary, Span
from fastapi_lint.project.index import Project
from fastapi_lint.project.paths import covers, normalized
from fastapi_lint.project.routes import ServedRoute, parting_depth, registered_before, served_routes


@dataclass(slots=True, eq=False)
class Conflict:
    kind: str  # "shadowed", "duplicate", "operation-id"
    later: ServedRoute  # reported here
    earlier: ServedRoute
    ordered: bool  # the registration order is known
    detail: str = ""


def conflicts(project: Project) -> list[Conflict]:
    return project.cached("route-conflicts", _compute)


def _compute(project: Project) -> list[Conflict]:
    served = served_routes(project)
    found: list[Conflict] = []
    for routes in served.by_root.values():
        candidates = [r for r in routes if not r.uncertain]
        found.extend(_path_conflicts(candidates))
        found.extend(_operation_id_conflicts(candidates))
    return found


def _bucket(route: ServedRoute) -> int | None:
    """Routes can only match each other's paths with as many slashes (no `:path` parameter)."""
    path = route.full_path
    if path is None or ":path}" in path:
        return None
    return path.count("/")


def _path_conflicts(routes: list[ServedRoute]) -> list[Conflict]:
    found: list[Conflict] = []
    reported: set[int] = set()
    buckets: dict[int | None, list[ServedRoute]] = {}
    for route in routes:
        buckets.setdefault(_bucket(route), []).append(route)
    wild = buckets.pop(None, [])
    pairs: list[tuple[ServedRoute, ServedRoute]] = []
    for members in buckets.values():
        pairs.extend(_compatible_pairs(members))
        pairs.extend((a, b) for a in members for b in wild)
    for i, a in enumerate(wild):
        pairs.extend((a, b) for b in wild[i + 1 :])
    # Duplicates first: a route both duplicated and shadowed is reported as a duplicate.
    pairs.sort(key=lambda pair: not _same_shape(*pair))
    for a, b in pairs:
        if a.route is b.route or a.route.websocket != b.route.websocket:
            continue
        if not a.methods & b.methods:
            continue
        depth = parting_depth(a, b)
        path_a, path_b = a.path_below(depth), b.path_below(depth)
        if path_a is None or path_b is None:
            continue
        order = registered_before(a, b)
        if normalized(path_a) == normalized(path_b):
            if order is None and not _both_at_module_level(a, b, depth):
                continue  # registered by functions that may not both run
            earlier, later = (a, b) if order is not False else (b, a)
            if order is None and _position(a) > _position(b):
                earlier, later = b, a
            if later.methods <= earlier.methods and id(later) not in reported:
                reported.add(id(later))
                found.append(Conflict("duplicate", later, earlier, order is not None))
            continue
        if order is None:
            continue
        earlier, later = (a, b) if order else (b, a)
        path_earlier, path_later = (path_a, path_b) if order else (path_b, path_a)
        if (
            later.methods <= earlier.methods
            and id(later) not in reported
            and covers(path_earlier, path_later)
            and not _same_endpoint(earlier, later)
        ):
            reported.add(id(later))
            found.append(
                Conflict("shadowed", later, earlier, True, f"{path_earlier}\n{path_later}")
            )
    return found


class _Trie:
    __slots__ = ("children", "param", "routes")

    def __init__(self) -> None:
        self.children: dict[str, _Trie] = {}
        self.param: _Trie | None = None
        self.routes: list[int] = []


def _segments(route: ServedRoute) -> list[str | None]:
    """The full path's segments; None for a segment with a parameter (it may match anything)."""
    return [None if "{" in part else part for part in (route.full_path or "").split("/")]


def _compatible_pairs(members: list[ServedRoute]) -> list[tuple[ServedRoute, ServedRoute]]:
    """The pairs of routes (same number of segments) whose paths may overlap: at each segment
    the same literal, or a parameter on either side. Only these can be duplicates or shadow
    each other; a trie over the segments finds them without comparing every pair, which a
    large application (thousands of routes on one app) could not afford."""
    root = _Trie()
    segments = [_segments(route) for route in members]
    for index, parts in enumerate(segments):
        node = root
        for part in parts:
            if part is None:
                if node.param is None:
                    node.param = _Trie()
                node = node.param
            else:
                node = node.children.setdefault(part, _Trie())
        node.routes.append(index)
    pairs = []
    for index, parts in enumerate(segments):
        found: list[int] = []
        stack = [(root, 0)]
        while stack:
            node, depth = stack.pop()
            if depth == len(parts):
                found.extend(node.routes)
                continue
            part = parts[depth]
            if node.param is not None:
                stack.append((node.param, depth + 1))
            if part is None:
                stack.extend((child, depth + 1) for child in node.children.values())
            elif part in node.children:
                stack.append((node.children[part], depth + 1))
        pairs.extend((members[index], members[other]) for other in sorted(found) if other > index)
    return pairs


def _same_endpoint(a: ServedRoute, b: ServedRoute) -> bool:
    """Stacked decorators on one function (`@router.get("/a/limits")` over
    `@router.get("/a/{id}")`) with the same dependencies: whichever route answers, the same
    code runs, so the shadowing changes nothing."""
    return (
        a.function is not None
        and b.function is not None
        and a.module.module == b.module.module
        and a.function.qualname == b.function.qualname
        and a.dependencies == b.dependencies
        and a.route.dependencies == b.route.dependencies
    )


def _both_at_module_level(a: ServedRoute, b: ServedRoute, depth: int) -> bool:
    """Where the two ways part, both registrations run when their module is imported."""
    step_a, step_b = a.steps[depth], b.steps[depth]
    return step_a.registration.scope == "" and step_b.registration.scope == ""


def _same_shape(a: ServedRoute, b: ServedRoute) -> bool:
    depth = parting_depth(a, b)
    path_a, path_b = a.path_below(depth), b.path_below(depth)
    return path_a is not None and path_b is not None and normalized(path_a) == normalized(path_b)


def _operation_id_conflicts(routes: list[ServedRoute]) -> list[Conflict]:
    found = []
    seen: dict[str, ServedRoute] = {}
    # Only routes with an operation_id: sorting by position reads spans, which are computed on
    # demand (see summary.PendingSpan).
    with_ids = [r for r in routes if r.route.options.get("operation_id") is not None]
    for route in sorted(with_ids, key=_position):
        text = route.route.options.get("operation_id")
        if text is None:
            continue
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            continue
        if not isinstance(value, str):
            continue
        first = seen.get(value)
        if first is None:
            seen[value] = route
        elif first.route is not route.route:
            found.append(Conflict("operation-id", route, first, False, value))
    return found


def _position(route: ServedRoute) -> tuple[str, int, int]:
    return (route.module.path, route.route.span.row, route.route.span.column)


def fresh_span(module: ModuleSummary, route: ServedRoute) -> Span | None:
    """The span of ``route`` in ``module`` as it is now (the fix loop re-checks files, while
    the served routes were built from the first pass)."""
    old = route.route
    if route.function is not None:
        index = next((i for i, r in enumerate(route.function.routes) if r is old), None)
        for function in module.functions:
            if (
                function.qualname == route.function.qualname
                and index is not None
                and index < len(function.routes)
            ):
                return function.routes[index].span
        return None
    records = [
        r for r in route.module.facts.get("route-reference", ()) if isinstance(r, RouteSummary)
    ]
    index = next((i for i, r in enumerate(records) if r is old), None)
    fresh = [r for r in module.facts.get("route-reference", ()) if isinstance(r, RouteSummary)]
    if index is not None and index < len(fresh):
        return fresh[index].span
    return None
