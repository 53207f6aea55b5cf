"""Gaussian elimination with partial pivoting for the square-matrix ops: det, slogdet, logdet,
inverse, linalg_solve.

The batch of matrices becomes one f64 tensor (B, n, w): the transposed matrices for the
determinants (PyTorch hands its row-major A to LAPACK, which reads it as A^T, so the pivots are its
pivots and a singular matrix's zero pivot is found alike), the augmented matrices [A | rhs] for
inverse (rhs = I) and solve. An `scf.for` over
the pivot column k carries it, and each step is
- a reduction over the rows: the pivot row p >= k with the largest |m[p, k]|, the first of equals
  (LAPACK's getrf pivots so, and its det and slogdet are products over the same pivots);
- one all-parallel generic writing the next matrix: rows k and p swapped, and the pivot row's
  multiple subtracted from each row below (the determinants) or from every other row (Gauss-Jordan,
  for inverse and solve: no back substitution is left); a zero pivot (a singular matrix) eliminates
  nothing, as getrf leaves it;
- for the determinants, a generic taking the pivot into the running product (or the running sign
  and log|det|), negated when rows were swapped.
Then inverse and solve divide each row of the right-hand part by its diagonal element. Reads at
the run-time pivot row are `tensor.extract`s in the bodies, as in sorting.py's network.

Float32 is eliminated in f64 too, so results are at least as accurate as LAPACK's. A singular
matrix gives det 0 and slogdet (0, -inf) as in PyTorch; inverse and solve count the zero pivots
and report PyTorch's error when there is one (tsjit/lowering/run_time_errors.py).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from xdsl.builder import Builder
from xdsl.dialects import arith, scf, tensor
from xdsl.dialects.builtin import DenseIntOrFPElementsAttr, IndexType, TensorType, f32, f64, i64
from xdsl.dialects.linalg.attrs import IteratorTypeAttr
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.ir.affine import AffineDimExpr, AffineExpr
from xdsl.rewriter import InsertPoint

from tsjit.lowering.contractions import filled as filled_like
from tsjit.lowering.elementwise import Kit
from tsjit.lowering.generic_builder import constant, convert, empty, filled
from tsjit.lowering.run_time_errors import fail_if
from tsjit.ops.linalg import SINGULAR_INVERSE, SINGULAR_SOLVE
from tsjit.lowering.shape import reshape_value
from tsjit.lowering.sorting import build_generic, const_index, index_of, op1
from tsjit.lowering.table import Lower, NotLowerable

PARALLEL, REDUCTION = IteratorTypeAttr.parallel(), IteratorTypeAttr.reduction()
D = [AffineDimExpr(d) for d in range(3)]


def loop(b: Builder, count: int, carried: Sequence[SSAValue],
         body: Callable[[Builder, SSAValue, Sequence[SSAValue]], Sequence[SSAValue]]) -> list[SSAValue]:
    """An scf.for over 0..count carrying `carried`; body(builder, k, carried values) -> their next values."""
    block = Block(arg_types=[IndexType(), *(v.type for v in carried)])
    inner = Builder(InsertPoint.at_end(block))
    inner.insert(scf.YieldOp(*body(inner, block.args[0], block.args[1:])))
    op = scf.ForOp(const_index(b, 0), const_index(b, count), const_index(b, 1), list(carried), Region(block))
    return list(b.insert(op).results)


def element(b: Builder, m: SSAValue, *where: SSAValue) -> SSAValue:
    """m[where] in a generic's body (`tensor.extract` at run-time indices)."""
    return b.insert(tensor.ExtractOp(m, list(where), m.type.element_type)).results[0]


