"""FAPI302 jwt-decode-unverified: ``jwt.decode`` without ``algorithms=``, accepting ``none``, or
with signature verification turned off."""

from __future__ import annotations

import re

from fastapi_lint.analysis.fastapi_model import keyword_argument
from fastapi_lint.analysis.literals import literal_value
from fastapi_lint.analysis.scope import BindingKind
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext
from fastapi_lint.lint.helpers import constant_value
from fastapi_lint.lint.rule import Rule

# decode functions: qualified name -> library
DECODERS = {
    "jwt.decode": "PyJWT",
    "jwt.api_jwt.decode": "PyJWT",
    "jwt.PyJWT.decode": "PyJWT",
    "jwt.api_jwt.PyJWT.decode": "PyJWT",
    "jose.jwt.decode": "python-jose",
}
_VERIFY_KEYS = ("verify_signature",)
# Words of the key expression that tell its kind (python-jose without `algorithms=` lets the
# token's header pick the algorithm; what that allows depends on the key).
PUBLIC_KEY_WORDS = ("public", "pubkey", "pub_key", "pem", "rsa", "cert")
JWK_WORDS = ("jwk", "jwks", "key_set", "keyset")
SECRET_WORDS = ("secret", "hmac", "hs256", "shared")
# python-jose without `algorithms=`, by the kind of key; None: nothing to report.
JOSE_DETAIL: dict[str, str | None] = {
    "public": (
        "python-jose then accepts whatever algorithm the token's header names, so a token "
        "signed with `HS256` using this public key as the secret passes (algorithm confusion)"
    ),
    "unknown": (
        "python-jose then accepts whatever algorithm the token's header names; if the key is "
        "an RSA or EC public key, a token signed with `HS256` using it as the secret passes "
        "(algorithm confusion)"
    ),
    # A symmetric secret: an RSA or EC algorithm cannot load it, only the HMAC family verifies.
    "secret": None,
    # A JWK: python-jose builds the key its `kty` names and rejects other algorithms' tokens.
    "jwk": None,
}


class JwtDecodeUnverified(Rule):
    code = "FAPI302"
    name = "jwt-decode-unverified"
    summary = "`jwt.decode` without `algorithms=`, accepting `none`, or not verifying the signature"

    def visit_Call(self, node: cst.Call, ctx: FileContext) -> None:
        frame = ctx.frame
        if frame is None:
            return
        library = DECODERS.get(ctx.call_target(node, frame) or "")
        if library is None or any(a.star for a in node.args):
            return
        if self._verification_disabled(ctx, node):
            if self._peeks_before_verifying(ctx, node) or _is_id_token(ctx, node):
                return
            ctx.report(
                node,
                f"`jwt.decode` ({library}) with signature verification turned off: any token "
                "anyone forges is accepted as genuine, claims included; verify the signature "
                "(to read a token's header first, use `jwt.get_unverified_header`)",
            )
            return
        positional = [a for a in node.args if a.keyword is None]
        algorithms = keyword_argument(node, "algorithms")
        if algorithms is None and len(positional) >= 3:
            algorithms = positional[2].value
        value = literal_value(algorithms, ctx.resolver, frame) if algorithms is not None else None
        if algorithms is None or value is None:
            example = "HS256"
            if library == "python-jose":
                kind = _key_kind(ctx, node)
                detail = JOSE_DETAIL[kind]
                if detail is None:
                    return
                example = "RS256" if kind == "public" else example
            else:
                detail = (
                    "PyJWT 2 rejects every token (`DecodeError`), and PyJWT 1 accepted any "
                    "algorithm the token named, `none` included"
                )
            ctx.report(
                node,
                f"`jwt.decode` without `algorithms=`: {detail}; pass the algorithm you sign "
                f'with, such as `algorithms=["{example}"]`',
            )
            return
        names = value if isinstance(value, list) else [value]
        if any(isinstance(n, str) and n.lower() == "none" for n in names):
            ctx.report(
                node,
                '`jwt.decode` accepting the `"none"` algorithm: an unsigned token passes '
                "verification, so anyone can forge one; list only the algorithms you sign with",
            )

    def _peeks_before_verifying(self, ctx: FileContext, node: cst.Call) -> bool:
        """An unverified decode that only peeks (at `iss`, `kid`, `alg` to pick the key),
        followed in the same function by a verified decode of the same token: the standard
        pattern."""
        frame = ctx.frame
        function = frame.enclosing_function if frame is not None else None
        token = _token(node)
        if function is None or token is None:
            return False
        text = ctx.code_for(token)
        seen = False
        stack: list[cst.CSTNode] = [function.node.body]
        calls: list[cst.Call] = []
        while stack:
            current = stack.pop()
            if isinstance(current, cst.Call):
                calls.append(current)
            stack.extend(reversed(current.children))
        for call in calls:
            if call is node:
                seen = True
                continue
            if not seen or DECODERS.get(ctx.call_target(call, frame) or "") is None:
                continue
            other = _token(call)
            if (
                other is not None
                and ctx.code_for(other) == text
                and not self._verification_disabled(ctx, call)
            ):
                return True
        return False

    @staticmethod
    def _verification_disabled(ctx: FileContext, node: cst.Call) -> bool:
        frame = ctx.frame
        assert frame is not None
        verify = constant_value(ctx, keyword_argument(node, "verify"), frame)  # PyJWT 1
        if isinstance(verify, cst.Name) and verify.value == "False":
            return True
        options = constant_value(ctx, keyword_argument(node, "options"), frame)
        if not isinstance(options, cst.Dict):
            return False
        for element in options.elements:
            if not isinstance(element, cst.DictElement):
                continue
            key = literal_value(element.key, ctx.resolver, frame)
            if key in _VERIFY_KEYS and literal_value(element.value, ctx.resolver, frame) is False:
                return True
        return False


