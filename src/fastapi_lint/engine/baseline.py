"""Baselines for adopting the linter on a legacy codebase: record today's findings once
(``--write-baseline FILE``), then report only new ones (``--baseline FILE``).

A finding is identified by its code, its file (relative to the project root), the function or
class around it (``Service.fetch``; empty at module level) and the offending source text with
its whitespace collapsed, never by line numbers: an unrelated edit above a finding, or
re-indenting it, does not make it new. Identical findings are counted, so that a second
``time.sleep(1)`` added to a function with one baselined is reported.
"""

from __future__ import annotations

import ast
import json
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from fastapi_lint import __version__
from fastapi_lint.core.codes import UNCHECKED
from fastapi_lint.core.diagnostics import Diagnostic
from fastapi_lint.core.source import SourceDecodeError, SourceReadError, read_source

FORMAT = 1
# Findings about the file or the tool rather than the code: never baselined.
NOT_BASELINED = UNCHECKED
_WHITESPACE = re.compile(r"\s+")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


class BaselineError(Exception):
    """The baseline file cannot be read or written; phrased for the user."""


@dataclass(frozen=True, slots=True, order=True)
class Fingerprint:
    code: str
    file: str
    function: str
    source: str

    def to_json(self) -> dict[str, str]:
        return {
            "code": self.code,
            "file": self.file,
            "function": self.function,
            "source": self.source,
        }


class EnclosingScopes:
    """Qualified names of the functions and classes around rows of one file (``ast``: cheap,
    and only built for files that have findings)."""

    def __init__(self, text: str) -> None:
        self._scopes: list[tuple[int, int, str]] = []  # (first row, last row, qualname)
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return
        stack: list[tuple[ast.AST, str]] = [(tree, "")]
        while stack:
            node, prefix = stack.pop()
            for child in ast.iter_child_nodes(node):
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    name = f"{prefix}.{child.name}" if prefix else child.name
                    first = min(
                        [child.lineno, *(d.lineno for d in child.decorator_list)],
                    )
                    self._scopes.append((first, child.end_lineno or child.lineno, name))
                    stack.append((child, name))
                else:
                    stack.append((child, prefix))

    def at(self, row: int) -> str:
        """The innermost function or class containing ``row`` ("" at module level)."""
        best = ""
        best_size = None
        for first, last, name in self._scopes:
            if first <= row <= last and (best_size is None or last - first < best_size):
                best, best_size = name, last - first
        return best


def offending_source(text: str, diagnostic: Diagnostic) -> str:
    """The reported source text, whitespace collapsed; the stripped line for empty ranges."""
    snippet = text[diagnostic.start : diagnostic.end] if diagnostic.end > diagnostic.start else ""
    if not snippet.strip():
        lines = _LINE.findall(text)
        row = diagnostic.location.row
        snippet = lines[row - 1] if 1 <= row <= len(lines) else ""
    return _WHITESPACE.sub(" ", snippet).strip()


def relative_file(path: Path, root: Path) -> str:
    try:
        return Path(os.path.abspath(path)).relative_to(Path(os.path.abspath(root))).as_posix()
    except ValueError:
        return Path(os.path.abspath(path)).as_posix()


def fingerprints(
    path: Path, root: Path, text: str | None, diagnostics: list[Diagnostic]
) -> list[Fingerprint]:
    """One fingerprint per diagnostic of one file (``text`` is the file's decoded source)."""
    file = relative_file(path, root)
    if text is None:
        return [Fingerprint(d.code, file, "", "") for d in diagnostics]
    scopes = EnclosingScopes(text)
    return [
        Fingerprint(d.code, file, scopes.at(d.location.row), offending_source(text, d))
        for d in diagnostics
    ]


