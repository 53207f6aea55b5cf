"""Bessel functions of torch.special: bessel_j0 / j1, bessel_y0 / y1, modified_bessel_k0 / k1,
their exponentially scaled forms (scaled_modified_bessel_k0 / k1), and airy_ai (Ai is a Bessel
function of order 1/3: Ai(x) = sqrt(x / 3) K_1/3(zeta) / pi, Ai(-x) from J_+-1/3(zeta), zeta = 2/3 x^3/2).

Every body computes in float64 (`k.widened()`) and rounds once, so float32 results do not depend
on cancellation in float32. The formulas are the textbook ones (Abramowitz & Stegun 9.1, 9.6):
- J and Y: the ascending series for |x| <= 12 (the largest term is ~1e4, so float64 keeps ~1e-12
  absolute accuracy), Hankel's asymptotic expansion beyond (its error is ~exp(-2|x|)).
- K: the series (with I0 / I1's) for x <= 2; for 2 < x <= 30 the integral
  e^x K_nu(x) = int_0^inf exp(-x (cosh t - 1)) cosh(nu t) dt by 40-point Gauss-Legendre over the
  interval where the integrand exceeds e^-45; beyond 30 the asymptotic expansion.
- Ai: its Maclaurin series for -7 <= x <= 2 (terms up to ~e^zeta = 2e5 at x = -7); beyond 2, K_1/3 by
  the integral above (zeta <= 30) or its asymptotic expansion; below -7, Hankel's expansion of
  J_+-1/3, whose sum gives x^-1/4 / sqrt(pi) (P cos(zeta - pi/4) - Q sin(zeta - pi/4)).
Each branch is evaluated at its argument clamped into its range, and `select` keeps the right one.
"""
from __future__ import annotations

import math

import numpy as np

from tsjit.ops.registry import sample
from tsjit.ops.special_functions import _EDGES, _grid, _horner, _unary

_GAMMA = 0.57721566490153286061  # Euler's constant
_NEAR_J = 12.0   # J / Y: series up to here
_NEAR_K = 2.0    # K: series up to here
_FAR_K = 30.0    # K: asymptotic beyond
_SERIES = 45     # terms of the ascending series (t = x^2/4 <= 36: the k-th term is below 1e-20 by then)
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(40)


def _harmonic(k: int) -> float:
    return math.fsum(1 / j for j in range(1, k + 1))


def _hankel_a(nu: int, k: int) -> float:
    """a_k(nu) = prod_{j<=k} (4 nu^2 - (2j - 1)^2) / (k! 8^k), the asymptotic expansions' coefficients."""
    return math.prod(4 * nu * nu - (2 * j - 1) ** 2 for j in range(1, k + 1)) / (math.factorial(k) * 8 ** k)


_J_SERIES = {0: [1 / math.factorial(k) ** 2 for k in range(_SERIES)],
             1: [1 / (math.factorial(k) * math.factorial(k + 1)) for k in range(_SERIES)]}
#: the Y / K series' extra sums: sum_{k>=1} H_k u^k / (k!)^2 and sum_k (H_k + H_{k+1}) u^k / (k! (k+1)!)
_H_SERIES = {0: [_harmonic(k) / math.factorial(k) ** 2 for k in range(_SERIES)],
             1: [(_harmonic(k) + _harmonic(k + 1)) / (math.factorial(k) * math.factorial(k + 1)) for k in range(_SERIES)]}
_P = {nu: [(-1) ** m * _hankel_a(nu, 2 * m) for m in range(12)] for nu in (0, 1, 1 / 3)}
_Q = {nu: [(-1) ** m * _hankel_a(nu, 2 * m + 1) for m in range(12)] for nu in (0, 1, 1 / 3)}
_K_FAR = {nu: [_hankel_a(nu, m) for m in range(20)] for nu in (0, 1, 1 / 3)}


