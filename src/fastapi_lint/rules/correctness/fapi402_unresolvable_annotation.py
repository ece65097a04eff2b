"""FAPI402 unresolvable-annotation: a deferred (string) annotation of a route or dependency that
FastAPI cannot evaluate from the module's globals when the route is registered."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi_lint.analysis.inference import BUILTIN_NAMES, dotted_name, string_value
from fastapi_lint.analysis.knowledge.names import TYPE_CHECKING
from fastapi_lint.analysis.scope import Binding, BindingKind, FrameKind, FunctionInfo
from fastapi_lint.analysis.signatures import signature
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext, PendingEdit, PendingFix
from fastapi_lint.lint.importer import add_import_edit
from fastapi_lint.lint.rule import FixAvailability
from fastapi_lint.rules.correctness.shared import GatedRule, record_gated

ROLES = ("route", "websocket", "dependency")
# FastAPI 0.129 requires Python 3.10, where `X | Y` annotations evaluate at runtime.
PEP604_AT_RUNTIME = "0.129.0"


@dataclass(slots=True, eq=False)
class Problem:
    function: FunctionInfo
    param: cst.Param
    name: str
    kind: str  # "type-checking", "local", "later", "undefined"
    binding: Binding | None = None


class UnresolvableAnnotation(GatedRule):
    code = "FAPI402"
    name = "unresolvable-annotation"
    summary = "Deferred annotation of a route or dependency that FastAPI cannot resolve"
    fix_availability = FixAvailability.SOMETIMES

    def end_file(self, ctx: FileContext) -> None:
        future = _future_annotations(ctx)
        module = _ModuleFacts(ctx)
        problems: list[Problem] = []
        for function in ctx.functions:
            if function.klass is not None:
                continue
            for param in signature(ctx, function):
                annotation = param.annotation
                if annotation is None:
                    continue
                if future is None and not isinstance(annotation, cst.SimpleString):
                    continue
                for name in _annotation_names(annotation):
                    problem = module.classify(name, function, param.param)
                    if problem is not None:
                        problems.append(problem)
        if not problems:
            return
        removal = self._future_removal(ctx, module, future, problems)
        for problem in problems:
            fix = removal if problem.kind == "local" else None
            if problem.kind == "type-checking":
                fix = self._runtime_import(ctx, problem)
            record_gated(
                ctx,
                problem.param,
                problem.function,
                ROLES,
                _message(problem),
                fix=fix,
            )

    # -- fixes -----------------------------------------------------------------------------

    @staticmethod
    def _runtime_import(ctx: FileContext, problem: Problem) -> PendingFix | None:
        binding = problem.binding
        if binding is None or binding.kind is not BindingKind.IMPORT:
            return None
        alias = binding.node
        statement = ctx.parent_of(alias)
        line = ctx.parent_of(statement) if statement is not None else None
        block = ctx.parent_of(line) if line is not None else None
        if not (
            isinstance(alias, cst.ImportAlias)
            and isinstance(statement, cst.ImportFrom)
            and isinstance(line, cst.SimpleStatementLine)
            and len(line.body) == 1
            and isinstance(block, cst.IndentedBlock)
            and not isinstance(statement.names, cst.ImportStar)
        ):
            return None
        module = "." * len(statement.relative) + (dotted_name(statement.module) or "")
        imported = dotted_name(alias.name) or ""
        asname = alias.asname.name if alias.asname is not None else None
        if isinstance(asname, cst.Name):
            imported = f"{imported} as {asname.value}"
        names = list(statement.names)
        if len(names) > 1:
            index = names.index(alias)
            previous = names[index - 1] if index else None
            removal: PendingEdit = ctx.remove_item(alias, previous)
        elif len(block.body) > 1:
            removal = ctx.remove_lines(line)
        else:
            guard = ctx.parent_of(block)
            if not isinstance(guard, cst.If) or guard.orelse is not None:
                return None
            removal = ctx.remove_lines(guard)  # the `if TYPE_CHECKING:` block is left empty
        return PendingFix.unsafe(
            f"Import `{problem.name}` at runtime",
            removal,
            add_import_edit(ctx, module, imported),
        )

    @staticmethod
    def _future_removal(
        ctx: FileContext,
        module: _ModuleFacts,
        future: cst.SimpleStatementLine | None,
        problems: list[Problem],
    ) -> PendingFix | None:
        """Without `from __future__ import annotations`, annotations are evaluated where they
        are written, so a class local to a function resolves; offered when no annotation of
        the module needs the import."""
        if future is None or any(p.kind != "local" for p in problems):
            return None
        statement = future.body[0]
        if (
            len(future.body) != 1
            or not isinstance(statement, cst.ImportFrom)
            or isinstance(statement.names, cst.ImportStar)
            or len(statement.names) != 1
        ):
            return None
        allow_unions = not ctx.options.versions().pinned_older_than("fastapi", PEP604_AT_RUNTIME)
        if not module.evaluates_eagerly(allow_unions):
            return None
        body = list(ctx.module.body)
        index = body.index(future)
        following = body[index + 1] if index + 1 < len(body) else None
        # Also drop the blank lines after it, unless they hold comments.
        until = None
        if following is not None and all(
            line.comment is None for line in getattr(following, "leading_lines", ())
        ):
            until = following
        return PendingFix.unsafe(
            "Remove `from __future__ import annotations`", ctx.remove_lines(future, until)
        )


def _message(problem: Problem) -> str:
    name = f"`{problem.name}`"
    why = {
        "type-checking": f"{name} is only imported under `if TYPE_CHECKING:`",
        "local": f"{name} is defined inside a function, and FastAPI only looks at the module's "
        "globals",
        "later": f"{name} is defined further down the module, after the route is registered",
        "undefined": f"{name} is not defined in the module",
    }[problem.kind]
    return (
        f"The annotation of `{problem.param.name.value}` in {{function}} cannot be resolved "
        f"when FastAPI reads it: {why}; FastAPI then silently treats the parameter as a "
        "required query parameter (an `Annotated[..., Depends()]` dependency is never called) "
        "and `/openapi.json` fails (fastapi#13056)"
    )


def _future_annotations(ctx: FileContext) -> cst.SimpleStatementLine | None:
    for statement in ctx.module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            if isinstance(statement, cst.BaseCompoundStatement):
                return None
            continue
        for small in statement.body:
            if (
                isinstance(small, cst.ImportFrom)
                and dotted_name(small.module) == "__future__"
                and not isinstance(small.names, cst.ImportStar)
                and any(dotted_name(a.name) == "annotations" for a in small.names)
            ):
                return statement
    return None


_LITERALS = frozenset({"Literal"})


def _annotation_names(annotation: cst.BaseExpression) -> list[str]:
    """The global names evaluating the annotation reads. Strings in type positions are
    forward references and are read too; strings in `Literal[...]`, in `Annotated` metadata,
    in call arguments (`Query(alias="q")`) and in subscripts of values there
    (`Query(description=DESCRIPTIONS["q"])`) are plain values."""
    names: list[str] = []
    # (node, is a type position)
    stack: list[tuple[cst.CSTNode, bool]] = [(annotation, True)]
    while stack:
        node, typed = stack.pop()
        if isinstance(node, cst.Name):
            names.append(node.value)
        elif isinstance(node, cst.Attribute):
            stack.append((node.value, False))
        elif isinstance(node, cst.SimpleString):
            text = string_value(node) if typed else None
            if text is None:
                continue
            try:
                stack.append((cst.parse_expression(text), True))
            except Exception:
                continue
        elif isinstance(node, cst.Subscript):
            stack.append((node.value, False))
            origin = dotted_name(node.value) or ""
            literal = origin.rpartition(".")[2] in _LITERALS
            annotated = origin.rpartition(".")[2] == "Annotated"
            for index, element in enumerate(node.slice):
                if isinstance(element.slice, cst.Index):
                    # A subscript outside a type position is a value: `DESCRIPTIONS["name"]`
                    # in `Query(description=...)` reads a dict, "name" is no forward reference.
                    typed_element = typed and not literal and not (annotated and index > 0)
                    stack.append((element.slice.value, typed_element))
        elif isinstance(node, cst.Call):
            stack.append((node.func, False))
            stack.extend((arg.value, False) for arg in node.args)
        elif isinstance(node, cst.BinaryOperation):
            stack.extend(((node.left, typed), (node.right, typed)))
        elif isinstance(node, (cst.List, cst.Tuple)):
            stack.extend((e.value, typed) for e in node.elements)
    return names


class _ModuleFacts:
    """Where names are bound in the module, and when code runs."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.module_frame = ctx.walk.module_frame
        self.star_import = any(
            b.kind is BindingKind.STAR_IMPORT
            for bindings in self.module_frame.bindings.values()
            for b in bindings
        )
        self._evaluated_at: dict[FunctionInfo, list[int] | None] = {}
        self._users: dict[str, list[FunctionInfo]] | None = None

    # -- positions -------------------------------------------------------------------------

    def position(self, node: cst.CSTNode) -> list[int]:
        """Indices of the statements containing ``node``, from the module down."""
        parents = self.ctx.walk.parents
        path: list[int] = []
        child = node
        parent = parents.get(child)
        while parent is not None:
            body = getattr(parent, "body", None)
            if isinstance(body, (list, tuple)) and not isinstance(parent, cst.SimpleStatementLine):
                path.append(next((i for i, s in enumerate(body) if s is child), 0))
            child = parent
            parent = parents.get(child)
        path.reverse()
        return path

    @staticmethod
    def before(binding: list[int], use: list[int]) -> bool:
        """The binding statement ran before the use (and does not contain it)."""
        return binding < use and use[: len(binding)] != binding

    def under_type_checking(self, node: cst.CSTNode) -> bool:
        parents = self.ctx.walk.parents
        current = parents.get(node)
        while current is not None:
            if isinstance(current, cst.If) and (
                self.ctx.qualname(current.test) == TYPE_CHECKING
                or (isinstance(current.test, cst.Name) and current.test.value == "TYPE_CHECKING")
            ):
                return True
            current = parents.get(current)
        return False

    # -- when a function's annotations are read ---------------------------------------------

    def evaluated_at(self, function: FunctionInfo) -> list[int] | None:
        """Where FastAPI first reads the function's annotations in this module: its own route
        registration at module level, or that of a route of this module depending on it."""
        if function in self._evaluated_at:
            return self._evaluated_at[function]
        self._evaluated_at[function] = None  # cycles
        found: list[list[int]] = []
        for route in function.routes:
            if function.parent.kind is FrameKind.MODULE:
                node = route.node if not isinstance(route.node, cst.Decorator) else function.node
                found.append(self.position(node))
        for user in self.users().get(self.ctx.resolver.local(function.qualname), ()):
            if user is function:
                continue
            position = self.evaluated_at(user)
            if position is not None:
                found.append(position)
        result = min(found) if found else None
        self._evaluated_at[function] = result
        return result

    def users(self) -> dict[str, list[FunctionInfo]]:
        """Functions of this module by the dependency they name (``Depends(name)``)."""
        if self._users is None:
            self._users = {}
            for user in self.ctx.functions:
                for p in signature(self.ctx, user):
                    if p.marker is not None and p.marker.is_dependency and p.marker.dependency_name:
                        self._users.setdefault(p.marker.dependency_name, []).append(user)
        return self._users

    # -- classification --------------------------------------------------------------------

    def classify(self, name: str, function: FunctionInfo, param: cst.Param) -> Problem | None:
        bindings = self.module_frame.bindings.get(name)
        if not bindings:
            if name in BUILTIN_NAMES or self.star_import:
                return None
            frame = function.parent
            while frame is not None and frame.kind is not FrameKind.MODULE:
                found = frame.bindings.get(name)
                if found:
                    return Problem(function, param, name, "local", found[0])
                frame = frame.parent
            return Problem(function, param, name, "undefined")
        runtime = [b for b in bindings if not self.under_type_checking(b.node)]
        if not runtime:
            return Problem(function, param, name, "type-checking", bindings[0])
        position = self.evaluated_at(function)
        if position is not None and not any(
            self.before(self.position(b.node), position) for b in runtime
        ):
            return Problem(function, param, name, "later", runtime[0])
        return None

    # -- would the module work without `from __future__ import annotations`? ---------------

    def evaluates_eagerly(self, allow_unions: bool) -> bool:
        """Every annotation Python evaluates without the future import names only things
        bound by then (class-level and module-level annotations, and those of functions)."""
        for function in self.ctx.functions:
            nodes = [p.annotation.annotation for p in _all_params(function) if p.annotation]
            if function.node.returns is not None:
                nodes.append(function.node.returns.annotation)
            for node in nodes:
                if not self._resolves(node, function.node, function.parent, allow_unions):
                    return False
        frames = [klass.frame for klass in self.ctx.classes]
        frames.append(self.module_frame)
        for frame in frames:
            for bindings in frame.bindings.values():
                for binding in bindings:
                    if (
                        binding.kind is BindingKind.ASSIGN
                        and binding.annotation is not None
                        and not self._resolves(
                            binding.annotation, binding.node, frame, allow_unions
                        )
                    ):
                        return False
        return True

    def _resolves(self, annotation, owner, frame, allow_unions: bool) -> bool:
        if isinstance(annotation, cst.SimpleString):
            return True  # stays a string either way
        if not allow_unions and _has_union_operator(annotation):
            return False
        use = self.position(owner)
        runs_later = frame.executing_function is not None
        for name in _annotation_names_outside_strings(annotation):
            found = self.ctx.resolver.lookup(name, frame)
            if found is None:
                if name in BUILTIN_NAMES:
                    continue
                return False
            scope, bindings = found
            runtime = [b for b in bindings if not self.under_type_checking(b.node)]
            if not runtime:
                return False
            if scope.kind is FrameKind.MODULE and runs_later:
                continue  # read when the enclosing function runs: the module is loaded
            bound_before = any(self.before(self.position(b.node), use) for b in runtime)
            is_param = scope.kind is FrameKind.FUNCTION and any(
                b.kind is BindingKind.PARAM for b in runtime
            )
            if not bound_before and not is_param:
                return False
        return True


