"""Kernel makers for elementwise ops: numpy ufuncs with PyTorch's promotion, dtype rules and errors.

Binary kernels take `(tensor, tensor or Python scalar)`; both operands are brought to
torch.result_type before the ufunc runs, so numpy's own promotion never decides. Float errors
are silent (PyTorch gives inf/nan without warning).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from tsjit.dtypes import is_float
from tsjit.kernels.promotion import BOOL, DEFAULT_FLOAT, as_array, binary_dtype, cast, not_implemented, to_float


def operands(a: Any, b: Any) -> tuple[np.ndarray, np.ndarray, np.dtype]:
    """Both operands as arrays of their promoted dtype (no copies when they already agree)."""
    dtype = binary_dtype(a, b)
    return cast(a, dtype), cast(b, dtype), dtype


def quiet(fn: Callable) -> Callable:
    """Run without numpy's floating-point warnings."""
    def run(*args):
        with np.errstate(all="ignore"):
            return fn(*args)
    run.__name__ = fn.__name__
    return run


def check_int_zero(y: np.ndarray, dtype: np.dtype, kernel: str) -> None:
    """Integer division by zero is an error in PyTorch (and bool division is not implemented)."""
    if dtype.kind == "b":
        raise not_implemented(kernel, dtype)
    if dtype.kind in "iu" and not np.all(y):
        raise RuntimeError("ZeroDivisionError")


def binary(ufunc: np.ufunc, *, floats: bool = False, floats_only: str | None = None) -> Callable:
    """ufunc(a, b) on promoted operands; `floats`: integers compute in the default float dtype;
    `floats_only`: the kernel name PyTorch reports for integer and bool operands."""
    def kernel(a, b):
        x, y, dtype = operands(a, b)
        if floats_only and not is_float(dtype):
            raise not_implemented(floats_only, dtype)
        if floats and not is_float(dtype):
            x, y = x.astype(DEFAULT_FLOAT), y.astype(DEFAULT_FLOAT)
        return as_array(ufunc(x, y))
    kernel.__name__ = ufunc.__name__
    return quiet(kernel)


def bitwise(ufunc: np.ufunc, name: str) -> Callable:
    """Integer and bool only ("<name>_cpu" not implemented for 'Float')."""
    def kernel(a, b):
        x, y, dtype = operands(a, b)
        if is_float(dtype):
            raise not_implemented(f"{name}_cpu", dtype)
        return as_array(ufunc(x, y))
    return kernel


def compare(ufunc: np.ufunc) -> Callable:
    def kernel(a, b):
        x, y, _ = operands(a, b)
        return as_array(ufunc(x, y))
    return quiet(kernel)


def logical(ufunc: np.ufunc) -> Callable:
    return lambda a, b: as_array(ufunc(a, b))


def unary(fn: Callable) -> Callable:
    """fn(a) as a kernel: quiet, and an ndarray result."""
    def kernel(a):
        with np.errstate(all="ignore"):
            return as_array(fn(a))
    return kernel


def floating(fn: Callable) -> Callable:
    """Math that turns integer and bool tensors into the default float dtype (exp, sqrt, ...)."""
    def kernel(a):
        with np.errstate(all="ignore"):
            a = to_float(a)
            return as_array(fn(a)).astype(a.dtype, copy=False)
    return kernel


def float_only(fn: Callable, name: str, complex_too: bool = False) -> Callable:
    """Ops PyTorch only defines on floats (or floats and complex: "<name>" not implemented for 'Long')."""
    def kernel(a, *args):
        if not (is_float(a.dtype) or complex_too and a.dtype.kind == "c"):
            raise not_implemented(name, a.dtype)
        with np.errstate(all="ignore"):
            return as_array(fn(a, *args)).astype(a.dtype, copy=False)
    return kernel


def keep_int(fn: Callable, name: str) -> Callable:
    """floor/ceil/round/trunc: integer tensors are returned unchanged (as a copy); bool is an error."""
    def kernel(a):
        if a.dtype == BOOL:
            raise not_implemented(f"{name}_vml_cpu", a.dtype)
        return a.copy() if a.dtype.kind in "iu" else as_array(fn(a))
    return kernel


def complex_logaddexp(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """log(exp(a) + exp(b)) of complex arrays as PyTorch computes it: m + log1p(exp(n - m)), m the
    operand of the larger real part (so the imaginary part keeps m's branch)."""
    first = a.real >= b.real
    m, n = np.where(first, a, b), np.where(first, b, a)
    with np.errstate(all="ignore"):
        return m + np.log1p(np.exp(n - m))
