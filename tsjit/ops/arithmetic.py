"""Elementwise arithmetic: add/sub/mul/div and their relatives, min/max, pow, clamp, where, lerp
(rounded division and remainders: division.py).

Operands broadcast as in PyTorch and promote with torch.result_type (a Python scalar is a
wrapped number: `int8_tensor + 1000` stays int8), so numpy's own promotion never decides.
"""
from __future__ import annotations

import numpy as np

from tsjit.dtypes import is_float, is_inexact
from tsjit.kernels.promotion import (
    BOOL, C_NAME, DEFAULT_FLOAT, INT64, as_array, binary_dtype, cast, not_implemented, result_dtype, torch_name,
)
from tsjit.kernels.ufuncs import binary, operands, quiet, unary
from tsjit.ops import checks as chk
from tsjit.ops import samples as s
from tsjit.ops.decomposition import reject
from tsjit.ops.registry import Pointwise, defop, op, sample
from tsjit.ops.rules import BOOL as B, broadcast_of, promoted, promoted_float, real_same, same, same_dtype, to_float

_BINARY = broadcast_of(0, 1)


def _check_alpha(dtype: np.dtype, alpha) -> None:
    if dtype.kind in "iu" and isinstance(alpha, float):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    if dtype.kind == "b" and not isinstance(alpha, bool) and alpha != 1:
        raise RuntimeError("Boolean alpha only supported for Boolean results.")


def _check_sub(a, b) -> None:
    a_bool = isinstance(a, bool) or getattr(a, "dtype", None) == BOOL
    b_bool = isinstance(b, bool) or getattr(b, "dtype", None) == BOOL
    if a_bool and b_bool:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                           "Use the `^` or `logical_xor()` operator instead.")
    if a_bool or b_bool:
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")


def _scaled(k, y, alpha):
    return y if alpha == 1 else k.mul(y, k.c(alpha))


@op("add", "(Tensor self, Tensor|Scalar other, *, Scalar alpha=1) -> Tensor", shape=_BINARY, dtype=promoted(0, 1),
    verify=chk.broadcast(0, 1), samples=s.joined(s.binary(1), lambda: [sample(s.f32(3), s.f32(2, 3), 2.5)]),
    lower=Pointwise(lambda k, x, y: k.add(x, _scaled(k, y, k.params[0])), values=(0, 1), params=(2,)))
def add(a, b, alpha=1):
    if type(b) is np.ndarray and a.dtype is b.dtype and alpha == 1:
        return as_array(np.add(a, b))
    x, y, dtype = operands(a, b)
    if alpha != 1:
        _check_alpha(dtype, alpha)
        y = np.multiply(y, cast(alpha, dtype))
    return as_array(np.add(x, y))


@op("sub", "(Tensor self, Tensor|Scalar other, *, Scalar alpha=1) -> Tensor", shape=_BINARY, dtype=promoted(0, 1),
    verify=chk.broadcast(0, 1), samples=s.joined(s.binary(1), lambda: [sample(s.f32(2, 3), s.i64(3), 2)]),
    lower=Pointwise(lambda k, x, y: k.sub(x, _scaled(k, y, k.params[0])), values=(0, 1), params=(2,)), aten="sub subtract")
def sub(a, b, alpha=1):
    if type(b) is np.ndarray and a.dtype is b.dtype and alpha == 1 and a.dtype.kind != "b":
        return as_array(np.subtract(a, b))
    _check_sub(a, b)
    return add(a, b, -alpha)


@op("rsub", "(Tensor self, Tensor|Scalar other, *, Scalar alpha=1) -> Tensor", shape=_BINARY, dtype=promoted(0, 1),
    verify=chk.broadcast(0, 1), samples=s.joined(s.binary(1), lambda: [sample(s.f32(2, 3), 1.0, 2)]),
    lower=Pointwise(lambda k, x, y: k.sub(y, _scaled(k, x, k.params[0])), values=(0, 1), params=(2,)))
def rsub(a, b, alpha=1):
    """other - alpha * self."""
    _check_sub(a, b)
    x, y, dtype = operands(a, b)
    if alpha != 1:
        _check_alpha(dtype, alpha)
        x = np.multiply(x, cast(alpha, dtype))
    return as_array(np.subtract(y, x))


