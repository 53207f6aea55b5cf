"""quantile / nanquantile with a tensor q (aten::quantile / nanquantile, the overload of a Tensor q).

They decompose as ATen's quantile_compute: sort the reduced dim (moved last; NaN sorts last), rank
= q * (n - 1) (n - 1 for rows holding NaN, so the result is NaN; q * (count - 1), at least 0, over
the count of non-NaNs for nanquantile), rounded by the interpolation mode, the values at the ranks
below and above gathered and lerped in the input's dtype. A 1-d q of k values puts a leading dim of
k on the result; a 0-d q does not. Sort and gather lower, so these compile to C.
"""
from __future__ import annotations

import numpy as np

from tsjit.kernels.dims import wrap_dim
from tsjit.kernels.promotion import CODE_OF_DTYPE
from tsjit.ops import samples as s
from tsjit.ops.decomposition import EagerBuilder, reject
from tsjit.ops.registry import defop, sample
from tsjit.ops.rules import BY_KERNEL

_MODES = ("linear", "lower", "higher", "midpoint", "nearest")
_INT64 = 4  # ScalarType code


def _lerp(g, lo, hi, w):
    """ATen's lerp: lo + w * (hi - lo) for w < 0.5, else hi - (hi - lo) * (1 - w)."""
    diff = g.sub(hi, lo)
    return g.where(g.lt(w, 0.5), g.add(lo, g.mul(w, diff)), g.sub(hi, g.mul(diff, g.rsub(w, 1))))


def _quantile_tensor(ignore_nan: bool):
    def decompose(g, x, q, dim, keepdim, interpolation):
        dtype, mode, dim, keepdim = g.dtype(x), g.value(interpolation), g.value(dim), g.value(keepdim)
        shape = list(g.shape(x))
        if dtype not in (np.float32, np.float64):
            raise reject(g, RuntimeError("quantile() input tensor must be either float or double dtype"))
        if g.dim(q) > 1:
            raise reject(g, RuntimeError("quantile() q must be a scalar or 1D tensor"))
        if g.dtype(q) != dtype:
            raise reject(g, RuntimeError("quantile() q tensor must be same dtype as the input tensor"))
        if mode not in _MODES:
            raise reject(g, RuntimeError(f"quantile() interpolation must be one of linear, lower, higher, midpoint "
                                         f"or nearest. Got {mode}"))
        if isinstance(g, EagerBuilder) and not ((q >= 0) & (q <= 1)).all():  # data, checked where it is known
            raise RuntimeError("quantile() q values must be in the range [0, 1]")
        if dim is None:
            rows, out_shape = g.reshape(x, [-1]), ([1] * len(shape) if keepdim else [])
        else:
            d = wrap_dim(dim, max(len(shape), 1))
            if not shape:
                rows, out_shape = g.reshape(x, [1]), []
            else:
                rows = g.movedim(x, [d], [-1])
                out_shape = [1 if i == d else n for i, n in enumerate(shape) if keepdim or i != d]
        n = g.shape(rows)[-1]
        if n == 0:
            raise reject(g, RuntimeError("quantile() input tensor must be non-empty"))
        rest = list(g.shape(rows)[:-1])
        k = 1 if g.dim(q) == 0 else g.shape(q)[0]
        full = [k, *rest, 1]
        ordered = g.sort(rows, -1, False)[0]
        qs = g.reshape(q, [k] + [1] * (len(rest) + 1))
        if ignore_nan:
            count = g.sum(g.logical_not(g.isnan(ordered)), [-1], True)
            ranks = g.mul(qs, g.to(g.sub(count, 1), CODE_OF_DTYPE[dtype]))
            ranks = g.masked_fill(ranks, g.lt(ranks, 0), 0)
        else:
            ranks = g.masked_fill(g.expand(g.mul(qs, n - 1), full), g.any(g.isnan(ordered), -1, True), n - 1)
        if mode == "lower":
            ranks = g.floor(ranks)
        elif mode == "higher":
            ranks = g.ceil(ranks)
        elif mode == "nearest":
            ranks = g.round(ranks)
        values = g.expand(g.unsqueeze(ordered, 0), [k, *rest, n])
        below = g.to(ranks, _INT64)
        out = g.gather(values, -1, below)
        if mode in ("linear", "midpoint"):
            above = g.gather(values, -1, g.to(g.ceil(ranks), _INT64))
            if mode == "linear":
                weights = g.sub(ranks, g.to(below, CODE_OF_DTYPE[dtype]))
            else:
                weights = g.masked_fill(g.full_like(ranks, 0.5), g.eq(ranks, g.to(below, CODE_OF_DTYPE[dtype])), 0)
            out = _lerp(g, out, above, weights)
        return g.reshape(out, ([] if g.dim(q) == 0 else [k]) + out_shape)
    decompose.__name__ = "nanquantile_tensor" if ignore_nan else "quantile_tensor"
    return decompose


