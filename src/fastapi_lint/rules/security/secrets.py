"""What a secret-named constant holds, and what its known value costs (FAPI303's tables).

A name is split into words (``DEFAULT_ADMIN_PASSWORD`` -> default, admin, password). Its last
words say whether it is a secret at all (the *phrase*: ``password``, ``secret key``, ``api key``,
a qualified ``token``); the words before the phrase say which kind:

- ``VERIFY``: a secret the application verifies with (token signing keys, JWT, session, HMAC and
  serializer keys, the admin password it checks at login). A known value lets anyone forge a
  token or log in: reported whatever the value, placeholder or not.
- ``PRESENT``: a credential the application presents to another service (an outbound API key, a
  database, SMTP or S3 password). A known value lets nobody in; a missing one makes a call fail.
  Reported only when the value looks like a real credential (a known key format, or long and
  mixed enough to be generated).

Values that only name a key (``ENV_API_KEY = "MITHRIL_API_KEY"``, ``_CA_KEY = "ca.key"``,
``_REFRESH_TOKEN = "refresh_token"``), labels and error texts (``LABEL_API_TOKEN = "API Token"``),
redaction masks and public-by-design keys (analytics ingestion keys) are no secret of either kind.
"""

from __future__ import annotations

import enum
import math
import re

_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


class Kind(enum.Enum):
    VERIFY = "verify"
    PRESENT = "present"


