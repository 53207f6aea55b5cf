"""Special functions computed from series and polynomial approximations: lgamma, digamma, erfinv, i0,
and nextafter (by arithmetic, as the Kit has no bit casts).

As in special.py, each scalar formula is one `Pointwise` body, which the numpy kernel runs on arrays
(`special._NumpyKit`) and C renders, so every path computes alike. The bodies are straight-line
code: where PyTorch's scalar code loops (digamma's recurrence up to 10) or branches, a body takes a
fixed number of steps and selects. Integer and bool inputs give the default float dtype, as ATen's
unary float ops do; the i0 and digamma coefficients are the Cephes Math Library's (BSD, as in ATen's
Math.h).
"""
from __future__ import annotations

import math

import numpy as np

from tsjit.dtypes import float_info, is_float
from tsjit.kernels.dims import check_broadcast
from tsjit.kernels.promotion import DEFAULT_FLOAT, cast, not_implemented, result_dtype
from tsjit.ops import checks as chk
from tsjit.ops import samples as s
from tsjit.ops.registry import Pointwise, defop, sample
from tsjit.ops.rules import broadcast_of, promoted, same, to_float
from tsjit.ops.special import _run

_INF = math.inf


def _is_f64(k) -> bool:
    # the C kit's dtype is xDSL's Float64Type, named rather than imported: eager code loads no xDSL
    return k.dtype == np.float64 if isinstance(k.dtype, np.dtype) else type(k.dtype).__name__ == "Float64Type"


def _horner(k, x, coeffs):
    """coeffs[0] x^n + ... + coeffs[n]."""
    p = k.c(coeffs[0])
    for c in coeffs[1:]:
        p = k.add(k.mul(p, x), k.c(c))
    return p


def _is_int(k, x):
    return k.cmp("eq", x, k.floor(x))


# -- lgamma: Stirling's series after shifting the argument past 8 ---------------------------------

_STIRLING = (1 / 156, -691 / 360360, 1 / 1188, -1 / 1680, 1 / 1260, -1 / 360, 1 / 12)  # in 1/z^2, times 1/z


def _lgamma_positive(k, x):
    """lgamma(x) for x > 0: Stirling's series at z = x (x >= 8) or z = x + 8, less log(x (x+1) ... (x+7))."""
    big = k.cmp("ge", x, k.c(8))
    z = k.select(big, x, k.add(x, k.c(8)))
    prod = x
    for i in range(1, 8):
        prod = k.mul(prod, k.add(x, k.c(i)))
    shift = k.select(big, k.c(0), k.log(prod))
    inv = k.recip(z)
    series = k.mul(_horner(k, k.mul(inv, inv), _STIRLING), inv)
    # (z - 1/2) log z - z + log(2 pi)/2, written so that z = inf gives inf
    main = k.add(k.mul(k.sub(z, k.c(0.5)), k.sub(k.log(z), k.c(1))), k.c(0.5 * math.log(2 * math.pi) - 0.5))
    return k.sub(k.add(main, series), shift)


def _sin_pi_abs(k, x):
    """|sin(pi x)|, reduced exactly to [-1/2, 1/2] first."""
    return k.absf(k.sin(k.mul(k.sub(x, k.round_even(x)), k.c(math.pi))))


def _lgamma_body(k, x):
    """Reflection log(pi / |sin(pi x)|) - lgamma(1 - x) below 0; +inf at the poles (0, -1, ..., -inf)."""
    neg = k.cmp("lt", x, k.c(0))
    pos = _lgamma_positive(k, k.select(neg, k.sub(k.c(1), x), x))
    reflected = k.sub(k.sub(k.c(math.log(math.pi)), k.log(_sin_pi_abs(k, x))), pos)
    pole = k.and_(k.cmp("le", x, k.c(0)), _is_int(k, x))
    return k.select(pole, k.c(_INF), k.select(neg, reflected, pos))


# -- digamma: the asymptotic series after the recurrence psi(x) = psi(x + 1) - 1/x ----------------

_PSI = (8.33333333333333333333E-2, -2.10927960927960927961E-2, 7.57575757575757575758E-3,
        -4.16666666666666666667E-3, 3.96825396825396825397E-3, -8.33333333333333333333E-3,
        8.33333333333333333333E-2)


def _digamma_positive(k, x):
    """psi(x) for x > 0: log z - 1/(2z) - sum of the Cephes series in 1/z^2, z = x (x >= 10) or x + 10."""
    big = k.cmp("ge", x, k.c(10))
    z = k.select(big, x, k.add(x, k.c(10)))
    acc = k.recip(x)
    for i in range(1, 10):
        acc = k.add(acc, k.recip(k.add(x, k.c(i))))
    shift = k.select(big, k.c(0), acc)
    w = k.recip(k.mul(z, z))
    tail = k.mul(w, _horner(k, w, _PSI))
    return k.sub(k.sub(k.sub(k.log(z), k.div(k.c(0.5), z)), tail), shift)


