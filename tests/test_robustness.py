"""Bad input gets a clear answer and nothing is lost (issue 8).

Every file the linter may meet: syntax errors, undecodable and binary files, odd encodings and
line endings, huge and deeply nested files, unreadable files, broken links and link loops.
Each gets one clear diagnostic, no traceback, and the other files are still checked. Exit
code 2 is for I/O and internal errors only.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

import fastapi_lint.core.source
from fastapi_lint.analysis.limits import (
    DEEP_STACK,
    MAX_BRACKET_DEPTH,
    MAX_TREE_DEPTH,
    nesting_problem,
)
from fastapi_lint.app.cli import main

BLOCKING = """\
import time

from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def index():
    time.sleep(1)
    return {}
"""
BLOCKING_ROW = 10  # the row of `time.sleep(1)` in BLOCKING
FIXED = BLOCKING.replace("import time\n", "import asyncio\nimport time\n").replace(
    "    time.sleep(1)", "    await asyncio.sleep(1)"
)


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def lint(root: Path, *args: str):
    """``fastapi-lint check --output-format json ARGS`` in ``root``: (exit code, findings,
    stderr). Findings are (file, row, column, code, message), sorted."""
    runner = CliRunner()
    cwd = os.getcwd()
    os.chdir(root)
    try:
        result = runner.invoke(
            main,
            ["check", "--no-cache", "--output-format", "json", *args],
            catch_exceptions=False,
        )
    finally:
        os.chdir(cwd)
    assert "Traceback" not in result.output and "internal error" not in result.output
    findings = sorted(
        (
            Path(f["filename"]).name,
            f["location"]["row"],
            f["location"]["column"],
            f["code"],
            f["message"],
        )
        for f in json.loads(result.stdout or "[]")
    )
    return result.exit_code, findings, result.stderr


def codes_by_file(findings) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, _, _, code, _ in findings:
        found.setdefault(name, []).append(code)
    return found


# -- syntax errors ---------------------------------------------------------------------------


def test_syntax_error_is_one_fapi001_with_line_and_column(tmp_path: Path) -> None:
    bad = BLOCKING.replace("return {}", "return {")  # unclosed, and a blocking call above
    write(tmp_path, {"bad.py": bad, "ok.py": BLOCKING})
    code, findings, _ = lint(tmp_path)
    assert code == 1
    bad_findings = [f for f in findings if f[0] == "bad.py"]
    assert len(bad_findings) == 1, bad_findings  # no other rule ran on it
    _, row, column, rule, message = bad_findings[0]
    with pytest.raises(SyntaxError) as raised:
        compile(bad, "bad.py", "exec")
    assert (row, column) == (raised.value.lineno, raised.value.offset)  # CPython's own
    assert message == f"SyntaxError: {raised.value.msg}"
    assert rule == "FAPI001"
    assert ("ok.py", BLOCKING_ROW, 5, "FAPI101") in [f[:4] for f in findings]


@pytest.mark.parametrize(
    ("source", "row", "column"),
    [
        ("def broken(:\n    pass\n", 1, 12),
        ("x = 1\nif x\n    pass\n", 2, 5),
        ("x = (1,\n", 1, 5),
        ("def f():\nreturn 1\n", 2, 1),
        ("print 'hello'\n", 1, 1),
        ("x = 1 +\n", 1, 8),
        ("class C:\n    def f(self):\n        pass\n  x = 1\n", 4, 8),
    ],
)
def test_syntax_error_locations(tmp_path: Path, source: str, row: int, column: int) -> None:
    write(tmp_path, {"bad.py": source})
    code, findings, _ = lint(tmp_path)
    assert code == 1
    assert [(f[1], f[2], f[3]) for f in findings] == [(row, column, "FAPI001")]


def test_no_warning_about_the_checked_code_is_printed(tmp_path: Path) -> None:
    """Python warns about `"\\d"` when compiling: the linter compiles to locate syntax errors,
    and that warning is not the user's business there."""
    write(tmp_path, {"bad.py": 'x = "\\d"\ndef f(:\n'})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code, findings, stderr = lint(tmp_path)
    assert [f[3] for f in findings] == ["FAPI001"]
    assert not [w for w in caught if "escape sequence" in str(w.message)]
    assert "escape sequence" not in stderr


