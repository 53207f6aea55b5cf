"""torch.linalg ops beyond the norms (tsjit/ops/norms.py has the norms, cross and det):
inverse, linalg_solve, linalg_vecdot, matrix_power.

The kernels of inverse and solve run LAPACK through numpy; compiled, they are Gauss-Jordan
elimination with partial pivoting (tsjit/lowering/linalg.py). vecdot and matrix_power are
compositions of mul/sum and matmul, so they lower wherever those do. Inputs are
batches of matrices in the trailing two dims; the checks and messages are PyTorch's.
"""
from __future__ import annotations

import numpy as np

from tsjit.dtypes import SCALAR_TYPE_CODES, is_inexact
from tsjit.kernels.promotion import as_array, torch_name
from tsjit.ops import samples as s
from tsjit.ops.decomposition import reject
from tsjit.ops.registry import defop, op, sample
from tsjit.ops.rules import ShapeError, broadcast, dims, promoted, same, same_dtype


#: PyTorch's errors for a singular matrix (the lowerings report them from compiled code too)
SINGULAR_INVERSE = ("linalg.inv: The diagonal element 1 is zero, the inversion could not be completed because the "
                    "input matrix is singular.")
SINGULAR_SOLVE = "torch.linalg.solve: The solver failed because the input matrix is singular."


def _square(name: str, a: np.ndarray, what: str = "A") -> None:
    if a.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor {what} must have at least 2 dimensions.")
    if not is_inexact(a.dtype):
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got {torch_name(a.dtype)}")
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"{name}: {what} must be batches of square matrices, but they are {a.shape[-2]} by "
                           f"{a.shape[-1]} matrices")


def _inv_shape(a):
    return dims(a)


@op("inverse", "(Tensor self) -> Tensor", shape=_inv_shape, dtype=same_dtype, aten="linalg_inv inverse",
    api="torch Tensor", lower="linalg.lower_inverse",
    samples=lambda: [sample(s.f32(3, 3) + 3 * np.eye(3, dtype=np.float32)), sample(s.f64(2, 4, 4) + 4 * np.eye(4)),
                     sample(s.f32(0, 3, 3)), sample(s.f32(2, 0, 0)), sample(s.f32(1, 1) + 2),
                     sample(np.array([[0, 2, 0], [1, 0, 0], [0, 0, 3]], np.float32)),
                     sample(s.strided(3, 3) + 4 * np.eye(3, dtype=np.float32)),
                     sample(s.f32(2, 3)), sample(s.i64(2, 2)), sample(s.f32(3)), sample(np.ones((2, 2), np.float32))])
def inverse(a):
    """The inverse of each square matrix of the batch; a singular one raises, as in PyTorch."""
    _square("linalg.inv", a)
    if a.size == 0:
        return np.empty(a.shape, a.dtype)
    try:
        return as_array(np.linalg.inv(a).astype(a.dtype, copy=False))
    except np.linalg.LinAlgError:
        raise RuntimeError(SINGULAR_INVERSE) from None


def _solve_shape(a, b, left=True):
    A, B = dims(a), dims(b)
    if len(A) < 2:
        raise ShapeError("linalg.solve: A must have at least 2 dimensions")
    vector = len(B) == 1 or len(B) == len(A) - 1 and B == A[:-1]
    if vector:
        return broadcast(A[:-2], B[:-1]) + B[-1:]
    return broadcast(A[:-2], B[:-2]) + B[-2:]


@op("linalg_solve", "(Tensor A, Tensor B, *, bool left=True) -> Tensor", shape=_solve_shape, dtype=promoted(0, 1),
    lower="linalg.lower_solve", api="torch",
    samples=lambda: [sample(s.f32(3, 3) + 3 * np.eye(3, dtype=np.float32), s.f32(3, 2), True),
                     sample(s.f32(2, 3, 3) + 3 * np.eye(3, dtype=np.float32), s.f32(2, 3), True),
                     sample(s.f64(4, 4) + 4 * np.eye(4), s.f64(4), True),
                     sample(s.f32(3, 3) + 3 * np.eye(3, dtype=np.float32), s.f32(2, 3, 4), True),
                     sample(s.f32(2, 1, 3, 3) + 3 * np.eye(3, dtype=np.float32), s.f32(4, 3, 2), True),
                     sample(s.f32(2, 3, 3) + 3 * np.eye(3, dtype=np.float32), s.f32(2, 4, 3), False),
                     sample(s.f32(0, 3, 3), s.f32(0, 3, 2), True), sample(s.f32(3, 3), s.f32(3, 0), True),
                     sample(s.f32(3, 3), s.f32(3), False), sample(s.f32(3, 3), s.f64(3), True),
                     sample(s.f32(2, 3), s.f32(2, 2), True), sample(s.i64(2, 2), s.i64(2), True)])
