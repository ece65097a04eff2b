"""FAPI105 filesystem-metadata-call-in-async: one metadata system call inside an ``async def``.

``exists``/``is_file``/``stat``/``mkdir``/``unlink``/``rename``... cost one system call, a few
microseconds on a local disk: not worth a FAPI101 finding by default (opt-in). Reading or
writing a file, walking a directory, archives, network and processes stay FAPI101.
"""

from __future__ import annotations

from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext
from fastapi_lint.lint.rule import FixAvailability, Rule
from fastapi_lint.rules.event_loop import contexts
from fastapi_lint.rules.event_loop import fixes as event_loop_fixes
from fastapi_lint.rules.event_loop.catalog import METADATA, event_loop_call


def _message(target: str, where: str) -> str:
    return (
        f"Filesystem metadata call `{target}()` in {where}: the event loop waits for the file "
        "system's answer, microseconds on a local disk, a round trip on a network file system; "
        "there, use `anyio.Path` or `await run_in_threadpool(...)`"
    )


class FilesystemMetadataCall(Rule):
    code = "FAPI105"
    name = "filesystem-metadata-call-in-async"
    summary = (
        "A filesystem metadata call (`exists`, `stat`, `mkdir`, `unlink`, `rename`...) inside an "
        "`async def`"
    )
    fix_availability = FixAvailability.SOMETIMES
    # Microseconds on a local disk: only for projects on network file systems.
    opt_in = True

    def visit_Call(self, node: cst.Call, ctx: FileContext) -> None:
        found = event_loop_call(node, ctx)
        if found is None or found[1].category is not METADATA:
            return
        target = found[0]
        frame = ctx.frame
        function = frame.enclosing_function
        assert function is not None
        ctx.report(
            node,
            _message(target, function.describe()),
            fix=event_loop_fixes.wrap_fix(ctx, node, frame),
            data={"function": ctx.resolver.local(function.qualname), "target": target},
        )

    def refine(self, diagnostic, project):
        return contexts.refine_blocking(diagnostic, project, self._restated)

    @staticmethod
    def _restated(project, target: str, where: str, waits: str, function) -> str:
        return _message(target, where)
