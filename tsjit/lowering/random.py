"""Random ops → one `linalg.generic` drawing each element as a pure function of (seed, index).

The op's seed comes from one call of the run-time function `tsjit_rng_next` (C:
tsjit/backends/c/runtime/random.py; numpy backend: tsjit's generator), made where the op was, so
each op and each call draws afresh and `tsjit.manual_seed` repeats a sequence. Element i's value
hashes (seed + i) with three rounds of a Park-Miller step (x * a mod 2^31 - 1) and an xor-shift:
all on non-negative 31-bit values, so every product fits in int64 and C has no overflow, and the
elements compute in any order, on any thread. Values differ from PyTorch's generator (as eager
tsjit's do); their distribution is the op's.

Dropout (plain, feature, alpha) in training draws u in [0, 1) per element (feature: per (n, c))
and keeps the element where u >= p, as the kernels in tsjit/ops/random.py compute it.
"""
from __future__ import annotations

from collections.abc import Sequence

from xdsl.builder import Builder
from xdsl.dialects import arith, func
from xdsl.dialects.builtin import f64, i64
from xdsl.dialects.linalg.ops import IndexOp
from xdsl.ir import Operation, SSAValue

from tsjit.dialects.ts.types import is_float_dtype
from tsjit.lowering.elementwise import Kit
from tsjit.lowering.generic_builder import constant, convert, elementwise
from tsjit.lowering.runtime_functions import declare
from tsjit.lowering.table import Lower, NotLowerable

RNG_NEXT = "tsjit_rng_next"
_MODULUS = 2147483647  # 2^31 - 1
_ROUNDS = ((11, 48271), (15, 69621), (13, 48271))  # (xor-shift, Park-Miller multiplier)
_SELU = 1.7580993408473766  # SELU's alpha * scale: alpha dropout's saturation value


def seed(op: Operation, b: Builder) -> SSAValue:
    """A fresh i64 seed from `tsjit_rng_next`, declared in the module once."""
    declare(op, RNG_NEXT, [], [i64])
    return b.insert(func.CallOp(RNG_NEXT, [], [i64])).results[0]


def uniform(b: Builder, seed_value: SSAValue, shape: Sequence[int], dims: Sequence[int], dtype) -> SSAValue:
    """u in [0, 1) of `dtype` for the element at the current indices of `dims` (row-major over them)."""
    def c(v: int) -> SSAValue:
        return constant(b, v, i64)

    linear = None
    for d in dims:
        i = b.insert(arith.IndexCastOp(b.insert(IndexOp(d)).results[0], i64)).results[0]
        linear = i if linear is None else b.insert(arith.AddiOp(b.insert(arith.MuliOp(linear, c(shape[d]))).results[0],
                                                               i)).results[0]
    if linear is None:
        linear = c(0)
    m = c(_MODULUS)
    x = b.insert(arith.RemSIOp(b.insert(arith.AddiOp(b.insert(arith.RemSIOp(linear, m)).results[0],
                                                     seed_value)).results[0], m)).results[0]
    for shift, multiplier in _ROUNDS:
        x = b.insert(arith.XOrIOp(x, b.insert(arith.ShRSIOp(x, c(shift))).results[0])).results[0]
        x = b.insert(arith.RemSIOp(b.insert(arith.MuliOp(x, c(multiplier))).results[0], m)).results[0]
    wide = b.insert(arith.SIToFPOp(x, f64)).results[0]
    u = b.insert(arith.MulfOp(wide, constant(b, 1.0 / _MODULUS, f64))).results[0]
    return convert(b, u, dtype)


