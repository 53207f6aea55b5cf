"""Order statistics and scans that select values: cummax / cummin, kthvalue, mode, nanmedian, quantile /
nanquantile; integer gcd / lcm; tensor_split and hsplit / vsplit / dsplit.

cummax / cummin lower to a loop along the dim (tsjit/lowering/scans.py); kthvalue, mode, nanmedian
and quantile to the sorting network and per-row selections (tsjit/lowering/sorting.py,
order_statistics.py); gcd / lcm to Euclid's rounds in a loop of bounded length
(tsjit/lowering/integer_loops.py). PyTorch's conventions: indices are int64; cummax/cummin pick the latest of
equal values and propagate NaN; ties elsewhere go by index (stable); quantile interpolates as
torch's five modes.
"""
from __future__ import annotations

import numpy as np

from tsjit.dtypes import is_float
from tsjit.kernels.dims import check_broadcast, wrap_dim
from tsjit.kernels.promotion import BOOL, INT64, as_array, not_implemented, result_dtype
from tsjit.ops import samples as s
from tsjit.ops.registry import defop, op, sample
from tsjit.ops.rules import (
    BY_KERNEL,
    D,
    ShapeError,
    const,
    dims,
    int_list,
    same_dtype,
    with_dim,
    wrap,
)
from tsjit.ops.sorting import sort

_SPLIT = ("a list of tensors: taken apart into slices where it is unpacked, indexed or returned "
          "(tsjit/passes/split_unpacks.py), so only other uses run on numpy")


# -- cummax / cummin ---------------------------------------------------------------------------------

def _cumulative(name, better):
    def kernel(a, dim):
        d = wrap_dim(dim, max(a.ndim, 1))
        if a.ndim == 0:
            return a.copy(), np.zeros((), INT64)
        x = np.moveaxis(a, d, -1)
        vals, idx = np.empty_like(x), np.zeros(x.shape, INT64)
        if x.shape[-1]:
            cur, at = x[..., 0].copy(), np.zeros(x.shape[:-1], INT64)
            for i in range(x.shape[-1]):
                xi = x[..., i]
                take = better(xi, cur)
                if is_float(x.dtype):
                    take = np.isnan(xi) | (~np.isnan(cur) & take)
                cur, at = np.where(take, xi, cur), np.where(take, i, at)
                vals[..., i], idx[..., i] = cur, at
        return np.moveaxis(vals, -1, d).copy(), np.moveaxis(idx, -1, d).copy()
    kernel.__name__ = name
    defop(name, "(Tensor self, int dim) -> (Tensor values, Tensor indices)", kernel, shape=BY_KERNEL, dtype=BY_KERNEL,
          api="torch Tensor", lower="scans.lower_cumulative_extremum",
          samples=lambda: [sample(s.f32(4, 5), 1), sample(np.array([[1, 3, 3, 2, 5], [0, 0, 1, 1, 0]]), 1),
                           sample(s.special(), 0), sample(s.f32(3), 0), sample(np.array(2.0, np.float32), 0),
                           sample(s.f32(0, 3), 1), sample(s.mask(2, 4), 1), sample(s.i64(3, 4), -1),
                           sample(s.strided(3, 4), 0)])


_cumulative("cummax", np.greater_equal)
_cumulative("cummin", np.less_equal)


# -- kthvalue, mode, nanmedian --------------------------------------------------------------------

def _keep(v, i, d, keepdim):
    return (v, i) if keepdim else (v.squeeze(d), i.squeeze(d))


@op("kthvalue", "(Tensor self, int k, int dim=-1, bool keepdim=False) -> (Tensor values, Tensor indices)",
    shape=BY_KERNEL, dtype=BY_KERNEL, api="torch Tensor", lower="sorting.lower_kthvalue",
    samples=lambda: [sample(s.f32(4, 5), 2, 1, False), sample(s.f32(4, 5), 1, 0, True), sample(s.f64(6), 6, -1, False),
                     sample(np.arange(12).reshape(3, 4)[:, ::-1].copy(), 3, 1, False), sample(s.f32(4, 5), 6, 1, False),
                     sample(np.array([[1.0, np.nan, 3.0, 2.0], [0.5, 2.0, np.nan, -1.0]], np.float32), 4, 1, False),
                     sample(np.array(2.5, np.float32), 1, 0, True), sample(s.f32(3, 4).T, 2, 0, False)])
