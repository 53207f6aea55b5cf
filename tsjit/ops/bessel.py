"""Bessel functions of torch.special: bessel_j0 / j1, bessel_y0 / y1, modified_bessel_k0 / k1 and
their exponentially scaled forms (scaled_modified_bessel_k0 / k1).

Every body computes in float64 (`k.widened()`) and rounds once, so float32 results do not depend
on cancellation in float32. The formulas are the textbook ones (Abramowitz & Stegun 9.1, 9.6):
- J and Y: the ascending series for |x| <= 12 (the largest term is ~1e4, so float64 keeps ~1e-12
  absolute accuracy), Hankel's asymptotic expansion beyond (its error is ~exp(-2|x|)).
- K: the series (with I0 / I1's) for x <= 2; for 2 < x <= 30 the integral
  e^x K_nu(x) = int_0^inf exp(-x (cosh t - 1)) cosh(nu t) dt by 40-point Gauss-Legendre over the
  interval where the integrand exceeds e^-45; beyond 30 the asymptotic expansion.
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
_P = {nu: [(-1) ** m * _hankel_a(nu, 2 * m) for m in range(12)] for nu in (0, 1)}
_Q = {nu: [(-1) ** m * _hankel_a(nu, 2 * m + 1) for m in range(12)] for nu in (0, 1)}
_K_FAR = {nu: [_hankel_a(nu, m) for m in range(20)] for nu in (0, 1)}


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
    xm = w.min(w.max(x, w.c(_NEAR_K)), w.c(_FAR_K))
    top = w.acosh(w.add(w.c(1), w.div(w.c(45.0), xm)))
    half = w.mul(top, w.c(0.5))
    total = w.c(0)
    for node, weight in zip(_NODES, _WEIGHTS):
        s = w.sinh(w.mul(half, w.c(0.5 * (node + 1))))  # cosh(t) - 1 = 2 sinh(t/2)^2 at t = half (node + 1)
        f = w.exp(w.mul(w.mul(xm, w.c(-2)), w.mul(s, s)))
        if nu == 1:
            f = w.mul(f, w.cosh(w.mul(half, w.c(node + 1))))
        total = w.add(total, w.mul(w.c(weight), f))
    middle = w.mul(half, total)
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
