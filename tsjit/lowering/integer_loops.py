"""gcd / lcm: Euclid's algorithm as an `scf.for` of a fixed trip count around one all-parallel step.

PyTorch's kernel (ATen's calc_gcd) runs, per element, `a = |x|, b = |y|; while a != 0: a, b =
b % a, a` and returns b, with `|.|` wrapping in the element type (so int8's gcd(-128, 6) is -2)
and C's truncating remainder. The number of rounds depends on the data but is bounded: Euclid
takes the most rounds on consecutive Fibonacci numbers, so a w-bit value needs fewer than
w * log(2) / log(phi) + 3 of them. The loop runs that many rounds over the whole tensor (a few
per generic, so the state stays in registers); an element whose `a` is 0 keeps its state, so
the extra rounds change nothing. lcm is then `g == 0 ? 0 : |a / g * b|`, computed in int32
for narrower types (C's promotion, as in PyTorch) and wrapping at 32 and 64 bits; the one
quotient that overflows (MIN / -1, where PyTorch's kernel traps) wraps too.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from xdsl.builder import Builder
from xdsl.dialects import arith, scf, tensor
from xdsl.dialects.builtin import IndexType, IntegerType, i1, i32
from xdsl.dialects.builtin import TensorType as BuiltinTensorType
from xdsl.dialects.linalg.attrs import IteratorTypeAttr
from xdsl.ir import Block, Region, SSAValue
from xdsl.ir.affine import AffineDimExpr
from xdsl.rewriter import InsertPoint

from tsjit.lowering.contractions import filled, scalar, shape_of
from tsjit.lowering.elementwise import check_dtype
from tsjit.lowering.generic_builder import broadcast_map, convert
from tsjit.lowering.sorting import build_generic, const_index, op1
from tsjit.lowering.table import Lower, NotLowerable

#: Euclid rounds per generic (unrolled in its body)
_UNROLL = 4


def counted_loop(b: Builder, lb: SSAValue, ub: SSAValue, carried: Sequence[SSAValue],
                 body: Callable[[Builder, SSAValue, Sequence[SSAValue]], Sequence[SSAValue]]) -> list[SSAValue]:
    """`scf.for %i = lb to ub step 1` carrying `carried`; body(builder, %i, carried) -> next values."""
    block = Block(arg_types=[IndexType(), *(v.type for v in carried)])
    inner = Builder(InsertPoint.at_end(block))
    inner.insert(scf.YieldOp(*body(inner, block.args[0], block.args[1:])))
    return list(b.insert(scf.ForOp(lb, ub, const_index(b, 1), list(carried), Region(block))).results)


def rounds(width: int) -> int:
    """An upper bound on Euclid's rounds for |values| < 2^width (Lamé's theorem, with margin)."""
    return math.ceil(width * math.log(2) / math.log((1 + math.sqrt(5)) / 2)) + 3


def _abs(b: Builder, v: SSAValue) -> SSAValue:
    """|v| wrapping in v's type (|MIN| is MIN), as C's abs stored back into the element type."""
    zero = scalar(b, 0, v.type)
    negative = op1(b, arith.CmpiOp(v, zero, "slt"))
    return op1(b, arith.SelectOp(negative, op1(b, arith.SubiOp(zero, v)), v))


def _round(b: Builder, a: SSAValue, g: SSAValue) -> tuple[SSAValue, SSAValue]:
    """One Euclid round: (g % a, a) where a != 0, else (a, g) unchanged."""
    t = a.type
    live = op1(b, arith.CmpiOp(a, scalar(b, 0, t), "ne"))
    rem = op1(b, arith.RemSIOp(g, op1(b, arith.SelectOp(live, a, scalar(b, 1, t)))))
    return op1(b, arith.SelectOp(live, rem, a)), op1(b, arith.SelectOp(live, a, g))


def gcd_of(lower: Lower, x: SSAValue, y: SSAValue, out: BuiltinTensorType) -> SSAValue:
    """PyTorch's gcd of x and y (broadcast to `out`, converted to its integer element type)."""
    t = out.element_type
    shape = tuple(out.get_shape())
    rank = len(shape)
    ident = [AffineDimExpr(d) for d in range(rank)]
    parallel = [IteratorTypeAttr.parallel()] * rank
    maps = [list(broadcast_map(shape_of(v), shape).data.results) for v in (x, y)]

    def start(b: Builder, args: Sequence[SSAValue]) -> list[SSAValue]:
        return [_abs(b, convert(b, args[0], t)), _abs(b, convert(b, args[1], t))]
    state = build_generic(lower.builder, [x, y], [*maps, ident, ident], [lower.empty(out), lower.empty(out)],
                          parallel, start)

    def step(b: Builder, _, carried: Sequence[SSAValue]) -> list[SSAValue]:
        def body(bb: Builder, args: Sequence[SSAValue]) -> list[SSAValue]:
            a, g = args[0], args[1]
            for _ in range(_UNROLL):
                a, g = _round(bb, a, g)
            return [a, g]
        inits = [_empty(b, out), _empty(b, out)]
        return build_generic(b, list(carried), [ident] * 4, inits, parallel, body)
    b = lower.builder
    trips = -(-rounds(t.width.data) // _UNROLL)
    state = counted_loop(b, const_index(b, 0), const_index(b, trips), state, step)
    return state[1]


def _empty(b: Builder, t: BuiltinTensorType) -> SSAValue:
    return b.insert(tensor.EmptyOp([], t)).results[0]


def _operands(lower: Lower) -> tuple[SSAValue, SSAValue, BuiltinTensorType]:
    x, y, out = lower.tensor(0), lower.tensor(1), lower.result_type()
    for v in (x, y):
        check_dtype(v.type.element_type)
    t = out.element_type
    check_dtype(t)
    if not isinstance(t, IntegerType) or t == i1:
        raise NotLowerable(f"gcd / lcm need integer tensors, not {t}")
    return x, y, out


def lower_gcd(op, lower: Lower):
    x, y, out = _operands(lower)
    if 0 in out.get_shape():
        return [filled(lower, out, 0)]
    return [gcd_of(lower, x, y, out)]


def lower_lcm(op, lower: Lower):
    """|a / g * b| with g = gcd(a, b) (0 where g is 0)."""
    x, y, out = _operands(lower)
    if 0 in out.get_shape():
        return [filled(lower, out, 0)]
    g = gcd_of(lower, x, y, out)
    t = out.element_type
    shape = tuple(out.get_shape())
    rank = len(shape)
    wide = t if t.width.data >= 32 else i32
    maps = [list(broadcast_map(shape_of(v), shape).data.results) for v in (x, y)]
    ident = [AffineDimExpr(d) for d in range(rank)]

    def body(b: Builder, args: Sequence[SSAValue]) -> list[SSAValue]:
        a, c, gv = (convert(b, convert(b, v, t), wide) for v in args[:3])
        zero, one, minus = scalar(b, 0, wide), scalar(b, 1, wide), scalar(b, -1, wide)
        is_zero = op1(b, arith.CmpiOp(gv, zero, "eq"))
        is_minus = op1(b, arith.CmpiOp(gv, minus, "eq"))
        safe = op1(b, arith.SelectOp(op1(b, arith.OrIOp(is_zero, is_minus)), one, gv))
        q = op1(b, arith.SelectOp(is_minus, op1(b, arith.SubiOp(zero, a)), op1(b, arith.DivSIOp(a, safe))))
        m = _abs(b, op1(b, arith.MuliOp(q, c)))
        return [convert(b, op1(b, arith.SelectOp(is_zero, zero, m)), t)]
    return build_generic(lower.builder, [x, y, g], [*maps, ident, ident], [lower.empty(out)],
                         [IteratorTypeAttr.parallel()] * rank, body)
