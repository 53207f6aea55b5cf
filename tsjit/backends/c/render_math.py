"""Branch-free float32 math for generated C: libm calls per element stop gcc from vectorising a
loop, so `math.exp/log/tanh/erf/expm1/log1p` on f32 become these `static inline` functions
(selects instead of branches, bit tricks instead of frexp/ldexp), which inline and vectorise
under `#pragma omp simd`. Accuracy: a few ulp over the whole float range, NaN/inf/subnormals as
libm (test/unit/backends/test_c_codegen_math.py compares them to numpy on ~1e6 points).
f64 math stays with libm (tgmath.h).

exp and log are Cephes' expf/logf (range reduction by ln2 split in two, minimax polynomials);
tanh is Cephes' odd polynomial below 0.625 and 1 - 2/(exp(2|x|)+1) above; erf a Taylor series
below 0.5 and the Numerical Recipes erfc (relative error < 1.2e-7) above.
"""
from __future__ import annotations

import math


def _erf_taylor(terms: int = 8) -> str:
    """Horner form of erf(x)/x in z = x*x: 2/sqrt(pi) * sum (-1)^n z^n / (n! (2n+1))."""
    coefs = [2 / math.sqrt(math.pi) * (-1) ** n / (math.factorial(n) * (2 * n + 1)) for n in range(terms)]
    expr = f"{coefs[-1]!r}f"
    for c in reversed(coefs[:-1]):
        expr = f"({expr} * z + {c!r}f)"
    return expr


def _expm1_taylor(terms: int = 9) -> str:
    """Horner form of (expm1(x) - x) / x^2 = sum x^n / (n+2)!."""
    coefs = [1 / math.factorial(n + 2) for n in range(terms)]
    expr = f"{coefs[-1]!r}f"
    for c in reversed(coefs[:-1]):
        expr = f"({expr} * x + {c!r}f)"
    return expr


MATH_PRELUDE = r"""
static inline float ts_as_float(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static inline uint32_t ts_as_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
/* c ? a : b as a bit blend: gcc turns a plain ?: after a long computation into a branch around it,
   which it then cannot if-convert (under -ftrapping-math), and the loop stays scalar */
static inline float ts_sel(int c, float a, float b) {
    uint32_t m = -(uint32_t)(c != 0);
    return ts_as_float((ts_as_bits(a) & m) | (ts_as_bits(b) & ~m));
}

/* exp(c) = p * 2^k for c in [-104, 89]: k = round(c / ln2), p = e^r on |r| <= ln2/2 (Cephes) */
static inline float ts_exp_poly(float c, int32_t *k) {
    float t = c * 1.44269504088896341f + 12582912.0f;           /* round(c / ln2) via 1.5 * 2^23 */
    float n = t - 12582912.0f;
    *k = (int32_t)ts_as_bits(t) - 0x4B400000;
    float r = c - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    return (((((1.9875691500E-4f * r + 1.3981999507E-3f) * r + 8.3334519073E-3f) * r
             + 4.1665795894E-2f) * r + 1.6666665459E-1f) * r + 5.0000001201E-1f) * (r * r) + r + 1.0f;
}

static inline float ts_expf(float x) {
    float c = x < -104.0f ? -104.0f : x;
    c = c > 89.0f ? 89.0f : c;
    int32_t k;
    float p = ts_exp_poly(c, &k);
    int32_t k1 = k >> 1, k2 = k - k1;                           /* 2^k in two factors: subnormal results */
    /* NaN needs no select: both clamps keep it (a false compare picks x), so p and y are NaN */
    return p * ts_as_float((uint32_t)(k1 + 127) << 23) * ts_as_float((uint32_t)(k2 + 127) << 23);
}

/* exp for x >= 0 (or NaN), tanh's exp(2|x|): one factor 2^k (k = 128 gives inf, where tanh is 1
   anyway). 14% off a GELU kernel. */
static inline float ts_expf_nonneg(float x) {
    int32_t k;
    float p = ts_exp_poly(x > 89.0f ? 89.0f : x, &k);
    return p * ts_as_float((uint32_t)(k + 127) << 23);
}

/* exp without subnormal results (x clamped to >= -86.6: k >= -125), so one factor:
   (2p) 2^(k-1), normal for every k up to 128 (e^88.7 stays finite). For exp(x) added to a
   constant, where results below 2^-125 vanish in the sum anyway. */
static inline float ts_expf_normal(float x) {
    float c = x < -86.6f ? -86.6f : x;
    int32_t k;
    float p = ts_exp_poly(c > 89.0f ? 89.0f : c, &k);
    return (p + p) * ts_as_float((uint32_t)(k + 126) << 23);
}

static inline float ts_logf(float x) {
    /* decisions on the bits (integer compares): float compares feeding arithmetic block if-conversion */
    uint32_t ux = ts_as_bits(x);
    int sub = ux < 0x00800000u;                                 /* +0 and subnormals: scale by 2^23 */
    uint32_t u = ts_as_bits(x * (sub ? 8388608.0f : 1.0f));
    int lo = (u & 0x007FFFFFu) < 0x003504F3u;                   /* mantissa below sqrt(1/2) */
    int32_t e = (int32_t)((u >> 23) & 0xFF) - 126 - (sub ? 23 : 0) - (lo ? 1 : 0);
    float m = ts_as_float((u & 0x007FFFFFu) | (lo ? 0x3F800000u : 0x3F000000u)) - 1.0f;
    float f = (float)e, z = m * m;
    float y = ((((((((7.0376836292E-2f * m - 1.1514610310E-1f) * m + 1.1676998740E-1f) * m
                - 1.2420140846E-1f) * m + 1.4249322787E-1f) * m - 1.6668057665E-1f) * m
                + 2.0000714765E-1f) * m - 2.4999993993E-1f) * m + 3.3333331174E-1f) * m * z;
    y = y + -2.12194440e-4f * f - 0.5f * z;
    float r = (m + y) + 0.693359375f * f;
    r = ts_sel(ux == 0x7F800000u, x, r);                        /* +inf */
    r = ts_sel((int32_t)ux < 0, NAN, r);                        /* negative (and -0, fixed next) */
    r = ts_sel((ux & 0x7FFFFFFFu) == 0, -INFINITY, r);
    return ts_sel(x != x, x, r);
}

static inline float ts_tanhf(float x) {
    float z = x * x;
    float small = ((((-5.70498872745E-3f * z + 2.06390887954E-2f) * z - 5.37397155531E-2f) * z
                    + 1.33314422036E-1f) * z - 3.33332819422E-1f) * z * x + x;
    float a = ts_as_float(ts_as_bits(x) & 0x7FFFFFFFu);
    float big = 1.0f - 2.0f / (ts_expf_nonneg(a + a) + 1.0f);
    big = ts_as_float(ts_as_bits(big) | (ts_as_bits(x) & 0x80000000u));
    return ts_sel(a < 0.625f, small, big);
}

static inline float ts_erff(float x) {
    float z = x * x;
    float small = x * ERF_TAYLOR;
    float a = ts_as_float(ts_as_bits(x) & 0x7FFFFFFFu);
    a = a > 10.0f ? 10.0f : a;
    float t = 1.0f / (1.0f + 0.5f * a);
    float erfc = t * ts_expf(-a * a - 1.26551223f + t * (1.00002368f + t * (0.37409196f + t * (0.09678418f
                 + t * (-0.18628806f + t * (0.27886807f + t * (-1.13520398f + t * (1.48851587f
                 + t * (-0.82215223f + t * 0.17087277f)))))))));
    float big = ts_as_float(ts_as_bits(1.0f - erfc) | (ts_as_bits(x) & 0x80000000u));
    big = ts_sel(x != x, x, big);
    return ts_sel(z < 0.25f, small, big);
}

static inline float ts_expm1f(float x) {
    float small = x + x * x * EXPM1_TAYLOR;
    float big = ts_expf(x) - 1.0f;
    return ts_sel((ts_as_bits(x) & 0x7FFFFFFFu) < 0x3F000000u, small, big);  /* |x| < 0.5 */
}

static inline float ts_log1pf(float x) {
    float u = 1.0f + x;
    float r = ts_logf(u) * (x / (u - 1.0f));                   /* Kahan: exact rounding error of 1 + x */
    r = ts_sel(u == 1.0f, x, r);
    return ts_sel(x == INFINITY, x, r);
}
""".replace("ERF_TAYLOR", _erf_taylor()).replace("EXPM1_TAYLOR", _expm1_taylor())

