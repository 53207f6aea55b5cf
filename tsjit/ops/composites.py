"""Ops PyTorch defines as compositions of others, decomposed here the same way: kron, tensordot, inner,
vander, logspace, trapezoid / cumulative_trapezoid (the `dx` overloads), cov / corrcoef (unweighted),
logdet / slogdet, isin (Tensor_Tensor), combinations.

Every op but logdet and slogdet is a decomposition (no kernel of its own: the eager kernel runs the
decomposition on numpy arrays), so eager code, the numpy backend and C agree by construction.
logdet and slogdet have numpy kernels and lower to Gaussian elimination (tsjit/lowering/linalg.py).
"""
from __future__ import annotations

import itertools
import math

import numpy as np

from tsjit.dtypes import is_inexact
from tsjit.kernels.promotion import BOOL, as_array, real_of, torch_name
from tsjit.ops import samples as s
from tsjit.ops.decomposition import reject
from tsjit.ops.registry import defop, op, sample
from tsjit.ops.rules import BY_KERNEL, dims, each, real_same, same_dtype

_F64 = 7  # ScalarType code of float64


def _kron(g, a, b):
    """Interleave the dims of a and b (ranks padded with leading 1s), multiply, merge pairs."""
    sa, sb = list(g.shape(a)), list(g.shape(b))
    n = max(len(sa), len(sb))
    sa, sb = [1] * (n - len(sa)) + sa, [1] * (n - len(sb)) + sb
    ea = g.reshape(a, [v for d in sa for v in (d, 1)])
    eb = g.reshape(b, [v for d in sb for v in (1, d)])
    return g.reshape(g.mul(ea, eb), [x * y for x, y in zip(sa, sb)])


defop("kron", "(Tensor self, Tensor other) -> Tensor", decompose=_kron, shape=BY_KERNEL, dtype=BY_KERNEL,
      api="torch Tensor",
      samples=lambda: [sample(s.f32(2, 2), s.f32(2, 3)), sample(s.f32(3), s.f32(2, 2)), sample(s.i64(2, 3), s.i64(2)),
                       sample(s.f64(2, 1, 2), s.f64(3, 2)), sample(s.f32(0, 2), s.f32(2, 2))])


def _tensordot(g, a, b, dims_a, dims_b):
    """Contracted dims of a last and of b first, as one matmul of the flattened operands."""
    sa, sb = list(g.shape(a)), list(g.shape(b))
    da = [d % len(sa) for d in g.value(dims_a)] if sa else []
    db = [d % len(sb) for d in g.value(dims_b)] if sb else []
    if len(da) != len(db):
        raise reject(g, RuntimeError(f"both dimension lists should have same length, but got {len(da)} and {len(db)}"))
    for x, y in zip(da, db):
        if sa[x] != sb[y]:
            raise reject(g, RuntimeError(f"contracted dimensions need to match, but first has size {sa[x]} in dim {x} "
                                         f"and second has size {sb[y]} in dim {y}"))
    fa = [d for d in range(len(sa)) if d not in da]
    fb = [d for d in range(len(sb)) if d not in db]
    k = math.prod(sa[d] for d in da)
    left = g.reshape(g.permute(a, fa + da), [math.prod(sa[d] for d in fa), k])
    right = g.reshape(g.permute(b, db + fb), [k, math.prod(sb[d] for d in fb)])
    return g.reshape(g.matmul(left, right), [sa[d] for d in fa] + [sb[d] for d in fb])


defop("tensordot", "(Tensor self, Tensor other, int[] dims_self, int[] dims_other) -> Tensor", decompose=_tensordot,
      shape=BY_KERNEL, dtype=BY_KERNEL,
      samples=lambda: [sample(s.f32(4, 5), s.f32(3, 5), [1], [1]), sample(s.f32(2, 3, 4), s.f32(4, 3, 2), [1, 2], [1, 0]),
                       sample(s.f64(2, 3), s.f64(4), [], []), sample(s.f32(3, 4), s.f32(4, 3), [-1], [0])])


def _inner(g, a, b):
    if not g.shape(a) or not g.shape(b):
        return g.mul(a, b)
    if g.shape(a)[-1] != g.shape(b)[-1]:
        raise reject(g, RuntimeError(f"inner() the last dimension must match on both input tensors but got shapes "
                                     f"{list(g.shape(a))} and {list(g.shape(b))}"))
    return _tensordot(g, a, b, [-1], [-1])


defop("inner", "(Tensor self, Tensor other) -> Tensor", decompose=_inner, shape=BY_KERNEL, dtype=BY_KERNEL,
      api="torch Tensor",
      samples=lambda: [sample(s.f32(4, 5), s.f32(3, 5)), sample(s.f32(5), s.f32(5)), sample(s.f32(2, 3, 4), s.f32(4)),
                       sample(s.i64(2, 3), s.i64(3)), sample(np.array(2.0, np.float32), s.f32(3))])


