"""embedding_bag -> an `scf.for` over the bags around an `scf.for` over each bag's entries.

The number of bags is static (the offsets' length), but where each bag starts and ends is data:
bag b holds the entries offsets[b] <= j < offsets[b + 1] (the last bag runs to the end of the
indices, unless include_last_offset makes the last offset its end). So the outer loop runs over
the bags and reads the two bounds from the offsets at run time (clamped into [0, n], so bad
offsets cannot read outside the indices); the inner loop runs between them and carries the
bag's row: each entry adds (or for max, compares) weight row indices[j] (clamped into the
table), read with `tensor.extract` in a one-row generic, unless it is padding_idx. The row is
then written into the result at b. PyTorch's conventions: max takes an entry when it is the
bag's first or strictly greater (so the first of equal values wins, and a NaN only when first),
empty bags give zeros, mean divides by the number of entries that are not padding.

The other results follow ATen's CPU kernel: offset2bag (the bag of each entry: how many of the
bags' offsets are <= j, less one; empty for mode sum without padding_idx), bag_size (entries per
bag; zeros of the offsets' length for sum), max_indices (max: the row each maximum came from;
mean: bag_size; sum: zeros). Each is computed only when something reads it (a bare tensor.empty
otherwise), and max carries its row ids through the loops only then.
"""
from __future__ import annotations

from collections.abc import Sequence

from xdsl.builder import Builder
from xdsl.dialects import arith, tensor
from xdsl.dialects.builtin import DYNAMIC_INDEX, IndexType, IntegerType, i1, i64
from xdsl.dialects.builtin import TensorType as BuiltinTensorType
from xdsl.dialects.linalg.attrs import IteratorTypeAttr
from xdsl.dialects.linalg.ops import FillOp
from xdsl.ir import SSAValue
from xdsl.ir.affine import AffineDimExpr

from tsjit.dialects.ts.types import TensorType, is_float_dtype
from tsjit.lowering.contractions import filled, scalar, shape_of
from tsjit.lowering.elementwise import check_dtype
from tsjit.lowering.generic_builder import convert
from tsjit.lowering.integer_loops import counted_loop
from tsjit.lowering.sorting import build_generic, const_index, index_of, op1
from tsjit.lowering.table import Lower, NotLowerable

SUM, MEAN, MAX = 0, 1, 2
PARALLEL, REDUCTION = IteratorTypeAttr.parallel(), IteratorTypeAttr.reduction()


def _read(b: Builder, t: SSAValue, at: SSAValue) -> SSAValue:
    """t[at] of a 1-d integer tensor, as i64."""
    return convert(b, op1(b, tensor.ExtractOp(t, [at], t.type.element_type)), i64)


def _clamp_index(b: Builder, v: SSAValue, lo: SSAValue, hi: SSAValue) -> SSAValue:
    """An i64 clamped into [lo, hi] (i64), as an `index`."""
    v = op1(b, arith.MinSIOp(op1(b, arith.MaxSIOp(v, lo)), hi))
    return op1(b, arith.IndexCastOp(v, IndexType()))


def _row_generic(b: Builder, rows: Sequence[SSAValue], body) -> list[SSAValue]:
    """A (1, D) all-parallel generic over `rows` (each (1, D)) into fresh tensors of their types."""
    ident = [AffineDimExpr(0), AffineDimExpr(1)]
    inits = [op1(b, tensor.EmptyOp([], r.type)) for r in rows]
    return build_generic(b, list(rows), [ident] * (2 * len(rows)), inits, [PARALLEL, PARALLEL], body)


def _insert_row(b: Builder, row: SSAValue, into: SSAValue, at: SSAValue) -> SSAValue:
    """`into[at] = row`: a (1,) or (1, D) row into a (B,) or (B, D) tensor at a run-time position."""
    rank = len(shape_of(into))
    sizes = list(shape_of(row))
    static = [DYNAMIC_INDEX] + [0] * (rank - 1)
    return op1(b, tensor.InsertSliceOp.get(row, into, sizes, static, [1] * rank, offsets=[at]))