def _pivot_rows(b: Builder, m: SSAValue, k: SSAValue) -> SSAValue:
    """(B,) i64: per matrix, the first row p >= k with the largest |m[p, k]| (0 when they are all NaN)."""
    nb, n = m.type.get_shape()[:2]
    inits = [filled(b, TensorType(f64, [nb]), -1.0), filled(b, TensorType(i64, [nb]), 0)]
    rows = TensorType(i64, [n])  # the row positions (an operand, so the loop bounds are known)
    iota = op1(b, arith.ConstantOp(DenseIntOrFPElementsAttr.from_list(rows, list(range(n))), rows))

    def body(bb: Builder, args: Sequence[SSAValue]) -> list[SSAValue]:
        kit = Kit(bb, f64)
        i = index_of(bb, 1)
        v = kit.absf(element(bb, m, index_of(bb, 0), i, k))
        take = op1(bb, arith.AndIOp(op1(bb, arith.CmpiOp(i, k, "sge")), kit.cmp_raw("ogt", v, args[1])))
        return [kit.select(take, v, args[1]), kit.select(take, args[0], args[2])]
    return build_generic(b, [iota], [[D[1]], [D[0]], [D[0]]], inits, [PARALLEL, REDUCTION], body)[1]


def _pivot(bb: Builder, p: SSAValue, k: SSAValue) -> SSAValue:
    """The pivot row as an index: p, or k where no row was taken (an all-NaN column)."""
    return op1(bb, arith.MaxSIOp(op1(bb, arith.IndexCastOp(p, IndexType())), k))


def _eliminate(b: Builder, m: SSAValue, p: SSAValue, k: SSAValue, jordan: bool) -> SSAValue:
    """m with rows k and p swapped, then column k eliminated below row k (or, jordan, outside it)."""
    def body(bb: Builder, args: Sequence[SSAValue]) -> list[SSAValue]:
        kit = Kit(bb, f64)
        at, (bi, i, c) = _pivot(bb, args[0], k), (index_of(bb, 0), index_of(bb, 1), index_of(bb, 2))
        row = kit.select(op1(bb, arith.CmpiOp(i, k, "eq")), at,
                         kit.select(op1(bb, arith.CmpiOp(i, at, "eq")), k, i))
        x, top = element(bb, m, bi, row, c), element(bb, m, bi, at, c)
        piv, lead = element(bb, m, bi, at, k), element(bb, m, bi, row, k)
        factor = kit.select(kit.cmp_raw("oeq", piv, kit.c(0.0)), kit.c(0.0), kit.div(lead, piv))
        reduced = kit.select(op1(bb, arith.CmpiOp(c, k, "eq")), kit.c(0.0), kit.sub(x, kit.mul(factor, top)))
        change = op1(bb, arith.CmpiOp(i, k, "ne" if jordan else "sgt"))
        return [kit.select(change, reduced, x)]
    return build_generic(b, [p], [[D[0]], D], [empty(b, m.type)], [PARALLEL] * 3, body)[0]


def _pivot_value(bb: Builder, m: SSAValue, p: SSAValue, k: SSAValue) -> tuple[SSAValue, SSAValue]:
    """(the pivot m[p, k] of the matrix at the generic's index 0, whether rows were swapped)."""
    at = _pivot(bb, p, k)
    return element(bb, m, index_of(bb, 0), at, k), op1(bb, arith.CmpiOp(at, k, "ne"))


def _factorise(b: Builder, m: SSAValue, states: Sequence[tuple[float, Callable]], jordan: bool
               ) -> tuple[SSAValue, list[SSAValue]]:
    """The eliminated matrix, and the (B,) f64 states: each starts at its value and takes each step's
    pivot by update(builder, pivot, swapped, old states) -> its new value."""
    nb, n = m.type.get_shape()[:2]
    inits = [filled(b, TensorType(f64, [nb]), v) for v, _ in states]

    def step(bb: Builder, k: SSAValue, carried: Sequence[SSAValue]) -> list[SSAValue]:
        mat, old = carried[0], carried[1:]
        p = _pivot_rows(bb, mat, k)
        new = []
        if states:
            def body(bi: Builder, args: Sequence[SSAValue]) -> list[SSAValue]:
                piv, swapped = _pivot_value(bi, mat, args[0], k)
                return [update(bi, piv, swapped, args[1:1 + len(old)]) for _, update in states]
            new = build_generic(bb, [p, *old], [[D[0]]] * (1 + 2 * len(old)),
                                [empty(bb, v.type) for v in old], [PARALLEL], body)
        return [_eliminate(bb, mat, p, k, jordan), *new]
    out = loop(b, n, [m, *inits], step)
    return out[0], out[1:]


