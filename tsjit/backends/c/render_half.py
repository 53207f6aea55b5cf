"""float16 in generated C: stored as 16-bit patterns (`uint16_t`), computed in float.

A f16 value in C is a `float` holding a value exactly representable in f16: a load converts the
stored bits (`ts_h2f`, exact), every op whose IR result is f16 computes in float and rounds to
f16 (`ts_f16r`, round to nearest even, overflow to inf), a store converts back (`ts_f2h`,
exact for such values, and rounding for any other). This is what PyTorch's CPU kernels do for
each f16 op (compute in float, round the op's result), so op-by-op results are the same: for
+ - * / and sqrt, float's 24-bit significand makes rounding float's result to f16 the correctly
rounded f16 result. Conversions are branch-free bit arithmetic (portable C, vectorisable under
`#pragma omp simd`), not `_Float16` (compiler and target dependent).
"""
from __future__ import annotations

import numpy as np
from xdsl.dialects.builtin import Float16Type, MemRefType
from xdsl.ir import Attribute

HALF_PRELUDE = r"""
/* c ? a : b on bits as a mask blend: gcc narrows a plain ?: between 16-bit results to a form it
   cannot vectorise */
static inline uint32_t ts_selu(int c, uint32_t a, uint32_t b) {
    uint32_t m = -(uint32_t)(c != 0);
    return (a & m) | (b & ~m);
}

/* f16 bits -> float (exact): rebias normals, scale subnormals, keep inf and NaN payloads */
static inline float ts_h2f(uint16_t h) {
    uint32_t em = (uint32_t)h & 0x7FFFu;
    float normal = ts_as_float((em << 13) + 0x38000000u);
    float sub = (float)(int32_t)em * 5.9604644775390625e-08f;           /* em * 2^-24 */
    float special = ts_as_float((em << 13) | 0x7F800000u);
    float r = ts_sel(em < 0x0400u, sub, normal);
    r = ts_sel(em >= 0x7C00u, special, r);
    return ts_as_float(ts_as_bits(r) | (((uint32_t)h & 0x8000u) << 16));
}

/* |f| rounded to 11 significant bits, nearest even (a carry moves into the exponent), as float bits */
static inline uint32_t ts_f16_normal_bits(uint32_t a) { return (a + 0xFFFu + ((a >> 13) & 1u)) & 0xFFFFE000u; }

/* |f| below 2^-14 as a count of 2^-24, nearest even: in 0.5 + |f| the float's ulp is 2^-24 */
static inline uint32_t ts_f16_subnormal_count(uint32_t a) { return ts_as_bits(ts_as_float(a) + 0.5f) - 0x3F000000u; }

/* float -> the nearest f16 value, as a float: 65520 and above (in magnitude) give inf */
static inline float ts_f16r(float f) {
    uint32_t u = ts_as_bits(f), a = u & 0x7FFFFFFFu;
    uint32_t n = ts_f16_normal_bits(a);
    float sub = (float)(int32_t)ts_f16_subnormal_count(a) * 5.9604644775390625e-08f;
    uint32_t r = ts_selu(a < 0x38800000u, ts_as_bits(sub), n);
    r = ts_selu(n >= 0x47800000u, 0x7F800000u, r);
    r = ts_selu(a > 0x7F800000u, a | 0x00400000u, r);                  /* NaN, quieted */
    return ts_as_float(r | (u & 0x80000000u));
}

/* float -> f16 bits, nearest even */
static inline uint16_t ts_f2h(float f) {
    uint32_t u = ts_as_bits(f), a = u & 0x7FFFFFFFu;
    uint32_t r = ts_selu(a < 0x38800000u, ts_f16_subnormal_count(a), (ts_f16_normal_bits(a) - 0x38000000u) >> 13);
    r = ts_selu(a >= 0x477FF000u, 0x7C00u, r);                          /* rounds to 65536 or more: inf */
    r = ts_selu(a > 0x7F800000u, 0x7E00u | ((a >> 13) & 0x3FFu), r);   /* NaN, quieted */
    return (uint16_t)(r | ((u >> 16) & 0x8000u));
}
"""

#: ops whose result is an input value or exactly representable in the inputs' type: no rounding
EXACT = frozenset({
    "arith.negf", "math.absf", "arith.maximumf", "arith.minimumf", "arith.maxnumf", "arith.minnumf",
    "arith.select", "math.copysign", "math.floor", "math.ceil", "math.round", "math.roundeven", "math.trunc",
    "arith.remf",
})


def is_half(t: Attribute) -> bool:
    """`t` is f16, or a memref of f16."""
    return isinstance(t.element_type if isinstance(t, MemRefType) else t, Float16Type)


def rounded(op_name: str, expr: str) -> str:
    """The C expression of an op with an f16 result: `expr` (computed in float) rounded to f16."""
    return expr if op_name in EXACT else f"ts_f16r({expr})"


def load(element: str) -> str:
    return f"ts_h2f({element})"


def store(value: str) -> str:
    return f"ts_f2h({value})"


def storage(values: np.ndarray) -> np.ndarray:
    """f16 values as the bit patterns a `uint16_t` buffer holds."""
    return np.ascontiguousarray(values, dtype=np.float16).view(np.uint16)
