"""torch.igamma / igammac (torch.special.gammainc / gammaincc): the regularized incomplete gamma
functions P(a, x) = gamma(a, x) / Gamma(a) and Q(a, x) = 1 - P(a, x), a = input, x = other.

A body cannot loop until convergence, so each region gets a fixed amount of work (computed in float64,
rounded once; the textbook formulas, DLMF 8.7.1, 8.9.2, 8.12):
- x < max(a + 1, 3): the series P = x^a e^-x / Gamma(a + 1) sum_n x^n / ((a + 1) ... (a + n)), 60 terms
  (the terms fall at least as fast as prod (a + 1) / (a + n) there);
- beyond: Legendre's continued fraction Q = x^a e^-x / Gamma(a) / (x + 1 - a - 1 (1 - a) / (x + 3 - a - ...)),
  30 levels evaluated bottom-up (x >= 3 and x >= a + 1 make it converge that fast);
- a >= 50 with x near a (|eta| <= 0.5, i.e. 0.58 a <= x <= 1.59 a), where both would need ~10 sqrt(a)
  terms: Temme's uniform expansion Q = erfc(eta sqrt(a/2)) / 2 + exp(-a eta^2/2) / sqrt(2 pi a) sum_k c_k(eta) a^-k
  with 8 terms, each c_k a 20-term Taylor polynomial in eta (utils/gen_temme_coefficients.py derives them).
The complement is taken on the side where it does not cancel (for a < 1 and x < 3, where P is near 1,
Q comes from Kummer's form of the series). Measured against mpmath: relative error below 1e-11 in
float64 (the prefactor's exp(a log x - x - lgamma) limits it for large a), correctly rounded float32
(PyTorch's float32 kernels are off by up to 1.6e-4, its float64 ones by 1e-9 near x = a ~ 30). Edge values are PyTorch's: NaN for a
negative operand, for a = x = 0 and for a = x = inf; P = 1 at a = 0 or x = inf, P = 0 at x = 0 or a = inf.
Integer operands are refused ("igamma_cpu" not implemented for 'Long'), half types are computed.
"""
from __future__ import annotations

import math

import numpy as np

from tsjit.ops import samples as s
from tsjit.ops.registry import sample
from tsjit.ops.special import _float_binary
from tsjit.ops.special_functions import _erfc_cf, _horner
from tsjit.ops.transcendental import _lgamma_positive

_SERIES = 60
_CF_LEVELS = 30
_TEMME_A = 50.0     # Temme's expansion from this a on ...
_TEMME_ETA = 0.5    # ... where |eta| is at most this
_LOG1P_TERMS = 14   # mu - log1p(mu) by its series for |mu| < 0.05
_SMALL_A = 1.0      # Q below this a (and x < 3) without 1 - P's cancellation, as Q = 1 - x^a / Gamma(a + 1) + ...
_KUMMER_TERMS = 32  # ... of the series' terms x^n / ((a + n) n!) (3^32 / 32! ~ 1e-20)
_EULER = 0.57721566490153286061


def _zeta(k: int) -> float:
    """Riemann zeta(k), k >= 2: 1000 terms and the Euler-Maclaurin tail."""
    n = 1000
    return math.fsum([j ** -k for j in range(1, n)] + [n ** (1 - k) / (k - 1), n ** -k / 2, k * n ** (-k - 1) / 12])


#: lgamma(1 + a) = -gamma a + sum_k>=2 (-1)^k zeta(k) a^k / k, used for a < 0.1 (its terms fall as a^k)
_LGAMMA1P = [0.0, -_EULER, *((-1) ** k * _zeta(k) / k for k in range(2, 18))]