def _digamma_body(k, x):
    """ATen's calc_digamma: +-inf at -+0, NaN at negative integers, psi(1 - x) - pi / tan(pi r) below 0
    (r the fractional part of x)."""
    neg = k.cmp("lt", x, k.c(0))
    pos = _digamma_positive(k, k.select(neg, k.sub(k.c(1), x), x))
    r = k.sub(x, k.trunc(x))
    reflected = k.sub(pos, k.div(k.c(math.pi), k.tan(k.mul(r, k.c(math.pi)))))
    out = k.select(neg, k.select(_is_int(k, x), k.c(math.nan), reflected), pos)
    return k.select(k.cmp("eq", x, k.c(0)), k.copysign(k.c(_INF), k.neg(x)), out)


# -- erfinv: Giles' approximation, with two Newton steps in float64 --------------------------------

_GILES_CENTRAL = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
                  -0.00125372503, -0.00417768164, 0.246640727, 1.50140941)
_GILES_TAIL = (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
               -0.0076224613, 0.00943887047, 1.00167406, 2.83297682)

_PAVLIS_NUM, _PAVLIS_DEN = (1.641345311, 3.429567803, -1.624906493, -1.970840454), (1.637067800, 3.543889200, 1.0)


def _erfinv_body(k, y):
    """M. Giles, "Approximating the erfinv function" (single precision, w = -log(1 - y^2)); float64
    refines it by Newton's method on erf, as ATen's calc_erfinv does; +-inf at +-1, NaN past them."""
    w = k.neg(k.log(k.mul(k.sub(k.c(1), y), k.add(k.c(1), y))))
    central = _horner(k, k.sub(w, k.c(2.5)), _GILES_CENTRAL)
    tail = _horner(k, k.sub(k.sqrt(w), k.c(3)), _GILES_TAIL)
    x = k.mul(k.select(k.cmp("lt", w, k.c(5)), central, tail), y)
    if _is_f64(k):  # past Giles' range (1 - |y| < 2^-24), ATen's first guess: Pavlis' rational tail
        z = k.sqrt(k.neg(k.log(k.div(k.sub(k.c(1), k.absf(y)), k.c(2)))))
        far = k.div(k.copysign(_horner(k, z, _PAVLIS_NUM), y), _horner(k, z, _PAVLIS_DEN))
        x = k.select(k.cmp("lt", w, k.c(16)), x, far)
        for _ in range(2):
            slope = k.mul(k.c(2 / math.sqrt(math.pi)), k.exp(k.neg(k.mul(x, x))))
            x = k.sub(x, k.div(k.sub(k.erf(x), y), slope))
    a = k.absf(y)
    edge = k.select(k.cmp("eq", a, k.c(1)), k.copysign(k.c(_INF), y), k.c(math.nan))
    return k.select(k.cmp("lt", a, k.c(1)), x, k.select(k.cmp_raw("uno", y, y), y, edge))


# -- i0: Cephes' Chebyshev expansions of exp(-x) I0(x) on [0, 8] and exp(-x) sqrt(x) I0(x) beyond --

_I0_A = (-4.41534164647933937950E-18, 3.33079451882223809783E-17, -2.43127984654795469359E-16,
         1.71539128555513303061E-15, -1.16853328779934516808E-14, 7.67618549860493561688E-14,
         -4.85644678311192946090E-13, 2.95505266312963983461E-12, -1.72682629144155570723E-11,
         9.67580903537323691224E-11, -5.18979560163526290666E-10, 2.65982372468238665035E-9,
         -1.30002500998624804212E-8, 6.04699502254191894932E-8, -2.67079385394061173391E-7,
         1.11738753912010371815E-6, -4.41673835845875056359E-6, 1.64484480707288970893E-5,
         -5.75419501008210370398E-5, 1.88502885095841655729E-4, -5.76375574538582365885E-4,
         1.63947561694133579842E-3, -4.32430999505057594430E-3, 1.05464603945949983183E-2,
         -2.37374148058994688156E-2, 4.93052842396707084878E-2, -9.49010970480476444210E-2,
         1.71620901522208775349E-1, -3.04682672343198398683E-1, 6.76795274409476084995E-1)