def linalg_solve(a, b, left=True):
    """X with A X = B, or X A = B for left=False (B a batch of vectors when it is one dim short of A's
    batch of matrices); a singular A raises, as in PyTorch."""
    if not is_inexact(a.dtype) or not is_inexact(b.dtype):
        bad = a if not is_inexact(a.dtype) else b
        raise RuntimeError(f"linalg.solve: Expected a floating point or complex tensor as input. Got "
                           f"{torch_name(bad.dtype)}")
    if a.dtype != b.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A of type "
                           f"{torch_name(a.dtype)} and B of type {torch_name(b.dtype)} instead")
    _square("linalg.solve", a)
    if not left:
        return np.swapaxes(linalg_solve(np.swapaxes(a, -1, -2), np.swapaxes(b, -1, -2)), -1, -2)
    dtype = np.result_type(a, b)
    vector = b.ndim == 1 or b.ndim == a.ndim - 1 and b.shape == a.shape[:-1]
    rhs = b[..., None] if vector else b
    if rhs.shape[-2] != a.shape[-1]:
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation AX = B "
                           f"({a.shape[-2]}x{a.shape[-1]} and {rhs.shape[-2]}x{rhs.shape[-1]})")
    batch = np.broadcast_shapes(a.shape[:-2], rhs.shape[:-2])
    A = np.broadcast_to(a, batch + a.shape[-2:]).astype(dtype)
    B = np.broadcast_to(rhs, batch + rhs.shape[-2:]).astype(dtype)
    try:
        x = np.linalg.solve(A, B) if A.size and B.size else np.zeros(B.shape, dtype)
    except np.linalg.LinAlgError:
        raise RuntimeError(SINGULAR_SOLVE) from None
    return as_array((x[..., 0] if vector else x).astype(dtype, copy=False))


def _vecdot(g, x, y, dim=-1):
    d = g.value(dim)
    for t in (x, y):
        if not is_inexact(g.dtype(t)):
            raise reject(g, RuntimeError(f"linalg.vecdot: Expected a floating point or complex tensor as input. "
                                         f"Got {torch_name(g.dtype(t))}"))
    if g.dtype(x) != g.dtype(y):
        raise reject(g, RuntimeError(f"linalg.vecdot: Expected x and y to have the same dtype, but found "
                                     f"x of type {torch_name(g.dtype(x))} and y of type {torch_name(g.dtype(y))} "
                                     "instead"))
    return g.sum(g.mul(g.conj(x) if g.dtype(x).kind == "c" else x, y), [d], False)


def _vecdot_shape(x, y, dim=-1):
    shape = broadcast(dims(x), dims(y))
    if not shape:
        raise ShapeError("linalg.vecdot: the inputs must have at least one dimension")
    d = dim + len(shape) if dim < 0 else dim
    return shape[:d] + shape[d + 1:]


defop("linalg_vecdot", "(Tensor x, Tensor y, *, int dim=-1) -> Tensor", decompose=_vecdot, shape=_vecdot_shape,
      dtype=promoted(0, 1), api="torch",
      samples=lambda: [sample(s.f32(3, 4), s.f32(3, 4), -1), sample(s.f32(3, 4), s.f32(4), -1),
                       sample(s.f64(2, 3), s.f64(2, 3), 0), sample(s.i64(2, 3), s.i64(2, 3), 1),
                       sample(s.f32(0, 3), s.f32(0, 3), -1), sample(s.f32(3), s.f64(3), 0)])


def _matrix_power(g, x, n):
    k = g.value(n)
    shape = g.shape(x)
    if len(shape) < 2 or shape[-1] != shape[-2]:
        raise reject(g, RuntimeError("linalg.matrix_power: A must be batches of square matrices, but they are "
                                     + (f"{shape[-2]} by {shape[-1]} matrices" if len(shape) >= 2 else
                                        f"{len(shape)}-dimensional")))
    if k == 0:
        eye = g.eye(shape[-1], dtype=SCALAR_TYPE_CODES.get(g.dtype(x).name))
        return g.add(g.zeros_like(x), eye)
    base = x if k > 0 else g.inverse(x)
    out, power, k = None, base, abs(k)
    while k:
        if k & 1:
            out = power if out is None else g.matmul(out, power)
        k >>= 1
        if k:
            power = g.matmul(power, power)
    return out


defop("matrix_power", "(Tensor self, int n) -> Tensor", decompose=_matrix_power, shape=same, dtype=same_dtype,
      aten="matrix_power linalg_matrix_power", api="torch Tensor",
      samples=lambda: [sample(s.f32(3, 3), 3), sample(s.f64(2, 4, 4), 2), sample(s.f32(3, 3), 0), sample(s.f32(3, 3), 1),
                       sample(s.f32(3, 3) + 3 * np.eye(3, dtype=np.float32), -2), sample(s.i64(2, 2), 2),
                       sample(s.f32(2, 3), 2), sample(s.f32(0, 2, 2), 5)])
