"""Route paths: their parameters and convertors, and whether one path template covers another
(Starlette matches routes in order, so an earlier template can shadow a later one)."""

from __future__ import annotations

import re

PARAM_PATTERN = re.compile(r"{([a-zA-Z_][a-zA-Z0-9_]*)(:[a-zA-Z_][a-zA-Z0-9_]*)?}")
CONVERTORS = {
    "str": "[^/]+",
    "path": ".*",
    "int": "[0-9]+",
    "float": r"[0-9]+(\.[0-9]+)?",
    "uuid": "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}",
}
# Which convertors' values are all values of another: (narrower, wider).
_NARROWER = {
    ("str", "str"),
    ("int", "int"),
    ("int", "str"),
    ("float", "float"),
    ("float", "str"),
    ("uuid", "uuid"),
    ("uuid", "str"),
}


def path_params(path: str) -> list[tuple[str, str]]:
    """(name, convertor) of each parameter Starlette finds in ``path``."""
    return [(m.group(1), (m.group(2) or ":str")[1:]) for m in PARAM_PATTERN.finditer(path)]


def _tokens(path: str) -> list[str | tuple[str]] | None:
    """Literal characters and ``(convertor,)`` parameters; None for an unknown convertor."""
    tokens: list[str | tuple[str]] = []
    index = 0
    for match in PARAM_PATTERN.finditer(path):
        tokens.extend(path[index : match.start()])
        convertor = (match.group(2) or ":str")[1:]
        if convertor not in CONVERTORS:
            return None  # a custom convertor: its values are unknown
        tokens.append((convertor,))
        index = match.end()
    tokens.extend(path[index:])
    return tokens


def normalized(path: str) -> str:
    """The path with parameter names erased: ``/users/{id}`` and ``/users/{uid}`` match alike."""
    return PARAM_PATTERN.sub(lambda m: "{" + (m.group(2) or ":str")[1:] + "}", path)


def covers(earlier: str, later: str) -> bool:
    """True when every request path ``later`` matches is also matched by ``earlier``.

    Sound, not complete: True is only returned when it is certain. ``earlier``'s parameters
    may absorb runs of ``later``'s literal text and narrower parameters.
    """
    wide = _tokens(earlier)
    narrow = _tokens(later)
    if wide is None or narrow is None:
        return False
    memo: dict[tuple[int, int], bool] = {}

    def run_fits(convertor: str, run: list) -> bool:
        if convertor == "path":
            return all(not isinstance(t, tuple) or t[0] in CONVERTORS for t in run)
        if not run:
            return False
        if all(isinstance(t, str) for t in run):
            text = "".join(run)  # type: ignore[arg-type]
            return re.fullmatch(CONVERTORS[convertor], text) is not None
        if convertor == "str":
            return all(
                (isinstance(t, str) and t != "/") or (isinstance(t, tuple) and t[0] != "path")
                for t in run
            )
        if convertor == "int":
            return all(
                (isinstance(t, str) and t.isdigit() and t.isascii())
                or (isinstance(t, tuple) and t[0] == "int")
                for t in run
            )
        return len(run) == 1 and isinstance(run[0], tuple) and (run[0][0], convertor) in _NARROWER

    def match(i: int, j: int) -> bool:
        key = (i, j)
        if key in memo:
            return memo[key]
        memo[key] = False
        if i == len(wide):
            result = j == len(narrow)
        elif isinstance(wide[i], str):
            result = j < len(narrow) and narrow[j] == wide[i] and match(i + 1, j + 1)
        else:
            convertor = wide[i][0]  # type: ignore[index]
            start = j if convertor == "path" else j + 1
            result = any(
                run_fits(convertor, narrow[j:k]) and match(i + 1, k)
                for k in range(start, len(narrow) + 1)
            )
        memo[key] = result
        return result

    return match(0, 0)


# -- the served routes ---------------------------------------------------------------------