def kthvalue(a, k, dim=-1, keepdim=False):
    """The k-th smallest value along dim (NaN sorts last) and its index."""
    if a.ndim == 0:
        wrap_dim(dim, 0)
        if k != 1:
            raise IndexError("kthvalue(): selected number k out of range for dimension 0")
        return a.copy(), np.zeros((), INT64)
    d = wrap_dim(dim, a.ndim)
    if not 1 <= k <= a.shape[d]:
        raise IndexError(f"kthvalue(): selected number k out of range for dimension {d}")
    values, idx = sort(a, d, False)
    pick = [slice(None)] * a.ndim
    pick[d] = slice(k - 1, k)
    return _keep(values[tuple(pick)].copy(), idx[tuple(pick)].copy(), d, keepdim)


@op("mode", "(Tensor self, int dim=-1, bool keepdim=False) -> (Tensor values, Tensor indices)",
    shape=BY_KERNEL, dtype=BY_KERNEL, api="torch Tensor", lower="order_statistics.lower_mode",
    samples=lambda: [sample(np.array([[0, 1, 2], [2, 2, 1], [1, 0, 1], [2, 0, 1]], np.float32), 0, False),
                     sample(np.array([[0, 1, 1, 2, 1], [2, 2, 0, 0, 1], [1, 0, 2, 2, 2]]), 1, False),
                     sample(np.array([[0, 1, 1], [2, 2, 1], [1, 0, 1]], np.float32), 0, True),
                     sample(np.array([3.0, 1.0, 3.0, 2.0], np.float32), -1, False), sample(np.array(4.0, np.float32), 0, False),
                     sample(np.array([[True, False, True], [False, False, True]]), 1, False),
                     sample(np.array([[0, 1, 1], [2, 2, 1], [1, 0, 1]]).T, -1, True)])
def mode(a, dim=-1, keepdim=False):
    """The most frequent value along dim (the smallest of equally frequent ones) and its last index."""
    if a.ndim == 0:
        wrap_dim(dim, 0)
        return a.copy(), np.zeros((), INT64)
    d = wrap_dim(dim, a.ndim)
    if a.shape[d] == 0:
        raise IndexError(f"mode(): Expected reduction dim {d} to have non-zero size.")
    x = np.moveaxis(a, d, -1)
    flat = x.reshape(-1, x.shape[-1])
    vals, idx = np.empty(flat.shape[0], a.dtype), np.empty(flat.shape[0], INT64)
    for r, row in enumerate(flat):
        u, counts = np.unique(row, return_counts=True)
        best = u[np.argmax(counts)]
        vals[r] = best
        idx[r] = np.nonzero(row == best)[0][-1]
    shape = x.shape[:-1]
    v, i = vals.reshape(shape), idx.reshape(shape)
    return (np.expand_dims(v, d), np.expand_dims(i, d)) if keepdim else (v, i)


@op("nanmedian", "(Tensor self) -> Tensor", shape=BY_KERNEL, dtype=BY_KERNEL, api="torch Tensor",
    lower="order_statistics.lower_median",
    samples=lambda: [sample(s.f32(4, 5)), sample(np.array([1.0, np.nan, 3.0, 2.0], np.float32)), sample(s.i64(5)),
                     sample(np.array([np.nan, np.nan], np.float32)), sample(s.f32(6)), sample(np.array(np.nan, np.float32))])