_TEMME = (
    (-0.3333333333333333, 0.08333333333333333, -0.014814814814814815, 0.0011574074074074073,
     0.0003527336860670194, -0.0001787551440329218, 3.919263178522438e-05, -2.185448510679992e-06,
     -1.85406221071516e-06, 8.296711340953087e-07, -1.7665952736826078e-07, 6.707853543401498e-09,
     1.0261809784240309e-08, -4.382036018453353e-09, 9.14769958223679e-10, -2.5514193994946248e-11,
     -5.830772132550426e-11, 2.4361948020667415e-11, -5.0276692801141755e-12, 1.1004392031956135e-13),
    (-0.001851851851851852, -0.003472222222222222, 0.0026455026455026454, -0.0009902263374485596,
     0.00020576131687242798, -4.018775720164609e-07, -1.8098550334489977e-05, 7.64916091608111e-06,
     -1.6120900894563446e-06, 4.647127802807434e-09, 1.378633446915721e-07, -5.752545603517705e-08,
     1.1951628599778148e-08, -1.7543241719747647e-11, -1.0091543710600413e-09, 4.162792991842583e-10,
     -8.56390702649298e-11, 6.067215101604758e-14, 7.1624989648114856e-12, -2.933186643771437e-12),
    (0.004133597883597883, -0.0026813271604938273, 0.0007716049382716049, 2.0093878600823047e-06,
     -0.0001073665322636516, 5.2923448829120125e-05, -1.2760635188618728e-05, 3.423578734096138e-08,
     1.3721957309062934e-06, -6.298992138380055e-07, 1.4280614206064242e-07, -2.0477098421990866e-10,
     -1.409252991086752e-08, 6.228974084922022e-09, -1.3670488396617114e-09, 9.428356159014678e-13,
     1.2872252400089318e-10, -5.5645956134363323e-11, 1.197593554636698e-11, -4.1689782251838634e-15),
    (0.0006494341563786008, 0.00022947209362139917, -0.0004691894943952557, 0.00026772063206283885,
     -7.561801671883977e-05, -2.396505113867297e-07, 1.1082654115347302e-05, -5.6749528269915965e-06,
     1.4230900732435883e-06, -2.7861080291528143e-11, -1.6958404091930278e-07, 8.099464905388083e-08,
     -1.9111168485973655e-08, 2.3928620439808118e-12, 2.0620131815488797e-09, -9.460496661855133e-10,
     2.1541049775774907e-10, -1.388823336813903e-14, -2.1894761681963938e-11, 9.790998951171684e-12),
    (-0.0008618882909167117, 0.0007840392217200666, -0.0002990724803031902, -1.4638452578843418e-06,
     6.641498215465122e-05, -3.968365047179435e-05, 1.1375726970678419e-05, 2.507497226237533e-10,
     -1.6954149536558305e-06, 8.907507532205309e-07, -2.292934834000805e-07, 2.956794137544049e-11,
     2.8865829742708783e-08, -1.4189739437803219e-08, 3.4463580499464896e-09, -2.3024517174528067e-13,
     -3.9409233028046403e-10, 1.86023389685045e-10, -4.356323005056618e-11, 1.278600101629623e-15),
    (-0.00033679855336635813, -6.972813758365857e-05, 0.0002772753244959392, -0.00019932570516188847,
     6.797780477937208e-05, 1.419062920643967e-07, -1.3594048189768693e-05, 8.018470256334202e-06,
     -2.291481176508095e-06, -3.252473551298454e-10, 3.4652846491085265e-07, -1.8447187191171344e-07,
     4.8240967037894184e-08, -1.7989466721743514e-14, -6.306194500013523e-09, 3.162417628774568e-09,
     -7.840924253697429e-10, 5.192679165254041e-15, 9.358944242306784e-11, -4.513426216163278e-11),
    (0.0005313079364639922, -0.0005921664373536939, 0.0002708782096718045, 7.902353232660328e-07,
     -8.153969367561969e-05, 5.61168275310625e-05, -1.8329116582843375e-05, -3.0796134506033047e-09,
     3.465155368803609e-06, -2.0291327396058603e-06, 5.788792863149004e-07, 2.338630673826657e-13,
     -8.828600746330484e-08, 4.7435958880408125e-08, -1.2545415020710383e-08, 8.649648858010293e-14,
     1.6846058979264062e-09, -8.575492823577594e-10, 2.1598224929232125e-10, -7.613230520476153e-16),
    (0.00034436760689237765, 5.171790908260592e-05, -0.00033493161081142234, 0.0002812695154763237,
     -0.00010976582244684731, -1.2741009095484485e-07, 2.7744451511563645e-05, -1.8263488805711332e-05,
     5.7876949497350525e-06, 4.93875893393627e-10, -1.0595367014026043e-06, 6.166714376110408e-07,
     -1.7562973359060463e-07, -1.297447328701544e-12, 2.695423606288966e-08, -1.4578352908731272e-08,
     3.887645959386175e-09, -3.881002251019412e-17, -5.327994173877286e-10, 2.7437977643314844e-10),
)


