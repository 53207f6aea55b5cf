"""Lowerings of matrix products: mm/matmul/bmm/dot/linear/addmm → linalg.matmul or a reduction generic.

2-D products become `linalg.fill` 0 + `linalg.matmul` (the named op later passes recognise);
other ranks (batched, broadcast, vector operands) become one `linalg.generic` with a reduction
loop, since xDSL 0.74 has no `linalg.batch_matmul`. Biases are added by a broadcasting generic
after the product, so fusion can take it into the product's epilogue.

The small builders at the top (scalar constants, fills, generics, broadcast bias) are shared by
the convolution and pooling lowerings.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from xdsl.builder import Builder
from xdsl.dialects import arith
from xdsl.dialects.builtin import AffineMapAttr, AnyFloat, DenseArrayBase, FloatAttr, IntegerType, i64
from xdsl.dialects.builtin import TensorType as BuiltinTensorType
from xdsl.dialects.linalg.attrs import IteratorTypeAttr
from xdsl.dialects.linalg.ops import FillOp, GenericOp, MatmulOp, TransposeOp, YieldOp
from xdsl.ir import Attribute, Block, Region, SSAValue
from xdsl.ir.affine import AffineConstantExpr, AffineDimExpr, AffineExpr, AffineMap
from xdsl.rewriter import InsertPoint

from tsjit.lowering.generic_builder import constant
from tsjit.lowering.table import Lower, NotLowerable

# ---------------------------------------------------------------------------------------------
# shared builders

PARALLEL, REDUCTION = IteratorTypeAttr.parallel(), IteratorTypeAttr.reduction()

#: arithmetic by element kind: (float op, integer op)
_ARITH = {"add": (arith.AddfOp, arith.AddiOp), "mul": (arith.MulfOp, arith.MuliOp),
          "sub": (arith.SubfOp, arith.SubiOp), "div": (arith.DivfOp, arith.DivSIOp)}


def is_float(t: Attribute) -> bool:
    return isinstance(t, AnyFloat)


def binary(b: Builder, kind: str, lhs: SSAValue, rhs: SSAValue) -> SSAValue:
    """lhs <kind> rhs on scalars, float or integer arith by the operand type."""
    float_op, int_op = _ARITH[kind]
    return b.insert((float_op if is_float(lhs.type) else int_op)(lhs, rhs)).results[0]


def scalar(b: Builder, value: float, t: Attribute) -> SSAValue:
    """An `arith.constant` of element type t."""
    if is_float(t):
        attr = FloatAttr(float(value), t)
    elif isinstance(t, IntegerType):
        return constant(b, value, t)  # wrapped into t (a uint8 constant is an i8 one bitcast)
    else:
        raise NotLowerable(f"no scalar constants of type {t}")
    return b.insert(arith.ConstantOp(attr)).results[0]


def filled(lower: Lower, t: BuiltinTensorType, value: float) -> SSAValue:
    """A tensor of type t holding `value` everywhere: `linalg.fill` on a `tensor.empty`."""
    v = scalar(lower.builder, value, t.element_type)
    return lower.insert(FillOp([v], [lower.empty(t)])).results[0]


def dims(n: int) -> list[AffineExpr]:
    return [AffineDimExpr(i) for i in range(n)]


def generic(lower: Lower, inputs: Sequence[SSAValue], maps: Sequence[Sequence[AffineExpr]],
            init: SSAValue, iterators: Sequence[IteratorTypeAttr],
            body: Callable[[Builder, Sequence[SSAValue]], SSAValue]) -> SSAValue:
    """A one-result `linalg.generic`; maps give the inputs' then the init's indexing expressions.

    `body(builder, args)` builds the scalar computation from the block arguments (one per input,
    then the init's element) and returns the value to yield.
    """
    block = Block(arg_types=[v.type.element_type for v in (*inputs, init)])
    b = Builder(InsertPoint.at_end(block))
    b.insert(YieldOp(body(b, block.args)))
    n = len(iterators)
    attrs = [AffineMapAttr(AffineMap(n, 0, tuple(m))) for m in maps]
    op = GenericOp(list(inputs), [init], Region(block), attrs, list(iterators), [init.type])
    return lower.insert(op).results[0]


def broadcast_map(src: Sequence[int], dst: Sequence[int]) -> list[AffineExpr]:
    """How an operand of shape src, broadcast NumPy-style to dst, is indexed by dst's loops."""
    lead = len(dst) - len(src)
    return [AffineConstantExpr(0) if s == 1 and dst[lead + i] != 1 else AffineDimExpr(lead + i)
            for i, s in enumerate(src)]


def add_bias(lower: Lower, x: SSAValue, bias: SSAValue, dim: int) -> SSAValue:
    """x + bias, the 1-D bias laid along dimension `dim` of x (a broadcasting generic)."""
    rank = len(x.type.get_shape())
    (size,) = bias.type.get_shape()
    bias_map = [AffineConstantExpr(0) if size == 1 and x.type.get_shape()[dim] != 1 else AffineDimExpr(dim)]
    return generic(lower, [x, bias], [dims(rank), bias_map, dims(rank)], lower.empty(x.type), [PARALLEL] * rank,
                   lambda b, a: binary(b, "add", a[0], a[1]))


def optional_tensor(lower: Lower, i: int) -> SSAValue | None:
    """Operand i as a builtin tensor, or None where it is the constant None."""
    try:
        if lower.constant(i) is None:
            return None
    except NotLowerable:
        pass
    return lower.tensor(i)


def shape_of(v: SSAValue) -> tuple[int, ...]:
    return tuple(v.type.get_shape())


def reshaped(lower: Lower, v: SSAValue, shape: Sequence[int]) -> SSAValue:
    """v with its dims regrouped into `shape` (see shape.py: collapse/expand where possible)."""
    from tsjit.lowering.shape import reshape_value
    return reshape_value(lower, v, tuple(shape))


def transposed(lower: Lower, v: SSAValue, perm: Sequence[int]) -> SSAValue:
    shape = shape_of(v)
    t = BuiltinTensorType(v.type.element_type, [shape[p] for p in perm])
    op = TransposeOp(v, lower.empty(t), DenseArrayBase.from_list(i64, list(perm)), t)
    return lower.insert(op).results[0]


# ---------------------------------------------------------------------------------------------
# products


def matmul_2d(lower: Lower, a: SSAValue, b: SSAValue) -> SSAValue:
    """(n, k) @ (k, m): fill 0 + linalg.matmul."""
    (n, _), (_, m) = shape_of(a), shape_of(b)
    out = BuiltinTensorType(a.type.element_type, [n, m])
    return lower.insert(MatmulOp([a, b], [filled(lower, out, 0)])).results[0]


def matmul_nd(lower: Lower, a: SSAValue, b: SSAValue, out: BuiltinTensorType) -> SSAValue:
    """torch.matmul for any ranks >= 1 (vector operands, broadcast batch dims): one generic.

    Loops: the result's dims, then the contracted k.
    """
    sa, sb, so = shape_of(a), shape_of(b), tuple(out.get_shape())
    ro = len(so)
    k = AffineDimExpr(ro)
    n = AffineDimExpr(len(so) - (2 if len(sb) >= 2 else 1)) if len(sa) >= 2 else None
    m = AffineDimExpr(ro - 1) if len(sb) >= 2 else None
    batch = so[:ro - (len(sa) >= 2) - (len(sb) >= 2)]

    def operand_map(shape, inner):
        if len(shape) == 1:
            return [k]
        return broadcast_map(shape[:-2], batch) + inner

    amap = operand_map(sa, [n, k])
    bmap = operand_map(sb, [k, m])
    init = filled(lower, out, 0)
    return generic(lower, [a, b], [amap, bmap, dims(ro)], init, [PARALLEL] * ro + [REDUCTION],
                   lambda bl, x: binary(bl, "add", x[2], binary(bl, "mul", x[0], x[1])))


def _product(lower: Lower, a: SSAValue, b: SSAValue, out: BuiltinTensorType) -> SSAValue:
    if a.type.element_type != b.type.element_type or a.type.element_type != out.element_type:
        raise NotLowerable("operands of different dtypes")
    if len(shape_of(a)) == 2 and len(shape_of(b)) == 2:
        return matmul_2d(lower, a, b)
    if not shape_of(a) or not shape_of(b):
        raise NotLowerable("0-d operand")
    return matmul_nd(lower, a, b, out)


def lower_matmul(op, lower: Lower):
    return [_product(lower, lower.tensor(0), lower.tensor(1), lower.result_type())]


def lower_linear(op, lower: Lower):
    """x @ W^T + b: W transposed by linalg.transpose, x's leading dims collapsed into one."""
    x, w, bias = lower.tensor(0), lower.tensor(1), optional_tensor(lower, 2)
    out = lower.result_type()
    sx, sw = shape_of(x), shape_of(w)
    if len(sw) != 2 or not sx:
        raise NotLowerable("linear needs a 2-D weight and an input of rank >= 1")
    rows = 1
    for d in sx[:-1]:
        rows *= d
    y = matmul_2d(lower, reshaped(lower, x, (rows, sx[-1])), transposed(lower, w, (1, 0)))
    if bias is not None:
        y = add_bias(lower, y, bias, 1)
    return [reshaped(lower, y, tuple(out.get_shape()))]


def lower_addmm(op, lower: Lower):
    """beta * self + alpha * (mat1 @ mat2), self broadcast to the product's shape."""
    c, a, b = lower.tensor(0), lower.tensor(1), lower.tensor(2)
    beta, alpha = lower.constant(3), lower.constant(4)
    if len(shape_of(a)) != 2 or len(shape_of(b)) != 2:
        raise NotLowerable("addmm needs 2-D matrices")
    p = matmul_2d(lower, a, b)
    out = p.type
    elt = out.element_type
    if c.type.element_type != elt:
        raise NotLowerable("self of another dtype")

    def body(bl: Builder, x: Sequence[SSAValue]) -> SSAValue:
        lhs = x[0] if beta == 1 else binary(bl, "mul", scalar(bl, beta, elt), x[0])
        rhs = x[1] if alpha == 1 else binary(bl, "mul", scalar(bl, alpha, elt), x[1])
        return rhs if beta == 0 else binary(bl, "add", lhs, rhs)

    cmap = broadcast_map(shape_of(c), tuple(out.get_shape()))
    return [generic(lower, [c, p], [cmap, dims(2), dims(2)], lower.empty(out), [PARALLEL] * 2, body)]


__all__ = ["PARALLEL", "REDUCTION", "add_bias", "binary", "broadcast_map", "dims", "filled", "generic",
           "is_float", "matmul_2d", "matmul_nd", "optional_tensor", "reshaped", "scalar", "shape_of",
           "transposed"]
