"""Statistics of a tensor over dims: var and std (with a correction), var_mean and std_mean,
vector norms, logsumexp and medians.

Dims follow reduction.py (an int list or None for all). var, std and norm need float inputs
(torch has no integer kernel); logsumexp turns integers into the default float dtype. The
median is the lower of the two middle values, and NaN when the values hold one (lowered through
the sorting network: tsjit/lowering/order_statistics.py).
"""
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from tsjit.dtypes import is_float, is_inexact
from tsjit.kernels.dims import wrap_dim
from tsjit.kernels.promotion import BOOL, INT64, as_array, not_implemented, real_of, to_float
from tsjit.ops import samples as s
from tsjit.ops.reduction import axes, mean, reduced_pair, zero_d
from tsjit.ops.registry import defop, op, sample
from tsjit.ops.rules import INT64 as I64, each, fixed, real_float, reduction, same_dtype, scalar, to_float as float_dtype
from tsjit.ops.sorting import sort

_NOT_LOWERED = "no loop-level lowering yet: runs on numpy (C code runs it around fusion groups)"
_MOMENTS = "(Tensor self, int[]? dim=None, *, int? correction=None, bool keepdim=False)"


# -- var, std -------------------------------------------------------------------------------------

def _moments(name: str, root: bool) -> Callable:
    """Sum of squared deviations from the mean (two passes, in float64) over n - correction."""
    def kernel(a, dim=None, correction=None, keepdim=False):
        if not is_inexact(a.dtype):
            raise RuntimeError("std and var only support floating point and complex dtypes")
        reduced_axes = axes(a, dim)
        n = int(np.prod([a.shape[d] for d in reduced_axes])) if reduced_axes else 1
        ddof = 1 if correction is None else correction
        with np.errstate(all="ignore"):
            wide = np.complex128 if a.dtype.kind == "c" else np.float64
            m = np.mean(a, axis=reduced_axes, keepdims=True, dtype=wide)
            sq = np.sum(np.square(np.abs(a - m)), axis=reduced_axes, keepdims=keepdim, dtype=np.float64)
            out = sq / max(n - ddof, 0)
            out = np.sqrt(out) if root else out
        return as_array(out.astype(real_of(a.dtype)))
    kernel.__name__ = name
    return kernel


def _moment_samples():
    return [sample(s.f32(3, 4), [1], None, False), sample(s.f32(3, 4), None, 0, True),
            sample(s.f64(3, 4), [0, 1], 2, False), sample(s.f32(2, 3), [0], 5, False),
            sample(s.f32(1, 3), [0], None, False), sample(s.special(), [-1], None, False),
            sample(s.i64(3, 4), [1], None, False), sample(s.strided(3, 4), [0], None, True)]


_var, _std = _moments("var", False), _moments("std", True)
for _name, _kernel in (("var", _var), ("std", _std)):
    defop(_name, f"{_MOMENTS} -> Tensor", _kernel, shape=reduction(1, 3), dtype=real_float,
          lower="reductions.lower_var", samples=_moment_samples)


def _with_mean(spread: Callable) -> Callable:
    name = f"{spread.__name__}_mean"

    def kernel(a, dim=None, correction=None, keepdim=False):
        if not is_inexact(a.dtype):
            raise RuntimeError(f"{name} only support floating point and complex dtypes")
        return spread(a, dim, correction, keepdim), mean(a, dim, keepdim, None)
    kernel.__name__ = name
    return kernel


for _name, _kernel in (("var_mean", _var), ("std_mean", _std)):
    defop(_name, f"{_MOMENTS} -> (Tensor result0, Tensor result1)", _with_mean(_kernel),
          shape=lambda x, dim, correction, keepdim: reduced_pair(x, dim, keepdim),
          dtype=each(real_float, float_dtype), lower="reductions.lower_var", samples=_moment_samples, api="torch")


# -- norm, logsumexp ------------------------------------------------------------------------------

_NO_DIM = "ATen's norm takes a dim list (aten::norm.ScalarOpt_dim); None means every dim"


def _norm(g, x, p=2, dim=None, keepdim=False):
    """torch.norm with a number p: linalg_vector_norm (p None is 2)."""
    p = g.value(p)
    return g.linalg_vector_norm(x, 2 if p is None else p, dim, keepdim, None)


defop("norm", "(Tensor self, Scalar? p=2, int[]? dim=None, bool keepdim=False) -> Tensor", decompose=_norm,
      shape=reduction(2, 3), dtype=real_float,
      samples=lambda: [sample(s.f32(3, 4), None, [1], False), sample(s.f32(3, 4), 3.0, [0], True),
                       sample(s.f32(3, 4), math.inf, [0], False), sample(s.f32(3, 4) * s.mask(3, 4), 0, [1], False),
                       sample(s.special(), 1, [-1], False), sample(s.f32(3, 0), -math.inf, [1], False),
                       sample(s.f32(3, 4), -math.inf, [1], True), sample(s.f32(3, 4), 0.5, [], False),
                       sample(s.strided(3, 4), 2, [0], False), sample(s.i64(3, 4), 2, [1], False),
                       sample(s.c64(3, 4), 2, [1], False),  # a real result
                       sample(s.f32(3, 4), None, None, False, torch=False, note=_NO_DIM)])


