"""``json`` and ``json-lines``: ruff's keys, so tools that read ruff's JSON read ours."""

from __future__ import annotations

import json
from typing import Any

from fastapi_lint.app.report import Entry, ReportContext
from fastapi_lint.rules.registry import rule_by_code


def entry_to_json(entry: Entry) -> dict[str, Any]:
    d = entry.diagnostic
    fix = None
    if d.fix is not None:
        fix = {
            "applicability": d.fix.applicability.value,
            "edits": [
                {
                    "content": edit.content,
                    "end_location": edit.end_location.to_json() if edit.end_location else None,
                    "location": edit.location.to_json() if edit.location else None,
                }
                for edit in d.fix.edits
            ],
            "message": d.fix.message,
        }
    rule = rule_by_code(d.code)
    item = {
        "cell": None,
        "code": d.code,
        "end_location": d.end_location.to_json(),
        "filename": str(entry.absolute),
        "fix": fix,
        "location": d.location.to_json(),
        "message": d.message,
        "name": d.name,
        "noqa_row": d.noqa_row,
        "url": rule.url() if rule is not None else None,
    }
    if d.data and "root" in d.data:
        # The root cause a FAPI102 finding shares with others (ruff's keys otherwise).
        item["data"] = {key: d.data[key] for key in ("root", "root_location") if key in d.data}
    return item


def render_json(entries: list[Entry], context: ReportContext) -> str:
    return json.dumps([entry_to_json(e) for e in entries], indent=2, ensure_ascii=False) + "\n"


def render_json_lines(entries: list[Entry], context: ReportContext) -> str:
    return "".join(json.dumps(entry_to_json(e), ensure_ascii=False) + "\n" for e in entries)
