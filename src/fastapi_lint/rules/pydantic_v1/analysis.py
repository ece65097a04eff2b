"""What the FAPI2xx rules of one file share: imports of Pydantic names, v1 validators, the
references to a few names, class bodies (fields, configuration), and source helpers.

Computed once per file (``analysis(ctx)``, kept in ``ctx.state``) from the walk's scopes and the
``Name`` events the family's rules forward to ``note_name``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fastapi_lint.analysis.inference import dotted_name, string_value
from fastapi_lint.analysis.scope import (
    Binding,
    BindingKind,
    ClassInfo,
    Frame,
    FrameKind,
    FunctionInfo,
)
from fastapi_lint.analysis.walk import iter_children
from fastapi_lint.core.lazy import cst
from fastapi_lint.lint.context import FileContext

STATE_KEY = "pydantic-v1"

VALIDATOR = frozenset({"pydantic.validator", "pydantic.class_validators.validator"})
ROOT_VALIDATOR = frozenset({"pydantic.root_validator", "pydantic.class_validators.root_validator"})
FIELD_VALIDATOR = frozenset(
    {"pydantic.field_validator", "pydantic.functional_validators.field_validator"}
)
MODEL_VALIDATOR = frozenset(
    {"pydantic.model_validator", "pydantic.functional_validators.model_validator"}
)
CONFIG_DICT = frozenset(
    {"pydantic.ConfigDict", "pydantic.config.ConfigDict", "pydantic_settings.SettingsConfigDict"}
)


@dataclass(slots=True, eq=False)
class ValidatorUse:
    """A method decorated with a v1 ``@validator`` or ``@root_validator``."""

    function: FunctionInfo
    decorator: cst.Decorator
    call: cst.Call | None  # `@validator(...)`; None for a bare `@root_validator`
    kind: str  # "validator" or "root_validator"

    def keyword(self, name: str) -> cst.BaseExpression | None:
        if self.call is None:
            return None
        for arg in self.call.args:
            if arg.keyword is not None and arg.keyword.value == name:
                return arg.value
        return None


@dataclass(slots=True)
class ClassBody:
    """Fields and configuration read off a class body."""

    fields: dict[str, cst.AnnAssign] = field(default_factory=dict)
    config: cst.ClassDef | None = None  # `class Config:`
    model_config: cst.CSTNode | None = None  # `model_config = ...`
    root: cst.AnnAssign | None = None  # `__root__: T`


@dataclass(slots=True, eq=False)
class Reference:
    node: cst.Name
    parent: cst.CSTNode | None
    frame: Frame


class FileAnalysis:
    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self._references: dict[str, list[Reference]] = {}
        self._bodies: dict[ClassInfo, ClassBody] = {}
        module_frame = ctx.walk.module_frame
        # Module-level imports of Pydantic (and pydantic-settings) names: local name -> binding.
        self.imports: dict[str, Binding] = {}
        for name, bindings in module_frame.bindings.items():
            for binding in bindings:
                qualname = binding.qualname or ""
                if binding.kind is BindingKind.IMPORT and qualname.partition(".")[0] in (
                    "pydantic",
                    "pydantic_settings",
                ):
                    self.imports[name] = binding
        # Every module-level import binding: local name -> binding (for cleaning up after fixes).
        self.all_imports: dict[str, Binding] = {
            name: bindings[0]
            for name, bindings in module_frame.bindings.items()
            if len(bindings) == 1 and bindings[0].kind is BindingKind.IMPORT
        }
        self.validators: list[ValidatorUse] = []
        if self.imports:
            self._find_validators()

    # -- names --------------------------------------------------------------------------------

    def references(self, name: str) -> list[Reference]:
        """The places that read or assign ``name`` (not attribute names, keywords, parameter
        or import names), from the walk's index of ``Name`` nodes."""
        found = self._references.get(name)
        if found is not None:
            return found
        found = []
        parents = self.ctx.walk.parents
        for node, frame in self.ctx.walk.names.get(name, ()):
            parent = parents.get(node)
            if isinstance(parent, cst.Attribute) and parent.attr is node:
                continue
            if isinstance(parent, (cst.Arg, cst.Param, cst.FunctionDef, cst.ClassDef)) and (
                getattr(parent, "keyword", None) is node or getattr(parent, "name", None) is node
            ):
                continue
            if isinstance(parent, (cst.ImportAlias, cst.AsName)):
                continue
            found.append(Reference(node, parent, frame))
        self._references[name] = found
        return found

    def import_uses(self, local: str) -> list[Reference] | None:
        """References to the module-level import ``local``; None when the name is also bound
        elsewhere or listed in ``__all__`` (its uses cannot be counted)."""
        binding = self.all_imports.get(local)
        if binding is None or local in self._exported():
            return None
        if len(self.ctx.walk.module_frame.bindings.get(local, ())) != 1:
            return None
        uses = []
        for reference in self.references(local):
            found = self.ctx.resolver.lookup(local, reference.frame)
            if found is None or found[0] is not self.ctx.walk.module_frame:
                continue
            uses.append(reference)
        return uses

    def _exported(self) -> set[str]:
        bindings = self.ctx.walk.module_frame.bindings.get("__all__", ())
        names: set[str] = set()
        for binding in bindings:
            value = binding.value
            if isinstance(value, (cst.List, cst.Tuple)):
                for element in value.elements:
                    text = string_value(element.value)
                    if text is not None:
                        names.add(text)
            elif binding.kind is not BindingKind.ASSIGN or value is not None:
                names.add("*")
        if "*" in names:
            return set(self.all_imports)
        return names

    def import_alias(self, local: str) -> cst.ImportAlias | None:
        binding = self.all_imports.get(local)
        if binding is None or not isinstance(binding.node, cst.ImportAlias):
            return None
        if not isinstance(self.ctx.walk.parents.get(binding.node), cst.ImportFrom):
            return None
        return binding.node

    def removable_import(self, local: str, replaced: set[cst.CSTNode]) -> cst.ImportAlias | None:
        """The import alias of ``local`` when every use of it is among ``replaced``."""
        uses = self.import_uses(local)
        if uses is None or any(use.node not in replaced for use in uses):
            return None
        return self.import_alias(local)

    def local_names_of(self, qualnames: frozenset[str]) -> list[str]:
        return [name for name, b in self.imports.items() if b.qualname in qualnames]

    # -- validators ---------------------------------------------------------------------------

    def _find_validators(self) -> None:
        ctx = self.ctx
        for function in ctx.walk.functions:
            if function.klass is None:
                continue
            for decorator in function.node.decorators:
                expression = decorator.decorator
                call = expression if isinstance(expression, cst.Call) else None
                target = ctx.qualname(call.func if call else expression, function.parent)
                if target in VALIDATOR:
                    self.validators.append(ValidatorUse(function, decorator, call, "validator"))
                elif target in ROOT_VALIDATOR:
                    self.validators.append(
                        ValidatorUse(function, decorator, call, "root_validator")
                    )

    def removable_imports(self, replaced: list[cst.CSTNode]) -> list[cst.ImportAlias]:
        """Import aliases whose every use is inside the ``replaced`` subtrees."""
        inside: set[cst.CSTNode] = set()
        for node in replaced:
            inside.update(names_in(node))
        aliases = []
        for local in {n.value for n in inside if isinstance(n, cst.Name)}:
            if local not in self.all_imports:
                continue
            uses = self.import_uses(local)
            if uses and all(use.node in inside for use in uses):
                alias = self.import_alias(local)
                if alias is not None:
                    aliases.append(alias)
        return aliases

    def parameter_uses(self, function: FunctionInfo, name: str) -> list[Reference] | None:
        """References to parameter ``name`` of ``function`` (nested scopes included); None if
        the name is rebound in the function."""
        bindings = function.frame.bindings.get(name, ())
        if len(bindings) != 1 or bindings[0].kind is not BindingKind.PARAM:
            return None
        uses = []
        for reference in self.references(name):
            found = self.ctx.resolver.lookup(name, reference.frame)
            if found is not None and found[0] is function.frame:
                uses.append(reference)
        return uses

    # -- classes ------------------------------------------------------------------------------

    def body(self, info: ClassInfo) -> ClassBody:
        cached = self._bodies.get(info)
        if cached is not None:
            return cached
        body = ClassBody()
        block = info.node.body
        statements = block.body if isinstance(block, cst.IndentedBlock) else ()
        for statement in statements:
            if isinstance(statement, cst.ClassDef) and statement.name.value == "Config":
                body.config = statement
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                    name = small.target.value
                    if name == "__root__":
                        body.root = small
                    elif name == "model_config":
                        body.model_config = small
                    elif not name.startswith("_") and not self._is_classvar(small, info):
                        body.fields[name] = small
                elif isinstance(small, cst.Assign):
                    for target in small.targets:
                        if (
                            isinstance(target.target, cst.Name)
                            and target.target.value == "model_config"
                        ):
                            body.model_config = small
        self._bodies[info] = body
        return body

    def _is_classvar(self, node: cst.AnnAssign, info: ClassInfo) -> bool:
        return self.ctx.is_class_var(node.annotation.annotation, info.frame)

    def config_flag(self, info: ClassInfo, keys: tuple[str, ...]) -> bool:
        """A literal ``True`` for one of ``keys`` in the class's own configuration."""
        body = self.body(info)
        if body.config is not None and isinstance(body.config.body, cst.IndentedBlock):
            for statement in body.config.body.body:
                if not isinstance(statement, cst.SimpleStatementLine):
                    continue
                for small in statement.body:
                    target, value = assignment(small)
                    if target in keys and literal_bool(value):
                        return True
        node = body.model_config
        value = node.value if isinstance(node, (cst.Assign, cst.AnnAssign)) else None
        if isinstance(value, cst.Call) and self.ctx.qualname(value.func, info.frame) in CONFIG_DICT:
            return any(
                arg.keyword is not None and arg.keyword.value in keys and literal_bool(arg.value)
                for arg in value.args
            )
        return False

    def config_may_set(self, info: ClassInfo, key: str) -> bool:
        """The class's own configuration may turn ``key`` on: a value other than a literal
        ``False`` for it, or a ``model_config`` that cannot be read (a name, ``**options``)."""
        body = self.body(info)
        if body.config is not None and isinstance(body.config.body, cst.IndentedBlock):
            for statement in body.config.body.body:
                if not isinstance(statement, cst.SimpleStatementLine):
                    continue
                for small in statement.body:
                    target, value = assignment(small)
                    if target == key and literal_bool(value) is not False:
                        return True
        node = body.model_config
        if node is None:
            return False
        value = node.value if isinstance(node, (cst.Assign, cst.AnnAssign)) else None
        if not isinstance(value, (cst.Call, cst.Dict)):
            return True
        if isinstance(value, cst.Dict):
            return any(
                not isinstance(element, cst.DictElement)
                or (
                    string_value(element.key) in (key, None)
                    and literal_bool(element.value) is not False
                )
                for element in value.elements
            )
        if self.ctx.qualname(value.func, info.frame) not in CONFIG_DICT:
            return True
        return any(
            arg.star
            or (
                arg.keyword is not None
                and arg.keyword.value == key
                and literal_bool(arg.value) is not False
            )
            for arg in value.args
        )

    def before_validated(self, info: ClassInfo) -> list[str]:
        """Fields of ``info`` with a v1 ``pre=True`` or a v2 before/wrap validator."""
        found: list[str] = []
        for function in info.methods.values():
            for decorator in function.node.decorators:
                call = decorator.decorator
                if not isinstance(call, cst.Call):
                    continue
                target = self.ctx.qualname(call.func, info.frame)
                if target in VALIDATOR:
                    before = literal_bool(_keyword_value(call, "pre")) is True
                elif target in FIELD_VALIDATOR:
                    mode = string_value(_keyword_value(call, "mode"))
                    before = mode in ("before", "wrap", "plain")
                else:
                    continue
                names = field_names(call)
                if before:
                    found.extend(names if names is not None else ["*"])
        return found

    def project_name(self, info: ClassInfo) -> str:
        return self.ctx.resolver.local(info.qualname)

    def enclosing_class(self, node: cst.CSTNode) -> ClassInfo | None:
        """The class whose body directly holds ``node`` (a statement or an expression in one)."""
        frame = self.ctx.frame_of(node)
        if frame.kind is FrameKind.CLASS:
            return frame.klass
        return None

    # -- source -------------------------------------------------------------------------------

    def source(self, node: cst.CSTNode) -> str:
        """The source of ``node`` as it reads in the file: continuation lines of a multi-line
        expression keep the indentation of the block it is in (``ctx.code_for`` drops it)."""
        from libcst._nodes.internal import CodegenState

        module = self.ctx.module
        state = CodegenState(default_indent=module.default_indent, default_newline="\n")
        indent = self.indentation(node)
        if indent:
            state.indent_tokens.append(indent)
        node._codegen(state)
        return "".join(state.tokens)

    def indentation(self, node: cst.CSTNode) -> str:
        """The indentation of the line a statement starts on."""
        parents = self.ctx.walk.parents
        default = self.ctx.module.default_indent
        indent = ""
        current = parents.get(node)
        while current is not None:
            if isinstance(current, cst.IndentedBlock):
                indent = (current.indent if current.indent is not None else default) + indent
            current = parents.get(current)
        return indent