@op("mul", "(Tensor self, Tensor|Scalar other) -> Tensor", shape=_BINARY, dtype=promoted(0, 1),
    verify=chk.broadcast(0, 1), lower=Pointwise(lambda k, x, y: k.mul(x, y), values=(0, 1)),
    samples=s.joined(s.binary(), lambda: [sample(s.i64(4).astype(np.int8), 1000),
                                          sample(s.f32(4), np.array(2.0, dtype=np.float64))]), aten="mul multiply")
def mul(a, b):
    if type(b) is np.ndarray and a.dtype is b.dtype:
        return as_array(np.multiply(a, b))
    x, y, _ = operands(a, b)
    return as_array(np.multiply(x, y))


@op("div", "(Tensor self, Tensor|Scalar other) -> Tensor", shape=_BINARY, dtype=promoted_float(0, 1),
    verify=chk.broadcast(0, 1), lower=Pointwise(lambda k, x, y: k.div(x, y), values=(0, 1)),
    samples=s.joined(s.binary(), lambda: [sample(s.i64(5), 2), sample(s.f32(5), s.i64(5, lo=1))]), aten="div true_divide")
@quiet
def div(a, b):
    """True division: integers divide as the default float dtype."""
    dtype = binary_dtype(a, b)
    if not is_inexact(dtype):
        dtype = DEFAULT_FLOAT
    return as_array(np.true_divide(cast(a, dtype), cast(b, dtype)))


def _pow_body(k, x, y):
    n = k.consts[1]
    if isinstance(n, int | float) and not isinstance(n, bool) and float(n).is_integer() and abs(n) <= 16:
        n = int(n)
        if n == 0:
            return k.c(1)
        if n > 0:
            return k.ipow(x, n)
        if k.float:
            return k.recip(k.ipow(x, -n))
    if n == 0.5 and k.float:
        return k.sqrt(x)
    if k.float:
        return k.powf(x, y)
    if k.is_bool(x):
        k.refuse("pow of bool tensors")
    return k.ipowi(x, y)


@op("pow", "(Tensor self, Tensor|Scalar exponent) -> Tensor", shape=_BINARY, dtype=promoted(0, 1),
    verify=chk.broadcast(0, 1), lower=Pointwise(_pow_body, values=(0, 1)),
    samples=lambda: [sample(s.pos(2, 3), s.f32(3)), sample(s.f32(2, 3), 2), sample(s.f32(2, 3), -3),
                     sample(s.pos(4), 0.5), sample(s.i64(3), 0.5), sample(s.i64(2, 3), s.i64(3, lo=0, hi=4)),
                     sample(s.i64(5, lo=-2, hi=3), s.i64(5, lo=-3, hi=3)), sample(s.special(), 2.0)])
@quiet
def pow(a, b):  # noqa: A001 - the op's name
    x, y, dtype = operands(a, b)
    if dtype.kind == "b":
        raise not_implemented("pow", dtype)
    if dtype.kind not in "iu":
        return as_array(np.power(x, y))
    if not isinstance(b, np.ndarray):
        if b < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        return as_array(np.power(x, y))
    neg = y < 0  # torch: 1 ** -n = 1, (-1) ** -n = +-1, anything else ** -n = 0
    r = np.power(x, np.where(neg, 0, y))
    at_neg = np.where(x == 1, 1, np.where(x == -1, np.where(y % 2 == 0, 1, -1), 0))
    return as_array(np.where(neg, at_neg, r).astype(dtype))


_TENSORS = "(Tensor self, Tensor other) -> Tensor"
defop("maximum", _TENSORS, binary(np.maximum), shape=_BINARY, dtype=promoted(0, 1), verify=chk.broadcast(0, 1),
      lower=Pointwise(lambda k, x, y: k.max(x, y), values=(0, 1)), samples=s.binary(scalar=False))
defop("minimum", _TENSORS, binary(np.minimum), shape=_BINARY, dtype=promoted(0, 1), verify=chk.broadcast(0, 1),
      lower=Pointwise(lambda k, x, y: k.min(x, y), values=(0, 1)), samples=s.binary(scalar=False))