def test_syntax_error_file_is_never_fixed(tmp_path: Path) -> None:
    bad = BLOCKING + "def broken(:\n"
    write(tmp_path, {"bad.py": bad, "ok.py": BLOCKING})
    code, findings, _ = lint(tmp_path, "--fix", "--unsafe-fixes")
    assert (tmp_path / "bad.py").read_text() == bad
    assert (tmp_path / "ok.py").read_text() == FIXED  # the other file is fixed
    assert codes_by_file(findings) == {"bad.py": ["FAPI001"]}
    assert code == 1


# -- bytes that are not Python source text ---------------------------------------------------


@pytest.mark.parametrize(
    ("data", "row", "column", "fragment"),
    [
        pytest.param(b'x = "caf\xe9"\n', 1, 9, "invalid utf-8 byte", id="latin-1-without-cookie"),
        pytest.param(
            b"x = 1\ny = 2\nz = '\xff\xfe'\n", 3, 6, "invalid utf-8 byte", id="bad-byte-line-3"
        ),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 3, 1, "NUL bytes", id="png"),
        pytest.param(bytes(range(256)) * 4, 1, 1, "NUL bytes", id="all-bytes"),
        pytest.param(b"\x7fELF\x02\x01\x01" + b"\xff" * 64, 1, 8, "invalid utf-8", id="no-nul"),
        pytest.param(b"# -*- coding: klingon -*-\nx = 1\n", 1, 1, "unknown encoding", id="cookie"),
        pytest.param(
            b"#!/usr/bin/env python\n# coding: nope\nx = 1\n", 2, 1, "unknown encoding", id="c2"
        ),
        pytest.param(
            b"\xef\xbb\xbf# coding: latin-1\nx = 1\n", 1, 1, "byte order mark", id="bom-cookie"
        ),
        pytest.param(
            b"# coding: ascii\nx = '\xc3\xa9'\n", 2, 6, "invalid ascii byte", id="not-ascii"
        ),
    ],
)
def test_undecodable_and_binary_files(
    tmp_path: Path, data: bytes, row: int, column: int, fragment: str
) -> None:
    write(tmp_path, {"weird.py": data, "ok.py": BLOCKING})
    code, findings, _ = lint(tmp_path)
    assert code == 1  # a finding, not an I/O error
    weird = [f for f in findings if f[0] == "weird.py"]
    assert [(f[1], f[2], f[3]) for f in weird] == [(row, column, "FAPI001")]
    assert fragment in weird[0][4]
    assert ("ok.py", BLOCKING_ROW, 5, "FAPI101") in [f[:4] for f in findings]
    # --fix leaves it alone, byte for byte.
    lint(tmp_path, "--fix")
    assert (tmp_path / "weird.py").read_bytes() == data


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\n",
        b"   \n\n\t\n",
        b"# only a comment",
        b"\xef\xbb\xbf",
        b"\xef\xbb\xbf\r\n",
        b"\x0c",
    ],
    ids=["empty", "newline", "whitespace", "comment", "bom-only", "bom-crlf", "form-feed"],
)
def test_empty_and_blank_files_are_clean(tmp_path: Path, data: bytes) -> None:
    write(tmp_path, {"empty.py": data})
    assert lint(tmp_path)[:2] == (0, [])
    assert lint(tmp_path, "--fix")[:2] == (0, [])
    assert (tmp_path / "empty.py").read_bytes() == data


