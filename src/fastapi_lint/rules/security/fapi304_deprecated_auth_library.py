"""FAPI304 deprecated-auth-library: ``passlib`` (broken with bcrypt 5) and ``python-jose``
(unmaintained)."""

from __future__ import annotations

from fastapi_lint.context import FileContext
from fastapi_lint.inference import dotted_name
from fastapi_lint.lazy import cst
from fastapi_lint.registry import Rule

LIBRARIES = {
    "passlib": (
        "`passlib` is unmaintained: it already logs errors with `bcrypt` 4.1+, and with bcrypt "
        "5 every `hash()` raises `ValueError` (passlib's start-up self-test hashes a password "
        "longer than bcrypt's 72-byte limit); use `pwdlib` (FastAPI's recommendation) or "
        "`bcrypt` directly"
    ),
    "jose": (
        "`python-jose` is unmaintained, with known vulnerabilities left unfixed (algorithm "
        "confusion, CVE-2024-33663; JWE decompression bombs, CVE-2024-33664); use `PyJWT` "
        "(FastAPI's recommendation)"
    ),
}


class DeprecatedAuthLibrary(Rule):
    code = "FAPI304"
    name = "deprecated-auth-library"
    summary = "Import of `passlib` or `python-jose`: unmaintained, broken or vulnerable"

    def visit_Import(self, node: cst.Import, ctx: FileContext) -> None:
        for alias in node.names:
            self._check(ctx, node, dotted_name(alias.name))

    def visit_ImportFrom(self, node: cst.ImportFrom, ctx: FileContext) -> None:
        if node.relative:
            return
        self._check(ctx, node, dotted_name(node.module) if node.module else None)

    def _check(self, ctx: FileContext, node: cst.CSTNode, module: str | None) -> None:
        top = (module or "").partition(".")[0]
        reason = LIBRARIES.get(top)
        if reason is not None:
            ctx.report(node, f"Import of `{module}`: {reason}")