defop("fmax", _TENSORS, binary(np.fmax), shape=_BINARY, dtype=promoted(0, 1), verify=chk.broadcast(0, 1),
      lower=Pointwise(lambda k, x, y: k.maxnumf(x, y) if k.float else k.max(x, y), values=(0, 1)),
      samples=s.binary(scalar=False), api="torch Tensor")
defop("fmin", _TENSORS, binary(np.fmin), shape=_BINARY, dtype=promoted(0, 1), verify=chk.broadcast(0, 1),
      lower=Pointwise(lambda k, x, y: k.minnumf(x, y) if k.float else k.min(x, y), values=(0, 1)),
      samples=s.binary(scalar=False), api="torch Tensor")
defop("atan2", _TENSORS, binary(np.arctan2, floats=True), shape=_BINARY, dtype=promoted_float(0, 1),
      verify=chk.broadcast(0, 1), lower=Pointwise(lambda k, x, y: k.atan2(x, y), values=(0, 1), float_only=True),
      samples=s.binary(scalar=False), aten="atan2 arctan2")
defop("hypot", "(Tensor self, Tensor other) -> Tensor", binary(np.hypot, floats_only="hypot_cpu"), shape=_BINARY,
      dtype=promoted_float(0, 1), verify=chk.broadcast(0, 1), api="torch Tensor",
      lower=Pointwise(lambda k, x, y: k.hypotf(x, y), values=(0, 1), compute="promoted", float_only=True),
      samples=s.joined(s.binary(scalar=False), lambda: [
          sample(np.array([3e30, 1e-30, np.inf, np.nan, 0.0], np.float32),
                 np.array([4e30, 1e-30, np.nan, np.inf, -0.0], np.float32)),
          sample(np.array([3e300, 1e-300, np.inf, 0.0], np.float64), np.array([4e300, 1e-300, np.nan, 0.0]))]))
defop("copysign", "(Tensor self, Tensor|Scalar other) -> Tensor", binary(np.copysign, floats=True), shape=_BINARY,
      dtype=promoted_float(0, 1), verify=chk.broadcast(0, 1), api="torch Tensor",
      lower=Pointwise(lambda k, x, y: k.copysign(x, y), values=(0, 1)),
      samples=s.joined(s.binary(), lambda: [sample(s.f32(4), np.array([-0.0, 0.0, -np.nan, np.inf], np.float32))]))


def _lerp_body(k, a, end):
    (w,) = k.params
    diff = k.sub(end, a)
    if abs(w) < 0.5:
        return k.add(a, k.mul(k.c(w), diff))
    return k.sub(end, k.mul(diff, k.c(1 - w)))


@op("lerp", "(Tensor self, Tensor end, Scalar weight) -> Tensor", shape=_BINARY, dtype=promoted(0, 1),
    verify=chk.broadcast(0, 1), lower=Pointwise(_lerp_body, values=(0, 1), params=(2,), float_only=True),
    samples=lambda: [sample(s.f32(2, 3), s.f32(3), 0.3), sample(s.f32(4), s.f32(4), 0.75),
                     sample(s.special(), s.f32(3, 4), 0.5)])
def lerp(a, end, weight):
    if a.dtype != end.dtype:
        raise RuntimeError(f"expected dtype {C_NAME[a.dtype.name]} for `end` but got dtype {C_NAME[end.dtype.name]}")
    w = cast(weight, a.dtype)
    diff = end - a
    return as_array(np.where(abs(weight) < 0.5, a + w * diff, end - diff * (1 - w)).astype(a.dtype))


def _addc(name: str, combine):
    def kernel(a, t1, t2, value=1):
        dtype = result_dtype(a, t1, t2)
        if name == "addcdiv" and not is_inexact(dtype):
            raise RuntimeError("Integer division with addcdiv is no longer supported, and in a future release "
                               "addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv "
                               "behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2))"
                               ".to(input.dtype) using PyTorch 1.7 and later.")
        with np.errstate(all="ignore"):
            return as_array(np.add(cast(a, dtype), np.multiply(cast(value, dtype), combine(cast(t1, dtype),
                                                                                          cast(t2, dtype)))))
    kernel.__name__ = name
    return kernel


