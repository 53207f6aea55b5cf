"""Run-time type tests for `ts.isinstance`: does a Python value have a given ts type?

Containers are checked element by element (run-time values carry no static element type);
tensors by rank, sizes and dtype where the type states them. Devices are strings at run time,
so `!ts.device` and `!ts.str` cannot be told apart.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from xdsl.ir import Attribute

from tsjit.dialects.ts import types as t
from tsjit.runtime import Future, ScriptObject

Check = Callable[[Any], bool]


def matcher(type_: Attribute) -> Check:
    """A predicate telling whether a run-time value is of `type_`."""
    simple = _SIMPLE.get(type(type_))
    if simple is not None:
        return simple
    match type_:
        case t.TensorType():
            return _tensor(type_)
        case t.ListType():
            elt = matcher(type_.element_type)
            return lambda v: isinstance(v, list) and all(elt(x) for x in v)
        case t.TupleType():
            elts = tuple(matcher(e) for e in type_.types.data)
            return lambda v: isinstance(v, tuple) and len(v) == len(elts) and all(c(x) for c, x in zip(elts, v))
        case t.DictType():
            key, value = matcher(type_.key_type), matcher(type_.value_type)
            return lambda v: isinstance(v, dict) and all(key(k) and value(x) for k, x in v.items())
        case t.OptionalType():
            elt = matcher(type_.element_type)
            return lambda v: v is None or elt(v)
        case t.UnionType():
            members = tuple(matcher(m) for m in type_.types.data)
            return lambda v: any(c(v) for c in members)
        case t.ClassType():
            name = type_.class_name.data
            return lambda v: isinstance(v, ScriptObject) and v._class_name == name
    raise ValueError(f"no run-time test for type {type_}")


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float)


_SIMPLE: dict[type, Check] = {
    t.IntType: _is_int,
    t.FloatType: lambda v: isinstance(v, float),
    t.BoolType: lambda v: isinstance(v, bool),
    t.NumberType: _is_number,
    t.StrType: lambda v: isinstance(v, str),
    t.DeviceType: lambda v: isinstance(v, str),
    t.NoneType: lambda v: v is None,
    t.AnyType: lambda v: True,
    t.FutureType: lambda v: isinstance(v, Future),
}


def _tensor(type_: t.TensorType) -> Check:
    sizes = type_.sizes
    dtype = None
    if type_.element_type is not None:
        from tsjit.dialects.ts.constant import numpy_dtype

        dtype = numpy_dtype(type_.element_type)

    def check(v: Any) -> bool:
        if not isinstance(v, np.ndarray):
            return False
        if dtype is not None and v.dtype != dtype:
            return False
        if sizes is None:
            return True
        return v.ndim == len(sizes) and all(d == t.DYNAMIC or d == s for d, s in zip(sizes, v.shape))

    return check
