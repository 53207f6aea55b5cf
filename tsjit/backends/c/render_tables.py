"""The C vocabulary of the renderer: the prelude every generated file starts with, the tables
from pure ops and predicates to C expressions, C types and exact literals."""
from __future__ import annotations

import math
import re

import numpy as np

from xdsl.dialects.builtin import (
    BFloat16Type, Float16Type, Float32Type, Float64Type, IndexType, IntegerType, MemRefType, Signedness,
)
from xdsl.ir import Attribute
from xdsl.ir.affine import AffineBinaryOpKind

from tsjit.backends.c import render_loops, render_memory
from tsjit.backends.c.render_math import MATH_PRELUDE
from tsjit.dtypes import bfloat16_numpy

PRELUDE = """#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <tgmath.h>
#ifdef _OPENMP
#include <omp.h>
static int ts_max_threads = 0; /* set by ts_set_num_threads; 0: OpenMP's default */
static inline int ts_threads(void) { return ts_max_threads > 0 ? ts_max_threads : omp_get_max_threads(); }
static inline int ts_num_threads(int64_t work) {
    int64_t n = work / MIN_WORK_PER_THREAD, m = ts_threads();
    return (int)(n < 1 ? 1 : n < m ? n : m);
}
/* NaN-propagating max / min (arith.maximumf / minimumf) as SIMD reductions: lanes, then combined */
#pragma omp declare reduction(ts_max_float : float : omp_out = ((omp_in != omp_in || omp_in > omp_out) ? omp_in : omp_out)) initializer(omp_priv = -INFINITY)
#pragma omp declare reduction(ts_min_float : float : omp_out = ((omp_in != omp_in || omp_in < omp_out) ? omp_in : omp_out)) initializer(omp_priv = INFINITY)
#pragma omp declare reduction(ts_max_double : double : omp_out = ((omp_in != omp_in || omp_in > omp_out) ? omp_in : omp_out)) initializer(omp_priv = -INFINITY)
#pragma omp declare reduction(ts_min_double : double : omp_out = ((omp_in != omp_in || omp_in < omp_out) ? omp_in : omp_out)) initializer(omp_priv = INFINITY)
#endif
/* The threads later calls may use, whichever thread calls (no effect without OpenMP). */
void ts_set_num_threads(int n) {
#ifdef _OPENMP
    ts_max_threads = n < 1 ? 1 : n;
#else
    (void)n;
#endif
}

static inline int64_t ts_floordiv(int64_t a, int64_t b) { int64_t q = a / b; return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q; }
static inline int64_t ts_ceildiv(int64_t a, int64_t b) { return -ts_floordiv(-a, b); }
static inline int64_t ts_mod(int64_t a, int64_t b) { int64_t r = a % b; return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r; }
/* integer power as torch computes it: wrapping products; a negative exponent gives 1 ** e, (-1) ** e or 0 */
static inline int64_t ts_ipow(int64_t b, int64_t e) {
    if (e < 0) return b == 1 ? 1 : b == -1 ? ((e & 1) ? -1 : 1) : 0;
    uint64_t r = 1, x = (uint64_t)b;
    for (; e; e >>= 1, x *= x) if (e & 1) r *= x;
    return (int64_t)r;
}
WEIGHT_TABLE_TYPE
""".replace("MIN_WORK_PER_THREAD", str(render_loops.MIN_WORK_PER_THREAD)).replace(
    "WEIGHT_TABLE_TYPE", render_memory.WEIGHT_TABLE_TYPE) + MATH_PRELUDE

#: ts-wide-accumulators' combining op -> the `omp simd reduction` operator ({} : the C type)
REDUCTION_CLAUSES = {"arith.addf": "+", "arith.addi": "+", "arith.maxsi": "max", "arith.minsi": "min",
                     "arith.maximumf": "ts_max_{}", "arith.minimumf": "ts_min_{}"}

_NAN_MAX = "(({0} != {0} || {0} > {1}) ? {0} : {1})"
_NAN_MIN = "(({0} != {0} || {0} < {1}) ? {0} : {1})"