def _all_params(function: FunctionInfo) -> list[cst.Param]:
    params = function.node.params
    found = [*params.posonly_params, *params.params, *params.kwonly_params]
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            found.append(star)
    return found


def _has_union_operator(node: cst.BaseExpression) -> bool:
    stack: list[cst.CSTNode] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.BinaryOperation):
            if isinstance(current.operator, cst.BitOr):
                return True
            stack.extend((current.left, current.right))
        elif isinstance(current, cst.Subscript):
            stack.extend(e.slice for e in current.slice)
        elif isinstance(current, cst.Index):
            stack.append(current.value)
    return False


def _annotation_names_outside_strings(annotation: cst.BaseExpression) -> list[str]:
    stack: list[cst.CSTNode] = [annotation]
    names: list[str] = []
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Name):
            names.append(node.value)
        elif isinstance(node, cst.Attribute):
            stack.append(node.value)
        elif isinstance(node, cst.Subscript):
            stack.append(node.value)
            stack.extend(e.slice for e in node.slice)
        elif isinstance(node, cst.Index):
            stack.append(node.value)
        elif isinstance(node, cst.Call):
            stack.append(node.func)
            stack.extend(arg.value for arg in node.args)
        elif isinstance(node, cst.BinaryOperation):
            stack.extend((node.left, node.right))
        elif isinstance(node, (cst.List, cst.Tuple)):
            stack.extend(e.value for e in node.elements)
    return names