class Baseline:
    """A multiset of fingerprints."""

    def __init__(self, counts: Counter[Fingerprint] | None = None) -> None:
        self.counts: Counter[Fingerprint] = counts or Counter()

    def __len__(self) -> int:
        return sum(self.counts.values())

    @staticmethod
    def load(path: Path) -> Baseline:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise BaselineError(f"{path}: baseline file not found") from None
        except OSError as exc:
            raise BaselineError(
                f"{path}: cannot read the baseline: {exc.strerror or exc}"
            ) from None
        except ValueError as exc:
            raise BaselineError(f"{path}: the baseline is not valid JSON: {exc}") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise BaselineError(
                f"{path}: not a fastapi-lint baseline (format {FORMAT}); "
                "write one with `fastapi-lint check --write-baseline FILE`"
            )
        counts: Counter[Fingerprint] = Counter()
        findings = data.get("findings")
        if not isinstance(findings, list):
            raise BaselineError(f"{path}: `findings` must be a list")
        for index, item in enumerate(findings):
            try:
                fingerprint = Fingerprint(
                    code=_string(item, "code"),
                    file=_string(item, "file"),
                    function=_string(item, "function"),
                    source=_string(item, "source"),
                )
                count = item.get("count", 1)
                if not isinstance(count, int) or isinstance(count, bool) or count < 1:
                    raise ValueError("`count` must be a positive integer")
            except (ValueError, AttributeError) as exc:
                raise BaselineError(f"{path}: finding {index + 1}: {exc}") from None
            counts[fingerprint] += count
        return Baseline(counts)

    def write(self, path: Path) -> None:
        findings = []
        for fingerprint in sorted(self.counts):
            item: dict[str, object] = fingerprint.to_json()
            if self.counts[fingerprint] > 1:
                item["count"] = self.counts[fingerprint]
            findings.append(item)
        payload = {"format": FORMAT, "tool": f"fastapi-lint {__version__}", "findings": findings}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(
                json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
            )
        except OSError as exc:
            raise BaselineError(
                f"{path}: cannot write the baseline: {exc.strerror or exc}"
            ) from None

    def new_findings(self, found: list[Fingerprint]) -> list[bool]:
        """For each fingerprint found now (in order): whether it is new (not in the baseline,
        or more of them than the baseline recorded)."""
        remaining = Counter(self.counts)
        flags = []
        for fingerprint in found:
            if remaining[fingerprint] > 0:
                remaining[fingerprint] -= 1
                flags.append(False)
            else:
                flags.append(True)
        return flags


def _string(item: object, key: str) -> str:
    if not isinstance(item, dict):
        raise ValueError("each finding must be an object")
    value = item.get(key)
    if not isinstance(value, str):
        raise ValueError(f"`{key}` must be a string")
    return value


# -- a run's findings against a baseline ------------------------------------------------


def apply_baseline(result, known, root: Path) -> int:
    """Drop the findings recorded in the baseline; how many were dropped."""
    found = []  # (outcome, diagnostic, fingerprint)
    for outcome in result.outcomes:
        candidates = [d for d in outcome.diagnostics if d.code not in NOT_BASELINED]
        if not candidates:
            continue
        text = outcome_text(outcome)
        for diagnostic, fingerprint in zip(
            candidates,
            fingerprints(outcome.source.path, root, text, candidates),
            strict=True,
        ):
            found.append((outcome, diagnostic, fingerprint))
    new = known.new_findings([fingerprint for _, _, fingerprint in found])
    dropped: dict[int, set[int]] = {}
    for (outcome, diagnostic, _), is_new in zip(found, new, strict=True):
        if not is_new:
            dropped.setdefault(id(outcome), set()).add(id(diagnostic))
    for outcome in result.outcomes:
        ids = dropped.get(id(outcome))
        if ids:
            outcome.diagnostics = [d for d in outcome.diagnostics if id(d) not in ids]
    return sum(len(ids) for ids in dropped.values())


def baseline_counts(result, root: Path) -> Baseline:
    """The baseline of a run's findings (what ``--write-baseline`` writes)."""
    counts: Counter = Counter()
    for outcome in result.outcomes:
        candidates = [d for d in outcome.diagnostics if d.code not in NOT_BASELINED]
        if candidates:
            text = outcome_text(outcome)
            counts.update(fingerprints(outcome.source.path, root, text, candidates))
    return Baseline(counts)


def outcome_text(outcome) -> str | None:
    """The text the outcome's diagnostics point into."""
    if outcome.fixed_text is not None:
        return outcome.fixed_text
    if outcome.original_text is not None:
        return outcome.original_text
    return read_text_or_none(outcome.source.path)


def read_text_or_none(path: Path) -> str | None:
    """A file's text, or None when it cannot be read or decoded."""
    try:
        return read_source(path).text
    except (SourceReadError, SourceDecodeError):
        return None
