"""Sorting along a dim: sort, argsort and topk.

Sorts are stable (equal values keep their order, as torch.sort(stable=True) gives; torch's
default sort and topk leave the order of ties unspecified) and NaN sorts as the largest value:
last ascending, first descending. Indices are int64. A 0-d tensor sorts as itself (dim 0 or -1).
All lower to a bitonic sorting network (tsjit/lowering/sorting.py).
"""
from __future__ import annotations

import numpy as np

from tsjit.dtypes import is_float
from tsjit.kernels.dims import wrap_dim
from tsjit.kernels.promotion import INT64
from tsjit.ops import checks as chk
from tsjit.ops import samples as s
from tsjit.ops.registry import op, sample
from tsjit.ops.rules import D, INT64 as I64, ShapeError, const, dims, each, fixed, same_dtype, with_dim, wrap


def _stable_desc(a, dim):
    """Indices of a descending stable sort: ties keep their original order, NaN counts as largest."""
    x = np.moveaxis(a, dim, -1)
    vals = x.astype(np.float64) if is_float(x.dtype) or x.dtype.kind == "b" else x.astype(np.int64)
    nan = np.isnan(vals) if is_float(x.dtype) else np.zeros(x.shape, bool)
    key = np.where(nan, 0, -vals)
    idx = np.lexsort((key, ~nan), axis=-1)
    return np.moveaxis(idx, -1, dim)


def _sorted_shape(x, dim, *_):
    sizes = dims(x)
    wrap(dim, len(sizes))
    return sizes


def _sort_samples():
    return [sample(s.f32(3, 4), 1, False), sample(np.array([2, 1, 2, 0, 1]), -1, True),
            sample(s.special(), 1, False), sample(s.special(), -1, True), sample(s.mask(2, 5), 1, True),
            sample(np.array(s.f32(1)[0]), 0, False), sample(s.f32(0, 3), 0, False), sample(s.strided(3, 4), 0, False)]


@op("sort", "(Tensor self, int dim=-1, bool descending=False) -> (Tensor values, Tensor indices)",
    shape=lambda x, dim, descending: (_sorted_shape(x, dim),) * 2, dtype=each(same_dtype, fixed(I64)),
    lower="sorting.lower_sort", samples=_sort_samples, api="torch Tensor")
def sort(a, dim=-1, descending=False):
    if a.ndim == 0:
        wrap_dim(dim, 0)
        return a.copy(), np.zeros((), INT64)
    dim = wrap_dim(dim, a.ndim)
    idx = np.argsort(a, axis=dim, kind="stable") if not descending else _stable_desc(a, dim)
    return np.take_along_axis(a, idx, axis=dim), idx.astype(INT64)


@op("argsort", "(Tensor self, int dim=-1, bool descending=False) -> Tensor", shape=_sorted_shape, dtype=fixed(I64),
    verify=chk.SAME_SHAPE, lower="sorting.lower_sort", samples=_sort_samples, api="torch Tensor")
def argsort(a, dim=-1, descending=False):
    return sort(a, dim, descending)[1]


def _topk_shape(x, k, dim, largest, sorted_):
    sizes = dims(x)
    d = wrap(dim, len(sizes))
    k = const(k, "topk's k")
    if not sizes:
        if k not in (0, 1):
            raise ShapeError("selected index k out of range")
        return (), ()
    if k < 0 or sizes[d] != D and k > sizes[d]:
        raise ShapeError("selected index k out of range")
    out = with_dim(sizes, d, k)
    return out, out


def _topk_samples():
    return [sample(s.f32(3, 5), 2, -1, True, True), sample(s.f32(3, 5), 3, 0, False, True),
            sample(s.special(), 3, 1, True, True), sample(s.special(), 2, 1, False, True),
            sample(np.argsort(s.f32(12)).reshape(3, 4), 4, 1, True, True),
            sample(s.f32(3, 5), 6, 1, True, True),
            sample(s.mask(4), 2, 0, True, True), sample(np.array(s.f32(1)[0]), 1, 0, True, True)]


@op("topk", "(Tensor self, int k, int dim=-1, bool largest=True, bool sorted=True) -> (Tensor values, Tensor indices)",
    shape=_topk_shape, dtype=each(same_dtype, fixed(I64)), lower="sorting.lower_topk", samples=_topk_samples,
    api="torch Tensor")
def topk(a, k, dim=-1, largest=True, sorted_=True):
    """The k largest (or smallest) values along dim, in order; ties keep their original order."""
    if a.dtype.kind == "b":
        raise RuntimeError("topk does not support bool dtypes on CPU")
    d = wrap_dim(dim, a.ndim)
    n = a.shape[d] if a.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError("selected index k out of range")
    values, idx = sort(a, d, largest)
    if a.ndim == 0:
        return values, idx
    take = [slice(None)] * a.ndim
    take[d] = slice(0, k)
    return values[tuple(take)].copy(), idx[tuple(take)].copy()