def _vander(g, x, n, increasing):
    """Columns x^0 .. x^(N-1) (reversed unless increasing), by cumulative products of x."""
    if len(g.shape(x)) != 1:
        raise reject(g, RuntimeError("x must be a one-dimensional tensor."))
    n = g.shape(x)[0] if g.value(n) is None else g.value(n)
    if n < 0:
        raise reject(g, RuntimeError("N must be non-negative."))
    dt = g.dtype(x)
    if dt == BOOL:
        x = g.to(x, 4)
    cols = [g.pow(x, 0)]  # ones (x^0 is 1 for NaN too; ones_like has no lowering)
    for _ in range(n - 1):
        cols.append(g.mul(cols[-1], x))  # x^i by successive products, as torch's cumprod
    out = g.stack(cols, 1) if n else g.slice(g.stack([x], 1), 1, 0, 0, 1)
    return out if g.value(increasing) else g.flip(out, [1])


defop("vander", "(Tensor x, int? N=None, bool increasing=False) -> Tensor", decompose=_vander, shape=BY_KERNEL,
      dtype=BY_KERNEL, api="torch",
      samples=lambda: [sample(s.f32(4), 3, False), sample(s.f32(3), None, True), sample(s.i64(4), 4, False),
                       sample(s.f64(3), 1, False)])


def _logspace(g, start, end, steps, base, dtype):
    lin = g.linspace(start, end, steps, _F64)
    out = g.pow(g.full_like(lin, g.value(base)), lin)
    code = g.value(dtype)
    return g.to(out, 6 if code is None else code)


defop("logspace", "(Scalar start, Scalar end, int steps, float base=10.0, *, ScalarType? dtype=None) -> Tensor",
      decompose=_logspace, shape=BY_KERNEL, dtype=BY_KERNEL, api="torch",
      samples=lambda: [sample(0, 1, 5, 10.0, None), sample(-2, 2, 7, 2.0, None), sample(0.5, 3, 4, 10.0, _F64),
                       sample(0, 3, 4, 2.0, 4), sample(1, 2, 1, 10.0, None), sample(1, 2, 0, 10.0, None)])


def _float(g, y):
    return y if is_inexact(g.dtype(y)) else g.to(y, 6)


def _trapezoid(g, y, dx, dim):
    """(sum(y) - (y[0] + y[-1]) / 2) * dx along dim, as torch; an empty dim gives zeros."""
    y = _float(g, y)
    d = g.value(dim) % max(len(g.shape(y)), 1)
    n = g.shape(y)[d]
    if n == 0:
        return g.sum(y, [d], False, None)
    ends = g.add(g.select(y, d, 0), g.select(y, d, n - 1))
    return g.mul(g.sub(g.sum(y, [d], False, None), g.mul(ends, 0.5)), g.value(dx))


defop("trapezoid", "(Tensor y, *, Scalar dx=1, int dim=-1) -> Tensor", decompose=_trapezoid, shape=BY_KERNEL,
      dtype=BY_KERNEL, api="torch", aten="trapezoid trapz",
      samples=lambda: [sample(s.f32(4, 5), 1, -1), sample(s.f32(4, 5), 0.5, 0), sample(s.f64(6), 2, -1),
                       sample(s.i64(3, 4), 1, 1)])


def _cumulative_trapezoid(g, y, dx, dim):
    y = _float(g, y)
    d = g.value(dim) % max(len(g.shape(y)), 1)
    n = g.shape(y)[d]
    if n == 0:
        return y
    mids = g.mul(g.add(g.slice(y, d, 1, n, 1), g.slice(y, d, 0, n - 1, 1)), 0.5 * g.value(dx))
    if n > 64:
        return g.cumsum(mids, d, None)
    acc = g.slice(mids, d, 0, 1, 1)
    pieces = [acc]
    for i in range(1, n - 1):  # the prefix sums one by one (cumsum has no lowering; n is small)
        acc = g.add(acc, g.slice(mids, d, i, i + 1, 1))
        pieces.append(acc)
    return g.cat(pieces, d)


defop("cumulative_trapezoid", "(Tensor y, *, Scalar dx=1, int dim=-1) -> Tensor", decompose=_cumulative_trapezoid,
      shape=BY_KERNEL, dtype=BY_KERNEL, api="torch",
      samples=lambda: [sample(s.f32(4, 5), 1, -1), sample(s.f32(4, 5), 0.5, 0), sample(s.f64(6), 2, -1)])


