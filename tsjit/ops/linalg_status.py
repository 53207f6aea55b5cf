"""torch.linalg's LU family and the `_ex` forms that report failure in an `info` tensor instead of
raising: linalg_lu_factor(_ex), linalg_lu_solve, linalg_lu, linalg_inv_ex, linalg_cholesky_ex
(eigvals and cond are in linalg_cond.py).

The LU kernels are LAPACK's getrf in numpy: partial pivoting by the first largest magnitude, 1-based
int32 pivots, info the 1-based index of the first zero pivot (0 when there is none); elimination goes
on past a zero pivot, as getrf's does. Their row exchanges depend on the data, so compiled, they call
LAPACK's getrf as PyTorch does (tsjit/lowering/lapack_calls.py; scipy-openblas32 in C): lu_factor(_ex),
lu and inv_ex (getrf, then getrs of the identity), and lu_solve calls getrs. cholesky_ex is potrf:
info is the order of the first leading minor that is not positive-definite, whose diagonal entry
keeps the failed pivot (later columns keep A's lower triangle); it decomposes for real float32 /
float64 into the column algorithm unrolled over the static size, each matrix of the batch masked
once it fails, so it compiles to C. A batch of matrices is in the trailing two dims.
"""
from __future__ import annotations

import numpy as np

from tsjit.dtypes import is_inexact
from tsjit.kernels.promotion import as_array, torch_name
from tsjit.ops import samples as s
from tsjit.ops.decomposition import NotDecomposable, reject
from tsjit.ops.registry import op, sample
from tsjit.ops.rules import ShapeError, broadcast, dims, each, fixed, promoted, same_dtype

_LAPACK = "a LAPACK factorization with data-dependent steps: no loop lowering"
INT32 = np.dtype(np.int32)


def _rank2(a, name):
    xs = dims(a)
    if len(xs) < 2:
        raise ShapeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    return xs


def _lu_shapes(a, *flags):
    xs = _rank2(a, "linalg.lu_factor")
    return xs, xs[:-2] + (min(xs[-2:]),), xs[:-2]


def _lu_unpacked(a, *flags):
    xs = _rank2(a, "linalg.lu")
    m, n = xs[-2:]
    return xs[:-2] + (m, m), xs[:-2] + (m, min(m, n)), xs[:-2] + (min(m, n), n)


def _with_info(a, *flags):
    xs = _rank2(a, "linalg")
    return xs, xs[:-2]


def _lu_solve_shape(lu, pivots, b, *flags):
    return broadcast(_rank2(lu, "linalg.lu_solve")[:-2], _rank2(b, "linalg.lu_solve")[:-2]) + dims(b)[-2:]


def _matrices(name: str, a: np.ndarray, square: bool = True, what: str = "A") -> None:
    if a.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor {what} must have at least 2 dimensions.")
    if not is_inexact(a.dtype):
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got {torch_name(a.dtype)}")
    if square and a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"{name}: {what} must be batches of square matrices, but they are {a.shape[-2]} by "
                           f"{a.shape[-1]} matrices")


def _getrf(a: np.ndarray):
    """(LU, pivots, info) of each matrix of the batch, as LAPACK's getrf computes them."""
    lu = np.array(a, copy=True)
    m, n = a.shape[-2:]
    k = min(m, n)
    flat = lu.reshape(int(np.prod(a.shape[:-2])), m, n)  # (not -1: a matrix may be empty)
    pivots = np.zeros((flat.shape[0], k), INT32)
    info = np.zeros(flat.shape[0], INT32)
    with np.errstate(all="ignore"):
        for b, x in enumerate(flat):
            for j in range(k):
                p = j + int(np.argmax(np.abs(x[j:, j])))
                pivots[b, j] = p + 1
                if x[p, j] != 0:
                    if p != j:
                        x[[j, p]] = x[[p, j]]
                    x[j + 1:, j] /= x[j, j]
                elif info[b] == 0:
                    info[b] = j + 1
                x[j + 1:, j + 1:] -= np.outer(x[j + 1:, j], x[j, j + 1:])
    batch = a.shape[:-2]
    return lu, pivots.reshape(*batch, k), info.reshape(batch)


