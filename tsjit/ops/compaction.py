"""Compaction: the one static-shape op that C computes data-dependent sizes with.

nonzero, masked_select, `x[mask]`, unique and unique_consecutive give results whose size depends
on the values of the input, which a C function with caller-allocated outputs cannot have. Where such
a result reaches a compiled function's results (or its sizes and sums), tsjit/passes/padded_results.py
writes the op with `compact`: the kept rows at the front of a buffer of the largest possible size,
and their count, which the compiled model cuts the buffer to (tsjit/compiled.py).

`nonzero_static(x, size=, fill_value=)` has a static size: it decomposes into compact.

`compact(values, keep)`: the rows `values[i]` (along dim 0) where `keep[i]`, in order, then zeros;
and how many rows were kept, as a 0-d int64 tensor. `PADDED` writes the data-dependent ops with it
(and static-shape ops) for a decomposition builder `g` (tsjit/ops/decomposition.py): nonzero's rows
are the element indices (from an arange) kept where x != 0; masked_select and x[mask] keep the
(broadcast) elements or rows (slices) under the mask; unique sorts, and unique and
unique_consecutive keep the first of each run of equal values (NaN never equals NaN), with the run
numbers as the inverse and the differences of the runs' ends as the counts; with a dim, the same for
slices along it (sorted lexicographically by one stable sort per column).
"""
from __future__ import annotations

from math import prod
from typing import Any

import numpy as np

from tsjit.kernels.promotion import BOOL, CODE_OF_DTYPE, INT64
from tsjit.ops import samples as s
from tsjit.ops.decomposition import NotDecomposable, reject
from tsjit.ops.registry import defop, op, sample
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


# -- nonzero_static: nonzero into a buffer of a given size -------------------------------------------

def _nonzero_static_shape(x, size, fill_value):
    if not isinstance(size, int):
        raise ShapeError("nonzero_static: size must be a constant")
    return max(size, 0), len(dims(x))


def _nonzero_static(g, x, size, fill_value):
    """The first `size` rows of nonzero(x), then rows of fill_value: compact's rows, cut or widened
    to size, with those from the count on filled."""
    size, fill = g.value(size), g.value(fill_value)
    if size < 0:
        raise reject(g, RuntimeError("nonzero_static: 'size' must be an non-negative integer"))
    shape = g.shape(x)
    n, rank = prod(shape), len(shape)
    kept, count = g.compact(_flat_indices(g, shape), g.reshape(g.ne(x, 0), [n]))
    kept = g.slice(kept, 0, 0, size) if size <= n else g.cat([kept, g.zeros([size - n, rank], _I64)], 0)
    return g.where(g.lt(g.reshape(g.arange(0, size, 1, _I64), [size, 1]), count), kept, fill)


defop("nonzero_static", "(Tensor self, *, int size, int fill_value=-1) -> Tensor", decompose=_nonzero_static,
      shape=_nonzero_static_shape, dtype=lambda x, size, fill: INT64, api="torch Tensor",
      samples=lambda: [sample(s.mask(3, 4), 5, -1), sample(s.f32(2, 3), 10, -7), sample(s.i64(6), 2, 0),
                       sample(np.array(2.5, np.float32), 3, -1), sample(np.array(0, np.int64), 2, -1),
                       sample(s.f32(0, 3), 2, -1), sample(s.mask(4), 0, -1), sample(s.mask(4), -1, -1)])


# -- the data-dependent ops written with compact (tsjit/passes/padded_results.py applies them) -----

def _flat_indices(g, shape: tuple[int, ...]) -> Any:
    """[n, ndim] int64: row i holds the index of the i-th element (row-major)."""
    n = prod(shape)
    if n == 0 or not shape:  # (a 0-d tensor has one element, at the index of no dims)
        return g.zeros([n, len(shape)], _I64)
    i = g.arange(0, n, 1, _I64)
    strides = [prod(shape[d + 1:]) for d in range(len(shape))]
    return g.stack([g.remainder(g.floor_divide(i, stride), size) for stride, size in zip(strides, shape)], 1)


def padded_nonzero(g, x) -> list:
    shape = g.shape(x)
    keep = g.reshape(g.ne(x, 0), [prod(shape)])
    return [g.compact(_flat_indices(g, shape), keep)]


def padded_masked_select(g, x, mask) -> list:
    if g.dtype(mask) != BOOL:
        raise NotDecomposable("a mask that is not bool is an error")
    shape = list(np.broadcast_shapes(g.shape(x), g.shape(mask)))
    n = prod(shape)
    return [g.compact(g.reshape(g.expand(x, shape), [n]), g.reshape(g.expand(mask, shape), [n]))]


