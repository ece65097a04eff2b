"""The language server's settings: initialization options and ``didChangeConfiguration``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from fastapi_lint.config.schema import STRICT_KEBAB_CASE
from fastapi_lint.config.settings import ConfigError, Settings, override_selectors

_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")


class ServerOptions(BaseModel):
    """Initialization options (and ``workspace/didChangeConfiguration`` settings)."""

    model_config = STRICT_KEBAB_CASE

    select: list[str] | None = None
    extend_select: list[str] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)
    fixable: list[str] | None = None
    extend_fixable: list[str] = Field(default_factory=list)
    unfixable: list[str] = Field(default_factory=list)
    unsafe_fixes: bool | None = None
    configuration: str | None = None  # a configuration file, like `--config`
    lint_on_change: bool = True
    debounce_ms: int = Field(default=300, ge=0, le=10_000)

    @staticmethod
    def parse(raw: Any) -> ServerOptions:
        """Options from the client's JSON; ``ValueError`` with one readable line if bad."""
        if raw is None:
            return ServerOptions()
        if not isinstance(raw, dict):
            raise ValueError("initialization options must be an object")
        # Clients nest settings under the server's name, or not; keys are camelCase or kebab.
        if set(raw) == {"fastapi-lint"} or set(raw) == {"fastapiLint"}:
            raw = next(iter(raw.values()))
            if not isinstance(raw, dict):
                raise ValueError("settings must be an object")
        normalized = {
            _CAMEL.sub(r"-\1", str(k)).lower().replace("_", "-"): v for k, v in raw.items()
        }
        try:
            options = ServerOptions.model_validate(normalized)
        except ValidationError as exc:
            first = exc.errors()[0]
            key = ".".join(str(part) for part in first["loc"]) or "?"
            if first["type"] == "extra_forbidden":
                accepted = ", ".join(
                    sorted(f.alias or n for n, f in ServerOptions.model_fields.items())
                )
                raise ValueError(f"unknown setting `{key}`; accepted: {accepted}") from None
            raise ValueError(f"setting `{key}`: {first['msg']}") from None
        try:
            options.apply_selectors(Settings(root=Path.cwd()))
        except ConfigError as exc:
            raise ValueError(str(exc)) from None
        return options

    def apply_selectors(self, settings: Settings) -> None:
        """These options' rule selectors over the configuration's (``ConfigError`` if one is
        unknown)."""
        override_selectors(
            settings,
            "",
            select=self.select,
            extend_select=self.extend_select,
            ignore=self.ignore,
            fixable=self.fixable,
            extend_fixable=self.extend_fixable,
            unfixable=self.unfixable,
        )
