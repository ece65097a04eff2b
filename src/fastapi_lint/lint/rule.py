"""Rules: their metadata, their registration, and which of them a configuration enables.

A rule is a class with a code, a name and handler methods named after the libcst node types it
wants (``visit_Call``); defining the class registers it. Rules that need the whole project
implement ``check_module`` instead of (or besides) node handlers. Rule classes never do I/O.
"""

from __future__ import annotations

import enum
import inspect
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from fastapi_lint.analysis.module_summary import ModuleSummary
    from fastapi_lint.core.diagnostics import Diagnostic
    from fastapi_lint.lint.context import FileContext
    from fastapi_lint.project.index import ModuleReport, Project

CODE_PATTERN = re.compile(r"^FAPI\d{3}$")

FAMILIES: dict[str, str] = {
    "0": "meta",
    "1": "event-loop",
    "2": "pydantic-v1",
    "3": "security",
    "4": "correctness",
    "5": "deprecated",
}


class FixAvailability(enum.Enum):
    NONE = "none"
    SOMETIMES = "sometimes"
    ALWAYS = "always"


class Rule:
    """Base class of every rule. Subclasses set the class attributes and define handlers."""

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]  # one line: what it finds
    fix_availability: ClassVar[FixAvailability] = FixAvailability.NONE
    # Meta rules (syntax and I/O errors) are always on and cannot be selected or ignored.
    always_enabled: ClassVar[bool] = False
    # libcst node type name -> handler method, read off the `visit_<NodeType>` methods.
    handlers: ClassVar[dict[str, str]] = {}
    # (package, version): the rule stays quiet in a project pinned to an older version of the
    # package (the Pydantic v2 migration rules on a project that runs Pydantic 1).
    quiet_below: ClassVar[tuple[str, str] | None] = None
    # Opt-in rules (style and modernization) are left out of the default selection: a project
    # turns them on with `extend-select` (or any `select` that names them), as ruff does with its
    # FAST001/FAST002. The default selection holds bugs, risks and deprecations.
    opt_in: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if inspect.isabstract(cls) or "code" not in cls.__dict__:
            return
        if not CODE_PATTERN.match(cls.code):
            raise ValueError(f"{cls.__name__}: rule code {cls.code!r} is not FAPI + 3 digits")
        # Node types are named, not imported: libcst is loaded only when a file is parsed.
        handlers: dict[str, str] = {}
        for attr in dir(cls):
            if attr.startswith("visit_"):
                handlers[attr.removeprefix("visit_")] = attr
        cls.handlers = handlers
        register(cls)

    @classmethod
    def node_types(cls) -> dict[type, str]:
        """The libcst node classes the rule handles (imports libcst)."""
        from fastapi_lint.core.lazy import cst

        resolved = {}
        for name, method in cls.handlers.items():
            node_type = getattr(cst, name, None)
            if not (isinstance(node_type, type) and issubclass(node_type, cst.CSTNode)):
                raise ValueError(f"{cls.__name__}.{method}: no libcst node type named {name!r}")
            resolved[node_type] = method
        return resolved

    @classmethod
    def family(cls) -> str:
        return FAMILIES.get(cls.code[4], "other")

    @classmethod
    def url(cls) -> str:
        return f"https://github.com/fastapi-lint/fastapi-lint/blob/main/rules/{cls.code}.md"

    @classmethod
    def has_project_check(cls) -> bool:
        return cls.check_module is not Rule.check_module

    # -- hooks ---------------------------------------------------------------------------

    def begin_file(self, ctx: FileContext) -> None:
        """Called before the handlers of a file run."""

    def end_file(self, ctx: FileContext) -> None:
        """Called after every node of the file has been dispatched."""

    def check_module(self, module: ModuleSummary, project: Project, report: ModuleReport) -> None:
        """Project pass: report on ``module`` using facts of the whole project."""

    def refine(self, diagnostic: Diagnostic, project: Project) -> Diagnostic:
        """Project pass: restate a per-file diagnostic with project knowledge (optional)."""
        return diagnostic


_REGISTRY: dict[str, type[Rule]] = {}


def register(rule: type[Rule]) -> None:
    existing = _REGISTRY.get(rule.code)
    if existing is not None and existing.__qualname__ != rule.__qualname__:
        raise ValueError(
            f"duplicate rule code {rule.code}: {existing.__name__} and {rule.__name__}"
        )
    _REGISTRY[rule.code] = rule


def load_rules() -> None:
    """Import every rule module (importing a module registers the rules it defines)."""
    import fastapi_lint.rules  # noqa: F401


def all_rules() -> list[type[Rule]]:
    load_rules()
    return [_REGISTRY[code] for code in sorted(_REGISTRY)]


def rule_by_code(code: str) -> type[Rule] | None:
    load_rules()
    return _REGISTRY.get(code.upper())


def rule_by_name_or_code(key: str) -> type[Rule] | None:
    load_rules()
    found = _REGISTRY.get(key.upper())
    if found is not None:
        return found
    for rule in _REGISTRY.values():
        if rule.name == key:
            return rule
    return None


# -- selection ----------------------------------------------------------------------------

SELECTOR_PATTERN = re.compile(r"^(ALL|FAPI\d{0,3})$")


def is_valid_selector(selector: str) -> bool:
    """``ALL``, ``FAPI``, a family (``FAPI1``), a group (``FAPI10``) or a code that exists."""
    if not SELECTOR_PATTERN.match(selector):
        return False
    if selector == "ALL":
        return True
    return any(code.startswith(selector) for code in _codes())


def _codes() -> list[str]:
    load_rules()
    return list(_REGISTRY)


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


Handler = Callable[..., None]
