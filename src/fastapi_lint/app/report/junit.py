"""``junit``: a JUnit XML report (one test suite per file, one failing test case per finding),
which Jenkins, GitLab and Azure Pipelines show as test results."""

from __future__ import annotations

from xml.etree import ElementTree

from fastapi_lint.app.report import Entry, ReportContext


def render(entries: list[Entry], context: ReportContext) -> str:
    suites = ElementTree.Element(
        "testsuites",
        name="fastapi-lint",
        tests=str(max(len(entries), 1)),
        failures=str(len(entries)),
        errors="0",
    )
    by_file: dict[str, list[Entry]] = {}
    for entry in entries:
        by_file.setdefault(entry.path, []).append(entry)
    if not by_file:
        suite = _suite(suites, "fastapi-lint", 1, 0)
        ElementTree.SubElement(suite, "testcase", name="No errors found", classname="fastapi-lint")
    for path, found in by_file.items():
        suite = _suite(suites, path, len(found), len(found))
        for entry in found:
            d = entry.diagnostic
            case = ElementTree.SubElement(
                suite,
                "testcase",
                name=f"org.fastapi-lint.{d.code}",
                classname=path,
                line=str(d.location.row),
                column=str(d.location.column),
            )
            failure = ElementTree.SubElement(case, "failure", message=d.message)
            failure.text = f"line {d.location.row}, col {d.location.column}, {d.message}"
    ElementTree.indent(suites)
    body = ElementTree.tostring(suites, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'


def _suite(parent: ElementTree.Element, name: str, tests: int, failures: int):
    return ElementTree.SubElement(
        parent,
        "testsuite",
        name=name,
        tests=str(tests),
        disabled="0",
        errors="0",
        failures=str(failures),
        package="org.fastapi-lint",
    )