def names_in(node: cst.CSTNode) -> list[cst.Name]:
    """The ``Name`` nodes of a small subtree (an annotation, a replaced expression)."""
    found = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Name):
            found.append(current)
        stack.extend(iter_children(current))
    return found


def analysis(ctx: FileContext) -> FileAnalysis:
    found = ctx.state.get(STATE_KEY)
    if found is None:
        found = FileAnalysis(ctx)
        ctx.state[STATE_KEY] = found
    return found


def assignment(small: cst.BaseSmallStatement) -> tuple[str | None, cst.BaseExpression | None]:
    """``name = value`` or ``name: T = value``: (name, value)."""
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        target = small.targets[0].target
        if isinstance(target, cst.Name):
            return target.value, small.value
    if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
        return small.target.value, small.value
    return None, None


def _keyword_value(call: cst.Call, name: str) -> cst.BaseExpression | None:
    found = keyword(call, name)
    return found.value if found is not None else None


def keyword(call: cst.Call, name: str) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def literal_bool(node: cst.BaseExpression | None) -> bool | None:
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return node.value == "True"
    return None


def decorator_target(node: cst.Decorator) -> str | None:
    expression = node.decorator
    if isinstance(expression, cst.Call):
        expression = expression.func
    return dotted_name(expression)


def field_names(call: cst.Call) -> list[str] | None:
    """The field names a validator decorator call applies to (string arguments)."""
    names = []
    for arg in call.args:
        if arg.keyword is not None:
            continue
        if arg.star:
            return None
        text = string_value(arg.value)
        if text is None:
            return None
        names.append(text)
    return names


