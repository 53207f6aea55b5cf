"""QR, the SVD and the symmetric eigenproblem, and what is built on them: linalg.qr, linalg.svd,
torch.svd, linalg.eigh / eigvalsh, linalg.pinv, torch.pinverse, linalg.matrix_rank.

The kernels run LAPACK through numpy on batches of matrices in the trailing two dims, with
PyTorch's checks and messages. qr, svd, eigh and eigvalsh (iterative or pivoting factorizations)
lower to one call of LAPACK each, as PyTorch's CPU kernels do (tsjit/lowering/lapack_calls.py:
geqrf + orgqr, gesdd, syevd; the C run time links scipy-openblas32's LAPACKE). pinv decomposes
into svd (eigh when hermitian), torch.svd into linalg.svd, pinverse into pinv, and matrix_rank
into singular values (one-sided Jacobi in C). Signs of eigenvectors and singular vectors are
LAPACK's, as in PyTorch, but OpenBLAS's LAPACK (numpy's, and C's) and the MKL of PyTorch's wheels
can choose them differently; the samples compare what does not depend on them.
"""
from __future__ import annotations

import numpy as np

from tsjit.dtypes import SCALAR_TYPE_CODES
from tsjit.kernels.promotion import INT64, as_array, real_of
from tsjit.ops import samples as s
from tsjit.ops.decomposition import NotDecomposable, reject
from tsjit.ops.matrix_factorizations import _matrices, _mT
from tsjit.ops.registry import defop, op, sample
from tsjit.ops.rules import BY_KERNEL, dims, each, fixed, real_same, same_dtype


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
    samples=lambda: [sample(s.f32(4, 3), "reduced"), sample(s.f32(3, 3), "r"), sample(s.f64(2, 3, 5), "complete"),
                     sample(s.f32(2, 1, 5, 3), "complete"), sample(s.f64(3, 4), "reduced"), sample(s.f32(2, 3), "bad"),
                     sample(s.i64(2, 2), "reduced")])
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


# -- torch.svd and torch.pinverse: the older forms ------------------------------------------------
def _svd(g, a, some=True, compute_uv=True):
    """linalg.svd with V = Vh^H (some: reduced); without compute_uv, the singular values and
    zero-filled m x m and n x n matrices, as PyTorch returns."""
    shape = g.shape(a)
    if len(shape) < 2:
        raise reject(g, RuntimeError("linalg.svd: The input tensor A must have at least 2 dimensions."))
    if not g.value(compute_uv):
        code = SCALAR_TYPE_CODES.get(g.dtype(a).name)
        batch, (m, n) = list(shape[:-2]), shape[-2:]
        return g.zeros([*batch, m, m], code), g.linalg_svdvals(a), g.zeros([*batch, n, n], code)
    u, sv, vh = g.linalg_svd(a, not g.value(some), None)
    return u, sv, g.mH(vh)


defop("svd", "(Tensor self, bool some=True, bool compute_uv=True) -> (Tensor U, Tensor S, Tensor V)",
      decompose=_svd, shape=BY_KERNEL, dtype=BY_KERNEL, api="torch Tensor",
      samples=lambda: [sample(s.f32(4, 3), True, True, torch=False, note="the singular vectors' signs are LAPACK's"),
                       sample(s.f64(2, 3, 5), False, False), sample(s.f32(3), True, True)])


def _pinverse(g, a, rcond=1e-15):
    return g.linalg_pinv(a, None, rcond, False)


defop("pinverse", "(Tensor self, float rcond=1e-15) -> Tensor", decompose=_pinverse, shape=BY_KERNEL,
      dtype=BY_KERNEL, api="torch Tensor",
      samples=lambda: [sample(s.f32(3, 4), 1e-15), sample(s.f64(2, 4, 3), 0.3), sample(s.i64(2, 2), 1e-15)])
