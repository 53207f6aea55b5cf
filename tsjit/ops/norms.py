"""Vector and matrix norms and related ops: linalg_vector_norm, frobenius_norm, linalg_norm (with
linalg_svdvals for the spectral and nuclear norms), renorm, linalg_cross, linalg_det, logcumsumexp.

Norms take floating inputs only (PyTorch has no integer kernel) and sum in the input's dtype, or in
`dtype` when one is given (which must not narrow the input's). The decomposable ones are written
with abs/pow/sum/amax/sqrt, so they lower wherever those do; a check PyTorch makes on shapes or
dtypes raises eagerly and, in IR, leaves the op to its kernel (decomposition.reject).
linalg_svdvals and det run LAPACK through numpy in their kernels; compiled, they are one-sided Jacobi
(tsjit/lowering/singular_values.py) and Gaussian elimination (tsjit/lowering/linalg.py).
"""
from __future__ import annotations

import math

import numpy as np

from tsjit.dtypes import is_float, is_inexact
from tsjit.kernels.dims import check_broadcast, wrap_dim, wrap_dims
from tsjit.kernels.ufuncs import complex_logaddexp
from tsjit.kernels.promotion import (
    CODE_OF_DTYPE, as_array, cpu_accumulate_type, dtype_of, not_implemented, promote_types, real_of, torch_name,
)
from tsjit.ops import samples as s
from tsjit.ops.decomposition import reject
from tsjit.ops.registry import defop, op, sample
from tsjit.ops.rules import (
    broadcast, dims, from_arg, promoted, real_float, reduced, reduction, same, same_dtype,
)

_F64 = CODE_OF_DTYPE[np.dtype(np.float64)]
_F32 = CODE_OF_DTYPE[np.dtype(np.float32)]
_I64 = CODE_OF_DTYPE[np.dtype(np.int64)]


def _ord_str(p) -> str:
    """A Scalar as PyTorch prints it in messages (2, 1.5, inf, -inf)."""
    if isinstance(p, float) and p.is_integer():
        return str(int(p))
    return str(p)


def _vector_norm(g, x, ord=2, dim=None, keepdim=False, dtype=None):
    """|x|_p over `dim` (None or []: every dim): sum of |x|^p to the 1/p, with the max/min of |x| for
    +-inf and the count of non-zeros for 0; computed in `dtype` when given."""
    p, dim, keepdim, dtype = g.value(ord), g.value(dim), g.value(keepdim), g.value(dtype)
    src = g.dtype(x)
    if not is_inexact(src):
        raise reject(g, RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. "
                                     f"Got {torch_name(src)}"))
    if dtype is not None:
        target = dtype_of(dtype)
        if not is_float(target):
            raise reject(g, RuntimeError(f"linalg.vector_norm: dtype should be floating point or complex, but got "
                                         f"{torch_name(target)}"))
        if promote_types(src, target) != target:
            raise reject(g, RuntimeError(f"linalg.vector_norm: the dtype of the input ({torch_name(src)}) should be "
                                         f"convertible without narrowing to the specified dtype ({torch_name(target)})"))
        x = g.to(x, dtype)
    shape = g.shape(x)
    try:
        axes = wrap_dims(dim if dim else None, len(shape)) if shape else ()
        if shape == () and dim:
            wrap_dims(dim, 0)
    except (IndexError, RuntimeError) as e:
        raise reject(g, e) from None
    if p < 0 or math.isinf(p):
        if not dim and 0 in shape:
            raise reject(g, RuntimeError(f"linalg.vector_norm cannot compute the {_ord_str(p)} norm on an empty "
                                         f"tensor because the operation does not have an identity"))
        for d in axes:
            if shape[d] == 0:
                raise reject(g, RuntimeError(f"linalg.vector_norm cannot compute the {_ord_str(p)} norm on the "
                                             f"dimension {d}because this dimension is empty and the operation does "
                                             f"not have an identity"))
    axes = sorted(axes)
    if p == 0:
        return g.sum(g.ne(x, 0), axes, keepdim, CODE_OF_DTYPE[real_of(g.dtype(x))])
    a = g.abs(x)
    if math.isinf(p):
        return (g.amax if p > 0 else g.amin)(a, axes, keepdim)
    if p == 1:
        return g.sum(a, axes, keepdim)
    if p == 2:
        return g.sqrt(g.sum(g.mul(a, a), axes, keepdim))
    return g.pow(g.sum(g.pow(a, p), axes, keepdim), 1.0 / p)