def _addc_body(name: str):
    """self + value * t1 * t2 (PyTorch's order: (value * t1) * t2), or self + value * (t1 / t2)."""
    def body(k, x, t1, t2):
        value = k.c(k.params[0])
        if name == "addcmul":
            return k.add(x, k.mul(k.mul(value, t1), t2))
        if not k.float:
            k.refuse("addcdiv of integer tensors")
        return k.add(x, k.mul(value, k.div(t1, t2)))
    return body


for _name, _combine in (("addcmul", np.multiply), ("addcdiv", np.true_divide)):
    defop(_name, "(Tensor self, Tensor tensor1, Tensor tensor2, *, Scalar value=1) -> Tensor", _addc(_name, _combine),
          shape=broadcast_of(0, 1, 2), dtype=promoted(0, 1, 2), verify=chk.broadcast(0, 1, 2),
          lower=Pointwise(_addc_body(_name), values=(0, 1, 2), params=(3,)), api="torch Tensor",
          samples=lambda: [sample(s.f32(2, 3), s.f32(3), s.f32(2, 1), 2), sample(s.f32(4), s.f32(4), s.pos(4), 0.5),
                           sample(s.i64(3), s.i64(3), s.i64(3, lo=1), 2), sample(s.special(), s.f32(4), s.f32(3, 1), 1),
                           sample(s.i64(2, 3), s.strided(2, 3), s.f32(3).astype(np.float64), -1.5),
                           sample(s.i64(3), s.i64(3), s.i64(3, lo=1), 0.5)])


def _where(cond, a, b):
    if cond.dtype != BOOL:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{torch_name(cond.dtype)}")
    x, y, _ = operands(a, b)
    return as_array(np.where(cond, x, y))


defop("where", "(Tensor condition, Tensor self, Tensor|Scalar other) -> Tensor", _where, shape=broadcast_of(0, 1, 2),
      dtype=promoted(1, 2), verify=chk.broadcast(0, 1, 2),
      lower=Pointwise(lambda k, c, x, y: k.select(c, x, y), values=(0, 1, 2), bools=(0,)),
      samples=lambda: [sample(s.mask(2, 3), s.f32(2, 3), s.f32(3)), sample(s.mask(3), s.i64(3), 0.5),
                       sample(s.mask(2, 1), s.f32(3).astype(np.float64), s.f32(2, 3)),
                       sample(s.i64(3), s.f32(3), s.f32(3))])


def check_mask(mask: np.ndarray, name: str) -> None:
    if mask.dtype != BOOL:
        raise RuntimeError(f"{name} only supports boolean masks, but got mask with dtype {C_NAME[mask.dtype.name]}")


@op("masked_fill", "(Tensor self, Tensor mask, Scalar value) -> Tensor", shape=_BINARY, dtype=same_dtype,
    verify=chk.broadcast(0, 1), samples=lambda: [sample(s.f32(2, 3), s.mask(3), -1.5), sample(s.i64(4), s.mask(4), 7),
                                                 sample(s.f32(3), s.mask(2, 3), 0.0)],
    lower=Pointwise(lambda k, x, m, v: k.select(m, v, x), values=(0, 1, 2), bools=(1,)))
def masked_fill(a, mask, value):
    check_mask(mask, "masked_fill_")
    a, mask = np.broadcast_arrays(a, mask)
    return as_array(np.where(mask, cast(value, a.dtype), a))


def _clamp_body(k, x):
    lo, hi = k.params
    if lo is None and hi is None:
        k.refuse("clamp without bounds")
    x = x if lo is None else k.max(x, k.c(lo))
    return x if hi is None else k.min(x, k.c(hi))


@op("clamp", "(Tensor self, Scalar? min=None, Scalar? max=None) -> Tensor", shape=same, dtype=promoted(0, 1, 2),
    verify=chk.SAME_SHAPE, lower=Pointwise(_clamp_body, params=(1, 2)),
    samples=lambda: [sample(s.f32(2, 3), -0.5, 0.5), sample(s.f32(4), None, 0.0), sample(s.special(), -1.0, None),
                     sample(s.i64(5), -2, 2), sample(s.i64(3), 0.5, None)])
