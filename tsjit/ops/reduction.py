"""Reductions and scans: sum, mean, prod, amax/amin, max/min (whole, or with indices along a dim),
argmax/argmin, any/all, count_nonzero, and cumsum/cumprod.

`dim` is an int, a list, or None (a list `[]` too, as sum and amax take it) for every dim; the
reduced dims become 1s with `keepdim`. Sums, products and scans of integers and bools accumulate
in int64 unless a `dtype` is given; indices are int64. A 0-d tensor reduces over nothing but
still checks its dim (0 and -1 are valid). Statistics (var, std, norm, median...) are in
statistics.py.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tsjit.dtypes import is_inexact
from tsjit.kernels.dims import wrap_dim, wrap_dims
from tsjit.kernels.promotion import CODE_OF_DTYPE, INT64, as_array, cpu_accumulate_type, dtype_of, torch_name
from tsjit.ops import checks as chk
from tsjit.ops import samples as s
from tsjit.ops.registry import defop, op, sample
from tsjit.ops.rules import (
    BOOL, INT64 as I64, accumulated, dims, each, fixed, from_arg, reduced, reduction, same_dtype, scalar, wrap,
)

F64 = CODE_OF_DTYPE[np.dtype(np.float64)]
I64_CODE = CODE_OF_DTYPE[INT64]


def _accumulate_dtype(a: np.ndarray, dtype) -> np.dtype:
    """sum/prod/cumsum: integers and bools accumulate as int64 unless a dtype is given."""
    if dtype is not None:
        return dtype_of(dtype)
    return INT64 if a.dtype.kind in "biu" else a.dtype


def axes(a: np.ndarray, dim) -> tuple[int, ...]:
    """numpy axes for a reduction over `dim` (checked; a 0-d tensor reduces over nothing)."""
    out = wrap_dims(dim, a.ndim)
    return out if a.ndim else ()


def zero_d() -> np.ndarray:
    """A 0-d float32 sample."""
    return np.array(s.f32(1)[0])


# -- sum, mean, prod ------------------------------------------------------------------------------

def _sum_samples():
    return [sample(s.f32(2, 3), [1], False, None), sample(s.i64(3, 4), [1], True, None),
            sample(s.mask(3, 4), None, False, None), sample(s.f32(3, 4), [-1, 0], False, F64),
            sample(s.special(), [0], False, None), sample(zero_d(), [1], False, None),
            sample(s.f32(0, 3), [0], False, None), sample(s.strided(3, 4), [0], True, None)]


@op("sum", "(Tensor self, int[]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor",
    shape=reduction(), dtype=from_arg(3, accumulated), lower="reductions.lower_sum", samples=_sum_samples)
def sum_(a, dim=None, keepdim=False, dtype=None):
    out = _accumulate_dtype(a, dtype)
    return as_array(np.sum(a, axis=axes(a, dim), keepdims=keepdim, dtype=out))


@op("mean", "(Tensor self, int[]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor",
    shape=reduction(), dtype=from_arg(3), lower="reductions.lower_sum",
    samples=lambda: [sample(s.f32(3, 4, 2), [0, 2], False, None), sample(s.f32(3, 4), None, True, None),
                     sample(s.i64(3, 4), [1], False, None), sample(s.i64(3, 4), None, False, F64),
                     sample(s.special(), [1], False, None), sample(s.f32(0, 3), [0], False, None),
                     sample(zero_d(), None, False, None), sample(s.strided(3, 4), [-1], False, None)])
def mean(a, dim=None, keepdim=False, dtype=None):
    out = dtype_of(dtype, a.dtype)
    if not is_inexact(out):
        raise RuntimeError(f"mean(): could not infer output dtype. {'Input' if dtype is None else 'Optional'} dtype "
                           f"must be either a floating point or complex dtype. Got: {torch_name(out)}")
    with np.errstate(invalid="ignore"):
        return as_array(np.mean(a.astype(out, copy=False), axis=axes(a, dim), keepdims=keepdim))


_WHOLE = "ATen's prod has no optional dim (the whole-tensor form is aten::prod(Tensor, *, dtype))"


@op("prod", "(Tensor self, int? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor",
    shape=reduction(), dtype=from_arg(3, accumulated), lower="reductions.lower_prod",
    samples=lambda: [sample(s.f32(2, 3), 1, False, None), sample(s.i64(3, 4), 1, False, None),
                     sample(s.mask(3, 4), 0, True, None), sample(s.special(), -1, False, None),
                     sample(s.i64(3, 4), 0, False, F64), sample(s.f32(0, 3), 0, False, None),
                     sample(zero_d(), 0, True, None), sample(s.strided(3, 4), -2, True, None),
                     sample(s.f32(3, 4), None, False, None, torch=False, note=_WHOLE)])
def prod(a, dim=None, keepdim=False, dtype=None):
    return as_array(np.prod(a, axis=axes(a, dim), keepdims=keepdim, dtype=_accumulate_dtype(a, dtype)))


# -- extrema --------------------------------------------------------------------------------------

def _check_nonempty(a, reduced_axes, name):
    for d in reduced_axes:
        if a.shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def _extreme(fn: Callable, name: str) -> Callable:
    def kernel(a, dim=(), keepdim=False):
        if a.size == 0 and not dim:  # every dim reduced, as x.amax() of an empty tensor: PyTorch's error
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                               "Specify the reduction dim with the 'dim' argument")
        reduced_axes = axes(a, dim)
        _check_nonempty(a, reduced_axes, name)
        return as_array(fn(a, axis=reduced_axes, keepdims=keepdim))
    kernel.__name__ = name
    return kernel


def _extreme_samples():
    return [sample(s.f32(3, 4, 2), [0, 2], True), sample(s.i64(3, 4), [], False), sample(s.special(), [1], False),
            sample(s.f32(0, 3), [0], False), sample(s.f32(0, 3), [1], False), sample(s.mask(3, 4), [0], False),
            sample(zero_d(), [], False), sample(s.strided(3, 4), [-1], True), sample(s.f32(3, 0), [], False)]


for _name, _fn in (("amax", np.max), ("amin", np.min)):
    defop(_name, "(Tensor self, int[] dim=[], bool keepdim=False) -> Tensor", _extreme(_fn, _name),
          shape=reduction(), dtype=same_dtype, lower="reductions.lower_extremum", samples=_extreme_samples)


def _whole(fn: Callable, name: str) -> Callable:
    def kernel(a):
        if a.size == 0:
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                               f"Specify the reduction dim with the 'dim' argument.")
        return as_array(fn(a))
    kernel.__name__ = name
    return kernel


for _name, _fn in (("max", np.max), ("min", np.min)):
    defop(_name, "(Tensor self) -> Tensor", _whole(_fn, _name), shape=scalar, dtype=same_dtype,
          lower="reductions.lower_extremum",
          samples=lambda: [sample(s.f32(3, 4)), sample(s.i64(3, 4)), sample(s.special()), sample(s.f32(0, 3)),
                           sample(zero_d()), sample(s.mask(5)), sample(s.strided(3, 4))])


def _with_indices(arg: Callable, name: str) -> Callable:
    """max/min along a dim: the values and the index of their first occurrence (NaN wins)."""
    def kernel(a, dim, keepdim=False):
        if a.ndim == 0:
            wrap_dim(dim, 0)
            return a.copy(), np.zeros((), INT64)
        dim = wrap_dim(dim, a.ndim)
        if a.shape[dim] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {dim} to have non-zero size.")
        idx = np.expand_dims(arg(a, axis=dim), dim)
        values = np.take_along_axis(a, idx, axis=dim)
        if not keepdim:
            idx, values = idx.squeeze(dim), values.squeeze(dim)
        return values, idx.astype(INT64, copy=False)
    kernel.__name__ = f"{name}_dim"
    return kernel


def reduced_pair(x, dim, keepdim):
    """Shape rule of (values, indices) reductions along one dim."""
    sizes = reduced(x, dim, keepdim)
    return sizes, sizes


_TIES = np.array([[1, 3, 3, 0], [2, 2, 1, 2]])
_VALUES_INDICES = each(same_dtype, fixed(I64))
for _name, _arg in (("max", np.argmax), ("min", np.argmin)):
    defop(f"{_name}_dim", "(Tensor self, int dim, bool keepdim=False) -> (Tensor values, Tensor indices)",
          _with_indices(_arg, _name), shape=reduced_pair, dtype=_VALUES_INDICES, aten=_name,
          lower="index_reductions.lower_extremum_dim",
          samples=lambda: [sample(s.f32(3, 4), 1, True), sample(s.i64(3, 4), 0, False), sample(s.special(), 1, False),
                           sample(_TIES, -1, False), sample(zero_d(), 0, False), sample(s.f32(0, 3), 0, False),
                           sample(s.f32(0, 3), 1, False), sample(s.mask(3, 4), 1, True),
                           sample(s.strided(3, 4), 0, False)])


def _arg(fn: Callable, name: str) -> Callable:
    def kernel(a, dim=None, keepdim=False):
        if a.dtype.kind == "b":
            raise RuntimeError(f"{name}(): does not support bool input")
        if dim is None:
            if a.size == 0:
                raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
            idx = np.asarray(fn(a.reshape(-1)), dtype=INT64)
            return idx.reshape((1,) * a.ndim) if keepdim else idx
        if a.ndim == 0:
            wrap_dim(dim, 0)
            return np.zeros((), INT64)
        dim = wrap_dim(dim, a.ndim)
        if a.shape[dim] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {dim} to have non-zero size.")
        return as_array(fn(a, axis=dim, keepdims=keepdim).astype(INT64, copy=False))
    kernel.__name__ = name
    return kernel


for _name, _fn in (("argmax", np.argmax), ("argmin", np.argmin)):
    defop(_name, "(Tensor self, int? dim=None, bool keepdim=False) -> Tensor", _arg(_fn, _name), shape=reduction(),
          dtype=fixed(I64), lower="index_reductions.lower_arg_extremum",
          samples=lambda: [sample(s.f32(3, 4), None, False), sample(s.f32(3, 4), None, True),
                           sample(s.f32(3, 4), -1, True), sample(s.special(), 1, False), sample(_TIES, 1, False),
                           sample(s.mask(4), None, False), sample(s.f32(0, 3), None, False),
                           sample(zero_d(), 0, False), sample(zero_d(), None, True), sample(s.i64(3, 4), 0, True),
                           sample(s.strided(3, 4), None, True), sample(s.strided(3, 4), -2, False)])


# -- logical reductions and counts -----------------------------------------------------------------

def _logical(fn: Callable, name: str) -> Callable:
    """any/all: bool results, except that uint8 inputs give uint8 (as torch keeps them)."""
    def kernel(a, dim=None, keepdim=False):
        reduced_axes = None if dim is None else wrap_dim(dim, a.ndim)
        reduced_axes = reduced_axes if a.ndim else None
        out = as_array(fn(a, axis=reduced_axes, keepdims=keepdim))
        if dim is None and keepdim is False:
            out = out.reshape(())
        return out.astype(np.uint8) if a.dtype == np.uint8 else out
    kernel.__name__ = name
    return kernel


def _logical_dtype(x, *_):
    return None if x.dtype is None else (x.dtype if x.dtype == np.uint8 else BOOL)


for _name, _fn in (("any", np.any), ("all", np.all)):
    defop(_name, "(Tensor self, int? dim=None, bool keepdim=False) -> Tensor", _logical(_fn, _name),
          shape=reduction(), dtype=_logical_dtype, lower="reductions.lower_logical",
          samples=lambda: [sample(s.mask(3, 4), 1, False), sample(s.f32(3, 4), None, False),
                           sample(s.mask(3, 4), None, True), sample(s.special(), -1, True),
                           sample(s.i64(2, 3, lo=0, hi=2, dtype="uint8"), 1, False),
                           sample(s.f32(0, 3), None, False), sample(s.f32(0, 3), 0, False),
                           sample(zero_d(), 0, True), sample(s.strided(3, 4), 0, False)])


def _count_nonzero(g, x, dim=None):
    """The number of elements != 0 (NaN counts) over `dim` (None or []: every dim), as int64."""
    return g.sum(g.ne(x, 0), dim, False, I64_CODE)


defop("count_nonzero", "(Tensor self, int[]? dim=None) -> Tensor", decompose=_count_nonzero,
      shape=lambda x, dim: reduced(x, dim, False), dtype=fixed(I64), api="torch Tensor",
      samples=lambda: [sample(s.f32(3, 4), [1]), sample(s.i64(3, 4), None), sample(s.special(), [0, -1]),
                       sample(s.mask(2, 3, 4), [0, 2]), sample(s.f32(0, 3), [0]), sample(zero_d(), [0]),
                       sample(s.f32(3, 4) * s.mask(3, 4), []), sample(s.strided(3, 4) * s.mask(3, 4), [0])])


# -- scans ----------------------------------------------------------------------------------------

def _scan_shape(x, dim, dtype):
    sizes = dims(x)
    wrap(dim, len(sizes))
    return sizes


def _scan_samples():
    return [sample(s.f32(3, 4), 1, None), sample(s.i64(3, 4), 1, None), sample(s.f32(3, 4), 0, F64),
            sample(s.mask(2, 5), -1, None), sample(s.special(), 1, None), sample(zero_d(), 0, None),
            sample(s.f32(0, 3), 0, None), sample(s.strided(3, 4), -2, None)]


def _scan(fn: Callable, name: str) -> Callable:
    def kernel(a, dim, dtype=None):
        dim = wrap_dim(dim, a.ndim)
        out = _accumulate_dtype(a, dtype)
        if a.ndim == 0:
            return a.astype(out)
        # the running value in ATen's CPU accumulate type, each output rounded (a float32 cumsum of
        # 4096 elements drifts from PyTorch's by 1e-4 when it accumulates in float32)
        with np.errstate(over="ignore", invalid="ignore"):
            running = fn(a.astype(out, copy=False), axis=dim, dtype=cpu_accumulate_type(out))
            return as_array(running.astype(out, copy=False))
    kernel.__name__ = name
    return kernel


for _name, _fn in (("cumsum", np.cumsum), ("cumprod", np.cumprod)):
    defop(_name, "(Tensor self, int dim, *, ScalarType? dtype=None) -> Tensor", _scan(_fn, _name),
          shape=_scan_shape, dtype=from_arg(2, accumulated), verify=chk.SAME_SHAPE,
          lower="scans.lower_cumulative", samples=_scan_samples, api="torch Tensor")
