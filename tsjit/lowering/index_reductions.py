"""Reductions that give positions: argmax / argmin and max / min along a dim with their indices.

Two generics: the extremum along the dim (keepdim; maximumf/minimumf, so a NaN wins), then the
smallest position whose element equals it, or is NaN (a slice holding NaN has a NaN extremum, and
its first NaN is PyTorch's index). The positions are a constant iota table read along the dim, so
the second reduction is a plain `min` that any backend evaluates in any order. argmax without a
dim reduces the row-major flattened tensor (a collapse_shape view).
"""
from __future__ import annotations

import math
from collections.abc import Sequence

from xdsl.builder import Builder
from xdsl.dialects import arith
from xdsl.dialects.builtin import DenseIntOrFPElementsAttr, TensorType, i1, i64
from xdsl.ir import Operation, SSAValue

from tsjit.lowering.elementwise import Kit, check_dtype
from tsjit.lowering.generic_builder import filled, generic, identity_map, projection_map
from tsjit.lowering.reductions import _max, _min, highest, lowest, reduce
from tsjit.lowering.shape import reshape_value
from tsjit.lowering.table import Lower, NotLowerable

_KINDS = {"ts.argmax": "max", "ts.max_dim": "max", "ts.argmin": "min", "ts.min_dim": "min"}


def _iota(b: Builder, n: int) -> SSAValue:
    t = TensorType(i64, [n])
    return b.insert(arith.ConstantOp(DenseIntOrFPElementsAttr.from_list(t, list(range(n))), t)).results[0]


def first_index(b: Builder, x: SSAValue, m: SSAValue, dim: int) -> SSAValue:
    """The first position along `dim` of x where x == m (m: x's extremum, keepdim) or x is NaN;
    int64, keepdim."""
    shape = list(x.type.get_shape())
    rank, n = len(shape), shape[dim]
    kept = [None if d == dim else d for d in range(rank)]
    out_type = TensorType(i64, [1 if d == dim else s for d, s in enumerate(shape)])
    dtype = x.type.element_type

    def body(bb: Builder, args: Sequence[SSAValue]) -> list[SSAValue]:
        k = Kit(bb, dtype)
        hit = k.cmp("eq", args[0], args[1])
        if k.float:
            hit = k.op(arith.OrIOp(hit, k.cmp_raw("uno", args[0], args[0])))
        pos = k.select(hit, args[2], k.c(n, i64))
        return [Kit(bb, i64).min(pos, args[3])]

    iterators = ["reduction" if d == dim else "parallel" for d in range(rank)]
    return generic(b, [x, m, _iota(b, n)], [identity_map(rank), projection_map(rank, kept), projection_map(rank, [dim])],
                   filled(b, out_type, n), projection_map(rank, kept), iterators, body)


def _extremum_and_index(lower: Lower, x: SSAValue, dim: int, kind: str) -> tuple[SSAValue, SSAValue]:
    """(values, indices) along dim, both keepdim."""
    dtype = x.type.element_type
    check_dtype(dtype)
    if x.type.get_shape()[dim] == 0:
        raise NotLowerable("max/min of an empty dimension is an error")
    combine, init = (_max, lowest) if kind == "max" else (_min, highest)
    m = reduce(lower.builder, x, [dim], True, dtype, init(dtype), combine)
    return m, first_index(lower.builder, x, m, dim)


def _dim(dim: int, rank: int) -> int:
    if not -max(rank, 1) <= dim < max(rank, 1):
        raise NotLowerable(f"dim {dim} out of range for rank {rank}")
    return dim % max(rank, 1)


def lower_arg_extremum(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    """argmax / argmin (dim None: of the flattened tensor)."""
    x, out = lower.tensor(0), lower.result_type()
    if x.type.element_type == i1:
        raise NotLowerable("argmax/argmin of bool is an error")
    dim = lower.constant(1)
    shape = list(x.type.get_shape())
    if dim is None or not shape:
        if dim is not None:
            _dim(dim, 0)
        x = reshape_value(lower, x, (math.prod(shape),))
        dim = 0
    else:
        dim = _dim(dim, len(shape))
    _, idx = _extremum_and_index(lower, x, dim, _KINDS[op.name])
    return [reshape_value(lower, idx, tuple(out.get_shape()))]


def lower_extremum_dim(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    """max / min along a dim: (values, indices)."""
    x = lower.tensor(0)
    shape = list(x.type.get_shape())
    dim = _dim(lower.constant(1), len(shape))
    if not shape:
        x = reshape_value(lower, x, (1,))
    values, idx = _extremum_and_index(lower, x, dim, _KINDS[op.name])
    return [reshape_value(lower, values, tuple(lower.result_type(0).get_shape())),
            reshape_value(lower, idx, tuple(lower.result_type(1).get_shape()))]