_I0_B = (-7.23318048787475395456E-18, -4.83050448594418207126E-18, 4.46562142029675999901E-17,
         3.46122286769746109310E-17, -2.82762398051658348494E-16, -3.42548561967721913462E-16,
         1.77256013305652638360E-15, 3.81168066935262242075E-15, -9.55484669882830764870E-15,
         -4.15056934728722208663E-14, 1.54008621752140982691E-14, 3.85277838274214270114E-13,
         7.18012445138366623367E-13, -1.79417853150680611778E-12, -1.32158118404477131188E-11,
         -3.14991652796324136454E-11, 1.18891471078464383424E-11, 4.94060238822496958910E-10,
         3.39623202570838634515E-9, 2.26666899049817806459E-8, 2.04891858946906374183E-7,
         2.89137052083475648297E-6, 6.88975834691682398426E-5, 3.36911647825569408990E-3,
         8.04490411014108831608E-1)


def _chbevl(k, x, coeffs):
    """Clenshaw's recurrence for a Chebyshev series (Cephes' chbevl)."""
    b0, b1, b2 = k.c(coeffs[0]), k.c(0), k.c(0)
    for c in coeffs[1:]:
        b2, b1 = b1, b0
        b0 = k.add(k.sub(k.mul(x, b1), b2), k.c(c))
    return k.mul(k.c(0.5), k.sub(b0, b2))


def _i0_body(k, x):
    a = k.absf(x)
    near = k.mul(k.exp(a), _chbevl(k, k.sub(k.div(a, k.c(2)), k.c(2)), _I0_A))
    far = k.div(k.mul(k.exp(a), _chbevl(k, k.sub(k.div(k.c(32), a), k.c(2)), _I0_B)), k.sqrt(a))
    return k.select(k.cmp("le", a, k.c(8)), near, far)


def _float_unary(name, body, samples, aten):
    def kernel(a):
        dtype = a.dtype if is_float(a.dtype) else DEFAULT_FLOAT
        return _run(body, dtype, a.astype(dtype, copy=False))
    kernel.__name__ = name
    defop(name, "(Tensor self) -> Tensor", kernel, shape=same, dtype=to_float, verify=chk.SAME_SHAPE,
          api="torch Tensor", lower=Pointwise(body), aten=aten, samples=samples)


def _wide(*values, lo=-30.0, hi=30.0):
    """float32 and float64 points over a wide range, with the given values."""
    grid = np.concatenate([np.linspace(lo, hi, 241), np.asarray(values, np.float64)])
    return sample(grid.astype(np.float32), rtol=2e-4, atol=2e-5), sample(grid, rtol=1e-9, atol=1e-11)


def _lgamma_samples():
    edges = (0.0, -0.0, 1.0, 2.0, -1.0, -2.0, -1e-30, 1e-30, 0.5, -0.5, -2.5, -100.5, 1e10, 1e30, -1e30,
             np.inf, -np.inf, np.nan, 1 - 1e-7, 2 + 1e-7, 7.99, 8.0, 170.5, -170.5)
    return [*s.unary()(), *_wide(*edges, lo=-20.25, hi=40.25), sample(s.f64(5, lo=1e-3, hi=1e6), rtol=1e-10)]


def _digamma_samples():
    edges = (0.0, -0.0, 1.0, 2.0, 10.0, -1.0, -3.0, -1e-30, 1e-30, 0.5, -0.5, -2.25, -99.9, 1e10, 1e20,
             np.inf, -np.inf, np.nan, 1.4616321449683622, 9.999, 10.001)
    return [*s.unary()(), *_wide(*edges, lo=-20.3, hi=40.3), sample(s.f64(5, lo=1e-3, hi=1e6), rtol=1e-10)]


def _erfinv_samples():
    edges = (0.0, -0.0, 1.0, -1.0, 1.5, -2.0, np.nan, np.inf, -np.inf, 1e-30, 0.5, -0.9, 0.99, 0.9999,
             -0.999999, 1 - 1e-7, 1 - 2 ** -24, -(1 - 2 ** -24), 0.7, 0.70001)
    grid = np.concatenate([np.linspace(-1, 1, 201), edges])
    return [*s.unary()(), sample(grid.astype(np.float32), rtol=1e-4, atol=1e-5),
            sample(grid, rtol=1e-9, atol=1e-12), sample(np.array([1 - 1e-9, -(1 - 1e-10), 1 - 1e-12]), rtol=1e-6)]


def _i0_samples():
    edges = (0.0, -0.0, 8.0, -8.0, 7.999, 8.001, 1e-30, 80.0, 88.0, 89.0, 700.0, 710.0, np.inf, -np.inf, np.nan)
    return [*s.unary()(), *_wide(*edges, lo=-40.5, hi=40.5)]


