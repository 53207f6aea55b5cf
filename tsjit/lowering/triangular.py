"""Cholesky factorization and triangular solves in loops: linalg_cholesky, linalg_solve_triangular
(cholesky_solve and cholesky_inverse decompose into triangular solves).

As in linalg.py, the batch of matrices becomes one f64 tensor (B, n, w) carried by an `scf.for`,
with reads at the step's row or column as `tensor.extract`s in all-parallel generics:

- Cholesky (outer-product form, reading A's lower triangle; upper=True reads the upper one, as
  PyTorch does, by factoring A^T and returning L^T): step k takes the pivot d = m[k, k],
  writes sqrt(d) on the diagonal, m[i, k] / sqrt(d) below it, and subtracts
  m[i, k] m[j, k] / d from the trailing lower triangle (i >= j > k). The first step whose pivot is
  not positive (or NaN) is the order of the leading minor that is not positive-definite; PyTorch
  reports it for the first such matrix of the batch, so the lowering finds that matrix and its
  order and reports PyTorch's message with both values (tsjit/lowering/run_time_errors.py).
- Triangular solves (column-oriented substitution): step s solves row r (forward for a lower
  triangle, r = s; backward for an upper one, r = n - 1 - s): x_r = m[r] / A[r, r] (1 if
  unitriangular), and the rows still to solve subtract A[i, r] x_r. X A = B (left=False) is
  A^T X^T = B^T, the other triangle. A zero on the diagonal gives inf/NaN, as LAPACK's trsm.

Float32 is computed in f64 too, and rounded once at the end.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

from xdsl.builder import Builder
from xdsl.dialects import arith, tensor
from xdsl.dialects import math as mathd
from xdsl.dialects.builtin import IndexType, TensorType, f64, i64
from xdsl.ir import Operation, SSAValue

from tsjit.lowering.contractions import filled as filled_like
from tsjit.lowering.elementwise import Kit
from tsjit.lowering.generic_builder import convert, empty, filled
from tsjit.lowering.linalg import (
    PARALLEL,
    REDUCTION,
    D,
    broadcast_batch,
    check_float,
    element,
    joined,
    loop,
    square_operand,
    widened,
)
from tsjit.lowering.run_time_errors import fail_if
from tsjit.lowering.shape import reshape_value
from tsjit.lowering.sorting import build_generic, const_index, index_of, op1
from tsjit.lowering.table import Lower, NotLowerable
from tsjit.ops.matrix_factorizations import not_positive_definite


def _cmp(b: Builder, x: SSAValue, y: SSAValue, pred: str) -> SSAValue:
    return op1(b, arith.CmpiOp(x, y, pred))


def _cholesky_step(b: Builder, m: SSAValue, k: SSAValue) -> SSAValue:
    """m after eliminating column k (its lower triangle; the upper one is left as it was)."""
    def body(bb: Builder, _) -> list[SSAValue]:
        kit = Kit(bb, f64)
        bi, i, j = index_of(bb, 0), index_of(bb, 1), index_of(bb, 2)
        piv, x = element(bb, m, bi, k, k), element(bb, m, bi, i, j)
        root = kit.math(mathd.SqrtOp, piv)
        ci = element(bb, m, bi, i, k)
        cj = element(bb, m, bi, j, k)
        below = _cmp(bb, i, k, "sgt")
        trailing = op1(bb, arith.AndIOp(op1(bb, arith.AndIOp(below, _cmp(bb, j, k, "sgt"))), _cmp(bb, i, j, "sge")))
        updated = kit.select(trailing, kit.sub(x, kit.div(kit.mul(ci, cj), piv)), x)
        on_k = _cmp(bb, j, k, "eq")
        column = kit.select(_cmp(bb, i, k, "eq"), root, kit.select(below, kit.div(ci, root), x))
        return [kit.select(on_k, column, updated)]
    return build_generic(b, [], [D], [empty(b, m.type)], [PARALLEL] * 3, body)[0]


def _failed_at(b: Builder, m: SSAValue, k: SSAValue, failed: SSAValue) -> SSAValue:
    """(B,) i64: the order k + 1 where step k's pivot is not positive and no earlier one failed."""
    def body(bb: Builder, args: Sequence[SSAValue]) -> list[SSAValue]:
        kit = Kit(bb, f64)
        piv = element(bb, m, index_of(bb, 0), k, k)
        bad = op1(bb, arith.AndIOp(kit.cmp_raw("ule", piv, kit.c(0.0)),
                                   op1(bb, arith.CmpiOp(args[0], op1(bb, arith.ConstantOp.from_int_and_width(0, i64)),
                                                        "eq"))))
        order = op1(bb, arith.IndexCastOp(op1(bb, arith.AddiOp(k, const_index(bb, 1))), i64))
        return [op1(bb, arith.SelectOp(bad, order, args[0]))]
    return build_generic(b, [failed], [[D[0]], [D[0]]], [empty(b, failed.type)], [PARALLEL], body)[0]


