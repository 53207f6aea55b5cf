"""Rounded division and remainders: div with a rounding mode, floor_divide, remainder, fmod.

As PyTorch computes them on floats: the floor quotient and Python's modulo come from C's fmod
(`1 // 0.1` is 9, not floor(1 / 0.1) = 10), which the C lowering computes exactly (Kit.fmodf);
integers divide in integer arithmetic, and an integer division by zero raises (in eager code).
"""
from __future__ import annotations

import numpy as np

from tsjit.dtypes import is_float
from tsjit.kernels.promotion import as_array
from tsjit.kernels.ufuncs import check_int_zero, operands, quiet
from tsjit.ops import checks as chk
from tsjit.ops import samples as s
from tsjit.ops.arithmetic import div
from tsjit.ops.registry import Pointwise, op, sample
from tsjit.ops.rules import broadcast_of, promoted, promoted_float

_BINARY = broadcast_of(0, 1)


def _div_mode_dtype(a, b, rounding_mode):
    dtype = promoted(0, 1)(a, b)
    return promoted_float(0, 1)(a, b) if rounding_mode is None else dtype


def _div_floor_float(k, a, b):
    """PyTorch's div_floor_floating_vec: (a - fmod(a, b)) / b, stepped down when the remainder's
    sign differs from b's, then floored and rounded up when within 0.5 below; a / b when b is 0."""
    zero, one, inf = k.c(0), k.c(1), k.c(float("inf"))
    basic = k.div(a, b)
    mod = k.fmodf(a, b)
    overflow = k.and_(k.cmp("eq", k.absf(basic), inf), k.cmp("ne", k.absf(a), inf))
    q = k.div(k.select(overflow, a, k.sub(a, mod)), b)
    wrong_side = k.and_(k.cmp("ne", mod, zero), k.xor(k.cmp("lt", b, zero), k.cmp("lt", mod, zero)))
    q = k.select(wrong_side, k.sub(q, one), q)
    floor = k.floor(q)
    floor = k.select(k.cmp("gt", k.sub(q, floor), k.c(0.5)), k.add(floor, one), floor)
    floor = k.select(k.cmp("eq", q, zero), k.copysign(zero, basic), floor)
    return k.select(k.cmp("eq", b, zero), basic, floor)


def _div_mode_body(k, x, y):
    mode = k.params[0]
    if mode is None:
        return k.div(x, y)
    if k.is_bool(x) or mode not in ("trunc", "floor"):
        k.refuse(f"div with rounding_mode {mode!r} of {k.dtype}")
    if mode == "trunc":
        return k.trunc(k.div(x, y)) if k.float else k.div(x, y)
    return _div_floor_float(k, x, y) if k.float else k.floordivsi(x, y)


@op("div_mode", "(Tensor self, Tensor|Scalar other, *, str? rounding_mode) -> Tensor", shape=_BINARY,
    dtype=_div_mode_dtype, verify=chk.broadcast(0, 1), aten="div",
    lower=Pointwise(_div_mode_body, values=(0, 1), params=(2,)),
    samples=lambda: [sample(s.f32(2, 3), s.f32(3), "floor"), sample(s.f32(2, 3) * 4, s.f32(3), "trunc"),
                     sample(s.i64(6), s.i64(6, lo=1), "trunc"), sample(s.i64(6), -4, "floor"),
                     sample(s.f32(3), 2.0, None), sample(np.array([1.0, -1.0, 7.0, -7.0], np.float32), 0.1, "floor"),
                     sample(s.special(), s.special()[::-1].copy(), "floor"), sample(s.special(), -0.0, "floor"),
                     sample(s.special(), 0.75, "trunc"), sample(s.i64(2, 3), s.i64(3, lo=1), None),
                     sample(s.f32(3, 2).astype(np.float64) * 9, s.strided(3, 2), "floor"),
                     sample(s.f32(4), 1.5, "round")])
