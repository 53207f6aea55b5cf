"""Elementwise arithmetic, comparisons and unary math with PyTorch's promotion rules.

Binary kernels take `(tensor, tensor or Python scalar)`; both operands are brought to
torch.result_type before the numpy ufunc runs, so numpy's own promotion never decides.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from tsjit.kernels.erf import erf as _erf64
from tsjit.kernels.promotion import (
    BOOL, C_NAME, DEFAULT_FLOAT, as_array, binary_dtype, cast, not_implemented, result_dtype,
    to_float, torch_name,
)


def operands(a: Any, b: Any) -> tuple[np.ndarray, np.ndarray, np.dtype]:
    """Both operands as arrays of their promoted dtype (no copies when they already agree)."""
    dtype = binary_dtype(a, b)
    return cast(a, dtype), cast(b, dtype), dtype


def _quiet(fn: Callable) -> Callable:
    """Run without numpy's floating-point warnings: PyTorch gives inf/nan silently."""
    def run(*args):
        with np.errstate(all="ignore"):
            return fn(*args)
    run.__name__ = fn.__name__
    return run


def _check_alpha(dtype: np.dtype, alpha: Any) -> None:
    if dtype.kind in "iu" and isinstance(alpha, float):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    if dtype.kind == "b" and not isinstance(alpha, bool) and alpha != 1:
        raise RuntimeError("Boolean alpha only supported for Boolean results.")


def _check_sub(a: Any, b: Any) -> None:
    a_bool = isinstance(a, bool) or getattr(a, "dtype", None) == BOOL
    b_bool = isinstance(b, bool) or getattr(b, "dtype", None) == BOOL
    if a_bool and b_bool:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                           "Use the `^` or `logical_xor()` operator instead.")
    if a_bool or b_bool:
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")


def add(a, b, alpha=1):
    if type(b) is np.ndarray and a.dtype is b.dtype and alpha == 1:
        return as_array(np.add(a, b))
    x, y, dtype = operands(a, b)
    if alpha != 1:
        _check_alpha(dtype, alpha)
        y = np.multiply(y, cast(alpha, dtype))
    return as_array(np.add(x, y))


def sub(a, b, alpha=1):
    if type(b) is np.ndarray and a.dtype is b.dtype and alpha == 1 and a.dtype.kind != "b":
        return as_array(np.subtract(a, b))
    _check_sub(a, b)
    return add(a, b, -alpha)


def rsub(a, b, alpha=1):
    """other - alpha * self."""
    _check_sub(a, b)
    x, y, dtype = operands(a, b)
    if alpha != 1:
        _check_alpha(dtype, alpha)
        x = np.multiply(x, cast(alpha, dtype))
    return as_array(np.subtract(y, x))


def mul(a, b):
    if type(b) is np.ndarray and a.dtype is b.dtype:
        return as_array(np.multiply(a, b))
    x, y, _ = operands(a, b)
    return as_array(np.multiply(x, y))


@_quiet
def div(a, b):
    """True division: integers divide as the default float dtype."""
    dtype = binary_dtype(a, b)
    if dtype.kind != "f":
        dtype = DEFAULT_FLOAT
    return as_array(np.true_divide(cast(a, dtype), cast(b, dtype)))


def _check_int_zero(y: np.ndarray, dtype: np.dtype, kernel: str) -> None:
    if dtype.kind == "b":
        raise not_implemented(kernel, dtype)
    if dtype.kind in "iu" and not np.all(y):
        raise RuntimeError("ZeroDivisionError")


@_quiet
def floor_divide(a, b):
    x, y, dtype = operands(a, b)
    _check_int_zero(y, dtype, "div_floor_cpu")
    return as_array(np.floor_divide(x, y))


@_quiet
def remainder(a, b):
    """Python's modulo: the result takes the divisor's sign."""
    x, y, dtype = operands(a, b)
    _check_int_zero(y, dtype, "remainder_cpu")
    return as_array(np.mod(x, y))


@_quiet
def pow(a, b):
    x, y, dtype = operands(a, b)
    if dtype.kind == "b":
        raise not_implemented("pow", dtype)
    if dtype.kind not in "iu":
        return as_array(np.power(x, y))
    if not isinstance(b, np.ndarray):
        if b < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        return as_array(np.power(x, y))
    neg = y < 0  # torch: 1 ** -n = 1, (-1) ** -n = +-1, anything else ** -n = 0
    r = np.power(x, np.where(neg, 0, y))
    at_neg = np.where(x == 1, 1, np.where(x == -1, np.where(y % 2 == 0, 1, -1), 0))
    return as_array(np.where(neg, at_neg, r).astype(dtype))


def _binary(ufunc: np.ufunc, *, floats: bool = False) -> Callable:
    def kernel(a, b):
        x, y, dtype = operands(a, b)
        if floats and dtype.kind != "f":
            x, y = x.astype(DEFAULT_FLOAT), y.astype(DEFAULT_FLOAT)
        return as_array(ufunc(x, y))
    kernel.__name__ = ufunc.__name__
    return _quiet(kernel)


def _bitwise(ufunc: np.ufunc, name: str) -> Callable:
    def kernel(a, b):
        x, y, dtype = operands(a, b)
        if dtype.kind == "f":
            raise not_implemented(f"{name}_cpu", dtype)
        return as_array(ufunc(x, y))
    return kernel


