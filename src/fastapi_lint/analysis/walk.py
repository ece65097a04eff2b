"""The one walk over a module's tree.

It visits every non-whitespace node once, in source order, without recursion (deeply nested
expressions are fine) and without libcst's visitor machinery (which rebuilds every node it
visits). Along the way it builds the scopes (frames and bindings), records what is known about
functions and classes, and keeps the nodes that enabled rules asked for, so that rules can be
dispatched by node type afterwards without walking again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi_lint.analysis.scope import (
    Binding,
    BindingKind,
    ClassInfo,
    Frame,
    FrameKind,
    FunctionInfo,
)
from fastapi_lint.analysis.tree import EXTRACTORS, ParentMap, children_extractor, iter_children
from fastapi_lint.core.lazy import cst


@dataclass(slots=True)
class WalkResult:
    module_frame: Frame
    # (node, parent, frame) for every node whose type a rule asked for, in source order.
    events: list[tuple[cst.CSTNode, cst.CSTNode | None, Frame]]
    parents: ParentMap
    functions: list[FunctionInfo] = field(default_factory=list)
    classes: list[ClassInfo] = field(default_factory=list)
    calls: list[tuple[cst.Call, Frame]] = field(default_factory=list)
    # Every `Name` node by identifier, with the frame it is in (references, bindings, attribute
    # names and keywords alike: filter by parent).
    names: dict[str, list[tuple[cst.Name, Frame]]] = field(default_factory=dict)
    function_by_node: dict[cst.FunctionDef, FunctionInfo] = field(default_factory=dict)
    class_by_node: dict[cst.ClassDef, ClassInfo] = field(default_factory=dict)
    frame_by_node: dict[cst.CSTNode, Frame] = field(default_factory=dict)
    # Values stored on `<request>.state.<name>` anywhere in the module: name -> values.
    state_values: dict[str, list[cst.BaseExpression]] = field(default_factory=dict)


def _target_names(target: cst.BaseExpression, out: list[tuple[cst.Name, bool]], opaque: bool):
    if isinstance(target, cst.Name):
        out.append((target, opaque))
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            _target_names(element.value, out, True)
    elif isinstance(target, cst.StarredElement):
        _target_names(target.value, out, True)


def _dotted(node: cst.BaseExpression | None) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = _dotted(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    return None


class _Walker:
    __slots__ = ("module_name", "package", "result", "wanted")

    def __init__(self, module_name: str, is_package: bool, wanted: frozenset[type]) -> None:
        self.module_name = module_name
        self.package = module_name if is_package else module_name.rpartition(".")[0]
        self.wanted = wanted

    def run(self, module: cst.Module) -> WalkResult:
        module_frame = Frame(FrameKind.MODULE, module, None, "")
        result = WalkResult(module_frame, [], ParentMap())
        result.frame_by_node[module] = module_frame
        self.result = result
        events = result.events
        set_parent = result.parents.__setitem__
        calls = result.calls
        names = result.names
        wanted = self.wanted
        stack: list[tuple[cst.CSTNode, cst.CSTNode | None, Frame]] = [
            (child, module, module_frame) for child in reversed(module.body)
        ]
        pop = stack.pop
        push = stack.append
        special = _special()
        extractors = EXTRACTORS
        while stack:
            node, parent, frame = pop()
            node_type = type(node)
            if parent is not None:
                set_parent(id(node), parent)
            if node_type in wanted:
                events.append((node, parent, frame))
            if node_type is cst.Call:
                calls.append((node, frame))
            elif node_type is cst.Name:
                found = names.get(node.value)
                if found is None:
                    names[node.value] = [(node, frame)]
                else:
                    found.append((node, frame))
            else:
                handler = special.get(node_type)
                if handler is not None and handler(self, node, parent, frame, push):
                    continue  # the handler pushed the children itself
            extractor = extractors.get(node_type)
            if extractor is None:
                extractor = extractors[node_type] = children_extractor(node_type)
            for child in extractor(node):
                push((child, node, frame))
        return result

    # -- scope-changing nodes: they push their own children ------------------------------

    def _function(self, node: cst.FunctionDef, parent, frame: Frame, push) -> bool:
        name = node.name.value
        qualname = self._child_qualname(frame, name)
        klass = frame.klass if frame.kind is FrameKind.CLASS else None
        info = FunctionInfo(
            node=node,
            name=name,
            qualname=qualname,
            is_async=node.asynchronous is not None,
            parent=frame,
            klass=klass,
            decorator_names=tuple(
                _dotted(d.decorator if not isinstance(d.decorator, cst.Call) else d.decorator.func)
                for d in node.decorators
            ),
        )
        inner = Frame(FrameKind.FUNCTION, node, frame, qualname, function=info)
        info.frame = inner
        self.result.functions.append(info)
        self.result.function_by_node[node] = info
        self.result.frame_by_node[node] = inner
        if klass is not None:
            klass.methods.setdefault(name, info)
        frame.bind(Binding(name, BindingKind.DEF, node, qualname=qualname))
        self._bind_params(node.params, inner)
        # Source order on a LIFO stack: push last what must be visited first.
        push((node.body, node, inner))
        if node.returns is not None:
            push((node.returns, node, frame))
        push((node.params, node, frame))
        if node.type_parameters is not None:
            push((node.type_parameters, node, frame))
        push((node.name, node, frame))
        for decorator in reversed(node.decorators):
            push((decorator, node, frame))
        return True

    def _lambda(self, node: cst.Lambda, parent, frame: Frame, push) -> bool:
        inner = Frame(FrameKind.LAMBDA, node, frame, self._child_qualname(frame, "<lambda>"))
        self.result.frame_by_node[node] = inner
        self._bind_params(node.params, inner)
        push((node.body, node, inner))
        push((node.params, node, frame))
        return True

    def _class(self, node: cst.ClassDef, parent, frame: Frame, push) -> bool:
        name = node.name.value
        qualname = self._child_qualname(frame, name)
        info = ClassInfo(
            node=node,
            name=name,
            qualname=qualname,
            parent=frame,
            bases=tuple(arg.value for arg in node.bases),
        )
        inner = Frame(FrameKind.CLASS, node, frame, qualname, klass=info)
        info.frame = inner
        self.result.classes.append(info)
        self.result.class_by_node[node] = info
        self.result.frame_by_node[node] = inner
        frame.bind(Binding(name, BindingKind.CLASS, node, qualname=qualname))
        push((node.body, node, inner))
        for keyword in reversed(node.keywords):
            push((keyword, node, frame))
        for base in reversed(node.bases):
            push((base, node, frame))
        if node.type_parameters is not None:
            push((node.type_parameters, node, frame))
        push((node.name, node, frame))
        for decorator in reversed(node.decorators):
            push((decorator, node, frame))
        return True

    def _comprehension(self, node, parent, frame: Frame, push) -> bool:
        inner = Frame(FrameKind.COMPREHENSION, node, frame, frame.qualname)
        self.result.frame_by_node[node] = inner
        children = list(iter_children(node))
        for child in reversed(children):
            push((child, node, inner))
        return True

    # -- binding nodes: they record names, the generic code pushes their children --------

    def _import(self, node: cst.Import, parent, frame: Frame, push) -> bool:
        for alias in node.names:
            dotted = _dotted(alias.name)
            if dotted is None:
                continue
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                frame.bind(
                    Binding(alias.asname.name.value, BindingKind.IMPORT, alias, qualname=dotted)
                )
            else:
                top = dotted.partition(".")[0]
                frame.bind(Binding(top, BindingKind.IMPORT, alias, qualname=top))
        return False

    def _import_from(self, node: cst.ImportFrom, parent, frame: Frame, push) -> bool:
        module = self.resolve_from_module(node)
        if module is None:
            return False
        if isinstance(node.names, cst.ImportStar):
            frame.bind(Binding("*", BindingKind.STAR_IMPORT, node, qualname=module))
            return False
        for alias in node.names:
            if not isinstance(alias.name, cst.Name):
                continue
            imported = alias.name.value
            local = imported
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            qualname = f"{module}.{imported}" if module else imported
            frame.bind(Binding(local, BindingKind.IMPORT, alias, qualname=qualname))
        return False

    def resolve_from_module(self, node: cst.ImportFrom) -> str | None:
        level = len(node.relative)
        name = _dotted(node.module) if node.module is not None else ""
        if name is None:
            return None
        if level == 0:
            return name
        parts = self.package.split(".") if self.package else []
        if level - 1 > len(parts):
            return None
        base_parts = parts[: len(parts) - (level - 1)] if level > 1 else parts
        base = ".".join(base_parts)
        if not name:
            return base
        return f"{base}.{name}" if base else name

    def _assign(self, node: cst.Assign, parent, frame: Frame, push) -> bool:
        for target in node.targets:
            self._bind_target(target.target, node.value, node, frame)
        return False

    def _ann_assign(self, node: cst.AnnAssign, parent, frame: Frame, push) -> bool:
        target = node.target
        annotation = node.annotation.annotation
        if isinstance(target, cst.Name):
            frame.bind(
                Binding(
                    target.value,
                    BindingKind.ASSIGN,
                    node,
                    value=node.value,
                    annotation=annotation,
                )
            )
            if frame.kind is FrameKind.CLASS and frame.klass is not None:
                frame.klass.attribute_annotations[target.value] = annotation
        elif isinstance(target, cst.Attribute):
            klass, attr = self._self_attribute(target, frame)
            if klass is not None:
                klass.attribute_annotations.setdefault(attr, annotation)
                if node.value is not None:
                    klass.attribute_values.setdefault(attr, []).append(node.value)
        return False

    def _type_alias(self, node, parent, frame: Frame, push) -> bool:
        # `type X = ...` (Python 3.12): X names the annotation on the right.
        if isinstance(node.name, cst.Name):
            frame.bind(Binding(node.name.value, BindingKind.ASSIGN, node, value=node.value))
        return False

    def _aug_assign(self, node: cst.AugAssign, parent, frame: Frame, push) -> bool:
        if isinstance(node.target, cst.Name):
            frame.bind(Binding(node.target.value, BindingKind.ASSIGN, node, opaque=True))
        return False

    def _named_expr(self, node: cst.NamedExpr, parent, frame: Frame, push) -> bool:
        if isinstance(node.target, cst.Name):
            # A walrus in a comprehension binds in the enclosing function scope.
            target_frame = frame
            while target_frame.kind is FrameKind.COMPREHENSION and target_frame.parent is not None:
                target_frame = target_frame.parent
            target_frame.bind(
                Binding(node.target.value, BindingKind.ASSIGN, node, value=node.value)
            )
        return False

    def _for(self, node: cst.For, parent, frame: Frame, push) -> bool:
        names: list[tuple[cst.Name, bool]] = []
        _target_names(node.target, names, False)
        for name, _ in names:
            frame.bind(Binding(name.value, BindingKind.LOOP, node, opaque=True))
        if node.asynchronous is not None:
            self._mark_await(frame)
        return False

    def _comp_for(self, node: cst.CompFor, parent, frame: Frame, push) -> bool:
        names: list[tuple[cst.Name, bool]] = []
        _target_names(node.target, names, False)
        for name, _ in names:
            frame.bind(Binding(name.value, BindingKind.LOOP, node, opaque=True))
        if node.asynchronous is not None:
            self._mark_await(frame)
        return False

    def _with(self, node: cst.With, parent, frame: Frame, push) -> bool:
        for item in node.items:
            if item.asname is not None:
                names: list[tuple[cst.Name, bool]] = []
                _target_names(item.asname.name, names, False)
                for name, opaque in names:
                    frame.bind(
                        Binding(name.value, BindingKind.WITH, item, value=item.item, opaque=opaque)
                    )
        if node.asynchronous is not None:
            self._mark_await(frame)
        return False

    def _except(self, node, parent, frame: Frame, push) -> bool:
        if node.name is not None and isinstance(node.name.name, cst.Name):
            frame.bind(
                Binding(
                    node.name.name.value, BindingKind.EXCEPT, node, value=node.type, opaque=True
                )
            )
        return False

    def _global(self, node, parent, frame: Frame, push) -> bool:
        for item in node.names:
            frame.bind(Binding(item.name.value, BindingKind.GLOBAL, node, opaque=True))
        return False

    def _await(self, node, parent, frame: Frame, push) -> bool:
        self._mark_await(frame)
        return False

    def _yield(self, node, parent, frame: Frame, push) -> bool:
        function = frame.executing_function
        if function is not None and function.function is not None:
            function.function.is_generator = True
        return False

    # -- helpers ------------------------------------------------------------------------

    def _mark_await(self, frame: Frame) -> None:
        function = frame.executing_function
        if function is not None and function.function is not None:
            function.function.has_await = True

    def _child_qualname(self, frame: Frame, name: str) -> str:
        if frame.kind is FrameKind.MODULE:
            return name
        if frame.kind is FrameKind.CLASS:
            return f"{frame.qualname}.{name}"
        return f"{frame.qualname}.<locals>.{name}"

    def _bind_params(self, params: cst.Parameters, frame: Frame) -> None:
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            frame.bind(
                Binding(
                    param.name.value,
                    BindingKind.PARAM,
                    param,
                    value=param.default,
                    annotation=param.annotation.annotation if param.annotation else None,
                )
            )
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                frame.bind(Binding(star.name.value, BindingKind.PARAM, star, opaque=True))

    def _bind_target(self, target, value, node, frame: Frame) -> None:
        if isinstance(target, cst.Name):
            frame.bind(Binding(target.value, BindingKind.ASSIGN, node, value=value))
            return
        if isinstance(target, cst.Attribute):
            klass, attr = self._self_attribute(target, frame)
            if klass is not None:
                klass.attribute_values.setdefault(attr, []).append(value)
            elif isinstance(target.value, cst.Attribute) and target.value.attr.value == "state":
                self.result.state_values.setdefault(target.attr.value, []).append(value)
            return
        names: list[tuple[cst.Name, bool]] = []
        _target_names(target, names, True)
        for name, _ in names:
            frame.bind(Binding(name.value, BindingKind.ASSIGN, node, opaque=True))

    def _self_attribute(self, target: cst.Attribute, frame: Frame):
        """``self.x`` inside a method: (the class, "x"), else (None, "")."""
        function = frame.enclosing_function
        if function is None or function.klass is None or not isinstance(target.value, cst.Name):
            return None, ""
        params = function.node.params
        first = (params.posonly_params or params.params or (None,))[0]
        if first is None or first.name.value != target.value.value:
            return None, ""
        return function.klass, target.attr.value


_special_handlers: dict[type, object] = {}


def _special() -> dict[type, object]:
    """Handlers of the node types that open scopes or bind names (built on first use)."""
    if not _special_handlers:
        _special_handlers.update(
            {
                cst.FunctionDef: _Walker._function,
                cst.Lambda: _Walker._lambda,
                cst.ClassDef: _Walker._class,
                cst.ListComp: _Walker._comprehension,
                cst.SetComp: _Walker._comprehension,
                cst.DictComp: _Walker._comprehension,
                cst.GeneratorExp: _Walker._comprehension,
                cst.Import: _Walker._import,
                cst.ImportFrom: _Walker._import_from,
                cst.Assign: _Walker._assign,
                cst.AnnAssign: _Walker._ann_assign,
                cst.AugAssign: _Walker._aug_assign,
                cst.TypeAlias: _Walker._type_alias,
                cst.NamedExpr: _Walker._named_expr,
                cst.For: _Walker._for,
                cst.CompFor: _Walker._comp_for,
                cst.With: _Walker._with,
                cst.ExceptHandler: _Walker._except,
                cst.ExceptStarHandler: _Walker._except,
                cst.Global: _Walker._global,
                cst.Nonlocal: _Walker._global,
                cst.Await: _Walker._await,
                cst.Yield: _Walker._yield,
            }
        )
    return _special_handlers


def walk_module(
    module: cst.Module, module_name: str, is_package: bool, wanted: frozenset[type]
) -> WalkResult:
    return _Walker(module_name, is_package, wanted).run(module)
