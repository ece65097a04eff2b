"""The rule base class: what a rule declares and the hooks the engine calls.

A rule is a class with a code, a name and handler methods named after the libcst node types it
wants (``visit_Call``); defining the class registers it (``rules/registry.py`` imports every rule
module and lists them). Rules that need the whole project implement ``check_module`` instead of
(or besides) node handlers. Rule classes never do I/O.
"""

from __future__ import annotations

import enum
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from fastapi_lint.core.diagnostics import Diagnostic, Fix, Location

if TYPE_CHECKING:
    from fastapi_lint.analysis.module_summary import ModuleSummary, Span
    from fastapi_lint.lint.context import FileContext
    from fastapi_lint.project.index import Project

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


# The message a rule's ``refine`` gives a per-file finding that the project pass withdraws
# (an event-loop finding in a context the run does not report): the runner drops it.
WITHDRAWN = ""


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


def registered() -> dict[str, type[Rule]]:
    """Every rule class defined so far, by code (``rules.registry`` imports them all first)."""
    return _REGISTRY


Handler = Callable[..., None]


@dataclass(slots=True)
class ModuleReport:
    """Where a project rule reports findings on one module."""

    module: ModuleSummary
    rule: type[Rule] | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def report(
        self,
        span: Span,
        message: str,
        *,
        fix: Fix | None = None,
        data: dict[str, Any] | None = None,
        rule: type[Rule] | None = None,
    ) -> None:
        owner = rule or self.rule
        assert owner is not None
        self.diagnostics.append(
            Diagnostic(
                code=owner.code,
                name=owner.name,
                message=message,
                start=span.start,
                end=span.end,
                location=Location(span.row, span.column),
                end_location=Location(span.end_row, span.end_column),
                fix=fix,
                noqa_row=span.row,
                data=data or {},
            )
        )