def nanmedian(a):
    """The lower median of the non-NaN values (NaN when there are none)."""
    if a.dtype == BOOL:
        raise not_implemented("nanmedian_cpu", a.dtype)
    flat = a.reshape(-1)
    if is_float(flat.dtype):
        flat = flat[~np.isnan(flat)]
    if flat.size == 0:
        return np.array(np.nan, a.dtype)
    return as_array(np.sort(flat)[(flat.size - 1) // 2]).copy()


@op("nanmedian_dim", "(Tensor self, int dim, bool keepdim=False) -> (Tensor values, Tensor indices)", aten="nanmedian",
    shape=BY_KERNEL, dtype=BY_KERNEL, lower="order_statistics.lower_median_dim",
    samples=lambda: [sample(s.f32(4, 5), 1, False), sample(np.array([[1.0, np.nan, 3.0], [np.nan, np.nan, 1.0]], np.float32), 1, True),
                     sample(s.i64(3, 5), 0, False)])
def nanmedian_dim(a, dim, keepdim=False):
    """The lower median of each slice's non-NaN values and its index (NaN, index 0, when all are NaN)."""
    if a.ndim == 0:
        wrap_dim(dim, 0)
        return a.copy(), np.zeros((), INT64)
    d = wrap_dim(dim, a.ndim)
    values, idx = sort(a, d, False)  # NaNs sort last
    n = a.shape[d]
    nans = np.sum(np.isnan(a), axis=d, keepdims=True) if is_float(a.dtype) else np.zeros((1,) * a.ndim, INT64)
    pick = np.broadcast_to(np.maximum((n - nans - 1) // 2, 0), a.shape[:d] + (1,) + a.shape[d + 1:])
    return _keep(np.take_along_axis(values, pick, d), np.take_along_axis(idx, pick, d), d, keepdim)


# -- quantile ----------------------------------------------------------------------------------------

_MODES = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(name, ignore_nan):
    def kernel(a, q, dim=None, keepdim=False, interpolation="linear"):
        if not is_float(a.dtype):
            raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
        if not 0 <= q <= 1:
            raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {q}")
        if interpolation not in _MODES:
            raise RuntimeError(f"{name}() interpolation must be one of linear, lower, higher, midpoint or nearest. "
                               f"Got {interpolation}")
        x = a.reshape(-1) if dim is None else a
        axis = 0 if dim is None else wrap_dim(dim, max(a.ndim, 1))
        if x.ndim == 0:
            x = x.reshape(1)
        fn = np.nanquantile if ignore_nan else np.quantile
        with np.errstate(all="ignore"), __import__("warnings").catch_warnings():
            __import__("warnings").simplefilter("ignore")
            out = fn(x.astype(np.float64), q, axis=axis, keepdims=keepdim, method=interpolation)
            if not ignore_nan:
                out = np.where(np.isnan(x).any(axis=axis, keepdims=keepdim), np.nan, out)
        if keepdim and dim is None:
            out = out.reshape((1,) * a.ndim)
        elif a.ndim == 0 and dim is not None:
            out = out.reshape(())
        return as_array(np.asarray(out).astype(a.dtype))
    kernel.__name__ = name
    defop(name, "(Tensor self, float q, int? dim=None, bool keepdim=False, *, str interpolation='linear') -> Tensor",
          kernel, shape=BY_KERNEL, dtype=BY_KERNEL, api="torch Tensor", lower="order_statistics.lower_quantile",
          samples=lambda: [sample(s.f32(4, 5), 0.3, 1, False, "linear"), sample(s.f32(4, 5), 0.5, None, False, "linear"),
                           sample(s.f64(3, 6), 0.75, 0, True, "linear"), sample(s.f32(4, 5), 0.4, 1, False, "lower"),
                           sample(s.f32(4, 5), 0.4, 1, False, "higher"), sample(s.f32(4, 5), 0.4, 1, False, "midpoint"),
                           sample(np.array([[1.0, np.nan, 3.0, 2.0]], np.float32), 0.5, 1, False, "linear"),
                           sample(s.f32(4, 5), 0.375, 1, True, "nearest"), sample(np.array(1.5, np.float32), 0.2, None, False, "linear"),
                           sample(np.array([[np.nan, np.nan], [1.0, np.nan]], np.float32), 0.7, 1, False, "linear")])


_quantile("quantile", False)
_quantile("nanquantile", True)


# -- gcd / lcm ---------------------------------------------------------------------------------------

def _gcd(a, b):
    """ATen's calc_gcd: a, b = |x|, |y| (wrapping: int8's |-128| is -128), then Euclid with C's
    truncating remainder while a != 0; so gcd(-128, 6) is -2 in int8, as in PyTorch."""
    with np.errstate(all="ignore"):
        a, b = np.where(a < 0, -a, a), np.where(b < 0, -b, b)
        while (live := a != 0).any():
            a, b = np.where(live, np.fmod(b, np.where(live, a, 1)), a), np.where(live, a, b)
    return b


def _lcm(a, b):
    """ATen's calc_lcm: g == 0 ? 0 : |a / g * b|, in int32 for narrower types (C's promotion) and
    wrapping at 32 and 64 bits (MIN / -1 too, where PyTorch's kernel traps)."""
    g = _gcd(a, b)
    wide = a.dtype if a.dtype.itemsize >= 4 else np.dtype(np.int32)
    a, b, g = a.astype(wide), b.astype(wide), g.astype(wide)
    with np.errstate(all="ignore"):
        safe = np.where((g == 0) | (g == -1), 1, g)
        q = np.where(g == -1, -a, (a - np.fmod(a, safe)) // safe)  # truncating: a - rem divides exactly
        m = q * b
        return np.where(g == 0, 0, np.where(m < 0, -m, m))


def _integer_binary(name, fn):
    def kernel(a, b):
        dtype = result_dtype(a, b)
        if dtype.kind not in "iu":
            raise not_implemented(f"{name}_cpu", dtype)
        check_broadcast(np.shape(a), np.shape(b))
        a, b = np.broadcast_arrays(np.asarray(a, dtype), np.asarray(b, dtype))
        return as_array(np.asarray(fn(a, b)).astype(dtype))
    kernel.__name__ = name
    defop(name, "(Tensor self, Tensor other) -> Tensor", kernel, shape=BY_KERNEL, dtype=BY_KERNEL, api="torch Tensor",
          lower=f"integer_loops.lower_{name}",
          samples=lambda: [sample(s.i64(4, lo=1, hi=20), s.i64(4, lo=1, hi=20)), sample(s.i64(2, 3), s.i64(3)),
                           sample(np.array([0, 12, -8, 7]), np.array([5, 18, 6, 0])),
                           sample(s.i32(3, lo=1, hi=30), s.i32(3, lo=1, hi=30)),
                           sample(_EDGES[np.int8], _EDGES[np.int8][::-1].copy()),
                           sample(_EDGES[np.int16], _EDGES[np.int16][::-1].copy()),
                           sample(_EDGES[np.int64], _EDGES[np.int64][::-1].copy()),
                           sample(np.array([7540113804746346429, -4660046610375530309]),
                                  np.array([4660046610375530309, 2880067194370816120])),
                           sample(s.i64(0, 3), s.i64(3)), sample(np.array(12), np.array([8, -18, 0])),
                           sample(np.array([0, 12, 255, 200, 7], np.uint8), np.array([5, 18, 85, 150, 0], np.uint8)),
                           sample(s.i64(3, 1, lo=-50, hi=50), s.i32(4, lo=-50, hi=50))])


def _edges(t):
    """Zeros, signs, extremes and near-extremes of an integer dtype (MIN only against values whose
    gcd with it is not -1, where lcm's MIN / -1 traps in PyTorch)."""
    info = np.iinfo(t)
    return np.array([0, 1, -1, 6, -4, 12, info.max, info.min, info.max - 1, -18, 0, 7], t)


_EDGES = {t: _edges(t) for t in (np.int8, np.int16, np.int64)}
_integer_binary("gcd", _gcd)
_integer_binary("lcm", _lcm)


# -- tensor_split, hsplit / vsplit / dsplit ---------------------------------------------------------

def _split_at(a, bounds, d):
    pick = [slice(None)] * a.ndim
    out = []
    for lo, hi in zip([0] + bounds, bounds + [a.shape[d]]):
        pick[d] = slice(lo, max(lo, hi))
        out.append(a[tuple(pick)])
    return out


def section_bounds(size, n):
    small, extra = divmod(size, n)
    bounds, at = [], 0
    for i in range(n - 1):
        at += small + (1 if i < extra else 0)
        bounds.append(at)
    return bounds


def clip_bounds(size, indices):
    return [min(max(i if i >= 0 else i + size, 0), size) for i in indices]


def _split_shapes(x, d, bounds_of):
    xs = dims(x)
    if not xs:
        raise ShapeError("tensor_split expects at least a 1-dimensional tensor")
    d = wrap(d, len(xs))
    if xs[d] == D:
        raise ShapeError("splitting an unknown dim")
    bounds = bounds_of(xs[d])
    widths = {max(hi - lo, 0) for lo, hi in zip([0] + bounds, bounds + [xs[d]])}
    # unequal pieces share one type with the dim unknown (a list's elements have one type; ts.list.unpack
    # results may not be narrower than it)
    return [with_dim(xs, d, widths.pop() if len(widths) == 1 else D)] * (len(bounds) + 1)


def _sections(a, n, d, name="tensor_split"):
    if a.ndim == 0:
        raise RuntimeError(f"{name} expected at least a 1-dimensional tensor, but got a tensor with 0 dims")
    if n <= 0:
        raise RuntimeError(f"number of sections must be larger than 0, got {n}")
    return _split_at(a, section_bounds(a.shape[d], n), d)


@op("tensor_split", "(Tensor self, int sections, int dim=0) -> Tensor[]", dtype=same_dtype,
    shape=lambda x, n, dim: _split_shapes(x, const(dim, "dim"), lambda size: section_bounds(size, const(n, "sections"))),
    api="torch Tensor", numpy_only=_SPLIT,
    samples=lambda: [sample(s.f32(4, 5), 3, 1), sample(s.f32(7), 3, 0), sample(s.f32(2, 3), 4, -1)])
def tensor_split(a, sections, dim=0):
    return _sections(a, sections, wrap_dim(dim, max(a.ndim, 1)))


@op("tensor_split_indices", "(Tensor self, int[] indices, int dim=0) -> Tensor[]", aten="tensor_split",
    shape=lambda x, ix, dim: _split_shapes(x, const(dim, "dim"), lambda size: clip_bounds(size, int_list(ix, "indices"))),
    dtype=same_dtype, numpy_only=_SPLIT,
    samples=lambda: [sample(s.f32(4, 5), [1, 3], 1), sample(s.f32(7), [2, 9], 0), sample(s.f32(6, 2), [4, 2], 0)])
def tensor_split_indices(a, indices, dim=0):
    if a.ndim == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims")
    d = wrap_dim(dim, a.ndim)
    return _split_at(a, clip_bounds(a.shape[d], indices), d)


def _named_split(name, dim_of, min_rank):
    def check(a):
        if a.ndim < min_rank:
            raise RuntimeError(f"torch.{name} requires a tensor with at least {min_rank} dimension, but got a tensor "
                               f"with {a.ndim} dimensions!")
        return dim_of(a)

    def sections(a, sections):
        d = check(a)
        if sections <= 0 or a.shape[d] % sections:
            raise RuntimeError(f"torch.{name} attempted to split along dimension {d}, but the size of the dimension "
                               f"{a.shape[d]} is not divisible by the split_size {sections}!")
        return _sections(a, sections, d)

    def indices(a, indices):
        return tensor_split_indices(a, indices, check(a))
    sections.__name__, indices.__name__ = name, f"{name}_indices"
    def rank_dim(x):
        return dim_of(np.empty((1,) * len(dims(x))))

    defop(name, "(Tensor self, int sections) -> Tensor[]", sections, dtype=same_dtype,
          shape=lambda x, n: _split_shapes(x, rank_dim(x), lambda size: section_bounds(size, const(n, "sections"))),
          api="torch Tensor", numpy_only=_SPLIT,
          samples=lambda: [sample(s.f32(4, 6, 2), 2), sample(s.f32(2, 4, 6), 1)])
    defop(f"{name}_indices", "(Tensor self, int[] indices) -> Tensor[]", indices, dtype=same_dtype,
          shape=lambda x, ix: _split_shapes(x, rank_dim(x), lambda size: clip_bounds(size, int_list(ix, "indices"))),
          aten=name, numpy_only=_SPLIT, samples=lambda: [sample(s.f32(4, 6, 2), [1, 3]), sample(s.f32(2, 4, 6), [1])])


_named_split("hsplit", lambda a: 1 if a.ndim > 1 else 0, 1)
_named_split("vsplit", lambda a: 0, 2)
_named_split("dsplit", lambda a: 2, 3)


