"""Grids built from lists of tensors (meshgrid, cartesian_prod, block_diag), and embedding_bag.

meshgrid gives a list (taken apart where it is used, as split's); cartesian_prod and block_diag
decompose into reshape / expand / stack and cat (block_diag's off-diagonal zeros are ts.zeros).
embedding_bag lowers to a loop over the bags whose bounds are read from the offsets at run time
(tsjit/lowering/bags.py).
"""
from __future__ import annotations

import numpy as np

from tsjit.kernels.promotion import CODE_OF_DTYPE, result_dtype
from tsjit.ops import samples as s
from tsjit.ops.decomposition import reject
from tsjit.ops.registry import defop, op, sample
from tsjit.ops.rules import BY_KERNEL


@op("meshgrid", "(Tensor[] tensors, *, str indexing='ij') -> Tensor[]", shape=BY_KERNEL, dtype=BY_KERNEL,
    api="torch", numpy_only="a list of tensors: taken apart into expanded inputs where it is unpacked, "
    "indexed or returned (tsjit/passes/split_unpacks.py), so only other uses run on numpy",
    samples=lambda: [sample([s.f32(3), s.f32(2)], "ij"), sample([s.f32(3), s.f32(2)], "xy"),
                     sample([s.i64(2), s.i64(3), s.i64(4)], "ij")])
def meshgrid(tensors, indexing="ij"):
    """Each input (0-d or 1-d, one dtype) expanded over the grid of all their sizes."""
    if not tensors:
        raise RuntimeError("torch.meshgrid expects a non-empty TensorList")
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: {indexing}")
    if any(t.ndim > 1 for t in tensors):
        raise RuntimeError("torch.meshgrid: Expected 0D or 1D tensor in the tensor list")
    if len({t.dtype for t in tensors}) > 1:
        raise RuntimeError("torch.meshgrid: Expected all tensors in the tensor list to have the same dtype")
    return [g.copy() for g in np.meshgrid(*[t.reshape(-1) for t in tensors], indexing=indexing)]


def _cartesian_prod(g, tensors):
    if any(len(g.shape(t)) != 1 for t in tensors):
        raise reject(g, RuntimeError("Expect a 1D vector, but got shape " +
                                     str(next(list(g.shape(t)) for t in tensors if len(g.shape(t)) != 1))))
    if len(tensors) == 1:
        return tensors[0]
    sizes = [g.shape(t)[0] for t in tensors]
    cols = []
    for i, t in enumerate(tensors):
        shape = [1] * len(tensors)
        shape[i] = -1
        cols.append(g.reshape(g.expand(g.reshape(t, shape), sizes, False), [-1]))
    return g.stack(cols, 1)


defop("cartesian_prod", "(Tensor[] tensors) -> Tensor", decompose=_cartesian_prod, shape=BY_KERNEL, dtype=BY_KERNEL,
      api="torch", samples=lambda: [sample([s.f32(3), s.f32(2)]), sample([s.i64(2), s.i64(3), s.i64(2)]),
                                    sample([s.f32(4)])])


def _block_diag(g, tensors):
    blocks = []
    for t in tensors:
        rank = len(g.shape(t))
        if rank > 2:
            raise reject(g, RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. "
                                         f"Input {len(blocks)} has {rank} dimensions"))
        blocks.append(t if rank == 2 else g.reshape(t, [1, -1]))
    dtype = result_dtype(*[np.empty(1, g.dtype(t)) for t in blocks]) if blocks else np.dtype(np.float32)
    code = CODE_OF_DTYPE[dtype]
    blocks = [b if g.dtype(b) == dtype else g.to(b, code) for b in blocks]
    widths = [g.shape(b)[1] for b in blocks]
    total = sum(widths)
    rows, at = [], 0

    def zeros(b, r, c):
        """Zeros of b's dtype: b's first column spread and filled (ts.zeros has no lowering)."""
        if not g.shape(b)[1]:
            return g.zeros([r, c], code)
        base = g.expand(g.slice(b, 1, 0, 1, 1), [r, c], False)
        return g.masked_fill(base, g.logical_or(g.isnan(base), g.eq(base, base)), 0)

    for b, w in zip(blocks, widths):
        r = g.shape(b)[0]
        pieces = ([zeros(b, r, at)] if at else []) + [b] + ([zeros(b, r, total - at - w)] if total - at - w else [])
        rows.append(pieces[0] if len(pieces) == 1 else g.cat(pieces, 1))
        at += w
    return g.cat(rows, 0)