#: pure op -> C expression ({i}: operand i, {t}: the result's C type); tgmath.h picks float/double
EXPRESSIONS: dict[str, str] = {
    "arith.addf": "{0} + {1}", "arith.subf": "{0} - {1}", "arith.mulf": "{0} * {1}", "arith.divf": "{0} / {1}",
    "arith.remf": "fmod({0}, {1})", "arith.negf": "-{0}",
    "arith.maximumf": _NAN_MAX, "arith.minimumf": _NAN_MIN,
    "arith.maxnumf": "(({0} > {1} || {1} != {1}) ? {0} : {1})",
    "arith.minnumf": "(({0} < {1} || {1} != {1}) ? {0} : {1})",
    "arith.addi": "{0} + {1}", "arith.subi": "{0} - {1}", "arith.muli": "{0} * {1}",
    "arith.divsi": "{0} / {1}", "arith.remsi": "{0} % {1}", "arith.floordivsi": "ts_floordiv({0}, {1})",
    "arith.ceildivsi": "ts_ceildiv({0}, {1})",
    "arith.andi": "{0} & {1}", "arith.ori": "{0} | {1}", "arith.xori": "{0} ^ {1}",
    "arith.shli": "{0} << {1}", "arith.shrsi": "{0} >> {1}",
    "arith.maxsi": "({0} > {1} ? {0} : {1})", "arith.minsi": "({0} < {1} ? {0} : {1})",
    # unsigned ops ({u}: the unsigned C type of the operands' width): uint8 division, min, max
    "arith.divui": "({t})(({u}){0} / ({u}){1})", "arith.remui": "({t})(({u}){0} % ({u}){1})",
    "arith.shrui": "({t})(({u}){0} >> {1})",
    "arith.maxui": "(({u}){0} > ({u}){1} ? {0} : {1})", "arith.minui": "(({u}){0} < ({u}){1} ? {0} : {1})",
    "arith.bitcast": "({t}){0}",
    "arith.select": "({0} ? {1} : {2})",
    "arith.extf": "({t}){0}", "arith.truncf": "({t}){0}", "arith.sitofp": "({t}){0}", "arith.fptosi": "({t}){0}",
    "arith.extsi": "({t}){0}", "arith.trunci": "({t}){0}", "arith.index_cast": "({t}){0}",
    "arith.extui": "({t}){0}", "arith.uitofp": "({t}){0}",
    "math.exp": "exp({0})", "math.exp2": "exp2({0})", "math.expm1": "expm1({0})", "math.log": "log({0})",
    "math.log2": "log2({0})", "math.log10": "log10({0})", "math.log1p": "log1p({0})",
    "math.sqrt": "sqrt({0})", "math.rsqrt": "(({t})1 / sqrt({0}))", "math.absf": "fabs({0})",
    "math.tanh": "tanh({0})", "math.sin": "sin({0})", "math.cos": "cos({0})", "math.tan": "tan({0})",
    "math.atan": "atan({0})", "math.atan2": "atan2({0}, {1})", "math.erf": "erf({0})",
    "math.asin": "asin({0})", "math.acos": "acos({0})", "math.sinh": "sinh({0})", "math.cosh": "cosh({0})",
    "math.asinh": "asinh({0})", "math.acosh": "acosh({0})", "math.atanh": "atanh({0})",
    "math.ipowi": "({t})ts_ipow({0}, {1})",
    "math.floor": "floor({0})", "math.ceil": "ceil({0})", "math.round": "round({0})",
    "math.roundeven": "nearbyint({0})", "math.trunc": "trunc({0})", "math.powf": "pow({0}, {1})",
    "math.absi": "llabs({0})", "math.copysign": "copysign({0}, {1})", "math.fma": "fma({0}, {1}, {2})",
}

