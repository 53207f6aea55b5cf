"""Tensor factories: zeros/ones/empty/full, arange, linspace, eye, the *_like forms and NumToTensor.

The dtype comes from the `dtype` operand (a ScalarType code) or, when it is None, as in torch:
the default float dtype (float32), int64 for all-integer arange bounds, the fill value's kind for
full, the input's dtype for the *_like ops. A fill value must fit the dtype (c10's checked
conversion): `full([2], 1000, dtype=int8)` is an error, not a wrap-around.
"""
from __future__ import annotations

import math

import numpy as np

from tsjit.dtypes import finfo, is_float
from tsjit.kernels.dims import shape_str
from tsjit.kernels.promotion import BOOL, DEFAULT_FLOAT, INT64, dtype_of, not_implemented, scalar_dtype
from tsjit.ops import checks as chk
from tsjit.ops import samples as s
from tsjit.ops.registry import defop, op, sample
from tsjit.ops.rules import (
    D, FLOAT64, ShapeError, Unknown, dtype_arg, from_arg, int_list, same, scalar, scalar_dtype as rule_scalar_dtype,
)

#: The lowerings (tsjit/lowering/creation.py): a fill of the result, or the kernel's result as a constant.
_FILLED, _COMPUTED = "creation.lower_fill", "creation.lower_computed"
_EMPTY_VALUES = {"torch": False, "note": "torch's empty is uninitialised memory: only an empty result compares"}
#: The C++ type names of torch's overflow messages.
_C_TYPE = {"int8": "int8_t", "uint8": "uint8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t",
           "float16": "c10::Half", "float32": "float", "float64": "double"}
_I32, _F64, _BOOL = 3, 7, 11  # ScalarType codes used by samples


def checked_scalar(value, dtype: np.dtype) -> np.ndarray:
    """A Python scalar as a 0-d array of `dtype`, refusing a value out of the dtype's range (c10's
    checked conversion of a Scalar): floats truncate into integers, negative integers wrap into
    unsigned ones (as torch allows), inf and NaN fit floats only."""
    if isinstance(value, np.ndarray | np.generic):
        value = value.item()
    if dtype.kind == "b":
        return np.array(bool(value))
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        if isinstance(value, float):
            fits = info.min <= value <= info.max  # NaN fits nothing
        else:
            value = int(value)
            fits = value <= info.max and (value >= info.min if info.min < 0 else -value <= info.max)
        if fits:
            return np.array(math.trunc(value), np.int64).astype(dtype)
    elif not math.isfinite(value) or abs(value) <= finfo(dtype).max:
        return np.array(value, np.float64).astype(dtype)
    raise RuntimeError(f"value cannot be converted to type {_C_TYPE[dtype.name]} without overflow")


def check_size(size) -> tuple[int, ...]:
    size = tuple(int(n) for n in size)
    for n in size:
        if n < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {n}: {shape_str(size)}")
    return size


# -- rules ------------------------------------------------------------------------------------------

def sizes(size, *_) -> tuple[int, ...]:
    """A constant size list (non-constant elements are unknown dims); negative sizes are errors."""
    out = tuple(int_list(size, "the size"))
    if any(n < 0 and n != D for n in out):
        raise ShapeError(f"negative size in {list(out)}")
    return out


def _float_by_default(size, dtype):
    """The dtype operand, else the default float dtype."""
    return dtype_arg(dtype, DEFAULT_FLOAT)


# -- filled with one value ---------------------------------------------------------------------------

def _sized_samples(**options):
    """zeros/ones/empty samples: [2,3] float32, int32, 0-d, empty, bool, a negative size."""
    return lambda: [sample([2, 3], None, **options), sample([4], _I32, **options), sample([], None, **options),
                    sample([0, 3], _F64), sample([2], _BOOL, **options), sample([2, -1], None)]


defop("zeros", "(int[] size, *, ScalarType? dtype=None) -> Tensor",
      lambda size, dtype=None: np.zeros(check_size(size), dtype_of(dtype, DEFAULT_FLOAT)), shape=sizes,
      dtype=_float_by_default, lower=_FILLED, samples=_sized_samples())
defop("ones", "(int[] size, *, ScalarType? dtype=None) -> Tensor",
      lambda size, dtype=None: np.ones(check_size(size), dtype_of(dtype, DEFAULT_FLOAT)), shape=sizes,
      dtype=_float_by_default, lower=_FILLED, samples=_sized_samples())


@op("empty", "(int[] size, *, ScalarType? dtype=None) -> Tensor", shape=sizes, dtype=_float_by_default,
    fold=False, lower=_FILLED, samples=_sized_samples(**_EMPTY_VALUES))
def empty(size, dtype=None):
    """Uninitialised memory in torch, so any values will do: zeros, which make runs reproducible."""
    return np.zeros(check_size(size), dtype_of(dtype, DEFAULT_FLOAT))