_float_unary("lgamma", _lgamma_body, _lgamma_samples, "lgamma special_gammaln")
_float_unary("digamma", _digamma_body, _digamma_samples, "digamma special_digamma special_psi")
_float_unary("erfinv", _erfinv_body, _erfinv_samples, "erfinv special_erfinv")
_float_unary("i0", _i0_body, _i0_samples, "i0 special_i0")


# -- nextafter: the neighbouring float by arithmetic on the power of two below |x| --------------------

def _nextafter_body(k, x, y):
    """x moved one ulp towards y: |x| steps by its ulp (2^e * eps for 2^e <= |x| < 2^(e+1), the
    subnormal spacing below the normal range), by half of it downwards from a power of two; 0 steps
    to the smallest subnormal, inf to the largest float; x == y gives y, NaNs give NaN."""
    info = float_info(k.dtype)
    tiny, smallest = float(info.smallest_normal), float(info.smallest_subnormal)
    a = k.absf(x)
    p = k.exp2(k.min(k.floor(k.log2(a)), k.c(info.maxexp - 1)))  # 2^e, corrected by a step either way
    p = k.select(k.cmp("gt", p, a), k.mul(p, k.c(0.5)), p)
    p = k.select(k.cmp("le", k.mul(p, k.c(2)), a), k.mul(p, k.c(2)), p)
    ulp = k.select(k.cmp("lt", a, k.c(tiny)), k.c(smallest), k.mul(p, k.c(float(info.eps))))
    down_ulp = k.select(k.and_(k.cmp("eq", a, p), k.cmp("gt", a, k.c(tiny))), k.mul(ulp, k.c(0.5)), ulp)
    away = k.select(k.cmp("gt", x, k.c(0)), k.cmp("gt", y, x), k.cmp("lt", y, x))  # away from zero
    moved = k.select(away, k.add(a, ulp), k.sub(a, down_ulp))
    moved = k.select(k.cmp("eq", a, k.c(_INF)), k.c(float(info.max)), moved)
    out = k.copysign(moved, x)
    out = k.select(k.cmp("eq", x, k.c(0)), k.copysign(k.c(smallest), k.sub(y, x)), out)
    nan = k.cmp_raw("uno", x, y)
    return k.select(k.cmp("eq", x, y), y, k.select(nan, k.add(x, y), out))


def _nextafter(a, b):
    dtype = result_dtype(a, b)
    if not is_float(dtype):
        raise not_implemented("nextafter_cpu", dtype)
    check_broadcast(np.shape(a), np.shape(b))
    return _run(_nextafter_body, dtype, cast(a, dtype), cast(b, dtype))


def _nextafter_samples():
    info32, info64 = np.finfo(np.float32), np.finfo(np.float64)
    xs = [0.0, -0.0, 1.0, 1.0, -1.0, -1.0, 2.0, 0.75, 1e-30, -1e-30, 3.0, np.inf, -np.inf, np.nan, 5.0, 1.5]
    ys = [1.0, -1.0, 2.0, 0.0, -2.0, 0.0, 0.0, 0.0, 1.0, 0.0, 3.0, 0.0, 0.0, 1.0, np.nan, -np.inf]
    edges = [float(info32.max), float(info32.smallest_normal), float(info32.smallest_subnormal), 0.5, 4.0, -8.0]

    def pairs(dtype, extra):
        x = np.array(xs + extra + extra, dtype)
        y = np.array(ys + [np.inf] * len(extra) + [0.0] * len(extra), dtype)
        return x, y
    x32, y32 = pairs(np.float32, edges)
    x64, y64 = pairs(np.float64, [float(info64.max), float(info64.smallest_normal), 5e-324, 2.0 ** -1022 * 3, 1e300])
    opts = {"rtol": 0, "atol": 0}
    return [sample(s.f32(2, 3), s.f32(3), **opts), sample(x32, y32, **opts), sample(x64, y64, **opts),
            sample(s.f32(4, 1) * 1e3, np.array(0.0, np.float32), **opts), sample(s.f32(0, 3), s.f32(3), **opts),
            sample(s.f64(3) * 1e-310, s.f64(3), **opts), sample(s.f32(3), np.array(1.0), **opts),
            sample(s.f32(3), s.f64(3), **opts), sample(s.i64(3), s.i64(3)), sample(s.mask(3), s.mask(3)),
            sample(s.f32(3), s.f32(2))]


defop("nextafter", "(Tensor self, Tensor other) -> Tensor", _nextafter, shape=broadcast_of(0, 1),
      dtype=promoted(0, 1), verify=chk.broadcast(0, 1), api="torch Tensor",
      lower=Pointwise(_nextafter_body, values=(0, 1), float_only=True), samples=_nextafter_samples)
