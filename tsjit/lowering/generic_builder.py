"""Building `linalg.generic` ops and the scalar code in their bodies, shared by the lowering families.

    out = generic(b, [x, y], [identity_map(2), broadcast_map((3,), (2, 3))], init, identity_map(2),
                  ["parallel"] * 2, lambda b, args: [arith.AddfOp(args[0], args[1])...])

`elementwise` is the common case (all-parallel, PyTorch broadcasting, fresh `tensor.empty`);
`convert` and `constant` make the casts and constants of bodies (PyTorch's bool conversion is
`!= 0`, and bools widen as 0/1, so those are not plain MLIR casts).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from xdsl.builder import Builder
from xdsl.dialects import arith, tensor
from xdsl.dialects.linalg.attrs import IteratorType, IteratorTypeAttr
from xdsl.dialects.linalg.ops import FillOp, GenericOp, YieldOp
from xdsl.dialects.builtin import (
    AffineMapAttr,
    FloatAttr,
    IntegerAttr,
    IntegerType,
    Signedness,
    TensorType,
    i1,
    i32,
)
from xdsl.ir import Attribute, Block, Region, SSAValue
from xdsl.ir.affine import AffineExpr, AffineMap
from xdsl.rewriter import InsertPoint

from tsjit.dialects.ts.types import is_float_dtype

#: body(builder inside the block, block arguments: inputs then outputs) -> values to yield.
Body = Callable[[Builder, Sequence[SSAValue]], Sequence[SSAValue]]


def identity_map(rank: int) -> AffineMapAttr:
    return AffineMapAttr(AffineMap.identity(rank))


def broadcast_map(shape: Sequence[int], out_shape: Sequence[int]) -> AffineMapAttr:
    """PyTorch broadcasting of `shape` to `out_shape`: right-aligned, stretched size-1 dims read index 0."""
    lead = len(out_shape) - len(shape)
    exprs = [AffineExpr.constant(0) if s == 1 and out_shape[lead + i] != 1 else AffineExpr.dimension(lead + i)
             for i, s in enumerate(shape)]
    return AffineMapAttr(AffineMap(len(out_shape), 0, tuple(exprs)))


def projection_map(rank: int, dims: Sequence[int | None]) -> AffineMapAttr:
    """(d0..d{rank-1}) -> (d{dims[0]}, ...), None giving the constant 0 (a kept size-1 dim)."""
    exprs = [AffineExpr.constant(0) if d is None else AffineExpr.dimension(d) for d in dims]
    return AffineMapAttr(AffineMap(rank, 0, tuple(exprs)))


def generic(b: Builder, inputs: Sequence[SSAValue], input_maps: Sequence[AffineMapAttr], init: SSAValue,
            init_map: AffineMapAttr, iterators: Sequence[str], body: Body) -> SSAValue:
    """One linalg.generic with one output (`init`, also its initial value for reductions)."""
    arg_types = [_element(v.type) for v in inputs] + [_element(init.type)]
    block = Block(arg_types=arg_types)
    yielded = body(Builder(InsertPoint.at_end(block)), block.args)
    block.add_op(YieldOp(*yielded))
    for unused in [o for o in block.ops if isinstance(o, arith.ConstantOp) and not o.result.uses]:
        block.erase_op(unused)  # scalar operands a body did not need (x ** 3 multiplies)
    op = GenericOp(
        list(inputs), [init], Region(block), [*input_maps, init_map],
        [IteratorTypeAttr(IteratorType(it)) for it in iterators], [init.type])
    return b.insert(op).results[0]


def empty(b: Builder, t: TensorType) -> SSAValue:
    return b.insert(tensor.EmptyOp([], t)).results[0]


def filled(b: Builder, t: TensorType, value: float | int | bool) -> SSAValue:
    """A tensor of type t holding `value` everywhere (the init of a reduction)."""
    c = constant(b, value, t.element_type)
    return b.insert(FillOp([c], [empty(b, t)], [t])).results[0]


def elementwise(b: Builder, inputs: Sequence[SSAValue], out_type: TensorType,
                body: Callable[[Builder, Sequence[SSAValue]], SSAValue]) -> SSAValue:
    """out[i] = body(inputs broadcast to out_type at i): an all-parallel generic into a tensor.empty."""
    shape = out_type.get_shape()
    maps = [broadcast_map(_shape(v.type), shape) for v in inputs]
    return generic(b, inputs, maps, empty(b, out_type), identity_map(len(shape)), ["parallel"] * len(shape),
                   lambda bb, args: [body(bb, args[:len(inputs)])])


def constant(b: Builder, value: float | int | bool, t: Attribute) -> SSAValue:
    """`arith.constant value : t` (a Python value converted as PyTorch casts scalars)."""
    if is_float_dtype(t):
        attr = FloatAttr(float(value), t)
    elif t == i1:
        attr = IntegerAttr(1 if value else 0, i1)
    elif isinstance(t, IntegerType):
        width = t.width.data  # wrapped as PyTorch casts a Python int: uint8 -1 is 255, int8 300 is 44
        value = int(value) % (1 << width)
        value = value if value < 1 << (width - 1) else value - (1 << width)
        if is_unsigned(t):  # arith.constant is signless: the same bits, bitcast
            bits = b.insert(arith.ConstantOp(IntegerAttr(value, IntegerType(width)), IntegerType(width))).result
            return b.insert(arith.BitcastOp(bits, t)).result
        attr = IntegerAttr(value, t)
    else:
        raise ValueError(f"no scalar constant of type {t}")
    return b.insert(arith.ConstantOp(attr, t)).result


def int_range(t: IntegerType) -> tuple[int, int]:
    """The smallest and largest value of an integer element type (uint8: 0 and 255)."""
    bits = t.width.data
    return (0, (1 << bits) - 1) if is_unsigned(t) else (-(1 << (bits - 1)), (1 << (bits - 1)) - 1)


def is_unsigned(t: Attribute) -> bool:
    """uint8 (ui8): its values compare, divide and widen as unsigned (the *ui ops, u predicates)."""
    return isinstance(t, IntegerType) and t.signedness.data == Signedness.UNSIGNED


def convert(b: Builder, v: SSAValue, t: Attribute) -> SSAValue:
    """v as element type t, as PyTorch converts: to bool is `!= 0`, from bool is 0/1, float -> int
    truncates, uint8 widens unsigned, integers narrow by wrapping. A float becomes an 8- or 16-bit
    integer through int32 (PyTorch's x86 conversion: -1.5 -> uint8 255, 300.0 -> int8 44, and
    out of int32's range or NaN the low bits of INT32_MIN, 0)."""
    src = v.type
    if src == t:
        return v
    if t == i1:
        if is_float_dtype(src):
            return b.insert(arith.CmpfOp(v, constant(b, 0.0, src), "une")).result
        return b.insert(arith.CmpiOp(v, constant(b, 0, src), "ne")).result
    if is_float_dtype(t):
        if is_float_dtype(src):
            wider = t.bitwidth > src.bitwidth
            return b.insert(arith.ExtFOp(v, t) if wider else arith.TruncFOp(v, t)).result
        return b.insert(arith.UIToFPOp(v, t) if src == i1 or is_unsigned(src) else arith.SIToFPOp(v, t)).result
    if is_float_dtype(src):
        if t.width.data < 32:
            return convert(b, b.insert(arith.FPToSIOp(v, i32)).result, t)
        return b.insert(arith.FPToSIOp(v, t)).result
    if t.width.data > src.width.data:
        return b.insert(arith.ExtUIOp(v, t) if src == i1 or is_unsigned(src) else arith.ExtSIOp(v, t)).result
    if t.width.data == src.width.data:  # int8 <-> uint8: the same bits
        return b.insert(arith.BitcastOp(v, t)).result
    return b.insert(arith.TruncIOp(v, t)).result


def _element(t: Attribute) -> Attribute:
    return t.element_type if isinstance(t, TensorType) else t


def _shape(t: Attribute) -> tuple[int, ...]:
    return tuple(t.get_shape()) if isinstance(t, TensorType) else ()
