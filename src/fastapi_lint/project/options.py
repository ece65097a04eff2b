"""What the rules may know of the run's configuration: the checked project's versions and
target Python, and the rule options (extra or allowed blocking calls, event-loop contexts).

The configuration layer builds one per run (``Settings.options``); the per-file context and the
project carry it, so that no rule sees the settings as a whole. Versions and the target Python
are read on first use: a run that never asks does not read lock files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi_lint.project.versions import Versions

# ruff's default `target-version` when neither the configuration nor `requires-python` says.
DEFAULT_TARGET_PYTHON = (3, 9)


def _no_versions() -> Versions:
    return Versions()


def _default_target() -> tuple[int, int]:
    return DEFAULT_TARGET_PYTHON


@dataclass(slots=True)
class ProjectOptions:
    extend_blocking_calls: tuple[str, ...] = ()
    allowed_blocking_calls: tuple[str, ...] = ()
    # None: the rules' default contexts (see `rules/event_loop/contexts.py`).
    event_loop_contexts: tuple[str, ...] | None = None
    # Called at most once each, on first use.
    read_versions: Callable[[], Versions] = field(default=_no_versions, repr=False)
    read_target_python: Callable[[], tuple[int, int]] = field(default=_default_target, repr=False)
    _versions: Versions | None = field(default=None, repr=False)
    _target: tuple[int, int] | None = field(default=None, repr=False)

    def versions(self) -> Versions:
        """The FastAPI/Starlette/Pydantic versions the checked project admits."""
        if self._versions is None:
            self._versions = self.read_versions()
        return self._versions

    def target_python(self) -> tuple[int, int]:
        """The oldest Python the project supports: fixes use only what it has."""
        if self._target is None:
            self._target = self.read_target_python()
        return self._target
