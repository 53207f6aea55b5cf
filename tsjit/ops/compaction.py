"""Compaction: the one static-shape op that C computes data-dependent sizes with.

nonzero, masked_select, `x[mask]`, unique and unique_consecutive give results whose size depends
on the values of the input, which a C function with caller-allocated outputs cannot have. When such
a result is a result of a compiled function, tsjit/passes/padded_results.py writes the op with
`compact`: the kept rows at the front of a buffer of the largest possible size, and their count,
which the compiled model cuts the buffer to (tsjit/compiled.py).

`compact(values, keep)`: the rows `values[i]` (along dim 0) where `keep[i]`, in order, then zeros;
and how many rows were kept, as a 0-d int64 tensor.
"""
from __future__ import annotations

import numpy as np

from tsjit.kernels.promotion import INT64
from tsjit.ops import samples as s
from tsjit.ops.registry import op, sample
from tsjit.ops.rules import ShapeError, dims


def _compact_shape(values, keep):
    vs, ks = dims(values), dims(keep)
    if not vs or len(ks) != 1:
        raise ShapeError("compact: values must be at least 1-d and keep 1-d")
    return vs, ()


@op("compact", "(Tensor values, Tensor keep) -> (Tensor kept, Tensor count)", shape=_compact_shape,
    dtype=lambda values, keep: (values.dtype, INT64), lower="compaction.lower_compact", aten="",
    samples=lambda: [sample(s.f32(6, 3), s.mask(6)), sample(s.i64(5), s.mask(5)), sample(s.mask(4, 2), s.mask(4)),
                     sample(s.f32(3), np.zeros(3, np.bool_)), sample(s.f64(4, 2), np.ones(4, np.bool_)),
                     sample(s.f32(0, 2), s.mask(0)), sample(np.zeros((2, 0), np.int64), s.mask(2))])
def compact(values, keep):
    """The rows of values where keep is true, moved to the front (the rest zeros), and their count."""
    if keep.dtype != np.bool_ or keep.ndim != 1 or values.ndim < 1 or values.shape[0] != keep.shape[0]:
        raise RuntimeError("compact: expected values of at least 1 dim and a 1-d bool keep of its length")
    out = np.zeros_like(values)
    kept = values[keep]
    out[:len(kept)] = kept
    return out, np.array(len(kept), INT64)
