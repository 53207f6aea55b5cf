"""Lowerings of the reads at tensor-valued indices: embedding, index_select, gather, index (`x[i, j]`).

Each is one all-parallel `linalg.generic` over the result: its inputs are the index tensor (read
at the result point through an affine map) and, per source dim addressed by a loop, a constant
iota table of that loop's positions; the body reads the source with `tensor.extract` at the index
value (clamped into the dim, so a bad index cannot read outside the buffer) and the loop
positions. An index out of range is PyTorch's error: a reduction over each index tensor counts
them first, and a count above zero reports the error (tsjit/lowering/run_time_errors.py). The positions come from tables, not `linalg.index`, so
ts-fuse-elementwise may compose the generic with others through any map. ts-bufferize turns the
read into a `memref.load` of the source's buffer (an element read in a linalg body); the numpy
backend runs it as one fancy-indexing gather.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from xdsl.dialects import arith, tensor
from xdsl.dialects.builtin import IndexType, IntegerType, i32, i64
from xdsl.dialects.builtin import TensorType as BuiltinTensorType
from xdsl.ir import SSAValue
from xdsl.ir.affine import AffineDimExpr, AffineExpr

from tsjit.lowering.contractions import (
    PARALLEL,
    REDUCTION,
    broadcast_map,
    filled,
    generic,
    reshaped,
    scalar,
    shape_of,
)
from tsjit.lowering.pooling import _table
from tsjit.lowering.run_time_errors import fail_if
from tsjit.lowering.table import Lower, NotLowerable

#: in `coords`: the source dim read at the (first) index tensor's value; ("index", k): at the k-th's
AT_INDEX = "index"


def _index_value(b, v: SSAValue, size: int, wrap: bool = False) -> SSAValue:
    """An i64/i32 index element, clamped into [0, size), as an `index`; with `wrap`, a negative
    one counts from the end first (as `x[idx]` reads)."""
    t = v.type
    if wrap:
        wrapped = b.insert(arith.AddiOp(v, scalar(b, size, t))).results[0]
        negative = b.insert(arith.CmpiOp(v, scalar(b, 0, t), "slt")).results[0]
        v = b.insert(arith.SelectOp(negative, wrapped, v)).results[0]
    v = b.insert(arith.MaxSIOp(v, scalar(b, 0, t))).results[0]
    v = b.insert(arith.MinSIOp(v, scalar(b, max(size - 1, 0), t))).results[0]
    return b.insert(arith.IndexCastOp(v, IndexType())).results[0]


def gather_rows(lower: Lower, src: SSAValue, out: BuiltinTensorType, index: SSAValue,
                index_map: Sequence[AffineExpr], coords: Sequence[int | str]) -> SSAValue:
    """out[p] = src[c_0, ..., c_k] with c_j = the index tensor's element at p (read through
    `index_map`) where coords[j] is AT_INDEX, else loop position p[coords[j]]."""
    return gather_points(lower, src, out, [(index, index_map)],
                         [(AT_INDEX, 0) if c == AT_INDEX else c for c in coords])


#: op -> (the exception and message for an index out of range, as the op's kernel raises it)
OUT_OF_RANGE = {
    "ts.embedding": ("IndexError", "index out of range in self"),
    "ts.index_select": ("RuntimeError", "INDICES element is out of DATA bounds (index_select)"),
    "ts.gather": ("RuntimeError", "gather(): an index is out of bounds for its dimension's size"),
    "ts.index": ("IndexError", "an index is out of bounds for its dimension's size"),
}


def _check_bounds(lower: Lower, index: SSAValue, size: int, wrap: bool) -> None:
    """Report the op's error when an element of `index` is outside [0, size) ([-size, size) with wrap)."""
    error, message = OUT_OF_RANGE.get(lower.op.name, ("RuntimeError", "index out of range"))
    t, rank = index.type.element_type, len(shape_of(index))

    def count(b, args):
        low = b.insert(arith.CmpiOp(args[0], scalar(b, -size if wrap else 0, t), "slt")).results[0]
        high = b.insert(arith.CmpiOp(args[0], scalar(b, size, t), "sge")).results[0]
        bad = b.insert(arith.OrIOp(low, high)).results[0]
        return b.insert(arith.AddiOp(args[1], b.insert(arith.ExtUIOp(bad, i64)).results[0])).results[0]
    total = generic(lower, [index], [[AffineDimExpr(d) for d in range(rank)], []],
                    filled(lower, BuiltinTensorType(i64, []), 0), [REDUCTION] * rank, count)
    b = lower.builder
    found = b.insert(tensor.ExtractOp(total, [], i64)).results[0]
    fail_if(b, lower.op, b.insert(arith.CmpiOp(found, scalar(b, 0, i64), "sgt")).results[0], message, error)


