"""Comparisons, float tests and logical and bitwise ops: bool results, or integer bit patterns.

Comparisons promote their operands first (`int_tensor == 1.5` compares as floats) and give bool
tensors; NaN compares unequal. Logical ops read any dtype as truth values; bitwise ops take
integers and bools only.
"""
from __future__ import annotations

import math

import numpy as np

from tsjit.dtypes import is_float, is_inexact
from tsjit.kernels.promotion import BOOL, as_array, not_implemented
from tsjit.kernels.ufuncs import bitwise, compare, logical, unary
from tsjit.ops import checks as chk
from tsjit.ops import samples as s
from tsjit.ops.registry import Pointwise, defop
from tsjit.ops.rules import BOOL as B, broadcast_of, fixed, promoted, same, same_dtype

_BINARY = "(Tensor self, Tensor|Scalar other) -> Tensor"
_TENSORS = "(Tensor self, Tensor other) -> Tensor"
_UNARY = "(Tensor self) -> Tensor"
_BOOL = fixed(B)


def _compare_samples():
    return [*s.binary()(), s.sample(s.i64(3), 1.5), s.sample(s.f32(3), np.array(1.5, dtype=np.float64))]


#: PyTorch's other names for these ops (ATen aliases the importers also map)
_ALIASES = {"ne": "not_equal", "lt": "less", "le": "less_equal", "gt": "greater", "ge": "greater_equal",
            "bitwise_xor": "__xor__"}

for _name, _ufunc in (("eq", np.equal), ("ne", np.not_equal), ("lt", np.less), ("le", np.less_equal),
                      ("gt", np.greater), ("ge", np.greater_equal)):
    defop(_name, _BINARY, compare(_ufunc), shape=broadcast_of(0, 1), dtype=_BOOL, verify=chk.comparison(0, 1),
          samples=_compare_samples, aten=f"{_name} {_ALIASES[_name]}" if _name in _ALIASES else None,
          lower=Pointwise(lambda k, x, y, pred=_name: k.cmp(pred, x, y), values=(0, 1), compute="promoted"))


def _float_test(fn, for_ints: bool):
    """isinf/isfinite: integers are always finite."""
    def kernel(a):
        if not is_inexact(a.dtype):
            return np.full(a.shape, for_ints, BOOL)
        return as_array(fn(a))
    return kernel


defop("isnan", _UNARY, unary(np.isnan), shape=same, dtype=_BOOL, verify=chk.SAME_SHAPE, samples=s.unary(),
      lower=Pointwise(lambda k, x: k.cmp_raw("uno", x, x) if k.float else k.c(False, k.i1), compute="input"))
defop("isinf", _UNARY, _float_test(np.isinf, False), shape=same, dtype=_BOOL, verify=chk.SAME_SHAPE,
      samples=s.unary(), lower=Pointwise(
          lambda k, x: k.cmp_raw("oeq", k.absf(x), k.c(math.inf)) if k.float else k.c(False, k.i1), compute="input"), api="torch Tensor")
defop("isfinite", _UNARY, _float_test(np.isfinite, True), shape=same, dtype=_BOOL, verify=chk.SAME_SHAPE,
      samples=s.unary(), lower=Pointwise(
          lambda k, x: k.cmp_raw("olt", k.absf(x), k.c(math.inf)) if k.float else k.c(True, k.i1), compute="input"), api="torch Tensor")

defop("logical_and", _TENSORS, logical(np.logical_and), shape=broadcast_of(0, 1), dtype=_BOOL,
      verify=chk.broadcast(0, 1), samples=s.binary(scalar=False),
      lower=Pointwise(lambda k, x, y: k.and_(x, y), values=(0, 1), compute="bool"))
defop("logical_or", _TENSORS, logical(np.logical_or), shape=broadcast_of(0, 1), dtype=_BOOL,
      verify=chk.broadcast(0, 1), samples=s.binary(scalar=False),
      lower=Pointwise(lambda k, x, y: k.or_(x, y), values=(0, 1), compute="bool"))
defop("logical_xor", _TENSORS, logical(np.logical_xor), shape=broadcast_of(0, 1), dtype=_BOOL,
      verify=chk.broadcast(0, 1), samples=s.binary(scalar=False),
      lower=Pointwise(lambda k, x, y: k.xor(x, y), values=(0, 1), compute="bool"))
defop("logical_not", _UNARY, unary(np.logical_not), shape=same, dtype=_BOOL, verify=chk.SAME_SHAPE,
      samples=s.unary(), lower=Pointwise(lambda k, x: k.xor(x, k.c(True)), compute="bool"))


def _bitwise_not(a):
    if is_float(a.dtype):
        raise not_implemented("bitwise_not_cpu", a.dtype)
    return np.invert(a)


def _bitwise_samples():
    return [s.sample(s.i64(2, 3), s.i64(3)), s.sample(s.mask(4), s.mask(4)), s.sample(s.i64(3), 3),
            s.sample(s.i32(3), s.i64(2, 3)), s.sample(s.mask(3), True), s.sample(s.f32(3), s.f32(3))]


for _name, _ufunc, _build in (("bitwise_and", np.bitwise_and, "and_"), ("bitwise_or", np.bitwise_or, "or_"),
                              ("bitwise_xor", np.bitwise_xor, "xor")):
    defop(_name, _BINARY, bitwise(_ufunc, _name), shape=broadcast_of(0, 1), dtype=promoted(0, 1),
          verify=chk.broadcast(0, 1), samples=_bitwise_samples,
          aten=f"{_name} {_ALIASES[_name]}" if _name in _ALIASES else None,
          lower=Pointwise(lambda k, x, y, build=_build: getattr(k, build)(x, y), values=(0, 1)))
defop("bitwise_not", _UNARY, unary(_bitwise_not), shape=same, dtype=same_dtype, verify=chk.SAME_SHAPE,
      samples=lambda: [s.sample(s.i64(2, 3)), s.sample(s.mask(4)), s.sample(s.i32(3)), s.sample(s.f32(3))],
      lower=Pointwise(lambda k, x: k.xor(x, k.c(True if k.is_bool(x) else -1))))
