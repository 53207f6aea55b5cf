"""torch.linalg's factorizations and what is built on them: cholesky, qr, eigh / eigvalsh, svd, pinv,
matrix_rank, solve_triangular, lstsq, matrix_exp, cholesky_solve / cholesky_inverse, and vander.

The kernels run LAPACK through numpy on batches of matrices in the trailing two dims, with
PyTorch's checks and messages. Cholesky and triangular solves lower to loops (real float32 and
float64; tsjit/lowering/triangular.py), cholesky_solve and cholesky_inverse decompose into
triangular solves, matrix_rank into singular values (one-sided Jacobi in C), and vander is a
decomposition too. qr, svd, eigh, eigvalsh and lstsq (iterative or pivoting factorizations) lower
to one call of LAPACK each, as PyTorch's CPU kernels do (tsjit/lowering/lapack_calls.py: the C
run time links scipy-openblas32's LAPACKE), and pinv decomposes into svd (eigh when hermitian).
Signs of eigenvectors and singular vectors are LAPACK's, as in PyTorch, but OpenBLAS's LAPACK
(numpy's, and C's) and PyTorch's MKL can choose them differently; the samples compare what does
not depend on them. matrix_exp stays on numpy.
"""
from __future__ import annotations

import numpy as np

from tsjit.dtypes import SCALAR_TYPE_CODES, is_inexact
from tsjit.kernels.promotion import INT64, as_array, real_of, torch_name
from tsjit.ops import samples as s
from tsjit.ops.decomposition import NotDecomposable, reject
from tsjit.ops.registry import defop, op, sample
from tsjit.ops.rules import BY_KERNEL, broadcast, dims, each, fixed, promoted, real_same, same_dtype

# cholesky and solve_triangular lower to loops (tsjit/lowering/triangular.py); cholesky_solve and
# cholesky_inverse decompose into triangular solves.


def _matrices(name: str, a: np.ndarray, square: bool = True) -> np.ndarray:
    if a.ndim < 2:
        raise RuntimeError(f"linalg.{name}: The input tensor A must have at least 2 dimensions.")
    if not is_inexact(a.dtype):
        raise RuntimeError(f"linalg.{name}: Expected a floating point or complex tensor as input. Got "
                           f"{torch_name(a.dtype)}")
    if square and a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"linalg.{name}: A must be batches of square matrices, but they are {a.shape[-2]} by "
                           f"{a.shape[-1]} matrices")
    return a


def _mT(a: np.ndarray) -> np.ndarray:
    return np.swapaxes(a, -1, -2).conj()


def _square_shape(a, *rest):
    return dims(a)


# -- Cholesky ------------------------------------------------------------------------------------
def _cholesky(a: np.ndarray, name: str = "cholesky") -> np.ndarray:
    _matrices(name, a)
    if a.size == 0:
        return np.empty(a.shape, a.dtype)
    flat = a.reshape(-1, *a.shape[-2:])
    out = np.empty_like(flat)
    for i, m in enumerate(flat):
        if _positive_definite(m):
            out[i] = np.linalg.cholesky(m)
            continue
        order = next(k for k in range(1, m.shape[0] + 1) if not _positive_definite(m[:k, :k]))
        raise RuntimeError(not_positive_definite(name, f"(Batch element {i}): " if a.ndim > 2 else "", order))
    return out.reshape(a.shape)


def not_positive_definite(name: str, batch: str, order) -> str:
    """PyTorch's message for a matrix that is not positive-definite (`batch`: its "(Batch element i): ")."""
    return (f"linalg.{name}: {batch}The factorization could not be completed because the input is not "
            f"positive-definite (the leading minor of order {order} is not positive-definite).")


def _positive_definite(m: np.ndarray) -> bool:
    """Whether the factorization completes (a NaN pivot fails it, as in LAPACK; numpy gives NaNs)."""
    try:
        return not np.isnan(np.diagonal(np.linalg.cholesky(m))).any()
    except np.linalg.LinAlgError:
        return False


