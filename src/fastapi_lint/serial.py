"""Dataclasses to and from plain JSON data (the cache and worker processes never use pickle).

A dataclass becomes a list of its field values in declaration order; nested dataclasses, lists,
tuples and dicts with string keys are converted recursively from the field annotations.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")


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


@cache
def _converter(tp: Any):
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        fields = _fields(tp)
        converters = [_converter(hints[f.name]) for f in fields]

        def convert_dataclass(data: Any) -> Any:
            _expect(data, list, tp)
            return tp(*[conv(value) for conv, value in zip(converters, data, strict=True)])

        return convert_dataclass
    if origin in (typing.Union, types.UnionType):
        non_none = [a for a in args if a is not type(None)]
        if len(non_none) == 1:
            inner = _converter(non_none[0])
            return lambda data: None if data is None else inner(data)
        return lambda data: data
    if origin in (list, tuple, set, frozenset):
        if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
            inner = _converter(args[0])
            return lambda data: tuple(inner(item) for item in _expect(data, list, tp))
        if origin is tuple and args:
            convs = [_converter(a) for a in args]
            return lambda data: tuple(
                c(item) for c, item in zip(convs, _expect(data, list, tp), strict=True)
            )
        inner = _converter(args[0]) if args else (lambda data: data)
        return lambda data: origin(inner(item) for item in _expect(data, list, tp))
    if origin is dict:
        value_conv = _converter(args[1]) if len(args) == 2 else (lambda data: data)
        key_conv = _converter(args[0]) if args and args[0] is str else (lambda data: data)
        return lambda data: {
            key_conv(key): value_conv(value) for key, value in _expect(data, dict, tp).items()
        }
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp
    if tp in _SCALARS:
        # Data from a cache file is untrusted: a value of the wrong type is refused here,
        # not found later as a crash in a rule.
        accepted = _SCALARS[tp]
        return lambda data: data if type(data) in accepted else _refuse(data, tp)
    return lambda data: data


_SCALARS: dict[Any, tuple[type, ...]] = {
    str: (str,),
    int: (int,),
    float: (float, int),
    bool: (bool,),
}


def _expect(data: Any, kind: type, tp: Any) -> Any:
    if not isinstance(data, kind):
        _refuse(data, tp)
    return data


def _refuse(data: Any, tp: Any) -> Any:
    raise TypeError(f"expected {tp}, got {type(data).__name__}")