defop("block_diag", "(Tensor[] tensors) -> Tensor", decompose=_block_diag, shape=BY_KERNEL, dtype=BY_KERNEL,
      api="torch", samples=lambda: [sample([s.f32(2, 2), s.f32(1, 3)]), sample([s.f32(3), s.f32(2, 1), s.f32(1, 1)]),
                                    sample([s.i64(2, 2), s.f32(2, 2)]), sample([s.f64(2, 3)])])


def _bag_aux(indices, offsets):
    """The integer results' dtype: int32 when the indices and offsets both are, else int64 (ATen's)."""
    both32 = indices.dtype == np.int32 and offsets.dtype == np.int32
    return np.dtype(np.int32 if both32 else np.int64)


def _bag_shape(weight, indices, offsets, scale_grad_by_freq, mode, sparse, per_sample_weights, include_last_offset,
               padding_idx):
    from tsjit.ops.rules import const, dims

    mode = const(mode, "mode")
    n, o, width = dims(indices)[0], dims(offsets)[0], dims(weight)[1]
    bags = max(o - (1 if const(include_last_offset, "include_last_offset") else 0), 0)
    aux = (o,) if mode == 0 else (bags,)
    entries = (0,) if mode == 0 and const(padding_idx, "padding_idx") is None else (n,)
    return (bags, width), entries, aux, (bags, width) if mode == 2 else aux


def _bags(indices, offsets, include_last_offset):
    """Each bag's (start, end): offsets[b] to offsets[b + 1], the last bag to the end of the indices
    (or, with include_last_offset, to the last offset)."""
    bags = max(offsets.size - (1 if include_last_offset else 0), 0)
    ends = [int(e) for e in offsets[1:bags + 1]] + ([indices.size] if bags == offsets.size else [])
    return list(zip((int(s) for s in offsets[:bags]), ends))


def _bag_max(rows, words):
    """ATen's max over a bag: an entry wins when it is the first or strictly greater (so the first of
    equal values, and a NaN only when it comes first)."""
    best, arg = rows[0].copy(), np.full(rows.shape[1], words[0], np.int64)
    for row, word in zip(rows[1:], words[1:]):
        take = row > best
        best[take], arg[take] = row[take], word
    return best, arg


@op("embedding_bag", "(Tensor weight, Tensor indices, Tensor offsets, bool scale_grad_by_freq=False, int mode=0, "
    "bool sparse=False, Tensor? per_sample_weights=None, bool include_last_offset=False, int? padding_idx=None) -> "
    "(Tensor output, Tensor offset2bag, Tensor bag_size, Tensor max_indices)", shape=_bag_shape,
    dtype=lambda w, i, o, *rest: (w.dtype, _bag_aux(i, o), _bag_aux(i, o), _bag_aux(i, o)),
    lower="bags.lower_embedding_bag",
    samples=lambda: [sample(s.f32(10, 3), np.array([1, 2, 4, 5, 4, 3, 2, 9]), np.array([0, 4]), False, 0, False,
                            None, False, None),
                     *(sample(s.f32(10, 3), np.array([1, 2, 4, 5, 4, 3, 2, 9]), np.array(offsets), False, m, False,
                              None, last, pad)
                       for m in (0, 1, 2) for offsets, last in (([0, 3, 3], False), ([0, 0, 4, 8], True))
                       for pad in (None, 2, -1)),
                     sample(s.f32(10, 3), np.array([1, 2, 4, 5, 4, 3, 2, 9], np.int32), np.array([0, 3, 3], np.int32),
                            False, 2, False, None, False, None),
                     sample(s.f64(6, 2), np.array([1, 2, 4, 5, 4], np.int32), np.array([0, 2]), False, 0, False,
                            s.f64(5), False, 4),
                     sample(np.array([[1, 2], [np.nan, 0], [1, 5]], np.float32), np.array([0, 1, 2, 1, 0, 2]),
                            np.array([0, 3]), False, 2, False, None, False, None),
                     sample(s.f32(4, 2), np.zeros(0, np.int64), np.array([0, 0]), False, 1, False, None, False, None),
                     sample(s.f32(4, 2), np.array([1, 2]), np.array([1]), False, 0, False, None, False, None),
                     sample(s.f32(4, 2), np.array([1, 2]), np.array([0, 3]), False, 0, False, None, False, None),
                     sample(s.f32(4, 2), np.array([1, 4]), np.array([0]), False, 1, False, None, False, None),
                     sample(s.f32(4, 2), np.array([1, 2]), np.array([0]), False, 1, False, s.f32(2), False, None)])
