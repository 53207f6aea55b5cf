"""Run-time pieces of script features that have no ts op of their own (`ts.generic "tsjit::..."`).

The numpy backend hands a `ts.generic` whose name starts with `tsjit::` to `_prepare` here:
`tolist` (its expected list depth and element type in the name, checked as TorchScript does at
run time), and dicts keyed by tensors, which TorchScript compares by identity while numpy arrays
are not even hashable (`TensorKeyDict`).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from tsjit.backends.numpy.ops.misc import GENERIC_PREFIXES
from tsjit.dtypes import is_float
from tsjit.frontend.script.tensor_containers import PREFIX
from tsjit.kernels.promotion import torch_name

#: tolist's annotated element type -> (TorchScript's name for it, does a numpy dtype fit it)
_TOLIST_ELEMENTS = {
    "float": ("Float", lambda dt: is_float(dt)),
    "int": ("Long", lambda dt: dt == np.int64),
    "bool": ("Bool", lambda dt: dt == np.bool_),
}


def _tolist(depth: int, element: str):
    expected, fits = _TOLIST_ELEMENTS[element]

    def tolist(array: np.ndarray) -> Any:
        if array.ndim != depth:
            raise RuntimeError("Output annotation list dimension and runtime tensor dimension must match for "
                               "tolist()")
        if not fits(array.dtype):
            raise RuntimeError(f"Output annotation element type and runtime tensor element type must match for "
                               f"tolist(): {expected} vs {torch_name(array.dtype)}")
        return array.tolist()

    return tolist


class _Key:
    """A tensor as a dict key: hashed and compared by identity (TorchScript's Dict[Tensor, V])."""

    __slots__ = ("array",)

    def __init__(self, array: Any):
        self.array = array

    def __hash__(self) -> int:
        return id(self.array)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Key) and other.array is self.array


class TensorKeyDict(dict):
    """A Dict[Tensor, V] at run time: a dict whose keys are the arrays themselves, by identity."""

    def __init__(self, pairs=()):
        super().__init__()
        for k, v in pairs:
            self[k] = v

    def __getitem__(self, key):
        return dict.__getitem__(self, _Key(key))

    def __setitem__(self, key, value) -> None:
        dict.__setitem__(self, _Key(key), value)

    def __delitem__(self, key) -> None:
        dict.__delitem__(self, _Key(key))

    def __contains__(self, key) -> bool:
        return dict.__contains__(self, _Key(key))

    def __iter__(self):
        return (k.array for k in dict.__iter__(self))

    def keys(self):
        return [k.array for k in dict.keys(self)]

    def items(self):
        return [(k.array, v) for k, v in dict.items(self)]

    def get(self, key, default=None):
        return dict.get(self, _Key(key), default)

    def pop(self, key, *default):
        return dict.pop(self, _Key(key), *default)

    def copy(self):
        return TensorKeyDict(self.items())

    def __repr__(self) -> str:
        return "{" + ", ".join(f"{k!r}: {v!r}" for k, v in self.items()) + "}"


def _construct(*flat: Any) -> TensorKeyDict:
    return TensorKeyDict(zip(flat[0::2], flat[1::2]))


_FIXED = {
    "tensor_dict": _construct,
    "tensor_dict_get": lambda d, k, default: d.get(k, default),
    "tensor_dict_pop": lambda d, k: d.pop(k),
}


def _prepare(op_name: str):
    name = op_name[len(PREFIX):]
    if name in _FIXED:
        return _FIXED[name]
    if name.startswith("tolist."):
        _, depth, element = name.split(".")
        return _tolist(int(depth), element)
    raise RuntimeError(f"unknown run-time op {op_name}")


GENERIC_PREFIXES[PREFIX] = _prepare
