"""In-place kernels: they write into their first operand and return that same array.

The result is computed at the promoted dtype and cast into `self`, which must be able to
hold it (torch: "result type Float can't be cast to the desired output type Long").
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tsjit.kernels import activations, elementwise
from tsjit.kernels.dims import check_broadcast, shape_str
from tsjit.kernels.promotion import BOOL, binary_dtype, cast, check_inplace


def _write(self: np.ndarray, value: np.ndarray) -> np.ndarray:
    """Copy `value` (broadcast to self's shape, never the other way) into self."""
    if value.shape != self.shape:
        check_broadcast(self.shape, value.shape)
        if np.broadcast_shapes(value.shape, self.shape) != self.shape:
            raise RuntimeError(f"output with shape {shape_str(self.shape)} doesn't match the broadcast shape "
                               f"{shape_str(np.broadcast_shapes(value.shape, self.shape))}")
    np.copyto(self, value, casting="unsafe")
    return self


def _check_writable(self: np.ndarray) -> None:
    if not self.flags.writeable and 0 in self.strides and self.size > 1:
        raise RuntimeError("unsupported operation: more than one element of the written-to tensor refers to a "
                           "single memory location. Please clone() the tensor before performing the operation.")


def _binary(kernel: Callable, ufunc: np.ufunc | None = None) -> Callable:
    """The out-of-place kernel's value written into self after a castability check."""
    def run(self, other, *rest):
        dtype = binary_dtype(self, other)
        if kernel is elementwise.div and dtype.kind != "f":
            dtype = np.dtype(np.float32)
        check_inplace(self.dtype, dtype)
        _check_writable(self)
        if ufunc is not None and not rest and type(other) is np.ndarray and other.dtype is self.dtype:
            if other.shape == self.shape or np.broadcast_shapes(other.shape, self.shape) == self.shape:
                ufunc(self, other, out=self)
                return self
        return _write(self, kernel(self, other, *rest))
    return run


def _unary(kernel: Callable) -> Callable:
    def run(self, *args):
        value = kernel(self, *args)
        check_inplace(self.dtype, value.dtype)
        _check_writable(self)
        return _write(self, value)
    return run


def zero_(self):
    self[...] = 0
    return self


def fill_(self, value):
    if isinstance(value, np.ndarray) and value.ndim:
        raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with {value.ndim} "
                           f"dimensions.")
    self[...] = cast(value, self.dtype)
    return self


def copy_(self, src):
    return _write(self, src)


def masked_fill_(self, mask, value):
    elementwise.check_mask(mask, "masked_fill_")
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


KERNELS: dict[str, Callable] = {
    "add_": _binary(elementwise.add, np.add), "sub_": _binary(elementwise.sub, np.subtract),
    "mul_": _binary(elementwise.mul, np.multiply), "div_": _binary(elementwise.div),
    "relu_": _unary(activations.relu), "sigmoid_": _unary(activations.sigmoid),
    "tanh_": _unary(elementwise.KERNELS["tanh"]), "clamp_": _unary(elementwise.clamp),
    "zero_": zero_, "fill_": fill_, "copy_": copy_, "masked_fill_": masked_fill_, "index_put_": index_put_,
}
