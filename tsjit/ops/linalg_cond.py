"""torch.linalg.eigvals and cond (a number or None p: linalg_cond; 'fro' / 'nuc': linalg_cond_str).

eigvals is LAPACK's geev through numpy, complex, numpy-only. cond is, as in PyTorch, s_max / s_min of
the singular values for p None / 2 (s_min / s_max for -2), sum(s) * sum(1 / s) for 'nuc', else
norm(A, p) * norm(A^-1, p) of square matrices, inf where A is singular (linalg_inv_ex's info). It
decomposes into singular values or matrix norms and the inverse, which compile to C; there a
singular matrix raises, as the inverse's lowering does, where the kernel gives inf as PyTorch.
"""
from __future__ import annotations

import numpy as np

from tsjit.dtypes import is_half, is_inexact
from tsjit.kernels.promotion import CODE_OF_DTYPE, as_array, complex_of, real_of, torch_name
from tsjit.ops import samples as s
from tsjit.ops.decomposition import NotDecomposable, reject
from tsjit.ops.linalg_status import _LAPACK, _matrices, _rank2, _spd, linalg_inv_ex
from tsjit.ops.registry import defop, op, sample
from tsjit.ops.rules import ShapeError, dims


def _eig_dtype(dtype):
    if not is_inexact(dtype):
        raise ShapeError(f"Unknown Complex ScalarType for {torch_name(dtype)}")
    return complex_of(dtype)


# -- eigvals, cond -------------------------------------------------------------------------------------

@op("linalg_eigvals", "(Tensor self) -> Tensor", shape=lambda a: _rank2(a, "linalg.eig")[:-1],
    dtype=lambda a: None if a.dtype is None else _eig_dtype(a.dtype), numpy_only=_LAPACK + " (and a complex result)",
    api="torch",
    samples=lambda: [sample(_spd(3)), sample(np.array([[0.0, -1.0], [1.0, 0.0]], np.float32)),
                     sample(np.diag(np.array([3.0, 1.0, 2.0])).astype(np.float64)), sample(s.f32(0, 2, 2)),
                     sample(s.f32(2, 3)), sample(s.i64(2, 2))])
def linalg_eigvals(a):
    """The eigenvalues of each square matrix, complex (LAPACK geev's order, as PyTorch)."""
    if is_inexact(a.dtype) or a.ndim < 2:
        _matrices("linalg.eig", a)
    else:
        raise RuntimeError(f"Unknown Complex ScalarType for {torch_name(a.dtype)}")
    out = np.dtype(np.complex64 if a.dtype in (np.float32, np.complex64) else np.complex128)
    if a.size == 0:
        return np.empty(a.shape[:-1], out)
    return as_array(np.linalg.eigvals(a).astype(out))


_NORM_P = ("fro", "nuc", np.inf, -np.inf, 1, -1)


