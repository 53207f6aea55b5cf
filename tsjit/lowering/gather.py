"""Lowerings of the reads at tensor-valued indices: embedding, index_select, gather.

Each is one all-parallel `linalg.generic` over the result: its inputs are the index tensor (read
at the result point through an affine map) and, per source dim addressed by a loop, a constant
iota table of that loop's positions; the body reads the source with `tensor.extract` at the index
value (clamped into the dim, so a bad index cannot read outside the buffer; the kernels raise
PyTorch's errors) and the loop positions. The positions come from tables, not `linalg.index`, so
ts-fuse-elementwise may compose the generic with others through any map. ts-bufferize turns the
read into a `memref.load` of the source's buffer (an element read in a linalg body); the numpy
backend runs it as one fancy-indexing gather.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from xdsl.dialects import arith, tensor
from xdsl.dialects.builtin import IndexType, IntegerType, i32
from xdsl.dialects.builtin import TensorType as BuiltinTensorType
from xdsl.ir import SSAValue
from xdsl.ir.affine import AffineDimExpr, AffineExpr

from tsjit.lowering.contractions import (
    PARALLEL,
    filled,
    generic,
    reshaped,
    scalar,
    shape_of,
)
from tsjit.lowering.pooling import _table
from tsjit.lowering.table import Lower, NotLowerable

#: in `coords`: the source dim read at the index value
AT_INDEX = "index"


def _index_value(b, v: SSAValue, size: int) -> SSAValue:
    """An i64/i32 index element, clamped into [0, size), as an `index`."""
    t = v.type
    v = b.insert(arith.MaxSIOp(v, scalar(b, 0, t))).results[0]
    v = b.insert(arith.MinSIOp(v, scalar(b, max(size - 1, 0), t))).results[0]
    return b.insert(arith.IndexCastOp(v, IndexType())).results[0]


def gather_rows(lower: Lower, src: SSAValue, out: BuiltinTensorType, index: SSAValue,
                index_map: Sequence[AffineExpr], coords: Sequence[int | str]) -> SSAValue:
    """out[p] = src[c_0, ..., c_k] with c_j = the index tensor's element at p (read through
    `index_map`) where coords[j] is AT_INDEX, else loop position p[coords[j]]."""
    if not isinstance(index.type.element_type, IntegerType) or index.type.element_type.width.data not in (32, 64):
        raise NotLowerable("indices must be int64 or int32")
    shape, src_shape = tuple(out.get_shape()), shape_of(src)
    if 0 in shape:
        return filled(lower, out, 0)
    if 0 in src_shape:
        raise NotLowerable("reading from an empty tensor")
    rank = len(shape)
    loops = sorted({c for c in coords if c != AT_INDEX})
    tables = [_table(lower, np.arange(shape[d], dtype=np.int64), i32) for d in loops]
    inputs = [index, *tables]
    maps = [list(index_map), *([AffineDimExpr(d)] for d in loops), [AffineDimExpr(d) for d in range(rank)]]

    def body(b, args):
        at = {d: b.insert(arith.IndexCastOp(args[1 + k], IndexType())).results[0] for k, d in enumerate(loops)}
        where = [_index_value(b, args[0], src_shape[j]) if c == AT_INDEX else at[c] for j, c in enumerate(coords)]
        return b.insert(tensor.ExtractOp(src, where, src.type.element_type)).results[0]
    return generic(lower, inputs, maps, lower.empty(out), [PARALLEL] * rank, body)


def lower_embedding(op, lower: Lower):
    """weight[indices] (any index rank): rows of the 2-D weight; padding_idx only matters to gradients."""
    w, idx, out = lower.tensor(0), lower.tensor(1), lower.result_type()
    if len(shape_of(w)) != 2:
        raise NotLowerable("embedding weight must be 2-D")
    r = len(shape_of(idx))
    return [gather_rows(lower, w, out, idx, [AffineDimExpr(d) for d in range(r)], [AT_INDEX, r])]


def lower_index_select(op, lower: Lower):
    """Whole slices along `dim` at the entries of a 0-d or 1-d index."""
    x, idx, out = lower.tensor(0), lower.tensor(2), lower.result_type()
    rank = len(shape_of(x))
    if rank == 0:
        return [x]
    if len(shape_of(idx)) > 1:
        raise NotLowerable("index_select with an index of rank > 1")
    dim = lower.constant(1) % rank
    index_map = [AffineDimExpr(dim)] if shape_of(idx) else []
    return [gather_rows(lower, x, out, idx, index_map, [AT_INDEX if d == dim else d for d in range(rank)])]


def lower_gather(op, lower: Lower):
    """out[i][j] = self[idx[i][j]][j] (dim 0, and so on): the index has the result's shape."""
    x, idx, out = lower.tensor(0), lower.tensor(2), lower.result_type()
    xs, ns = shape_of(x), shape_of(idx)
    if len(xs) != len(ns):
        if len(xs) > 1 or len(ns) > 1:
            raise NotLowerable("gather of an index whose rank differs from the input's")
        x, idx = reshaped(lower, x, (xs[0] if xs else 1,)), reshaped(lower, idx, (ns[0] if ns else 1,))
        flat = BuiltinTensorType(out.element_type, list(shape_of(idx)))
        y = gather_rows(lower, x, flat, idx, [AffineDimExpr(0)], [AT_INDEX])
        return [reshaped(lower, y, tuple(out.get_shape()))]
    rank = len(xs)
    if rank == 0:
        return [x]
    dim = lower.constant(1) % rank
    return [gather_rows(lower, x, out, idx, [AffineDimExpr(d) for d in range(rank)],
                        [AT_INDEX if d == dim else d for d in range(rank)])]
