"""float16 and bfloat16 in generated C: stored as 16-bit patterns (`uint16_t`), computed in float.

A f16 value in C is a `float` holding a value exactly representable in f16: a load converts the
stored bits (`ts_h2f`, exact), every op whose IR result is f16 computes in float and rounds to
f16 (`ts_f16r`, round to nearest even, overflow to inf), a store converts back (`ts_f2h`,
exact for such values, and rounding for any other). This is what PyTorch's CPU kernels do for
each f16 op (compute in float, round the op's result), so op-by-op results are the same: for
+ - * / and sqrt, float's 24-bit significand makes rounding float's result to f16 the correctly
rounded f16 result. Conversions are branch-free bit arithmetic (portable C, vectorisable under
`#pragma omp simd`), not `_Float16` (compiler and target dependent).

bfloat16 works the same way with its own three conversions (`ts_b2f`, `ts_bf16r`, `ts_f2b`): a
bf16 is the high half of a float, so loading is a shift and rounding is one add on the bits.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.dialects.builtin import BFloat16Type, Float16Type, MemRefType
from xdsl.ir import Attribute

from tsjit.dtypes import numpy_named

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

/* bf16 bits -> float (exact): the high half of the float */
static inline float ts_b2f(uint16_t b) { return ts_as_float((uint32_t)b << 16); }

/* float -> the nearest bf16 value, as float bits: nearest even (a carry moves into the exponent,
   up to inf), NaN quieted */
static inline uint32_t ts_bf16_bits(float f) {
    uint32_t u = ts_as_bits(f);
    uint32_t r = (u + 0x7FFFu + ((u >> 16) & 1u)) & 0xFFFF0000u;
    return ts_selu((u & 0x7FFFFFFFu) > 0x7F800000u, (u | 0x00400000u) & 0xFFFF0000u, r);
}

static inline float ts_bf16r(float f) { return ts_as_float(ts_bf16_bits(f)); }

static inline uint16_t ts_f2b(float f) { return (uint16_t)(ts_bf16_bits(f) >> 16); }
"""

#: ops whose result is an input value or exactly representable in the inputs' type: no rounding
EXACT = frozenset({
    "arith.negf", "math.absf", "arith.maximumf", "arith.minimumf", "arith.maxnumf", "arith.minnumf",
    "arith.select", "math.copysign", "math.floor", "math.ceil", "math.round", "math.roundeven", "math.trunc",
    "arith.remf",
})


@dataclass(frozen=True)
class Narrow:
    """A 16-bit float format: its numpy dtype's name and the prelude's conversions (load, round, store)."""
    name: str
    load: str
    round: str
    store: str

    @property
    def numpy(self) -> np.dtype:
        return numpy_named(self.name)


FORMATS = {Float16Type: Narrow("float16", "ts_h2f", "ts_f16r", "ts_f2h"),
           BFloat16Type: Narrow("bfloat16", "ts_b2f", "ts_bf16r", "ts_f2b")}


def narrow(t: Attribute) -> Narrow | None:
    """The 16-bit format of `t` (a scalar type or a memref's elements), None for other types."""
    return FORMATS.get(type(t.element_type if isinstance(t, MemRefType) else t))


def is_half(t: Attribute) -> bool:
    """`t` is f16 or bf16, or a memref of either."""
    return narrow(t) is not None


def rounded(t: Attribute, op_name: str, expr: str) -> str:
    """The C expression of an op with a 16-bit float result `t`: `expr` (computed in float) rounded."""
    return expr if op_name in EXACT else f"{narrow(t).round}({expr})"


def load(t: Attribute, element: str) -> str:
    return f"{narrow(t).load}({element})"


def store(t: Attribute, value: str) -> str:
    return f"{narrow(t).store}({value})"


def storage(values: np.ndarray, t: Attribute) -> np.ndarray:
    """Values of the 16-bit float type `t` as the bit patterns a `uint16_t` buffer holds."""
    return np.ascontiguousarray(values, dtype=narrow(t).numpy).view(np.uint16)