def _unpack(lu: np.ndarray, pivots: np.ndarray):
    """(P, L, U) of getrf's output: A = P L U."""
    m, n = lu.shape[-2:]
    k = min(m, n)
    L = np.tril(lu[..., :, :k], -1) + np.eye(m, k, dtype=lu.dtype)
    U = np.triu(lu[..., :k, :])
    perm = np.broadcast_to(np.arange(m), lu.shape[:-2] + (m,)).copy()
    nb = int(np.prod(lu.shape[:-2]))
    flat_perm, flat_piv = perm.reshape(nb, m), pivots.reshape(nb, k)
    for b in range(flat_perm.shape[0]):
        for j in range(k):
            p = flat_piv[b, j] - 1
            flat_perm[b, [j, p]] = flat_perm[b, [p, j]]
    P = np.zeros(lu.shape[:-2] + (m, m), lu.dtype)
    np.put_along_axis(P, perm[..., :, None], 1, axis=-1)  # row i of P^T picks row perm[i] of A
    return np.swapaxes(P, -1, -2), L, U


def _check_pivot(name, pivot):
    if not pivot:
        raise RuntimeError(f"{name}: LU without pivoting is not implemented on the CPU")


def _lu_samples(square=False):
    singular = np.array([[1.0, 2.0], [2.0, 4.0]], np.float32)
    out = [sample(s.f32(3, 3)), sample(s.f64(2, 4, 4)), sample(singular), sample(s.f32(0, 2, 2)), sample(s.i64(2, 2)),
           sample(s.f32(3)), sample(np.array([[0.0, 1.0], [1.0, 0.0]], np.float32))]
    return out + ([] if square else [sample(s.f32(2, 3)), sample(s.f32(2, 4, 2))])


@op("linalg_lu_factor_ex", "(Tensor A, *, bool pivot=True, bool check_errors=False) -> "
    "(Tensor LU, Tensor pivots, Tensor info)", shape=_lu_shapes, dtype=each(same_dtype, fixed(INT32), fixed(INT32)),
    lower="lapack_calls.lower_lu_factor_ex", api="torch",
    samples=lambda: [sample(*x.operands, True, False) for x in _lu_samples()] +
    [sample(np.array([[1.0, 2.0], [2.0, 4.0]], np.float32), True, True), sample(s.f32(2, 2), False, False)])
def linalg_lu_factor_ex(a, pivot=True, check_errors=False):
    """LAPACK getrf of each matrix: the packed factors, the 1-based int32 row exchanges, the status."""
    _matrices("linalg.lu_factor_ex", a, square=False)
    _check_pivot("linalg.lu_factor", pivot)
    lu, pivots, info = _getrf(a)
    if check_errors and (info > 0).any():
        raise RuntimeError(f"linalg.lu_factor_ex: U[{info.max()},{info.max()}] is zero and using it on lu_solve "
                           "would result in a division by zero.")
    return as_array(lu), pivots, as_array(info)


@op("linalg_lu_factor", "(Tensor A, *, bool pivot=True) -> (Tensor LU, Tensor pivots)",
    shape=lambda a, *flags: _lu_shapes(a)[:2], dtype=each(same_dtype, fixed(INT32)),
    lower="lapack_calls.lower_lu_factor", api="torch",
    samples=lambda: [sample(*x.operands, True) for x in _lu_samples()] + [sample(s.f32(2, 2), False)])
def linalg_lu_factor(a, pivot=True):
    """linalg_lu_factor_ex that raises at a zero pivot (lu_solve would divide by it)."""
    _matrices("torch.linalg.lu_factor", a, square=False)
    _check_pivot("linalg.lu_factor", pivot)
    lu, pivots, info = _getrf(a)
    bad = np.flatnonzero(info.reshape(-1))
    if bad.size:
        i = int(info.reshape(-1)[bad[0]])
        batch = f"(Batch element {bad[0]}): " if a.ndim > 2 else ""
        raise RuntimeError(f"torch.linalg.lu_factor: {batch}U[{i},{i}] is zero and using it on lu_solve would result "
                           "in a division by zero. If you still want to perform the factorization, consider calling "
                           "linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")
    return as_array(lu), pivots


