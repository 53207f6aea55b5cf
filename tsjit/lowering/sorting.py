"""Sorting along a dim as a bitonic sorting network: sort, argsort, topk, kthvalue.

Each (value, index) pair is sorted by a total order: values ascending (or descending), NaN as
the largest value, equal values by their index. That order has no ties, so the network's result
is exactly a stable sort (what the kernels in tsjit/ops/sorting.py compute). The dim is padded
to a power of two N with a value that sorts last (NaN or the dtype's extreme); padding entries
have indices >= n, so they also come after equal real values.

The network is two nested `scf.for`s (block size k = 2, 4, .., N; pair distance j = k/2, .., 1)
around one all-parallel `linalg.generic` per step: every element reads its partner i ^ j with
`tensor.extract` and keeps the lesser or the greater of the two, as its position and block
direction say. The IR does not grow with N, the work is O(N log^2 N) with no data-dependent
control flow, and ts-bufferize gives the loops' carried tensors one buffer each (a step's body
reads the whole carried tensor, so its result is copied back: tsjit/lowering/control_flow_buffers.py).
The generics have two results (values and indices), so ts-fuse-elementwise never inlines them
into another generic (they read `linalg.index`).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from xdsl.builder import Builder
from xdsl.dialects import arith, scf, tensor
from xdsl.dialects.builtin import AffineMapAttr, IndexType, IntegerAttr, i1, i64
from xdsl.dialects.builtin import TensorType as BuiltinTensorType
from xdsl.dialects.linalg.attrs import IteratorTypeAttr
from xdsl.dialects.linalg.ops import GenericOp, IndexOp, YieldOp
from xdsl.ir import Block, Region, SSAValue
from xdsl.ir.affine import AffineDimExpr, AffineExpr, AffineMap
from xdsl.rewriter import InsertPoint

from tsjit.dialects.ts.types import is_float_dtype
from tsjit.lowering.contractions import filled, reshaped, scalar, shape_of
from tsjit.lowering.elementwise import Kit, check_dtype
from tsjit.lowering.generic_builder import int_range
from tsjit.lowering.table import Lower, NotLowerable

Body = Callable[[Builder, Sequence[SSAValue]], Sequence[SSAValue]]


# -- small builders (shared with order_statistics.py) ----------------------------------------------

def build_generic(b: Builder, inputs: Sequence[SSAValue], maps: Sequence[Sequence[AffineExpr]],
                  inits: Sequence[SSAValue], iterators: Sequence[IteratorTypeAttr], body: Body) -> list[SSAValue]:
    """A `linalg.generic` with several results; maps give the inputs' then the inits' indexing."""
    block = Block(arg_types=[v.type.element_type for v in (*inputs, *inits)])
    inner = Builder(InsertPoint.at_end(block))
    inner.insert(YieldOp(*body(inner, block.args)))
    n = len(iterators)
    attrs = [AffineMapAttr(AffineMap(n, 0, tuple(m))) for m in maps]
    op = GenericOp(list(inputs), list(inits), Region(block), attrs, list(iterators), [v.type for v in inits])
    return list(b.insert(op).results)


def generic_n(lower: Lower, inputs: Sequence[SSAValue], maps: Sequence[Sequence[AffineExpr]],
              inits: Sequence[SSAValue], iterators: Sequence[IteratorTypeAttr], body: Body) -> list[SSAValue]:
    return build_generic(lower.builder, inputs, maps, inits, iterators, body)


def index_of(b: Builder, dim: int) -> SSAValue:
    """The loop position of `dim` (an `index`)."""
    return b.insert(IndexOp(dim)).results[0]


def const_index(b: Builder, value: int) -> SSAValue:
    return b.insert(arith.ConstantOp(IntegerAttr(value, IndexType()))).results[0]


def op1(b: Builder, op) -> SSAValue:
    return b.insert(op).results[0]


def not_(b: Builder, x: SSAValue) -> SSAValue:
    return op1(b, arith.XOrIOp(x, op1(b, arith.ConstantOp(IntegerAttr(1, i1)))))


def slice_dim(lower: Lower, x: SSAValue, dim: int, start: int, size: int) -> SSAValue:
    """x[..., start:start+size, ...] along dim (same rank)."""
    shape = list(shape_of(x))
    if start == 0 and size == shape[dim]:
        return x
    offsets = [start if d == dim else 0 for d in range(len(shape))]
    sizes = [size if d == dim else s for d, s in enumerate(shape)]
    t = BuiltinTensorType(x.type.element_type, sizes)
    return lower.insert(tensor.ExtractSliceOp(x, offsets, sizes, [1] * len(shape), t)).results[0]


def wrap_dim(dim: int, rank: int) -> int:
    if not -max(rank, 1) <= dim < max(rank, 1):
        raise NotLowerable(f"dim {dim} out of range for rank {rank}")
    return dim % max(rank, 1)


def sortable(x: SSAValue) -> None:
    """NotLowerable unless x's element type compares in arith (signless ints, bool, floats)."""
    check_dtype(x.type.element_type)