_EMPTY_DIMS = "torch's logsumexp fails on dim=[] (its output shape check); tsjit reduces every dim, as sum does"


@op("logsumexp", "(Tensor self, int[] dim, bool keepdim=False) -> Tensor", shape=reduction(), dtype=float_dtype,
    lower="reductions.lower_logsumexp", aten="logsumexp special_logsumexp",
    samples=lambda: [sample(s.f32(3, 4), [1], False), sample(s.f32(3, 4) * 50, [1], True),
                     sample(s.i64(3, 4), [0, 1], True), sample(s.special(), [-1], False),
                     sample(s.f32(0, 3), [0], False), sample(zero_d(), [], False), sample(s.mask(2, 3), [0], False),
                     sample(np.array([[-np.inf, -np.inf], [np.inf, 1.0]], np.float32), [1], False),
                     sample(s.strided(3, 4), [0], True),
                     sample(s.f32(3, 4), [], False, torch=False, note=_EMPTY_DIMS)])
def logsumexp(a, dim=(), keepdim=False):
    """log(sum(exp(x - m))) + m with m the finite max, so large values do not overflow."""
    a = to_float(a)
    reduced_axes = axes(a, dim)
    with np.errstate(all="ignore"):
        m = np.max(a, axis=reduced_axes, keepdims=True) if a.size else np.zeros((1,) * a.ndim, a.dtype)
        m = np.where(np.isfinite(m), m, 0)
        out = np.log(np.sum(np.exp(a - m), axis=reduced_axes, keepdims=True)) + m
    return as_array(out if keepdim else np.squeeze(out, axis=reduced_axes))


# -- medians --------------------------------------------------------------------------------------

@op("median", "(Tensor self) -> Tensor", shape=scalar, dtype=same_dtype, lower="order_statistics.lower_median",
    samples=lambda: [sample(s.f32(2, 3)), sample(s.f32(4)), sample(s.special()), sample(s.i64(3, 4)),
                     sample(s.f32(0, 3)), sample(zero_d()), sample(s.mask(5)), sample(s.strided(3, 4))])
def median(a):
    """torch.median without dim: the lower of the two middle values; NaN if any."""
    if a.dtype == BOOL:
        raise not_implemented("median_cpu", a.dtype)
    if a.size == 0:
        return np.array(np.nan, a.dtype)
    flat = np.sort(a.reshape(-1), kind="stable")
    if is_float(flat.dtype) and np.isnan(flat[-1]):
        return as_array(flat[-1]).copy()
    return as_array(flat[(flat.size - 1) // 2]).copy()


@op("median_dim", "(Tensor self, int dim, bool keepdim=False) -> (Tensor values, Tensor indices)",
    shape=reduced_pair, dtype=each(same_dtype, fixed(I64)), aten="median", lower="order_statistics.lower_median_dim",
    samples=lambda: [sample(s.f32(3, 5), 1, False), sample(s.f32(3, 4), 0, True), sample(s.special(), 1, False),
                     sample(np.array([[2, 1, 2, 0, 1, 1], [3, 3, 1, 1, 2, 0]]), -1, False),
                     sample(zero_d(), 0, False), sample(s.f32(0, 3), 0, False), sample(s.f32(0, 3), 1, True),
                     sample(s.mask(2, 3), 1, False)])
def median_dim(a, dim, keepdim=False):
    """The lower median along dim and its index; a slice holding NaN gives its first NaN."""
    if a.dtype == BOOL:
        raise not_implemented("median_out", a.dtype)
    if a.ndim == 0:
        wrap_dim(dim, 0)
        return a.copy(), np.zeros((), INT64)
    d = wrap_dim(dim, a.ndim)
    n = a.shape[d]
    if n == 0:
        raise IndexError(f"median(): Expected reduction dim {d} to have non-zero size.")
    values, idx = sort(a, d, False)
    pick = np.full(a.shape[:d] + (1,) + a.shape[d + 1:], (n - 1) // 2, INT64)
    if is_float(a.dtype):
        nans = np.sum(np.isnan(a), axis=d, keepdims=True)
        pick = np.where(nans > 0, n - nans, pick)  # NaNs sort last, in their original order
    v, i = np.take_along_axis(values, pick, axis=d), np.take_along_axis(idx, pick, axis=d)
    return (v, i) if keepdim else (v.squeeze(d), i.squeeze(d))
