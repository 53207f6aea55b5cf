"""Crossing the boundary of compiled code: eager values in, run-time values out (tsjit/runtime.py)."""
from __future__ import annotations

import enum
from typing import Any

import numpy as np

from tsjit.dialects.ts.types import TensorType
from tsjit.frontend.script.enums import ENUM_CLASSES, enum_type
from tsjit.frontend.script.namedtuples import rebuild
from tsjit.dtypes import dtype
from tsjit.runtime import EnumObject, Future, ScriptObject
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
        if any(isinstance(k, Tensor) for k in value):  # Dict[Tensor, V]: keys by identity
            from tsjit.jit.runtime_ops import TensorKeyDict

            return TensorKeyDict((to_runtime(k), to_runtime(v)) for k, v in value.items())
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
    if isinstance(value, enum.Enum):  # a member: an object of the enum's class type (frontend/script/enums.py)
        return EnumObject(enum_type(type(value)).class_name.data, value.name, value.value)
    return value


def from_runtime(value: Any, python_type: Any = None) -> Any:
    """ndarray -> tsjit.Tensor, containers element-wise; the NamedTuples `python_type` names rebuilt."""
    if isinstance(value, np.ndarray):
        return _wrap(value)
    if python_type is device and isinstance(value, str):
        return device(value)
    if python_type is not None:
        return rebuild(value, python_type, from_runtime)
    if isinstance(value, list):
        return [from_runtime(v) for v in value]
    if isinstance(value, tuple):
        return tuple(from_runtime(v) for v in value)
    if isinstance(value, dict):
        return {from_runtime(k): from_runtime(v) for k, v in value.items()}
    if isinstance(value, Future):
        return Future.deferred(lambda: from_runtime(value.wait()))
    if isinstance(value, ScriptObject) and value._class_name in ENUM_CLASSES:
        return ENUM_CLASSES[value._class_name][value.name]
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
