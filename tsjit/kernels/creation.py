"""Tensor factories with PyTorch's dtype inference (int args -> int64, floats -> float32)."""
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from tsjit.kernels.dims import shape_str
from tsjit.kernels.promotion import BOOL, DEFAULT_FLOAT, INT64, dtype_of, scalar_dtype


def check_size(size) -> tuple[int, ...]:
    size = tuple(int(s) for s in size)
    for s in size:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {shape_str(size)}")
    return size


def _filled(fn: Callable) -> Callable:
    return lambda size, dtype=None: fn(check_size(size), dtype_of(dtype, DEFAULT_FLOAT))


def full(size, value, dtype=None):
    return np.full(check_size(size), value, dtype=dtype_of(dtype, scalar_dtype(value)))


def arange(start, end, step=1, dtype=None):
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    inferred = INT64 if all(isinstance(v, int) for v in (start, end, step)) else DEFAULT_FLOAT
    out = dtype_of(dtype, inferred)
    n = math.ceil((end - start) / step)
    if out.kind in "iu" and all(isinstance(v, int) for v in (start, end, step)):
        return (start + step * np.arange(n, dtype=np.int64)).astype(out)
    return (start + step * np.arange(n, dtype=np.float64)).astype(out)


def linspace(start, end, steps, dtype=None):
    """torch's symmetric formula: the first half counts up from start, the second down from end."""
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    out = dtype_of(dtype, DEFAULT_FLOAT)
    if steps == 0:
        return np.empty(0, out)
    if steps == 1:
        return np.full(1, start, dtype=out)
    work = out if out.kind == "f" else np.dtype(np.float64)
    s, e = work.type(start), work.type(end)
    step = (e - s) / work.type(steps - 1)
    i = np.arange(steps)
    half = steps // 2
    values = np.where(i < half, s + step * i.astype(work), e - step * (steps - 1 - i).astype(work))
    return values.astype(out)


def eye(n, dtype=None):
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    return np.eye(n, dtype=dtype_of(dtype, DEFAULT_FLOAT))


def _like(fn: Callable) -> Callable:
    return lambda a, dtype=None: fn(a.shape, dtype_of(dtype, a.dtype))


def num_to_tensor(value):
    """prim::NumToTensor: int -> int64, float -> float64 (double), bool -> bool, as a 0-d tensor."""
    if isinstance(value, bool):
        return np.array(value, dtype=BOOL)
    return np.array(value, dtype=INT64 if isinstance(value, int) else np.float64)


KERNELS: dict[str, Callable] = {
    "zeros": _filled(np.zeros), "ones": _filled(np.ones), "empty": _filled(np.empty),
    "full": full, "arange": arange, "linspace": linspace, "eye": eye,
    "zeros_like": _like(np.zeros), "ones_like": _like(np.ones), "empty_like": _like(np.empty),
    "full_like": lambda a, value, dtype=None: np.full(a.shape, value, dtype=dtype_of(dtype, a.dtype)),
    "num_to_tensor": num_to_tensor,
}