def _spd(*batch: int, n: int = 3, dtype: str = "float32") -> np.ndarray:
    a = s.f32(*batch, n, n, dtype=dtype)
    return (a @ np.swapaxes(a, -1, -2) + n * np.eye(n)).astype(dtype)


_NOT_PD = np.array([[[4, 1, 0], [1, 3, 0], [0, 0, 1]], [[1, 0, 0], [0, 1, 2], [0, 2, 1]]], np.float32)


@op("linalg_cholesky", "(Tensor self, *, bool upper=False) -> Tensor", shape=_square_shape, dtype=same_dtype,
    api="torch", aten="linalg_cholesky cholesky", lower="triangular.lower_cholesky",
    samples=lambda: [sample(_spd(), False), sample(_spd(2), True), sample(_spd(n=4, dtype="float64"), False),
                     sample(s.f32(0, 2, 2), False), sample(np.array([[1, 2], [2, 1]], np.float32), False),
                     sample(s.f32(2, 3), False), sample(s.i64(2, 2), False), sample(np.array([[2.5]], np.float32), True),
                     sample(_NOT_PD, False), sample(np.array([[4, 1], [100, 3]], np.float32), False),
                     sample(np.array([[4, 100], [1, 3]], np.float32), True), sample(_spd(2, 3, n=2), False),
                     sample(np.array([[1, np.nan], [np.nan, 1]], np.float32), False), sample(s.f32(2, 0, 0), True)])
def linalg_cholesky(a, upper=False):
    """The lower factor L of A = L L^H from A's lower triangle (upper: U of A = U^H U, from its upper one)."""
    if upper:
        return as_array(_mT(_cholesky(_mT(_matrices("cholesky", a)))))
    return as_array(_cholesky(a))


def _cholesky_solve_shape(b, factor, upper=False):
    B, L = dims(b), dims(factor)
    return broadcast(B[:-2], L[:-2]) + B[-2:]


#: the dtypes PyTorch's CPU triangular solves take (others keep the op and its kernel's error)
_SOLVABLE = ("float32", "float64", "complex64", "complex128")


def _mH(g, x):
    t = g.transpose(x, -2, -1)
    return g.conj(t) if g.dtype(x).kind == "c" else t


def _cholesky_solve(g, b, factor, upper=False):
    """Two triangular solves: L Y = B, then L^H X = Y (upper: U^H Y = B, then U X = Y)."""
    for x in (b, factor):
        if g.dim(x) < 2 or g.dtype(x).name not in _SOLVABLE:
            raise NotDecomposable("cholesky_solve takes batches of float32/64 or complex matrices")
    up = bool(g.value(upper))
    low = _mH(g, factor) if up else factor
    y = g.linalg_solve_triangular(low, b, upper=False)
    return g.linalg_solve_triangular(_mH(g, low), y, upper=True)


@op("cholesky_solve", "(Tensor self, Tensor input2, bool upper=False) -> Tensor", shape=_cholesky_solve_shape,
    dtype=promoted(0, 1), api="torch Tensor", decompose=_cholesky_solve,
    samples=lambda: [sample(s.f32(3, 2), np.linalg.cholesky(_spd()), False),
                     sample(s.f32(2, 3, 1), np.swapaxes(np.linalg.cholesky(_spd(2)), -1, -2).copy(), True),
                     sample(s.f64(4, 3), np.linalg.cholesky(_spd(n=4, dtype="float64")), False),
                     sample(s.f32(2, 1, 3, 2), np.linalg.cholesky(_spd(3)), False),
                     sample(s.f32(0, 3, 2), np.linalg.cholesky(_spd()), True), sample(s.f32(1, 1), np.array([[2.0]], np.float32), True)])
def cholesky_solve(b, factor, upper=False):
    """X with A X = B for A = L L^H given its Cholesky factor (upper: A = U^H U)."""
    low = _mT(factor) if upper else factor
    a = low @ _mT(low)
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    return as_array(np.linalg.solve(np.broadcast_to(a, batch + a.shape[-2:]), np.broadcast_to(b, batch + b.shape[-2:]))
                    .astype(np.result_type(b, factor)))


