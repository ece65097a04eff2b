"""FAPI304 deprecated-auth-library: ``passlib`` (unmaintained, broken with bcrypt 5) and
``python-jose`` before 3.4.0 (algorithm confusion and JWE bombs), said for the project's pins."""

from __future__ import annotations

from fastapi_lint.analysis.inference import dotted_name
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext
from fastapi_lint.lint.rule import Rule

# python-jose 3.4.0 (February 2025) fixed CVE-2024-33663 and CVE-2024-33664.
JOSE_FIXED = "3.4.0"
JOSE_CVES = (
    "algorithm confusion, CVE-2024-33663; JWE decompression bombs, CVE-2024-33664; both fixed "
    f"in {JOSE_FIXED}"
)
# bcrypt 5 rejects passwords over 72 bytes, which passlib's start-up self-test hashes.
BCRYPT_STRICT = "5"
BCRYPT_SCHEMES = frozenset({"bcrypt", "bcrypt_sha256"})
# The maintained fork of passlib: installs the same `passlib` package.
PASSLIB_FORK = "libpass"


class DeprecatedAuthLibrary(Rule):
    code = "FAPI304"
    name = "deprecated-auth-library"
    summary = (
        "Import of `passlib` or of `python-jose` before 3.4.0: unmaintained, broken or vulnerable"
    )

    def visit_Import(self, node: cst.Import, ctx: FileContext) -> None:
        for alias in node.names:
            self._check(ctx, node, dotted_name(alias.name))

    def visit_ImportFrom(self, node: cst.ImportFrom, ctx: FileContext) -> None:
        if node.relative:
            return
        self._check(ctx, node, dotted_name(node.module) if node.module else None)

    def visit_SimpleString(self, node: cst.SimpleString, ctx: FileContext) -> None:
        # `CryptContext(schemes=["bcrypt"])`: the module uses passlib's bcrypt scheme.
        if node.value.strip("\"'") in BCRYPT_SCHEMES:
            ctx.state.setdefault(self.code, {"imports": {}, "bcrypt": False})["bcrypt"] = True

    def _check(self, ctx: FileContext, node: cst.CSTNode, module: str | None) -> None:
        top = (module or "").partition(".")[0]
        if top not in ("passlib", "jose"):
            return
        state = ctx.state.setdefault(self.code, {"imports": {}, "bcrypt": False})
        # One finding per module and library, on its first import.
        state["imports"].setdefault(top, (node, module))
        if (
            module is not None
            and module.startswith("passlib.hash")
            and isinstance(node, cst.ImportFrom)
            and not isinstance(node.names, cst.ImportStar)
            and {dotted_name(a.name) for a in node.names} & BCRYPT_SCHEMES
        ):
            state["bcrypt"] = True

    def end_file(self, ctx: FileContext) -> None:
        state = ctx.state.get(self.code)
        if state is None:
            return
        versions = ctx.options.versions()
        for top, (node, module) in state["imports"].items():
            reason = _passlib(versions, state["bcrypt"]) if top == "passlib" else _jose(versions)
            if reason is not None:
                ctx.report(node, f"Import of `{module}`: {reason}")


def _jose(versions) -> str | None:
    """python-jose: the CVEs when the project pins a version before 3.4.0, or says nothing
    about the version it runs. From 3.4.0 on, what remains (its `ecdsa` dependency, FastAPI's
    tutorial moving to PyJWT) is not worth a finding; a requirement that admits 3.4.0 or later
    (`python-jose`, `python-jose>=3.3`) installs the newest release."""
    found = versions.get("python-jose")
    if found is not None and versions.pinned_older_than("python-jose", JOSE_FIXED):
        where = f"the project pins {found.short()}, which has"
    elif found is None and not versions.declares("python-jose"):
        where = (
            "the project's dependencies do not say which version it runs, and versions before "
            f"{JOSE_FIXED} have"
        )
    else:
        return None
    return (
        f"`python-jose`: {where} known vulnerabilities ({JOSE_CVES}); require "
        f"`python-jose>={JOSE_FIXED}`, or move to `PyJWT` (FastAPI's recommendation)"
    )


def _passlib(versions, bcrypt: bool) -> str | None:
    if versions.declares(PASSLIB_FORK):
        return None  # the maintained fork provides `passlib`
    text = (
        "`passlib` is unmaintained (no release since 2020); use `pwdlib` (FastAPI's "
        f"recommendation) or its maintained fork `{PASSLIB_FORK}`"
    )
    if not bcrypt:
        return text
    found = versions.get("bcrypt")
    if found is not None and versions.pinned_older_than("bcrypt", BCRYPT_STRICT):
        pinned = f"; {found.short()} holds that off until the pin is raised"
    else:
        pinned = ""
    return (
        f"{text}. With its bcrypt scheme it breaks when `bcrypt` is upgraded: it logs errors "
        "with bcrypt 4.1+, and with bcrypt 5 every `hash()` raises `ValueError` (its start-up "
        f"self-test hashes a password longer than bcrypt's 72-byte limit){pinned}"
    )
