"""FAPI303 hardcoded-secret: a literal secret in a module constant or a settings field default."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi_lint.context import FileContext
from fastapi_lint.fastapi_model import keyword_argument
from fastapi_lint.inference import string_value
from fastapi_lint.lazy import cst
from fastapi_lint.project import ModuleReport, Project
from fastapi_lint.registry import Rule
from fastapi_lint.rules.correctness.shared import is_example_module
from fastapi_lint.scope import BindingKind, ClassInfo
from fastapi_lint.summary import ModuleSummary, Span, fact_type

FACT = "fapi303"
SECRET_WORDS = frozenset({"secret", "password", "passwd", "pwd", "apikey", "passphrase"})
# "token" alone is as often a parser's token as a credential: only with a credential qualifier.
TOKEN_QUALIFIERS = frozenset(
    {
        "access",
        "auth",
        "api",
        "bearer",
        "refresh",
        "secret",
        "session",
        "bot",
        "personal",
        "admin",
        "service",
        "oauth",
        "app",
        "client",
        "private",
        "deploy",
        "webhook",
        "github",
        "gitlab",
        "slack",
        "telegram",
        "discord",
        "hf",
        "npm",
        "pypi",
        "jwt",
        "verify",
        "verification",
    }
)
SECRET_PAIRS = frozenset(
    {
        ("api", "key"),
        ("secret", "key"),
        ("private", "key"),
        ("signing", "key"),
        ("encryption", "key"),
        ("access", "key"),
        ("master", "key"),
        ("jwt", "key"),
    }
)
GETENV = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault"})
FIELD_FUNCTIONS = frozenset({"pydantic.Field", "pydantic.fields.Field", "sqlmodel.Field"})
SECRET_TYPES = frozenset({"pydantic.SecretStr", "pydantic.SecretBytes", "pydantic.types.SecretStr"})
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def is_secret_name(name: str) -> bool:
    words = [w.lower() for w in _WORD.findall(name)]
    if not words:
        return False
    if words[-1] in SECRET_WORDS:
        return True
    if words[-1] == "token":
        return len(words) == 1 or words[-2] in TOKEN_QUALIFIERS
    return len(words) >= 2 and (words[-2], words[-1]) in SECRET_PAIRS


_SENTINEL = re.compile(r"^_+[A-Za-z0-9_]*$")


def looks_like_secret(name: str, text: str) -> bool:
    """Values that cannot be a secret: blank, punctuation only (`"*"`), a sentinel such as
    `"_sa_default"`, or a word taken from the name itself (`_COLUMN_TOKEN = "column"`)."""
    stripped = text.strip()
    if not any(c.isalnum() for c in stripped):
        return False
    if _SENTINEL.match(stripped):
        return False
    words = {w.lower() for w in _WORD.findall(name)}
    return stripped.lower() not in words


@fact_type(FACT)
@dataclass(slots=True)
class SecretFieldDefault:
    klass: str
    field: str
    span: Span


class HardcodedSecret(Rule):
    code = "FAPI303"
    name = "hardcoded-secret"
    summary = "Literal secret in a module constant or a settings field default"

    def end_file(self, ctx: FileContext) -> None:
        if is_example_module(ctx):
            return
        for name, bindings in ctx.walk.module_frame.bindings.items():
            if not is_secret_name(name):
                continue
            for binding in bindings:
                if binding.kind is BindingKind.ASSIGN and not binding.opaque:
                    literal = self._literal_secret(ctx, name, binding.value)
                    if literal is not None:
                        ctx.report(
                            literal,
                            f"`{name}` is a secret written in the source: everyone with access "
                            "to the repository (or a leaked copy) can sign tokens or log in with "
                            "it, and it is the same in every environment; read it from the "
                            "environment or a secrets manager",
                        )
        for klass in ctx.classes:
            self._class(ctx, klass)

    def _class(self, ctx: FileContext, klass: ClassInfo) -> None:
        for name, bindings in klass.frame.bindings.items():
            # A private attribute (`_name`) is no settings field: never read from the environment.
            if name.startswith("_") or not is_secret_name(name) or len(bindings) != 1:
                continue
            binding = bindings[0]
            if binding.kind is not BindingKind.ASSIGN or binding.opaque:
                continue
            if ctx.is_class_var(binding.annotation):
                continue  # not a field either
            literal = self._literal_secret(ctx, name, binding.value, fields=True)
            if literal is None:
                continue
            ctx.summary.add_fact(
                FACT,
                SecretFieldDefault(
                    ctx.resolver.local(klass.qualname), name, ctx.lazy_span(literal)
                ),
            )

    @staticmethod
    def _literal_secret(
        ctx: FileContext, name: str, value: cst.BaseExpression | None, fields: bool = False
    ) -> cst.BaseExpression | None:
        """The string literal holding a secret (not an empty placeholder), if any."""
        if isinstance(value, cst.Call):
            target = ctx.call_target(value)
            positional = [a.value for a in value.args if a.keyword is None]
            if target in GETENV:
                # `os.getenv("SECRET_KEY", "dev-secret")`: the fallback ships to production.
                value = (
                    positional[1] if len(positional) >= 2 else keyword_argument(value, "default")
                )
            elif target in SECRET_TYPES:
                value = positional[0] if positional else None
            elif fields and target in FIELD_FUNCTIONS:
                value = positional[0] if positional else keyword_argument(value, "default")
                if isinstance(value, cst.Call) and ctx.call_target(value) in SECRET_TYPES:
                    inner = [a.value for a in value.args if a.keyword is None]
                    value = inner[0] if inner else None
            else:
                return None
        if isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
            if isinstance(value, cst.SimpleString) and "r" in value.prefix.lower():
                return None  # a raw string: a regex, not a secret
            text = string_value(value)
            if text is None and isinstance(value, cst.SimpleString) and "b" in value.prefix.lower():
                text = value.evaluated_value.decode("latin-1")  # type: ignore[union-attr]
            if text is not None and looks_like_secret(name, text):
                return value
        return None

    def check_module(self, module: ModuleSummary, project: Project, report: ModuleReport) -> None:
        for record in module.facts.get(FACT, ()):
            if not isinstance(record, SecretFieldDefault) or not project.is_settings(record.klass):
                continue
            report.report(
                record.span,
                f"`{record.klass.rpartition('.')[2]}.{record.field}` has a literal default: when "
                "the environment does not set it, the application runs with this publicly known "
                "secret instead of failing to start; remove the default (use `SecretStr` with no "
                "default) so that a missing secret is an error",
            )