def _compare(ufunc: np.ufunc) -> Callable:
    def kernel(a, b):
        x, y, _ = operands(a, b)
        return as_array(ufunc(x, y))
    return _quiet(kernel)


def _logical(ufunc: np.ufunc) -> Callable:
    return lambda a, b: as_array(ufunc(a, b))


def where(cond, a, b):
    if cond.dtype != BOOL:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{torch_name(cond.dtype)}")
    x, y, _ = operands(a, b)
    return as_array(np.where(cond, x, y))


def check_mask(mask: np.ndarray, name: str) -> None:
    if mask.dtype != BOOL:
        raise RuntimeError(f"{name} only supports boolean masks, but got mask with dtype {C_NAME[mask.dtype.name]}")


def masked_fill(a, mask, value):
    check_mask(mask, "masked_fill_")
    a, mask = np.broadcast_arrays(a, mask)
    return as_array(np.where(mask, cast(value, a.dtype), a))


@_quiet
def clamp(a, lo, hi):
    if lo is None and hi is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    dtype = result_dtype(a, lo, hi)
    if dtype.kind == "b":
        raise not_implemented("clamp_min_scalar_cpu" if hi is None else "clamp_scalar_cpu", dtype)
    out = cast(a, dtype)
    if lo is not None:
        out = np.maximum(out, cast(lo, dtype))  # NaN propagates, as in torch
    if hi is not None:
        out = np.minimum(out, cast(hi, dtype))
    return as_array(out if out is not a else out.copy())


def lerp(a, end, weight):
    if a.dtype != end.dtype:
        raise RuntimeError(f"expected dtype {C_NAME[a.dtype.name]} for `end` but got dtype {C_NAME[end.dtype.name]}")
    w = cast(weight, a.dtype)
    diff = end - a
    return as_array(np.where(abs(weight) < 0.5, a + w * diff, end - diff * (1 - w)).astype(a.dtype))


def _neg(a):
    if a.dtype == BOOL:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
                           "to invert a mask, use the `~` or `logical_not()` operator instead.")
    return np.negative(a)


def _bitwise_not(a):
    if a.dtype.kind == "f":
        raise not_implemented("bitwise_not_cpu", a.dtype)
    return np.invert(a)


def _erf(a):
    a = to_float(a)
    return _erf64(a).astype(a.dtype)


def _keep_int(fn: Callable, name: str) -> Callable:
    """floor/ceil/round/trunc: integer tensors are returned unchanged (as a copy); bool is an error."""
    def kernel(a):
        if a.dtype == BOOL:
            raise not_implemented(f"{name}_vml_cpu", a.dtype)
        return a.copy() if a.dtype.kind in "iu" else fn(a)
    return kernel


def _sign(a):
    return a.copy() if a.dtype == BOOL else np.sign(a)


def _floating(fn: Callable) -> Callable:
    """Unary math that turns integer tensors into the default float dtype."""
    return lambda a: fn(to_float(a))


def _unary(fn: Callable) -> Callable:
    def kernel(a):
        with np.errstate(all="ignore"):
            return as_array(fn(a))
    return kernel


def _abs(a):
    if a.dtype == BOOL:
        raise not_implemented("abs_cpu", a.dtype)
    return np.abs(a)


_UNARY_FNS: dict[str, Callable] = {
    "neg": _neg, "abs": _abs, "sign": _sign, "bitwise_not": _bitwise_not, "erf": _erf,
    "floor": _keep_int(np.floor, "floor"), "ceil": _keep_int(np.ceil, "ceil"),
    "trunc": _keep_int(np.trunc, "trunc"), "round": _keep_int(np.round, "round"),
    "exp": _floating(np.exp), "log": _floating(np.log), "log2": _floating(np.log2),
    "log1p": _floating(np.log1p), "expm1": _floating(np.expm1), "sqrt": _floating(np.sqrt),
    "rsqrt": _floating(lambda x: np.reciprocal(np.sqrt(x))), "sin": _floating(np.sin),
    "cos": _floating(np.cos), "tan": _floating(np.tan), "tanh": _floating(np.tanh),
    "reciprocal": _floating(np.reciprocal),
    "isnan": np.isnan, "logical_not": np.logical_not,
}

KERNELS: dict[str, Callable] = {
    "add": add, "sub": sub, "rsub": rsub, "mul": mul, "div": div,
    "floor_divide": floor_divide, "remainder": remainder, "pow": pow,
    "maximum": _binary(np.maximum), "minimum": _binary(np.minimum), "atan2": _binary(np.arctan2, floats=True),
    "bitwise_and": _bitwise(np.bitwise_and, "bitwise_and"), "bitwise_or": _bitwise(np.bitwise_or, "bitwise_or"),
    "logical_and": _logical(np.logical_and), "logical_or": _logical(np.logical_or),
    "where": where, "masked_fill": masked_fill, "clamp": clamp, "lerp": lerp,
    "eq": _compare(np.equal), "ne": _compare(np.not_equal), "lt": _compare(np.less),
    "le": _compare(np.less_equal), "gt": _compare(np.greater), "ge": _compare(np.greater_equal),
    **{name: _unary(fn) for name, fn in _UNARY_FNS.items()},
}
