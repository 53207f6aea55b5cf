"""Singular values (linalg_svdvals, and through it the nuclear and spectral norms) by one-sided
Jacobi: rotate pairs of columns of each matrix until all are orthogonal; the column norms are then
the singular values (sorted largest first).

Each matrix is taken with at least as many rows as columns (a wide one transposed) as f64
(B, r, k), divided by its largest |element| (multiplied back at the end) so that no squared norm
overflows or underflows. A sweep pairs every two columns once, in k - 1 rounds (or k, k odd) of disjoint pairs:
the circle method's round-robin, from a constant table of partners (a column without one sits the
round out). A round is three all-parallel-or-reducing generics on the whole batch: the columns'
squared norms and dot products with their partners, each pair's rotation (the Demmel-Veselic
formulas, skipped where the pair is orthogonal to rounding), and the rotated columns. Two nested
`scf.for`s run a fixed number of sweeps, more for larger matrices, which the convergence (quadratic
once the columns are nearly orthogonal) finishes with a margin, so the result does not depend on
the data's path and no data-dependent loop is needed. One-sided Jacobi is at least as accurate as
LAPACK's bidiagonalisation. A non-finite input gives NaN where PyTorch raises.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from xdsl.builder import Builder
from xdsl.dialects import arith, tensor
from xdsl.dialects.builtin import DenseIntOrFPElementsAttr, IndexType, TensorType, f64, i64
from xdsl.ir import Operation, SSAValue
from xdsl.ir.affine import AffineExpr

from tsjit.lowering.contractions import filled as filled_like
from tsjit.lowering.elementwise import Kit
from tsjit.lowering.generic_builder import convert, empty, filled
from tsjit.lowering.linalg import D, PARALLEL, REDUCTION, element, check_float, joined, loop, widened
from tsjit.lowering.shape import reshape_value
from tsjit.lowering.sorting import build_generic, index_of, op1, sort_along
from tsjit.lowering.table import Lower, NotLowerable

#: rotations are skipped where |a_p . a_q| <= this * |a_p| |a_q|
_ORTHOGONAL = 2.0 ** -52


def sweeps(k: int) -> int:
    """Sweeps for k columns: random 64 x 64 matrices converge to 1e-12 in 9, smaller ones sooner."""
    return 6 + max(1, k - 1).bit_length()


def partners(k: int) -> np.ndarray:
    """(rounds, k): column j's partner in each round of a sweep (j itself: no partner)."""
    n = k + (k & 1)
    rounds = n - 1
    table = np.zeros((rounds, k), np.int64)
    for r in range(rounds):
        for j in range(k):
            if j == n - 1:
                p = r * (n // 2) % rounds  # the fixed player meets the one with 2j = r (mod rounds)
            else:
                p = (r - j) % rounds
                p = n - 1 if p == j else p
            table[r, j] = p if p < k else j
    return table


def _sums(b: Builder, w: SSAValue, partner: SSAValue) -> list[SSAValue]:
    """(B, k): each column's squared norm and its dot product with its partner."""
    nb, _, k = w.type.get_shape()
    inits = [filled(b, TensorType(f64, [nb, k]), 0.0) for _ in range(2)]

    def body(bb: Builder, a: Sequence[SSAValue]) -> list[SSAValue]:
        kit = Kit(bb, f64)
        other = element(bb, w, index_of(bb, 0), index_of(bb, 1), op1(bb, arith.IndexCastOp(a[1], IndexType())))
        return [kit.add(a[2], kit.mul(a[0], a[0])), kit.add(a[3], kit.mul(a[0], other))]
    return build_generic(b, [w, partner], [D, [AffineExpr.constant(0), D[2]], [D[0], D[2]], [D[0], D[2]]],
                         inits, [PARALLEL, REDUCTION, PARALLEL], body)


def _rotations(b: Builder, sums: Sequence[SSAValue], partner: SSAValue) -> list[SSAValue]:
    """(B, k): (c_j, s_j) with column j's new value c_j a_j + s_j a_partner."""
    d2 = [D[0], D[1]]

    def body(bb: Builder, a: Sequence[SSAValue]) -> list[SSAValue]:
        kit = Kit(bb, f64)
        norm, dot, p = a[0], a[1], op1(bb, arith.IndexCastOp(a[2], IndexType()))
        j = index_of(bb, 1)
        other = element(bb, sums[0], index_of(bb, 0), p)
        low = op1(bb, arith.CmpiOp(j, p, "slt"))
        alpha, beta = kit.select(low, norm, other), kit.select(low, other, norm)
        zeta = kit.div(kit.sub(beta, alpha), kit.mul(kit.c(2.0), dot))
        sign = kit.select(kit.cmp_raw("oge", zeta, kit.c(0.0)), kit.c(1.0), kit.c(-1.0))
        t = kit.div(sign, kit.add(kit.absf(zeta), kit.sqrt(kit.add(kit.c(1.0), kit.mul(zeta, zeta)))))
        c = kit.div(kit.c(1.0), kit.sqrt(kit.add(kit.c(1.0), kit.mul(t, t))))
        s = kit.mul(c, t)
        rotate = kit.cmp_raw("ogt", kit.absf(dot), kit.mul(kit.c(_ORTHOGONAL), kit.sqrt(kit.mul(alpha, beta))))
        rotate = op1(bb, arith.AndIOp(rotate, op1(bb, arith.CmpiOp(j, p, "ne"))))
        return [kit.select(rotate, c, kit.c(1.0)), kit.select(rotate, kit.select(low, kit.neg(s), s), kit.c(0.0))]
    inits = [empty(b, sums[0].type) for _ in range(2)]
    return build_generic(b, [*sums, partner], [d2, d2, [AffineExpr.constant(0), D[1]], d2, d2], inits,
                         [PARALLEL] * 2, body)


def _rotated(b: Builder, w: SSAValue, cs: Sequence[SSAValue], partner: SSAValue) -> SSAValue:
    """Each column j of w as c_j a_j + s_j a_partner(j)."""
    def body(bb: Builder, a: Sequence[SSAValue]) -> list[SSAValue]:
        kit = Kit(bb, f64)
        other = element(bb, w, index_of(bb, 0), index_of(bb, 1), op1(bb, arith.IndexCastOp(a[3], IndexType())))
        return [kit.add(kit.mul(a[1], a[0]), kit.mul(a[2], other))]
    return build_generic(b, [w, *cs, partner], [D, [D[0], D[2]], [D[0], D[2]], [AffineExpr.constant(0), D[2]], D],
                         [empty(b, w.type)], [PARALLEL] * 3, body)[0]


def _norms(b: Builder, w: SSAValue) -> SSAValue:
    """(B, k): the columns' 2-norms."""
    nb, _, k = w.type.get_shape()

    def square(bb: Builder, a: Sequence[SSAValue]) -> list[SSAValue]:
        kit = Kit(bb, f64)
        return [kit.add(a[1], kit.mul(a[0], a[0]))]
    squares = build_generic(b, [w], [D, [D[0], D[2]]], [filled(b, TensorType(f64, [nb, k]), 0.0)],
                            [PARALLEL, REDUCTION, PARALLEL], square)[0]
    return build_generic(b, [squares], [[D[0], D[1]], [D[0], D[1]]], [empty(b, squares.type)], [PARALLEL] * 2,
                         lambda bb, a: [Kit(bb, f64).sqrt(a[0])])[0]


def _scaled(b: Builder, w: SSAValue) -> tuple[SSAValue, SSAValue]:
    """(w / s, s) with s the (B,) largest |element| of each matrix (1 for a zero matrix), so the
    squared norms neither overflow nor underflow."""
    nb = w.type.get_shape()[0]
    biggest = build_generic(b, [w], [D, [D[0]]], [filled(b, TensorType(f64, [nb]), 0.0)],
                            [PARALLEL, REDUCTION, REDUCTION],
                            lambda bb, a: [Kit(bb, f64).max(a[1], Kit(bb, f64).absf(a[0]))])[0]

    def nonzero(bb: Builder, a: Sequence[SSAValue]) -> list[SSAValue]:
        kit = Kit(bb, f64)
        return [kit.select(kit.cmp_raw("oeq", a[0], kit.c(0.0)), kit.c(1.0), a[0])]
    scale = build_generic(b, [biggest], [[D[0]], [D[0]]], [empty(b, biggest.type)], [PARALLEL], nonzero)[0]
    return build_generic(b, [w, scale], [D, [D[0]], D], [empty(b, w.type)], [PARALLEL] * 3,
                         lambda bb, a: [Kit(bb, f64).div(a[0], a[1])])[0], scale


def lower_svdvals(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    a = lower.tensor(0)
    shape = list(a.type.get_shape())
    if len(shape) < 2:
        raise NotLowerable("needs a batch of matrices")
    check_float(a.type.element_type)
    out = lower.result_type()
    batch, (rows, cols) = shape[:-2], shape[-2:]
    k = min(rows, cols)
    if k == 0 or 0 in batch:
        return [filled_like(lower, out, 0.0)]
    b = lower.builder
    w, scale = _scaled(b, joined(lower, [widened(b, a, batch, rows < cols)], batch))
    if k > 1:
        table = partners(k)
        t = TensorType(i64, list(table.shape))
        table_value = op1(b, arith.ConstantOp(DenseIntOrFPElementsAttr.from_list(t, table.ravel().tolist()), t))

        def round_(bb: Builder, r: SSAValue, carried: Sequence[SSAValue]) -> list[SSAValue]:
            row = op1(bb, tensor.ExtractSliceOp(table_value, [r, 0], [1, k], [1, 1], TensorType(i64, [1, k])))
            return [_rotated(bb, carried[0], _rotations(bb, _sums(bb, carried[0], row), row), row)]

        def sweep(bs: Builder, _, carried: Sequence[SSAValue]) -> list[SSAValue]:
            return loop(bs, len(table), carried, round_)
        (w,) = loop(b, sweeps(k), [w], sweep)
    values, _ = sort_along(lower, _norms(b, w), 1, True)
    nb = math.prod(batch)
    v = build_generic(b, [values, scale], [[D[0], D[1]], [D[0]], [D[0], D[1]]],
                      [lower.empty(TensorType(out.element_type, [nb, k]))], [PARALLEL] * 2,
                      lambda bb, x: [convert(bb, Kit(bb, f64).mul(x[0], x[1]), out.element_type)])[0]
    return [reshape_value(lower, v, tuple(out.get_shape()))]