@op("linalg_lu", "(Tensor A, *, bool pivot=True) -> (Tensor P, Tensor L, Tensor U)", shape=_lu_unpacked,
    dtype=each(same_dtype, same_dtype, same_dtype), lower="lapack_calls.lower_lu", api="torch",
    samples=lambda: [sample(*x.operands, True) for x in _lu_samples()] + [sample(s.f32(2, 2), False)])
def linalg_lu(a, pivot=True):
    """A = P L U: the permutation, the unit lower-trapezoidal and the upper-trapezoidal factors."""
    _matrices("linalg.lu", a, square=False)
    _check_pivot("linalg.lu", pivot)
    lu, pivots, _ = _getrf(a)
    return tuple(as_array(x) for x in _unpack(lu, pivots))


def _triangular(t: np.ndarray, b: np.ndarray, lower: bool, unit: bool) -> np.ndarray:
    """t^-1 b by substitution (a zero diagonal gives inf / nan, as LAPACK's trsm)."""
    n = t.shape[-1]
    shape = np.broadcast_shapes(t.shape[:-2], b.shape[:-2])
    t, x = np.broadcast_to(t, shape + t.shape[-2:]), np.array(np.broadcast_to(b, shape + b.shape[-2:]))
    order = range(n) if lower else range(n - 1, -1, -1)
    with np.errstate(all="ignore"):
        for i in order:
            done = slice(0, i) if lower else slice(i + 1, n)
            x[..., i, :] -= np.einsum("...k,...kc->...c", t[..., i, done], x[..., done, :])
            if not unit:
                x[..., i, :] /= t[..., i, i][..., None]
    return x


def _lu_solve_left(lu, pivots, b, adjoint):
    P, L, U = _unpack(lu, pivots)
    if adjoint:  # A^H = U^H L^H P^T
        h = np.conj(np.swapaxes(U, -1, -2)), np.conj(np.swapaxes(L, -1, -2))
        return P @ _triangular(h[1], _triangular(h[0], b, True, False), False, True)
    return _triangular(U, _triangular(L, np.swapaxes(P, -1, -2) @ b, True, True), False, False)


@op("linalg_lu_solve", "(Tensor LU, Tensor pivots, Tensor B, *, bool left=True, bool adjoint=False) -> Tensor",
    shape=_lu_solve_shape, dtype=promoted(0, 2), lower="lapack_calls.lower_lu_solve", api="torch",
    samples=lambda: [sample(*_getrf(s.f32(3, 3) + 3 * np.eye(3, dtype=np.float32))[:2], s.f32(3, 2), True, False),
                     sample(*_getrf(s.f64(2, 3, 3))[:2], s.f64(2, 3, 4), True, True),
                     sample(*_getrf(s.f32(3, 3))[:2], s.f32(2, 3), False, False),
                     sample(*_getrf(s.f32(3, 3))[:2], s.f32(4, 3), False, True),
                     sample(*_getrf(s.f32(2, 3, 3))[:2], s.f32(3, 1), True, False),
                     sample(*_getrf(s.f32(3, 3))[:2], s.f32(2, 2), True, False),
                     sample(_getrf(s.f32(3, 3))[0], _getrf(s.f32(3, 3))[1].astype(np.int64), s.f32(3, 2), True, False)])