#: arith.cmpf/cmpi predicate number -> C condition (ordered float predicates are false on NaN)
CMPF = {0: "0", 1: "{0} == {1}", 2: "{0} > {1}", 3: "{0} >= {1}", 4: "{0} < {1}", 5: "{0} <= {1}",
        6: "({0} < {1} || {0} > {1})", 7: "({0} == {0} && {1} == {1})", 8: "!({0} < {1} || {0} > {1})",
        9: "!({0} <= {1})", 10: "!({0} < {1})", 11: "!({0} >= {1})", 12: "!({0} > {1})", 13: "{0} != {1}",
        14: "({0} != {0} || {1} != {1})", 15: "1"}
CMPI = {0: "{0} == {1}", 1: "{0} != {1}", 2: "{0} < {1}", 3: "{0} <= {1}", 4: "{0} > {1}", 5: "{0} >= {1}",
        6: "(uint64_t){0} < (uint64_t){1}", 7: "(uint64_t){0} <= (uint64_t){1}",
        8: "(uint64_t){0} > (uint64_t){1}", 9: "(uint64_t){0} >= (uint64_t){1}"}

AFFINE = {AffineBinaryOpKind.Add: "({0} + {1})", AffineBinaryOpKind.Mul: "({0} * {1})",
          AffineBinaryOpKind.Mod: "ts_mod({0}, {1})", AffineBinaryOpKind.FloorDiv: "ts_floordiv({0}, {1})",
          AffineBinaryOpKind.CeilDiv: "ts_ceildiv({0}, {1})"}


class UnsupportedOp(NotImplementedError):
    """The C backend has no rendering for this op (or type)."""


def c_type(t: Attribute) -> str:
    """The C type of a scalar (or of a memref's elements). An f16 or bf16 scalar is a float, its
    storage 16 bits (render_half.py)."""
    if isinstance(t, MemRefType):
        t = t.element_type
        if isinstance(t, Float16Type | BFloat16Type):
            return "uint16_t"
    if isinstance(t, Float32Type | Float16Type | BFloat16Type):
        return "float"
    if isinstance(t, Float64Type):
        return "double"
    if isinstance(t, IndexType):
        return "int64_t"
    if isinstance(t, IntegerType):
        width = t.width.data
        if width == 1:
            return "bool"
        if width in (8, 16, 32, 64):
            return f"{'u' if t.signedness.data == Signedness.UNSIGNED else ''}int{width}_t"
    raise UnsupportedOp(f"C backend: no C type for {t}")


def unsigned_c_type(t: Attribute) -> str:
    """The unsigned C type of an integer's width (uint8_t for i8 and ui8), else its C type."""
    if isinstance(t, IntegerType) and t.width.data in (8, 16, 32, 64):
        return f"uint{t.width.data}_t"
    return c_type(t)


def c_identifier(name: str) -> str:
    """A C name for a function symbol (`__torch__.M.forward` -> `ts___torch___M_forward`)."""
    return "ts_" + re.sub(r"\W", "_", name)


def literal(value, t: Attribute) -> str:
    """An exact C literal for a Python number of type `t`."""
    if isinstance(t, (Float16Type, BFloat16Type, Float32Type, Float64Type)):
        if isinstance(t, Float16Type | BFloat16Type):
            with np.errstate(over="ignore"):  # the 16-bit value (an IR attribute may hold more digits)
                value = np.asarray(value).astype(np.float16 if isinstance(t, Float16Type) else bfloat16_numpy())
        value = float(value)
        if math.isnan(value):
            return "NAN"
        if math.isinf(value):
            return "INFINITY" if value > 0 else "-INFINITY"
        return f"({c_type(t)}){value.hex()}"
    if isinstance(t, IntegerType) and t.width.data == 1:
        return "1" if value else "0"
    return f"INT64_C({int(value)})" if c_type(t) in ("int64_t", "uint64_t") else str(int(value))

#: C type -> numpy dtype code
_NP = {"float": "f4", "double": "f8", "int64_t": "i8", "int32_t": "i4", "int16_t": "i2", "int8_t": "i1",
       "uint64_t": "u8", "uint32_t": "u4", "uint16_t": "u2", "uint8_t": "u1", "bool": "?"}