def _report_first_failure(lower: Lower, failed: SSAValue, batched: bool) -> None:
    """PyTorch's error for the first matrix of the batch with a failed pivot (`failed`: (B,) orders, 0: none)."""
    b = lower.builder
    nb = failed.type.get_shape()[0]

    def body(bb: Builder, args: Sequence[SSAValue]) -> list[SSAValue]:
        at = op1(bb, arith.IndexCastOp(index_of(bb, 0), i64))
        zero = op1(bb, arith.ConstantOp.from_int_and_width(0, i64))
        mine = op1(bb, arith.SelectOp(_cmp(bb, args[0], zero, "sgt"), at, args[1]))
        return [op1(bb, arith.MinSIOp(mine, args[1]))]
    first = build_generic(b, [failed], [[D[0]], []], [filled(b, TensorType(i64, []), nb)], [REDUCTION], body)[0]
    first = b.insert(tensor.ExtractOp(first, [], i64)).results[0]
    count = op1(b, arith.ConstantOp.from_int_and_width(nb, i64))
    last = op1(b, arith.ConstantOp.from_int_and_width(nb - 1, i64))
    where = op1(b, arith.IndexCastOp(op1(b, arith.MinSIOp(first, last)), IndexType()))
    order = b.insert(tensor.ExtractOp(failed, [where], i64)).results[0]
    message = not_positive_definite("cholesky", "(Batch element {0}): " if batched else "",
                                    "{1}" if batched else "{0}")
    fail_if(b, lower.op, _cmp(b, first, count, "slt"), message, values=[first, order] if batched else [order])


def lower_cholesky(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    """L of A = L L^T from A's lower triangle (upper: L^T), PyTorch's error if A is not positive-definite."""
    a, batch, n = square_operand(lower)
    upper = bool(lower.constant(1))
    out = lower.result_type()
    if n == 0 or 0 in batch:
        return [filled_like(lower, out, 0.0)]
    b = lower.builder
    m = joined(lower, [widened(b, a, batch, upper)], batch)  # upper: A^T's lower triangle is A's upper one
    nb = math.prod(batch)
    failed = filled(b, TensorType(i64, [nb]), 0)
    m, failed = loop(b, n, [m, failed], lambda bb, k, c: [_cholesky_step(bb, c[0], k), _failed_at(bb, c[0], k, c[1])])
    _report_first_failure(lower, failed, len(batch) > 0)

    def body(bb: Builder, _) -> list[SSAValue]:
        kit = Kit(bb, f64)
        bi, i, j = index_of(bb, 0), index_of(bb, 1), index_of(bb, 2)
        row, col = (j, i) if upper else (i, j)
        keep = _cmp(bb, row, col, "sge")
        x = kit.select(keep, element(bb, m, bi, row, col), kit.c(0.0))
        return [convert(bb, x, out.element_type)]
    x = build_generic(b, [], [D], [lower.empty(TensorType(out.element_type, [nb, n, n]))], [PARALLEL] * 3, body)[0]
    return [reshape_value(lower, x, tuple(out.get_shape()))]


def _substitute(b: Builder, t: SSAValue, m: SSAValue, s: SSAValue, upper: bool, unit: bool) -> SSAValue:
    """m after solving row r of T X = M (r = s forward, n - 1 - s backward) and removing it from the rows after."""
    n = t.type.get_shape()[1]

    def body(bb: Builder, _) -> list[SSAValue]:
        kit = Kit(bb, f64)
        bi, i, c = index_of(bb, 0), index_of(bb, 1), index_of(bb, 2)
        r = op1(bb, arith.SubiOp(const_index(bb, n - 1), s)) if upper else s
        xr = element(bb, m, bi, r, c)
        if not unit:
            xr = kit.div(xr, element(bb, t, bi, r, r))
        x = element(bb, m, bi, i, c)
        later = _cmp(bb, i, r, "slt" if upper else "sgt")
        reduced = kit.select(later, kit.sub(x, kit.mul(element(bb, t, bi, i, r), xr)), x)
        return [kit.select(_cmp(bb, i, r, "eq"), xr, reduced)]
    return build_generic(b, [], [D], [empty(b, m.type)], [PARALLEL] * 3, body)[0]


def lower_solve_triangular(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    """X with A X = B (or X A = B), reading A's upper or lower triangle (a unit diagonal if asked)."""
    a, rhs = lower.tensor(0), lower.tensor(1)
    upper, left, unit = (bool(lower.constant(k)) for k in (2, 3, 4))
    sa, sb = list(a.type.get_shape()), list(rhs.type.get_shape())
    check_float(a.type.element_type)
    if rhs.type.element_type != a.type.element_type or lower.result_type().element_type != a.type.element_type:
        raise NotLowerable("A and B of different dtypes (PyTorch's result dtype is not the promoted one)")
    if len(sa) < 2 or sa[-1] != sa[-2]:
        raise NotLowerable("needs a batch of square matrices")
    n = sa[-1]
    if len(sb) < 2 or sb[-2 if left else -1] != n:
        raise NotLowerable("A and B have incompatible shapes")
    batch = broadcast_batch(sa, sb)
    out = lower.result_type()
    if 0 in batch or 0 in sb[-2:] or n == 0:
        return [filled_like(lower, out, 0.0)]
    b = lower.builder
    t = joined(lower, [widened(b, a, batch, not left)], batch)
    m = joined(lower, [widened(b, rhs, batch, not left)], batch)
    lower_triangle = upper != left  # X A = B solves with A^T, whose triangle is the other one
    (m,) = loop(b, n, [m], lambda bb, s, c: [_substitute(bb, t, c[0], s, not lower_triangle, unit)])
    nb, rows, cols = m.type.get_shape()
    shape, out_map = ([nb, cols, rows], [D[0], D[2], D[1]]) if not left else ([nb, rows, cols], D)
    x = build_generic(b, [m], [D, out_map], [lower.empty(TensorType(out.element_type, shape))], [PARALLEL] * 3,
                      lambda bb, v: [convert(bb, v[0], out.element_type)])[0]
    return [reshape_value(lower, x, tuple(out.get_shape()))]