def _cholesky_inverse(g, factor, upper=False):
    """cholesky_solve of the identity."""
    shape = g.shape(factor)
    if len(shape) < 2 or g.dtype(factor).name not in _SOLVABLE:
        raise NotDecomposable("cholesky_inverse takes batches of float32/64 or complex matrices")
    eye = g.eye(shape[-1], dtype=SCALAR_TYPE_CODES.get(g.dtype(factor).name))
    return _cholesky_solve(g, eye, factor, upper)


@op("cholesky_inverse", "(Tensor self, bool upper=False) -> Tensor", shape=_square_shape, dtype=same_dtype,
    api="torch Tensor", decompose=_cholesky_inverse,
    samples=lambda: [sample(np.linalg.cholesky(_spd()), False),
                     sample(np.swapaxes(np.linalg.cholesky(_spd(2)), -1, -2).copy(), True),
                     sample(np.linalg.cholesky(_spd(n=4, dtype="float64")), False), sample(np.array([[0.5]], np.float32), False),
                     sample(s.f32(0, 3, 3), True)])
def cholesky_inverse(factor, upper=False):
    low = _mT(factor) if upper else factor
    return as_array(np.linalg.inv(low @ _mT(low)).astype(factor.dtype))


# -- QR, eigh, SVD ---------------------------------------------------------------------------------
def _qr_shape(a, mode="reduced"):
    *batch, m, n = dims(a)
    k = min(m, n)
    if mode == "r":
        return (0,), (*batch, k, n)
    if mode == "complete":
        return (*batch, m, m), (*batch, m, n)
    return (*batch, m, k), (*batch, k, n)


@op("linalg_qr", "(Tensor A, str mode='reduced') -> (Tensor Q, Tensor R)", shape=_qr_shape,
    dtype=each(same_dtype, same_dtype), api="torch", lower="lapack_calls.lower_qr",
    samples=lambda: [sample(s.f32(4, 3), "reduced", torch=False, note="Q and R's signs are LAPACK's"),
                     sample(s.f32(3, 3), "r", torch=False, note="R's signs are LAPACK's")])
def linalg_qr(a, mode="reduced"):
    """A = QR with Q's columns orthonormal and R upper triangular ('r': R only, Q empty)."""
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', "
                           "or 'complete'")
    _matrices("qr", a, square=False)
    q, r = np.linalg.qr(a, mode="complete" if mode == "complete" else "reduced")
    if mode == "r":
        q = np.empty((0,), a.dtype)
    return as_array(q.astype(a.dtype)), as_array(r.astype(a.dtype))


def _eigh_shape(a, uplo="L"):
    return dims(a)[:-1], dims(a)


def _hermitian(a, uplo):
    if uplo not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {uplo}")
    return _matrices("eigh", a), uplo


def _symmetric(*batch: int, n: int = 4) -> np.ndarray:
    a = s.f32(*batch, n, n)
    return (a + np.swapaxes(a, -1, -2)).astype(np.float32)


@op("linalg_eigh", "(Tensor self, str UPLO='L') -> (Tensor eigenvalues, Tensor eigenvectors)", shape=_eigh_shape,
    dtype=each(real_same, same_dtype), api="torch", lower="lapack_calls.lower_eigh",
    samples=lambda: [sample(_symmetric(), "L", torch=False, note="the eigenvectors' signs are LAPACK's")])
def linalg_eigh(a, uplo="L"):
    """The eigenvalues (ascending) and eigenvectors of each Hermitian matrix, from its `uplo` triangle."""
    a, uplo = _hermitian(a, uplo)
    w, v = np.linalg.eigh(a, UPLO=uplo)
    return as_array(w.astype(real_of(a.dtype))), as_array(v.astype(a.dtype))


@op("linalg_eigvalsh", "(Tensor self, str UPLO='L') -> Tensor", shape=lambda a, uplo="L": dims(a)[:-1],
    dtype=real_same, api="torch", lower="lapack_calls.lower_eigvalsh",
    samples=lambda: [sample(_symmetric(), "L"), sample(_symmetric(2, n=3), "U"), sample(s.f32(2, 3), "L"),
                     sample(_symmetric(n=3), "X")])