def _cond_kernel(name):
    def kernel(a, p=None):
        """The condition number: s_max / s_min (p None or 2; s_min / s_max for -2) from the singular values,
        else norm(A, p) * norm(A^-1, p) of square matrices (inf for a singular one)."""
        if p is not None and p not in (2, -2) + _NORM_P:
            raise RuntimeError(f"linalg.cond got an invalid norm type: {p}")
        svd = p is None or p in (2, -2)
        if a.ndim < 2:
            raise RuntimeError("linalg.cond: The input tensor A must have at least 2 dimensions.")
        if not is_inexact(a.dtype):
            raise RuntimeError(f"linalg.{'svd' if svd else 'inv_ex'}: Expected a floating point or complex tensor as "
                               f"input. Got {torch_name(a.dtype)}")
        real = real_of(a.dtype)
        if not svd:
            _matrices(f"linalg.cond(ord={p})", a)
        if a.size == 0:
            return np.zeros(a.shape[:-2], real)
        if is_half(a.dtype):  # as the kernels PyTorch's cond calls refuse them
            raise (NotImplementedError(f'"linalg_svd_cpu" not implemented for \'{torch_name(a.dtype)}\'') if svd else
                   RuntimeError(f"linalg.inv: Low precision dtypes not supported. Got {torch_name(a.dtype)}"))
        with np.errstate(all="ignore"):
            if p == "nuc":  # as PyTorch: sum(s) * sum(1 / s) (no inverse, so a singular A gives no inf)
                sv = np.linalg.svd(a, compute_uv=False)
                return as_array((sv.sum(-1) * (1 / sv).sum(-1)).astype(real))
            if svd:
                sv = np.linalg.svd(a, compute_uv=False)
                hi, lo = sv[..., 0], sv[..., -1]
                return as_array((lo / hi if p == -2 else hi / lo).astype(real))
            inv, info = linalg_inv_ex(a)
            inv = np.where((info > 0)[..., None, None], 0, inv)  # (finite, for the norm's SVD; the result is inf)
            out = np.linalg.norm(a, p, axis=(-2, -1)) * np.linalg.norm(inv, p, axis=(-2, -1))
            return as_array(np.where(info > 0, np.inf, out).astype(real))
    kernel.__name__ = name
    return kernel


def _cond(g, a, p):
    """Singular values (p None / 2 / -2) or the norms of A and its inverse (a singular A raises here)."""
    p = g.value(p)
    if is_inexact(g.dtype(a)) and g.dim(a) >= 2 and 0 in g.shape(a) and not is_half(g.dtype(a)):
        return g.zeros(list(g.shape(a)[:-2]), CODE_OF_DTYPE[real_of(g.dtype(a))])
    if not is_inexact(g.dtype(a)) or is_half(g.dtype(a)) or g.dim(a) < 2 or 0 in g.shape(a) or (
            p is not None and p not in (2, -2) + _NORM_P) or (
            p not in (None, 2, -2) and g.shape(a)[-1] != g.shape(a)[-2]):
        raise reject(g, NotDecomposable("the kernel raises or gives an empty result"))
    if p is None or p in (2, -2):
        sv = g.linalg_svdvals(a, None)
        hi, lo = g.select(sv, -1, 0), g.select(sv, -1, -1)
        return g.div(lo, hi) if p == -2 else g.div(hi, lo)
    if p == "nuc":
        sv = g.linalg_svdvals(a, None)
        return g.mul(g.sum(sv, [-1], False, None), g.sum(g.reciprocal(sv), [-1], False, None))
    norm = g.linalg_matrix_norm_str if isinstance(p, str) else g.linalg_matrix_norm
    return g.mul(norm(a, p, [-2, -1], False, None), norm(g.inverse(a), p, [-2, -1], False, None))


def _cond_samples(ps):
    well = s.f32(3, 3) + 3 * np.eye(3, dtype=np.float32)
    return lambda: ([sample(well, p) for p in ps] + [sample(s.f64(2, 4, 4) + 4 * np.eye(4), ps[0]),
                                                     sample(s.f32(0, 3, 3), ps[0]), sample(s.i64(2, 2), ps[0])]
                    + ([sample(s.f32(2, 3), None), sample(s.f32(2, 3), 1), sample(well, 3)] if None in ps else []))


def _cond_shape(a, p=None):
    return dims(a)[:-2]


def _cond_dtype(a, p=None):
    return real_of(a.dtype)


defop("linalg_cond", "(Tensor self, Scalar? p=None) -> Tensor", _cond_kernel("linalg_cond"), decompose=_cond,
      shape=_cond_shape, dtype=_cond_dtype, samples=_cond_samples([None, 2, -2, 1, -1, np.inf, -np.inf]))
defop("linalg_cond_str", "(Tensor self, str p) -> Tensor", _cond_kernel("linalg_cond_str"), decompose=_cond,
      shape=_cond_shape, dtype=_cond_dtype, aten="linalg_cond", samples=_cond_samples(["fro", "nuc"]))
