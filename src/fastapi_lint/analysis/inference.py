"""Names and types within one module: what an expression refers to, and what a value is.

``qualname`` answers "which API is this?" (``t.sleep`` with ``import time as t`` is
``time.sleep``); ``infer_type`` answers "what kind of object is this value?" by following
assignments, annotations, parameters, ``with`` targets, ``self`` attributes and the return types
of known factories. Both are flow-insensitive: a name bound to values of different types in the
same scope has no type, so rules stay quiet rather than guess.

A type is spelled as a string: ``pkg.User`` is an instance of that class, or the result of calling
``pkg.User`` when the module alone cannot tell a class from a function (the project pass settles
it, see ``Project.value_type``); ``type[pkg.User]`` is the class itself; ``list[pkg.User]`` is a
homogeneous collection (list, set, sequence, iterable...) whose elements are ``pkg.User``;
``element[pkg.load]`` is an element of such a value the module cannot see into (what the
imported ``pkg.load`` returns); ``pkg.User::address`` is the attribute ``address`` of a
``pkg.User`` defined in another module. The last three only mean something to the project pass:
``call_target`` does not name calls on them.
"""

from __future__ import annotations

import builtins
import sys

from fastapi_lint.analysis.knowledge.names import (
    ANNOTATED,
    CLASS_OBJECT_ORIGINS,
    CLASSMETHOD_DECORATORS,
    COLLECTION_FACTORIES,
    COLLECTION_ORIGINS,
    OPTIONAL,
    TUPLE_ORIGINS,
    TYPE_ALIAS,
    UNION,
    canonical,
)
from fastapi_lint.analysis.knowledge.types import (
    ANY_ATTRIBUTE_TYPES,
    CONSTRUCTOR_METHODS,
    COPY_METHODS,
    INJECTED_SESSION_PARAMS,
    MAPPING_ORIGINS,
    PATH_TYPES,
    RETURN_TYPES,
    SESSION_INJECTORS,
    runtime_type,
)
from fastapi_lint.analysis.scope import Binding, BindingKind, ClassInfo, Frame, FrameKind
from fastapi_lint.analysis.walk import WalkResult
from fastapi_lint.core.lazy import cst

BUILTIN_NAMES = frozenset(dir(builtins))
STDLIB_MODULES = frozenset(getattr(sys, "stdlib_module_names", ()))

_MISSING = object()

# Starlette's connections, whose `.state` holds what middleware stores for the request.
CONNECTION_TYPES = frozenset(
    {
        "starlette.requests.Request",
        "starlette.requests.HTTPConnection",
        "starlette.websockets.WebSocket",
    }
)


def dotted_name(node: cst.BaseExpression | None) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted_name(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    return None


def collection_of(element: str) -> str:
    """The type of a homogeneous collection of ``element`` values."""
    return f"list[{element}]"


def element_of(type_name: str | None) -> str | None:
    """The type of the elements of a value of type ``type_name``, when it is a collection."""
    if type_name is not None and type_name.startswith("list[") and type_name.endswith("]"):
        return type_name[5:-1]
    return None


def mapping_of(value: str) -> str:
    """The type of a mapping whose values are ``value`` (``dict[str, S3Service]``)."""
    return f"dict[{value}]"


def value_of_mapping(type_name: str | None) -> str | None:
    if type_name is not None and type_name.startswith("dict[") and type_name.endswith("]"):
        return type_name[5:-1]
    return None


def class_object_of(type_name: str | None) -> str | None:
    """``pkg.User`` for ``type[pkg.User]`` (the class itself), else None."""
    if type_name is not None and type_name.startswith("type[") and type_name.endswith("]"):
        return type_name[5:-1]
    return None


def _is_opaque_type(type_name: str) -> bool:
    """Types whose elements only the project pass can know: results of imported callables."""
    return not type_name.startswith(
        ("list[", "type[", "element[", "dict[")
    ) and not _is_builtin_or_stdlib(type_name)


def string_value(node: cst.BaseExpression | None) -> str | None:
    """The value of a plain (non-f, non-byte) string literal, implicit concatenation included."""
    if isinstance(node, cst.SimpleString):
        prefix = node.prefix.lower()
        if "b" in prefix or "f" in prefix:
            return None
        try:
            value = node.evaluated_value
        except Exception:
            return None
        return value if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString):
        left = string_value(node.left)
        right = string_value(node.right)
        if left is None or right is None:
            return None
        return left + right
    return None


