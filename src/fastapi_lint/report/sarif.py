"""``sarif``: SARIF 2.1.0 for GitHub code scanning, with rule help, locations and fixes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi_lint import __version__
from fastapi_lint.diagnostics import Location
from fastapi_lint.docs import first_paragraph, rule_page
from fastapi_lint.report import Entry, ReportContext

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/fastapi-lint/fastapi-lint"


def _uri(entry: Entry, root: Path) -> str:
    try:
        return entry.absolute.relative_to(root).as_posix()
    except ValueError:
        return entry.absolute.as_uri()


def _region(start: Location, end: Location) -> dict[str, int]:
    return {
        "startLine": start.row,
        "startColumn": start.column,
        "endLine": end.row,
        "endColumn": end.column,
    }


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
        }
        if d.code in index:
            result["ruleIndex"] = index[d.code]
        if d.fix is not None and all(e.location and e.end_location for e in d.fix.edits):
            result["fixes"] = [
                {
                    "description": {"text": f"{d.fix.message} ({d.fix.applicability.value} fix)"},
                    "artifactChanges": [
                        {
                            "artifactLocation": artifact,
                            "replacements": [
                                {
                                    "deletedRegion": _region(e.location, e.end_location),  # type: ignore[arg-type]
                                    "insertedContent": {"text": e.content},
                                }
                                for e in d.fix.edits
                            ],
                        }
                    ],
                }
            ]
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
                        "rules": [_rule_descriptor(rule) for rule in rules],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": root.as_uri() + "/"}},
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