# -- operands and results ------------------------------------------------------------------------

def check_float(t) -> None:
    """NotLowerable unless t is f32 or f64 (PyTorch's CPU linear algebra has no other real dtype)."""
    if t not in (f32, f64):
        raise NotLowerable(f"linear algebra of {t} (float32 and float64 only)")


def widened(b: Builder, x: SSAValue, batch: Sequence[int], transpose: bool) -> SSAValue:
    """x (..., r, c) as f64 (*batch, r, c) (or its transpose), its batch dims broadcast."""
    shape = list(x.type.get_shape())
    rank = len(batch) + 2
    lead = rank - len(shape)
    exprs: list[AffineExpr] = [AffineExpr.constant(0) if s == 1 and batch[lead + d] != 1 else AffineDimExpr(lead + d)
                               for d, s in enumerate(shape[:-2])]
    last = [AffineDimExpr(rank - 2), AffineDimExpr(rank - 1)]
    exprs += last[::-1] if transpose else last
    out = TensorType(f64, [*batch, *(shape[-2:][::-1] if transpose else shape[-2:])])
    return build_generic(b, [x], [exprs, [AffineDimExpr(d) for d in range(rank)]], [empty(b, out)],
                         [PARALLEL] * rank, lambda bb, a: [convert(bb, a[0], f64)])[0]


def joined(lower: Lower, parts: Sequence[SSAValue], batch: Sequence[int]) -> SSAValue:
    """The (B, n, w) f64 matrix of the parts (*batch, n, w_j) side by side."""
    nb = math.prod(batch)
    flat = [reshape_value(lower, v, (nb, *v.type.get_shape()[-2:])) for v in parts]
    if len(flat) == 1:
        return flat[0]
    n = flat[0].type.get_shape()[1]
    acc, offset = lower.empty(TensorType(f64, [nb, n, sum(v.type.get_shape()[2] for v in flat)])), 0
    for v in flat:
        sizes = list(v.type.get_shape())
        acc = lower.insert(tensor.InsertSliceOp.get(v, acc, sizes, [0, 0, offset], [1, 1, 1])).results[0]
        offset += sizes[2]
    return acc


def _identity(b: Builder, batch: Sequence[int], n: int) -> SSAValue:
    rank = len(batch) + 2

    def body(bb: Builder, _) -> list[SSAValue]:
        same = op1(bb, arith.CmpiOp(index_of(bb, rank - 2), index_of(bb, rank - 1), "eq"))
        return [Kit(bb, f64).select(same, constant(bb, 1.0, f64), constant(bb, 0.0, f64))]
    out = TensorType(f64, [*batch, n, n])
    return build_generic(b, [], [[AffineDimExpr(d) for d in range(rank)]], [empty(b, out)], [PARALLEL] * rank, body)[0]


def _solution(lower: Lower, m: SSAValue, transpose: bool, out: TensorType) -> SSAValue:
    """m[:, :, n:] / diag(m) as out's dtype, (B, n, k) (or (B, k, n), transposed), reshaped to out."""
    nb, n, w = m.type.get_shape()
    elt = out.element_type

    def body(bb: Builder, _) -> list[SSAValue]:
        kit = Kit(bb, f64)
        bi, i, c = index_of(bb, 0), index_of(bb, 1), index_of(bb, 2)
        x = kit.div(element(bb, m, bi, i, op1(bb, arith.AddiOp(c, const_index(bb, n)))), element(bb, m, bi, i, i))
        return [convert(bb, x, elt)]
    shape, out_map = ([nb, w - n, n], [D[0], D[2], D[1]]) if transpose else ([nb, n, w - n], D)
    x = build_generic(lower.builder, [], [out_map], [lower.empty(TensorType(elt, shape))], [PARALLEL] * 3, body)[0]
    return reshape_value(lower, x, tuple(out.get_shape()))