def _wide(body):
    """A body computed in float64 on the widened operand, rounded once to the Kit's type."""
    return lambda k, x: k.narrow(body(k.widened(), k.wide(x)))


def _series(w, nu, x, u):
    """sum_k c_k u^k of J_nu's series (times x/2 for nu = 1)."""
    s = _horner(w, u, _J_SERIES[nu])
    return s if nu == 0 else w.mul(w.mul(x, w.c(0.5)), s)


def _hankel(w, nu, a):
    """(P, Q, sqrt(2 / (pi a)), chi) of the asymptotic expansion at a >= _NEAR_J."""
    y = w.recip(w.mul(a, a))
    p = _horner(w, y, _P[nu])
    q = w.div(_horner(w, y, _Q[nu]), a)
    return p, q, w.sqrt(w.div(w.c(2 / math.pi), a)), w.sub(a, w.c((nu / 2 + 0.25) * math.pi))


def _j(nu):
    def body(w, x):
        a = w.absf(x)
        near_x = w.select(w.cmp("le", a, w.c(_NEAR_J)), x, w.c(0))
        near = _series(w, nu, near_x, w.mul(w.mul(near_x, near_x), w.c(-0.25)))
        p, q, amp, chi = _hankel(w, nu, w.max(a, w.c(_NEAR_J)))
        far = w.mul(amp, w.sub(w.mul(p, w.cos(chi)), w.mul(q, w.sin(chi))))
        if nu == 1:
            far = w.select(w.cmp("lt", x, w.c(0)), w.neg(far), far)
        out = w.select(w.cmp("le", a, w.c(_NEAR_J)), near, far)
        return w.select(w.cmp("eq", a, w.c(math.inf)), w.c(math.nan), out)  # as PyTorch (not the limit 0)
    return _wide(body)


def _positive_only(w, x, out, at_zero, at_inf):
    """NaN for x < 0 (and NaN), `at_zero` at 0, `at_inf` at +inf."""
    out = w.select(w.cmp("eq", x, w.c(0)), w.c(at_zero), out)
    out = w.select(w.cmp("eq", x, w.c(math.inf)), w.c(at_inf), out)
    return w.select(w.cmp("ge", x, w.c(0)), out, w.c(math.nan))


def _y(nu):
    def body(w, x):
        xs = w.min(w.max(x, w.c(1e-300)), w.c(_NEAR_J))  # the series' argument, in (0, 12]
        u = w.mul(w.mul(xs, xs), w.c(-0.25))
        log_term = w.mul(w.c(2 / math.pi), w.mul(w.add(w.log(w.mul(xs, w.c(0.5))), w.c(_GAMMA)), _series(w, nu, xs, u)))
        extra = _horner(w, u, _H_SERIES[nu])
        if nu == 0:
            near = w.sub(log_term, w.mul(w.c(2 / math.pi), extra))
        else:
            near = w.sub(w.sub(log_term, w.div(w.c(2 / math.pi), xs)),
                         w.mul(w.mul(xs, w.c(0.5 / math.pi)), extra))
        p, q, amp, chi = _hankel(w, nu, w.max(x, w.c(_NEAR_J)))
        far = w.mul(amp, w.add(w.mul(p, w.sin(chi)), w.mul(q, w.cos(chi))))
        return _positive_only(w, x, w.select(w.cmp("le", x, w.c(_NEAR_J)), near, far), -math.inf, math.nan)
    return _wide(body)


def _k_integral(w, nu, xm):
    """e^x K_nu(x) for 2 <= x <= 30 by Gauss-Legendre (see the module docstring)."""
    top = w.acosh(w.add(w.c(1), w.div(w.c(45.0), xm)))
    half = w.mul(top, w.c(0.5))
    total = w.c(0)
    for node, weight in zip(_NODES, _WEIGHTS):
        s = w.sinh(w.mul(half, w.c(0.5 * (node + 1))))  # cosh(t) - 1 = 2 sinh(t/2)^2 at t = half (node + 1)
        f = w.exp(w.mul(w.mul(xm, w.c(-2)), w.mul(s, s)))
        if nu:
            f = w.mul(f, w.cosh(w.mul(half, w.c(nu * (node + 1)))))
        total = w.add(total, w.mul(w.c(weight), f))
    return w.mul(half, total)