def embedding_bag(weight, indices, offsets, scale_grad_by_freq=False, mode=0, sparse=False, per_sample_weights=None,
                  include_last_offset=False, padding_idx=None):
    """Each bag (indices[offsets[i]:offsets[i+1]]) reduced by sum / mean / max of its rows (empty bags
    give zeros); per_sample_weights scale the rows (sum only); padding_idx rows are left out. The
    other results are ATen's CPU ones (tsjit/lowering/bags.py says which)."""
    if indices.ndim != 1 or offsets.ndim != 1:
        raise ValueError("embedding_bag: indices and offsets must be 1-d here (the 2-d form is flattened first)")
    if per_sample_weights is not None and mode != 0:
        raise RuntimeError("embedding_bag: per_sample_weights only supported with mode='sum'")
    n, rows = indices.size, weight.shape[0]
    if offsets.size and offsets[0] != 0:
        raise RuntimeError("offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from "
                           f"position 0. However, got {offsets[0]}")
    if offsets.size and offsets[-1] > n:
        raise RuntimeError(f"offsets[-1] can not be greater than input's length {n} but got offsets[-1] of "
                           f"{offsets[-1]}")
    if np.any(np.diff(offsets) < 0):
        raise RuntimeError("embedding_bag: offsets must be non-decreasing")
    if np.any((indices < 0) | (indices >= rows)):
        raise IndexError("index out of range in self")
    pad = None if padding_idx is None else padding_idx + rows if padding_idx < 0 else padding_idx
    aux = _bag_aux(indices, offsets)
    spans = _bags(indices, offsets, include_last_offset)
    out = np.zeros((len(spans), weight.shape[1]), weight.dtype)
    arg = np.zeros((len(spans), weight.shape[1]), np.int64)
    sizes = np.zeros(len(spans), np.int64)
    for b, (lo, hi) in enumerate(spans):
        keep = indices[lo:hi] != pad
        words = indices[lo:hi][keep]
        rows_ = weight[words]
        if per_sample_weights is not None:
            rows_ = rows_ * per_sample_weights[lo:hi][keep][:, None]
        sizes[b] = words.size
        if not words.size:
            continue
        if mode == 2:
            out[b], arg[b] = _bag_max(rows_, words)
        else:
            out[b] = rows_.sum(0) / (words.size if mode == 1 else 1)
    zeros = np.zeros(offsets.size, aux)
    if mode == 0 and pad is None:
        bag_of = np.zeros(0, aux)
    else:
        starts = offsets[:len(spans)]
        bag_of = ((starts[None, :] <= np.arange(n)[:, None]).sum(1) - 1).astype(aux)
    sizes = zeros if mode == 0 else sizes.astype(aux)
    return out, bag_of, sizes, zeros if mode == 0 else sizes if mode == 1 else arg.astype(aux)
