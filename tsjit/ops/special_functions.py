"""torch.special functions with no other name: entr, xlog1py, ndtr, log_ndtr, erfcx, ndtri, i0e, i1,
i1e, modified_bessel_i0 / i1, spherical_bessel_j0.

As in transcendental.py, each scalar formula is one `Pointwise` body that the numpy kernel runs on
arrays and C renders. The Kit has erf but no erfc, so the upper tail erfc(z) for z >= 2 comes from its
continued fraction (evaluated bottom-up with a fixed number of terms), which keeps log_ndtr, erfcx
and ndtr accurate far into the tails; below that, 1 +- erf loses no more than PyTorch's tolerance.
Eager code reaches them as `tsjit.special.<name>` (tsjit/eager/special.py).
"""
from __future__ import annotations

import math

import numpy as np

from tsjit.dtypes import is_float
from tsjit.kernels.promotion import DEFAULT_FLOAT
from tsjit.ops import checks as chk
from tsjit.ops import samples as s
from tsjit.ops.registry import Pointwise, defop, sample
from tsjit.ops.rules import same, to_float
from tsjit.ops.special import _float_binary, _run
from tsjit.ops.transcendental import _I0_A, _I0_B, _chbevl, _erfinv_body, _i0_body

_SQRT1_2 = math.sqrt(0.5)
_CF_TERMS = 40


def _erfc_cf(k, z):
    """sqrt(pi) exp(z^2) erfc(z) for z >= 2 (its continued fraction 1 / (z + (1/2) / (z + 1 / (z + ...))))."""
    t = z
    for n in range(_CF_TERMS, 0, -1):
        t = k.add(z, k.div(k.c(n / 2), t))
    return k.recip(t)


def _entr_body(k, x):
    """-x log x for x > 0, 0 at 0, -inf below (NaN stays)."""
    pos = k.neg(k.mul(x, k.log(x)))
    out = k.select(k.cmp("gt", x, k.c(0)), pos, k.select(k.cmp("eq", x, k.c(0)), k.c(0), k.c(-math.inf)))
    return k.select(k.cmp_raw("uno", x, x), x, out)


def _xlog1py_body(k, x, y):
    """0 where x == 0 (unless y is NaN), else x * log1p(y)."""
    return k.select(k.cmp_raw("uno", y, y), y, k.select(k.cmp("eq", x, k.c(0)), k.c(0), k.mul(x, k.log1p(y))))


def _tail(k, x):
    """(z, clamped z, tail) for z = -x / sqrt(2): tail is erfc(z) exp(z^2) sqrt(pi) where z >= 2."""
    z = k.mul(x, k.c(-_SQRT1_2))
    zc = k.max(z, k.c(2))  # the fraction's argument stays in its range where its value is not used
    return z, zc, _erfc_cf(k, zc)


def _ndtr_body(k, x):
    z, zc, cf = _tail(k, x)
    far = k.mul(k.c(0.5 / math.sqrt(math.pi)), k.mul(k.exp(k.neg(k.mul(zc, zc))), cf))
    near = k.mul(k.c(0.5), k.add(k.c(1), k.erf(k.mul(x, k.c(_SQRT1_2)))))
    return k.select(k.cmp("ge", z, k.c(2)), far, near)


def _log_ndtr_body(k, x):
    z, zc, cf = _tail(k, x)
    far = k.sub(k.log(k.mul(cf, k.c(0.5 / math.sqrt(math.pi)))), k.mul(zc, zc))
    upper = k.log1p(k.mul(k.c(-0.5), k.sub(k.c(1), k.erf(k.mul(x, k.c(_SQRT1_2))))))  # x > 0: log(1 - small)
    lower = k.log(k.mul(k.c(0.5), k.add(k.c(1), k.erf(k.mul(x, k.c(_SQRT1_2))))))
    return k.select(k.cmp("ge", z, k.c(2)), far, k.select(k.cmp("gt", x, k.c(0)), upper, lower))


def _erfcx_body(k, x):
    """exp(x^2) erfc(x): the continued fraction for x >= 2, else exp(x^2) (1 - erf(x))."""
    xc = k.max(x, k.c(2))
    far = k.mul(k.c(1 / math.sqrt(math.pi)), _erfc_cf(k, xc))
    near = k.mul(k.exp(k.mul(x, x)), k.sub(k.c(1), k.erf(x)))
    out = k.select(k.cmp("ge", x, k.c(2)), far, near)
    return k.select(k.cmp("eq", x, k.c(math.inf)), k.c(0), out)


def _ndtri_body(k, p):
    """sqrt(2) erfinv(2p - 1)."""
    return k.mul(k.c(math.sqrt(2)), _erfinv_body(k, k.sub(k.mul(k.c(2), p), k.c(1))))


def _i0e_body(k, x):
    """exp(-|x|) i0(x): Cephes' i0 series without their exp(|x|)."""
    a = k.absf(x)
    near = _chbevl(k, k.sub(k.div(a, k.c(2)), k.c(2)), _I0_A)
    far = k.div(_chbevl(k, k.sub(k.div(k.c(32), a), k.c(2)), _I0_B), k.sqrt(a))
    return k.select(k.cmp("le", a, k.c(8)), near, far)


#: i1's power series (x/2) sum_k t^k / (k! (k+1)!), t = x^2 / 4, converges to double precision by
#: k = 32 for |x| <= 15; beyond, the asymptotic series e^x / sqrt(2 pi x) sum_k (-1)^k a_k / x^k
#: (a_k = prod_{j <= k} (4 - (2j - 1)^2) / (k! 8^k)) is as accurate with 20 terms.
_I1_NEAR = 15.0
_I1_SERIES = [1 / (math.factorial(k) * math.factorial(k + 1)) for k in range(33)]
_I1_ASYMPTOTIC = [math.prod(4 - (2 * j - 1) ** 2 for j in range(1, k + 1)) / (math.factorial(k) * 8 ** k) * (-1) ** k
                  for k in range(20)]