def _cov(g, x, correction, fweights, aweights):
    """Unweighted: (x - mean) (x - mean)^T / (N - correction) over the observations (columns)."""
    if fweights is not None or aweights is not None:
        raise reject(g, NotImplementedError("cov: fweights and aweights are not supported by tsjit"))
    if len(g.shape(x)) > 2:
        raise reject(g, RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an input with "
                                     f"{len(g.shape(x))} dimensions"))
    x = _float(g, x)
    m = x if len(g.shape(x)) == 2 else g.reshape(x, [1, -1])
    n = g.shape(m)[1]
    xm = g.sub(m, g.mean(m, [1], True, None))
    c = g.div(g.matmul(xm, g.conj(g.t(xm)) if g.dtype(xm).kind == "c" else g.t(xm)), max(n - g.value(correction), 0))
    return c if len(g.shape(x)) == 2 else g.reshape(c, [])


defop("cov", "(Tensor self, *, int correction=1, Tensor? fweights=None, Tensor? aweights=None) -> Tensor",
      decompose=_cov, shape=BY_KERNEL, dtype=BY_KERNEL, api="torch Tensor",
      samples=lambda: [sample(s.f32(4, 5), 1, None, None), sample(s.f32(3, 6), 0, None, None),
                       sample(s.f64(5), 1, None, None), sample(s.i64(2, 4), 1, None, None)])


def _corrcoef(g, x):
    c = _cov(g, x, 1, None, None)
    if not g.shape(c):
        return g.div(c, c)
    sd = g.sqrt(g.diagonal(c, 0, 0, 1))
    out = g.div(g.div(c, g.unsqueeze(sd, 1)), g.unsqueeze(sd, 0))
    if g.dtype(out).kind == "c":  # PyTorch clips the real and imaginary parts each
        return g.complex(g.clamp(g.real(out), -1, 1), g.clamp(g.imag(out), -1, 1))
    return g.clamp(out, -1, 1)


defop("corrcoef", "(Tensor self) -> Tensor", decompose=_corrcoef, shape=BY_KERNEL, dtype=BY_KERNEL,
      api="torch Tensor", samples=lambda: [sample(s.f32(4, 5)), sample(s.f64(3, 6)), sample(s.f32(6))])


def _det_samples():
    return [sample(s.f32(3, 4, 4)), sample(s.f64(3, 3)), sample(np.eye(3, dtype=np.float32) * 2),
            sample(-np.eye(2, dtype=np.float32)), sample(-np.eye(3, dtype=np.float32)),
            sample(np.ones((2, 2), np.float32)),
            sample(np.array([[0, 2], [1, 0]], np.float32)), sample(s.special()[:, :3].copy()), sample(s.strided(3, 3)),
            sample(s.f32(0, 3, 3)), sample(s.f32(2, 0, 0)), sample(s.f32(2, 3)), sample(s.i64(2, 2))]


def _det(a, name):
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"linalg.{name}: A must be batches of square matrices, but they are "
                           f"{a.shape[-2] if a.ndim > 1 else 1} by {a.shape[-1] if a.ndim else 1} matrices")
    if not is_inexact(a.dtype):
        raise RuntimeError(f"linalg.{name}: Expected a floating point or complex tensor as input. Got {torch_name(a.dtype)}")
    return a


@op("logdet", "(Tensor self) -> Tensor", shape=lambda a: dims(a)[:-2], dtype=same_dtype, api="torch Tensor",
    lower="linalg.lower_logdet", samples=_det_samples)
def logdet(a):
    """log(det(A)): NaN for a negative determinant, -inf for a singular matrix."""
    sign, logabs = np.linalg.slogdet(_det(a, "det"))
    with np.errstate(all="ignore"):
        if a.dtype.kind == "c":  # log(sign * |det|): the sign's angle is the imaginary part
            return as_array((logabs + 1j * np.angle(sign)).astype(a.dtype))
        return as_array(np.where(sign < 0, np.nan, logabs).astype(a.dtype))


@op("slogdet", "(Tensor A) -> (Tensor sign, Tensor logabsdet)", shape=lambda a: (dims(a)[:-2],) * 2,
    dtype=each(same_dtype, real_same), api="torch Tensor", aten="slogdet linalg_slogdet", lower="linalg.lower_slogdet",
    samples=_det_samples)
def slogdet(a):
    """The sign of det(A) (0 when singular, or when a pivot is NaN: torch.sign(NaN) is 0) and log|det(A)|."""
    sign, logabs = np.linalg.slogdet(_det(a, "slogdet"))
    sign = np.where(np.isnan(logabs), 0, sign)
    return as_array(sign.astype(a.dtype)), as_array(logabs.astype(real_of(a.dtype)))


def _isin(g, x, test, assume_unique, invert):
    hits = g.sum(g.to(g.eq(g.unsqueeze(x, -1), g.reshape(test, [-1])), 3), [-1], False, None)  # any has no lowering
    hit = g.gt(hits, 0)
    return g.logical_not(hit) if g.value(invert) else hit


