"""Dataclasses to and from plain JSON data (the cache and worker processes never use pickle).

A dataclass becomes a list of its field values in declaration order; nested dataclasses, lists,
tuples and dicts with string keys are converted recursively from the field annotations.
Converters are generated once per class as straight-line code: reading a warm cache of a large
project converts hundreds of thousands of records, so per-field closures would dominate it.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")

_PLAIN = (str, int, float, bool, type(None), Any)


def to_data(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return [to_data(getattr(obj, f.name)) for f in _fields(type(obj))]
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [to_data(item) for item in obj]
    if isinstance(obj, dict):
        return {key: to_data(value) for key, value in obj.items()}
    return obj


def from_data(cls: type[T], data: Any) -> T:
    return _converter(cls)(data)


@cache
def _fields(cls: type) -> tuple[dataclasses.Field, ...]:
    return tuple(f for f in dataclasses.fields(cls) if f.init)


def _is_plain(tp: Any) -> bool:
    """Values of this annotation are JSON values already (no conversion needed)."""
    if tp in _PLAIN:
        return True
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        return all(_is_plain(a) for a in args)
    if origin is list:
        return not args or _is_plain(args[0])
    if origin is dict:
        return len(args) != 2 or _is_plain(args[1])
    return False


@cache
def _converter(tp: Any):  # one branch per kind of annotation
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if dataclasses.is_dataclass(tp):
        return _dataclass_converter(tp)
    if _is_plain(tp):
        return _identity
    if origin in (typing.Union, types.UnionType):
        non_none = [a for a in args if a is not type(None)]
        if len(non_none) == 1:
            inner = _converter(non_none[0])
            return lambda data: None if data is None else inner(data)
        return _identity
    if origin in (list, tuple, set, frozenset):
        if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
            inner = _converter(args[0])
            return lambda data: tuple([inner(item) for item in data])
        if origin is tuple and args:
            convs = [_converter(a) for a in args]
            return lambda data: tuple(c(item) for c, item in zip(convs, data, strict=True))
        inner = _converter(args[0]) if args else _identity
        if origin is list:
            return lambda data: [inner(item) for item in data]
        return lambda data: origin(inner(item) for item in data)
    if origin is dict:
        value_conv = _converter(args[1]) if len(args) == 2 else _identity
        return lambda data: {key: value_conv(value) for key, value in data.items()}
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp
    return _identity


def _identity(data: Any) -> Any:
    return data


def _dataclass_converter(cls: type):
    """``lambda d: cls(d[0], conv1(d[1]), ...)`` generated for ``cls``'s fields."""
    hints = typing.get_type_hints(cls)
    fields = _fields(cls)
    # A class may build its instances from data itself (``__from_data__``, positional fields).
    factory = cls.__dict__.get("__from_data__")
    namespace: dict[str, Any] = {
        "cls": factory.__get__(None, cls) if factory is not None else cls,
        "len": len,
        "ValueError": ValueError,
    }
    arguments = []
    for index, f in enumerate(fields):
        conv = _converter(hints[f.name])
        if conv is _identity:
            arguments.append(f"d[{index}]")
        else:
            namespace[f"c{index}"] = conv
            arguments.append(f"c{index}(d[{index}])")
    source = (
        "def convert(d):\n"
        f"    if len(d) != {len(fields)}:\n"
        f"        raise ValueError('expected {len(fields)} fields for {cls.__name__}')\n"
        f"    return cls({', '.join(arguments)})\n"
    )
    exec(source, namespace)  # generated from our own dataclass definitions only
    return namespace["convert"]
