"""In-place ops: they write into their first operand and return that same array.

The result is computed at the promoted dtype and cast into `self`, which must be able to hold it
(torch: "result type Float can't be cast to the desired output type Long"). `assign_` is what an
imported `aten::<op>_` without an in-place ts op of its own becomes: `ts.<op>` then `ts.assign_`.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tsjit.dtypes import is_inexact
from tsjit.kernels.dims import check_broadcast, shape_str
from tsjit.kernels.promotion import BOOL, binary_dtype, cast, check_inplace
from tsjit.ops import arithmetic, checks as chk, samples as s
from tsjit.ops.activation import relu, sigmoid
from tsjit.ops.registry import REGISTRY, WRITES, defop, sample
from tsjit.ops.rules import same, same_dtype

_IN_PLACE = ("writes its first operand in place: ts-remove-mutation makes a write to new memory pure, and "
             "tsjit.compile one to a function argument (its final value copied back into the caller's tensor); "
             "one in a branch or loop, or through an alias it cannot follow runs on numpy around the C fusion "
             "groups")


def write(self: np.ndarray, value: np.ndarray) -> np.ndarray:
    """Copy `value` (broadcast to self's shape, never the other way) into self."""
    if value.shape != self.shape:
        check_broadcast(self.shape, value.shape)
        if np.broadcast_shapes(value.shape, self.shape) != self.shape:
            raise RuntimeError(f"output with shape {shape_str(self.shape)} doesn't match the broadcast shape "
                               f"{shape_str(np.broadcast_shapes(value.shape, self.shape))}")
    np.copyto(self, value, casting="unsafe")
    return self


def check_writable(self: np.ndarray) -> None:
    if not self.flags.writeable and 0 in self.strides and self.size > 1:
        raise RuntimeError("unsupported operation: more than one element of the written-to tensor refers to a "
                           "single memory location. Please clone() the tensor before performing the operation.")


def _binary(kernel: Callable, ufunc: np.ufunc | None = None) -> Callable:
    """The out-of-place kernel's value written into self after a castability check."""
    def run(self, other, *rest):
        dtype = binary_dtype(self, other)
        if kernel is arithmetic.div and not is_inexact(dtype):
            dtype = np.dtype(np.float32)
        check_inplace(self.dtype, dtype)
        check_writable(self)
        if ufunc is not None and not rest and type(other) is np.ndarray and other.dtype is self.dtype:
            if other.shape == self.shape or np.broadcast_shapes(other.shape, self.shape) == self.shape:
                ufunc(self, other, out=self)
                return self
        return write(self, kernel(self, other, *rest))
    return run


def _unary(kernel: Callable) -> Callable:
    def run(self, *args):
        value = kernel(self, *args)
        check_inplace(self.dtype, value.dtype)
        check_writable(self)
        return write(self, value)
    return run


def _define(name: str, schema: str, kernel: Callable, samples, check=chk.SAME_SHAPE) -> None:
    defop(name, schema, kernel, shape=same, dtype=same_dtype, verify=check, effects=WRITES, numpy_only=_IN_PLACE,
          samples=samples)


def _binary_samples(*extra):
    return lambda: [sample(s.f32(2, 3), s.f32(3), *extra), sample(s.f32(2, 3), 2.5, *extra),
                    sample(s.i64(2, 3), s.i64(3), *extra), sample(s.i64(3), 0.5, *extra),
                    sample(s.f32(3), s.f32(2, 3), *extra)]


_ALPHA = "(Tensor self, Tensor|Scalar other, *, Scalar alpha=1) -> Tensor"
_define("add_", _ALPHA, _binary(arithmetic.add, np.add), _binary_samples(1), chk.broadcast(0, 1))
_define("sub_", _ALPHA, _binary(arithmetic.sub, np.subtract), _binary_samples(2), chk.broadcast(0, 1))
_define("mul_", "(Tensor self, Tensor|Scalar other) -> Tensor", _binary(arithmetic.mul, np.multiply),
        _binary_samples(), chk.broadcast(0, 1))
_define("div_", "(Tensor self, Tensor|Scalar other) -> Tensor", _binary(arithmetic.div), _binary_samples(),
        chk.broadcast(0, 1))
_define("relu_", "(Tensor self) -> Tensor", _unary(relu), s.unary())
_define("sigmoid_", "(Tensor self) -> Tensor", _unary(sigmoid), s.unary())
_define("tanh_", "(Tensor self) -> Tensor", _unary(REGISTRY["tanh"].kernel), s.unary())
_define("clamp_", "(Tensor self, Scalar? min=None, Scalar? max=None) -> Tensor", _unary(arithmetic.clamp),
        lambda: [sample(s.f32(2, 3), -0.5, 0.5), sample(s.i64(4), 0, None), sample(s.i64(4), 0.5, None)])


def zero_(self):
    self[...] = 0
    return self


def fill_(self, value):
    if isinstance(value, np.ndarray) and value.ndim:
        raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with {value.ndim} "
                           f"dimensions.")
    self[...] = cast(value, self.dtype)
    return self