# -- encodings and line endings --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "encode"),
    [
        ("lf", lambda t: t.encode()),
        ("bom", lambda t: b"\xef\xbb\xbf" + t.encode()),
        ("crlf", lambda t: t.replace("\n", "\r\n").encode()),
        ("cr", lambda t: t.replace("\n", "\r").encode()),
        ("bom-crlf", lambda t: b"\xef\xbb\xbf" + t.replace("\n", "\r\n").encode()),
        ("latin-1", lambda t: ("# -*- coding: latin-1 -*-\n" + t).encode("latin-1")),
        ("cp1252", lambda t: ("# coding: cp1252\n" + t.replace("{}", "{'€': 1}")).encode("cp1252")),
        ("tabs", lambda t: t.replace("    ", "\t").encode()),
        ("form-feeds", lambda t: t.replace("\n\n", "\n\x0c\n").replace("\n@", "\n\x0c@").encode()),
    ],
)
def test_encodings_and_line_endings_are_checked_and_fixed_in_kind(
    tmp_path: Path, name: str, encode
) -> None:
    original = encode(BLOCKING)
    write(tmp_path, {"app.py": original})
    header_rows = 1 if name in ("latin-1", "cp1252") else 0
    code, findings, _ = lint(tmp_path)
    assert code == 1
    assert [f[1:4] for f in findings] == [
        (BLOCKING_ROW + header_rows, 5 if name != "tabs" else 2, "FAPI101")
    ]

    code, findings, _ = lint(tmp_path, "--fix")
    assert (code, findings) == (0, [])
    fixed = (tmp_path / "app.py").read_bytes()
    # The fixed file is what fixing the plain text gives, written back in the same kind.
    expected = encode(FIXED)
    assert fixed == expected
    compile(fixed, "app.py", "exec")
    # A second run changes nothing.
    lint(tmp_path, "--fix")
    assert (tmp_path / "app.py").read_bytes() == expected


def test_mixed_line_endings_keep_each_line_and_insert_the_first_kind(tmp_path: Path) -> None:
    lines = BLOCKING.splitlines(keepends=False)
    endings = ["\r\n", "\n", "\r"]
    mixed = "".join(line + endings[i % 3] for i, line in enumerate(lines))
    write(tmp_path, {"app.py": mixed.encode()})
    code, findings, _ = lint(tmp_path)
    assert [f[1:4] for f in findings] == [(BLOCKING_ROW, 5, "FAPI101")]
    lint(tmp_path, "--fix")
    fixed = (tmp_path / "app.py").read_bytes().decode()
    # Original lines keep their own endings; the inserted import uses the file's first one.
    assert fixed.startswith("import asyncio\r\nimport time\r\n")
    kept = fixed.replace("import asyncio\r\n", "", 1).replace("await asyncio.sleep", "time.sleep")
    assert kept == mixed
    compile(fixed, "app.py", "exec")


def test_inconsistent_tabs_are_a_syntax_error_with_its_line(tmp_path: Path) -> None:
    source = "async def f():\n\tif True:\n\t\tpass\n        return 1\n"
    write(tmp_path, {"tabs.py": source})
    code, findings, _ = lint(tmp_path)
    assert code == 1
    assert [(f[1], f[3]) for f in findings] == [(4, "FAPI001")]
    assert "tabs and spaces" in findings[0][4]


def test_a_10_mb_file_is_checked(tmp_path: Path) -> None:
    """Ten megabytes (a data module: a huge string and comments) are read, checked, located
    to the last line and fixed."""
    filler = "# " + "x" * 76 + "\n"
    data = "y" * 79 + "\n"
    tail = BLOCKING.replace("index", "tail").replace('"/"', '"/tail"').split("app = FastAPI()\n")[1]
    text = BLOCKING + filler * (65 * 1024) + 'DATA = """\n' + data * (65 * 1024) + '"""\n' + tail
    assert len(text) > 10 * 1024 * 1024
    write(tmp_path, {"big.py": text})
    code, findings, _ = lint(tmp_path)
    last_row = text.count("\n") - 1  # `time.sleep(1)` in the tail, before `return {}`
    assert [f[1:4] for f in findings] == [
        (BLOCKING_ROW, 5, "FAPI101"),
        (last_row, 5, "FAPI101"),
    ]
    code, findings, _ = lint(tmp_path, "--fix")
    assert (code, findings) == (0, [])
    fixed = (tmp_path / "big.py").read_text()
    assert fixed.count("await asyncio.sleep(1)") == 2 and len(fixed) > len(text)