def record_model_classes(ctx: FileContext) -> None:
    """One ``ModelClass`` fact per class with bases (once per file, by whichever rule runs)."""
    from fastapi_lint.rules.pydantic_v1.facts import MODEL_CLASS, ModelClass

    shared = analysis(ctx)
    if ctx.state.get(f"{STATE_KEY}:classes"):
        return
    ctx.state[f"{STATE_KEY}:classes"] = True
    for info in ctx.walk.classes:
        if not info.bases:
            continue
        body = shared.body(info)
        record = ModelClass(
            qualname=info.qualname,
            fields=list(body.fields),
            root=body.root is not None,
            from_attributes=shared.config_flag(info, ("orm_mode", "from_attributes")),
            before_validated=shared.before_validated(info),
            serialize_by_alias=shared.config_may_set(info, "serialize_by_alias"),
        )
        ctx.summary.add_fact(MODEL_CLASS, record)


# The test of an `if` that tells Pydantic versions apart (`if is_v2_model(m):`,
# `if PYDANTIC_V2:`, `if hasattr(m, "model_dump"):`, `isinstance(m, pydantic.v1.BaseModel)`):
# code under it is written for each version on purpose, and a v1 call there may be the v1 path.
VERSION_TEST = re.compile(
    r"(?<![A-Za-z0-9])(?:[A-Za-z0-9]*_)?[vV][12](?:_[A-Za-z0-9_]*|[A-Z][A-Za-z0-9_]*)?(?![A-Za-z0-9])"
    r"|pydantic_version|PYDANTIC_VERSION|VERSION\.startswith"
    r"|[\"']model_(?:dump|validate|fields|config|construct)[\"']|__fields__"
)
# FAPI206 also: Python-version tests, which guard `pydantic.v1` (unsupported on 3.14).
PYTHON_OR_PYDANTIC_TEST = re.compile(VERSION_TEST.pattern + r"|version_info")


