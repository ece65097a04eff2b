"""Function parameters the way FastAPI reads them: annotation, ``Annotated`` metadata, markers.

``signature(ctx, function)`` gives one ``ParamInfo`` per parameter: where FastAPI will look for
it (``Depends``/``Security``/``Query``/``Path``/... in a default value, in ``Annotated[...]``, or
in a module-level ``Annotated`` alias), the class its annotation names, and its default.
Computed once per function and shared by rules and the module summary.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi_lint.analysis.fastapi_model import keyword_argument
from fastapi_lint.analysis.inference import BUILTIN_NAMES, Resolver, string_value
from fastapi_lint.analysis.knowledge.names import (
    ANNOTATED,
    DEPENDENCY_MARKERS,
    PARAM_MARKERS,
    canonical,
)
from fastapi_lint.analysis.module_summary import MarkerSummary, ParamSummary
from fastapi_lint.analysis.scope import Frame, FunctionInfo
from fastapi_lint.core.lazy import cst

MARKERS = DEPENDENCY_MARKERS | PARAM_MARKERS


@dataclass(slots=True, eq=False)
class MarkerInfo:
    call: cst.Call
    kind: str  # canonical qualified name of the marker: "fastapi.Depends", "fastapi.Query"...
    in_annotated: bool  # inside `Annotated[...]` (else: the parameter's default value)
    dependency: cst.BaseExpression | None = None  # Depends(x): x (None: the annotation)
    dependency_name: str | None = None
    alias: str | None = None
    opaque: bool = False
    # The marker's own default (`Query("x")`, `Query(default=None)`); None when absent or `...`.
    default: cst.BaseExpression | None = None
    default_arg: cst.Arg | None = None  # the argument holding it (also for `...`)

    @property
    def is_dependency(self) -> bool:
        return self.kind in DEPENDENCY_MARKERS


@dataclass(slots=True, eq=False)
class ParamInfo:
    param: cst.Param
    name: str
    kind: str  # "posonly", "normal", "kwonly", "varargs", "varkw"
    annotation: cst.BaseExpression | None  # as written
    # The type inside `Annotated[T, ...]` (also through a local alias), else the annotation.
    type_expr: cst.BaseExpression | None
    # `Annotated[...]` written in the annotation itself.
    annotated: cst.Subscript | None
    marker: MarkerInfo | None
    default: cst.BaseExpression | None  # the default value, unless it is a marker
    type_name: str | None  # qualified name of the annotation's class (unwrapped)
    annotation_ref: str | None  # qualified name of a name used as the whole annotation
    frame: Frame  # where the annotation and default are evaluated

    @property
    def has_default(self) -> bool:
        """FastAPI sees a default: a plain default value, or one given to the marker."""
        if self.default is not None:
            return True
        return self.marker is not None and self.marker.default is not None


def marker_of(
    resolver: Resolver, call: cst.Call, frame: Frame, in_annotated: bool
) -> MarkerInfo | None:
    kind = resolver.call_target(call, frame)
    if kind is None:
        return None
    kind = canonical(kind)
    if kind not in MARKERS:
        return None
    marker = MarkerInfo(call=call, kind=kind, in_annotated=in_annotated)
    positional = [arg for arg in call.args if arg.keyword is None]
    if any(arg.star for arg in call.args):
        marker.opaque = True
    if kind in DEPENDENCY_MARKERS:
        target = positional[0].value if positional else keyword_argument(call, "dependency")
        marker.dependency = target
        if isinstance(target, cst.Call):
            # `Depends(Checker(...))`: an instance, which FastAPI calls.
            created = resolver.call_target(target, frame)
            marker.dependency_name = f"{created}()" if created else None
        elif target is not None:
            marker.dependency_name = resolver.qualname(target, frame)
        return marker
    default_arg = positional[0] if positional else None
    if default_arg is None:
        default_arg = next(
            (a for a in call.args if a.keyword is not None and a.keyword.value == "default"), None
        )
    if default_arg is not None:
        marker.default_arg = default_arg
        if not isinstance(default_arg.value, cst.Ellipsis):
            marker.default = default_arg.value
    for key in ("alias", "validation_alias"):
        value = keyword_argument(call, key)
        if value is None:
            continue
        text = string_value(value)
        if text is None:
            if not (isinstance(value, cst.Name) and value.value == "None"):
                marker.opaque = True
        else:
            marker.alias = text
    return marker


def _annotated_parts(
    resolver: Resolver, annotation: cst.BaseExpression | None, frame: Frame
) -> tuple[cst.BaseExpression | None, list[cst.BaseExpression]]:
    """(T, metadata) for ``Annotated[T, m1, m2]``, else (annotation, [])."""
    if isinstance(annotation, cst.Subscript) and resolver.qualname(annotation.value, frame) in (
        ANNOTATED,
    ):
        elements = [e.slice.value for e in annotation.slice if isinstance(e.slice, cst.Index)]
        if elements:
            return elements[0], elements[1:]
    return annotation, []


def _local_alias(
    resolver: Resolver, annotation: cst.BaseExpression | None, frame: Frame
) -> tuple[cst.Subscript, Frame] | None:
    """``Dep`` where ``Dep = Annotated[...]`` is bound once in a visible scope (also as
    ``Dep: TypeAlias = ...``, ``type Dep = ...`` or through a chain of aliases)."""
    if not isinstance(annotation, cst.Name):
        return None
    found = resolver.type_alias(annotation.value, frame)
    if found is None:
        return None
    value, scope = found
    if isinstance(value, cst.Subscript) and resolver.qualname(value.value, scope) == ANNOTATED:
        return value, scope
    return None


def _markers_in(
    resolver: Resolver, metadata: list[cst.BaseExpression], frame: Frame
) -> MarkerInfo | None:
    # FastAPI uses the last FastAPI-specific annotation.
    found = None
    for item in metadata:
        if isinstance(item, cst.Call):
            marker = marker_of(resolver, item, frame, in_annotated=True)
            if marker is not None:
                found = marker
    return found


def param_info(resolver: Resolver, param: cst.Param, kind: str, frame: Frame) -> ParamInfo:
    """``frame``: the scope the function is defined in (annotations are evaluated there)."""
    annotation = param.annotation.annotation if param.annotation is not None else None
    type_expr, metadata = _annotated_parts(resolver, annotation, frame)
    annotated = annotation if metadata else None
    marker = _markers_in(resolver, metadata, frame) if metadata else None
    annotation_ref = None
    if not metadata:
        alias = _local_alias(resolver, annotation, frame)
        if alias is not None:
            subscript, scope = alias
            type_expr, alias_metadata = _annotated_parts(resolver, subscript, scope)
            marker = _markers_in(resolver, alias_metadata, scope)
        elif isinstance(annotation, (cst.Name, cst.Attribute)):
            ref = resolver.qualname(annotation, frame)
            if ref is not None and "." in ref and ref not in BUILTIN_NAMES:
                annotation_ref = ref
    default = param.default
    if isinstance(default, cst.Call):
        default_marker = marker_of(resolver, default, frame, in_annotated=False)
        if default_marker is not None:
            marker = default_marker
            default = None
    type_name = None
    if type_expr is not None:
        type_name = resolver.annotation_type(type_expr, frame)
    if marker is not None and marker.is_dependency and marker.dependency is None:
        # `Annotated[T, Depends()]` / `x: T = Depends()`: the class T is the dependency.
        marker.dependency = type_expr
        marker.dependency_name = resolver.qualname(type_expr, frame) if type_expr else None
    return ParamInfo(
        param=param,
        name=param.name.value,
        kind=kind,
        annotation=annotation,
        type_expr=type_expr,
        annotated=annotated,
        marker=marker,
        default=default,
        type_name=type_name,
        annotation_ref=annotation_ref,
        frame=frame,
    )


def function_params(resolver: Resolver, info: FunctionInfo) -> list[ParamInfo]:
    params = info.node.params
    frame = info.parent
    found = [param_info(resolver, p, "posonly", frame) for p in params.posonly_params]
    found.extend(param_info(resolver, p, "normal", frame) for p in params.params)
    if isinstance(params.star_arg, cst.Param):
        found.append(param_info(resolver, params.star_arg, "varargs", frame))
    found.extend(param_info(resolver, p, "kwonly", frame) for p in params.kwonly_params)
    if params.star_kwarg is not None:
        found.append(param_info(resolver, params.star_kwarg, "varkw", frame))
    return found


def signature(ctx, info: FunctionInfo) -> list[ParamInfo]:
    """The parameters of ``info`` (computed once per file context)."""
    cache = ctx.state.setdefault("__signatures__", {})
    found = cache.get(info)
    if found is None:
        found = cache[info] = function_params(ctx.resolver, info)
    return found


def marker_summary(marker: MarkerInfo | None) -> MarkerSummary | None:
    if marker is None:
        return None
    dependency = None
    if marker.is_dependency:
        dependency = marker.dependency_name or ""
    return MarkerSummary(
        kind=marker.kind,
        dependency=dependency,
        alias=marker.alias,
        opaque=marker.opaque,
        has_default=marker.default is not None,
    )


def param_summary(info: ParamInfo) -> ParamSummary:
    return ParamSummary(
        name=info.name,
        kind=info.kind,
        annotation=info.type_name,
        annotation_ref=info.annotation_ref,
        marker=marker_summary(info.marker),
        has_default=info.default is not None,
    )


def alias_summary(resolver: Resolver, name: str, value: cst.Subscript, frame: Frame):
    """A module-level ``Name = Annotated[T, marker]`` as the parameter it describes."""
    type_expr, metadata = _annotated_parts(resolver, value, frame)
    if not metadata:
        return None
    marker = _markers_in(resolver, metadata, frame)
    if marker is None:
        return None
    if marker.is_dependency and marker.dependency is None and type_expr is not None:
        marker.dependency = type_expr
        marker.dependency_name = resolver.qualname(type_expr, frame)
    type_name = resolver.annotation_type(type_expr, frame) if type_expr is not None else None
    return ParamSummary(name=name, annotation=type_name, marker=marker_summary(marker))
