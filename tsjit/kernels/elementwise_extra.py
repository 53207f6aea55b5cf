"""More elementwise kernels for imported PyTorch models: inverse/hyperbolic math, fmod, xor,
div with a rounding mode, addcmul/addcdiv, the remaining activations and float tests.

Same conventions as elementwise.py: operands are promoted with torch.result_type first.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tsjit.kernels.elementwise import _check_int_zero, _quiet, operands
from tsjit.kernels.erf import erf as _erf64
from tsjit.kernels.promotion import (
    BOOL, DEFAULT_FLOAT, INT64, as_array, cast, not_implemented, result_dtype, to_float,
)


def _floating(fn: Callable) -> Callable:
    """Math that turns integer and bool tensors into the default float dtype."""
    def kernel(a):
        with np.errstate(all="ignore"):
            a = to_float(a)
            return as_array(fn(a)).astype(a.dtype, copy=False)
    return kernel


def _float_only(fn: Callable, name: str) -> Callable:
    """Activations torch only defines on floats ("..._cpu" not implemented for 'Long')."""
    def kernel(a, *args):
        if a.dtype.kind != "f":
            raise not_implemented(name, a.dtype)
        with np.errstate(all="ignore"):
            return as_array(fn(a, *args)).astype(a.dtype, copy=False)
    return kernel


def _erfc(a):
    return 1.0 - _erf64(a.astype(np.float64))


def _frac(a):
    if a.dtype.kind != "f":
        raise not_implemented("frac_cpu", a.dtype)
    return as_array(a - np.trunc(a))


def _square(a):
    return as_array(np.multiply(a, a) if a.dtype != BOOL else a.astype(INT64))


def _float_test(fn: Callable) -> Callable:
    """isinf/isfinite: integers are always finite."""
    def kernel(a):
        if a.dtype.kind != "f":
            return np.full(a.shape, fn is np.isfinite, BOOL)
        return as_array(fn(a))
    return kernel


def nan_to_num(a, nan=None, posinf=None, neginf=None):
    if a.dtype.kind != "f":
        return a.copy()
    info = np.finfo(a.dtype)
    out = np.where(np.isnan(a), 0.0 if nan is None else nan, a)
    out = np.where(np.isposinf(a), info.max if posinf is None else posinf, out)
    out = np.where(np.isneginf(a), info.min if neginf is None else neginf, out)
    return as_array(out.astype(a.dtype))


@_quiet
def fmod(a, b):
    """C's fmod: the result takes the dividend's sign."""
    x, y, dtype = operands(a, b)
    _check_int_zero(y, dtype, "fmod_cpu")
    return as_array(np.fmod(x, y))


@_quiet
def div_mode(a, b, rounding_mode=None):
    """aten::div.Tensor_mode: None (true division), 'trunc' or 'floor'; integers stay integers."""
    if rounding_mode is None:
        from tsjit.kernels.elementwise import div
        return div(a, b)
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError("div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                           f"'{rounding_mode}'")
    x, y, dtype = operands(a, b)
    if dtype.kind == "f":
        q = np.true_divide(x, y)
        return as_array((np.trunc(q) if rounding_mode == "trunc" else np.floor(q)).astype(dtype))
    _check_int_zero(y, dtype, f"div_{rounding_mode}_cpu")
    q = np.floor_divide(x, y)
    if rounding_mode == "trunc":
        q = q + ((np.mod(x, y) != 0) & ((x < 0) != (y < 0))).astype(dtype)
    return as_array(q.astype(dtype))


def _xor(a, b):
    x, y, dtype = operands(a, b)
    if dtype.kind == "f":
        raise not_implemented("bitwise_xor_cpu", dtype)
    return as_array(np.bitwise_xor(x, y))


def _float_binary(ufunc: np.ufunc) -> Callable:
    def kernel(a, b):
        x, y, dtype = operands(a, b)
        if dtype.kind != "f":
            x, y = x.astype(DEFAULT_FLOAT), y.astype(DEFAULT_FLOAT)
        with np.errstate(all="ignore"):
            return as_array(ufunc(x, y))
    return kernel


def _fminmax(ufunc: np.ufunc) -> Callable:
    def kernel(a, b):
        x, y, dtype = operands(a, b)
        if dtype.kind == "b":
            raise not_implemented(ufunc.__name__, dtype)
        return as_array(ufunc(x, y))
    return kernel


def addcmul(a, t1, t2, value=1):
    dtype = result_dtype(a, t1, t2)
    prod = np.multiply(cast(t1, dtype), cast(t2, dtype))
    return as_array(np.add(cast(a, dtype), np.multiply(cast(value, dtype), prod)))


@_quiet
def addcdiv(a, t1, t2, value=1):
    dtype = result_dtype(a, t1, t2)
    if dtype.kind != "f":
        raise RuntimeError("Integer division with addcdiv is no longer supported, and in a future release "
                           "addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv "
                           "behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2))"
                           ".to(input.dtype) using PyTorch 1.7 and later.")
    quot = np.true_divide(cast(t1, dtype), cast(t2, dtype))
    return as_array(np.add(cast(a, dtype), np.multiply(cast(value, dtype), quot)))


def _logsigmoid(x):
    return -np.logaddexp(0, -x)


def _selu(x):
    alpha, scale = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
    return scale * np.where(x > 0, x, alpha * np.expm1(x))


def _celu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(x / alpha))


def _hardshrink(x, lambd=0.5):
    return np.where((x > lambd) | (x < -lambd), x, 0)


def _softshrink(x, lambd=0.5):
    return np.where(x > lambd, x - lambd, np.where(x < -lambd, x + lambd, 0))


def glu(a, dim=-1):
    from tsjit.kernels.dims import wrap_dim
    if a.dtype.kind != "f":
        raise not_implemented("glu_cpu", a.dtype)
    d = wrap_dim(dim, a.ndim)
    if a.shape[d] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {a.shape[d]}")
    first, second = np.split(a, 2, axis=d)
    with np.errstate(all="ignore"):
        return as_array((first / (1 + np.exp(-second))).astype(a.dtype))


def clamp_tensor(a, lo, hi):
    """aten::clamp.Tensor: bounds are tensors (or None) that broadcast."""
    if lo is None and hi is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    dtype = result_dtype(a, lo, hi)
    out = cast(a, dtype)
    if lo is not None:
        out = np.maximum(out, cast(lo, dtype))
    if hi is not None:
        out = np.minimum(out, cast(hi, dtype))
    return as_array(out if out is not a else out.copy())


def assign_(self, value):
    """Write an out-of-place result into self: what an imported `aten::<op>_` without a ts op becomes."""
    from tsjit.kernels.inplace import _check_writable, _write
    from tsjit.kernels.promotion import check_inplace

    check_inplace(self.dtype, value.dtype)
    _check_writable(self)
    return _write(self, value)


_UNARY_FLOAT = {
    "exp2": np.exp2, "log10": np.log10, "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan,
    "sinh": np.sinh, "cosh": np.cosh, "asinh": np.arcsinh, "acosh": np.arccosh, "atanh": np.arctanh,
    "erfc": _erfc,
}

KERNELS: dict[str, Callable] = {
    **{name: _floating(fn) for name, fn in _UNARY_FLOAT.items()},
    "frac": _frac, "square": _square, "positive": lambda a: a.view(),
    "isinf": _float_test(np.isinf), "isfinite": _float_test(np.isfinite), "nan_to_num": nan_to_num,
    "fmod": fmod, "div_mode": div_mode, "bitwise_xor": _xor,
    "logical_xor": lambda a, b: as_array(np.logical_xor(a, b)),
    "hypot": _float_binary(np.hypot), "copysign": _float_binary(np.copysign),
    "fmax": _fminmax(np.fmax), "fmin": _fminmax(np.fmin),
    "addcmul": addcmul, "addcdiv": addcdiv, "clamp_tensor": clamp_tensor,
    "logsigmoid": _float_only(_logsigmoid, "log_sigmoid_forward_cpu"), "selu": _float_only(_selu, "selu"),
    "celu": _float_only(_celu, "celu"), "hardshrink": _float_only(_hardshrink, "hardshrink_cpu"),
    "softshrink": _float_only(_softshrink, "softshrink_cpu"), "glu": glu, "assign_": assign_,
}
