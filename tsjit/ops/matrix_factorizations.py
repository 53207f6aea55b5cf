"""torch.linalg's Cholesky family, solves and the rest: cholesky, cholesky_solve / cholesky_inverse,
solve_triangular, lstsq, matrix_exp and vander (QR, SVD, eigh and what is built on them are in
orthogonal_factorizations.py).

The kernels run LAPACK through numpy on batches of matrices in the trailing two dims, with
PyTorch's checks and messages. Cholesky and triangular solves lower to loops (real float32 and
float64; tsjit/lowering/triangular.py), cholesky_solve and cholesky_inverse decompose into
triangular solves, and vander is a decomposition too. lstsq (a pivoting factorization) lowers to
one call of LAPACK's gelsy, PyTorch's CPU default driver (tsjit/lowering/lapack_calls.py: the C
run time links scipy-openblas32's LAPACKE). matrix_exp of real matrices decomposes into its kernel's
steps, the squarings a loop with a run-time condition (a data-dependent count: scf.while in C).
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


_TAYLOR_TERMS = 18


def _matrix_exp(g, a):
    """The kernel's scaling and squaring in ts ops, in float64: A / 2^s (s per matrix, from its 1-norm),
    18 Taylor terms, then s squarings; a batch squares while any matrix has squarings left (a loop of
    the largest s iterations), each matrix only for its own s."""
    shape = g.shape(a)
    if len(shape) < 2 or shape[-1] != shape[-2] or g.dtype(a).name not in ("float32", "float64"):
        raise NotDecomposable("matrix_exp in ts ops takes batches of square float32/64 matrices")
    if 0 in shape:
        return g.clone(a)
    single = g.dtype(a).name == "float32"
    m = g.to(a, 7) if single else a
    norm = g.amax(g.sum(g.abs(m), [-2]), [-1])
    s = g.ceil(g.log2(g.mul(g.clamp(norm, 1e-300, None), 2.0)))
    s = g.where(g.isfinite(s), g.clamp(s, 0, None), 0.0)  # an inf or NaN norm: no squarings, as the kernel
    x = g.mul(m, g.unsqueeze(g.unsqueeze(g.exp2(g.neg(s)), -1), -1))
    term = total = g.eye(shape[-1], dtype=7)
    for k in range(1, _TAYLOR_TERMS + 1):
        term = g.div(g.matmul(term, x), float(k))
        total = g.add(total, term)

    def square(g, total, left):
        on = g.unsqueeze(g.unsqueeze(g.gt(left, 0.0), -1), -1)
        total = g.where(on, g.matmul(total, total), total)
        left = g.sub(left, 1.0)
        return [g.to_bool(g.any(g.gt(left, 0.0))), total, left]

    total, _ = g.loop_while(g.to_bool(g.any(g.gt(s, 0.0))), [total, s], square)
    return g.to(total, 6) if single else total


@op("linalg_matrix_exp", "(Tensor self) -> Tensor", shape=_square_shape, dtype=same_dtype, api="torch",
    aten="linalg_matrix_exp matrix_exp", decompose=_matrix_exp,
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
        for k in range(1, _TAYLOR_TERMS + 1):
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