def padded_index(g, x, items) -> list:
    """x[mask] (or x[:, mask], ...) for one bool mask over adjacent dims after leading full slices
    (`items`: the indices, a list of tensors or None): the kept places come where the mask's dims were."""
    lead = 0
    while items is not None and lead < len(items) and items[lead] is None:
        lead += 1
    if items is None or len(items) != lead + 1 or g.dtype(items[lead]) != BOOL:
        raise NotDecomposable("not one bool mask")
    mask, shape = items[lead], list(g.shape(x))
    m = len(g.shape(mask))
    if lead + m > len(shape) or list(g.shape(mask)) != shape[lead:lead + m]:
        raise NotDecomposable("the mask does not match the dims it indexes")
    order = [*range(lead, lead + m), *range(lead), *range(lead + m, len(shape))]
    n, rest = prod(shape[lead:lead + m]), shape[:lead] + shape[lead + m:]
    kept, count = g.compact(g.reshape(g.permute(x, order) if lead else x, [n, *rest]), g.reshape(mask, [n]))
    if lead:
        kept = g.permute(kept, [*range(1, lead + 1), 0, *range(lead + 1, len(rest) + 1)])
    return [(kept, count, lead)]


def _runs(g, keys: Any, items: Any, n: int, inverse: bool, counts: bool, order=None) -> list:
    """unique_consecutive of the n rows of `keys` (1-d: elements; 2-d: slices compared whole), keeping
    those of `items` (the same rows, any shape); `order` (a sort's permutation) maps the inverse back.
    Returns (kept items, count), (the inverse, flat, or None), (the counts or None)."""
    if n == 1:
        starts = ends = np.ones(1, BOOL)
    else:
        differs = g.ne(g.slice(keys, 0, 1, n), g.slice(keys, 0, 0, n - 1))  # (NaN differs from NaN)
        if len(g.shape(keys)) == 2:
            differs = g.any(differs, 1, False)
        starts = g.cat([np.ones(1, BOOL), differs], 0)
        ends = g.cat([differs, np.ones(1, BOOL)], 0)
    values, count = g.compact(items, starts)
    run = None
    if inverse:
        run = g.sub(g.cumsum(starts, 0, _I64), 1)
        if order is not None:
            run = g.gather(run, 0, g.argsort(order, 0, False))
    sizes = None
    if counts:
        stops = g.compact(g.arange(1, n + 1, 1, _I64), ends)[0]
        sizes = g.sub(stops, g.cat([np.zeros(1, INT64), g.slice(stops, 0, 0, n - 1)], 0))
    return [(values, count), run, sizes]


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
    (values, count), run, sizes = _runs(g, flat, flat, n, inverse, counts, order)
    empty = g.zeros([0], _I64)
    return [(values, count), (empty if run is None else g.reshape(run, list(shape)), None),
            (empty, None) if sizes is None else (sizes, count)]


#: unique(dim=...) sorts the slices by one stable sort per column, the last column first
_MOST_COLUMNS = 64


def _unique_slices(g, x, dim, sort: bool) -> list:
    """unique_consecutive / unique of the slices along dim: the kept slices padded along dim, each
    slice's run (the inverse) and the runs' lengths (aten returns both whatever the flags say)."""
    shape = list(g.shape(x))
    if not shape:
        raise NotDecomposable("a 0-d tensor")
    d = g.value(dim) % len(shape)
    n, rest = shape[d], shape[:d] + shape[d + 1:]
    if n == 0:
        return [(g.clone(x), None), (g.zeros([0], _I64), None), (g.zeros([0], _I64), None)]
    if 0 in rest or (sort and prod(rest) > _MOST_COLUMNS):
        raise NotDecomposable("empty slices (an error) or too many columns to sort by")
    moved = g.permute(x, [d, *range(d), *range(d + 1, len(shape))])
    rows = g.reshape(moved, [n, prod(rest)])
    order = None
    if sort:
        order = g.arange(0, n, 1, _I64)
        for c in reversed(range(prod(rest))):
            order = g.index_select(order, 0, g.sort(g.index_select(g.select(rows, 1, c), 0, order), 0, False)[1])
        rows, moved = g.index_select(rows, 0, order), g.index_select(moved, 0, order)
    (values, count), run, sizes = _runs(g, rows, moved, n, True, True, order)
    back = [*range(1, d + 1), 0, *range(d + 1, len(shape))]
    return [(g.permute(values, back), count, d), (run, None), (sizes, count)]


def padded_unique(g, x, sorted, return_inverse, return_counts) -> list:  # noqa: A002 - the schema's name
    return _unique_like(g, x, True, return_inverse, return_counts)


def padded_unique_consecutive(g, x, return_inverse, return_counts, dim) -> list:
    if g.value(dim) is not None:
        return _unique_slices(g, x, dim, False)
    return _unique_like(g, x, False, return_inverse, return_counts)


def padded_unique_dim(g, x, dim, sorted, return_inverse, return_counts) -> list:  # noqa: A002
    return _unique_slices(g, x, dim, True)


#: op name -> its padded form: fn(g, *operands) -> per result (value, its count or None when static)
#: (and the dim it is padded along, when not 0)
PADDED = {"nonzero": padded_nonzero, "masked_select": padded_masked_select, "index": padded_index,
          "unique": padded_unique, "unique_consecutive": padded_unique_consecutive, "unique_dim": padded_unique_dim}