def _vector_norm_samples():
    inf = math.inf
    return [sample(s.f32(3, 4), 2, None, False, None), sample(s.f32(3, 4), 2, [1], True, None),
            sample(s.f32(3, 4, 2), 3.5, [0, -1], False, None), sample(s.f32(3, 4), inf, [0], False, None),
            sample(s.f32(3, 4), -inf, [-1], True, None), sample(s.f32(3, 4) * s.mask(3, 4), 0, [1], False, None),
            sample(s.f32(3, 4), 1, [], False, None), sample(s.f32(3, 4), -1.5, [1], False, None),
            sample(s.f32(3, 4), 0.5, None, True, None), sample(s.special(), 2, [1], False, None),
            sample(s.special(), 1, [0], False, None), sample(s.special(), inf, [1], False, None),
            sample(s.special(), -1, [1], False, None), sample(s.special(), 0, [0], False, None),
            sample(s.f32(3, 4), 2, [1], False, _F64), sample(s.f64(3, 4), 2, [1], False, _F32),
            sample(s.f32(3, 4), 2, [1], False, _I64), sample(s.i64(3, 4), 2, None, False, None),
            sample(s.mask(3), 2, None, False, None), sample(s.f64(5), 3, None, False, None),
            sample(np.array(s.f32(1)[0]), 2, [0], False, None), sample(np.array(-2.5, np.float32), 1, [-1], True, None),
            sample(np.array(2.5, np.float32), 1, [1], True, None), sample(s.f32(0, 3), 2, [0], False, None),
            sample(s.f32(0, 3), 2, None, False, None), sample(s.f32(0, 3), inf, [1], False, None),
            sample(s.f32(0, 3), inf, [0], False, None), sample(s.f32(0, 3), -1, None, False, None),
            sample(s.f32(3, 4), 2, [1, -1], False, None), sample(s.f32(3, 4), 2, [2], False, None),
            sample(s.strided(3, 4), 2, [0], False, None)]


defop("linalg_vector_norm", "(Tensor self, Scalar ord=2, int[]? dim=None, bool keepdim=False, *, "
      "ScalarType? dtype=None) -> Tensor", decompose=_vector_norm, shape=reduction(2, 3), dtype=from_arg(4, real_float),
      api="torch", samples=_vector_norm_samples)


def _frobenius_norm(g, x, dim, keepdim=False):
    """aten::frobenius_norm.dim: the 2-norm over at most two dims ([] for every dim)."""
    dim = g.value(dim)
    if len(dim) > 2:
        raise reject(g, RuntimeError(f"Expected at most 2 dimensions, but got {len(dim)} dimensions instead."))
    if not is_inexact(g.dtype(x)):
        raise reject(g, RuntimeError(f"norm(): input dtype should be either floating point or complex. Got "
                                     f"{torch_name(g.dtype(x))} instead."))
    return g.linalg_vector_norm(x, 2, dim, keepdim, None)


defop("frobenius_norm", "(Tensor self, int[] dim, bool keepdim=False) -> Tensor", decompose=_frobenius_norm,
      shape=reduction(1, 2), dtype=real_float, api="torch",
      samples=lambda: [sample(s.f32(3, 4), [0, 1], False), sample(s.f32(3, 4), [1], True),
                       sample(s.f32(2, 3, 4), [-1, 0], False), sample(s.f32(3, 4), [], False),
                       sample(s.special(), [1], False), sample(s.f64(0, 3), [0], True),
                       sample(s.f32(3, 4, 2), [0, 1, 2], False), sample(s.i64(2, 2), [0, 1], False),
                       sample(np.array(1.5, np.float32), [0], False)])


# -- matrix norms ---------------------------------------------------------------------------------

def _svdvals_shape(x, driver=None):
    sizes = dims(x)
    if len(sizes) < 2:
        return sizes  # the kernel raises
    return sizes[:-2] + (min(sizes[-2:]),)


