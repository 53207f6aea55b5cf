"""Python annotations and Python values -> ts types (TorchScript's type resolution and inference).

An unannotated parameter is a Tensor; `[]` and `{}` default to List[Tensor] / Dict[str, Tensor];
module attributes get their type from their value unless the class annotates them.
"""
from __future__ import annotations

import collections.abc
import enum
import typing
from typing import Any

from xdsl.ir import Attribute

from tsjit.dialects.ts.types import (
    AnyType,
    BoolType,
    DeviceType,
    DictType,
    FloatType,
    FutureType,
    IntType,
    ListType,
    NoneType,
    NumberType,
    OptionalType,
    StrType,
    TensorType,
    TupleType,
    UnionType,
    join_types,
)

_SIMPLE: dict[Any, Attribute] = {
    int: IntType(), float: FloatType(), bool: BoolType(), str: StrType(), type(None): NoneType(),
    None: NoneType(), typing.Any: AnyType(), complex: NumberType(),
}


class NotAType(Exception):
    """The annotation names no TorchScript type."""


def is_final(ann: Any) -> bool:
    return ann is typing.Final or typing.get_origin(ann) is typing.Final


def resolve_annotation(ann: Any, resolve_class=None) -> Attribute:
    """A Python annotation object (`List[int]`, `Optional[Tensor]`, `tsjit.Tensor`, a script class)."""
    from tsjit.eager import Tensor, device

    if ann in _SIMPLE:
        return _SIMPLE[ann]
    if ann is Tensor or getattr(ann, "__name__", None) in ("Tensor", "Parameter") and \
            getattr(ann, "__module__", "").startswith(("tsjit", "torch")):
        return TensorType()
    if ann is device or getattr(ann, "__name__", None) == "device":
        return DeviceType()
    if getattr(ann, "__name__", None) == "dtype" and getattr(ann, "__module__", "").startswith("tsjit"):
        return IntType()
    if isinstance(ann, type) and issubclass(ann, enum.Enum):
        from tsjit.frontend.script.enums import enum_type

        return enum_type(ann)
    origin, args = typing.get_origin(ann), typing.get_args(ann)
    if origin is typing.Final:
        return resolve_annotation(args[0], resolve_class) if args else AnyType()
    if origin in (list, typing.List, collections.abc.Sequence) and args:
        return ListType(resolve_annotation(args[0], resolve_class))
    if origin in (tuple, typing.Tuple):
        if len(args) == 2 and args[1] is Ellipsis:
            raise NotAType("Tuple[T, ...] is not supported; give every element type")
        if args == ((),):
            return TupleType([])
        return TupleType([resolve_annotation(a, resolve_class) for a in args])
    if origin in (dict, typing.Dict) and len(args) == 2:
        return DictType(resolve_annotation(args[0], resolve_class), resolve_annotation(args[1], resolve_class))
    if origin is typing.Union or (hasattr(__import__("types"), "UnionType")
                                  and isinstance(ann, __import__("types").UnionType)):
        members = [resolve_annotation(a, resolve_class) for a in args]
        others = [m for m in members if not isinstance(m, NoneType)]
        if len(others) == 1 and len(members) == 2:
            return OptionalType(others[0])
        return UnionType(members)
    if getattr(ann, "__name__", None) == "Future" and args:
        return FutureType(resolve_annotation(args[0], resolve_class))
    if resolve_class is not None and isinstance(ann, type):
        found = resolve_class(ann)
        if found is not None:
            return found
    raise NotAType(f"Unknown type annotation: '{getattr(ann, '__name__', ann)}'")


def type_of_value(value: Any, resolve_class=None) -> Attribute:
    """The TorchScript type inferred for a Python value (module attributes, captured constants)."""
    from tsjit.dtypes import dtype
    from tsjit.eager import Tensor, device

    if isinstance(value, enum.Enum):
        from tsjit.frontend.script.enums import enum_type

        return enum_type(type(value))
    if isinstance(value, bool):
        return BoolType()
    if isinstance(value, int):
        return IntType()
    if isinstance(value, float):
        return FloatType()
    if isinstance(value, str):
        return StrType()
    if value is None:
        return NoneType()
    if isinstance(value, Tensor):
        return TensorType()
    if isinstance(value, device):
        return DeviceType()
    if isinstance(value, dtype):
        return IntType()
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return TupleType([type_of_value(v, resolve_class) for v in value])
    if isinstance(value, list):
        if not value:
            raise NotAType("Cannot infer the element type of an empty list; annotate the attribute")
        return ListType(_join_all([type_of_value(v, resolve_class) for v in value]))
    if isinstance(value, dict):
        if not value:
            raise NotAType("Cannot infer the key and value types of an empty dict; annotate the attribute")
        return DictType(_join_all([type_of_value(k, resolve_class) for k in value]),
                        _join_all([type_of_value(v, resolve_class) for v in value.values()]))
    if resolve_class is not None:
        found = resolve_class(type(value))
        if found is not None:
            return found
    raise NotAType(f"failed to convert Python type: '{type(value).__name__}' to a TorchScript type")


def _join_all(types: list[Attribute]) -> Attribute:
    out = types[0]
    for t in types[1:]:
        joined = join_types(out, t)
        if joined is None:
            raise NotAType(f"values of different types {out} and {t} in one container")
        out = joined
    return out
