"""Antialiased bilinear and bicubic resizing (F.interpolate(..., antialias=True), ATen's
_upsample_bilinear2d_aa / _upsample_bicubic2d_aa).

Each output pixel is a normalized, filter-weighted sum over the input pixels its footprint covers
(PIL's resampling, which PyTorch follows): when downsampling by `scale`, the filter (triangle for
bilinear, Keys' cubic with a = -0.5 for bicubic) is stretched by `scale`. The weights depend only
on the sizes, so the op is two matrix products with constant weight matrices, Wh @ x @ Ww^T,
which lower to C like any matmul. uint8 images (PyTorch's fixed-point path, rounding between
the two passes) are not supported.
"""
from __future__ import annotations

import numpy as np

from tsjit.dtypes import is_float
from tsjit.kernels.promotion import not_implemented
from tsjit.ops import samples as s
from tsjit.ops.decomposition import reject
from tsjit.ops.registry import defop, sample
from tsjit.ops.resampling import UPSAMPLE, _upsampled
from tsjit.ops.rules import same_dtype

_KEYS_A = -0.5


def _triangle(x: np.ndarray) -> np.ndarray:
    return np.maximum(0.0, 1.0 - np.abs(x))


def _cubic(x: np.ndarray) -> np.ndarray:
    x = np.abs(x)
    a = _KEYS_A
    return np.where(x < 1, ((a + 2) * x - (a + 3)) * x * x + 1, np.where(x < 2, (((x - 5) * x + 8) * x - 4) * a, 0.0))


#: mode -> (filter, its support at scale 1)
_FILTERS = {"bilinear": (_triangle, 1.0), "bicubic": (_cubic, 2.0)}


def weights(n_in: int, n_out: int, align_corners: bool, scale: float | None, mode: str) -> np.ndarray:
    """The (n_out, n_in) resampling matrix of one dim: row i holds output pixel i's normalized weights."""
    if align_corners:
        step = (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    else:
        step = 1.0 / scale if scale else n_in / n_out
    fn, radius = _FILTERS[mode]
    support = radius * step if step >= 1.0 else radius
    stretch = 1.0 / step if step >= 1.0 else 1.0
    w = np.zeros((n_out, n_in))
    for i in range(n_out):
        center = step * (i + 0.5)
        lo, hi = max(int(center - support + 0.5), 0), min(int(center + support + 0.5), n_in)
        taps = fn((np.arange(lo, hi) - center + 0.5) * stretch)
        total = taps.sum()
        w[i, lo:hi] = taps / total if total != 0 else taps
    return w


def _resize(mode: str):
    def decompose(g, x, output_size, align_corners, scales_h=None, scales_w=None):
        dtype, shape, out = g.dtype(x), g.shape(x), list(g.value(output_size))
        if len(shape) == 4 and list(shape[2:]) == out:
            return g.clone(x)  # PyTorch returns an unresized input as it is, for any dtype
        if not is_float(dtype) or dtype.itemsize < 4:
            raise reject(g, not_implemented("compute_index_ranges_weights", dtype) if dtype != np.uint8 else
                         NotImplementedError("tsjit: antialiased interpolation of uint8 images (PyTorch's "
                                             "fixed-point path) is not supported"))
        if len(shape) != 4 or len(out) != 2 or min(out) <= 0:
            raise reject(g, RuntimeError(f"_upsample_{mode}2d_aa: expected a 4-D input and two positive output "
                                         f"sizes, got input of size {list(shape)} and output size {out}"))
        ac, sh, sw = g.value(align_corners), g.value(scales_h), g.value(scales_w)
        rows = weights(shape[2], out[0], ac, sh, mode).astype(dtype)
        cols = np.ascontiguousarray(weights(shape[3], out[1], ac, sw, mode).T.astype(dtype))
        return g.matmul(g.matmul(rows, x), cols)
    return decompose


def _samples(mode: str):
    return lambda: [sample(s.f32(2, 3, 9, 8), [4, 3], False, None, None),
                    sample(s.f32(1, 2, 5, 7), [11, 9], False, None, None),
                    sample(s.f64(1, 2, 10, 13), [5, 4], True, None, None),
                    sample(s.f32(1, 1, 10, 13), [3, 6], False, 0.3, 0.5),
                    sample(s.f32(1, 2, 6, 6), [6, 6], False, None, None),
                    sample(s.f32(2, 1, 7, 5), [1, 1], True, None, None),
                    sample(s.f32(0, 2, 6, 6), [3, 3], False, None, None),
                    sample(s.f32(3, 6, 6), [3, 3], False, None, None),
                    sample(s.i64(1, 1, 4, 4), [2, 2], False, None, None)]


for _mode, _kind in (("bilinear", "linear"), ("bicubic", "cubic")):
    defop(f"upsample_{_mode}2d_aa", "(Tensor self, int[] output_size, bool align_corners, float? scales_h=None, "
          "float? scales_w=None) -> Tensor", decompose=_resize(_mode), shape=_upsampled(2), dtype=same_dtype,
          aten=f"_upsample_{_mode}2d_aa", samples=_samples(_mode))
    UPSAMPLE[f"upsample_{_mode}2d_aa"] = (_kind, 2)
