"""`ts.pad`: constant mode -> a filled tensor with the (cropped) input inserted at its offset;
reflect, replicate and circular -> one all-parallel gather `linalg.generic`.

Negative pads crop (as torch's constant_pad_nd); the value defaults to 0. In the other modes the
input index each output position reads is, per dim, a fixed function of the output index (mirrored,
clamped or wrapped), which affine maps cannot say: the generic's inputs are constant i32 tables of
those indices (tsjit/ops/padding.py `pad_positions`, shared with the kernel), one per dim, and its body
reads the input with `tensor.extract` there, as the gather lowerings do (tsjit/lowering/gather.py).
"""
from __future__ import annotations

import numpy as np
from xdsl.dialects import arith, tensor
from xdsl.dialects.builtin import IndexType, TensorType, i32
from xdsl.ir.affine import AffineDimExpr

from tsjit.dialects.ts.constant import numpy_dtype
from tsjit.lowering.contractions import PARALLEL, generic
from tsjit.lowering.generic_builder import filled
from tsjit.lowering.pooling import _table
from tsjit.lowering.table import Lower, NotLowerable


def lower_pad(op, lower: Lower):
    x, out = lower.tensor(0), lower.result_type()
    pads, mode, value = lower.constant(1), lower.constant(2), lower.constant(3)
    if mode != "constant":
        return [_gather_padded(lower, x, out, pads, mode, value)]
    shape = list(x.type.get_shape())
    rank = len(shape)
    if len(pads) % 2 or len(pads) // 2 > rank:
        raise NotLowerable("pad of this length")
    if 0 in out.get_shape():
        return [filled(lower.builder, out, 0)]
    start, size, at = [0] * rank, list(shape), [0] * rank
    for i in range(len(pads) // 2):
        d, lo, hi = rank - 1 - i, pads[2 * i], pads[2 * i + 1]
        start[d], at[d] = max(-lo, 0), max(lo, 0)
        size[d] = shape[d] - max(-lo, 0) - max(-hi, 0)
    if any(n < 0 for n in size):
        raise NotLowerable("the crop cuts more than the whole input")
    base = filled(lower.builder, out, 0 if value is None else value)
    if 0 in size:
        return [base]
    part = x
    if size != shape:
        part = lower.insert(tensor.ExtractSliceOp(x, start, size, [1] * rank,
                                                  TensorType(x.type.element_type, size))).results[0]
    return [lower.insert(tensor.InsertSliceOp.get(part, base, size, at, [1] * rank)).results[0]]


def _gather_padded(lower: Lower, x, out: TensorType, pads, mode, value):
    """out[p] = x[pos_0[p_0], ..., pos_k[p_k]] (see the module docstring)."""
    from tsjit.ops.padding import pad_positions

    shape = tuple(x.type.get_shape())
    try:
        positions = pad_positions(shape, numpy_dtype(x.type.element_type), pads, mode, value)
    except (RuntimeError, NotImplementedError) as e:
        raise NotLowerable(f"pad refuses this: {e}") from None
    if 0 in out.get_shape():
        return filled(lower.builder, out, 0)
    rank = len(shape)
    tables = [_table(lower, p.astype(np.int32), i32) for p in positions]
    maps = [[AffineDimExpr(d)] for d in range(rank)] + [[AffineDimExpr(d) for d in range(rank)]]

    def body(b, args):
        at = [b.insert(arith.IndexCastOp(a, IndexType())).results[0] for a in args[:rank]]
        return b.insert(tensor.ExtractOp(x, at, x.type.element_type)).results[0]
    return generic(lower, tables, maps, lower.empty(out), [PARALLEL] * rank, body)