@op("empty_strided", "(int[] size, int[] stride, *, ScalarType? dtype=None) -> Tensor",
    shape=lambda size, stride, dtype=None: sizes(size), dtype=lambda size, stride, dtype: _float_by_default(size, dtype),
    fold=False, api="torch", lower=_FILLED,
    samples=lambda: [sample([2, 3], [3, 1], None, **_EMPTY_VALUES), sample([4], [1], 3, **_EMPTY_VALUES),
                     sample([2, 2], [1, 2], 7, **_EMPTY_VALUES), sample([2, 3], [1], None), sample([0, 3], [3, 1], None),
                     sample([-1, 2], [2, 1], None)])
def empty_strided(size, stride, dtype=None):
    """Zeros, as `empty` (the strides are a layout tsjit does not keep: its tensors are contiguous)."""
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    return np.zeros(check_size(size), dtype_of(dtype, DEFAULT_FLOAT))


@op("full", "(int[] size, Scalar fill_value, *, ScalarType? dtype=None) -> Tensor", shape=sizes,
    dtype=lambda size, value, dtype: dtype_arg(dtype, rule_scalar_dtype(value)), lower=_FILLED,
    samples=lambda: [sample([2, 3], 1.5, None), sample([2, 3], 7, None), sample([2], True, None),
                     sample([3], 1, _F64), sample([2], -255, 0), sample([2], math.nan, None),
                     sample([2], 1000, 1), sample([2], math.inf, 4)])
def full(size, value, dtype=None):
    """Without a dtype, a bool value gives bool, an int int64 and a float the default float dtype."""
    out = dtype_of(dtype, scalar_dtype(value))
    return np.full(check_size(size), checked_scalar(value, out), dtype=out)


# -- ranges ------------------------------------------------------------------------------------------

def _arange_dtype(start, end, step, dtype):
    """int64 when every bound is an integer (or bool), else the default float dtype."""
    is_int = all(isinstance(v, int) or (isinstance(v, Unknown) and v.kind in ("int", "bool"))
                 for v in (start, end, step))
    return dtype_arg(dtype, INT64 if is_int else DEFAULT_FLOAT)


def _arange_length(start, end, step, out: np.dtype) -> tuple[int, int | float, int | float]:
    """(length, start, step) as torch computes them: integer results truncate the bounds and step to
    integers first (arange(0, 5, 1.5, dtype=int64) counts 0..4 by 1), and int64 counts with integers."""
    if out.kind == "b":
        raise not_implemented("arange_cpu", out)
    xstart, xend, xstep = (math.trunc(v) for v in (start, end, step)) if out.kind in "iu" else (start, end, step)
    if xstep == 0:
        raise RuntimeError("step must be nonzero")
    if not (math.isfinite(xstart) and math.isfinite(xend)):
        raise RuntimeError(f"unsupported range: {xstart} -> {xend}")
    if not ((xstep > 0 and xend >= xstart) or (xstep < 0 and xend <= xstart)):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if out == INT64:
        span = xend - xstart + xstep - (1 if xstep > 0 else -1)
        return abs(span) // abs(xstep), xstart, xstep  # span and step have the same sign
    return math.ceil((end - start) / step), xstart, xstep


def _arange_shape(start, end, step, dtype):
    out = _arange_dtype(start, end, step, dtype)
    if out is None or any(isinstance(v, Unknown) for v in (start, end, step)):
        return (D,)
    try:
        return (_arange_length(start, end, step, out)[0],)
    except (RuntimeError, ArithmeticError, ValueError) as e:
        raise ShapeError(f"arange: {e}") from None


@op("arange", "(Scalar start, Scalar end, Scalar step=1, *, ScalarType? dtype=None) -> Tensor", shape=_arange_shape,
    dtype=_arange_dtype, lower=_COMPUTED,
    samples=lambda: [sample(0.0, 2.0, 0.25, None), sample(0, 10, 3, None), sample(5, -3.5, -1.5, _F64),
                     sample(0, 5, 1.5, 4), sample(-2.5, 3.7, 1.1, 2), sample(3, 3, 1, None),
                     sample(0, 1, 0.3, 4), sample(0, 5, -1, None)])
def arange(start, end, step=1, dtype=None):
    out = _arange_dtype(start, end, step, dtype)
    n, xstart, xstep = _arange_length(start, end, step, out)
    if out.kind in "iu":
        return (xstart + xstep * np.arange(n, dtype=np.int64)).astype(out)
    work = np.float32 if out == np.float16 else np.float64  # torch's accumulation type
    return (work(xstart) + work(xstep) * np.arange(n, dtype=work)).astype(out)


def _linspace_shape(start, end, steps, dtype):
    if isinstance(steps, Unknown):
        return (D,)
    if steps < 0:
        raise ShapeError("number of steps must be non-negative")
    return (steps,)


