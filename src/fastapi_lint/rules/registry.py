"""The registry: every rule module imported once, and rules found by code or name.

A rule module is any ``rules/<family>/fapi<NNN>_<name>.py``; new ones are found automatically.
"""

from __future__ import annotations

import importlib
import os

from fastapi_lint.lint.rule import Rule, registered

_LOADED = False


def load_rules() -> None:
    """Import every rule module (importing a module registers the rules it defines)."""
    global _LOADED
    if _LOADED:
        return
    # A directory listing, not pkgutil.walk_packages: this runs at every start, and walking
    # packages costs several times more than listing two levels of directories.
    here = os.path.dirname(os.path.abspath(__file__))
    importlib.import_module("fastapi_lint.rules.meta")
    for family in sorted(os.listdir(here)):
        directory = os.path.join(here, family)
        if not os.path.isfile(os.path.join(directory, "__init__.py")):
            continue
        for name in sorted(os.listdir(directory)):
            if name.startswith("fapi") and name.endswith(".py"):
                importlib.import_module(f"fastapi_lint.rules.{family}.{name[:-3]}")
    _LOADED = True


def all_rules() -> list[type[Rule]]:
    load_rules()
    return [registered()[code] for code in sorted(registered())]


def rule_by_code(code: str) -> type[Rule] | None:
    load_rules()
    return registered().get(code.upper())


def rule_by_name_or_code(key: str) -> type[Rule] | None:
    load_rules()
    found = registered().get(key.upper())
    if found is not None:
        return found
    for rule in registered().values():
        if rule.name == key:
            return rule
    return None
