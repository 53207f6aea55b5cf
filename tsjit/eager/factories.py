"""Tensor creation: tensor(), from_numpy(), zeros/ones/full/arange/..., *_like and random tensors.

Sizes are varargs or one sequence (`zeros(2, 3)` == `zeros((2, 3))`). Data given as Python
numbers infers PyTorch's dtypes: floats -> the default dtype (float32), ints -> int64,
bools -> bool. `dtype`, `device` and `requires_grad` are keyword-only, as in PyTorch.
"""
from __future__ import annotations

import numpy as np

from tsjit import dtypes
from tsjit.dtypes import is_float
from tsjit.ops import EAGER as K
from tsjit.eager.core import _arg, _array, _check_device, _wrap
from tsjit.eager.tensor_class import Tensor
from tsjit.eager.shape_methods import _int_list


def _finish(a: np.ndarray, device, requires_grad) -> Tensor:
    _check_device(device)
    t = _wrap(a)
    if requires_grad:
        if not is_float(a.dtype):
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        t.requires_grad = True
    return t


def _code(dtype) -> "int | None":
    return dtypes.to_code(dtype)


def _holds_complex128(data) -> bool:
    """Whether nested data holds a complex128 tensor or array (which keeps its type in a list)."""
    if isinstance(data, Tensor | np.ndarray):
        return data.dtype == dtypes.complex128 or getattr(data, "dtype", None) == np.complex128
    return isinstance(data, list | tuple) and any(_holds_complex128(d) for d in data)


def _infer_array(data) -> np.ndarray:
    """Python data (numbers, nested sequences, tensors) as an array of PyTorch's inferred dtype."""
    if isinstance(data, Tensor):
        return data._data
    if isinstance(data, (np.ndarray, np.generic)):
        return np.asarray(data)
    a = np.array(data)
    kind = a.dtype.kind
    if kind == "f" and a.dtype == np.float64:
        return a.astype(dtypes.get_default_dtype().numpy)
    if kind in "iu":
        return a.astype(np.int64, copy=False)
    if kind in "bf":  # bools, and float32/float16 tensors inside a list
        return a
    if kind == "c":  # Python complex numbers: the default float's complex type
        return a.astype(dtypes.get_default_dtype().to_complex().numpy, copy=False) if a.dtype == np.complex128 \
            and not _holds_complex128(data) else a
    raise TypeError(f"can't build a tensor from {type(data).__name__} data (numpy inferred {a.dtype})")


def tensor(data, dtype=None, device=None, requires_grad=False):
    """A new tensor holding a copy of `data`."""
    a = _infer_array(data)
    a = np.array(a, dtype=None if dtype is None else dtype.numpy, copy=True)
    dtypes.from_numpy(a.dtype)  # an unsupported numpy dtype is an error here, not later
    return _finish(a, device, requires_grad)


def as_tensor(data, dtype=None, device=None):
    """`data` as a tensor, sharing memory with a tensor or array of the right dtype."""
    if isinstance(data, Tensor) and (dtype is None or dtype is data.dtype):
        _check_device(device)
        return data
    a = _infer_array(data)
    if dtype is not None and a.dtype != dtype.numpy:
        a = a.astype(dtype.numpy)
    dtypes.from_numpy(a.dtype)
    return _finish(a, device, False)


def from_numpy(ndarray) -> Tensor:
    """A tensor sharing memory with `ndarray`: writes to either show in the other."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    dtypes.from_numpy(ndarray.dtype)
    return _wrap(ndarray)


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


def zeros(*size, dtype=None, device=None, requires_grad=False):
    return _finish(K["zeros"](_int_list(size), _code(dtype)), device, requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False):
    return _finish(K["ones"](_int_list(size), _code(dtype)), device, requires_grad)


def empty(*size, dtype=None, device=None, requires_grad=False):
    return _finish(K["empty"](_int_list(size), _code(dtype)), device, requires_grad)


def full(size, fill_value, *, dtype=None, device=None, requires_grad=False):
    """Filled with `fill_value`; its type picks the dtype: bool, int64 or the default float."""
    return _finish(K["full"](_int_list((size,)), _arg(fill_value, "fill_value"), _code(dtype)), device, requires_grad)


def arange(start, end=None, step=1, *, dtype=None, device=None, requires_grad=False):
    """arange(end) or arange(start, end, step): int64 unless an argument is a float."""
    if end is None:
        start, end = 0, start
    return _finish(K["arange"](_scalar(start), _scalar(end), _scalar(step), _code(dtype)), device, requires_grad)


def _scalar(x):
    """A number argument that may also be given as a one-element tensor."""
    return x.item() if isinstance(x, Tensor) else x


def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False):
    return _finish(K["linspace"](_scalar(start), _scalar(end), steps, _code(dtype)), device, requires_grad)


def eye(n, m=None, *, dtype=None, device=None, requires_grad=False):
    """The n x m identity (n x n by default)."""
    if m is None or m == n:
        return _finish(K["eye"](n, _code(dtype)), device, requires_grad)
    square = K["eye"](max(n, m), _code(dtype))
    return _finish(K["clone"](square[:n, :m]), device, requires_grad)


def rand(*size, dtype=None, device=None, requires_grad=False):
    """Uniform on [0, 1) from tsjit's generator (see manual_seed)."""
    return _finish(K["rand"](_int_list(size), _code(dtype)), device, requires_grad)


def randn(*size, dtype=None, device=None, requires_grad=False):
    """Standard normal from tsjit's generator (see manual_seed)."""
    return _finish(K["randn"](_int_list(size), _code(dtype)), device, requires_grad)


def randint(low, high=None, size=None, *, dtype=None, device=None, requires_grad=False):
    """randint(high, size) or randint(low, high, size): int64 in [low, high)."""
    if size is None:
        low, high, size = 0, low, high
    return _finish(K["randint"](low, high, _int_list((size,)), _code(dtype)), device, requires_grad)


def manual_seed(seed) -> None:
    """Seed the generator behind rand, randn, randint and dropout (eager and compiled alike)."""
    K["manual_seed"](int(seed))


def _like(name: str, input, dtype, device, requires_grad, *extra) -> Tensor:
    return _finish(K[name](_array(input), *extra, _code(dtype)), device, requires_grad)


def zeros_like(input, *, dtype=None, device=None, requires_grad=False):
    return _like("zeros_like", input, dtype, device, requires_grad)


def ones_like(input, *, dtype=None, device=None, requires_grad=False):
    return _like("ones_like", input, dtype, device, requires_grad)


def empty_like(input, *, dtype=None, device=None, requires_grad=False):
    return _like("empty_like", input, dtype, device, requires_grad)


def full_like(input, fill_value, *, dtype=None, device=None, requires_grad=False):
    return _like("full_like", input, dtype, device, requires_grad, _arg(fill_value, "fill_value"))


def rand_like(input, *, dtype=None, device=None, requires_grad=False):
    return _like("rand_like", input, dtype, device, requires_grad)


def randn_like(input, *, dtype=None, device=None, requires_grad=False):
    return _like("randn_like", input, dtype, device, requires_grad)