def gather_points(lower: Lower, src: SSAValue, out: BuiltinTensorType,
                  indices: Sequence[tuple[SSAValue, Sequence[AffineExpr]]], coords: Sequence,
                  wrap: bool = False) -> SSAValue:
    """out[p] = src[c_0, ..., c_k] with c_j = index tensor k's element at p (read through its map)
    where coords[j] is ("index", k), else loop position p[coords[j]]."""
    for index, _ in indices:
        t = index.type.element_type
        if not isinstance(t, IntegerType) or t.width.data not in (32, 64):
            raise NotLowerable("indices must be int64 or int32")
    shape, src_shape = tuple(out.get_shape()), shape_of(src)
    if 0 in shape:
        return filled(lower, out, 0)
    if 0 in src_shape:
        raise NotLowerable("reading from an empty tensor")
    for j, c in enumerate(coords):
        if not isinstance(c, int):
            _check_bounds(lower, indices[c[1]][0], src_shape[j], wrap)
    rank = len(shape)
    loops = sorted({c for c in coords if isinstance(c, int)})
    tables = [_table(lower, np.arange(shape[d], dtype=np.int64), i32) for d in loops]
    inputs = [*(index for index, _ in indices), *tables]
    maps = [*(list(m) for _, m in indices), *([AffineDimExpr(d)] for d in loops), [AffineDimExpr(d) for d in range(rank)]]
    n = len(indices)

    def body(b, args):
        at = {d: b.insert(arith.IndexCastOp(args[n + k], IndexType())).results[0] for k, d in enumerate(loops)}
        where = [at[c] if isinstance(c, int) else _index_value(b, args[c[1]], src_shape[j], wrap)
                 for j, c in enumerate(coords)]
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


def lower_index(op, lower: Lower):
    """x[i0, :, i2] with integer index tensors (aten::index): the index tensors broadcast together,
    their dims replace the indexed dims (in place when those are adjacent, else in front), and a
    negative index counts from the end."""
    from tsjit.dialects.ts.types import TensorType

    owner = op.operands[1].owner
    folded = getattr(owner, "py_value", None) if getattr(owner, "name", None) == "ts.constant" else None
    if getattr(owner, "name", None) != "ts.list.construct" and not isinstance(folded, list):
        raise NotLowerable("the index list is neither a list construct nor a constant")
    x, out = lower.tensor(0), lower.result_type()
    xs = shape_of(x)
    if folded is not None:  # x[torch.tril_indices(4, 5)[0]] after freezing: constant index tensors
        items = [None if a is None else np.asarray(a) for a in folded]
        used = [k for k, a in enumerate(items) if a is not None]
        if any(items[k].dtype.kind not in "iu" for k in used):
            raise NotLowerable("a constant index list of non-integer tensors")
        indices = [_table(lower, items[k].astype(np.int64), i64) for k in used]
    else:
        items = list(owner.operands)
        used = [k for k, v in enumerate(items) if isinstance(v.type, TensorType)]
        indices = [lower.value(items[k]) for k in used]
    if not used or len(items) > len(xs):
        raise NotLowerable("no index tensor, or more indices than dims")
    rank = len(out.get_shape())
    width = max(len(shape_of(i)) for i in indices)  # the broadcast index shape's rank
    first = used[0] if used == list(range(used[0], used[-1] + 1)) else 0
    bshape = tuple(out.get_shape())[first:first + width]
    maps = [[e if not isinstance(e, AffineDimExpr) else AffineDimExpr(first + e.position)
             for e in broadcast_map(shape_of(i), bshape)] for i in indices]
    rest = iter(d for d in range(rank) if not first <= d < first + width)
    coords = [(AT_INDEX, used.index(k)) if k in used else next(rest) for k in range(len(xs))]
    return [gather_points(lower, x, out, list(zip(indices, maps)), coords, wrap=True)]