class _Bag:
    """What one bag's inner loop needs: the operands, mode, padding row and the result types."""

    def __init__(self, lower: Lower, op):
        self.w, self.idx, self.offs = lower.tensor(0), lower.tensor(1), lower.tensor(2)
        self.psw = lower.tensor(6) if isinstance(op.operands[6].type, TensorType) else None
        self.mode, self.last = lower.constant(4), bool(lower.constant(7))
        pad = lower.constant(8)
        if len(shape_of(self.w)) != 2 or len(shape_of(self.idx)) != 1 or len(shape_of(self.offs)) != 1:
            raise NotLowerable("embedding_bag needs a 2-d weight and 1-d indices and offsets")
        self.t = self.w.type.element_type
        if not is_float_dtype(self.t):
            raise NotLowerable(f"embedding_bag of a {self.t} weight")
        for v in (self.idx, self.offs):
            et = v.type.element_type
            if not isinstance(et, IntegerType) or et.width.data not in (32, 64):
                raise NotLowerable("indices and offsets must be int64 or int32")
        check_dtype(self.t)
        if self.mode not in (SUM, MEAN, MAX):
            raise NotLowerable(f"embedding_bag mode {self.mode}")
        if self.psw is not None and self.mode != SUM:
            raise NotLowerable("per_sample_weights need mode sum")
        self.rows, self.width = shape_of(self.w)
        self.n, self.o = shape_of(self.idx)[0], shape_of(self.offs)[0]
        self.bags = max(self.o - self.last, 0)
        self.pad = None if pad is None else pad + self.rows if pad < 0 else pad
        if self.n and not self.rows or not self.width:
            raise NotLowerable("embedding_bag of an empty weight")
        self.aux = lower.result_type(2).element_type
        used = [bool(r.uses) for r in op.results]
        self.arg = self.mode == MAX and used[3]  # carry the max rows' ids, and each bag's size
        self.sizes = self.mode == MAX and used[2] or self.mode == MEAN and (used[2] or used[3])

    def step(self, b: Builder, j: SSAValue, carried: Sequence[SSAValue]) -> list[SSAValue]:
        """Entry j of the bag: (row, [max row ids,] count) -> their next values."""
        word = _read(b, self.idx, j)
        at = _clamp_index(b, word, scalar(b, 0, i64), scalar(b, self.rows - 1, i64))
        keep = (op1(b, arith.CmpiOp(word, scalar(b, self.pad, i64), "ne")) if self.pad is not None
                else scalar(b, 1, i1))
        count = carried[-1]
        first = op1(b, arith.CmpiOp(count, scalar(b, 0, i64), "eq"))
        weight = op1(b, tensor.ExtractOp(self.psw, [j], self.t)) if self.psw is not None else None

        def body(bb: Builder, args: Sequence[SSAValue]) -> list[SSAValue]:
            v = op1(bb, tensor.ExtractOp(self.w, [at, index_of(bb, 1)], self.t))
            acc = args[0]
            if self.mode != MAX:
                if weight is not None:
                    v = op1(bb, arith.MulfOp(v, weight))
                return [op1(bb, arith.SelectOp(keep, op1(bb, arith.AddfOp(acc, v)), acc))]
            greater = op1(bb, arith.CmpfOp(v, acc, "ogt"))
            take = op1(bb, arith.AndIOp(keep, op1(bb, arith.OrIOp(first, greater))))
            best = [op1(bb, arith.SelectOp(take, v, acc))]
            if self.arg:
                best.append(op1(bb, arith.SelectOp(take, convert(bb, word, self.aux), args[1])))
            return best
        new = _row_generic(b, carried[:-1], body)
        return [*new, op1(b, arith.AddiOp(count, convert(b, keep, i64)))]

    def bag(self, b: Builder, at: SSAValue, carried: Sequence[SSAValue]) -> list[SSAValue]:
        """Bag `at`: its entries reduced into a row written at `at` of the carried results."""
        n = scalar(b, self.n, i64)
        nb = op1(b, arith.AddiOp(at, const_index(b, 1)))
        lo = _read(b, self.offs, at)
        more = op1(b, arith.CmpiOp(nb, const_index(b, self.o), "slt"))
        next_ = _read(b, self.offs, op1(b, arith.MinSIOp(nb, const_index(b, self.o - 1))))
        lo_i = _clamp_index(b, lo, scalar(b, 0, i64), n)
        hi_i = _clamp_index(b, op1(b, arith.SelectOp(more, next_, n)), op1(b, arith.IndexCastOp(lo_i, i64)), n)
        row_t = BuiltinTensorType(self.t, [1, self.width])
        start = [_filled(b, row_t, 0)]
        if self.arg:
            start.append(_filled(b, BuiltinTensorType(self.aux, [1, self.width]), 0))
        *rows, count = counted_loop(b, lo_i, hi_i, [*start, scalar(b, 0, i64)], self.step)
        if self.mode == MEAN:
            size = convert(b, op1(b, arith.MaxSIOp(count, scalar(b, 1, i64))), self.t)
            rows[0] = _row_generic(b, rows[:1], lambda bb, args: [op1(bb, arith.DivfOp(args[0], size))])[0]
        out = [_insert_row(b, r, c, at) for r, c in zip(rows, carried)]
        if self.sizes:
            one = BuiltinTensorType(self.aux, [1])
            size = build_generic(b, [], [[AffineDimExpr(0)]], [op1(b, tensor.EmptyOp([], one))], [PARALLEL],
                                 lambda bb, args: [convert(bb, count, self.aux)])[0]
            out.append(_insert_row(b, size, carried[-1], at))
        return out


