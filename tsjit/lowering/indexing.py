"""Lowerings of index_fill and one_hot: each result element compares its position with index values.

one_hot is one all-parallel generic: out[.., c] = (x[..] == c). index_fill reads x and sets the
elements whose position along `dim` is one of the (wrapped) indices: a generic over the result
and the index entries (a reduction over them, into a copy of x), so no scatter is needed. The
positions come from constant iota tables, as in gather.py.
"""
from __future__ import annotations

import numpy as np
from xdsl.dialects import arith
from xdsl.dialects.builtin import i64
from xdsl.ir.affine import AffineDimExpr

from tsjit.dialects.ts.types import TensorType
from tsjit.lowering.contractions import (
    PARALLEL,
    REDUCTION,
    generic,
    reshaped,
    scalar,
    shape_of,
)
from tsjit.lowering.generic_builder import constant, convert
from tsjit.lowering.pooling import _table
from tsjit.lowering.table import Lower, NotLowerable


def lower_one_hot(op, lower: Lower):
    """int64 out[.., c] = x[..] == c (a value out of [0, num_classes) gives a row of zeros; the
    kernel raises there)."""
    x, out = lower.tensor(0), lower.result_type()
    if x.type.element_type != i64:
        raise NotLowerable("one_hot of a tensor that is not int64 (the kernel raises)")
    shape = tuple(out.get_shape())
    rank = len(shape)
    classes = _table(lower, np.arange(shape[-1], dtype=np.int64), i64)
    maps = [[AffineDimExpr(d) for d in range(rank - 1)], [AffineDimExpr(rank - 1)], [AffineDimExpr(d) for d in range(rank)]]

    def body(b, args):
        hit = b.insert(arith.CmpiOp(args[0], args[1], "eq")).results[0]
        return b.insert(arith.ExtUIOp(hit, i64)).results[0]
    return [generic(lower, [x, classes], maps, lower.empty(out), [PARALLEL] * rank, body)]


def lower_index_fill(op, lower: Lower):
    """out = x, then out[.., i, ..] = value (i at `dim`) for each index i, negative ones from the end."""
    x, index, out = lower.tensor(0), lower.tensor(2), lower.result_type()
    xs = shape_of(x)
    rank = len(xs)
    if index.type.element_type != i64 or len(shape_of(index)) > 1:
        raise NotLowerable("index_fill with an index that is not an int64 vector (the kernel raises)")
    if rank == 0 or 0 in xs:
        raise NotLowerable("index_fill of a 0-d or empty tensor")
    dim = lower.constant(1) % rank
    size, elt = xs[dim], out.element_type
    if not shape_of(index):
        index = reshaped(lower, index, (1,))
    if shape_of(index)[0] == 0:
        return [x]
    positions = _table(lower, np.arange(size, dtype=np.int64), i64)
    inputs = [index, positions]
    maps = [[AffineDimExpr(rank)], [AffineDimExpr(dim)]]
    if isinstance(op.operands[3].type, TensorType):  # a 0-d value tensor, read as it is and cast
        value = lower.tensor(3)
        if shape_of(value):
            raise NotLowerable("index_fill with a value tensor that is not 0-d (the kernel raises)")
        inputs.append(value)
        maps.append([])
    else:
        from tsjit.dialects.ts.constant import numpy_dtype
        from tsjit.ops.creation import checked_scalar

        try:
            fill = checked_scalar(lower.constant(3), numpy_dtype(elt)).item()
        except RuntimeError as e:
            raise NotLowerable(str(e)) from None

    def body(b, args):
        i = args[0]
        i = b.insert(arith.SelectOp(b.insert(arith.CmpiOp(i, scalar(b, 0, i64), "slt")).results[0],
                                    b.insert(arith.AddiOp(i, scalar(b, size, i64))).results[0], i)).results[0]
        hit = b.insert(arith.CmpiOp(i, args[1], "eq")).results[0]
        v = convert(b, args[2], elt) if len(args) == 4 else constant(b, fill, elt)
        return b.insert(arith.SelectOp(hit, v, args[-1])).results[0]
    iterators = [PARALLEL] * rank + [REDUCTION]
    return [generic(lower, inputs, [*maps, [AffineDimExpr(d) for d in range(rank)]], x, iterators, body)]
