"""Selection: which rules a configuration enables, by ruff's selector semantics.

``ALL``, ``FAPI``, a family (``FAPI1``), a group (``FAPI10``) or a code; the most specific
selector wins and ``ignore`` wins ties. The same logic decides ``fixable``/``unfixable`` and the
``per-file-ignores`` of a file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from fastapi_lint.lint.rule import Rule
from fastapi_lint.rules.registry import all_rules

SELECTOR_PATTERN = re.compile(r"^(ALL|FAPI\d{0,3})$")


def is_valid_selector(selector: str) -> bool:
    """``ALL``, ``FAPI``, a family (``FAPI1``), a group (``FAPI10``) or a code that exists."""
    if not SELECTOR_PATTERN.match(selector):
        return False
    if selector == "ALL":
        return True
    return any(code.startswith(selector) for code in _codes())


def _codes() -> list[str]:
    return [rule.code for rule in all_rules()]


def _specificity(selector: str, code: str) -> int | None:
    if selector == "ALL":
        return 0
    if code.startswith(selector):
        return len(selector)
    return None


# What `select` means when the configuration does not set it: every rule but the opt-in ones.
DEFAULT_SELECT = ("FAPI",)


def select_rules(
    select: Iterable[str] | None, ignore: Iterable[str], extend_select: Iterable[str] = ()
) -> list[type[Rule]]:
    """The rules enabled by ruff's semantics: the most specific selector wins, ignore on ties.
    ``select=None`` is the default selection, which leaves the opt-in rules to ``extend_select``."""
    ignores = list(ignore)
    extra = list(extend_select)
    if select is None:
        return [
            rule
            for rule in all_rules()
            if rule.always_enabled
            or is_selected(rule.code, extra if rule.opt_in else [*DEFAULT_SELECT, *extra], ignores)
        ]
    selects = [*select, *extra]
    return [
        rule
        for rule in all_rules()
        if rule.always_enabled or is_selected(rule.code, selects, ignores)
    ]


def opt_in_codes() -> list[str]:
    """The codes of the rules the default selection leaves out."""
    return [rule.code for rule in all_rules() if rule.opt_in]


def is_selected(code: str, selects: Iterable[str], ignores: Iterable[str]) -> bool:
    """Whether ``code`` is chosen by ``selects`` over ``ignores`` (the most specific selector
    wins, ignore on ties): ``select``/``ignore``, and ``fixable``/``unfixable`` alike."""
    best_select = max(
        (s for s in (_specificity(sel, code) for sel in selects) if s is not None), default=None
    )
    if best_select is None:
        return False
    best_ignore = max(
        (s for s in (_specificity(sel, code) for sel in ignores) if s is not None), default=None
    )
    return best_ignore is None or best_select > best_ignore


def quiet_for_versions(rules: Iterable[type[Rule]], versions) -> list[type[Rule]]:
    """The rules that stay quiet for the project's pinned versions (see ``Rule.quiet_below``)."""
    return [
        rule
        for rule in rules
        if rule.quiet_below is not None and versions.pinned_older_than(*rule.quiet_below)
    ]


def code_matches(selectors: Iterable[str], code: str) -> bool:
    return any(_specificity(selector, code) is not None for selector in selectors)