def _added_to_constants(value) -> bool:
    """Every use of `value` adds it to a float constant of magnitude >= 2^-90: a subnormal (or
    flushed) `value` then rounds away, so the sum is the same either way."""
    def other(use):
        op = use.operation
        if op.name != "arith.addf":
            return None
        const = op.operands[1 - use.index].owner
        return getattr(getattr(const, "value", None), "value", None) if getattr(const, "name", "") == \
            "arith.constant" else None

    values = [other(u) for u in value.uses]
    return bool(values) and all(v is not None and abs(v.data) >= 2.0 ** -90 for v in values)


def float_math(op) -> str | None:
    """The float32 C template of a math op (None: not one of ours): exp feeding only `c + exp(x)`
    skips the subnormal range (sigmoid's 1 + exp(-x): 8% off a relu*sigmoid kernel)."""
    if op.name == "math.exp" and _added_to_constants(op.results[0]):
        return "ts_expf_normal({0})"
    return FLOAT_MATH.get(op.name)


def clamp_template(op) -> str | None:
    """arith.maximumf / minimumf of a value and a non-NaN constant (ReLU, ReLU6's bounds) as one
    compare and select: `x < c ? c : x` for max(x, c), which gcc vectorizes under -fno-trapping-math
    where the general `x != x || x > c ? x : c` stayed scalar in some loops. NaN x propagates; a tie
    (+0 against -0) gives the first operand, as torch.maximum / torch.relu do (relu(-0) = -0)."""
    if op.name not in ("arith.maximumf", "arith.minimumf"):
        return None
    worse = "<" if op.name == "arith.maximumf" else ">"  # x is replaced by c when x compares `worse`
    c1, c0 = _float_constant(op.operands[1]), _float_constant(op.operands[0])
    if c1 is not None and not math.isnan(c1):
        return f"(({{0}} {worse} {{1}}) ? {{1}} : {{0}})"
    if c0 is not None and not math.isnan(c0):  # max(c, x): c on a tie
        return f"(({{1}} {worse}= {{0}}) ? {{0}} : {{1}})"
    return None


def _float_constant(value) -> float | None:
    owner = value.owner
    if getattr(owner, "name", "") != "arith.constant":
        return None
    data = getattr(getattr(owner.value, "value", None), "data", None)
    return data if isinstance(data, float) else None


#: math op -> its float32 C function (f64 keeps the tgmath.h/libm expression)
FLOAT_MATH: dict[str, str] = {
    "math.exp": "ts_expf({0})", "math.log": "ts_logf({0})", "math.tanh": "ts_tanhf({0})",
    "math.erf": "ts_erff({0})", "math.expm1": "ts_expm1f({0})", "math.log1p": "ts_log1pf({0})",
    "math.log2": "(ts_logf({0}) * 1.44269504088896341f)",
    "math.log10": "(ts_logf({0}) * 0.434294481903251828f)",
}