# -- the network -------------------------------------------------------------------------------

def _before(b: Builder, descending: bool, v0, i0, v1, i1_) -> SSAValue:
    """Whether (v0, i0) comes before (v1, i1) in the sort order (see the module docstring)."""
    k = Kit(b, v0.type)
    earlier = op1(b, arith.CmpiOp(i0, i1_, "slt"))
    ahead = k.cmp("gt" if descending else "lt", v0, v1)
    core = op1(b, arith.OrIOp(ahead, op1(b, arith.AndIOp(k.cmp("eq", v0, v1), earlier))))
    if not is_float_dtype(v0.type):
        return core
    nan0, nan1 = k.cmp_raw("uno", v0, v0), k.cmp_raw("uno", v1, v1)
    if descending:  # NaN first
        when_nan = op1(b, arith.OrIOp(not_(b, nan1), earlier))
        otherwise = op1(b, arith.AndIOp(not_(b, nan1), core))
    else:  # NaN last
        when_nan = op1(b, arith.AndIOp(nan1, earlier))
        otherwise = op1(b, arith.OrIOp(nan1, core))
    return k.select(nan0, when_nan, otherwise)


def _last_value(elt, descending: bool):
    """A padding value that sorts after every value (ties go by index, and padding comes last)."""
    if is_float_dtype(elt):
        return -math.inf if descending else math.nan
    if elt == i1:
        return 0 if descending else 1
    return int_range(elt)[0 if descending else 1]


def _start(lower: Lower, x: SSAValue, dim: int, big: int, descending: bool) -> list[SSAValue]:
    """(x padded along dim to `big`, the positions along dim as int64 indices)."""
    shape = list(shape_of(x))
    n, rank, elt = shape[dim], len(shape), x.type.element_type
    padded = [big if d == dim else s for d, s in enumerate(shape)]
    ident = [AffineDimExpr(d) for d in range(rank)]
    inits = [lower.empty(BuiltinTensorType(elt, padded)), lower.empty(BuiltinTensorType(i64, padded))]
    parallel = [IteratorTypeAttr.parallel()] * rank

    def body(b: Builder, args: Sequence[SSAValue]) -> list[SSAValue]:
        at = index_of(b, dim)
        if big == n:
            v = args[0]
        else:
            last = const_index(b, n - 1)
            clamped = op1(b, arith.MinSIOp(at, last))
            v = b.insert(tensor.ExtractOp(x, [clamped if d == dim else index_of(b, d) for d in range(rank)],
                                          elt)).results[0]
            inside = op1(b, arith.CmpiOp(at, last, "sle"))
            v = op1(b, arith.SelectOp(inside, v, scalar(b, _last_value(elt, descending), elt)))
        return [v, op1(b, arith.IndexCastOp(at, i64))]
    if big == n:
        return build_generic(lower.builder, [x], [ident, ident, ident], inits, parallel, body)
    return build_generic(lower.builder, [], [ident, ident], inits, parallel, body)


def _step(b: Builder, values: SSAValue, indices: SSAValue, dim: int, j: SSAValue, k: SSAValue,
          descending: bool) -> list[SSAValue]:
    """One compare-exchange step: element i against i ^ j, ascending where i & k == 0."""
    shape = list(shape_of(values))
    rank = len(shape)
    ident = [AffineDimExpr(d) for d in range(rank)]
    inits = [b.insert(tensor.EmptyOp([], values.type)).results[0], b.insert(tensor.EmptyOp([], indices.type)).results[0]]

    def body(bb: Builder, args: Sequence[SSAValue]) -> list[SSAValue]:
        v, at = args[0], args[1]
        i = index_of(bb, dim)
        partner = op1(bb, arith.XOrIOp(i, j))
        where = [partner if d == dim else index_of(bb, d) for d in range(rank)]
        pv = bb.insert(tensor.ExtractOp(values, where, values.type.element_type)).results[0]
        pat = bb.insert(tensor.ExtractOp(indices, where, i64)).results[0]
        zero = const_index(bb, 0)
        low = op1(bb, arith.CmpiOp(op1(bb, arith.AndIOp(i, j)), zero, "eq"))
        ascending = op1(bb, arith.CmpiOp(op1(bb, arith.AndIOp(i, k)), zero, "eq"))
        want_first = op1(bb, arith.CmpiOp(low, ascending, "eq"))
        keep = op1(bb, arith.CmpiOp(_before(bb, descending, v, at, pv, pat), want_first, "eq"))
        return [op1(bb, arith.SelectOp(keep, v, pv)), op1(bb, arith.SelectOp(keep, at, pat))]
    return build_generic(b, [values, indices], [ident, ident, ident, ident], inits,
                         [IteratorTypeAttr.parallel()] * rank, body)


