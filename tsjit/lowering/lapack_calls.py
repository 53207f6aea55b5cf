"""LAPACK factorizations as one run-time call each: linalg_qr, linalg_svd, linalg_eigh,
linalg_eigvalsh, linalg_lstsq (pinv, pinverse and torch.svd decompose into them:
tsjit/ops/orthogonal_factorizations.py), and the LU family: linalg_lu_factor(_ex), linalg_lu,
linalg_inv_ex (getrf) and linalg_lu_solve (getrs; tsjit/ops/linalg_status.py).

These are pivoting or iterative algorithms whose steps depend on the data, which loops written
here would only imitate slowly; PyTorch's CPU kernels call LAPACK, and so does this: the batch of
matrices is reshaped to (B, m, n) and handed to a `ts.runtime_call` of the C run-time function
(tsjit/backends/c/runtime/lapack.py: geqrf + orgqr, gesdd, syevd, gelsy, getrf, getrs over scipy-openblas32),
which fills each result whole and an int64 status per matrix. A non-zero status is reported as
PyTorch reports it (tsjit/lowering/run_time_errors.py), for the first failing matrix of the batch.
Empty operands make PyTorch's results without a call (zeros, and the identity for a complete Q or
a full U or Vh of a matrix with no columns or rows); float32 and float64 only.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from xdsl.builder import Builder
from xdsl.dialects import arith, tensor
from xdsl.dialects.builtin import FloatAttr, IndexType, TensorType, f32, f64, i32, i64
from xdsl.ir import Operation, SSAValue
from xdsl.ir.affine import AffineDimExpr, AffineExpr

from tsjit.dialects.ts.runtime_call import RuntimeCallOp
from tsjit.lowering.contractions import filled as filled_like
from tsjit.lowering.generic_builder import convert, empty, filled
from tsjit.lowering.linalg import PARALLEL, REDUCTION, D, broadcast_batch, check_float
from tsjit.lowering.run_time_errors import fail_if
from tsjit.lowering.shape import reshape_value
from tsjit.lowering.sorting import build_generic, index_of, op1
from tsjit.lowering.table import Lower, NotLowerable

_NOT_FINITE = "The algorithm failed to converge because the input matrix contained non-finite values."
_NO_CONVERGENCE = ("The algorithm failed to converge because the input matrix is ill-conditioned or has too many "
                   "repeated {what} (error code: {code}).")


class _Empty(Exception):
    """The operands hold no element: the results are made without a call."""


def _matrices(lower: Lower, i: int = 0, square: bool = False) -> tuple[SSAValue, list[int], int, int]:
    """Operand i as (the tensor, its batch dims, m, n): a batch of float matrices (_Empty when empty)."""
    a = lower.tensor(i)
    shape = list(a.type.get_shape())
    if len(shape) < 2:
        raise NotLowerable("needs a batch of matrices")
    check_float(a.type.element_type)
    if square and shape[-1] != shape[-2]:
        raise NotLowerable("needs square matrices")
    if 0 in shape:
        raise _Empty()
    return a, shape[:-2], shape[-2], shape[-1]


def _empty_results(lower: Lower, identities: Sequence[int] = ()) -> list[SSAValue]:
    """PyTorch's results for empty matrices: zeros (no elements, or a least-squares solution of no
    equations), and the identity for the square factors named by `identities` (complete Q, full U, Vh)."""
    out = []
    for j in range(len(lower.op.results)):
        t = lower.result_type(j)
        shape = list(t.get_shape())
        if j in identities and 0 not in shape:
            rank = len(shape)

            def body(bb: Builder, _, elt=t.element_type, rank=rank) -> list[SSAValue]:
                same = op1(bb, arith.CmpiOp(index_of(bb, rank - 2), index_of(bb, rank - 1), "eq"))
                one, zero = (op1(bb, arith.ConstantOp(FloatAttr(v, elt))) for v in (1.0, 0.0))
                return [op1(bb, arith.SelectOp(same, one, zero))]
            out.append(build_generic(lower.builder, [], [[AffineDimExpr(d) for d in range(rank)]],
                                     [empty(lower.builder, t)], [PARALLEL] * rank, body)[0])
        else:
            out.append(filled_like(lower, t, 0.0))
    return out


def _call(lower: Lower, kind: str, elt, inputs: Sequence[SSAValue], sizes: Sequence[int],
          shapes: Sequence[Sequence[int]]) -> list[SSAValue]:
    """`ts.runtime_call @tsjit_<s|d><kind>`: results of element type `elt` of `shapes`, then the (B,) status."""
    name = f"tsjit_{'s' if elt == f32 else 'd'}{kind}"
    types = [TensorType(elt, list(s)) for s in shapes] + [TensorType(i64, [sizes[0]])]
    return list(lower.insert(RuntimeCallOp(name, inputs, sizes, types)).results)


def _shaped(lower: Lower, value: SSAValue, j: int) -> SSAValue:
    return reshape_value(lower, value, tuple(lower.result_type(j).get_shape()))


def _first_failure(lower: Lower, info: SSAValue) -> tuple[SSAValue, SSAValue, SSAValue]:
    """(i64 index of the first matrix whose status is not 0, that status, i1 whether there is one)."""
    b = lower.builder
    nb = info.type.get_shape()[0]

    def first_bad(bb: Builder, args: Sequence[SSAValue]) -> list[SSAValue]:
        at = op1(bb, arith.IndexCastOp(index_of(bb, 0), i64))
        zero = op1(bb, arith.ConstantOp.from_int_and_width(0, i64))
        mine = op1(bb, arith.SelectOp(op1(bb, arith.CmpiOp(args[0], zero, "ne")), at, args[1]))
        return [op1(bb, arith.MinSIOp(mine, args[1]))]
    first = build_generic(b, [info], [[D[0]], []], [filled(b, TensorType(i64, []), nb)], [REDUCTION], first_bad)[0]
    first = b.insert(tensor.ExtractOp(first, [], i64)).results[0]
    last = op1(b, arith.ConstantOp.from_int_and_width(nb - 1, i64))
    where = op1(b, arith.IndexCastOp(op1(b, arith.MinSIOp(first, last)), IndexType()))
    code = b.insert(tensor.ExtractOp(info, [where], i64)).results[0]
    found = op1(b, arith.CmpiOp(first, op1(b, arith.ConstantOp.from_int_and_width(nb, i64)), "slt"))
    return first, code, found


def _report(lower: Lower, info: SSAValue, batched: bool, api: str, what: str | None) -> None:
    """PyTorch's error for the first matrix whose status is not 0 (< 0: non-finite input or a LAPACK
    failure; > 0: no convergence, `what` naming the repeated values, None: cannot happen)."""
    b = lower.builder
    first, code, found = _first_failure(lower, info)
    zero = op1(b, arith.ConstantOp.from_int_and_width(0, i64))
    prefix = f"{api}: " + ("(Batch element {0}): " if batched else "")
    values = [first, code] if batched else [code]
    code_text = "{1}" if batched else "{0}"
    negative = _NOT_FINITE if what == "singular values" else f"LAPACK reported error {code_text}."
    fail_if(b, lower.op, op1(b, arith.AndIOp(found, op1(b, arith.CmpiOp(code, zero, "slt")))), prefix + negative,
            values=values)
    positive = _NO_CONVERGENCE.format(what=what, code=code_text) if what else f"LAPACK reported error {code_text}."
    fail_if(b, lower.op, op1(b, arith.AndIOp(found, op1(b, arith.CmpiOp(code, zero, "sgt")))), prefix + positive,
            values=values)


_QR_MODES = {"reduced": 0, "complete": 1, "r": 2}


def lower_qr(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    """geqrf + orgqr; mode 'r' leaves Q empty, as PyTorch."""
    mode = lower.constant(1)
    if mode not in _QR_MODES:
        raise NotLowerable(f"qr mode {mode!r}")
    try:
        a, batch, m, n = _matrices(lower)
    except _Empty:
        return _empty_results(lower, (0,) if mode == "complete" else ())
    k, nb, elt = min(m, n), math.prod(batch), a.type.element_type
    rows = m if mode == "complete" else k
    q_shape = [1] if mode == "r" else [nb, m, rows]
    q, r, info = _call(lower, "qr", elt, [reshape_value(lower, a, (nb, m, n))], [nb, m, n, _QR_MODES[mode]],
                       [q_shape, [nb, rows, n]])
    _report(lower, info, bool(batch), "linalg.qr", None)
    q = filled_like(lower, lower.result_type(0), 0.0) if mode == "r" else _shaped(lower, q, 0)
    return [q, _shaped(lower, r, 1)]


def lower_svd(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    """gesdd: U, S (descending), Vh; full_matrices: U m x m and Vh n x n."""
    full = bool(lower.constant(1))
    if lower.constant(2) is not None:
        raise NotLowerable("svd's driver= is for CUDA")
    try:
        a, batch, m, n = _matrices(lower)
    except _Empty:
        return _empty_results(lower, (0, 2) if full else ())
    k, nb, elt = min(m, n), math.prod(batch), a.type.element_type
    uc, vr = (m, n) if full else (k, k)
    u, s, vh, info = _call(lower, "svd", elt, [reshape_value(lower, a, (nb, m, n))], [nb, m, n, int(full)],
                           [[nb, m, uc], [nb, k], [nb, vr, n]])
    _report(lower, info, bool(batch), "linalg.svd", "singular values")
    return [_shaped(lower, u, 0), _shaped(lower, s, 1), _shaped(lower, vh, 2)]


def _eigh(lower: Lower, vectors: bool, api: str) -> tuple[SSAValue, SSAValue]:
    uplo = lower.constant(1)
    if uplo not in ("L", "U"):
        raise NotLowerable(f"UPLO {uplo!r}")
    a, batch, n, _ = _matrices(lower, square=True)
    nb, elt = math.prod(batch), a.type.element_type
    w, v, info = _call(lower, "eigh", elt, [reshape_value(lower, a, (nb, n, n))],
                       [nb, n, int(uplo == "U"), int(vectors)], [[nb, n], [nb, n, n]])
    _report(lower, info, bool(batch), api, "eigenvalues")
    return w, v


def lower_eigh(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    """syevd: eigenvalues ascending, eigenvectors as columns, from the UPLO triangle."""
    try:
        w, v = _eigh(lower, True, "linalg.eigh")
    except _Empty:
        return _empty_results(lower)
    return [_shaped(lower, w, 0), _shaped(lower, v, 1)]


def lower_eigvalsh(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    try:
        w, _ = _eigh(lower, False, "linalg.eigvalsh")
    except _Empty:
        return _empty_results(lower)
    return [_shaped(lower, w, 0)]


def _broadcast(b: Builder, x: SSAValue, batch: Sequence[int], tail: int = 2) -> SSAValue:
    """x (..., `tail` dims) with its batch dims broadcast to `batch` (a copy, or x when they are already)."""
    shape = list(x.type.get_shape())
    if shape[:-tail] == list(batch):
        return x
    rank = len(batch) + tail
    lead = rank - len(shape)
    exprs: list[AffineExpr] = [AffineExpr.constant(0) if s == 1 and batch[lead + d] != 1 else AffineDimExpr(lead + d)
                               for d, s in enumerate(shape[:-tail])]
    exprs += [AffineDimExpr(d) for d in range(rank - tail, rank)]
    out = TensorType(x.type.element_type, [*batch, *shape[-tail:]])
    return build_generic(b, [x], [exprs, [AffineDimExpr(d) for d in range(rank)]], [empty(b, out)],
                         [PARALLEL] * rank, lambda bb, args: [args[0]])[0]


def lower_lstsq(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    """gelsy (PyTorch's CPU default driver): the minimum-norm solution and each matrix's rank;
    residuals and singular values empty, as gelsy leaves them."""
    rcond, driver = lower.constant(2), lower.constant(3)
    if driver not in (None, "gelsy"):
        raise NotLowerable(f"lstsq driver {driver!r} (gelsy only)")
    rhs = lower.tensor(1)
    if rhs.type.element_type != lower.tensor(0).type.element_type:
        raise NotLowerable("A and B of different dtypes")
    try:
        a, batch_a, m, n = _matrices(lower)
    except _Empty:  # no equations or no unknowns: a zero solution of rank 0
        return _empty_results(lower)
    elt = a.type.element_type
    shape_b = list(rhs.type.get_shape())
    vector = len(shape_b) == len(batch_a) + 1
    if vector:
        shape_b = [*shape_b, 1]
        rhs = reshape_value(lower, rhs, tuple(shape_b))
    if len(shape_b) < 2 or shape_b[-2] != m or 0 in shape_b:
        raise NotLowerable("B must be a non-empty batch of m-row matrices")
    nrhs = shape_b[-1]
    batch = broadcast_batch([*batch_a, m, n], shape_b)
    nb = math.prod(batch)
    b = lower.builder
    flat_a = reshape_value(lower, _broadcast(b, a, batch), (nb, m, n))
    flat_b = reshape_value(lower, _broadcast(b, rhs, batch), (nb, m, nrhs))
    cut = float(np.finfo(np.float32 if elt == f32 else np.float64).eps) * max(m, n) if rcond is None else float(rcond)
    cut_value = op1(b, arith.ConstantOp(FloatAttr(cut, f64)))
    name = f"tsjit_{'s' if elt == f32 else 'd'}lstsq"
    x, rank, info = lower.insert(RuntimeCallOp(name, [flat_a, flat_b, cut_value], [nb, m, n, nrhs], [
        TensorType(elt, [nb, n, nrhs]), TensorType(i64, [nb]), TensorType(i64, [nb])])).results
    _report(lower, info, bool(batch), "torch.linalg.lstsq", None)
    return [_shaped(lower, x, 0), filled_like(lower, lower.result_type(1), 0.0), _shaped(lower, rank, 2),
            filled_like(lower, lower.result_type(3), 0.0)]


# -- the LU family: getrf ------------------------------------------------------------------------
def _prefix(elt) -> str:
    return "s" if elt == f32 else "d"


def _getrf(lower: Lower) -> tuple[SSAValue, SSAValue, SSAValue, list[int]]:
    """(LU (B, m, n), int32 pivots (B, k), i64 statuses (B,), batch) of getrf; PyTorch has no LU
    without pivoting on the CPU."""
    if not lower.constant(1):
        raise NotLowerable("LU without pivoting")
    a, batch, m, n = _matrices(lower)
    nb, elt = math.prod(batch), a.type.element_type
    call = RuntimeCallOp(f"tsjit_{_prefix(elt)}lu", [reshape_value(lower, a, (nb, m, n))], [nb, m, n],
                         [TensorType(elt, [nb, m, n]), TensorType(i32, [nb, min(m, n)]), TensorType(i64, [nb])])
    lu, pivots, info = lower.insert(call).results
    return lu, pivots, info, batch


def _int32(lower: Lower, v: SSAValue) -> SSAValue:
    t = TensorType(i32, v.type.get_shape())
    return build_generic(lower.builder, [v], [[D[0]], [D[0]]], [empty(lower.builder, t)], [PARALLEL],
                         lambda bb, args: [convert(bb, args[0], i32)])[0]


def lower_lu_factor_ex(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    """getrf: LU, the 1-based pivots and getrf's info (int32), no error (check_errors=True: numpy)."""
    if lower.constant(2):
        raise NotLowerable("check_errors=True")
    try:
        lu, pivots, info, _ = _getrf(lower)
    except _Empty:
        return _empty_results(lower)
    return [_shaped(lower, lu, 0), _shaped(lower, pivots, 1), _shaped(lower, _int32(lower, info), 2)]


def lower_lu_factor(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    """getrf, and PyTorch's error for the first matrix with a zero pivot."""
    try:
        lu, pivots, info, batch = _getrf(lower)
    except _Empty:
        return _empty_results(lower)
    first, code, found = _first_failure(lower, info)
    at = "(Batch element {0}): " if batch else ""
    i = "{1}" if batch else "{0}"
    fail_if(lower.builder, lower.op, found,
            f"torch.linalg.lu_factor: {at}U[{i},{i}] is zero and using it on lu_solve would result in a division by "
            "zero. If you still want to perform the factorization, consider calling linalg.lu(A, pivot) or "
            "linalg.lu_factor_ex(A, pivot)", values=[first, code] if batch else [code])
    return [_shaped(lower, lu, 0), _shaped(lower, pivots, 1)]


def lower_lu(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    """getrf unpacked into A = P L U (a zero pivot is no error)."""
    if not lower.constant(1):
        raise NotLowerable("LU without pivoting")
    try:
        a, batch, m, n = _matrices(lower)
    except _Empty:
        return _empty_results(lower, (0,))
    k, nb, elt = min(m, n), math.prod(batch), a.type.element_type
    p, low, up, _ = _call(lower, "plu", elt, [reshape_value(lower, a, (nb, m, n))], [nb, m, n],
                          [[nb, m, m], [nb, m, k], [nb, k, n]])
    return [_shaped(lower, p, 0), _shaped(lower, low, 1), _shaped(lower, up, 2)]


def lower_inv_ex(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    """getrf, then the identity solved through the factors (inf / NaN where singular), and the info."""
    if lower.constant(1):
        raise NotLowerable("check_errors=True")
    try:
        a, batch, n, _ = _matrices(lower, square=True)
    except _Empty:
        return _empty_results(lower)
    nb, elt = math.prod(batch), a.type.element_type
    x, info = _call(lower, "inv", elt, [reshape_value(lower, a, (nb, n, n))], [nb, n], [[nb, n, n]])
    return [_shaped(lower, x, 0), _shaped(lower, _int32(lower, info), 1)]


def _transposed(b: Builder, x: SSAValue) -> SSAValue:
    """(B, r, c) -> (B, c, r)."""
    nb, r, c = x.type.get_shape()
    out = empty(b, TensorType(x.type.element_type, [nb, c, r]))
    return build_generic(b, [x], [[D[0], D[2], D[1]], [D[0], D[1], D[2]]], [out], [PARALLEL] * 3,
                         lambda bb, args: [args[0]])[0]


def lower_lu_solve(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    """getrs with the factors of lu_factor: A X = B (trans 'T' when adjoint); X A = B is A^T X^T = B^T."""
    lu, pivots, rhs = lower.tensor(0), lower.tensor(1), lower.tensor(2)
    left, adjoint = bool(lower.constant(3)), bool(lower.constant(4))
    shape_a, shape_p, shape_b = (list(v.type.get_shape()) for v in (lu, pivots, rhs))
    elt = lu.type.element_type
    check_float(elt)
    if rhs.type.element_type != elt or pivots.type.element_type != i32 or len(shape_a) < 2 or len(shape_b) < 2:
        raise NotLowerable("LU and B of one float dtype, int32 pivots")
    n = shape_a[-1]
    if shape_a[-2] != n or shape_p != [*shape_a[:-2], n] or (shape_b[-2] if left else shape_b[-1]) != n:
        raise NotLowerable("shapes that do not match")
    batch = broadcast_batch(shape_a, shape_b)
    if 0 in batch or 0 in shape_b or n == 0:
        return _empty_results(lower)
    nb, k = math.prod(batch), shape_b[-1] if left else shape_b[-2]
    b = lower.builder
    flat_b = reshape_value(lower, _broadcast(b, rhs, batch), (nb, *shape_b[-2:]))
    if not left:
        flat_b = _transposed(b, flat_b)
    call = RuntimeCallOp(f"tsjit_{_prefix(elt)}lu_solve", [
        reshape_value(lower, _broadcast(b, lu, batch), (nb, n, n)),
        reshape_value(lower, _broadcast(b, pivots, batch, 1), (nb, n)), flat_b],
        [nb, n, k, int(adjoint == left)], [TensorType(elt, [nb, n, k]), TensorType(i64, [nb])])
    x, info = lower.insert(call).results
    _report(lower, info, False, "linalg.lu_solve", None)
    return [_shaped(lower, x if left else _transposed(b, x), 0)]