def _erfc_pair(w, z):
    """(erfc(z), erfc(-z)), each without cancellation: the continued fraction beyond |z| = 2."""
    za = w.max(w.absf(z), w.c(2))
    tail = w.mul(w.c(1 / math.sqrt(math.pi)), w.mul(w.exp(w.neg(w.mul(za, za))), _erfc_cf(w, za)))
    e = w.erf(z)
    upper = w.select(w.cmp("ge", z, w.c(2)), tail, w.sub(w.c(1), e))
    lower = w.select(w.cmp("le", z, w.c(-2)), tail, w.add(w.c(1), e))
    return upper, lower


def _eta(w, a, x):
    """eta = sign(mu) sqrt(2 (mu - log1p(mu))), mu = x / a - 1 (the series near mu = 0, where the
    difference cancels)."""
    mu = w.div(w.sub(x, a), a)
    small = w.min(w.max(mu, w.c(-0.05)), w.c(0.05))
    series = w.mul(w.mul(small, small), _horner(w, small, [(-1) ** j / (j + 2) for j in range(_LOG1P_TERMS)]))
    d = w.select(w.cmp("lt", w.absf(mu), w.c(0.05)), series, w.sub(mu, w.log1p(mu)))
    root = w.sqrt(w.mul(w.c(2), w.max(d, w.c(0))))
    return w.select(w.cmp("lt", mu, w.c(0)), w.neg(root), root)


def _temme(w, a, eta):
    """(P, Q) by the uniform expansion (for a >= 50, |eta| <= 0.5)."""
    ec = w.min(w.max(eta, w.c(-_TEMME_ETA)), w.c(_TEMME_ETA))
    inv = w.recip(a)
    total = w.c(0)
    for row in reversed(_TEMME):
        total = w.add(w.mul(total, inv), _horner(w, ec, list(row)))
    z = w.mul(eta, w.sqrt(w.mul(a, w.c(0.5))))
    r = w.mul(w.div(w.exp(w.neg(w.mul(z, z))), w.sqrt(w.mul(a, w.c(2 * math.pi)))), total)
    upper, lower = _erfc_pair(w, z)
    return w.sub(w.mul(lower, w.c(0.5)), r), w.add(w.mul(upper, w.c(0.5)), r)


def _series_p(w, a, x, front):
    total = w.c(1)
    for n in range(_SERIES, 0, -1):
        total = w.add(w.c(1), w.mul(total, w.div(x, w.add(a, w.c(n)))))
    return w.mul(front, total)


def _fraction_q(w, a, x, front):
    xa = w.sub(x, a)
    t = w.add(xa, w.c(2 * _CF_LEVELS + 1))
    for n in range(_CF_LEVELS, 0, -1):
        t = w.sub(w.add(xa, w.c(2 * n - 1)), w.div(w.mul(w.c(n), w.sub(w.c(n), a)), t))
    return w.div(w.mul(front, a), t)  # x^a e^-x / Gamma(a) = a times the series' prefactor


def _small_a_q(w, a, log_x, lgamma1p, x):
    """Q for a < 1, x < 3, where P is near 1: Kummer's transformation e^-x sum_n x^n / ((a + 1) ... (a + n))
    = 1 - a sum_n>=1 (-x)^n... gives Q = -expm1(a log x - lgamma(1 + a)) + x^a / Gamma(1 + a) a T,
    T = sum_n>=1 (-1)^(n+1) x^n / ((a + n) n!), with lgamma(1 + a) by its series for a < 0.1."""
    ac = w.min(a, w.c(0.1))
    lg = w.select(w.cmp("lt", a, w.c(0.1)), _horner(w, ac, _LGAMMA1P), lgamma1p)
    xc = w.min(x, w.c(3))
    t, term = w.c(0), w.c(1)
    for n in range(1, _KUMMER_TERMS + 1):
        term = w.mul(term, w.div(xc, w.c(n)))  # x^n / n!
        t = w.add(t, w.div(w.mul(w.c((-1) ** (n + 1)), term), w.add(a, w.c(n))))
    e = w.sub(w.mul(a, log_x), lg)
    return w.add(w.neg(w.expm1(e)), w.mul(w.exp(e), w.mul(a, t)))


