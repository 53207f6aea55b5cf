"""More reductions for imported PyTorch models: cumprod, sort/argsort/topk (stable, NaN last as
torch sorts), count_nonzero, var_mean/std_mean, median and aminmax."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tsjit.kernels.dims import wrap_dim, wrap_dims
from tsjit.kernels.promotion import INT64, as_array
from tsjit.kernels.reductions import KERNELS as _BASE, _accumulate_dtype


def cumprod(a, dim, dtype=None):
    dim = wrap_dim(dim, a.ndim)
    out = _accumulate_dtype(a, dtype)
    return a.astype(out) if a.ndim == 0 else np.cumprod(a, axis=dim, dtype=out)


def _stable_desc(a, dim):
    """Indices of a descending stable sort: ties keep their original order, NaN counts as largest."""
    x = np.moveaxis(a, dim, -1)
    vals = x.astype(np.float64) if x.dtype.kind in "bf" else x.astype(np.int64)
    nan = np.isnan(vals) if x.dtype.kind == "f" else np.zeros(x.shape, bool)
    key = np.where(nan, 0, -vals)
    idx = np.lexsort((key, ~nan), axis=-1)
    return np.moveaxis(idx, -1, dim)


def sort(a, dim=-1, descending=False):
    if a.ndim == 0:
        wrap_dim(dim, 0)
        return a.copy(), np.zeros((), INT64)
    dim = wrap_dim(dim, a.ndim)
    idx = np.argsort(a, axis=dim, kind="stable") if not descending else _stable_desc(a, dim)
    return np.take_along_axis(a, idx, axis=dim), idx.astype(INT64)


def argsort(a, dim=-1, descending=False):
    return sort(a, dim, descending)[1]


def topk(a, k, dim=-1, largest=True, sorted_=True):
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


def count_nonzero(a, dim=None):
    axes = wrap_dims(dim, a.ndim) if a.ndim else ()
    return as_array(np.count_nonzero(a, axis=axes if dim is not None else None)).astype(INT64)


def _moments_mean(kind: str) -> Callable:
    def kernel(a, dim=None, correction=None, keepdim=False):
        spread = _BASE[kind](a, dim, correction, keepdim)
        return spread, _BASE["mean"](a, dim, keepdim, None)
    return kernel


def median(a):
    """torch.median without dim: the lower of the two middle values; NaN if any."""
    if a.size == 0:
        return np.array(np.nan, a.dtype)
    flat = np.sort(a.reshape(-1), kind="stable")
    return as_array(flat[(flat.size - 1) // 2]).copy()


def median_dim(a, dim, keepdim=False):
    if a.ndim == 0:
        return a.copy(), np.zeros((), INT64)
    d = wrap_dim(dim, a.ndim)
    values, idx = sort(a, d, False)
    mid = (a.shape[d] - 1) // 2
    v, i = np.take(values, [mid], axis=d), np.take(idx, [mid], axis=d)
    return (v, i) if keepdim else (v.squeeze(d), i.squeeze(d))


KERNELS: dict[str, Callable] = {
    "cumprod": cumprod, "sort": sort, "argsort": argsort, "topk": topk, "count_nonzero": count_nonzero,
    "var_mean": _moments_mean("var"), "std_mean": _moments_mean("std"), "median": median,
    "median_dim": median_dim,
}
