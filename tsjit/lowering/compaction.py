"""compact (tsjit/ops/compaction.py) -> one `scf.for` over the rows, carrying the output and a count.

Row i is written at the current count whether it is kept or not, and the count grows by keep[i]: a
kept row stays (the next write goes one further), a dropped one is overwritten by the next row or
left beyond the count, so the loop needs no branch. The count never passes i, so every write is
inside the buffer. The rows from the count on are then zeroed, as the kernel pads.
"""
from __future__ import annotations

from collections.abc import Sequence
from math import prod

from xdsl.builder import Builder
from xdsl.dialects import arith, tensor
from xdsl.dialects.builtin import DYNAMIC_INDEX, IndexType, i1, i64
from xdsl.dialects.builtin import TensorType as BuiltinTensorType
from xdsl.dialects.linalg.ops import FillOp
from xdsl.dialects.linalg.attrs import IteratorTypeAttr
from xdsl.ir import Operation, SSAValue
from xdsl.ir.affine import AffineDimExpr

from tsjit.lowering.contractions import filled, scalar, shape_of
from tsjit.lowering.elementwise import check_dtype
from tsjit.lowering.generic_builder import convert
from tsjit.lowering.integer_loops import counted_loop
from tsjit.lowering.sorting import build_generic, const_index, index_of, op1
from tsjit.lowering.table import Lower, NotLowerable

PARALLEL = IteratorTypeAttr.parallel()


def lower_compact(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    values, keep = lower.tensor(0), lower.tensor(1)
    out_t, count_t = lower.result_type(0), lower.result_type(1)
    shape = list(shape_of(values))
    if keep.type.element_type != i1 or len(shape_of(keep)) != 1 or not shape or shape_of(keep)[0] != shape[0]:
        raise NotLowerable("compact needs a 1-d bool keep as long as values")
    check_dtype(values.type.element_type)
    n, rest = shape[0], shape[1:]
    out = filled(lower, out_t, 0)
    b = lower.builder
    if n == 0:
        return out, filled(lower, count_t, 0)
    row_t = BuiltinTensorType(values.type.element_type, [1, *rest])
    rank = len(shape)
    copies = prod(rest) > 0

    def step(bb: Builder, i: SSAValue, carried: Sequence[SSAValue]) -> list[SSAValue]:
        acc, count = carried
        if copies:
            at = op1(bb, arith.IndexCastOp(count, IndexType()))
            row = op1(bb, tensor.ExtractSliceOp(values, [i] + [0] * (rank - 1), [1, *rest], [1] * rank, row_t))
            acc = op1(bb, tensor.InsertSliceOp.get(row, acc, [1, *rest], [DYNAMIC_INDEX] + [0] * (rank - 1),
                                                   [1] * rank, offsets=[at]))
        kept = op1(bb, tensor.ExtractOp(keep, [i], i1))
        return [acc, op1(bb, arith.AddiOp(count, convert(bb, kept, i64)))]
    out, count = counted_loop(b, const_index(b, 0), const_index(b, n), [out, scalar(b, 0, i64)], step)
    if copies:
        out = _zero_from(lower, out, count)
    return out, op1(b, FillOp([count], [lower.empty(count_t)], [count_t]))


def _zero_from(lower: Lower, x: SSAValue, count: SSAValue) -> SSAValue:
    """x with its rows from `count` (an i64) on set to zero."""
    rank = len(shape_of(x))
    ident = [AffineDimExpr(d) for d in range(rank)]
    elt = x.type.element_type

    def body(bb: Builder, args: Sequence[SSAValue]) -> list[SSAValue]:
        row = op1(bb, arith.IndexCastOp(index_of(bb, 0), i64))
        return [op1(bb, arith.SelectOp(op1(bb, arith.CmpiOp(row, count, "slt")), args[0], scalar(bb, 0, elt)))]
    return build_generic(lower.builder, [x], [ident, ident], [lower.empty(x.type)], [PARALLEL] * rank, body)[0]