@quiet
def clamp(a, lo, hi):
    if lo is None and hi is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    dtype = result_dtype(a, lo, hi)
    if dtype.kind == "b":
        raise not_implemented("clamp_min_scalar_cpu" if hi is None else "clamp_scalar_cpu", dtype)
    out = cast(a, dtype)
    if lo is not None:
        out = np.maximum(out, cast(lo, dtype))  # NaN propagates, as in torch
    if hi is not None:
        out = np.minimum(out, cast(hi, dtype))
    return as_array(out if out is not a else out.copy())


def _clamp_tensor(g, a, lo, hi):
    """aten::clamp.Tensor: bounds are tensors (or None) that broadcast; NaN propagates, and min > max gives max."""
    if lo is None and hi is None:
        raise reject(g, RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None"))
    out = a if lo is None else g.maximum(a, lo)
    return out if hi is None else g.minimum(out, hi)


defop("clamp_tensor", "(Tensor self, Tensor? min=None, Tensor? max=None) -> Tensor", decompose=_clamp_tensor,
      shape=broadcast_of(0, 1, 2), dtype=promoted(0, 1, 2), aten="clamp",
      samples=lambda: [sample(s.f32(2, 3), s.f32(3) - 1, None), sample(s.f32(2, 3), None, s.f32(2, 1)),
                       sample(s.f32(4), s.f32(4) - 1, s.f32(4) + 1), sample(s.special(), s.f32(4), s.special()[0]),
                       sample(s.i64(2, 3), s.f32(3), s.i64(1)), sample(s.f32(3), s.f32(3) + 1, s.f32(3) - 1),
                       sample(s.strided(2, 3), None, np.array(0.5, np.float32)), sample(s.f32(2), None, None)])


# -- unary ----------------------------------------------------------------------------------------

def _neg(a):
    if a.dtype == BOOL:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
                           "to invert a mask, use the `~` or `logical_not()` operator instead.")
    return np.negative(a)


def _abs(a):
    if a.dtype == BOOL:
        raise not_implemented("abs_cpu", a.dtype)
    return np.abs(a)


def _sign(a):
    """-1, 0 or 1; NaN gives 0, as in torch."""
    if a.dtype == BOOL:
        return a.copy()
    return np.where(np.isnan(a), 0, np.sign(a)).astype(a.dtype) if is_float(a.dtype) else np.sign(a)


def _sign_body(k, x):
    if k.is_bool(x):
        return x
    one, zero = k.c(1), k.c(0)
    return k.select(k.cmp("gt", x, zero), one, k.select(k.cmp("lt", x, zero), k.neg(one), zero))


def _square(a):
    return as_array(np.multiply(a, a) if a.dtype != BOOL else a.astype(INT64))


def _square_dtype(a):
    return None if a.dtype is None else (INT64 if a.dtype == B else a.dtype)


_UNARY = "(Tensor self) -> Tensor"
defop("neg", _UNARY, unary(_neg), shape=same, dtype=same_dtype, verify=chk.SAME_SHAPE,
      lower=Pointwise(lambda k, x: k.neg(x)), samples=s.unary(), aten="neg negative")
defop("abs", _UNARY, unary(_abs), shape=same, dtype=real_same, verify=chk.SAME_SHAPE,
      lower=Pointwise(lambda k, x: k.absf(x) if k.float else k.absi(x)), samples=s.unary(), aten="abs absolute")
defop("sign", _UNARY, unary(_sign), shape=same, dtype=same_dtype, verify=chk.SAME_SHAPE,
      lower=Pointwise(_sign_body), samples=s.unary(), aten="sign sgn")
defop("reciprocal", _UNARY, unary(lambda a: np.reciprocal(a if is_inexact(a.dtype) else a.astype(DEFAULT_FLOAT))),
      shape=same, dtype=to_float, verify=chk.SAME_SHAPE, lower=Pointwise(lambda k, x: k.recip(x)), samples=s.unary())
def _positive(a):
    if a.dtype == BOOL:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return a.view()


defop("positive", _UNARY, _positive, shape=same, dtype=same_dtype, verify=chk.SAME_SHAPE,
      lower=Pointwise(lambda k, x: x), samples=s.unary(), api="torch Tensor")
defop("square", _UNARY, unary(_square), shape=same, dtype=_square_dtype, verify=chk.SAME_SHAPE,
      lower=Pointwise(lambda k, x: k.mul(x, x)), samples=s.unary(), api="torch Tensor")