def linalg_eigvalsh(a, uplo="L"):
    a, uplo = _hermitian(a, uplo)
    return as_array(np.linalg.eigvalsh(a, UPLO=uplo).astype(real_of(a.dtype)))


def _finite_for_svd(a: np.ndarray) -> None:
    """PyTorch's error for the first matrix of the batch with a NaN or an infinity (gesdd is not tried)."""
    bad = ~np.isfinite(a).reshape(-1, a.shape[-2] * a.shape[-1]).all(axis=-1) if a.size else np.zeros(0, bool)
    if bad.any():
        batch = f"(Batch element {int(np.argmax(bad))}): " if a.ndim > 2 else ""
        raise RuntimeError(f"linalg.svd: {batch}The algorithm failed to converge because the input matrix contained "
                           "non-finite values.")


def _svd_shape(a, full_matrices=True, driver=None):
    *batch, m, n = dims(a)
    k = min(m, n)
    return ((*batch, m, m if full_matrices else k), (*batch, k), (*batch, n if full_matrices else k, n))


@op("linalg_svd", "(Tensor A, bool full_matrices=True, *, str? driver=None) -> (Tensor U, Tensor S, Tensor Vh)",
    shape=_svd_shape, dtype=each(same_dtype, real_same, same_dtype), api="torch", lower="lapack_calls.lower_svd",
    samples=lambda: [sample(s.f32(4, 3), False, None, torch=False, note="the singular vectors' signs are LAPACK's")])
def linalg_svd(a, full_matrices=True, driver=None):
    _finite_for_svd(_matrices("svd", a, square=False))
    u, sv, vh = np.linalg.svd(a, full_matrices=full_matrices)
    return as_array(u.astype(a.dtype)), as_array(sv.astype(real_of(a.dtype))), as_array(vh.astype(a.dtype))


# -- pinv, matrix_rank (SVD with PyTorch's tolerances) --------------------------------------------
def _tolerance(a, sv, atol, rtol):
    """max(atol, rtol * largest singular value); rtol defaults to eps * max(m, n) unless atol > 0 is given."""
    if rtol is None:
        rtol = 0.0 if atol is not None and atol > 0 else np.finfo(real_of(a.dtype)).eps * max(a.shape[-2:])
    top = sv.max(axis=-1, keepdims=True) if sv.shape[-1] else np.zeros(sv.shape[:-1] + (1,), sv.dtype)
    return np.maximum(atol or 0.0, rtol * top)


def _singular_values(a, hermitian):
    return np.abs(np.linalg.eigvalsh(a)) if hermitian else np.linalg.svd(a, compute_uv=False)


def _pinv(g, a, atol=None, rtol=None, hermitian=False):
    """V diag(1/s) U^T over the singular values above the tolerance (PyTorch's formula); hermitian:
    from eigh of the lower triangle, U = V and 1/w over the eigenvalues with |w| above it."""
    shape, dtype = g.shape(a), g.dtype(a)
    if len(shape) < 2 or dtype.name not in ("float32", "float64") or g.value(hermitian) and shape[-1] != shape[-2]:
        raise NotDecomposable("pinv decomposes for float32/64 matrices")
    if 0 in shape:
        return g.zeros([*shape[:-2], shape[-1], shape[-2]], SCALAR_TYPE_CODES[dtype.name])
    atol, rtol = g.value(atol), g.value(rtol)
    if rtol is None:
        rtol = 0.0 if atol is not None and atol > 0 else float(np.finfo(dtype).eps) * max(shape[-2:])
    if g.value(hermitian):
        w, v = g.linalg_eigh(a, "L")
        sv, left, right = g.abs(w), v, g.transpose(v, -2, -1)
    else:
        left, sv, right = g.linalg_svd(a, False, None)
        w = sv
    tolerance = g.clamp(g.mul(g.amax(sv, [-1], True), rtol), atol or 0.0, None)
    inverse = g.where(g.gt(sv, tolerance), g.reciprocal(w), 0.0)
    return g.matmul(g.mul(g.transpose(right, -2, -1), g.unsqueeze(inverse, -2)), g.transpose(left, -2, -1))