class Resolver:
    """Resolves names and infers types for one module; results are memoized per node."""

    def __init__(self, module_name: str, walk: WalkResult) -> None:
        self.module_name = module_name
        self.walk = walk
        # Keyed by id(node): every node is kept alive by the tree (parsed string annotations by
        # `_parsed_annotations`), so ids are never reused while these caches live.
        self._qualname_cache: dict[int, str | None] = {}
        self._type_cache: dict[int, str | None] = {}
        self._in_progress: set[int] = set()
        self._parsed_annotations: dict[tuple[str, int], cst.BaseExpression | None] = {}
        self.classes_by_qualname: dict[str, ClassInfo] = {
            self.local(info.qualname): info for info in walk.classes
        }
        self.functions_by_qualname = {self.local(info.qualname): info for info in walk.functions}

    def local(self, qualname: str) -> str:
        """The project-wide qualified name of something defined in this module."""
        return f"{self.module_name}.{qualname}" if self.module_name else qualname

    # -- scopes ------------------------------------------------------------------------

    def lookup(self, name: str, frame: Frame) -> tuple[Frame, list[Binding]] | None:
        current: Frame | None = frame
        first = True
        while current is not None:
            if first or current.kind is not FrameKind.CLASS:
                found = current.bindings.get(name)
                if found:
                    return current, found
            first = False
            current = current.parent
        return None

    def frame_of(self, node: cst.CSTNode) -> Frame:
        """The frame whose code contains ``node``."""
        parents = self.walk.parents
        frames = self.walk.frame_by_node
        child = node
        current = parents.get(node)
        while current is not None:
            frame = frames.get(current)
            if frame is not None:
                if frame.kind is FrameKind.MODULE:
                    return frame
                # Decorators, bases, defaults and annotations belong to the enclosing frame.
                if isinstance(current, cst.FunctionDef) and child is not current.body:
                    return frame.parent or frame
                if isinstance(current, cst.ClassDef) and child is not current.body:
                    return frame.parent or frame
                if isinstance(current, cst.Lambda) and child is not current.body:
                    return frame.parent or frame
                return frame
            child = current
            current = parents.get(current)
        return self.walk.module_frame

    # -- qualified names ---------------------------------------------------------------

    def qualname(self, node: cst.BaseExpression, frame: Frame | None = None) -> str | None:
        """The canonical qualified name ``node`` refers to, when it names an importable object."""
        key = id(node)
        cached = self._qualname_cache.get(key, _MISSING)
        if cached is not _MISSING:
            return cached  # type: ignore[return-value]
        if key in self._in_progress:
            return None
        self._in_progress.add(key)
        try:
            result = self._qualname(node, frame or self.frame_of(node))
        finally:
            self._in_progress.discard(key)
        self._qualname_cache[key] = result
        return result

    def _qualname(self, node: cst.BaseExpression, frame: Frame) -> str | None:
        if isinstance(node, cst.Name):
            return self.name_qualname(node.value, frame)
        if isinstance(node, cst.Attribute):
            base = self.qualname(node.value, frame)
            if base is None:
                return None
            return canonical(f"{base}.{node.attr.value}")
        return None

    def name_qualname(self, name: str, frame: Frame) -> str | None:
        found = self.lookup(name, frame)
        if found is None:
            if name in BUILTIN_NAMES:
                return name
            # `from .processor import *`: the one star import of the module provides it.
            stars = self.walk.module_frame.bindings.get("*")
            if stars is not None and len(stars) == 1 and stars[0].qualname:
                return canonical(f"{stars[0].qualname}.{name}")
            return None
        scope, bindings = found
        results = {self._binding_qualname(b, scope) for b in bindings}
        if len(results) != 1:
            return None
        return results.pop()

    def _binding_qualname(self, binding: Binding, scope: Frame) -> str | None:
        kind = binding.kind
        if kind is BindingKind.IMPORT:
            return canonical(binding.qualname or "")
        if kind in (BindingKind.DEF, BindingKind.CLASS):
            return self.local(binding.qualname or binding.name)
        if (
            kind is BindingKind.ASSIGN
            and not binding.opaque
            and binding.annotation is None
            and isinstance(binding.value, (cst.Name, cst.Attribute))
        ):
            # `sleep = time.sleep`: an alias.
            return self.qualname(binding.value, scope)
        return None

    # -- types -------------------------------------------------------------------------

    def infer_type(self, node: cst.BaseExpression, frame: Frame | None = None) -> str | None:
        """The canonical qualified name of the class of the value ``node`` evaluates to."""
        key = -id(node)  # shares `_in_progress` with qualname(): a distinct key space
        cached = self._type_cache.get(key, _MISSING)
        if cached is not _MISSING:
            return cached  # type: ignore[return-value]
        if key in self._in_progress:
            return None
        self._in_progress.add(key)
        try:
            result = self._infer(node, frame or self.frame_of(node))
        finally:
            self._in_progress.discard(key)
        self._type_cache[key] = result
        return result

    def _infer(self, node: cst.BaseExpression, frame: Frame) -> str | None:
        if isinstance(node, cst.Name):
            found = self.lookup(node.value, frame)
            if found is None:
                return None
            scope, bindings = found
            types = {self._binding_type(b, scope) for b in bindings}
            if len(types) != 1:
                return None
            return types.pop()
        if isinstance(node, cst.Call):
            return self.call_return_type(node, frame)
        if isinstance(node, cst.Attribute):
            return self._attribute_type(node, frame)
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Divide):
            left = self.infer_type(node.left, frame)
            if left in PATH_TYPES:
                return left
            if left is None and isinstance(node.left, (cst.Name, cst.Attribute)):
                # `UPLOADS / name` with `UPLOADS` imported from another module: typed after
                # it, the project pass settles whether it is a path (``Project.value_type``).
                imported = self._imported_value(node.left, frame)
                if imported is not None:
                    return imported
            return None
        if isinstance(node, cst.Await):
            return self.infer_type(node.expression, frame)
        if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.Or):
            # `client or boto3.client("s3")`: a parameter with a default made on demand.
            types = {self.infer_type(node.left, frame), self.infer_type(node.right, frame)}
            types.discard(None)
            return types.pop() if len(types) == 1 else None
        if isinstance(node, cst.Subscript):
            owner = self.infer_type(node.value, frame)
            if owner in ANY_ATTRIBUTE_TYPES:  # `client["shop"]["orders"]`
                return ANY_ATTRIBUTE_TYPES[owner]
            return self._subscript_type(node, frame)
        if isinstance(node, (cst.SimpleString, cst.FormattedString, cst.ConcatenatedString)):
            return "str"
        if isinstance(node, cst.Integer):
            return "int"
        if isinstance(node, (cst.List, cst.ListComp)):
            return "list"
        if isinstance(node, (cst.Dict, cst.DictComp)):
            return "dict"
        return None

    def _binding_type(self, binding: Binding, scope: Frame) -> str | None:
        kind = binding.kind
        if kind is BindingKind.LOOP:
            return self._loop_target_type(binding)
        if binding.opaque:
            return None
        if binding.annotation is not None and kind in (BindingKind.ASSIGN, BindingKind.PARAM):
            if kind is BindingKind.ASSIGN and self._is_type_alias_annotation(binding, scope):
                return None  # `X: TypeAlias = ...`: X is a type, not an instance of one
            return self.annotation_type(binding.annotation, self._annotation_frame(binding, scope))
        if kind is BindingKind.PARAM:
            return self._implicit_param_type(binding, scope)
        if kind in (BindingKind.ASSIGN, BindingKind.WITH) and binding.value is not None:
            return self.infer_type(binding.value, scope)
        return None

    def _imported_value(self, node: cst.BaseExpression, frame: Frame) -> str | None:
        """The qualified name of a value imported from a project module (not a library)."""
        root = node
        while isinstance(root, cst.Attribute):
            root = root.value
        if not isinstance(root, cst.Name):
            return None
        found = self.lookup(root.value, frame)
        if found is None or any(b.kind is not BindingKind.IMPORT for b in found[1]):
            return None
        qualname = self.qualname(node, frame)
        if qualname is None or _is_builtin_or_stdlib(qualname):
            return None
        return qualname

    def _loop_target_type(self, binding: Binding) -> str | None:
        """``user`` in ``for user in users`` (or a comprehension), when ``users`` is a collection."""
        loop = binding.node
        if not isinstance(loop, (cst.For, cst.CompFor)) or loop.asynchronous is not None:
            return None
        target = loop.target
        if not isinstance(target, cst.Name) or target.value != binding.name:
            return None
        return self.element_type(loop.iter)

    def element_type(self, node: cst.BaseExpression, frame: Frame | None = None) -> str | None:
        """The type of the elements of the collection ``node`` evaluates to."""
        collection = self.infer_type(node, frame)
        if collection is None:
            return None
        element = element_of(collection)
        if element is not None:
            return element
        if _is_opaque_type(collection) and collection not in self.classes_by_qualname:
            return f"element[{collection}]"
        return None

    def _subscript_type(self, node: cst.Subscript, frame: Frame) -> str | None:
        if len(node.slice) != 1:
            return None
        index = node.slice[0].slice
        if isinstance(index, cst.Index):
            value = value_of_mapping(self.infer_type(node.value, frame))
            if value is not None:
                return value
        if isinstance(index, cst.Slice):
            collection = self.infer_type(node.value, frame)
            return collection if element_of(collection) is not None else None
        return self.element_type(node.value, frame)

    def _annotation_frame(self, binding: Binding, scope: Frame) -> Frame:
        # Parameter annotations are evaluated where the function is defined.
        if binding.kind is BindingKind.PARAM and scope.parent is not None:
            return scope.parent
        return scope

    def _implicit_param_type(self, binding: Binding, scope: Frame) -> str | None:
        """``self`` and ``cls`` of methods; the ``session`` a ``@provide_session`` fills in."""
        function = scope.function
        if function is None:
            return None
        if (
            binding.name in INJECTED_SESSION_PARAMS
            and not function.is_async
            and any(
                name is not None and name.rpartition(".")[2] in SESSION_INJECTORS
                for name in function.decorator_names
            )
        ):
            return "sqlalchemy.orm.Session"
        if function.klass is None:
            return None
        params = function.node.params
        first = (params.posonly_params or params.params or (None,))[0]
        if first is not binding.node:
            return None
        decorators = set(function.decorator_names)
        if "staticmethod" in decorators:
            return None
        owner = self.local(function.klass.qualname)
        if function.name in ("__new__", "__init_subclass__") or any(
            name is not None and name.rpartition(".")[2] in CLASSMETHOD_DECORATORS
            for name in decorators
        ):
            return f"type[{owner}]"
        return owner

    def _attribute_type(self, node: cst.Attribute, frame: Frame) -> str | None:
        attr = node.attr.value
        holder = node.value
        if (
            isinstance(holder, cst.Attribute)
            and holder.attr.value == "state"
            and attr in self.walk.state_values
            and self.infer_type(holder.value, frame) in CONNECTION_TYPES
        ):
            # `request.state.db`, set by a middleware of this module (`request.state.db = ...`).
            types = {self.infer_type(v) for v in self.walk.state_values[attr]}
            return types.pop() if len(types) == 1 else None
        owner = self.infer_type(node.value, frame)
        if owner is not None:
            info = self.classes_by_qualname.get(owner)
            if info is not None:
                annotation = info.attribute_annotations.get(attr)
                if annotation is not None:
                    return self.annotation_type(annotation, info.frame)
                values = info.attribute_values.get(attr)
                if values:
                    types = {self.infer_type(v) for v in values}
                    if len(types) == 1:
                        return types.pop()
                return None
            # Properties of known library types (``path.parent``, ``client.database``).
            known = RETURN_TYPES.get(f"{owner}.{attr}")
            if known is not None:
                return known
            if owner in ANY_ATTRIBUTE_TYPES:
                return ANY_ATTRIBUTE_TYPES[owner]
            if _is_opaque_type(owner) or owner.startswith("element["):
                return f"{owner}::{attr}"  # an attribute of a class of another module
        return None

    def call_return_type(self, call: cst.Call, frame: Frame) -> str | None:
        target = self.call_target(call, frame)
        if target is None:
            if isinstance(call.func, cst.Subscript):
                return self.class_reference(call.func, frame)  # `Page[Item](...)`
            constructed = self._constructor_result(call, frame)  # `Page[Item].parse_obj(...)`
            if constructed is not None:
                return constructed
            # Calling an object of a known type: `SessionLocal()` with a local sessionmaker.
            owner = self.infer_type(call.func, frame)
            return RETURN_TYPES.get(f"{owner}.__call__") if owner is not None else None
        known = RETURN_TYPES.get(target)
        if known is not None:
            return known
        if target in self.classes_by_qualname:
            return target
        function = self.functions_by_qualname.get(target)
        if function is not None:
            if function.node.returns is not None:
                return self.annotation_type(function.node.returns.annotation, function.parent)
            return None
        constructed = self._constructor_result(call, frame)
        if constructed is not None:
            return constructed
        # Calling an object: ``SessionLocal()`` where ``SessionLocal = sessionmaker(...)``.
        owner = self.infer_type(call.func, frame) if not target.startswith("type[") else None
        if owner is not None and "::" not in owner:
            return RETURN_TYPES.get(f"{owner}.__call__")
        if self.qualname(call.func, frame) is not None and not _is_builtin_or_stdlib(target):
            # An imported callable of unknown kind, usually a class: the project pass decides.
            return target
        if isinstance(call.func, cst.Attribute) and not _is_builtin_or_stdlib(target):
            # A method of what an imported callable returned (`load(x).joinpath(...)`): the
            # project pass settles it from that callable's return type.
            receiver = self.infer_type(call.func.value, frame)
            if receiver is not None and _is_opaque_type(receiver) and "::" not in receiver:
                return target
        return None

    def _constructor_result(self, call: cst.Call, frame: Frame) -> str | None:
        """``User.parse_obj(data)`` and ``cls.model_validate(data)`` make a ``User``;
        ``user.copy()`` is another ``User``."""
        func = call.func
        if not isinstance(func, cst.Attribute):
            return None
        method = func.attr.value
        if method in CONSTRUCTOR_METHODS:
            return self.class_reference(func.value, frame)
        if method in COPY_METHODS:
            owner = self.infer_type(func.value, frame)
            if owner is not None and (_is_opaque_type(owner) or owner in self.classes_by_qualname):
                return owner
        return None

    def class_reference(self, node: cst.BaseExpression, frame: Frame | None = None) -> str | None:
        """The qualified name of the class ``node`` refers to (``User``, ``models.User``, ``cls``
        in a class method), when it may be a class of this project or a library."""
        frame = frame or self.frame_of(node)
        if isinstance(node, cst.Subscript):
            return self.class_reference(node.value, frame)  # `Page[Item]`: a generic class
        owner = class_object_of(self.infer_type(node, frame))
        if owner is not None:
            return owner
        if not isinstance(node, (cst.Name, cst.Attribute)):
            return None
        qualname = self.qualname(node, frame)
        if qualname is None:
            return None
        if qualname in self.classes_by_qualname:
            return qualname
        if qualname in self.functions_by_qualname or _is_builtin_or_stdlib(qualname):
            return None
        if isinstance(node, cst.Name):
            found = self.lookup(node.value, frame)
            if found is None or any(b.kind is not BindingKind.IMPORT for b in found[1]):
                return None
        return qualname

    def call_target(self, call: cst.Call, frame: Frame | None = None) -> str | None:
        """The qualified name of the called API: ``requests.get``, ``requests.Session.get``."""
        frame = frame or self.frame_of(call)
        func = call.func
        target = self.qualname(func, frame)
        if target is not None:
            return target
        if isinstance(func, cst.Attribute):
            owner = self.infer_type(func.value, frame)
            if owner is not None and ("::" in owner or owner.startswith("element[")):
                return None  # only the project pass can settle these
            if owner is not None:
                if owner.startswith("type[") and owner.endswith("]"):
                    owner = owner[5:-1]
                elif value_of_mapping(owner) is not None:
                    owner = "dict"  # `services.get(name)`: a method of the mapping itself
                return canonical(f"{owner}.{func.attr.value}")
        return None

    # -- type aliases ------------------------------------------------------------------

    def _is_type_alias_annotation(self, binding: Binding, scope: Frame) -> bool:
        annotation = binding.annotation
        if not isinstance(annotation, (cst.Name, cst.Attribute)):
            return False
        name = annotation.value if isinstance(annotation, cst.Name) else annotation.attr.value
        return name == "TypeAlias" and self.qualname(annotation, scope) in TYPE_ALIAS

    def type_alias(
        self, name: str, frame: Frame, _depth: int = 0
    ) -> tuple[cst.BaseExpression, Frame] | None:
        """The annotation ``name`` stands for when it is a type alias bound once in a visible
        scope: ``X = Annotated[T, ...]`` (or ``Optional``/``Union``), ``X: TypeAlias = ...``,
        ``type X = ...``, and chains of them (``Y = X``). Returns (expression, its frame)."""
        if _depth > 8:
            return None
        found = self.lookup(name, frame)
        if found is None:
            return None
        scope, bindings = found
        if len(bindings) != 1:
            return None
        binding = bindings[0]
        value = binding.value
        if binding.kind is not BindingKind.ASSIGN or binding.opaque or value is None:
            return None
        explicit = isinstance(binding.node, cst.TypeAlias)
        if binding.annotation is not None:
            if not self._is_type_alias_annotation(binding, scope):
                return None
            explicit = True
        if isinstance(value, cst.Name):
            chained = self.type_alias(value.value, scope, _depth + 1)
            if chained is not None:
                return chained
            return (value, scope) if explicit else None
        if explicit:
            return value, scope
        if isinstance(value, cst.Subscript) and self.qualname(value.value, scope) in (
            ANNOTATED,
            OPTIONAL,
            UNION,
        ):
            return value, scope
        return None

    def annotation_type(self, annotation: cst.BaseExpression, frame: Frame) -> str | None:
        """The class an annotation stands for: ``Optional[X]``, ``X | None``, ``Annotated[X, ...]``,
        also through a type alias (``SessionDep = Annotated[Session, Depends(get_db)]``)."""
        if isinstance(annotation, cst.Name):
            alias = self.type_alias(annotation.value, frame)
            if alias is not None:
                key = id(alias[0])
                if key in self._in_progress:
                    return None  # a recursive alias
                self._in_progress.add(key)
                try:
                    return self.annotation_type(alias[0], alias[1])
                finally:
                    self._in_progress.discard(key)
        if isinstance(annotation, (cst.Name, cst.Attribute)):
            return runtime_type(self.qualname(annotation, frame))
        if isinstance(annotation, cst.Subscript):
            origin = self.qualname(annotation.value, frame)
            elements = [e.slice.value for e in annotation.slice if isinstance(e.slice, cst.Index)]
            if not elements:
                return None
            if origin in (ANNOTATED, OPTIONAL):
                return self.annotation_type(elements[0], frame)
            if origin == UNION:
                types = {self.annotation_type(e, frame) for e in elements if not _is_none(e)}
                return types.pop() if len(types) == 1 else None
            return self._generic_type(origin, elements, frame)
        if isinstance(annotation, cst.Call) and annotation.args:
            # `conlist(User, min_length=1)`: a list of `User`.
            if self.qualname(annotation.func, frame) in COLLECTION_FACTORIES:
                first = annotation.args[0]
                element = (
                    None
                    if first.keyword or first.star
                    else self.annotation_type(first.value, frame)
                )
                return collection_of(element) if element is not None else None
            return None
        if isinstance(annotation, cst.BinaryOperation) and isinstance(
            annotation.operator, cst.BitOr
        ):
            parts = [p for p in _union_parts(annotation) if not _is_none(p)]
            types = {self.annotation_type(p, frame) for p in parts}
            return types.pop() if len(types) == 1 else None
        if isinstance(annotation, cst.SimpleString):
            text = string_value(annotation)
            if text is None:
                return None
            # One parse per text and frame: the parsed names are resolved (and cached) in it.
            key = (text, id(frame))
            if key not in self._parsed_annotations:
                try:
                    self._parsed_annotations[key] = cst.parse_expression(text)
                except Exception:
                    self._parsed_annotations[key] = None
            parsed = self._parsed_annotations[key]
            return None if parsed is None else self._annotation_from_string(parsed, frame)
        return None

    def _generic_type(
        self, origin: str | None, elements: list[cst.BaseExpression], frame: Frame
    ) -> str | None:
        """``list[User]``, ``tuple[User, ...]``, ``type[User]`` and generic classes ``Page[User]``."""
        if origin is None:
            return None
        if origin in COLLECTION_ORIGINS or (
            origin in TUPLE_ORIGINS and len(elements) == 2 and isinstance(elements[1], cst.Ellipsis)
        ):
            element = self.annotation_type(elements[0], frame)
            return collection_of(element) if element is not None else None
        if origin in MAPPING_ORIGINS and len(elements) == 2:
            value = self.annotation_type(elements[1], frame)
            return mapping_of(value) if value is not None else None
        if origin in CLASS_OBJECT_ORIGINS and len(elements) == 1:
            element = self.annotation_type(elements[0], frame)
            return f"type[{element}]" if element is not None else None
        if origin in self.classes_by_qualname or (
            not _is_builtin_or_stdlib(origin)
            and not origin.startswith(("typing_extensions.", "collections."))
        ):
            return origin
        return None

    def _annotation_from_string(self, parsed: cst.BaseExpression, frame: Frame) -> str | None:
        # The parsed expression is not part of the walked tree: every name in it is resolved in
        # `frame`, which is passed explicitly all the way down.
        if isinstance(parsed, cst.SimpleString):
            return None  # a string inside a string annotation: give up
        return self.annotation_type(parsed, frame)


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def _union_parts(node: cst.BaseExpression) -> list[cst.BaseExpression]:
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        return [*_union_parts(node.left), *_union_parts(node.right)]
    return [node]


def _is_builtin_or_stdlib(qualname: str) -> bool:
    top = qualname.partition(".")[0]
    return "." not in qualname or top in STDLIB_MODULES
