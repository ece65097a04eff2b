"""FAPI303 hardcoded-secret: a literal secret in a module constant or a settings field default."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi_lint.analysis.fastapi_model import keyword_argument
from fastapi_lint.analysis.inference import string_value
from fastapi_lint.analysis.module_summary import ModuleSummary, Span, fact_type
from fastapi_lint.analysis.scope import BindingKind, ClassInfo
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext
from fastapi_lint.lint.rule import ModuleReport, Rule
from fastapi_lint.project.index import Project
from fastapi_lint.rules.correctness.shared import is_example_module
from fastapi_lint.rules.security.secrets import Kind, holds_a_name, looks_real, secret_kind

FACT = "fapi303"
GETENV = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault"})
FIELD_FUNCTIONS = frozenset({"pydantic.Field", "pydantic.fields.Field", "sqlmodel.Field"})
SECRET_TYPES = frozenset({"pydantic.SecretStr", "pydantic.SecretBytes", "pydantic.types.SecretStr"})

# What a known value costs, by kind (see `secrets.py`).
CONSTANT_MESSAGES = {
    Kind.VERIFY: (
        "`{name}` is a secret the application itself signs, encrypts or checks logins with, "
        "written in the source: everyone with access to the repository (or a leaked copy) can "
        "forge tokens, decrypt what it protects or log in with it, and it is the same in every "
        "environment; read it from the environment or a secrets manager"
    ),
    Kind.PRESENT: (
        "`{name}` looks like a real credential the application presents to another service, "
        "written in the source: everyone with access to the repository (or a leaked copy) can "
        "use it; revoke it, and read it from the environment or a secrets manager"
    ),
}
FIELD_MESSAGES = {
    Kind.VERIFY: (
        "`{name}` has a literal default, and the application itself signs, encrypts or checks "
        "logins with it: when the environment does not set it, the application runs with this "
        "publicly known secret, so anyone can forge tokens, decrypt what it protects or log "
        "in, instead of failing to start; remove the default (use `SecretStr` with no default) "
        "so that a missing secret is an error"
    ),
    Kind.PRESENT: (
        "`{name}` has a literal default that looks like a real credential the application "
        "presents to another service: everyone with access to the repository can use it; "
        "revoke it, and remove the default (use `SecretStr` with no default)"
    ),
}


def is_secret(kind: Kind, name: str, text: str) -> bool:
    """Whether ``text`` bound to ``name`` is a secret worth reporting: any value of a secret the
    application verifies with (a guessable one is the bug), only a real-looking one of a
    credential it presents elsewhere; never a value that only names a key."""
    if holds_a_name(name, text):
        return False
    return kind is Kind.VERIFY or looks_real(text)


@fact_type(FACT)
@dataclass(slots=True)
class SecretFieldDefault:
    klass: str
    field: str
    kind: str  # `Kind.value`
    span: Span


class HardcodedSecret(Rule):
    code = "FAPI303"
    name = "hardcoded-secret"
    summary = "Literal secret in a module constant or a settings field default"

    def end_file(self, ctx: FileContext) -> None:
        if is_example_module(ctx):
            return
        for name, bindings in ctx.walk.module_frame.bindings.items():
            kind = secret_kind(name)
            if kind is None:
                continue
            for binding in bindings:
                if binding.kind is BindingKind.ASSIGN and not binding.opaque:
                    literal = self._literal_secret(ctx, kind, name, binding.value)
                    if literal is not None:
                        ctx.report(literal, CONSTANT_MESSAGES[kind].format(name=name))
        for klass in ctx.classes:
            self._class(ctx, klass)

    def _class(self, ctx: FileContext, klass: ClassInfo) -> None:
        for name, bindings in klass.frame.bindings.items():
            # A private attribute (`_name`) is no settings field: never read from the environment.
            kind = secret_kind(name)
            if name.startswith("_") or kind is None or len(bindings) != 1:
                continue
            binding = bindings[0]
            if binding.kind is not BindingKind.ASSIGN or binding.opaque:
                continue
            if ctx.is_class_var(binding.annotation):
                continue  # not a field either
            literal = self._literal_secret(ctx, kind, name, binding.value, fields=True)
            if literal is None:
                continue
            ctx.summary.add_fact(
                FACT,
                SecretFieldDefault(
                    ctx.resolver.local(klass.qualname), name, kind.value, ctx.lazy_span(literal)
                ),
            )

    @staticmethod
    def _literal_secret(
        ctx: FileContext,
        kind: Kind,
        name: str,
        value: cst.BaseExpression | None,
        fields: bool = False,
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
            if text is not None and is_secret(kind, name, text):
                return value
        return None

    def check_module(self, module: ModuleSummary, project: Project, report: ModuleReport) -> None:
        for record in module.facts.get(FACT, ()):
            if not isinstance(record, SecretFieldDefault) or not project.is_settings(record.klass):
                continue
            name = f"{record.klass.rpartition('.')[2]}.{record.field}"
            report.report(record.span, FIELD_MESSAGES[Kind(record.kind)].format(name=name))
