"""Grids built from lists of tensors (meshgrid, cartesian_prod, block_diag), and embedding_bag.

meshgrid gives a list (taken apart where it is used, as split's); cartesian_prod and block_diag
decompose into reshape / expand / stack and cat (block_diag's off-diagonal zeros are ts.zeros).
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


_BAG_MODES = {0: np.sum, 1: np.mean, 2: np.max}


def _bag_shape(weight, indices, offsets, scale_grad_by_freq, mode, sparse, per_sample_weights, include_last_offset,
               padding_idx):
    from tsjit.ops.rules import const, dims

    bags = dims(offsets)[0] - (1 if const(include_last_offset, "include_last_offset") else 0)
    width = dims(weight)[1]
    return (bags, width), dims(indices), (bags,), (bags, width) if const(mode, "mode") == 2 else (bags,)


@op("embedding_bag", "(Tensor weight, Tensor indices, Tensor offsets, bool scale_grad_by_freq=False, int mode=0, "
    "bool sparse=False, Tensor? per_sample_weights=None, bool include_last_offset=False, int? padding_idx=None) -> "
    "(Tensor output, Tensor offset2bag, Tensor bag_size, Tensor max_indices)", shape=_bag_shape,
    dtype=lambda w, *rest: (w.dtype, np.dtype(np.int64), np.dtype(np.int64), np.dtype(np.int64)),
    numpy_only="bags of data-dependent extents (the offsets are data): runs on numpy",
    samples=lambda: [sample(s.f32(10, 3), np.array([1, 2, 4, 5, 4, 3, 2, 9]), np.array([0, 4]), False, m, False, None,
                            False, None, torch=False, note="offset2bag / bag_size / max_indices follow no one CPU "
                            "convention in torch; the bags are checked against nn.EmbeddingBag in "
                            "test/unit/importers/test_from_torch_more.py") for m in (0, 1, 2)])
def embedding_bag(weight, indices, offsets, scale_grad_by_freq=False, mode=0, sparse=False, per_sample_weights=None,
                  include_last_offset=False, padding_idx=None):
    """Each bag (indices[offsets[i]:offsets[i+1]]) reduced by sum / mean / max of its rows (empty bags
    give zeros); per_sample_weights scale the rows (sum only); padding_idx rows are left out."""
    if indices.ndim != 1 or offsets.ndim != 1:
        raise ValueError("embedding_bag: indices and offsets must be 1-d here (the 2-d form is flattened first)")
    if per_sample_weights is not None and mode != 0:
        raise NotImplementedError("embedding_bag: per_sample_weights is only supported for mode='sum'")
    ends = list(offsets[1:]) + ([] if include_last_offset else [indices.size])
    starts = list(offsets[:len(ends)])
    out = np.zeros((len(starts), weight.shape[1]), weight.dtype)
    arg = np.zeros((len(starts), weight.shape[1]) if mode == 2 else (len(starts),), np.int64)
    sizes = np.zeros(len(starts), np.int64)
    bag_of = np.zeros(indices.size, np.int64)
    for b, (lo, hi) in enumerate(zip(starts, ends)):
        idx = indices[lo:hi]
        bag_of[lo:hi] = b
        keep = idx != padding_idx if padding_idx is not None else np.ones(idx.size, bool)
        rows = weight[idx[keep]]
        if per_sample_weights is not None:
            rows = rows * per_sample_weights[lo:hi][keep][:, None]
        sizes[b] = rows.shape[0]
        if rows.shape[0]:
            out[b] = _BAG_MODES[mode](rows, axis=0)
            if mode == 2:
                arg[b] = idx[keep][np.argmax(rows, axis=0)]
    return out, bag_of, sizes, arg