def _token(call: cst.Call) -> cst.BaseExpression | None:
    positional = [a for a in call.args if a.keyword is None]
    if positional:
        return positional[0].value
    return keyword_argument(call, "token") or keyword_argument(call, "jwt")


# Words of a function's name that say it reads a token without verifying on purpose: a helper
# named for it (`get_unverified_claims`, whose callers pick the key or route with the claims),
# or single sign-on code reading the tokens it just received from the identity provider.
DELIBERATE_WORDS = frozenset({"unverified", "sso", "oidc", "openid", "userinfo"})


def _is_id_token(ctx: FileContext, call: cst.Call) -> bool:
    """An OpenID Connect ID token (`id_token`), or a token read in single sign-on code: the
    client receives it from the provider's token endpoint over TLS, where the specification
    lets it skip the signature check (OIDC Core 3.1.3.7) and read the claims; or a helper named
    for reading claims unverified."""
    token = _token(call)
    if token is not None and "id_token" in ctx.code_for(token).lower():
        return True
    frame = ctx.frame
    function = frame.enclosing_function if frame is not None else None
    if function is None:
        return False
    words = set(re.findall(r"[a-z]+", function.name.lower()))
    return bool(words & DELIBERATE_WORDS)


def _key_kind(ctx: FileContext, call: cst.Call) -> str:
    """ "public", "jwk", "secret" or "unknown", from how the key is written."""
    positional = [a for a in call.args if a.keyword is None]
    key = positional[1].value if len(positional) >= 2 else keyword_argument(call, "key")
    if key is None:
        return "unknown"
    if isinstance(key, cst.Dict):
        return "jwk"
    frame = ctx.frame
    value = literal_value(key, ctx.resolver, frame) if frame is not None else None
    if isinstance(value, str):
        return "public" if "PUBLIC KEY" in value or "CERTIFICATE" in value else "secret"
    if isinstance(value, dict):
        return "jwk"
    text = " ".join(_key_sources(ctx, key, frame, 3)).lower()
    for kind, words in (("public", PUBLIC_KEY_WORDS), ("jwk", JWK_WORDS), ("secret", SECRET_WORDS)):
        if any(word in text for word in words):
            return kind
    return "unknown"


def _key_sources(ctx: FileContext, node: cst.BaseExpression, frame, depth: int) -> list[str]:
    """The key as written, and where a local name got it from (`key = potential_key`, `for
    potential_key in keys`, `keys = requests.get(JWKS_URL).json()["keys"]`), a few hops back;
    a parameter's annotation (`dict`: a JWK)."""
    texts = [ctx.code_for(node)]
    if depth == 0 or frame is None or not isinstance(node, cst.Name):
        return texts
    found = ctx.resolver.lookup(node.value, frame)
    if found is None:
        return texts
    for binding in found[1][:4]:
        source: cst.BaseExpression | None = None
        if binding.kind is BindingKind.ASSIGN:
            source = binding.value
        elif binding.kind is BindingKind.LOOP and isinstance(binding.node, (cst.For, cst.CompFor)):
            source = binding.node.iter
        elif binding.kind is BindingKind.PARAM and binding.annotation is not None:
            annotation = ctx.code_for(binding.annotation)
            texts.append(
                "jwk" if annotation.lower().startswith(("dict", "mapping")) else annotation
            )
        if source is not None:
            texts.extend(_key_sources(ctx, source, found[0], depth - 1))
    return texts