@op("linalg_pinv", "(Tensor self, *, float? atol=None, float? rtol=None, bool hermitian=False) -> Tensor",
    shape=lambda a, *rest: dims(a)[:-2] + dims(a)[:-3:-1], dtype=same_dtype, api="torch", decompose=_pinv,
    samples=lambda: [sample(s.f32(3, 4), None, None, False), sample(s.f64(2, 4, 3), None, 1e-3, False),
                     sample(_symmetric(n=3), None, None, True),
                     sample(np.array([[1, 2], [2, 4]], np.float32), None, None, False), sample(s.f32(0, 3), None, None, False)])
def linalg_pinv(a, atol=None, rtol=None, hermitian=False):
    """The Moore-Penrose pseudo-inverse: singular values at or below the tolerance count as zero."""
    if hermitian:  # eigh of the lower triangle: V diag(1/w) V^H over |w| above the tolerance
        w, v = np.linalg.eigh(_matrices("eigh", a))
        keep = np.abs(w) > _tolerance(a, np.abs(w), atol, rtol)
        with np.errstate(divide="ignore"):
            inv = np.where(keep, 1 / np.where(keep, w, 1), 0)
        return as_array((v * inv[..., None, :] @ _mT(v)).astype(a.dtype))
    _finite_for_svd(_matrices("pinv", a, square=False))
    u, sv, vh = np.linalg.svd(a, full_matrices=False)
    keep = sv > _tolerance(a, sv, atol, rtol)
    with np.errstate(divide="ignore"):
        inv = np.where(keep, 1 / np.where(keep, sv, 1), 0)
    return as_array((_mT(vh) * inv[..., None, :] @ _mT(u)).astype(a.dtype))


def _matrix_rank(g, a, atol=None, rtol=None, hermitian=False):
    """Singular values (one-sided Jacobi in C) above the tolerance, counted. A Hermitian matrix's
    singular values are its eigenvalues' magnitudes: it is symmetrized from its lower triangle,
    the one eigvalsh reads."""
    shape, dtype = g.shape(a), g.dtype(a)
    if len(shape) < 2 or dtype.name not in ("float32", "float64") or g.value(hermitian) and shape[-1] != shape[-2]:
        raise NotDecomposable("matrix_rank decomposes for float32/64 matrices")
    if 0 in shape[-2:]:
        return g.zeros(list(shape[:-2]), SCALAR_TYPE_CODES["int64"])
    atol, rtol = g.value(atol), g.value(rtol)
    if g.value(hermitian):
        a = g.add(g.tril(a, 0), g.transpose(g.tril(a, -1), -2, -1))
    sv = g.linalg_svdvals(a)
    if rtol is None:
        rtol = 0.0 if atol is not None and atol > 0 else float(np.finfo(dtype).eps) * max(shape[-2:])
    tolerance = g.clamp(g.mul(g.amax(sv, [-1], True), rtol), atol or 0.0, None)
    return g.sum(g.gt(sv, tolerance), [-1], False, SCALAR_TYPE_CODES["int64"])


@op("linalg_matrix_rank", "(Tensor input, *, float? atol=None, float? rtol=None, bool hermitian=False) -> Tensor",
    shape=lambda a, *rest: dims(a)[:-2], dtype=fixed(INT64), api="torch", decompose=_matrix_rank,
    samples=lambda: [sample(s.f32(3, 4), None, None, False), sample(np.array([[1, 2], [2, 4]], np.float32), None, None, False),
                     sample(s.f64(2, 4, 4), 0.5, None, False), sample(_symmetric(n=3), None, 0.2, True),
                     sample(s.f32(0, 3), None, None, False), sample(s.i64(2, 2), None, None, False)])
