"""What the per-file pass records for the project pass, which alone knows which classes are
Pydantic models (``Project.model_classes``).

Findings are recorded with their fix already prepared (``ctx.deferred_fix``); the project rule
reports those whose class is a model, after checking the conditions the fix depends on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi_lint.analysis.module_summary import Span, fact_type
from fastapi_lint.core.diagnostics import Fix

MODEL_CLASS = "pydantic-v1-class"
FINDING = "pydantic-v1-finding"
CONFIG_REFERENCE = "pydantic-v1-config-reference"


@fact_type(MODEL_CLASS)
@dataclass(slots=True)
class ModelClass:
    """A class that may be a Pydantic model (it has bases): what the fixes of other classes and
    call sites need to know about it."""

    qualname: str  # within the module
    fields: list[str] = field(default_factory=list)
    root: bool = False  # declares a v1 custom root type (`__root__`)
    from_attributes: bool = False  # `orm_mode` / `from_attributes` in its own configuration
    # Fields with a v1 `pre=True` validator or a v2 `mode="before"` one ("*": every field).
    before_validated: list[str] = field(default_factory=list)
    # Its own configuration may set `serialize_by_alias` (v2.11+): `model_dump()` then dumps by
    # alias where the `.dict()` shim (and v1) did not.
    serialize_by_alias: bool = False


@fact_type(FINDING)
@dataclass(slots=True)
class Finding:
    """A v1 construct; reported by rule ``code`` when the project confirms it concerns a model.

    ``owner``: project-wide qualname of the class that must be a model (class-level findings).
    ``receiver``: the per-file type of a call site's receiver (see ``inference.py``), or
    ``receiver_ref``: the qualified name the receiver expression refers to (a class, or a
    module variable of another module). ``conditions``: what the project pass checks before
    offering ``fix`` (see each rule). ``alternative``: a second prepared fix, for when the
    receiver turns out to be an instance rather than a class (or the model to be settings).
    """

    code: str
    span: Span
    message: str
    member: str = ""
    owner: str = ""
    receiver: str = ""
    receiver_ref: str = ""
    no_fix: str = ""  # why there is no fix, decided in the file
    no_alternative: str = ""  # why there is no alternative fix
    conditions: list[str] = field(default_factory=list)
    unsafe: str = ""  # why the fix is unsafe, decided in the file
    fix: Fix | None = None
    alternative: Fix | None = None
    # FAPI204 `.dict()`/`.json()`: the instance fix with v1's `by_alias=False` written out, for
    # a model whose configuration may set `serialize_by_alias`.
    explicit: Fix | None = None


@fact_type(CONFIG_REFERENCE)
@dataclass(slots=True)
class ConfigReference:
    """``User.Config`` read somewhere (``class Config(User.Config)``): converting ``User``'s
    ``class Config`` would break it."""

    owner: str  # qualified name of the class whose `Config` is read