def masked_fill_(self, mask, value):
    arithmetic.check_mask(mask, "masked_fill_")
    np.copyto(self, cast(value, self.dtype), where=np.broadcast_to(mask, self.shape))
    return self


def index_put_(self, indices, values, accumulate=False):
    key = tuple(slice(None) if i is None else (i.astype(BOOL) if i.dtype == np.uint8 else i) for i in indices)
    values = cast(values, self.dtype)
    try:
        if accumulate:
            np.add.at(self, key, values)
        else:
            self[key] = values
    except IndexError as err:
        raise IndexError(str(err).replace("axis", "dimension")) from None
    except ValueError as err:
        raise RuntimeError(f"shape mismatch: {err}") from None
    return self


def assign_(self, value):
    """Write an out-of-place result into self (after torch's in-place castability check)."""
    check_inplace(self.dtype, value.dtype)
    check_writable(self)
    return write(self, value)


_define("zero_", "(Tensor self) -> Tensor", zero_, lambda: [sample(s.f32(2, 3)), sample(s.i64(4))])
_define("fill_", "(Tensor self, Scalar value) -> Tensor", fill_,
        lambda: [sample(s.f32(2, 3), 1.5), sample(s.i64(4), 3), sample(s.mask(3), True)])
_define("copy_", "(Tensor self, Tensor src) -> Tensor", lambda self, src: write(self, src),
        lambda: [sample(s.f32(2, 3), s.f32(3)), sample(s.f32(2, 3), s.i64(2, 3)), sample(s.i64(3), s.f32(3))],
        chk.broadcast(0, 1))
_define("masked_fill_", "(Tensor self, Tensor mask, Scalar value) -> Tensor", masked_fill_,
        lambda: [sample(s.f32(2, 3), s.mask(3), -1.0), sample(s.i64(4), s.mask(4), 7)], chk.broadcast(0, 1))
defop("index_put_", "(Tensor self, Tensor?[] indices, Tensor values, bool accumulate=False) -> Tensor", index_put_,
      shape=same, dtype=same_dtype, effects=WRITES, numpy_only=_IN_PLACE,
      samples=lambda: [sample(s.f32(4, 3), [s.i64(2, lo=0, hi=4)], s.f32(2, 3), False),
                       sample(s.f32(4, 3), [s.i64(5, lo=0, hi=4)], s.f32(3), True),
                       sample(s.f32(4, 3), [s.mask(4)], s.f32(3), False)])
defop("assign_", "(Tensor self, Tensor src) -> Tensor", assign_, shape=same, dtype=same_dtype,
      verify=chk.broadcast(0, 1), effects=WRITES, numpy_only=_IN_PLACE, aten=(),
      samples=lambda: [sample(s.f32(2, 3), s.f32(3)), sample(s.i64(3), s.f32(3))])
