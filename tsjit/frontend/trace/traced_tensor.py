"""How eager tensors behave while a trace records: the Tensor methods swapped in for its duration.

Eager indexing runs numpy's `a[key]` directly, which records nothing, so during a trace
`x[key]` and `x[key] = v` are composed from kernels (select, slice, unsqueeze, index, copy_,
fill_, index_put_) with numpy's semantics unchanged. Sizes become TracedInts, and converting
a tensor to a Python value warns, as TorchScript's tracer does, because the value is baked in.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from tsjit.frontend.trace import state
from tsjit.frontend.trace.traced_int import size_of
from tsjit.frontend.trace.user_frame import warn
from tsjit.ops import EAGER as K
from tsjit.eager.core import _operand, _wrap
from tsjit.eager.tensor_class import Tensor
from tsjit.eager.meta import Size

_CONVERSION = ("Converting a tensor to a Python {} might cause the trace to be incorrect. We can't record the data "
               "flow of Python values, so this value will be treated as a constant in the future. This means that "
               "the trace might not generalize to other inputs!")
_LEN = ("Using len to get tensor shape might cause the trace to be incorrect. Recommended usage would be "
        "tensor.shape[0]. Passing a tensor of different shape might lead to errors or silently give incorrect "
        "results.")
_TENSOR_CONSTANT = ("torch.tensor results are registered as constants in the trace. You can safely ignore this "
                    "warning if you use this function to create tensors out of constant variables that would be the "
                    "same every time you call this function. In any other case, this might cause the trace to be "
                    "incorrect.")


class TracerWarning(Warning):
    """A trace may not generalise to other inputs (a value was baked in, outputs differed, ...)."""


def _warning(message: str, original):
    def method(*args, **kwargs):
        if state.current() is not None:
            warn(message, TracerWarning)
        return original(*args, **kwargs)
    method.__name__ = getattr(original, "__name__", "method")
    return method


# ---- sizes ----
def _size(original):
    def size(self, dim=None):
        a = self._data
        if dim is None:
            return Size(size_of(a, d) for d in range(a.ndim))
        if type(dim) is int and -a.ndim <= dim < a.ndim:
            return size_of(a, dim)
        return original(self, dim)
    return size


# ---- indexing ----
def _is_basic(k: Any) -> bool:
    return k is None or k is Ellipsis or type(k) is slice or (isinstance(k, int) and not isinstance(k, bool))


def _consumed(k: Any) -> int:
    """How many dims of the indexed tensor an index item uses up."""
    if k is None or k is Ellipsis:
        return 0
    if isinstance(k, Tensor) and k._data.dtype == np.bool_:
        return k._data.ndim
    return 1


def _int_index(k: Tensor) -> Any:
    a = k._data
    return int(a) if a.ndim == 0 and a.dtype.kind in "iu" else a  # a 0-d int tensor selects, like an int


def _slice(a: np.ndarray, dim: int, s: slice) -> np.ndarray:
    if s.step is not None and s.step <= 0:
        raise ValueError("step must be greater than zero")
    if s.start is None and s.stop is None and s.step is None:
        return a
    return K["slice"](a, dim, s.start, s.stop, 1 if s.step is None else s.step)


def _apply(a: np.ndarray, key: tuple) -> tuple[np.ndarray, list | None]:
    """Apply the basic items of `key`; with advanced items, also the index list for `index`."""
    key = tuple(_int_index(k) if isinstance(k, Tensor) and k._data.ndim == 0 and k._data.dtype.kind in "iu"
                else k for k in key)
    advanced = not all(_is_basic(k) for k in key)
    entries: list = []
    dim = 0
    for i, k in enumerate(key):
        if k is Ellipsis:
            n = a.ndim - dim - sum(_consumed(r) for r in key[i + 1:])
            entries += [None] * n
            dim += n
        elif k is None:
            a = K["unsqueeze"](a, dim)
            entries.append(None)
            dim += 1
        elif type(k) is slice:
            a = _slice(a, dim, k)
            entries.append(None)
            dim += 1
        elif isinstance(k, int) and not isinstance(k, bool) and not advanced:
            a = K["select"](a, dim, k)
        else:
            entries.append(_index_array(k))
            dim += _consumed(k)
    if not advanced:
        return a, None
    while entries and entries[-1] is None:
        entries.pop()
    return a, entries


def _index_array(k: Any) -> np.ndarray:
    if isinstance(k, Tensor):
        return k._data
    if isinstance(k, list) and any(isinstance(x, Tensor) for x in k):
        return np.array([x._data if isinstance(x, Tensor) else x for x in k])
    return np.asarray(k, dtype=np.int64 if isinstance(k, int) and not isinstance(k, bool) else None)


def getitem(self, key) -> Tensor:
    a, entries = _apply(self._data, key if type(key) is tuple else (key,))
    return _wrap(a if entries is None else K["index"](a, entries))


def setitem(self, key, value) -> None:
    view, entries = _apply(self._data, key if type(key) is tuple else (key,))
    v = _operand(value)
    if entries is not None:
        values = v if isinstance(v, np.ndarray) else K["num_to_tensor"](v)
        K["index_put_"](view, entries, values, False)
    elif isinstance(v, np.ndarray):
        K["copy_"](view, v)
    else:
        K["fill_"](view, v)


def overrides() -> list[tuple[Any, str, Any]]:
    """(owner, attribute, replacement) for every swap a trace makes."""
    import sys

    from tsjit import eager
    from tsjit.eager import functions

    conversions = {"__bool__": "boolean", "__int__": "integer", "__float__": "float", "__index__": "index",
                   "item": "number", "tolist": "list"}
    swaps = [(Tensor, name, _warning(_CONVERSION.format(what), getattr(Tensor, name)))
             for name, what in conversions.items()]
    swaps += [
        (Tensor, "__len__", _warning(_LEN, Tensor.__len__)),
        (Tensor, "size", _size(Tensor.size)),
        (Tensor, "shape", property(lambda self: self.size())),
        (Tensor, "__getitem__", getitem),
        (Tensor, "__setitem__", setitem),
    ]
    swaps += [(owner, "tensor", _warning(_TENSOR_CONSTANT, functions.tensor)) for owner in (sys.modules["tsjit"], eager, functions)]
    return swaps


__all__ = ["TracerWarning", "overrides", "warn"]