def linalg_matrix_rank(a, atol=None, rtol=None, hermitian=False):
    """The number of singular values above max(atol, rtol * the largest)."""
    _matrices("matrix_rank", a, square=hermitian)
    if 0 in a.shape[-2:]:
        return as_array(np.zeros(a.shape[:-2], np.int64))
    sv = _singular_values(a, hermitian)
    return as_array((sv > _tolerance(a, sv, atol, rtol)).sum(axis=-1).astype(np.int64))


# -- triangular and least-squares solves, the matrix exponential, vander ---------------------------
def _triangular_shape(a, b, upper, left=True, unitriangular=False):
    A, B = dims(a), dims(b)
    return broadcast(A[:-2], B[:-2]) + B[-2:]


def _triangular(*batch: int, n: int = 3) -> np.ndarray:
    return (np.triu(s.f32(*batch, n, n)) + 2 * n * np.eye(n)).astype(np.float32)


@op("linalg_solve_triangular", "(Tensor self, Tensor B, *, bool upper, bool left=True, bool unitriangular=False) -> "
    "Tensor", shape=_triangular_shape, dtype=promoted(0, 1), api="torch", lower="triangular.lower_solve_triangular",
    samples=lambda: [sample(_triangular(), s.f32(3, 2), True, True, False),
                     sample(np.swapaxes(_triangular(2), -1, -2).copy(), s.f32(2, 3, 4), False, True, False),
                     sample(_triangular(), s.f32(2, 3), True, False, False), sample(_triangular(), s.f32(3, 1), True, True, True),
                     sample(s.f32(3, 3), s.f32(3, 2), True, True, False),
                     sample(np.swapaxes(_triangular(n=4), -1, -2).copy(), s.f32(2, 4), False, False, True),
                     sample(_triangular(2, n=2), s.f32(3, 1, 2, 2), False, False, False),
                     sample(_triangular(n=4).astype(np.float64), s.f64(4, 3), True, True, True),
                     sample(_triangular(n=1), s.f32(1, 2), False, True, False),
                     sample(_triangular(0), s.f32(3, 2), True, True, False), sample(_triangular(), s.f32(3, 0), False, True, False)])
def linalg_solve_triangular(a, b, upper, left=True, unitriangular=False):
    """X with A X = B (left) or X A = B, reading only A's `upper` or lower triangle (a unit diagonal if asked)."""
    _matrices("solve_triangular", a)
    if not is_inexact(b.dtype):
        raise RuntimeError(f"linalg.solve_triangular: Expected B to be a floating point or complex tensor. Got "
                           f"{torch_name(b.dtype)}")
    t = np.triu(a) if upper else np.tril(a)
    if unitriangular:
        t = t - t * np.eye(a.shape[-1], dtype=a.dtype) + np.eye(a.shape[-1], dtype=a.dtype)
    dtype = np.result_type(a, b)
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    t, b = np.broadcast_to(t, batch + t.shape[-2:]), np.broadcast_to(b, batch + b.shape[-2:])
    with np.errstate(all="ignore"):
        x = np.linalg.solve(t, b) if left else _mT(np.linalg.solve(_mT(t), _mT(b)))
    return as_array(x.astype(dtype))


def _lstsq_shape(a, b, rcond=None, driver=None):
    A, B = dims(a), dims(b)
    vector = len(B) == len(A) - 1
    batch = broadcast(A[:-2], B[:-1] if vector else B[:-2])
    return (batch + (A[-1],) + (() if vector else B[-1:])), (0,), batch, (0,)


@op("linalg_lstsq", "(Tensor self, Tensor b, float? rcond=None, *, str? driver=None) -> (Tensor solution, "
    "Tensor residuals, Tensor rank, Tensor singular_values)", shape=_lstsq_shape,
    dtype=each(promoted(0, 1), promoted(0, 1), fixed(INT64), real_same), api="torch", lower="lapack_calls.lower_lstsq",
    samples=lambda: [sample(s.f32(5, 3), s.f32(5, 2), None, None), sample(s.f64(2, 6, 3), s.f64(2, 6, 4), None, None),
                     sample(s.f32(4, 3), s.f32(4), None, None), sample(np.array([[1, 2], [2, 4], [3, 6]], np.float32),
                                                                     s.f32(3, 1), None, None)])
