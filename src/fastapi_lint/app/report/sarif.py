"""``sarif``: SARIF 2.1.0 for GitHub code scanning, with rule help, locations and fixes.

Columns are counted in Unicode code points (``columnKind``), as everywhere in fastapi-lint.
Each result carries a fingerprint that survives edits shifting lines (the baseline's: code,
file, enclosing function, offending source text), so that code scanning keeps one alert per
finding across commits.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi_lint import __version__
from fastapi_lint.analysis.positions import LineIndex
from fastapi_lint.app.docs import first_paragraph, rule_page
from fastapi_lint.app.report import Entry, ReportContext
from fastapi_lint.core.diagnostics import Diagnostic, Edit, Location
from fastapi_lint.core.hashing import blake2b
from fastapi_lint.core.source import dominant_newline
from fastapi_lint.engine.baseline import Fingerprint, fingerprints

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/fastapi-lint/fastapi-lint"


def _uri(entry: Entry, root: Path) -> str:
    try:
        return entry.absolute.relative_to(root).as_posix()
    except ValueError:
        return entry.absolute.as_uri()


def _root_location(d, root: Path) -> dict[str, Any] | None:
    """The root cause a FAPI102 finding shares with others, as a SARIF related location."""
    found = d.data.get("root_location") if d.data else None
    if not (isinstance(found, list) and len(found) == 3):
        return None
    path, row, column = found
    absolute = Path(path) if Path(path).is_absolute() else (Path.cwd() / path)
    try:
        uri = absolute.resolve().relative_to(root).as_posix()
        artifact = {"uri": uri, "uriBaseId": "%SRCROOT%"}
    except ValueError:
        artifact = {"uri": absolute.as_uri()}
    return {
        "id": 1,
        "message": {"text": f"root cause: {d.data.get('root', '')}"},
        "physicalLocation": {
            "artifactLocation": artifact,
            "region": {"startLine": row, "startColumn": column},
        },
    }


def _region(start: Location, end: Location) -> dict[str, int]:
    return {
        "startLine": start.row,
        "startColumn": start.column,
        "endLine": end.row,
        "endColumn": end.column,
    }


def _edit_region(edit: Edit, index: LineIndex | None) -> dict[str, int] | None:
    start, end = edit.location, edit.end_location
    if (start is None or end is None) and index is not None:
        start, end = index.location(edit.start), index.location(edit.end)
    if start is None or end is None:
        return None
    return _region(start, end)


def _fixes(d: Diagnostic, entry: Entry, artifact: dict[str, str]) -> list[dict[str, Any]]:
    if d.fix is None or not d.fix.edits:
        return []
    index = None
    if entry.source is not None and any(e.location is None for e in d.fix.edits):
        index = LineIndex(entry.source)  # project-pass fixes may carry offsets only
    newline = dominant_newline(entry.source) if entry.source is not None else "\n"
    replacements = []
    for edit in d.fix.edits:
        region = _edit_region(edit, index)
        if region is None:
            return []  # a fix is all its edits or nothing
        replacements.append(
            {
                "deletedRegion": region,
                "insertedContent": {"text": edit.content.replace("\n", newline)},
            }
        )
    return [
        {
            "description": {"text": f"{d.fix.message} ({d.fix.applicability.value} fix)"},
            "artifactChanges": [{"artifactLocation": artifact, "replacements": replacements}],
        }
    ]


def _fingerprint(fingerprint: Fingerprint) -> str:
    text = "\0".join((fingerprint.code, fingerprint.file, fingerprint.function, fingerprint.source))
    return blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _rule_descriptor(rule) -> dict[str, Any]:
    page = rule_page(rule.code) or rule.summary
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": first_paragraph(page) or rule.summary},
        "help": {"text": page, "markdown": page},
        "helpUri": rule.url(),
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": [rule.family()], "fix": rule.fix_availability.value},
    }


def render(entries: list[Entry], context: ReportContext) -> str:
    root = context.root
    rules = sorted(context.rules, key=lambda r: r.code)
    index = {rule.code: i for i, rule in enumerate(rules)}
    # Fingerprints per file, in report order, numbered when identical (two equal findings in
    # one function stay two alerts).
    by_file: dict[Path, list[Entry]] = {}
    for entry in entries:
        by_file.setdefault(entry.absolute, []).append(entry)
    prints: dict[int, str] = {}
    for path, group in by_file.items():
        seen: dict[str, int] = {}
        source = group[0].source
        found = fingerprints(path, root, source, [e.diagnostic for e in group])
        for entry, fingerprint in zip(group, found, strict=True):
            digest = _fingerprint(fingerprint)
            count = seen.get(digest, 0)
            seen[digest] = count + 1
            prints[id(entry)] = f"{digest}:{count + 1}"
    results = []
    for entry in entries:
        d = entry.diagnostic
        uri = _uri(entry, root)
        artifact = {"uri": uri}
        if not uri.startswith("file:"):
            artifact["uriBaseId"] = "%SRCROOT%"
        result: dict[str, Any] = {
            "ruleId": d.code,
            "level": "error",
            "message": {"text": d.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": artifact,
                        "region": _region(d.location, d.end_location),
                    }
                }
            ],
            "partialFingerprints": {"fastapiLintFinding/v1": prints[id(entry)]},
        }
        if d.code in index:
            result["ruleIndex"] = index[d.code]
        related = _root_location(d, root)
        if related is not None:
            result["relatedLocations"] = [related]
        fixes = _fixes(d, entry, artifact)
        if fixes:
            result["fixes"] = fixes
        results.append(result)
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "fastapi-lint",
                        "informationUri": INFORMATION_URI,
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [_rule_descriptor(rule) for rule in rules],
                    }
                },
                "invocations": [{"executionSuccessful": True}],
                "originalUriBaseIds": {"%SRCROOT%": {"uri": root.as_uri() + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