def linalg_lu_solve(lu, pivots, b, left=True, adjoint=False):
    """X with A X = B (X A = B when not left; A^H in place of A with adjoint), A = P L U from lu_factor."""
    _matrices("linalg.lu_solve", lu, what="LU")
    if pivots.dtype != INT32:
        raise RuntimeError(f"linalg.lu_solve: Expected pivots to be Int but got {torch_name(pivots.dtype)}")
    n = lu.shape[-1]
    if b.ndim < 2 or (b.shape[-2] if left else b.shape[-1]) != n:
        raise RuntimeError(f"linalg.lu_solve: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({n}x{n} and {'x'.join(map(str, b.shape[-2:]))})")
    dtype = np.result_type(lu.dtype, b.dtype)
    lu, b = lu.astype(dtype, copy=False), b.astype(dtype, copy=False)
    if left:
        return as_array(_lu_solve_left(lu, pivots, b, adjoint).astype(dtype, copy=False))
    bh = np.conj(np.swapaxes(b, -1, -2))  # X A = B  <=>  A^H X^H = B^H
    return as_array(np.conj(np.swapaxes(_lu_solve_left(lu, pivots, bh, not adjoint), -1, -2)).astype(dtype, copy=False))


# -- the _ex forms: info instead of an error ------------------------------------------------------------

@op("linalg_inv_ex", "(Tensor A, *, bool check_errors=False) -> (Tensor inverse, Tensor info)", shape=_with_info,
    dtype=each(same_dtype, fixed(INT32)), lower="lapack_calls.lower_inv_ex", api="torch",
    samples=lambda: [sample(s.f32(3, 3) + 3 * np.eye(3, dtype=np.float32), False), sample(s.f64(2, 4, 4), False),
                     sample(np.array([[[1.0, 2.0], [2.0, 4.0]], [[1.0, 0.0], [0.0, 2.0]]], np.float32), False),
                     sample(np.array([[1.0, 2.0], [2.0, 4.0]], np.float32), True), sample(s.f32(0, 3, 3), False),
                     sample(s.f32(2, 3), False), sample(s.i64(2, 2), False)])
def linalg_inv_ex(a, check_errors=False):
    """The inverse of each matrix (LU solve of the identity; inf / nan where singular) and getrf's info."""
    _matrices("linalg.inv_ex", a)
    lu, pivots, info = _getrf(a)
    if check_errors and (info > 0).any():
        i = int(info.reshape(-1)[np.flatnonzero(info.reshape(-1))[0]])
        raise RuntimeError(f"linalg.inv_ex: The diagonal element {i} is zero, the inversion could not be completed "
                           "because the input matrix is singular.")
    eye = np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape)
    return as_array(_lu_solve_left(lu, pivots, eye, False).astype(a.dtype, copy=False)), as_array(info)


def _potrf(a: np.ndarray):
    """(L, info) of each matrix as LAPACK's unblocked potrf: at a failing pivot d (d <= 0 or NaN) the
    diagonal keeps d and the columns after it keep A's lower triangle."""
    L = np.tril(a).copy()
    n = a.shape[-1]
    flat = L.reshape(-1, n, n)
    info = np.zeros(flat.shape[0], INT32)
    with np.errstate(all="ignore"):
        for b, x in enumerate(flat):
            for j in range(n):
                d = x[j, j] - np.vdot(x[j, :j], x[j, :j])
                if not np.real(d) > 0:
                    x[j, j] = d
                    info[b] = j + 1
                    break
                x[j, j] = np.sqrt(d)
                x[j + 1:, j] = (x[j + 1:, j] - x[j + 1:, :j] @ np.conj(x[j, :j])) / x[j, j]
    return L, info.reshape(a.shape[:-2])