def _filled(b: Builder, t: BuiltinTensorType, value) -> SSAValue:
    return op1(b, FillOp([scalar(b, value, t.element_type)], [op1(b, tensor.EmptyOp([], t))], [t]))


def _offset2bag(lower: Lower, bag: _Bag) -> SSAValue:
    """For each entry j, how many of the bags' offsets are <= j, less one."""
    out = lower.result_type(1)
    if not bag.bags:
        return filled(lower, out, -1)
    offs = bag.offs
    if bag.bags < bag.o:
        t = BuiltinTensorType(offs.type.element_type, [bag.bags])
        offs = lower.insert(tensor.ExtractSliceOp(offs, [0], [bag.bags], [1], t)).results[0]

    def body(b: Builder, args: Sequence[SSAValue]) -> list[SSAValue]:
        j = op1(b, arith.IndexCastOp(index_of(b, 0), i64))
        below = op1(b, arith.CmpiOp(convert(b, args[0], i64), j, "sle"))
        return [op1(b, arith.AddiOp(args[1], convert(b, below, i64)))]
    counts = build_generic(lower.builder, [offs], [[AffineDimExpr(1)], [AffineDimExpr(0)]],
                           [filled(lower, BuiltinTensorType(i64, [bag.n]), -1)], [PARALLEL, REDUCTION], body)[0]
    if out.element_type == i64:
        return counts
    return build_generic(lower.builder, [counts], [[AffineDimExpr(0)], [AffineDimExpr(0)]], [lower.empty(out)],
                         [PARALLEL], lambda b, args: [convert(b, args[0], out.element_type)])[0]


def _copy(lower: Lower, v: SSAValue) -> SSAValue:
    ident = [AffineDimExpr(0)]
    return build_generic(lower.builder, [v], [ident, ident], [lower.empty(v.type)], [PARALLEL], lambda b, a: [a[0]])[0]


def lower_embedding_bag(op, lower: Lower):
    """The bags' loop (see the module docstring); results nothing reads are bare tensor.empty."""
    bag = _Bag(lower, op)
    types = [lower.result_type(k) for k in range(4)]
    results = [filled(lower, types[0], 0)]
    if bag.arg:
        results.append(filled(lower, types[3], 0))
    if bag.sizes:
        results.append(filled(lower, types[2], 0))
    if bag.bags:
        b = lower.builder
        results = counted_loop(b, const_index(b, 0), const_index(b, bag.bags), results, bag.bag)
    used = [bool(r.uses) for r in op.results]
    if bag.mode == SUM:
        sizes = filled(lower, types[2], 0) if used[2] else None
        indices = filled(lower, types[3], 0) if used[3] else None
    else:
        sizes = results[-1] if bag.sizes else None
        indices = results[1] if bag.arg else _copy(lower, sizes) if bag.mode == MEAN and used[3] else None
    offset2bag = None
    if used[1]:
        offset2bag = filled(lower, types[1], 0) if bag.mode == SUM and bag.pad is None else _offset2bag(lower, bag)
    values = [results[0], offset2bag, sizes, indices]
    return [lower.empty(t) if v is None else v for v, t in zip(values, types)]