def _pq(w, a, x):
    """(P, Q) for a, x > 0 finite (other values give something the caller replaces)."""
    log_x, lgamma1p = w.log(x), _lgamma_positive(w, w.add(a, w.c(1)))
    front = w.exp(w.sub(w.sub(w.mul(a, log_x), x), lgamma1p))
    p_series = _series_p(w, a, x, front)
    q_fraction = _fraction_q(w, a, x, front)
    use_series = w.cmp("lt", x, w.max(w.add(a, w.c(1)), w.c(3)))
    q_series = w.select(w.cmp("lt", a, w.c(_SMALL_A)), _small_a_q(w, a, log_x, lgamma1p, x), w.sub(w.c(1), p_series))
    p = w.select(use_series, p_series, w.sub(w.c(1), q_fraction))
    q = w.select(use_series, q_series, q_fraction)
    eta = _eta(w, a, x)
    p_temme, q_temme = _temme(w, a, eta)
    temme = w.and_(w.cmp("ge", a, w.c(_TEMME_A)), w.cmp("le", w.absf(eta), w.c(_TEMME_ETA)))
    return w.select(temme, p_temme, p), w.select(temme, q_temme, q)


def _igamma(upper: bool):
    def body(k, a, x):
        w = k.widened()
        a, x = k.wide(a), k.wide(x)
        p, q = _pq(w, a, x)
        out = q if upper else p
        one, zero, inf = w.c(0.0 if upper else 1.0), w.c(1.0 if upper else 0.0), w.c(math.inf)
        out = w.select(w.or_(w.cmp("eq", x, w.c(0)), w.cmp("eq", a, inf)), zero, out)  # P = 0
        out = w.select(w.or_(w.cmp("eq", a, w.c(0)), w.cmp("eq", x, inf)), one, out)  # P = 1
        nan = w.or_(w.or_(w.cmp("lt", a, w.c(0)), w.cmp("lt", x, w.c(0))),
                    w.or_(w.and_(w.cmp("eq", a, w.c(0)), w.cmp("eq", x, w.c(0))),
                          w.and_(w.cmp("eq", a, inf), w.cmp("eq", x, inf))))
        out = w.select(w.or_(nan, w.cmp_raw("uno", a, x)), w.c(math.nan), out)
        return k.narrow(out)
    return body


_EDGE_A = np.array([0, 0, 1, -1, 1, 1, np.inf, np.inf, 1, np.nan, 1, 0, 2, np.inf, -0.0, 0, 0.5, 3])
_EDGE_X = np.array([0, 1, 0, 1, -1, np.inf, 1, np.inf, np.nan, 1, -0.0, np.inf, -np.inf, 0, 1, -0.0, 1e-300, 1e300])


def _samples():
    a = np.concatenate([np.geomspace(1e-3, 1e6, 19), [2.5, 20, 49.9, 50, 51, 200, 1e4, 1e8]])
    factors = np.array([1e-3, 0.1, 0.5, 0.58, 0.6, 0.9, 1, 1.01, 1.5, 1.6, 2, 10, 100])
    small_x = [1e-5, 0.5, 1, 2.9, 3, 3.1, 4, 30, 100]
    grid_a = np.concatenate([np.repeat(a, len(factors)), *(np.full(len(small_x), v) for v in (1e-7, 0.09, 0.5, 2.0))])
    grid_x = np.concatenate([(a[:, None] * factors).ravel(), small_x * 4])
    return [sample(s.f32(4, 5, lo=0.1, hi=5), s.f32(4, 5, lo=0.1, hi=5)),
            sample(s.f32(2, 3, lo=0.1, hi=3), s.f32(3, lo=0.1, hi=3)),
            sample(_EDGE_A.astype(np.float32), np.clip(_EDGE_X, -1e30, 1e30).astype(np.float32)), sample(_EDGE_A, _EDGE_X),
            sample(grid_a, grid_x, rtol=1e-6, atol=1e-12), sample(grid_a.astype(np.float32), grid_x.astype(np.float32), rtol=1e-4),
            sample(s.f64(3, lo=0.5, hi=4), s.f32(3, lo=0.5, hi=4)), sample(s.i64(3, lo=1, hi=4), s.i64(3, lo=1, hi=4))]


_float_binary("igamma", _igamma(False), floats_only="igamma_cpu", samples=_samples, aten="igamma special_gammainc")
_float_binary("igammac", _igamma(True), floats_only="igammac_cpu", samples=_samples, aten="igammac special_gammaincc")