def lower_dropout(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    """dropout, feature_dropout, alpha_dropout, feature_alpha_dropout: the identity outside training
    (`train` a constant false); in training, a mask drawn per element (per channel for feature)."""
    train = lower.constant(2)
    if train is False:
        return [lower.tensor(0)]
    if train is not True:
        raise NotLowerable("dropout whose training flag is known only at run time")
    p = float(lower.constant(1))
    out = lower.result_type()
    shape, dtype = list(out.get_shape()), out.element_type
    name = op.name.removeprefix("ts.")
    feature, alpha = name.startswith("feature"), "alpha" in name
    if not 0 <= p <= 1 or not is_float_dtype(dtype) or (feature and len(shape) < 2):
        raise NotLowerable(f"{name}: the kernel raises for this input")
    x = lower.tensor(0)
    if p == 0 or 0 in shape:
        return [x]
    s = seed(op, lower.builder) if p < 1 else None
    dims = [0, 1] if feature else list(range(len(shape)))
    scale = 1.0 / (1.0 - p) if p < 1 else 0.0
    a = 1.0 / ((_SELU * _SELU * p + 1) * (1 - p)) ** 0.5 if alpha and p < 1 else 0.0

    def body(bb: Builder, args: Sequence[SSAValue]) -> SSAValue:
        k = Kit(bb, dtype)
        xv = args[0]
        if s is None:  # p == 1: x * 0 (NaN stays NaN, as torch)
            keep = k.c(0.0)
        else:
            keep = convert(bb, k.cmp("ge", uniform(bb, s, shape, dims, dtype), k.c(p)), dtype)
        if not alpha:
            return k.mul(xv, k.mul(keep, k.c(scale)))
        # x * k * a + (k - 1) * alpha * a + alpha * a * p, as the kernel (ATen's _dropout_impl)
        return k.add(k.mul(xv, k.mul(keep, k.c(a))),
                     k.add(k.mul(k.sub(keep, k.c(1.0)), k.c(_SELU * a)), k.c(_SELU * a * p)))

    return [elementwise(lower.builder, [x], out, body)]



def _draws(op: Operation, lower: Lower, count: int, body) -> SSAValue:
    """One generic over the result computing `body(kit, uniforms, *inputs)` per element, with
    `count` independent u in [0, 1) (float64) per element."""
    out = lower.result_type()
    shape, dtype = list(out.get_shape()), out.element_type
    if not is_float_dtype(dtype):
        raise NotLowerable(f"{op.name}: the kernel raises for a non-float dtype")
    inputs = [lower.tensor(0)] if op.name == "ts.normal" else []  # (the *_like ops read only its shape)
    if 0 in shape:
        return elementwise(lower.builder, [], out, lambda bb, args: Kit(bb, dtype).c(0.0))
    seeds = [seed(op, lower.builder) for _ in range(count)]

    def per_element(bb: Builder, args: Sequence[SSAValue]) -> SSAValue:
        us = [uniform(bb, s, shape, range(len(shape)), f64) for s in seeds]
        return convert(bb, body(Kit(bb, f64), us, *[convert(bb, a, f64) for a in args[:len(inputs)]]), dtype)

    return elementwise(lower.builder, inputs, out, per_element)


def _standard_normal(k: Kit, us: Sequence[SSAValue]) -> SSAValue:
    """Box-Muller: sqrt(-2 ln(1 - u1)) cos(2 pi u2) (1 - u1 is in (0, 1])."""
    radius = k.sqrt(k.mul(k.c(-2.0), k.log(k.sub(k.c(1.0), us[0]))))
    return k.mul(radius, k.cos(k.mul(us[1], k.c(6.283185307179586))))


def lower_uniform(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    """rand, rand_like: u in [0, 1)."""
    return [_draws(op, lower, 1, lambda k, us, *xs: us[0])]


def lower_standard_normal(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    """randn, randn_like: standard normal draws."""
    return [_draws(op, lower, 2, lambda k, us, *xs: _standard_normal(k, us))]


def lower_normal(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    """normal(mean, std): mean + std * a standard normal draw, std a constant >= 0."""
    std = float(lower.constant(1))
    if std < 0:
        raise NotLowerable("normal: std < 0 (the kernel raises)")
    return [_draws(op, lower, 2, lambda k, us, mean: k.add(mean, k.mul(k.c(std), _standard_normal(k, us))))]
