"""How a v1 ``regex=`` pattern reads under Pydantic v2's ``pattern=``.

v1 matched with Python's ``re.match``: anchored at the start only. v2 searches anywhere in the
string with the Rust ``regex`` crate. Wrapping the pattern as ``^(?:...)`` restores the anchor;
what the Rust engine treats differently is found here by a small scan of the pattern.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Inline flags at the very start: the anchor goes after them.
_LEADING_FLAGS = re.compile(r"^\(\?[aiLmsux]+\)")
# `(?flags)` or `(?flags-flags:...)`.
_FLAG_GROUP = re.compile(r"\(\?([aiLmsux-]+)[:)]")


@dataclass(frozen=True, slots=True)
class PatternReading:
    anchored: bool  # starts with `^` and has no top-level alternation: already anchored
    dollar: bool  # an unescaped `$` outside a character class
    unsupported: str  # a construct the Rust engine rejects or reads differently ("" if none)
    flags: str  # leading inline flags such as `(?i)`


def read_pattern(pattern: str) -> PatternReading:
    flags_match = _LEADING_FLAGS.match(pattern)
    flags = flags_match.group(0) if flags_match else ""
    body = pattern[len(flags) :]
    dollar = alternation = False
    unsupported = ""
    in_class = False
    depth = 0
    i = 0
    while i < len(body):
        char = body[i]
        if char == "\\":
            following = body[i + 1 : i + 2]
            if following.isdigit() and following != "0":
                unsupported = unsupported or "a backreference"
            elif following in ("Z", "G"):
                unsupported = unsupported or f"`\\{following}`"
            i += 2
            continue
        if in_class:
            if char == "[" and body[i + 1 : i + 2] == ":":
                unsupported = unsupported or "a POSIX class `[:...:]`"
            if char == "]":
                in_class = False
        elif char == "[":
            in_class = True
            if body[i + 1 : i + 2] == "]" or body[i + 1 : i + 3] == "^]":
                i += 2 if body[i + 1] == "]" else 3
                continue
        elif char == "$":
            dollar = True
        elif char == "|":
            alternation = alternation or depth == 0  # only a top-level `|` escapes the `^`
        elif char == ")":
            depth -= 1
        elif char == "(":
            depth += 1
        if not in_class and char == "(" and body[i + 1 : i + 2] == "?":
            head = body[i + 2 : i + 4]
            if head[:1] in ("=", "!") or head in ("<=", "<!"):
                unsupported = unsupported or "a lookaround"
            elif head[:1] == "(":
                unsupported = unsupported or "a conditional group"
            elif head == "P=":
                unsupported = unsupported or "a backreference"
            elif head[:1] == "#":
                unsupported = unsupported or "a comment group"
            else:
                group_flags = _FLAG_GROUP.match(body, i)
                if group_flags is not None and "x" in group_flags.group(1):
                    unsupported = unsupported or "verbose mode"
        i += 1
    if "x" in flags:
        unsupported = unsupported or "verbose mode"
    anchored = body.startswith("^") and not alternation
    return PatternReading(anchored, dollar, unsupported, flags)


def anchored_body(pattern_source: str, reading: PatternReading) -> str:
    """The text between the quotes of the new literal: ``(?i)^(?:...)``."""
    flags = reading.flags
    return f"{flags}^(?:{pattern_source[len(flags) :]})"