@quiet
def div_mode(a, b, rounding_mode=None):
    """aten::div.Tensor_mode: None (true division), 'trunc' or 'floor'; integers stay integers."""
    if rounding_mode is None:
        return div(a, b)
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError("div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                           f"'{rounding_mode}'")
    x, y, dtype = operands(a, b)
    if is_float(dtype):  # numpy's floor_divide is PyTorch's: from fmod, not floor(x / y) (1 // 0.1 is 9)
        q = np.trunc(np.true_divide(x, y)) if rounding_mode == "trunc" else np.floor_divide(x, y)
        return as_array(q.astype(dtype))
    check_int_zero(y, dtype, f"div_{rounding_mode}_cpu")
    q = np.floor_divide(x, y)
    if rounding_mode == "trunc":
        q = q + ((np.mod(x, y) != 0) & ((x < 0) != (y < 0))).astype(dtype)
    return as_array(q.astype(dtype))


def _floor_divide_body(k, x, y):
    if k.float:
        return _div_floor_float(k, x, y)
    return k.floordivsi(x, y)


def _nonzero_divisors():
    return [sample(s.f32(2, 3), s.f32(3)), sample(s.f32(6) * 5, -1.5), sample(s.i64(6), -4),
            sample(s.i64(2, 3), s.i64(3, lo=1)), sample(s.special(), 0.75),
            sample(np.array([1.0, -1.0, 7.0, -7.0, 1e12], np.float32), 0.1)]


@op("floor_divide", "(Tensor self, Tensor|Scalar other) -> Tensor", shape=_BINARY, dtype=promoted(0, 1),
    verify=chk.broadcast(0, 1), lower=Pointwise(_floor_divide_body, values=(0, 1)), samples=_nonzero_divisors)
@quiet
def floor_divide(a, b):
    x, y, dtype = operands(a, b)
    check_int_zero(y, dtype, "div_floor_cpu")
    return as_array(np.floor_divide(x, y))


def _remainder_body(k, x, y):
    """Python's modulo (the divisor's sign), from fmod as PyTorch computes it."""
    r = k.fmodf(x, y) if k.float else k.remsi(x, y)
    wrong_sign = k.and_(k.cmp("ne", r, k.c(0)), k.xor(k.cmp("lt", r, k.c(0)), k.cmp("lt", y, k.c(0))))
    return k.select(wrong_sign, k.add(r, y), r)


@op("remainder", "(Tensor self, Tensor|Scalar other) -> Tensor", shape=_BINARY, dtype=promoted(0, 1),
    verify=chk.broadcast(0, 1), lower=Pointwise(_remainder_body, values=(0, 1)), samples=_nonzero_divisors)
@quiet
def remainder(a, b):
    """Python's modulo: the result takes the divisor's sign."""
    x, y, dtype = operands(a, b)
    check_int_zero(y, dtype, "remainder_cpu")
    return as_array(np.mod(x, y))


def _fmod_body(k, x, y):
    if k.is_bool(x):
        k.refuse("fmod of bool tensors")
    return k.fmodf(x, y) if k.float else k.remsi(x, y)


def _fmod_samples():
    big = np.array([1e30, -7.5, 2.5e-3, 1e-30, -0.0, 6.0], np.float32)
    return [*_nonzero_divisors(), sample(big, np.array([3.0, 2.0, -1e-3, 0.7, 5.0, -2.0], np.float32)),
            sample(s.special(), np.array([0.0, np.inf, -np.inf, np.nan], np.float32)),
            sample(s.f32(3, 2).astype(np.float64) * 100, 0.3), sample(s.i64(5), 0)]


@op("fmod", "(Tensor self, Tensor|Scalar other) -> Tensor", shape=_BINARY, dtype=promoted(0, 1),
    verify=chk.broadcast(0, 1), lower=Pointwise(_fmod_body, values=(0, 1)), samples=_fmod_samples, api="torch Tensor")
@quiet
def fmod(a, b):
    """C's fmod: the result takes the dividend's sign."""
    x, y, dtype = operands(a, b)
    check_int_zero(y, dtype, "fmod_cpu")
    return as_array(np.fmod(x, y))