# The last words of a secret's name, and the kind they default to when no qualifier decides.
PHRASES: dict[tuple[str, ...], Kind] = {
    ("secret",): Kind.VERIFY,
    ("password",): Kind.VERIFY,
    ("passwd",): Kind.VERIFY,
    ("pwd",): Kind.VERIFY,
    ("passphrase",): Kind.VERIFY,
    ("secret", "key"): Kind.VERIFY,
    ("signing", "key"): Kind.VERIFY,
    ("encryption", "key"): Kind.VERIFY,
    ("private", "key"): Kind.VERIFY,
    ("master", "key"): Kind.VERIFY,
    ("jwt", "key"): Kind.VERIFY,
    ("api", "key"): Kind.PRESENT,
    ("apikey",): Kind.PRESENT,
    ("access", "key"): Kind.PRESENT,
}
# "token" alone is as often a parser's token as a credential: only with a credential qualifier,
# which also gives its kind.
TOKEN_QUALIFIERS: dict[str, Kind] = {
    **dict.fromkeys(
        ("admin", "auth", "jwt", "secret", "session", "verify", "verification", "webhook"),
        Kind.VERIFY,
    ),
    **dict.fromkeys(
        (
            "access",
            "api",
            "bearer",
            "refresh",
            "bot",
            "personal",
            "service",
            "oauth",
            "app",
            "client",
            "private",
            "deploy",
            "github",
            "gitlab",
            "slack",
            "telegram",
            "discord",
            "hf",
            "npm",
            "pypi",
        ),
        Kind.PRESENT,
    ),
}
# Qualifiers of the secret the application itself signs, encrypts or checks logins with.
VERIFY_WORDS = frozenset(
    {
        "jwt",
        "jws",
        "jwe",
        "session",
        "signing",
        "sign",
        "signature",
        "hmac",
        "cookie",
        "csrf",
        "xsrf",
        "webhook",
        "admin",
        "superuser",
        "master",
        "encryption",
        "fernet",
        "serializer",
        "auth",
        "login",
        "pepper",
        "token",
        "verify",
        "verification",
    }
)
# Qualifiers of the application's own secret key (`APP_SECRET_KEY`, `DJANGO_SECRET_KEY`).
OWN_WORDS = frozenset(
    {"app", "application", "django", "flask", "fastapi", "starlette", "server", "api", "web"}
)
# Qualifiers naming another service the application logs in to.
PRESENT_WORDS = frozenset(
    {
        "client",
        "consumer",
        "aws",
        "s3",
        "minio",
        "gcs",
        "gcp",
        "azure",
        "db",
        "database",
        "postgres",
        "postgresql",
        "pg",
        "mysql",
        "mariadb",
        "mongo",
        "mongodb",
        "redis",
        "rabbitmq",
        "amqp",
        "broker",
        "kafka",
        "elastic",
        "elasticsearch",
        "opensearch",
        "clickhouse",
        "neo4j",
        "smtp",
        "mail",
        "email",
        "imap",
        "ldap",
        "proxy",
        "ftp",
        "sftp",
        "host",
        "stripe",
        "openai",
        "anthropic",
        "github",
        "gitlab",
        "slack",
        "telegram",
        "discord",
        "twilio",
        "sendgrid",
        "mailgun",
        "sentry",
        "hf",
        "huggingface",
        "npm",
        "pypi",
        "docker",
        "registry",
        "bot",
        "personal",
        "pat",
        "deploy",
        "service",
        "oauth",
        "gateway",
        "storage",
        "bucket",
        "upstream",
        "provider",
    }
)
# Keys that are public by design: an analytics ingestion key ships in every browser.
PUBLIC_WORDS = frozenset(
    {
        "public",
        "publishable",
        "amplitude",
        "segment",
        "posthog",
        "mixpanel",
        "analytics",
        "telemetry",
        "ingest",
        "ingestion",
        "measurement",
        "site",
    }
)
# Qualifiers of a constant that names, labels or masks a secret instead of holding it, or that
# exists for tests (`ENV_API_KEY`, `LABEL_API_TOKEN`, `_AUTH_ERROR_INVALID_API_KEY`,
# `PERM_PASSWORD`, `_REDACTED_PASSWORD`, `TEST_SECRET_KEY`).
NAME_WORDS = frozenset(
    {
        "env",
        "environ",
        "var",
        "variable",
        "label",
        "perm",
        "permission",
        "resource",
        "field",
        "column",
        "header",
        "param",
        "parameter",
        "error",
        "err",
        "msg",
        "message",
        "redacted",
        "redact",
        "mask",
        "masked",
        "placeholder",
        "prompt",
        "title",
        "name",
        "attr",
        "attribute",
        "grant",
        "scope",
        "test",
        "tests",
        "dummy",
        "fake",
        "mock",
        "example",
        "sample",
        "stub",
        # A known value kept to refuse or warn about it (`_LEGACY_DEFAULT_ADMIN_PASSWORD`,
        # compared at login to reject the password earlier versions shipped).
        "legacy",
        "insecure",
        "weak",
        "banned",
        "forbidden",
        "disallowed",
        "compromised",
        "leaked",
    }
)
# Words of a value that is a stand-in, not a credential.
PLACEHOLDER_WORDS = frozenset(
    {
        "dummy",
        "placeholder",
        "your",
        "changeme",
        "change",
        "replace",
        "example",
        "sample",
        "fake",
        "todo",
        "tbd",
        "none",
        "null",
        "test",
        "testing",
        "dev",
        "development",
        "local",
        "localhost",
        "insecure",
        "default",
        "demo",
        "password",
        "secret",
        "admin",
        "unset",
        "notset",
        "here",
        "xxx",
    }
)
MASK_WORDS = frozenset({"redacted", "hidden", "masked", "removed", "omitted"})
# Words a value names a key with (`"refresh_token"`, `"UserApiKey"`, `"ca.key"`).
KEY_WORDS = frozenset(
    {
        "token",
        "tokens",
        "key",
        "keys",
        "secret",
        "secrets",
        "password",
        "passwords",
        "passwd",
        "pwd",
        "apikey",
        "credential",
        "credentials",
    }
)
# Known credential formats (a prefix, then enough characters to be a real key).
KNOWN_FORMATS = re.compile(
    r"^(?:sk_live_|rk_live_|sk_test_|sk-(?:proj-|ant-)?|gh[pousr]_|github_pat_|glpat-|"
    r"xox[abprs]-|hf_|npm_|pypi-|SG\.)[A-Za-z0-9_\-.]{16,}$"
    r"|^(?:AKIA|ASIA)[0-9A-Z]{16}$"
    r"|^AIza[0-9A-Za-z_\-]{35}$"
    r"|^-----BEGIN [A-Z ]*PRIVATE KEY-----"
    r"|^eyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]*$"
)
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
_FILE_NAME = re.compile(r"^[\w\-]+\.(?:key|pem|crt|cer|der|p12|pfx|jks|json|txt|pub)$", re.I)
_CAMEL = re.compile(r"^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+$")
_SENTINEL = re.compile(r"^_+[A-Za-z0-9_]*$")


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def secret_kind(name: str) -> Kind | None:
    """The kind of secret a constant named ``name`` holds, or None when the name is no secret's
    (``TOKEN_URL``, ``API_KEY_HEADER``) or names, labels or masks one (``ENV_API_KEY``)."""
    parts = words(name)
    if not parts:
        return None
    phrase, kind = _phrase(parts)
    if phrase is None or kind is None:
        return None
    qualifiers = parts[: len(parts) - len(phrase)]
    if any(q in NAME_WORDS for q in qualifiers):
        return None
    if any(q in PUBLIC_WORDS for q in qualifiers):
        return None
    if phrase == ("token",):
        return kind
    if phrase in {("secret",), ("secret", "key")} and qualifiers:
        # `X_SECRET` is X's secret: only the word next to it says whose (`CLIENT_SECRET`,
        # `S3_FILES_DOWNLOAD_SECRET`). A service's credential is its "secret key"
        # (`STRIPE_SECRET_KEY`, `LANGFUSE_SECRET_KEY`); the application's own signing key is
        # `SECRET_KEY`, `JWT_SECRET_KEY`, `APP_SECRET_KEY`.
        qualifier = qualifiers[-1]
        if qualifier in VERIFY_WORDS or qualifier in OWN_WORDS:
            return Kind.VERIFY
        if qualifier in PRESENT_WORDS or phrase == ("secret", "key"):
            return Kind.PRESENT
        return Kind.VERIFY
    # Further qualifiers of other phrases count nearest first.
    for qualifier in reversed(qualifiers):
        if qualifier in VERIFY_WORDS:
            return Kind.VERIFY
        if qualifier in PRESENT_WORDS:
            return Kind.PRESENT
    return kind