@op("linalg_svdvals", "(Tensor A, *, str? driver=None) -> Tensor", shape=_svdvals_shape, dtype=real_float,
    lower="singular_values.lower_svdvals", api="torch",
    samples=lambda: [sample(s.f32(3, 4), None), sample(s.f64(2, 4, 3), None), sample(s.f32(2, 0, 3), None),
                     sample(s.f32(3), None), sample(s.i64(3, 3), None), sample(np.eye(3, dtype=np.float32), None),
                     sample(s.strided(5, 3), None), sample(np.ones((3, 4), np.float32), None),
                     sample(s.f32(1, 1), None), sample(s.f32(0, 3, 3), None), sample(np.zeros((2, 2), np.float32), None),
                     sample(s.f32(2, 6, 6), None)])
def linalg_svdvals(a, driver=None):
    """The singular values of each matrix of the batch, largest first."""
    if a.ndim < 2:
        raise RuntimeError("linalg.svd: The input tensor A must have at least 2 dimensions.")
    if not is_inexact(a.dtype):
        raise RuntimeError(f"linalg.svd: Expected a floating point or complex tensor as input. Got "
                           f"{torch_name(a.dtype)}")
    if a.size == 0:
        return np.zeros(a.shape[:-2] + (min(a.shape[-2:]),), real_of(a.dtype))
    return as_array(np.linalg.svd(a, compute_uv=False).astype(real_of(a.dtype), copy=False))


def _matrix_norm(g, x, p, d0, d1, keepdim):
    """fro, nuc, +-1 (max/min column sum), +-inf (max/min row sum), +-2 (largest/smallest singular value)."""
    if p == "fro":
        return g.linalg_vector_norm(x, 2, [d0, d1], keepdim, None)
    if p in ("nuc", 2, -2, 2.0, -2.0):
        n = g.dim(x)
        moved = g.movedim(x, [d0, d1], [n - 2, n - 1])
        sv = g.linalg_svdvals(moved, None)
        empty = 0 in g.shape(sv)[-1:]  # an empty matrix's norm is 0 (its smallest singular value an error)
        out = g.sum(sv, [-1]) if p == "nuc" or empty and p > 0 else (g.amax if p > 0 else g.amin)(sv, [-1])
        if keepdim:
            for d in sorted((d0, d1)):
                out = g.unsqueeze(out, d)
        return out
    if p not in (1, -1, math.inf, -math.inf):
        raise reject(g, RuntimeError(f"linalg.matrix_norm: Order {_ord_str(p)} not supported."))
    summed, picked = (d0, d1) if abs(p) == 1 else (d1, d0)
    sums = g.sum(g.abs(x), [summed], True)
    extreme = g.sum if g.shape(x)[picked] == 0 and p > 0 else g.amax if p > 0 else g.amin  # empty: 0 (as torch)
    out = extreme(sums, [picked], True)
    return out if keepdim else g.squeeze(g.squeeze(out, max(d0, d1)), min(d0, d1))