def _k_scaled(w, nu, x):
    """e^x K_nu(x) for x > 0 (NaN handling and the ends are the caller's)."""
    xs = w.min(w.max(x, w.c(1e-300)), w.c(_NEAR_K))
    t = w.mul(w.mul(xs, xs), w.c(0.25))
    i_series = _series(w, nu, xs, t)  # I_nu's series is J_nu's at -u
    extra = _horner(w, t, _H_SERIES[nu])
    log_term = w.mul(w.add(w.log(w.mul(xs, w.c(0.5))), w.c(_GAMMA)), i_series)
    if nu == 0:
        near = w.add(w.neg(log_term), extra)
    else:
        near = w.sub(w.add(w.recip(xs), log_term), w.mul(w.mul(xs, w.c(0.25)), extra))
    near = w.mul(near, w.exp(xs))
    middle = _k_integral(w, nu, w.min(w.max(x, w.c(_NEAR_K)), w.c(_FAR_K)))
    xf = w.max(x, w.c(_FAR_K))
    far = w.mul(w.sqrt(w.div(w.c(math.pi / 2), xf)), _horner(w, w.recip(xf), _K_FAR[nu]))
    return w.select(w.cmp("le", x, w.c(_NEAR_K)), near, w.select(w.cmp("le", x, w.c(_FAR_K)), middle, far))


def _k(nu, scaled):
    def body(w, x):
        out = _k_scaled(w, nu, x)
        if not scaled:
            out = w.mul(out, w.exp(w.neg(w.min(x, w.c(1e300)))))
        return _positive_only(w, x, out, math.inf, 0.0)
    return _wide(body)


_AIRY_NEAR = (-7.0, 2.0)  # Ai: the Maclaurin series between these
_AIRY_TERMS = 32
#: Ai = Ai(0) f - |Ai'(0)| g, f = sum_k x^3k / prod_j<=k (3j - 1) 3j, g = x sum_k x^3k / prod_j<=k 3j (3j + 1)
_AIRY_F = [1 / math.prod((3 * j - 1) * 3 * j for j in range(1, k + 1)) for k in range(_AIRY_TERMS)]
_AIRY_G = [1 / math.prod(3 * j * (3 * j + 1) for j in range(1, k + 1)) for k in range(_AIRY_TERMS)]
_AI0 = 1 / (3 ** (2 / 3) * math.gamma(2 / 3))
_AI0_SLOPE = 1 / (3 ** (1 / 3) * math.gamma(1 / 3))