def _samples():
    nan_row = np.array([[1.0, np.nan, 3.0, 2.0], [4.0, 0.5, 2.0, 1.0]], np.float32)
    return [sample(s.f32(4, 5), np.array([0.1, 0.5, 0.9], np.float32), 1, False, "linear"),
            sample(s.f32(4, 5), np.array(0.3, np.float32), None, False, "linear"),
            sample(s.f64(3, 6), np.array([0.25, 1.0], np.float64), 0, True, "linear"),
            sample(s.f32(2, 3, 4), np.array([0.4, 0.0], np.float32), -1, False, "lower"),
            sample(s.f32(2, 3, 4), np.array([0.4], np.float32), -2, True, "higher"),
            sample(s.f32(4, 5), np.array([0.4, 0.5], np.float32), 1, False, "midpoint"),
            sample(s.f32(4, 5), np.array([0.375, 0.625], np.float32), 0, False, "nearest"),
            sample(nan_row, np.array([0.5, 0.2], np.float32), 1, False, "linear"),
            sample(s.f32(3, 4), np.array([0.2, 0.8], np.float32), None, True, "linear"),
            sample(np.array(1.5, np.float32), np.array([0.2], np.float32), 0, False, "linear"),
            sample(s.f32(3, 4), np.array([0.5, 1.5], np.float32), 1, False, "linear"),
            sample(s.f32(3, 4), np.array([0.5], np.float64), 1, False, "linear"),
            sample(s.f32(3, 4), np.array([[0.5]], np.float32), 1, False, "linear"),
            sample(s.f32(3, 0), np.array([0.5], np.float32), 1, False, "linear"),
            sample(s.i64(3, 4), np.array([0.5], np.float32), 1, False, "linear")]


def _nan_samples():
    rows = np.array([[1.0, np.nan, 3.0, 2.0], [np.nan, np.nan, np.nan, np.nan], [4.0, 0.5, 2.0, 1.0]], np.float32)
    return [sample(rows, np.array([0.3, 0.5, 1.0], np.float32), 1, False, "linear"),
            sample(rows, np.array(0.7, np.float32), 1, True, "midpoint"),
            sample(rows, np.array([0.4], np.float32), None, False, "nearest"),
            sample(s.f64(3, 5), np.array([0.1, 0.6], np.float64), 0, False, "higher")]


_SCHEMA = "(Tensor self, Tensor q, int? dim=None, bool keepdim=False, *, str interpolation='linear') -> Tensor"
defop("quantile_tensor", _SCHEMA, decompose=_quantile_tensor(False), shape=BY_KERNEL, dtype=BY_KERNEL,
      aten="quantile", samples=_samples)
defop("nanquantile_tensor", _SCHEMA, decompose=_quantile_tensor(True), shape=BY_KERNEL, dtype=BY_KERNEL,
      aten="nanquantile", samples=_nan_samples)