def _horner(k, x, coeffs):
    out = k.c(coeffs[-1])
    for c in reversed(coeffs[:-1]):
        out = k.add(k.mul(out, x), k.c(c))
    return out


def _i1_parts(k, x):
    """(the series' i1(x) for |x| <= 15, i1(|x|) e^-|x| of the asymptotic series, |x|)."""
    a = k.absf(x)
    near = k.mul(k.mul(x, k.c(0.5)), _horner(k, k.mul(k.mul(x, x), k.c(0.25)), _I1_SERIES))
    ac = k.max(a, k.c(_I1_NEAR))  # the asymptotic series' argument stays in its range where it is not used
    far = k.div(_horner(k, k.div(k.c(1.0), ac), _I1_ASYMPTOTIC), k.sqrt(k.mul(ac, k.c(2 * math.pi))))
    return near, far, a


def _signed(k, x, v):
    return k.select(k.cmp("lt", x, k.c(0)), k.neg(v), v)


def _i1_body(k, x):
    near, far, a = _i1_parts(k, x)
    return k.select(k.cmp("le", a, k.c(_I1_NEAR)), near, _signed(k, x, k.mul(far, k.exp(a))))


def _i1e_body(k, x):
    near, far, a = _i1_parts(k, x)
    return k.select(k.cmp("le", a, k.c(_I1_NEAR)), k.mul(near, k.exp(k.neg(a))), _signed(k, x, far))


def _spherical_j0_body(k, x):
    """sin(x) / x: its Taylor series near 0, where the quotient loses precision; 0 at +-inf."""
    x2 = k.mul(x, x)
    near = _horner(k, x2, [1.0, -1 / 6, 1 / 120, -1 / 5040, 1 / 362880, -1 / 39916800])
    far = k.div(k.sin(x), x)
    out = k.select(k.cmp("lt", k.absf(x), k.c(0.5)), near, far)
    return k.select(k.cmp("eq", k.absf(x), k.c(math.inf)), k.c(0.0), out)


def _unary(name, body, samples, aten=None):
    def kernel(a):
        dtype = a.dtype if is_float(a.dtype) else DEFAULT_FLOAT
        return _run(body, dtype, a.astype(dtype, copy=False))
    kernel.__name__ = name
    defop(name, "(Tensor self) -> Tensor", kernel, shape=same, dtype=to_float, verify=chk.SAME_SHAPE,
          lower=Pointwise(body), samples=samples, aten=aten, api="torch")


def _grid(lo, hi, *edges, rtol=1e-4, atol=1e-6):
    g = np.concatenate([np.linspace(lo, hi, 161), np.asarray(edges, np.float64)])
    return [sample(s.f32(4, 5), rtol=rtol, atol=atol), sample(g.astype(np.float32), rtol=rtol, atol=atol),
            sample(g, rtol=rtol, atol=atol), sample(s.i64(5), rtol=rtol, atol=atol)]


_EDGES = (0.0, -0.0, np.inf, -np.inf, np.nan)
_unary("special_entr", _entr_body, lambda: _grid(-2, 30, *_EDGES, 1e-30))
_unary("special_ndtr", _ndtr_body, lambda: _grid(-30, 10, *_EDGES, -2.8284, -2.8285))
_unary("special_log_ndtr", _log_ndtr_body, lambda: _grid(-30, 10, *_EDGES, -2.8284, -2.8285))
_unary("special_erfcx", _erfcx_body, lambda: _grid(-9, 50, *_EDGES, 1.9999, 2.0001))
_unary("special_ndtri", _ndtri_body,
       lambda: [sample(s.f32(4, 5, lo=0.02, hi=0.98), rtol=1e-4, atol=1e-5),
                sample(np.array([0.0, 1.0, 0.5, 0.1, 0.9, 0.3, np.nan, -1.0, 2.0]), rtol=1e-4, atol=1e-5)])
_unary("special_i0e", _i0e_body, lambda: _grid(-40, 40, *_EDGES, 8.0, -8.0, 7.999, 8.001, 700.0))
_unary("special_i1", _i1_body, lambda: _grid(-40, 40, *_EDGES, 15.0, -15.0, 14.999, 15.001, 80.0, -120.0))
# the same functions under their torch.special names (which, unlike i0 and i1, refuse half types)
_unary("special_modified_bessel_i0", _i0_body, lambda: _grid(-40, 40, *_EDGES, 8.0, -8.0, 7.999, 8.001))
_unary("special_modified_bessel_i1", _i1_body, lambda: _grid(-40, 40, *_EDGES, 15.0, -15.0, 14.999, 15.001))
_unary("special_spherical_bessel_j0", _spherical_j0_body,
       lambda: _grid(-60, 60, *_EDGES, 1e-4, -0.4999, 0.5, 0.5001, 3.14159, 1e6))
_unary("special_i1e", _i1e_body, lambda: _grid(-40, 40, *_EDGES, 15.0, -15.0, 14.999, 15.001, 700.0, -3000.0))


_float_binary("special_xlog1py", _xlog1py_body, api="torch", other="Tensor|Scalar other",
              samples=lambda: [sample(s.f32(4, 5), s.f32(4, 5, lo=0, hi=3)),
                               sample(s.f32(2, 3), s.f32(3, lo=-0.5, hi=2)),
                               sample(np.array([0, 0, 1, -1, 2], np.float32),
                                      np.array([np.nan, -1, -1, np.inf, 0], np.float32)),
                               sample(s.f32(3), 0.5), sample(s.i64(3), s.i64(3, lo=0, hi=4))])
