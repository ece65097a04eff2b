"""FAPI302 jwt-decode-unverified: ``jwt.decode`` without ``algorithms=``, accepting ``none``, or
with signature verification turned off."""

from __future__ import annotations

from fastapi_lint.context import FileContext
from fastapi_lint.fastapi_model import keyword_argument
from fastapi_lint.lazy import cst
from fastapi_lint.literals import literal_value
from fastapi_lint.registry import Rule
from fastapi_lint.rules.security.fapi301_cors_wildcard_with_credentials import constant_value

# decode functions: qualified name -> library
DECODERS = {
    "jwt.decode": "PyJWT",
    "jwt.api_jwt.decode": "PyJWT",
    "jwt.PyJWT.decode": "PyJWT",
    "jwt.api_jwt.PyJWT.decode": "PyJWT",
    "jose.jwt.decode": "python-jose",
}
_VERIFY_KEYS = ("verify_signature",)


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
            if library == "python-jose":
                detail = (
                    "python-jose then accepts whatever algorithm the token's header names, so "
                    "a token signed with `HS256` using your RSA public key as the secret "
                    "passes (algorithm confusion)"
                )
            else:
                detail = (
                    "PyJWT 2 rejects every token (`DecodeError`), and PyJWT 1 accepted any "
                    "algorithm the token named, `none` included"
                )
            ctx.report(
                node,
                f"`jwt.decode` without `algorithms=`: {detail}; pass the algorithm you sign "
                'with, such as `algorithms=["HS256"]`',
            )
            return
        names = value if isinstance(value, list) else [value]
        if any(isinstance(n, str) and n.lower() == "none" for n in names):
            ctx.report(
                node,
                '`jwt.decode` accepting the `"none"` algorithm: an unsigned token passes '
                "verification, so anyone can forge one; list only the algorithms you sign with",
            )

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