def square_operand(lower: Lower) -> tuple[SSAValue, list[int], int]:
    """The op's first operand, a batch of n x n float matrices (and every result float): (A, batch, n)."""
    a = lower.tensor(0)
    shape = list(a.type.get_shape())
    if len(shape) < 2 or shape[-1] != shape[-2]:
        raise NotLowerable("needs a batch of square matrices")
    check_float(a.type.element_type)
    for j in range(len(lower.op.results)):
        check_float(lower.result_type(j).element_type)
    return a, shape[:-2], shape[-1]


# -- the ops -------------------------------------------------------------------------------------

def _determinant(lower: Lower, states: Sequence[tuple[float, Callable]], empty_values: Sequence[float]
                 ) -> list[SSAValue]:
    """The states after eliminating each matrix of operand 0, shaped and typed as the results."""
    a, batch, n = square_operand(lower)
    results = [lower.result_type(j) for j in range(len(empty_values))]
    if n == 0 or 0 in batch:
        return [filled_like(lower, t, v) for t, v in zip(results, empty_values)]
    m = joined(lower, [widened(lower.builder, a, batch, True)], batch)
    _, finals = _factorise(lower.builder, m, states, jordan=False)
    return [_narrowed(lower, v, t) for v, t in zip(finals, results)]


def _narrowed(lower: Lower, v: SSAValue, out: TensorType) -> SSAValue:
    """A (B,) f64 state as the result: its dtype and the batch's shape."""
    t = TensorType(out.element_type, v.type.get_shape())
    v = build_generic(lower.builder, [v], [[D[0]], [D[0]]], [lower.empty(t)], [PARALLEL],
                      lambda bb, x: [convert(bb, x[0], out.element_type)])[0]
    return reshape_value(lower, v, tuple(out.get_shape()))


def _times_pivot(bb: Builder, piv: SSAValue, swapped: SSAValue, old: Sequence[SSAValue]) -> SSAValue:
    kit = Kit(bb, f64)
    v = kit.mul(old[0], piv)
    return kit.select(swapped, kit.neg(v), v)


def _sign_step(bb: Builder, piv: SSAValue, swapped: SSAValue, old: Sequence[SSAValue]) -> SSAValue:
    """sign * sign(pivot), negated for a swap; sign(NaN) is 0, as torch.sign's."""
    kit = Kit(bb, f64)
    sign = kit.select(kit.cmp_raw("ogt", piv, kit.c(0.0)), kit.c(1.0),
                      kit.select(kit.cmp_raw("olt", piv, kit.c(0.0)), kit.c(-1.0), kit.c(0.0)))
    v = kit.mul(old[0], sign)
    return kit.select(swapped, kit.neg(v), v)


def _log_step(bb: Builder, piv: SSAValue, swapped: SSAValue, old: Sequence[SSAValue]) -> SSAValue:
    kit = Kit(bb, f64)
    return kit.add(old[1], kit.log(kit.absf(piv)))