def under_version_test(
    ctx: FileContext, node: cst.CSTNode, test: re.Pattern[str] = VERSION_TEST
) -> bool:
    """``node`` is in a branch of an ``if`` (statement or expression) that tests which Pydantic
    version a model or the environment has, or after such an ``if`` whose body always returns
    or raises (``if PYDANTIC_V2: return m.model_dump()`` then ``return m.dict()``), within its
    function."""
    parents = ctx.walk.parents
    child, parent = node, parents.get(node)
    while parent is not None and not isinstance(parent, (cst.FunctionDef, cst.ClassDef)):
        if (
            isinstance(parent, (cst.If, cst.IfExp))
            and child is not parent.test
            and test.search(ctx.code_for(parent.test))
        ):
            return True
        if isinstance(parent, cst.IndentedBlock):
            for statement in parent.body:
                if statement is child:
                    break
                if (
                    isinstance(statement, cst.If)
                    and _always_leaves(statement.body)
                    and test.search(ctx.code_for(statement.test))
                ):
                    return True
        child, parent = parent, parents.get(parent)
    return False


def _always_leaves(block: cst.BaseSuite) -> bool:
    """The block ends with ``return`` or ``raise``."""
    if isinstance(block, cst.IndentedBlock):
        last = block.body[-1] if block.body else None
        small = last.body[-1] if isinstance(last, cst.SimpleStatementLine) and last.body else None
    elif isinstance(block, cst.SimpleStatementSuite):
        small = block.body[-1] if block.body else None
    else:
        small = None
    return isinstance(small, (cst.Return, cst.Raise))
