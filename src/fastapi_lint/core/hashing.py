"""BLAKE2b digests and the cache's message authentication, without importing ``hashlib``.

``hashlib`` (and ``hmac``, which imports it) load OpenSSL's bindings first: about 7 ms of
every start, for the one algorithm the linter uses, which CPython builds itself (``_blake2``).
BLAKE2b with a key is a MAC in its own right (RFC 7693, section 2.9), so the cache needs no HMAC
construction around it.
"""

from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without its own BLAKE2 module
    from hashlib import blake2b

try:
    from _operator import _compare_digest as compare_digest
except ImportError:  # pragma: no cover - what `hmac.compare_digest` is, elsewhere
    from hmac import compare_digest

__all__ = ["blake2b", "compare_digest", "mac"]


def mac(key: bytes, payload: bytes) -> bytes:
    """The hex tag of ``payload`` under ``key`` (keyed BLAKE2b-256; keys beyond 64 bytes, the
    most BLAKE2b takes, are cut)."""
    return blake2b(payload, key=key[:64], digest_size=32).hexdigest().encode()