# -- deep nesting ----------------------------------------------------------------------------

# Shapes that nest one level per repetition in libcst's tree; at these sizes (on a default
# 8 MiB stack) libcst's native parser dies with a segmentation fault, and code generation
# raises RecursionError from a few hundred levels on.
DEEP_SHAPES = {
    "parens": lambda n: "x = " + "(" * n + "1" + ")" * n + "\n",
    "lists": lambda n: "x = " + "[" * n + "1" + "]" * n + "\n",
    "sum": lambda n: "x = " + " + ".join(["1"] * n) + "\n",
    "and": lambda n: "x = " + " and ".join(["a"] * n) + "\n",
    "unary": lambda n: "x = " + "-" * n + "1\n",
    "not": lambda n: "x = " + "not " * n + "a\n",
    "attributes": lambda n: "x = a" + ".b" * n + "\n",
    "calls": lambda n: "x = f" + "()" * n + "\n",
    "subscripts": lambda n: "x = a" + "[0]" * n + "\n",
    "strings": lambda n: "x = " + " ".join(['"a"'] * n) + "\n",
    "lambdas": lambda n: "x = " + "lambda: " * n + "1\n",
    "conditional": lambda n: "x = " + "a if b else " * n + "c\n",
    "power": lambda n: "x = " + "**".join(["2"] * n) + "\n",
    "elif": lambda n: "if a:\n    pass\n" + "elif a:\n    pass\n" * n,
    "fstring": lambda n: "x = f'{" + "a + " * n + "1}'\n",
}


def test_deep_nesting_never_crashes_the_process(tmp_path: Path) -> None:
    """In a child process (a crash there fails this test instead of killing pytest): every
    shape, far too deep, gets a FAPI001 saying so; the same shapes at a depth real code
    reaches are checked normally, and a finding after them is still located."""
    files = {}
    for shape, build in DEEP_SHAPES.items():
        files[f"deep_{shape}.py"] = build(20_000)
    # Deep but reasonable: codegen (positions) must work at this depth on every shape.
    moderate = {shape: build(400) for shape, build in DEEP_SHAPES.items()}
    for shape, text in moderate.items():
        if shape not in ("parens", "lists"):  # more than 200 brackets: CPython refuses those
            files[f"moderate_{shape}.py"] = text + BLOCKING
    write(tmp_path, files)
    proc = subprocess.run(
        [sys.executable, "-m", "fastapi_lint", "check", "--no-cache", "--output-format=json", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    findings = json.loads(proc.stdout)
    by_file: dict[str, list] = {}
    for f in findings:
        by_file.setdefault(f["filename"].rsplit("/", 1)[-1], []).append(f)
    for shape in DEEP_SHAPES:
        (only,) = by_file.pop(f"deep_{shape}.py")
        assert only["code"] == "FAPI001"
        if shape in ("parens", "lists"):
            assert only["message"] == "SyntaxError: too many nested parentheses (more than 200)"
            assert only["location"] == {"row": 1, "column": 5 + MAX_BRACKET_DEPTH}
        else:
            assert only["message"].startswith("Too deeply nested to be parsed safely")
    for name, found in by_file.items():
        rows = moderate[name.removeprefix("moderate_").removesuffix(".py")].count("\n")
        assert [(f["code"], f["location"]["row"]) for f in found] == [
            ("FAPI101", rows + BLOCKING_ROW)
        ], name


def test_deep_stack_survives_worker_processes(tmp_path: Path) -> None:
    """The checking thread is started again in forked worker processes."""
    # Deeper than the default recursion limit allows positions to be computed at, on more
    # files than the runner checks in-process.
    files = {f"m{i}.py": DEEP_SHAPES["sum"](700) + BLOCKING for i in range(13)}
    write(tmp_path, files)
    code, findings, _ = lint(tmp_path, "-j", "2")
    assert code == 1
    assert [f[1:4] for f in findings] == [(BLOCKING_ROW + 1, 5, "FAPI101")] * 13


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("x = " + "(" * 200 + ")" * 200, None),
        ("x = " + "(" * 201 + ")" * 201, (1, 205)),
        ("x = '" + "(" * 500 + "'\n# " + "[" * 500 + "\n", None),  # in a string, a comment
        ('x = """\n' + "{" * 500 + '\n"""\n', None),
        ("x = f'{a}' + '" + "(" * 300 + "'\n", None),
        ("x = f'{f\"{a}\"}' '" + "(" * 300 + "'\n", None),  # nested f-string, same quotes
        ("x = rb'\\'' '" + "(" * 300 + "'\n", None),
        ("x = 1 + \\\n" * 6000 + "1\n", "deep"),  # continuation lines join one expression
        ("x = (\n" + "    a +\n" * 6000 + "    1)\n", "deep"),  # inside brackets too
        ("x = [\n" + "    a,\n" * 60000 + "]\n", None),  # a long list is flat
        ("x = 1\n" * 60000, None),  # many statements are flat
        ("if a:\n    pass\n" + "elif b:\n    pass\n" * 4000, None),
        ("if a:\n    pass\n" + "elif b:\n    pass\n" * 6000, "deep"),
        (("if a:\n    pass\nelif b:\n    pass\n" * 3000), None),  # separate chains
    ],
)
def test_nesting_problem(text: str, problem) -> None:
    found = nesting_problem(text, MAX_TREE_DEPTH)
    if problem is None:
        assert found is None
    elif problem == "deep":
        assert found is not None and found[0].startswith("Too deeply nested")
    else:
        assert found is not None and found[1:] == problem


