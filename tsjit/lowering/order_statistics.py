"""Order statistics from the sorting network (sorting.py): median, nanmedian, quantile, mode.

Medians and quantiles sort along the dim (NaN last), count each row's numbers (non-NaN values),
and read the entry at a position computed from that count: a reduction `linalg.generic` over the
dim that keeps the entry where the loop position equals it (no data-dependent addressing, and
being a reduction it is never inlined into another generic). All per-row tensors keep the dim
with size 1 and are reshaped to the result at the end.

- median: entry (n-1)//2, or the first NaN (entry `count`) when the row holds one; its index is
  then that NaN's, the first in the row (the sort is stable).
- nanmedian: entry max(count-1, 0)//2 (entry 0 is NaN when all are).
- quantile: torch's quantile_compute in the input dtype: rank = q*(n-1) (n-1 when the row holds
  NaN; q*(count-1), at least 0, for nanquantile), rounded by the interpolation mode, the entries
  below/above the rank read, and linear/midpoint interpolated as torch's lerp.
- mode: each value's count of equal values (O(n^2) comparisons per row), then the value with the
  largest count (the smallest of equally frequent ones) and its last index, as torch's CPU kernel.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from xdsl.builder import Builder
from xdsl.dialects import arith, math
from xdsl.dialects.builtin import IntegerAttr, i1, i64
from xdsl.dialects.builtin import TensorType as BuiltinTensorType
from xdsl.dialects.linalg.attrs import IteratorTypeAttr
from xdsl.ir import SSAValue
from xdsl.ir.affine import AffineConstantExpr, AffineDimExpr

from tsjit.dialects.ts.types import is_float_dtype
from tsjit.lowering.contractions import filled, reshaped, shape_of
from tsjit.lowering.elementwise import Kit
from tsjit.lowering.sorting import (
    generic_n,
    index_of,
    op1,
    slice_dim,
    sort_along,
    sortable,
    wrap_dim,
)
from tsjit.lowering.table import Lower, NotLowerable

PARALLEL, REDUCTION = IteratorTypeAttr.parallel(), IteratorTypeAttr.reduction()
Position = Callable[[Builder, SSAValue], SSAValue]  # (builder, the row's key) -> i64 position


def _i64(b: Builder, value: int) -> SSAValue:
    return op1(b, arith.ConstantOp(IntegerAttr(value, i64)))


def _row_type(x: SSAValue, dim: int, elt=None) -> BuiltinTensorType:
    return BuiltinTensorType(elt or x.type.element_type, [1 if d == dim else s for d, s in enumerate(shape_of(x))])


def _maps(x: SSAValue, dim: int):
    rank = len(shape_of(x))
    ident = [AffineDimExpr(d) for d in range(rank)]
    row = [AffineConstantExpr(0) if d == dim else e for d, e in enumerate(ident)]
    iterators = [REDUCTION if d == dim else PARALLEL for d in range(rank)]
    return ident, row, iterators


def count_numbers(lower: Lower, x: SSAValue, dim: int) -> SSAValue:
    """The number of non-NaN values of each row along dim (int64, dim kept with size 1)."""
    ident, row, iterators = _maps(x, dim)

    def body(b, a):
        k = Kit(b, x.type.element_type)
        number = k.cmp("eq", a[0], a[0])
        return [op1(b, arith.AddiOp(op1(b, arith.SelectOp(number, _i64(b, 1), _i64(b, 0))), a[1]))]
    return generic_n(lower, [x], [ident, row], [filled(lower, _row_type(x, dim, i64), 0)], iterators, body)[0]


def select_at(lower: Lower, tensors: Sequence[SSAValue], key: SSAValue, dim: int,
              positions: Sequence[Position]) -> list[SSAValue]:
    """Per row, entry positions[k](key of the row) of tensors[k] along dim (dim kept, size 1)."""
    ident, row, iterators = _maps(tensors[0], dim)
    inits = [filled(lower, _row_type(t, dim), 0) for t in tensors]

    def body(b, a):
        at = op1(b, arith.IndexCastOp(index_of(b, dim), i64))
        key, accs = a[len(tensors)], a[len(tensors) + 1:]
        return [op1(b, arith.SelectOp(op1(b, arith.CmpiOp(at, where(b, key), "eq")), v, acc))
                for v, acc, where in zip(a[:len(tensors)], accs, positions)]
    return generic_n(lower, [*tensors, key], [ident] * len(tensors) + [row] + [row] * len(tensors), inits,
                     iterators, body)


def _flat(lower: Lower, x: SSAValue) -> SSAValue:
    size = 1
    for s in shape_of(x):
        size *= s
    return reshaped(lower, x, (size,))


def _no_bool(x: SSAValue) -> None:
    sortable(x)
    if x.type.element_type == i1:
        raise NotLowerable("median of bool (torch has no such kernel)")


def _medians(lower: Lower, x: SSAValue, dim: int, ignore_nan: bool, with_index: bool) -> list[SSAValue]:
    """(values, indices) of the lower median along dim (rank >= 1), dim kept with size 1."""
    _no_bool(x)
    elt = x.type.element_type
    n = shape_of(x)[dim]
    if n == 0:
        raise NotLowerable("median of an empty dim is an error")
    values, indices = sort_along(lower, x, dim, False)
    pair = [values, indices] if with_index else [values]
    if not is_float_dtype(elt):
        return [slice_dim(lower, v, dim, (n - 1) // 2, 1) for v in pair]
    counts = count_numbers(lower, x, dim)

    def position(b, count):
        if ignore_nan:
            return op1(b, arith.DivSIOp(op1(b, arith.MaxSIOp(op1(b, arith.SubiOp(count, _i64(b, 1))), _i64(b, 0))),
                                        _i64(b, 2)))
        some_nan = op1(b, arith.CmpiOp(count, _i64(b, n), "slt"))
        return op1(b, arith.SelectOp(some_nan, count, _i64(b, (n - 1) // 2)))
    return select_at(lower, pair, counts, dim, [position] * len(pair))


def lower_median(op, lower: Lower):
    """median / nanmedian of all values: the median along the one dim of the flattened input."""
    x, out = lower.tensor(0), lower.result_type()
    if 0 in shape_of(x):
        if not is_float_dtype(x.type.element_type):
            raise NotLowerable("median of an empty integer tensor")
        return [filled(lower, out, float("nan"))]
    if not shape_of(x):
        _no_bool(x)
        return [x]
    (value,) = _medians(lower, _flat(lower, x), 0, op.name == "ts.nanmedian", False)
    return [reshaped(lower, value, ())]


def lower_median_dim(op, lower: Lower):
    """median / nanmedian along dim with the index."""
    x = lower.tensor(0)
    rank = len(shape_of(x))
    dim = wrap_dim(lower.constant(1), rank)
    if rank == 0:
        _no_bool(x)
        return [x, filled(lower, BuiltinTensorType(i64, []), 0)]
    pair = _medians(lower, x, dim, op.name == "ts.nanmedian_dim", True)
    return [reshaped(lower, v, tuple(lower.result_type(j).get_shape())) for j, v in enumerate(pair)]


# -- quantile ----------------------------------------------------------------------------------

def lower_quantile(op, lower: Lower):
    x, out = lower.tensor(0), lower.result_type()
    q, dim, mode = lower.constant(1), lower.constant(2), lower.constant(4)
    elt = x.type.element_type
    if not is_float_dtype(elt) or elt.bitwidth < 32 or not 0 <= q <= 1 or \
            mode not in ("linear", "lower", "higher", "midpoint", "nearest"):
        raise NotLowerable("quantile of this dtype, q or interpolation (an error)")
    sortable(x)
    if dim is None or not shape_of(x):
        if not shape_of(x) and dim is not None:
            wrap_dim(dim, 0)
        x, dim = _flat(lower, x), 0
    dim = wrap_dim(dim, len(shape_of(x)))
    n = shape_of(x)[dim]
    if n == 0:
        raise NotLowerable("quantile of an empty dim is an error")
    values, _ = sort_along(lower, x, dim, False)
    counts = count_numbers(lower, x, dim)
    ignore_nan = op.name == "ts.nanquantile"
    rows = counts.type.get_shape()

    def rank_of(b, a):
        k = Kit(b, elt)
        count = a[0]
        if ignore_nan:
            r = k.mul(k.c(q), op1(b, arith.SIToFPOp(op1(b, arith.SubiOp(count, _i64(b, 1))), elt)))
            r = k.select(k.cmp("lt", r, k.c(0)), k.c(0), r)
        else:
            some_nan = op1(b, arith.CmpiOp(count, _i64(b, n), "slt"))
            r = k.select(some_nan, k.c(n - 1), k.mul(k.c(q), k.c(n - 1)))
        rounding = {"lower": math.FloorOp, "higher": math.CeilOp, "nearest": math.RoundEvenOp}.get(mode)
        return [k.math(rounding, r) if rounding else r]
    ranks = generic_n(lower, [counts], [[AffineDimExpr(d) for d in range(len(rows))]] * 2,
                      [lower.empty(BuiltinTensorType(elt, rows))], [PARALLEL] * len(rows), rank_of)[0]

    def below(b, r):
        return op1(b, arith.FPToSIOp(r, i64))

    def above(b, r):
        return op1(b, arith.FPToSIOp(op1(b, math.CeilOp(r)), i64))
    low, high = select_at(lower, [values, values], ranks, dim, [below, above])
    ident = [AffineDimExpr(d) for d in range(len(rows))]

    def interpolate(b, a):
        lo, hi, r = a[0], a[1], a[2]
        if mode not in ("linear", "midpoint"):
            return [lo]
        k = Kit(b, elt)
        w = k.c(0.5) if mode == "midpoint" else k.sub(r, k.math(math.FloorOp, r))
        small = k.cmp("lt", k.math(math.AbsFOp, w), k.c(0.5))
        diff = k.sub(hi, lo)
        return [k.select(small, k.add(lo, k.mul(w, diff)), k.sub(hi, k.mul(diff, k.sub(k.c(1), w))))]
    result = generic_n(lower, [low, high, ranks], [ident] * 4, [lower.empty(BuiltinTensorType(elt, rows))],
                       [PARALLEL] * len(rows), interpolate)[0]
    return [reshaped(lower, result, tuple(out.get_shape()))]


# -- mode --------------------------------------------------------------------------------------

def lower_mode(op, lower: Lower):
    x = lower.tensor(0)
    sortable(x)
    rank = len(shape_of(x))
    dim = wrap_dim(lower.constant(1), rank)
    if rank == 0:
        return [x, filled(lower, BuiltinTensorType(i64, []), 0)]
    shape = shape_of(x)
    if shape[dim] == 0:
        raise NotLowerable("mode of an empty dim is an error")
    elt = x.type.element_type
    ident = [AffineDimExpr(d) for d in range(rank)]
    other = [AffineDimExpr(rank) if d == dim else e for d, e in enumerate(ident)]

    def count(b, a):  # equal values, and the value itself (a NaN counts once)
        k = Kit(b, elt)
        same = op1(b, arith.OrIOp(k.cmp("eq", a[0], a[1]),
                                  op1(b, arith.CmpiOp(index_of(b, dim), index_of(b, rank), "eq"))))
        return [op1(b, arith.AddiOp(op1(b, arith.SelectOp(same, _i64(b, 1), _i64(b, 0))), a[2]))]
    counts = generic_n(lower, [x, x], [ident, other, ident], [filled(lower, BuiltinTensorType(i64, list(shape)), 0)],
                       [PARALLEL] * rank + [REDUCTION], count)[0]
    _, row, iterators = _maps(x, dim)

    def best(b, a):
        k = Kit(b, elt)
        v, c, bv, bc, bi = a
        more = op1(b, arith.CmpiOp(c, bc, "sgt"))
        tie = op1(b, arith.AndIOp(op1(b, arith.CmpiOp(c, bc, "eq")), k.cmp("le", v, bv)))
        take = op1(b, arith.OrIOp(more, tie))
        at = op1(b, arith.IndexCastOp(index_of(b, dim), i64))
        return [k.select(take, v, bv), k.select(take, c, bc), k.select(take, at, bi)]
    inits = [filled(lower, _row_type(x, dim), 0), filled(lower, _row_type(x, dim, i64), 0),
             filled(lower, _row_type(x, dim, i64), 0)]
    value, _, index = generic_n(lower, [x, counts], [ident, ident, row, row, row], inits, iterators, best)
    return [reshaped(lower, v, tuple(lower.result_type(j).get_shape())) for j, v in enumerate((value, index))]