def _airy_ai_body(w, x):
    """Ai(x) (see the module docstring); NaN at +-inf as in PyTorch."""
    xs = w.min(w.max(x, w.c(_AIRY_NEAR[0])), w.c(_AIRY_NEAR[1]))
    u = w.mul(w.mul(xs, xs), xs)
    near = w.sub(w.mul(w.c(_AI0), _horner(w, u, _AIRY_F)), w.mul(w.c(_AI0_SLOPE), w.mul(xs, _horner(w, u, _AIRY_G))))
    # x > 2: sqrt(x / 3) / pi e^-zeta (e^zeta K_1/3(zeta))
    xp = w.max(x, w.c(_AIRY_NEAR[1]))
    zp = w.mul(w.c(2 / 3), w.mul(xp, w.sqrt(xp)))
    middle = _k_integral(w, 1 / 3, w.min(zp, w.c(_FAR_K)))
    zf = w.max(zp, w.c(_FAR_K))
    far = w.mul(w.sqrt(w.div(w.c(math.pi / 2), zf)), _horner(w, w.recip(zf), _K_FAR[1 / 3]))
    k_scaled = w.select(w.cmp("le", zp, w.c(_FAR_K)), middle, far)
    right = w.mul(w.mul(w.sqrt(w.div(xp, w.c(3))), w.c(1 / math.pi)), w.mul(w.exp(w.neg(zp)), k_scaled))
    # x < -7: |x|^-1/4 / sqrt(pi) (P cos(zeta - pi/4) - Q sin(zeta - pi/4)); the shift as (cos +- sin) / sqrt 2
    xn = w.max(w.neg(x), w.c(-_AIRY_NEAR[0]))
    zn = w.mul(w.c(2 / 3), w.mul(xn, w.sqrt(xn)))
    y = w.recip(w.mul(zn, zn))
    p = _horner(w, y, _P[1 / 3])
    q = w.div(_horner(w, y, _Q[1 / 3]), zn)
    cos, sin = w.cos(zn), w.sin(zn)
    wave = w.sub(w.mul(p, w.add(cos, sin)), w.mul(q, w.sub(sin, cos)))
    left = w.mul(w.div(w.c(1 / math.sqrt(2 * math.pi)), w.sqrt(w.sqrt(xn))), wave)
    out = w.select(w.cmp("gt", x, w.c(_AIRY_NEAR[1])), right, w.select(w.cmp("lt", x, w.c(_AIRY_NEAR[0])), left, near))
    return w.select(w.cmp("eq", w.absf(x), w.c(math.inf)), w.c(math.nan), out)  # as PyTorch, at both ends


_UNSIGNED = (-0.0, 1e-30, 1e-8, 1.9999, 2.0, 2.0001, 11.999, 12.0, 12.001, 29.999, 30.0, 30.001, 700.0)


def _grid_far(lo, hi, *edges):
    """_grid's samples, and large arguments in float64 only (PyTorch's float32 kernels lose the
    phase there: J0 of float32 1e5 is off by 7e-6 in PyTorch, not in tsjit)."""
    return lambda: [*_grid(lo, hi, *edges), sample(np.array([1e5, 5156.7324, 11575.6436, 3e8]), rtol=1e-4, atol=1e-6)]


_unary("special_bessel_j0", _j(0), _grid_far(-60, 60, *_EDGES, *_UNSIGNED, -12.0, 2.404825557695773))
_unary("special_bessel_j1", _j(1), _grid_far(-60, 60, *_EDGES, *_UNSIGNED, -12.0, 3.831705970207512))
_unary("special_bessel_y0", _y(0), _grid_far(-1, 60, *_EDGES, *_UNSIGNED, 0.893576966279167))
_unary("special_bessel_y1", _y(1), _grid_far(-1, 60, *_EDGES, *_UNSIGNED, 2.197141326031017))
_unary("special_modified_bessel_k0", _k(0, False), _grid_far(-1, 60, *_EDGES, *_UNSIGNED, 750.0))
_unary("special_modified_bessel_k1", _k(1, False), _grid_far(-1, 60, *_EDGES, *_UNSIGNED, 750.0))
_unary("special_scaled_modified_bessel_k0", _k(0, True), _grid_far(-1, 60, *_EDGES, *_UNSIGNED))
_unary("special_scaled_modified_bessel_k1", _k(1, True), _grid_far(-1, 60, *_EDGES, *_UNSIGNED))
# atol 1e-5: PyTorch's own airy_ai is off by up to 3e-6 (float64 near x = -2.09) and 5e-6 (float32 near -57)
_unary("special_airy_ai", _wide(_airy_ai_body),
       lambda: [*_grid(-30, 30, *_EDGES, -7.0, -7.0001, -6.9999, 2.0, 2.0001, 1.9999, 12.65, 12.66, 103.0,
                       -2.338107410459767, atol=1e-5),
                sample(np.array([-1e5, -3e4, -1234.5, -200.0, -100.0, 50.0, 100.0, 104.0, 1e5, 1e300]),
                       rtol=1e-4, atol=1e-5)])
