"""FAPI301 cors-wildcard-with-credentials: ``CORSMiddleware`` allowing every origin (``"*"`` or a
regex matching anything) with ``allow_credentials=True``.

Values are read where they are: literals, module constants, constants imported from other
modules and defaults of settings classes (``settings.cors_origins``); the last two are resolved
in the project pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from fastapi_lint.analysis.fastapi_model import keyword_argument
from fastapi_lint.analysis.inference import string_value
from fastapi_lint.analysis.knowledge.names import CORS_MIDDLEWARE, MIDDLEWARE
from fastapi_lint.analysis.literals import NOT_LITERAL, is_literal, literal_value
from fastapi_lint.analysis.module_summary import ModuleSummary, Span, fact_type
from fastapi_lint.analysis.scope import Frame
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext
from fastapi_lint.lint.helpers import constant_value
from fastapi_lint.lint.rule import ModuleReport, Rule
from fastapi_lint.project.index import Project

FACT = "fapi301"
OPTIONS = ("allow_origins", "allow_credentials", "allow_origin_regex")
# Origins no allow-list means to trust: a regex matching all of them matches every origin.
_FOREIGN_ORIGINS = (
    "https://evil.example",
    "http://attacker.test:8080",
    "https://a.b.c.d.example.org",
)


def is_wildcard_origins(ctx: FileContext, node: cst.BaseExpression | None, frame: Frame) -> bool:
    value = constant_value(ctx, node, frame)
    if isinstance(value, (cst.List, cst.Tuple, cst.Set)):
        for element in value.elements:
            if isinstance(element, cst.StarredElement):
                continue
            if string_value(constant_value(ctx, element.value, frame)) == "*":
                return True
    return False


def wildcard_regex(pattern: Any) -> bool:
    """A regex that Starlette's ``fullmatch`` accepts for any origin."""
    if not isinstance(pattern, str):
        return False
    try:
        compiled = re.compile(pattern)
    except re.error:
        return False
    return all(compiled.fullmatch(origin) for origin in _FOREIGN_ORIGINS)


@fact_type(FACT)
@dataclass(slots=True)
class CorsOptions:
    """A ``CORSMiddleware`` configuration whose values are only known project-wide: for each
    option, ``["=", value]`` (a literal) or ``["ref", qualified name]``."""

    span: Span
    options: dict[str, list[Any]] = field(default_factory=dict)


class CorsWildcardWithCredentials(Rule):
    code = "FAPI301"
    name = "cors-wildcard-with-credentials"
    summary = "`CORSMiddleware` allows every origin (`*` or a catch-all regex) with credentials"

    def visit_Call(self, node: cst.Call, ctx: FileContext) -> None:
        frame = ctx.frame
        if frame is None or not node.args:
            return
        if not self._is_cors_middleware(node, ctx, frame):
            return
        options = {}
        for name in OPTIONS:
            value = keyword_argument(node, name)
            if value is not None:
                options[name] = self._value(ctx, value, frame)
        if any(kind == "ref" for kind, _ in options.values()):
            record = CorsOptions(ctx.lazy_span(node), {k: list(v) for k, v in options.items()})
            ctx.summary.add_fact(FACT, record)
            return
        message = _verdict({k: v[1] for k, v in options.items()}, {})
        if message is not None:
            ctx.report(node, message)

    @staticmethod
    def _value(ctx: FileContext, node: cst.BaseExpression, frame: Frame) -> tuple[str, Any]:
        value = literal_value(node, ctx.resolver, frame)
        if is_literal(value):
            return ("=", value)
        if isinstance(node, (cst.List, cst.Tuple)):
            # `["https://app.example", *EXTRA]`: the literal part decides.
            items = [literal_value(e.value, ctx.resolver, frame) for e in node.elements]
            return ("=", [item for item in items if is_literal(item)])
        reference = None
        if isinstance(node, (cst.Name, cst.Attribute)):
            reference = ctx.qualname(node, frame)
            if reference is None and isinstance(node, cst.Attribute):
                # `settings.cors_origins` with `settings = Settings()` in this module.
                owner = ctx.infer_type(node.value, frame)
                if owner is not None and not owner.startswith("type["):
                    reference = f"{owner}.{node.attr.value}"
        return ("ref", reference) if reference else ("?", None)

    @staticmethod
    def _is_cors_middleware(node: cst.Call, ctx: FileContext, frame: Frame) -> bool:
        first = node.args[0]
        if first.keyword is not None or first.star:
            return False
        target = ctx.call_target(node, frame)
        if target == CORS_MIDDLEWARE:
            return True  # `app = CORSMiddleware(app, ...)`: the ASGI wrapper itself
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "add_middleware":
            pass
        elif target != MIDDLEWARE:
            return False
        return ctx.qualname(first.value, frame) == CORS_MIDDLEWARE

    def check_module(self, module: ModuleSummary, project: Project, report: ModuleReport) -> None:
        for record in module.facts.get(FACT, ()):
            if not isinstance(record, CorsOptions):
                continue
            values: dict[str, Any] = {}
            sources: dict[str, str] = {}
            for name, (kind, value) in record.options.items():
                if kind == "=":
                    values[name] = value
                elif kind == "ref":
                    resolved = project.constant(value)
                    if resolved is NOT_LITERAL:
                        continue
                    values[name] = resolved
                    sources[name] = value
            message = _verdict(values, sources)
            if message is not None:
                report.report(record.span, message)


def _verdict(values: dict[str, Any], sources: dict[str, str]) -> str | None:
    if values.get("allow_credentials") is not True:
        return None
    origins = values.get("allow_origins")
    regex = values.get("allow_origin_regex")
    if isinstance(origins, list) and "*" in origins:
        what = "`allow_origins=['*']`"
        source = sources.get("allow_origins")
    elif wildcard_regex(regex):
        what = f"`allow_origin_regex={regex!r}`, which matches any origin,"
        source = sources.get("allow_origin_regex")
    else:
        return None
    if source is not None:
        what += f" (from `{source}`)"
    credentials = sources.get("allow_credentials")
    with_credentials = "`allow_credentials=True`"
    if credentials is not None:
        with_credentials += f" (from `{credentials}`)"
    return (
        f"`CORSMiddleware` with {what} and {with_credentials}: Starlette then answers every "
        "requesting origin by echoing it back with credentials allowed, so any website can "
        "make authenticated requests with your users' cookies; list the trusted origins "
        "explicitly"
    )
