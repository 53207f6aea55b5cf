"""Crossing the boundary of compiled code: eager values in, run-time values out (tsjit/runtime.py)."""
from __future__ import annotations

from typing import Any

import numpy as np

from tsjit.dialects.ts.types import TensorType
from tsjit.dtypes import dtype
from tsjit.runtime import Future, ScriptObject
from tsjit.eager.core import _wrap
from tsjit.eager.tensor_class import Tensor
from tsjit.eager.meta import device


def to_runtime(value: Any) -> Any:
    """tsjit.Tensor -> ndarray, script modules -> their objects, containers element-wise."""
    if isinstance(value, Tensor):
        return value._data
    if isinstance(value, list):
        return [to_runtime(v) for v in value]
    if isinstance(value, tuple):
        return tuple(to_runtime(v) for v in value)
    if isinstance(value, dict):
        return {to_runtime(k): to_runtime(v) for k, v in value.items()}
    c = getattr(value, "_c", None)
    if isinstance(c, ScriptObject):
        return c
    if isinstance(value, dtype):
        return value.code
    if isinstance(value, device):
        return str(value)
    if isinstance(value, Future):
        return Future.deferred(lambda: to_runtime(value.wait()))
    return value


def from_runtime(value: Any, python_type: Any = None) -> Any:
    """ndarray -> tsjit.Tensor, containers element-wise; NamedTuple results rebuilt from tuples."""
    if isinstance(value, np.ndarray):
        return _wrap(value)
    if isinstance(value, list):
        return [from_runtime(v) for v in value]
    if isinstance(value, tuple):
        items = tuple(from_runtime(v) for v in value)
        if isinstance(python_type, type) and issubclass(python_type, tuple) and hasattr(python_type, "_fields"):
            return python_type(*items)
        return items
    if isinstance(value, dict):
        return {from_runtime(k): from_runtime(v) for k, v in value.items()}
    if isinstance(value, Future):
        return Future.deferred(lambda: from_runtime(value.wait()))
    return value


def converter_in(t) -> Any:
    """A fast converter for one parameter: tensors are the common case."""
    if isinstance(t, TensorType):
        def tensor(v):
            if not isinstance(v, Tensor):
                raise RuntimeError(f"Expected a value of type 'Tensor' but instead found type '{type(v).__name__}'.")
            return v._data

        return tensor
    return to_runtime


def converter_out(t, python_type: Any = None) -> Any:
    if isinstance(t, TensorType):
        return _wrap
    return lambda v: from_runtime(v, python_type)
