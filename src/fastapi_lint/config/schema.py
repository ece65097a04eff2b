"""The pydantic model of ``[tool.fastapi-lint]`` (imported only when a table must be validated)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from fastapi_lint import OUTPUT_FORMATS, TARGET_VERSIONS

# Settings tables (``[tool.fastapi-lint]``, the language server's options): kebab-case keys,
# unknown keys and loose types refused.
STRICT_KEBAB_CASE = ConfigDict(
    extra="forbid",
    populate_by_name=True,
    alias_generator=lambda name: name.replace("_", "-"),
    strict=True,
)


class Table(BaseModel):
    """The accepted keys of ``[tool.fastapi-lint]`` (kebab-case in TOML)."""

    model_config = STRICT_KEBAB_CASE

    select: list[str] | None = None
    ignore: list[str] = Field(default_factory=list)
    extend_select: list[str] = Field(default_factory=list)
    fixable: list[str] | None = None
    unfixable: list[str] = Field(default_factory=list)
    extend_fixable: list[str] = Field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = Field(default_factory=dict)
    exclude: list[str] | None = None
    extend_exclude: list[str] = Field(default_factory=list)
    respect_gitignore: bool = True
    src: list[str] | None = None
    cache_dir: str | None = None
    output_format: Literal[OUTPUT_FORMATS] | None = None  # type: ignore[valid-type]
    unsafe_fixes: bool | None = None
    extend_blocking_calls: list[str] = Field(default_factory=list)
    allowed_blocking_calls: list[str] = Field(default_factory=list)
    event_loop_contexts: (
        list[Literal["served", "unknown", "startup", "command-line", "tests", "all"]] | None
    ) = None
    fastapi_version: str | None = None
    starlette_version: str | None = None
    pydantic_version: str | None = None
    target_version: Literal[TARGET_VERSIONS] | None = None  # type: ignore[valid-type]

    @field_validator("fastapi_version", "starlette_version", "pydantic_version")
    @classmethod
    def _version(cls, value: str | None) -> str | None:
        from fastapi_lint.project.versions import valid_version

        return None if value is None else valid_version(value)

    @field_validator("select", "ignore", "extend_select", "fixable", "unfixable", "extend_fixable")
    @classmethod
    def _selectors(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return value
        _check_selectors(value)
        return [v.upper() for v in value]

    @field_validator("per_file_ignores")
    @classmethod
    def _per_file(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for codes in value.values():
            _check_selectors(codes)
        return {pattern: [c.upper() for c in codes] for pattern, codes in value.items()}


def _check_selectors(values: list[str]) -> None:
    from fastapi_lint.rules.selection import is_valid_selector

    for value in values:
        if not is_valid_selector(value.upper()):
            raise ValueError(f"unknown rule selector `{value}`")