@op("linspace", "(Scalar start, Scalar end, int steps, *, ScalarType? dtype=None) -> Tensor", shape=_linspace_shape,
    dtype=lambda start, end, steps, dtype: dtype_arg(dtype, DEFAULT_FLOAT), lower=_COMPUTED,
    samples=lambda: [sample(-1, 2.5, 7, None), sample(0, 10, 4, 4), sample(-7, 10, 5, _I32),
                     sample(-1, 2.5, 7, 4), sample(2.5, 3, 1, None), sample(2.5, 3, 0, None),
                     sample(0.0, 1.0, 9, _F64), sample(0, 1, -1, None)])
def linspace(start, end, steps, dtype=None):
    """torch's symmetric formula: the first half counts up from start, the second down from end;
    integer results convert the bounds first and step in float64."""
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    out = dtype_of(dtype, DEFAULT_FLOAT)
    if out.kind == "b":
        raise not_implemented("linspace_cpu", out)
    if steps == 0:
        return np.empty(0, out)
    first, last = checked_scalar(start, out), checked_scalar(end, out)
    if steps == 1:
        return first.reshape(1).copy()
    work = out if is_float(out) else np.dtype(np.float64)
    lo, hi = work.type(first), work.type(last)
    step = (hi - lo) / work.type(steps - 1)
    i = np.arange(steps)
    values = np.where(i < steps // 2, lo + step * i.astype(work), hi - step * (steps - 1 - i).astype(work))
    return values.astype(out)


@op("eye", "(int n, *, ScalarType? dtype=None) -> Tensor",
    shape=lambda n, dtype: (D, D) if isinstance(n, Unknown) else sizes([n, n]),
    dtype=lambda n, dtype: dtype_arg(dtype, DEFAULT_FLOAT), lower=_COMPUTED,
    samples=lambda: [sample(3, None), sample(0, None), sample(2, _BOOL), sample(4, 4), sample(-1, None)])
def eye(n, dtype=None):
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    return np.eye(n, dtype=dtype_of(dtype, DEFAULT_FLOAT))


# -- like another tensor ------------------------------------------------------------------------------

def _like_samples(*middle, **options):
    return lambda: [sample(s.f32(2, 3), *middle, None, **options), sample(s.i64(2, 3), *middle, None, **options),
                    sample(s.f32(2, 3), *middle, 4, **options), sample(s.strided(3, 4), *middle, None, **options),
                    sample(np.array(s.f32(1)[0]), *middle, _BOOL, **options), sample(s.f32(0, 3), *middle, None)]


_LIKE = "(Tensor self, *, ScalarType? dtype=None) -> Tensor"
defop("zeros_like", _LIKE, lambda a, dtype=None: np.zeros(a.shape, dtype_of(dtype, a.dtype)), shape=same,
      dtype=from_arg(1), verify=chk.SAME_SHAPE, lower=_FILLED, samples=_like_samples())
defop("ones_like", _LIKE, lambda a, dtype=None: np.ones(a.shape, dtype_of(dtype, a.dtype)), shape=same,
      dtype=from_arg(1), verify=chk.SAME_SHAPE, lower=_FILLED, samples=_like_samples())


@op("empty_like", _LIKE, shape=same, dtype=from_arg(1), verify=chk.SAME_SHAPE, fold=False, lower=_FILLED, samples=_like_samples(**_EMPTY_VALUES))
def empty_like(a, dtype=None):
    """Zeros, as `empty`."""
    return np.zeros(a.shape, dtype_of(dtype, a.dtype))


@op("full_like", "(Tensor self, Scalar fill_value, *, ScalarType? dtype=None) -> Tensor", shape=same,
    dtype=from_arg(2), verify=chk.SAME_SHAPE, lower=_FILLED,
    samples=lambda: [sample(s.f32(2, 3), 2.5, None), sample(s.i64(2, 3), 2.7, None), sample(s.i64(2, 3), 2.5, _F64),
                     sample(s.mask(3), 0, None), sample(s.strided(3, 4), math.inf, None),
                     sample(s.i64(2, 3).astype(np.int8), 1000, None), sample(s.i64(2), math.inf, None)])
def full_like(a, value, dtype=None):
    out = dtype_of(dtype, a.dtype)
    return np.full(a.shape, checked_scalar(value, out), dtype=out)


def _num_to_tensor_dtype(a):
    """prim::NumToTensor keeps the scalar's precision: a Python float becomes a float64 tensor."""
    dtype = rule_scalar_dtype(a)
    return FLOAT64 if dtype is not None and is_float(dtype) else dtype


@op("num_to_tensor", "(Scalar a) -> Tensor", shape=scalar, dtype=_num_to_tensor_dtype, lower=_FILLED,
    aten=(),  # prim::NumToTensor: no ATen op
    samples=lambda: [sample(2.5), sample(3), sample(True), sample(-0.0), sample(2 ** 40)])
def num_to_tensor(value):
    """prim::NumToTensor: int -> int64, float -> float64 (double), bool -> bool, as a 0-d tensor."""
    if isinstance(value, bool):
        return np.array(value, dtype=BOOL)
    return np.array(value, dtype=INT64 if isinstance(value, int) else np.float64)