def test_the_deep_stack_holds_the_depth_limit() -> None:
    assert DEEP_STACK.max_tree_depth == MAX_TREE_DEPTH
    # An exception raised on the checking thread is raised in the caller.
    with pytest.raises(ZeroDivisionError):
        DEEP_STACK.run(lambda: 1 / 0)
    assert DEEP_STACK.run(lambda: sys.getrecursionlimit()) > sys.getrecursionlimit()
    # Stopped before a fork (no thread may be alive then), it starts again when needed.
    DEEP_STACK.stop()
    assert not any(t.name == "fastapi-lint" for t in threading.enumerate())
    assert DEEP_STACK.run(lambda: threading.current_thread().name) == "fastapi-lint"


# -- files that cannot be read ---------------------------------------------------------------


def test_permission_denied_is_fapi002_and_exit_2(tmp_path: Path, monkeypatch) -> None:
    """Tests run as root, which reads anything: the refusal is simulated where the linter
    opens files (see the next test for the real thing, run as an unprivileged user)."""
    write(tmp_path, {"secret.py": BLOCKING, "ok.py": BLOCKING})
    real_open = open

    def guarded_open(file, *args, **kwargs):
        if str(file).endswith("secret.py"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(fastapi_lint.core.source, "open", guarded_open, raising=False)
    code, findings, _ = lint(tmp_path)
    assert code == 2
    assert [f[:4] for f in findings] == [
        ("ok.py", BLOCKING_ROW, 5, "FAPI101"),
        ("secret.py", 1, 1, "FAPI002"),
    ]
    assert findings[1][4] == "Cannot read the file: permission denied"


CONCISE = ["--output-format=concise", "."]


def _as_nobody() -> list[str] | None:
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        return None
    try:
        import pwd

        pwd.getpwnam("nobody")
    except (ImportError, KeyError):
        return None
    return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


def test_permission_denied_for_real(tmp_path: Path) -> None:
    prefix = _as_nobody()
    if prefix is None:
        pytest.skip("needs root, setpriv and a `nobody` user")
    # pytest's own temporary directories are private to root: use one nobody can enter.
    project = Path(tempfile.mkdtemp(prefix="fastapi-lint-nobody-"))
    try:
        project.chmod(0o755)
        write(project, {"ok.py": BLOCKING, "secret.py": BLOCKING, "locked/inner.py": BLOCKING})
        (project / "secret.py").chmod(0o000)
        (project / "locked").chmod(0o000)
        probe = subprocess.run(
            [*prefix, sys.executable, "-c", "import fastapi_lint"],
            cwd=project,
            capture_output=True,
            check=False,
        )
        if probe.returncode != 0:
            pytest.skip("the unprivileged user cannot run this interpreter")
        proc = subprocess.run(
            [*prefix, sys.executable, "-m", "fastapi_lint", "check", "--no-cache", *CONCISE],
            cwd=project,
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        (project / "locked").chmod(0o755)
        shutil.rmtree(project)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert f"ok.py:{BLOCKING_ROW}:5: FAPI101" in proc.stdout
    assert "secret.py:1:1: FAPI002 Cannot read the file: permission denied" in proc.stdout
    assert "locked:1:1: FAPI002 Cannot read the directory: permission denied" in proc.stdout


def test_broken_symlinks_and_loops(tmp_path: Path) -> None:
    write(tmp_path, {"ok.py": BLOCKING, "pkg/mod.py": BLOCKING})
    (tmp_path / "broken.py").symlink_to(tmp_path / "missing.py")
    (tmp_path / "loop_a.py").symlink_to(tmp_path / "loop_b.py")
    (tmp_path / "loop_b.py").symlink_to(tmp_path / "loop_a.py")
    (tmp_path / "self.py").symlink_to(tmp_path / "self.py")
    (tmp_path / "pkg" / "up").symlink_to(tmp_path)  # a directory loop: never followed
    (tmp_path / "pkg" / "same.py").symlink_to(tmp_path / "pkg" / "mod.py")  # checked once
    code, findings, _ = lint(tmp_path)
    assert code == 2
    assert [f[:4] for f in findings] == [
        ("broken.py", 1, 1, "FAPI002"),
        ("loop_a.py", 1, 1, "FAPI002"),
        ("loop_b.py", 1, 1, "FAPI002"),
        ("mod.py", BLOCKING_ROW, 5, "FAPI101"),
        ("ok.py", BLOCKING_ROW, 5, "FAPI101"),
        ("self.py", 1, 1, "FAPI002"),
    ]
    messages = {f[0]: f[4] for f in findings}
    assert messages["broken.py"] == "Cannot read the file: broken symbolic link"
    assert messages["loop_a.py"] == "Cannot read the file: symbolic link loop"
    assert messages["self.py"] == "Cannot read the file: symbolic link loop"
    # --fix fixes the real files once, and leaves the links alone.
    code, findings, _ = lint(tmp_path, "--fix")
    assert (tmp_path / "pkg" / "mod.py").read_text() == FIXED
    assert (tmp_path / "pkg" / "same.py").is_symlink()
    assert {f[3] for f in findings} == {"FAPI002"}


def test_a_directory_named_on_the_command_line_that_is_a_file_or_missing(tmp_path: Path) -> None:
    write(tmp_path, {"ok.py": BLOCKING})
    code, findings, stderr = lint(tmp_path, "ok.py", "nothing_here.py", "nor/here")
    assert code == 2
    assert [f[3] for f in findings] == ["FAPI101"]
    assert "nothing_here.py: no such file or directory" in stderr
    assert "nor/here: no such file or directory" in stderr


# -- exit codes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "exit_code"),
    [
        ({"a.py": "x = 1\n"}, 0),
        ({"a.py": BLOCKING}, 1),
        ({"a.py": "def f(:\n"}, 1),  # a syntax error is a finding
        ({"a.py": b"\xff\xfe\x00"}, 1),  # so is a binary file
        ({"a.py": DEEP_SHAPES["sum"](20_000)}, 1),  # and a file too deep to parse
        ({"a.py": "x = 1\n", "b.py": Path("missing-target.py")}, 2),  # a broken link: I/O
    ],
    ids=["clean", "finding", "syntax-error", "binary", "too-deep", "io-error"],
)
def test_exit_code_2_only_for_io_and_internal_errors(tmp_path: Path, files, exit_code) -> None:
    for name, content in files.items():
        if isinstance(content, Path):
            (tmp_path / name).symlink_to(tmp_path / content)
        else:
            write(tmp_path, {name: content})
    assert lint(tmp_path)[0] == exit_code