def _linalg_norm(g, x, ord=None, dim=None, keepdim=False, dtype=None):
    """A vector norm over one dim (or the flattened input), a matrix norm over two (PyTorch's choice)."""
    p, dim, keepdim = g.value(ord), g.value(dim), g.value(keepdim)
    n = g.dim(x)
    if dim is not None and len(dim) not in (1, 2):
        raise reject(g, RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. Got "
                                     f"{list(dim)}"))
    if dim is None and p is not None and n not in (1, 2):
        raise reject(g, RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
                                     f"Got {n}D."))
    if dim is None and p is not None:
        dim = list(range(n))
    if dim is None or len(dim) == 1:
        if isinstance(p, str):
            raise reject(g, RuntimeError(f"linalg.vector_norm: ord must be a number, not '{p}'"))
        return g.linalg_vector_norm(x, 2 if p is None else p, dim, keepdim, g.value(dtype))
    src = g.dtype(x)
    if not is_inexact(src):
        raise reject(g, RuntimeError(f"linalg.matrix_norm: Expected a floating point or complex tensor as input. "
                                     f"Got {torch_name(src)}"))
    if n < 2:
        raise reject(g, RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions."))
    try:
        d0, d1 = wrap_dim(dim[0], n), wrap_dim(dim[1], n)
    except IndexError as e:
        raise reject(g, e) from None
    if d0 == d1:
        raise reject(g, RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, {dim[1]})"))
    if g.value(dtype) is not None:
        x = g.to(x, g.value(dtype))
    return _matrix_norm(g, x, "fro" if p is None else p, d0, d1, keepdim)


def _norm_shape(x, ord, dim, keepdim, dtype):
    if dim is None and ord is not None:
        return reduced(x, list(range(len(dims(x)))), keepdim)
    return reduced(x, dim, keepdim)


def _linalg_norm_samples(ords):
    def make():
        return [sample(s.f32(3, 4), ords[0], None, False, None), *(sample(s.f32(3, 4), p, None, False, None)
                                                                   for p in ords[1:]),
                *(sample(s.f32(2, 3, 4), p, [0, 2], True, None) for p in ords),
                sample(s.special(), ords[0], [-1, 0], False, None), sample(s.f64(3, 3), ords[-1], [1, 0], False, None),
                sample(s.f32(2, 3), ords[0], [1, 1], False, None), sample(s.f32(3), ords[0], [0, 1], False, None),
                sample(s.f32(2, 3, 4), ords[0], None, False, None), sample(s.i64(3, 3), ords[0], None, False, None),
                sample(s.f32(3, 4), ords[0], [0, 1], False, _F64), sample(s.f32(3, 4), ords[0], [0, 1, 1], False, None)]
    return make


def _vector_cases():
    return [sample(s.f32(3, 4), None, None, False, None), sample(s.f32(2, 3, 4), None, None, True, None),
            sample(s.f32(5), 3, None, False, None), sample(s.f32(3, 4), 0.5, [1], False, None),
            sample(s.f32(3, 4), None, [-1], True, _F64), sample(s.f32(3, 4), None, [0, 1], True, None),
            sample(s.f32(0, 3), None, [0, 1], False, None), sample(s.f32(0, 3), math.inf, [0], False, None),
            *(sample(s.f32(0, 3), p, [0, 1], False, None) for p in (1, -1, math.inf, -math.inf, 2, -2)),
            *(sample(s.f32(3, 0), p, [0, 1], True, None) for p in (1, -1, math.inf, -math.inf, 2, -2))]


defop("linalg_norm", "(Tensor self, Scalar? ord=None, int[]? dim=None, bool keepdim=False, *, "
      "ScalarType? dtype=None) -> Tensor", decompose=_linalg_norm, shape=_norm_shape, dtype=from_arg(4, real_float),
      samples=s.joined(_linalg_norm_samples([1, 2, -1, math.inf, -math.inf, -2, 3]), _vector_cases))
defop("linalg_norm_str", "(Tensor self, str ord, int[]? dim=None, bool keepdim=False, *, "
      "ScalarType? dtype=None) -> Tensor", decompose=_linalg_norm, shape=_norm_shape, dtype=from_arg(4, real_float),
      aten="linalg_norm", samples=s.joined(_linalg_norm_samples(["fro", "nuc"]),
                                           lambda: [sample(s.f32(5), "fro", None, False, None),
                                                    sample(s.f32(3, 4), "fro", [1], False, None)]))


# -- renorm, cross, det, logcumsumexp -------------------------------------------------------------

def _renorm(g, x, p, dim, maxnorm):
    """Each slice along `dim` whose p-norm (over the other dims) exceeds maxnorm is scaled to
    maxnorm / (norm + 1e-7), as ATen's renorm."""
    p, dim, maxnorm = g.value(p), g.value(dim), g.value(maxnorm)
    n = g.dim(x)
    if p <= 0:
        raise reject(g, RuntimeError("renorm: non-positive-norm not supported"))
    if maxnorm < 0:
        raise reject(g, RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {_ord_str(maxnorm)}"))
    if n <= 1:
        raise reject(g, RuntimeError(f"renorm: input needs at least 2 dimensions, got {n} dimensions"))
    try:
        d = wrap_dim(dim, n)
    except IndexError as e:
        raise reject(g, e) from None
    norm = g.linalg_vector_norm(x, p, [i for i in range(n) if i != d], True, None)
    factor = g.where(g.gt(norm, maxnorm), g.mul(g.reciprocal(g.add(norm, 1e-7)), maxnorm), 1.0)
    return g.mul(x, factor)


defop("renorm", "(Tensor self, Scalar p, int dim, Scalar maxnorm) -> Tensor", decompose=_renorm, shape=same,
      dtype=same_dtype, api="torch Tensor",
      samples=lambda: [sample(s.f32(3, 4), 2, 0, 1.0), sample(s.f32(3, 4, 2) * 3, 1, -1, 2.5),
                       sample(s.f32(3, 4), math.inf, 1, 0.5), sample(s.f64(2, 3), 3, 0, 1),
                       sample(s.f32(3, 4), 2, 0, 100.0), sample(s.special(), 2, 0, 1.0),
                       sample(s.f32(0, 3), 2, 0, 1.0), sample(s.f32(3, 4), 0, 0, 1.0), sample(s.f32(3, 4), -1, 0, 1.0),
                       sample(s.f32(3, 4), 2, 0, -1.0), sample(s.f32(3), 2, 0, 1.0),
                       sample(np.array(2.0, np.float32), 2, 0, 1.0), sample(s.i64(2, 3), 2, 0, 1.0),
                       sample(s.f32(3, 4), 2, 2, 1.0), sample(s.f32(3, 4), 2, 0, 0.0)])


def _cross(g, x, other, dim=-1):
    """x × other along `dim` (of length 3): operands of one rank and dtype, broadcast in the other dims."""
    n, dim = g.dim(x), g.value(dim)
    if g.dim(other) != n:
        raise reject(g, RuntimeError("linalg.cross: inputs must have the same number of dimensions."))
    try:
        d = wrap_dim(dim, n)
    except IndexError as e:
        raise reject(g, e) from None
    a, b = g.shape(x)[d] if n else 1, g.shape(other)[d] if n else 1
    if a != 3 or b != 3:
        raise reject(g, RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {a} and {b}"))
    try:
        check_broadcast(g.shape(x), g.shape(other))
    except RuntimeError as e:
        raise reject(g, e) from None
    if g.dtype(x) != g.dtype(other):
        raise reject(g, RuntimeError(f"expected scalar type {torch_name(g.dtype(x))} but found "
                                     f"{torch_name(g.dtype(other))}"))
    if g.dtype(x).kind == "b":
        raise reject(g, not_implemented("cross", g.dtype(x)))
    xs = [g.narrow(x, d, i, 1) for i in range(3)]
    ys = [g.narrow(other, d, i, 1) for i in range(3)]
    parts = [g.sub(g.mul(xs[(i + 1) % 3], ys[(i + 2) % 3]), g.mul(xs[(i + 2) % 3], ys[(i + 1) % 3])) for i in range(3)]
    return g.cat(parts, d)


def _cross_shape(x, other, dim):
    return broadcast(dims(x), dims(other))


defop("linalg_cross", "(Tensor self, Tensor other, *, int dim=-1) -> Tensor", decompose=_cross, shape=_cross_shape,
      dtype=promoted(0, 1), api="torch",
      samples=lambda: [sample(s.f32(4, 3), s.f32(4, 3), -1), sample(s.f32(3, 5), s.f32(3, 1), 0),
                       sample(s.f32(2, 1, 3), s.f32(1, 4, 3), 2), sample(s.special()[:, :3].copy(), s.f32(3, 3), 1),
                       sample(s.f64(3), s.f64(3), 0), sample(s.i64(2, 3), s.i64(2, 3), -1),
                       sample(s.f32(0, 3), s.f32(0, 3), 1), sample(s.strided(3, 4), s.f32(3, 4), 0),
                       sample(s.f32(2, 3), s.f32(3), -1), sample(s.f32(2, 3), s.f32(2, 2), -1),
                       sample(s.f32(3, 4), s.f32(3, 4), 1), sample(s.f32(3), s.f64(3), 0),
                       sample(s.mask(3), s.mask(3), 0), sample(s.f32(3, 3), s.f32(3, 3), 2),
                       sample(s.f32(4, 3), s.f32(2, 3), -1)])


def _det_shape(a):
    sizes = dims(a)
    return sizes[:-2] if len(sizes) >= 2 else sizes


@op("det", "(Tensor A) -> Tensor", shape=_det_shape, dtype=same_dtype, aten="linalg_det det", api="torch Tensor",
    lower="linalg.lower_det",
    samples=lambda: [sample(s.f32(3, 3)), sample(s.f64(2, 4, 4)), sample(np.ones((2, 2), np.float32)),
                     sample(s.f32(0, 3, 3)), sample(s.f32(2, 0, 0)), sample(s.f32(1, 1)), sample(s.special()[:, :3].copy()),
                     sample(s.f32(2, 3)), sample(s.i64(2, 2)), sample(s.f32(3)), sample(np.array(1.0, np.float32))])
def det(a):
    """The determinant of each square matrix of the batch (1 for 0x0 matrices)."""
    if a.ndim < 2:
        raise RuntimeError("linalg.det: The input tensor A must have at least 2 dimensions.")
    if not is_inexact(a.dtype):
        raise RuntimeError(f"linalg.det: Expected a floating point or complex tensor as input. Got {torch_name(a.dtype)}")
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"linalg.det: A must be batches of square matrices, but they are {a.shape[-2]} by "
                           f"{a.shape[-1]} matrices")
    if a.size == 0:
        return np.ones(a.shape[:-2], a.dtype)
    with np.errstate(all="ignore"):
        return as_array(np.linalg.det(a).astype(a.dtype, copy=False))


@op("logcumsumexp", "(Tensor self, int dim) -> Tensor", shape=same, dtype=same_dtype, api="torch Tensor",
    lower="scans.lower_logcumsumexp",
    samples=lambda: [sample(s.f32(3, 4), 1), sample(s.f32(3, 4) * 100, 0), sample(np.array([-1000.0, 0, 1], np.float32), 0),
                     sample(s.special(), -1), sample(s.special(), 0), sample(s.f64(2, 3, 2), -2),
                     sample(np.array(2.0, np.float32), 0), sample(np.array(2.0, np.float32), -1), sample(s.f32(0, 3), 1),
                     sample(s.i64(3), 0), sample(s.f32(3), 1), sample(s.strided(3, 4), 0)])
def logcumsumexp(a, dim):
    """log(cumsum(exp(x))) along dim without overflow or underflow: each prefix's log-add-exp."""
    d = wrap_dim(dim, a.ndim)
    if not is_inexact(a.dtype):
        raise not_implemented("logcumsumexp_out_cpu", a.dtype)
    if a.ndim == 0:
        return a.copy()
    if a.dtype.kind == "c":  # a running complex log-add-exp, as PyTorch's
        out = np.moveaxis(a.astype(cpu_accumulate_type(a.dtype)), d, 0)
        for i in range(1, out.shape[0]):
            out[i] = complex_logaddexp(out[i - 1], out[i])
        return as_array(np.moveaxis(out, 0, d).astype(a.dtype))
    with np.errstate(all="ignore"):
        wide = a.astype(cpu_accumulate_type(a.dtype), copy=False)  # ATen's running value, as for cumsum
        return as_array(np.logaddexp.accumulate(wide, axis=d).astype(a.dtype, copy=False))


def _matrix_norm_op(g, x, ord="fro", dim=(-2, -1), keepdim=False, dtype=None):
    """linalg.matrix_norm: linalg_norm over two given dims."""
    if len(g.value(dim)) != 2:
        raise reject(g, RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {list(g.value(dim))}"))
    return _linalg_norm(g, x, ord, dim, keepdim, dtype)


def _matrix_shape(x, ord, dim, keepdim, dtype):
    return reduced(x, dim, keepdim)


def _matrix_samples(ords):
    return lambda: [sample(s.f32(3, 4), ords[0], [-2, -1], False, None),
                    *(sample(s.f32(2, 3, 4), p, [0, 2], True, None) for p in ords),
                    sample(s.special(), ords[-1], [1, 0], False, None), sample(s.f64(3, 3), ords[0], [0, 1], False, _F64),
                    sample(s.f32(3), ords[0], [-2, -1], False, None), sample(s.f32(3, 4), ords[0], [0], False, None),
                    sample(s.i64(3, 3), ords[0], [0, 1], False, None)]


defop("linalg_matrix_norm", "(Tensor self, Scalar ord, int[] dim=[-2, -1], bool keepdim=False, *, "
      "ScalarType? dtype=None) -> Tensor", decompose=_matrix_norm_op, shape=_matrix_shape, dtype=from_arg(4, real_float),
      samples=_matrix_samples([1, -1, math.inf, -math.inf, 2, -2]))
defop("linalg_matrix_norm_str", "(Tensor self, str ord=\"fro\", int[] dim=[-2, -1], bool keepdim=False, *, "
      "ScalarType? dtype=None) -> Tensor", decompose=_matrix_norm_op, shape=_matrix_shape, dtype=from_arg(4, real_float),
      aten="linalg_matrix_norm", samples=_matrix_samples(["fro", "nuc"]))