defop("isin", "(Tensor elements, Tensor test_elements, *, bool assume_unique=False, bool invert=False) -> Tensor",
      decompose=_isin, shape=BY_KERNEL, dtype=BY_KERNEL, api="torch",
      samples=lambda: [sample(s.i64(4), s.i64(3), False, False), sample(s.i64(2, 3), s.i64(2, 2), False, True),
                       sample(s.f32(5), s.f32(3), False, False), sample(np.array(3), np.arange(5), False, False)])




def _take(g, x, index):
    """The flattened input at the (flattened) indices, negative ones counted from the end."""
    flat = g.reshape(x, [-1])
    n = g.shape(flat)[0]
    idx = g.reshape(index, [-1])
    idx = g.where(g.lt(idx, 0), g.add(idx, n), idx)
    return g.reshape(g.index_select(flat, 0, idx), list(g.shape(index)))


defop("take", "(Tensor self, Tensor index) -> Tensor", decompose=_take, shape=BY_KERNEL, dtype=BY_KERNEL,
      api="torch Tensor",
      samples=lambda: [sample(s.f32(4, 5), np.array([0, 7, 19])), sample(s.f32(3, 2), np.array([[1, -1], [0, 5]])),
                       sample(s.i64(6), np.array([], np.int64))])


def _along(g, index, source, d):
    """index (1-d, along dim d) expanded to source's shape, for scatter."""
    shape = [1] * len(g.shape(source))
    shape[d] = -1
    return g.expand(g.reshape(index, shape), list(g.shape(source)), False)


def _index_add(g, x, dim, index, source, alpha):
    d = g.value(dim) % max(len(g.shape(x)), 1)
    if not g.shape(x):
        return g.add(x, g.mul(g.reshape(source, []), alpha) if g.value(alpha) != 1 else g.reshape(source, []))
    src = source if g.value(alpha) == 1 else g.mul(source, alpha)
    return g.scatter_add(x, d, _along(g, index, source, d), src)


defop("index_add", "(Tensor self, int dim, Tensor index, Tensor source, *, Scalar alpha=1) -> Tensor",
      decompose=_index_add, shape=BY_KERNEL, dtype=BY_KERNEL, api="torch Tensor",
      samples=lambda: [sample(s.f32(4, 5), 0, np.array([0, 2, 0]), s.f32(3, 5), 1),
                       sample(s.f32(4, 5), 1, np.array([4, 1]), s.f32(4, 2), 2.5),
                       sample(s.i64(3, 2), 0, np.array([1]), s.i64(1, 2), 1)])


def _index_copy(g, x, dim, index, source):
    d = g.value(dim) % max(len(g.shape(x)), 1)
    if not g.shape(x):
        return g.add(g.mul(x, 0), g.reshape(source, []))
    return g.scatter(x, d, _along(g, index, source, d), source)


defop("index_copy", "(Tensor self, int dim, Tensor index, Tensor source) -> Tensor", decompose=_index_copy,
      shape=BY_KERNEL, dtype=BY_KERNEL, api="torch Tensor",
      samples=lambda: [sample(s.f32(4, 5), 0, np.array([2, 0, 1]), s.f32(3, 5)),
                       sample(s.f32(4, 5), 1, np.array([4, 1]), s.f32(4, 2)),
                       sample(s.i64(3, 2), 0, np.array([1]), s.i64(1, 2))])


def _combinations(g, x, r=2, with_replacement=False):
    """torch.combinations: the r-element combinations of a vector's elements in lexicographic order of
    positions, as rows; an index_select of constant positions (itertools), so it lowers to C."""
    r = g.value(r)
    if g.dim(x) != 1:
        raise reject(g, RuntimeError(f"Expect a 1D vector, but got shape {list(g.shape(x))}"))
    if r < 0:
        raise reject(g, RuntimeError(f"Expect a non-negative number, but got {r}"))
    if r == 0:
        return g.index_select(x, 0, np.zeros(0, np.int64))
    pick = itertools.combinations_with_replacement if g.value(with_replacement) else itertools.combinations
    rows = np.array(list(pick(range(g.shape(x)[0]), r)), np.int64).reshape(-1, r)
    return g.reshape(g.index_select(x, 0, rows.reshape(-1)), [len(rows), r])


defop("combinations", "(Tensor self, int r=2, bool with_replacement=False) -> Tensor", decompose=_combinations,
      shape=BY_KERNEL, dtype=BY_KERNEL, api="torch",
      samples=lambda: [sample(s.f32(4), 2, False), sample(s.f32(5), 3, False), sample(s.i64(4), 2, True),
                       sample(s.f32(4), 1, False), sample(s.f32(4), 0, False), sample(s.f32(0), 2, False),
                       sample(s.f32(3), 5, False), sample(s.f32(2, 2), 2, False), sample(s.f32(3), -1, False)])