def _phrase(parts: list[str]) -> tuple[tuple[str, ...] | None, Kind | None]:
    if parts[-1] == "token":
        if len(parts) == 1:
            return ("token",), Kind.PRESENT
        return ("token",), TOKEN_QUALIFIERS.get(parts[-2])
    for size in (2, 1):
        phrase = tuple(parts[-size:])
        if len(phrase) == size and phrase in PHRASES:
            return phrase, PHRASES[phrase]
    return None, None


def holds_a_name(name: str, text: str) -> bool:
    """Values that are no secret of any kind: blank, punctuation only (`"*"`), a sentinel
    (`"_sa_default"`), a redaction mask, a shell command that makes one, a URN, the name of an environment variable or a file, or the
    key's own name (`_REFRESH_TOKEN = "refresh_token"`, `_USER_API_KEY = "UserApiKey"`)."""
    stripped = text.strip()
    if not any(c.isalnum() for c in stripped):
        return True
    if _SENTINEL.match(stripped) or _ENV_NAME.match(stripped) or _FILE_NAME.match(stripped):
        return True
    if "$(" in stripped or stripped.startswith("urn:"):
        return True  # how to make one (`"sk-$(openssl rand -hex 32)"`), or a protocol name
    value_words = words(stripped)
    if any(w in MASK_WORDS for w in value_words):
        return True
    if "".join(value_words) == "".join(c for c in stripped.lower() if c.isalnum()):
        # Made of words only: the key's own name (or its end), or a type naming a key. (A text
        # with spaces is a guessable secret, `"super secret jwt secret"`; labels and error texts
        # are told by their names' qualifiers, `LABEL_`, `_ERROR_`.)
        # The whole name (`PASSWORD = "password"`, a configuration key), or its end in two
        # words or more: one word is not enough, `JWT_SECRET = "secret"` is the classic
        # guessable secret.
        parts = words(name)
        joined = "".join(value_words)
        if joined == "".join(parts) or (
            len(value_words) >= 2 and any(joined == "".join(parts[i:]) for i in range(len(parts)))
        ):
            return True
        if _CAMEL.match(stripped) and any(w in KEY_WORDS for w in value_words):
            return True
    return False


def looks_real(text: str) -> bool:
    """A value that looks like a generated credential rather than a development default or a
    stand-in: a known key format, or at least 16 characters mixing letters and digits (or cases)
    with enough entropy, and no placeholder word."""
    stripped = text.strip()
    if KNOWN_FORMATS.match(stripped):
        return not any(w in PLACEHOLDER_WORDS for w in words(stripped))
    if len(stripped) < 16 or any(w in PLACEHOLDER_WORDS for w in words(stripped)):
        return False
    if "x" * 3 in stripped.lower() or " " in stripped:
        return False
    classes = sum(
        (
            any(c.islower() for c in stripped),
            any(c.isupper() for c in stripped),
            any(c.isdigit() for c in stripped),
        )
    )
    return classes >= 2 and entropy(stripped) >= 3.0


def entropy(text: str) -> float:
    """Shannon entropy of the characters, in bits per character."""
    counts: dict[str, int] = {}
    for c in text:
        counts[c] = counts.get(c, 0) + 1
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())
