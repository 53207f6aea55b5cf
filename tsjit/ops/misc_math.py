"""Assorted elementwise math: Hurwitz zeta and polygamma, mvlgamma, frexp, isreal, fftshift/ifftshift.

zeta is Cephes' (BSD, as ATen's Math.h) with a fixed number of steps instead of its early exits:
nine terms of the sum, then the twelve Euler-Maclaurin corrections; polygamma(n >= 1, x) is
(-1)^(n+1) n! zeta(n + 1, x) as in ATen, and digamma for n = 0. A negative non-integer q gives NaN
(Cephes takes q^-x for integer x there).
"""
from __future__ import annotations

import math

import numpy as np

from tsjit.dtypes import is_float
from tsjit.kernels.promotion import CODE_OF_DTYPE, DEFAULT_FLOAT, as_array
from tsjit.ops import samples as s
from tsjit.ops.decomposition import reject
from tsjit.ops.registry import Pointwise, defop, op, sample
from tsjit.ops.rules import BOOL as B
from tsjit.ops.rules import (
    BY_KERNEL,
    each,
    fixed,
    same,
    to_float,
)
from tsjit.ops.special import _float_binary, _run
from tsjit.ops.transcendental import _digamma_body

INT32 = np.dtype(np.int32)
_ZETA_A = (12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9, 7.47242496e10,
           -2.950130727918164224e12, 1.1646782814350067249e14, -4.5979787224074726105e15,
           1.8152105401943546773e17, -7.1661652561756670113e18)


def _zeta_body(k, x, q):
    """Hurwitz zeta(x, q) = sum over k >= 0 of (q + k)^-x."""
    def power(base):  # base^-x as exp(-x log base) (the numpy kit has no powf; a negative q gives NaN)
        return k.exp(k.mul(k.neg(x), k.log(base)))
    s = power(q)
    a = q
    b = s
    for _ in range(9):
        a = k.add(a, k.c(1))
        b = power(a)
        s = k.add(s, b)
    w = a
    s = k.add(s, k.div(k.mul(b, w), k.sub(x, k.c(1))))
    s = k.sub(s, k.mul(k.c(0.5), b))
    fac, j = k.c(1), 0.0
    for coeff in _ZETA_A:
        fac = k.mul(fac, k.add(x, k.c(j)))
        b = k.div(b, w)
        s = k.add(s, k.div(k.mul(fac, b), k.c(coeff)))
        fac = k.mul(fac, k.add(x, k.c(j + 1)))
        b = k.div(b, w)
        j += 2
    nan, inf = k.c(math.nan), k.c(math.inf)
    q_int = k.cmp("eq", q, k.floor(q))
    out = k.select(k.cmp("le", q, k.c(0)),
                   k.select(q_int, inf, k.select(k.cmp("eq", x, k.floor(x)), s, nan)), s)
    out = k.select(k.cmp("lt", x, k.c(1)), nan, out)
    return k.select(k.cmp("eq", x, k.c(1)), inf, out)


_float_binary("special_zeta", _zeta_body, api="torch", other="Tensor|Scalar other",
              samples=lambda: [sample(s.f32(4, 5, lo=1.5, hi=4), s.f32(4, 5, lo=1, hi=3)),
                               sample(np.array([2.0, 3.0, 1.0, 0.5, 2.0, 2.0, 2.5, 4.0, 30.0]),
                                      np.array([1.0, 0.5, 2.0, 1.0, -1.0, 0.25, 0.1, 20.0, 2.0])),
                               sample(s.f64(3, lo=1.1, hi=8), 2.0),
                               sample(s.i64(3, lo=2, hi=5), s.i64(3, lo=1, hi=4))])


def _polygamma_body(k, x):
    n = k.params[0]
    if n == 0:
        return _digamma_body(k, x)
    sign = 1.0 if n % 2 else -1.0
    return k.mul(k.c(sign * math.factorial(n)), _zeta_body(k, k.c(float(n + 1)), x))


def _polygamma(n, a):
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    dtype = a.dtype if is_float(a.dtype) else DEFAULT_FLOAT
    return _run(_polygamma_body, dtype, a.astype(dtype, copy=False), params=(n,))


defop("polygamma", "(int n, Tensor self) -> Tensor", _polygamma, shape=lambda n, x: same(x),
      dtype=lambda n, x: to_float(x), lower=Pointwise(_polygamma_body, values=(1,), params=(0,)),
      api="torch", aten="polygamma special_polygamma",
      samples=lambda: [sample(1, s.f32(4, 5, lo=0.5, hi=5)), sample(0, s.f32(6, lo=0.5, hi=5)),
                       sample(2, s.f64(5, lo=0.2, hi=9)), sample(3, s.f32(4, lo=1, hi=3)), sample(1, s.i64(3, lo=1, hi=5))])