def lower_det(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    """The product of the pivots, negated per row swap."""
    return _determinant(lower, [(1.0, _times_pivot)], [1.0])


def lower_slogdet(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    """(the product of the pivots' signs, negated per row swap; the sum of log |pivot|)."""
    return _determinant(lower, [(1.0, _sign_step), (0.0, _log_step)], [1.0, 0.0])


def lower_logdet(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    """slogdet's log|det|, NaN where the sign is negative (PyTorch's logdet)."""
    a, batch, n = square_operand(lower)
    out = lower.result_type()
    if n == 0 or 0 in batch:
        return [filled_like(lower, out, 0.0)]
    m = joined(lower, [widened(lower.builder, a, batch, True)], batch)
    _, (sign, logabs) = _factorise(lower.builder, m, [(1.0, _sign_step), (0.0, _log_step)], jordan=False)

    def body(bb: Builder, x: Sequence[SSAValue]) -> list[SSAValue]:
        kit = Kit(bb, f64)
        v = kit.select(kit.cmp_raw("olt", x[0], kit.c(0.0)), kit.c(math.nan), x[1])
        return [convert(bb, v, out.element_type)]
    nb = math.prod(batch)
    v = build_generic(lower.builder, [sign, logabs], [[D[0]]] * 3, [lower.empty(TensorType(out.element_type, [nb]))],
                      [PARALLEL], body)[0]
    return [reshape_value(lower, v, tuple(out.get_shape()))]


def _zero_pivots(bb: Builder, piv: SSAValue, swapped: SSAValue, old: Sequence[SSAValue]) -> SSAValue:
    kit = Kit(bb, f64)
    return kit.add(old[0], kit.select(kit.cmp_raw("oeq", piv, kit.c(0.0)), kit.c(1.0), kit.c(0.0)))


def _fail_if_singular(lower: Lower, op: Operation, zeros: SSAValue, message: str) -> None:
    """PyTorch's error when a matrix of the batch had a zero pivot (`zeros`: (B,) counts)."""
    b = lower.builder
    total = build_generic(b, [zeros], [[D[0]], []], [filled(b, TensorType(f64, []), 0.0)], [REDUCTION],
                          lambda bb, args: [Kit(bb, f64).add(args[0], args[1])])[0]
    count = b.insert(tensor.ExtractOp(total, [], f64)).results[0]
    fail_if(b, op, Kit(b, f64).cmp_raw("ogt", count, Kit(b, f64).c(0.0)), message)


def lower_inverse(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    """Gauss-Jordan on [A | I]."""
    a, batch, n = square_operand(lower)
    out = lower.result_type()
    if n == 0 or 0 in batch:
        return [filled_like(lower, out, 0.0)]
    b = lower.builder
    m = joined(lower, [widened(b, a, batch, False), _identity(b, batch, n)], batch)
    m, (zeros,) = _factorise(b, m, [(0.0, _zero_pivots)], jordan=True)
    _fail_if_singular(lower, op, zeros, SINGULAR_INVERSE)
    return [_solution(lower, m, False, out)]


def broadcast_batch(sa: list[int], sb: list[int]) -> list[int]:
    """The batch dims two stacks of matrices broadcast to: a dim of 1 takes the other's (0 included)."""
    pa, pb = [1] * (len(sb) - len(sa)) + sa[:-2], [1] * (len(sa) - len(sb)) + sb[:-2]
    return [y if x == 1 else x for x, y in zip(pa, pb)]


def lower_solve(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    """Gauss-Jordan on [A | B] (a vector B is one column); X A = B (left=False) is A^T X^T = B^T."""
    a, rhs = lower.tensor(0), lower.tensor(1)
    left = bool(lower.constant(2))
    sa, sb = list(a.type.get_shape()), list(rhs.type.get_shape())
    check_float(a.type.element_type)
    if rhs.type.element_type != a.type.element_type:
        raise NotLowerable("A and B of different dtypes is an error")
    if len(sa) < 2 or sa[-1] != sa[-2]:
        raise NotLowerable("needs a batch of square matrices")
    n = sa[-1]
    vector = len(sb) == 1 or len(sb) == len(sa) - 1 and sb == sa[:-1]
    if vector:
        if not left:
            raise NotLowerable("a vector B with left=False is an error")
        sb = sb + [1]
        rhs = reshape_value(lower, rhs, tuple(sb))
    if len(sb) < 2 or sb[-1 if not left else -2] != n:
        raise NotLowerable("A and B have incompatible shapes")
    batch = broadcast_batch(sa, sb)
    out = lower.result_type()
    if 0 in batch or 0 in sb[-2:] or n == 0:
        return [filled_like(lower, out, 0.0)]
    b = lower.builder
    m = joined(lower, [widened(b, a, batch, not left), widened(b, rhs, batch, not left)], batch)
    m, (zeros,) = _factorise(b, m, [(0.0, _zero_pivots)], jordan=True)
    _fail_if_singular(lower, op, zeros, SINGULAR_SOLVE)
    return [_solution(lower, m, not left, out)]