def _cholesky_ex(g, a, upper, check_errors):
    """potrf's column algorithm for the whole batch: column j from the columns before it; a matrix whose
    pivot d fails (d <= 0 or NaN) keeps d on its diagonal and A's lower triangle after it."""
    dtype, shape = g.dtype(a), list(g.shape(a))
    if dtype not in (np.float32, np.float64) or len(shape) < 2 or shape[-1] != shape[-2] or g.value(check_errors):
        raise reject(g, NotDecomposable("complex, half or checked: the kernel"))
    n, batch = shape[-1], shape[:-2]
    if 0 in shape:
        return g.clone(a), g.zeros(batch, 3)
    x = g.transpose(a, -2, -1) if g.value(upper) else a
    lower = g.tril(x, 0)
    done = g.zeros(batch, 11)  # bool: the matrix has failed
    info = g.zeros(batch, 3)  # int32
    cols = []  # column k of L: [..., n]
    for j in range(n):
        column = g.select(lower, -1, j)
        below = g.slice(column, -1, j + 1, n, 1)
        d = g.select(column, -1, j)
        if j:
            row = g.stack([g.select(c, -1, j) for c in cols], -1)  # L[j, :j]
            d = g.sub(d, g.sum(g.mul(row, row), [-1], False, None))
            if j + 1 < n:
                block = g.stack([g.slice(c, -1, j + 1, n, 1) for c in cols], -1)  # L[j+1:, :j]
                below = g.sub(below, g.squeeze(g.matmul(block, g.unsqueeze(row, -1)), -1))
        fails = g.logical_and(g.logical_not(done), g.logical_not(g.gt(d, 0)))
        active = g.logical_and(g.logical_not(done), g.gt(d, 0))
        info = g.where(fails, np.array(j + 1, np.int32), info)
        root = g.sqrt(g.where(active, d, 1.0))
        diag = g.where(active, root, g.where(fails, d, g.select(column, -1, j)))
        keep = g.slice(column, -1, j + 1, n, 1)
        below = g.where(g.unsqueeze(active, -1), g.div(below, g.unsqueeze(root, -1)), keep)
        parts = ([g.slice(column, -1, 0, j, 1)] if j else []) + [g.unsqueeze(diag, -1)] + ([below] if j + 1 < n else [])
        cols.append(g.cat(parts, -1) if len(parts) > 1 else parts[0])
        done = g.logical_or(done, fails)
    out = g.stack(cols, -1)
    return (g.transpose(out, -2, -1) if g.value(upper) else out), info


@op("linalg_cholesky_ex", "(Tensor self, *, bool upper=False, bool check_errors=False) -> (Tensor L, Tensor info)",
    shape=_with_info, dtype=each(same_dtype, fixed(INT32)), decompose=_cholesky_ex, api="torch",
    samples=lambda: [sample(_spd(3), False, False), sample(_spd(3, batch=(2,)), True, False),
                     sample(_spd(4).astype(np.float64), False, False),
                     sample(np.array([[1.0, 2.0], [2.0, 4.0]], np.float32), False, False),
                     sample(np.stack([_spd(3), np.array([[4, 2, 0], [2, 1, 1], [0, 1, 3]], np.float32)]), False, False),
                     sample(np.stack([np.array([[4, 2, 0], [2, 1, 1], [0, 1, 3]], np.float32), _spd(3)]), True, False),
                     sample(np.array([[-1.0, 2.0], [2.0, 4.0]], np.float32), False, True),
                     sample(s.f32(0, 2, 2), False, False), sample(s.f32(2, 3), False, False),
                     sample(s.i64(2, 2), False, False)])
def linalg_cholesky_ex(a, upper=False, check_errors=False):
    """The Cholesky factor (upper: U = L^H) and potrf's info (the order of the first minor that is not
    positive-definite, 0 when the factorization completes)."""
    _matrices("linalg.cholesky_ex", a)
    L, info = _potrf(np.conj(np.swapaxes(a, -1, -2)) if upper else a)
    if check_errors and (info > 0).any():
        i = int(info.reshape(-1)[np.flatnonzero(info.reshape(-1))[0]])
        raise RuntimeError(f"linalg.cholesky_ex: The factorization could not be completed because the input is not "
                           f"positive-definite (the leading minor of order {i} is not positive-definite).")
    return as_array(np.conj(np.swapaxes(L, -1, -2)) if upper else L), as_array(info)


def _spd(n, batch=()):
    x = s.f32(*batch, n, n)
    return (x @ np.swapaxes(x, -1, -2) + n * np.eye(n)).astype(np.float32)
