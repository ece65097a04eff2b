"""``gitlab``: GitLab Code Quality report (a JSON array of issues with stable fingerprints)."""

from __future__ import annotations

import hashlib
import json

from fastapi_lint.app.report import Entry, ReportContext


def render(entries: list[Entry], context: ReportContext) -> str:
    issues = []
    seen: dict[str, int] = {}
    for entry in entries:
        d = entry.diagnostic
        # Stable across runs and line shifts: code, file and message; numbered when repeated.
        base = f"{d.code}\0{entry.path}\0{d.message}"
        count = seen.get(base, 0)
        seen[base] = count + 1
        fingerprint = hashlib.md5(f"{base}\0{count}".encode(), usedforsecurity=False).hexdigest()
        issues.append(
            {
                "check_name": d.code,
                "description": f"{d.code} {d.message}",
                "fingerprint": fingerprint,
                "severity": "major",
                "location": {
                    "path": entry.path,
                    "lines": {"begin": d.location.row, "end": d.end_location.row},
                },
            }
        )
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