def _loop(b: Builder, lb: SSAValue, ub: SSAValue, step: SSAValue, carried: Sequence[SSAValue],
          body: Callable[[Builder, SSAValue, Sequence[SSAValue]], Sequence[SSAValue]]) -> list[SSAValue]:
    block = Block(arg_types=[IndexType(), *(v.type for v in carried)])
    inner = Builder(InsertPoint.at_end(block))
    inner.insert(scf.YieldOp(*body(inner, block.args[0], block.args[1:])))
    return list(b.insert(scf.ForOp(lb, ub, step, list(carried), Region(block))).results)


def sort_along(lower: Lower, x: SSAValue, dim: int, descending: bool) -> tuple[SSAValue, SSAValue]:
    """(values, int64 indices) of x stably sorted along dim (rank >= 1), NaN as the largest."""
    sortable(x)
    shape = list(shape_of(x))
    n = shape[dim]
    if n <= 1 or 0 in shape:
        return x, filled(lower, BuiltinTensorType(i64, shape), 0)
    big = 1 << (n - 1).bit_length()
    values, indices = _start(lower, x, dim, big, descending)
    b = lower.builder
    zero, one = const_index(b, 0), const_index(b, 1)

    def level(bo: Builder, t: SSAValue, carried: Sequence[SSAValue]) -> list[SSAValue]:
        k = op1(bo, arith.ShLIOp(const_index(bo, 2), t))  # blocks of k = 2 << t

        def step(bi: Builder, u: SSAValue, pair: Sequence[SSAValue]) -> list[SSAValue]:
            j = op1(bi, arith.ShLIOp(one, op1(bi, arith.SubiOp(t, u))))  # pairs at j = 2^(t-u)
            return _step(bi, pair[0], pair[1], dim, j, k, descending)
        return _loop(bo, zero, op1(bo, arith.AddiOp(t, one)), one, carried, step)
    values, indices = _loop(b, zero, const_index(b, big.bit_length() - 1), one, [values, indices], level)
    return slice_dim(lower, values, dim, 0, n), slice_dim(lower, indices, dim, 0, n)


# -- the ops -----------------------------------------------------------------------------------

def _zero_d(lower: Lower, x: SSAValue, k: int = 1, what: str = "sort") -> list[SSAValue]:
    """A 0-d tensor sorted (or its k-th / top-k element, k = 1): itself, at index 0."""
    sortable(x)
    if k != 1:
        raise NotLowerable(f"{what} of a 0-d tensor needs k = 1")
    return [x, filled(lower, BuiltinTensorType(i64, []), 0)]


def lower_sort(op, lower: Lower):
    x = lower.tensor(0)
    rank = len(shape_of(x))
    dim = wrap_dim(lower.constant(1), rank)
    if rank == 0:
        pair = _zero_d(lower, x)
    else:
        pair = list(sort_along(lower, x, dim, bool(lower.constant(2))))
    return pair if op.name == "ts.sort" else [pair[1]]


def lower_topk(op, lower: Lower):
    """The first k of the sort, descending for the largest (ties by index, as the kernel)."""
    x = lower.tensor(0)
    if x.type.element_type == i1:
        raise NotLowerable("topk of bool (torch has no such kernel)")
    k, largest = lower.constant(1), bool(lower.constant(3))
    rank = len(shape_of(x))
    dim = wrap_dim(lower.constant(2), rank)
    if rank == 0:
        return _zero_d(lower, x, k, "topk")
    if not 0 <= k <= shape_of(x)[dim]:
        raise NotLowerable("k out of range")
    if k == 0:
        return [filled(lower, lower.result_type(0), 0), filled(lower, lower.result_type(1), 0)]
    values, indices = sort_along(lower, x, dim, largest)
    return [slice_dim(lower, values, dim, 0, k), slice_dim(lower, indices, dim, 0, k)]


def lower_kthvalue(op, lower: Lower):
    """Entry k-1 of the ascending sort, reshaped to the result (keepdim or not)."""
    x = lower.tensor(0)
    k = lower.constant(1)
    rank = len(shape_of(x))
    dim = wrap_dim(lower.constant(2), rank)
    if rank == 0:
        return _zero_d(lower, x, k, "kthvalue")
    if not 1 <= k <= shape_of(x)[dim]:
        raise NotLowerable("k out of range")
    values, indices = sort_along(lower, x, dim, False)
    out = tuple(lower.result_type(0).get_shape())
    return [reshaped(lower, slice_dim(lower, v, dim, k - 1, 1), out) for v in (values, indices)]