def _mvlgamma(g, x, p):
    """sum over i < p of lgamma(x - i/2), plus p (p - 1) / 4 log(pi)."""
    p = g.value(p)
    if p < 1:
        from tsjit.ops.decomposition import reject

        raise reject(g, RuntimeError("p has to be greater than or equal to 1"))
    total = None
    for i in range(p):
        term = g.lgamma(x if i == 0 else g.sub(x, i / 2))
        total = term if total is None else g.add(total, term)
    return g.add(total, p * (p - 1) / 4 * math.log(math.pi))


defop("mvlgamma", "(Tensor self, int p) -> Tensor", decompose=_mvlgamma, shape=BY_KERNEL, dtype=BY_KERNEL,
      api="torch Tensor", aten="mvlgamma special_multigammaln",
      samples=lambda: [sample(s.f32(4, 5, lo=1.5, hi=5), 2), sample(s.f64(3, lo=2, hi=6), 3), sample(s.f32(3, lo=1, hi=4), 1)])


def _frexp(g, x):
    """In float64 (exact for every float32 and float64): e = floor(log2|x|) + 1, m = x / 2^e by two
    exact power-of-two scalings (2^1074 itself overflows), then one step up or down where log2
    rounded across a power of two; 0, inf and NaN are their own mantissa with exponent 0."""
    dtype = g.dtype(x)
    if not is_float(dtype):
        raise reject(g, RuntimeError("torch.frexp() only supports floating-point dtypes"))
    w = x if dtype == np.float64 else g.to(x, CODE_OF_DTYPE[np.dtype(np.float64)])
    regular = g.logical_and(g.isfinite(w), g.ne(w, 0))
    e = g.where(regular, g.add(g.floor(g.log2(g.abs(w))), 1), 0.0)
    half = g.floor(g.mul(e, 0.5))
    m = g.mul(g.mul(w, g.exp2(g.neg(half))), g.exp2(g.sub(half, e)))
    big, small = (g.logical_and(regular, cmp(g.abs(m), bound)) for cmp, bound in ((g.ge, 1.0), (g.lt, 0.5)))
    m = g.where(big, g.mul(m, 0.5), g.where(small, g.mul(m, 2.0), m))
    e = g.where(big, g.add(e, 1), g.where(small, g.sub(e, 1), e))
    m = g.where(regular, m, w)
    return (m if dtype == np.float64 else g.to(m, CODE_OF_DTYPE[dtype])), g.to(e, CODE_OF_DTYPE[INT32])


@op("frexp", "(Tensor self) -> (Tensor mantissa, Tensor exponent)", shape=lambda x: (same(x), same(x)),
    dtype=each(lambda x: x.dtype, fixed(INT32)), api="torch Tensor", decompose=_frexp,
    samples=lambda: [sample(s.f32(4, 5)), sample(np.array([0.0, -0.0, 1.0, 8.0, -3.5, np.inf, np.nan, 1e-40], np.float32)),
                     sample(s.f64(3)), sample(s.i64(3)),
                     sample(np.array([5e-324, 2.2e-308, 1.7e308, -1.0 + 2.0 ** -52, 1.0 - 2.0 ** -53, 0.5, -np.inf])),
                     sample(np.array([1.4e-45, 3.4e38, 1 - 2.0 ** -24, 2.0 ** -126, 0.75], np.float32)),
                     sample(s.strided(3, 2) * 1e6), sample(s.f32(0, 3)), sample(np.array(-6.0, np.float32))])
def frexp(a):
    """x = mantissa * 2^exponent with |mantissa| in [0.5, 1); the exponent is int32."""
    if not is_float(a.dtype):
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    m, e = np.frexp(a)
    return as_array(m.astype(a.dtype)), as_array(e.astype(INT32))


def _isreal(g, x):
    """A complex element is real when its imaginary part is 0; every element of a real tensor is
    (NaN too)."""
    if g.dtype(x).kind == "c":
        return g.eq(g.imag(x), 0)
    return g.logical_or(g.isnan(x), g.eq(x, x))


defop("isreal", "(Tensor self) -> Tensor", decompose=_isreal, shape=same, dtype=fixed(B), api="torch Tensor",
      samples=lambda: [sample(s.f32(4, 5)), sample(s.special()), sample(s.i64(3)), sample(s.mask(3))])


def _fftshift(inverse):
    def shift(g, x, dim):
        shape = list(g.shape(x))
        dims = range(len(shape)) if g.value(dim) is None else [d % max(len(shape), 1) for d in g.value(dim)]
        for d in dims:
            n = shape[d]
            cut = n // 2 if inverse else n - n // 2  # the first half moves to the end
            if n > 1 and cut % n:
                x = g.cat([g.slice(x, d, cut, n, 1), g.slice(x, d, 0, cut, 1)], d)
        return x
    return shift


for _name, _inverse in (("fft_fftshift", False), ("fft_ifftshift", True)):
    defop(_name, "(Tensor self, int[]? dim=None) -> Tensor", decompose=_fftshift(_inverse), shape=same,
          dtype=lambda x, dim: x.dtype, api="torch",
          samples=lambda: [sample(s.f32(4, 5), None), sample(s.f32(4, 5), [1]), sample(s.i64(7), [0]),
                           sample(s.f64(3, 2, 5), [-1, 0])])


