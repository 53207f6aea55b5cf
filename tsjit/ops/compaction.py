"""Compaction: the one static-shape op that C computes data-dependent sizes with.

nonzero, masked_select, `x[mask]`, unique and unique_consecutive give results whose size depends
on the values of the input, which a C function with caller-allocated outputs cannot have. When such
a result is a result of a compiled function, tsjit/passes/padded_results.py writes the op with
`compact`: the kept rows at the front of a buffer of the largest possible size, and their count,
which the compiled model cuts the buffer to (tsjit/compiled.py).

`compact(values, keep)`: the rows `values[i]` (along dim 0) where `keep[i]`, in order, then zeros;
and how many rows were kept, as a 0-d int64 tensor. `PADDED` writes the data-dependent ops with it
(and static-shape ops) for a decomposition builder `g` (tsjit/ops/decomposition.py): nonzero's rows
are the element indices (from an arange) kept where x != 0; masked_select and x[mask] keep the
(broadcast) elements or rows under the mask; unique sorts, and unique and unique_consecutive keep
the first of each run of equal values (NaN never equals NaN), with the run numbers as the inverse
and the differences of the runs' ends as the counts.
"""
from __future__ import annotations

from math import prod
from typing import Any

import numpy as np

from tsjit.kernels.promotion import BOOL, CODE_OF_DTYPE, INT64
from tsjit.ops import samples as s
from tsjit.ops.decomposition import NotDecomposable
from tsjit.ops.registry import op, sample
from tsjit.ops.rules import ShapeError, dims

_I64 = CODE_OF_DTYPE[INT64]


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


# -- the data-dependent ops written with compact (tsjit/passes/padded_results.py applies them) -----

def _flat_indices(g, shape: tuple[int, ...]) -> Any:
    """[n, ndim] int64: row i holds the index of the i-th element (row-major)."""
    n = prod(shape)
    if n == 0 or not shape:
        return g.zeros([max(n, 1) if not shape else 0, len(shape)], _I64)
    i = g.arange(0, n, 1, _I64)
    strides = [prod(shape[d + 1:]) for d in range(len(shape))]
    return g.stack([g.remainder(g.floor_divide(i, stride), size) for stride, size in zip(strides, shape)], 1)


def padded_nonzero(g, x) -> list:
    shape = g.shape(x)
    keep = g.reshape(g.ne(x, 0), [max(prod(shape), 1) if not shape else prod(shape)])
    return [g.compact(_flat_indices(g, shape), keep)]


def padded_masked_select(g, x, mask) -> list:
    if g.dtype(mask) != BOOL:
        raise NotDecomposable("a mask that is not bool is an error")
    shape = list(np.broadcast_shapes(g.shape(x), g.shape(mask)))
    n = prod(shape)
    return [g.compact(g.reshape(g.expand(x, shape), [n]), g.reshape(g.expand(mask, shape), [n]))]


def padded_index(g, x, items) -> list:
    """x[mask] for one bool mask over x's leading dims (`items`: the indices, a list of tensors or None)."""
    if items is None or len(items) != 1 or items[0] is None or g.dtype(items[0]) != BOOL:
        raise NotDecomposable("not one bool mask")
    mask, shape = items[0], g.shape(x)
    m = len(g.shape(mask))
    if m > len(shape) or tuple(g.shape(mask)) != tuple(shape[:m]):
        raise NotDecomposable("the mask does not match the leading dims")
    lead = prod(shape[:m])
    return [g.compact(g.reshape(x, [lead, *shape[m:]]), g.reshape(mask, [lead]))]


def _runs(g, x: Any, flat: Any, n: int, inverse: bool, counts: bool, order=None) -> list:
    """unique_consecutive of `flat` (n >= 1), x's elements in some order; `order` (the sort's permutation)
    maps the inverse back to x's places."""
    if n == 1:
        starts = ends = np.ones(1, BOOL)
    else:
        differs = g.ne(g.slice(flat, 0, 1, n), g.slice(flat, 0, 0, n - 1))  # (NaN differs from NaN)
        starts = g.cat([np.ones(1, BOOL), differs], 0)
        ends = g.cat([differs, np.ones(1, BOOL)], 0)
    values, count = g.compact(flat, starts)
    out = [(values, count)]
    if inverse:
        run = g.sub(g.cumsum(starts, 0, _I64), 1)
        if order is not None:
            run = g.gather(run, 0, g.argsort(order, 0, False))
        out.append((g.reshape(run, list(g.shape(x))), None))
    else:
        out.append((g.zeros([0], _I64), None))
    if counts:
        stops = g.compact(g.arange(1, n + 1, 1, _I64), ends)[0]
        out.append((g.sub(stops, g.cat([np.zeros(1, INT64), g.slice(stops, 0, 0, n - 1)], 0)), count))
    else:
        out.append((g.zeros([0], _I64), None))
    return out


def _unique_like(g, x, sort: bool, inverse, counts) -> list:
    inverse, counts = bool(g.value(inverse)), bool(g.value(counts))
    shape = g.shape(x)
    n = prod(shape)
    flat = g.reshape(x, [n])
    if n == 0:
        values, count = g.compact(flat, g.zeros([0], CODE_OF_DTYPE[BOOL]))
        return [(values, count), (g.zeros(list(shape) if inverse else [0], _I64), None),
                (g.zeros([0], _I64), count if counts else None)]
    order = None
    if sort:
        flat, order = g.sort(flat, 0, False)
    return _runs(g, x, flat, n, inverse, counts, order)


def padded_unique(g, x, sorted, return_inverse, return_counts) -> list:  # noqa: A002 - the schema's name
    return _unique_like(g, x, True, return_inverse, return_counts)


def padded_unique_consecutive(g, x, return_inverse, return_counts, dim) -> list:
    if g.value(dim) is not None:
        raise NotDecomposable("unique_consecutive along a dim")
    return _unique_like(g, x, False, return_inverse, return_counts)


#: op name -> its padded form: fn(g, *operands) -> per result (value, its count or None when static)
PADDED = {"nonzero": padded_nonzero, "masked_select": padded_masked_select, "index": padded_index,
          "unique": padded_unique, "unique_consecutive": padded_unique_consecutive}