def linalg_lstsq(a, b, rcond=None, driver=None):
    """The least-squares solution (minimum norm where A is rank deficient) and each matrix's rank, as
    PyTorch's CPU default driver (gelsy) returns them: residuals and singular values empty."""
    _matrices("lstsq", a, square=False)
    dtype = np.result_type(a, b)
    vector = b.ndim == a.ndim - 1
    bm = b[..., None] if vector else b
    batch = np.broadcast_shapes(a.shape[:-2], bm.shape[:-2])
    am, bm = np.broadcast_to(a, batch + a.shape[-2:]), np.broadcast_to(bm, batch + bm.shape[-2:])
    cut = np.finfo(real_of(dtype)).eps * max(a.shape[-2:]) if rcond is None else rcond
    x = np.empty(batch + (a.shape[-1], bm.shape[-1]), dtype)
    rank = np.empty(batch, np.int64)
    for i in np.ndindex(*batch):
        x[i], _, rank[i], _ = np.linalg.lstsq(am[i], bm[i], rcond=cut)
    empty = np.empty((0,), dtype)
    return (as_array(x[..., 0] if vector else x), empty, as_array(rank), np.empty((0,), real_of(dtype)))


@op("linalg_matrix_exp", "(Tensor self) -> Tensor", shape=_square_shape, dtype=same_dtype, api="torch",
    aten="linalg_matrix_exp matrix_exp", numpy_only="scaling and squaring of a Taylor series with a data-dependent "
    "number of squarings",
    samples=lambda: [sample(s.f64(3, 3) * 0.3), sample(s.f64(2, 4, 4) * 2), sample(np.zeros((2, 2))),
                     sample(s.f64(0, 2, 2)), sample(s.f64(2, 3)),
                     sample(s.f32(3, 3) * 0.3, torch=False, note="PyTorch's bfloat16 matrix_exp overflows, and the "
                            "half-type tests take float32 samples as bfloat16; float64 samples compare with it")])
def linalg_matrix_exp(a):
    """exp(A) by scaling and squaring: A / 2^s has norm <= 1/2, where 18 Taylor terms reach float64's precision."""
    _matrices("matrix_exp", a)
    if a.size == 0:
        return np.empty(a.shape, a.dtype)
    m = a.astype(np.complex128 if a.dtype.kind == "c" else np.float64)
    norm = np.abs(m).sum(axis=-2).max(axis=-1)  # the 1-norm of each matrix
    squarings = np.maximum(0, np.ceil(np.log2(np.maximum(norm, 1e-300) * 2))).astype(int)
    out = np.empty_like(m)
    eye = np.eye(m.shape[-1], dtype=m.dtype)
    for i in np.ndindex(*m.shape[:-2]):
        x = m[i] / 2.0 ** squarings[i]
        term, total = eye, eye.copy()
        for k in range(1, 19):
            term = term @ x / k
            total = total + term
        for _ in range(squarings[i]):
            total = total @ total
        out[i] = total
    return as_array(out.astype(a.dtype))


def _linalg_vander(g, x, n=None):
    """torch.linalg.vander: increasing powers x^0 .. x^(N-1) along a new last dim, for a batch of vectors
    (torch.vander of the flattened batch, reshaped)."""
    shape = g.shape(x)
    n = (shape[-1] if shape else 1) if g.value(n) is None else g.value(n)
    if n <= 1:
        raise reject(g, RuntimeError("N must be greater than 1."))
    return g.reshape(g.vander(g.reshape(x, [-1]), n, True), [*shape, n])


defop("linalg_vander", "(Tensor x, *, int? N=None) -> Tensor", decompose=_linalg_vander, shape=BY_KERNEL,
      dtype=BY_KERNEL, api="torch",
      samples=lambda: [sample(s.f32(4), None), sample(s.f32(3), 5), sample(s.i64(4), 2), sample(s.f32(2, 3), None),
                       sample(s.f32(3), 1), sample(np.array(2.0, np.float32), None)])
