"""Tensor metadata (sizes, strides, rank, element count, dtype, device) and tensor -> Python scalar conversions.

Their results are not tensors, so they have no shape or dtype rules. None is lowered: once
shapes are static, ts-specialize folds the metadata into constants, and compiled code has no
scalar outputs, so what remains runs on numpy.
"""
from __future__ import annotations

import numpy as np

from tsjit.dtypes import is_float
from tsjit.kernels.dims import element_strides, wrap_dim
from tsjit.kernels.promotion import CODE_OF_DTYPE, dtype_of
from tsjit.kernels.promotion import can_cast as _can_cast
from tsjit.ops import samples as s
from tsjit.ops.registry import defop, op, sample

_SCALAR = "metadata and type queries: ts-specialize folds them into constants once shapes and dtypes are static"
#: a one-element tensor's value read at run time (a compiled function returns it as a Python scalar)
_TO_SCALAR = "control_flow.lower_to_scalar"


def _any_tensor():
    return [sample(s.f32(2, 3)), sample(np.array(s.f32(1)[0])), sample(s.f32(0, 3)), sample(s.i64(4)),
            sample(s.mask(2, 1, 3)), sample(s.strided(3, 4))]


def _one_element():
    """Conversions need exactly one element (of any rank)."""
    return [sample(np.array([2.5], np.float32)), sample(np.array(-2.7, np.float32)), sample(np.array([[3]], np.int64)),
            sample(np.array(True)), sample(np.array(0.0, np.float64)), sample(s.f32(2)), sample(s.f32(0))]


defop("size", "(Tensor self) -> int[]", lambda a: list(a.shape), numpy_only=_SCALAR, samples=_any_tensor)


@op("size_dim", "(Tensor self, int dim) -> int", aten="size", numpy_only=_SCALAR,
    samples=lambda: [sample(s.f32(2, 3), -1), sample(s.f32(2, 3), 0), sample(s.f32(0, 3), 0),
                     sample(np.array(s.f32(1)[0]), 0), sample(s.f32(2, 3), 2), sample(s.f32(2, 3), -3)])
def size_dim(a, dim):
    """aten::size.int; a 0-d tensor has no dim to ask about."""
    if a.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return a.shape[wrap_dim(dim, a.ndim)]


def _strided_samples():
    """No empty array: torch.from_numpy keeps numpy's strides of one, which a new tensor has not."""
    return [sample(s.f32(2, 3)), sample(np.array(s.f32(1)[0])), sample(s.i64(4)), sample(s.mask(2, 1, 3)),
            sample(s.strided(3, 4)), sample(s.f32(4, 6)[::2, 1:])]


defop("stride", "(Tensor self) -> int[]", lambda a: list(element_strides(a)), numpy_only=_SCALAR,
      samples=_strided_samples)


@op("stride_dim", "(Tensor self, int dim) -> int", aten="stride", numpy_only=_SCALAR,
    samples=lambda: [sample(s.f32(2, 3), -1), sample(s.f32(2, 3), 0), sample(s.f32(4, 6)[::2, 1:], 0),
                     sample(s.strided(3, 4), 1), sample(s.f32(2, 3), 2), sample(np.array(s.f32(1)[0]), 0)])
def stride_dim(a, dim):
    """aten::stride.int; a 0-d tensor has no dim to ask about."""
    if a.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return element_strides(a)[wrap_dim(dim, a.ndim)]


defop("is_contiguous", "(Tensor self) -> bool", lambda a: bool(a.flags.c_contiguous), numpy_only=_SCALAR,
      samples=lambda: [*_strided_samples(), sample(s.f32(0, 3))])
defop("dim", "(Tensor self) -> int", lambda a: a.ndim, numpy_only=_SCALAR, samples=_any_tensor)
defop("numel", "(Tensor self) -> int", lambda a: int(a.size), numpy_only=_SCALAR, samples=_any_tensor)
defop("dtype", "(Tensor self) -> int", lambda a: CODE_OF_DTYPE[a.dtype], numpy_only=_SCALAR,
      aten=(),  # prim::dtype: no ATen op
      samples=_any_tensor)
defop("element_size", "(Tensor self) -> int", lambda a: a.dtype.itemsize, numpy_only=_SCALAR,
      samples=_any_tensor)


@op("can_cast", "(ScalarType from_, ScalarType to) -> bool", numpy_only=_SCALAR, api="torch",
    samples=lambda: [sample(6, 3), sample(3, 6), sample(11, 4), sample(4, 11), sample(9, 6), sample(6, 9)])
def can_cast(from_, to):
    """c10::canCast: no complex -> real, float -> integral or non-bool -> bool casts."""
    return _can_cast(dtype_of(from_), dtype_of(to))


defop("device", "(Tensor self) -> Device", lambda a: "cpu", numpy_only=_SCALAR,
      aten=(),  # prim::device: no ATen op
      samples=_any_tensor)


@op("item", "(Tensor self) -> Scalar", lower=_TO_SCALAR, samples=_one_element)
def item(a):
    """The one element as a Python bool, int or float."""
    if a.size != 1:
        raise RuntimeError(f"a Tensor with {a.size} elements cannot be converted to Scalar")
    return a.reshape(()).item()


@op("to_bool", "(Tensor self) -> bool", aten="Bool", lower=_TO_SCALAR, samples=_one_element)
def to_bool(a):
    """aten::Bool.Tensor (`bool(t)`, `if t:`): NaN is True."""
    if a.size != 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous"
                           if a.size else "Boolean value of Tensor with no values is ambiguous")
    return bool(a.reshape(()).item())


@op("to_int", "(Tensor self) -> int", aten="Int", lower=_TO_SCALAR,
    samples=lambda: [*_one_element(), sample(np.array(np.nan, np.float32))])
def to_int(a):
    """aten::Int.Tensor (`int(t)`): truncates toward zero; NaN and inf do not convert."""
    return int(item(a))


@op("to_float", "(Tensor self) -> float", aten="Float", lower=_TO_SCALAR, samples=_one_element)
def to_float(a):
    """aten::Float.Tensor (`float(t)`)."""
    return float(item(a))


def _implicit(a, integral: bool):
    """TorchScript's implicit tensor -> number conversion (a Tensor passed where a function takes
    int/float/Scalar): only a 0-d tensor converts, and never a float or bool one into an int."""
    if a.ndim != 0:
        raise RuntimeError("Cannot input a tensor of dimension other than 0 as a scalar argument")
    if integral and (is_float(a.dtype) or a.dtype.kind in "cb"):
        name = {"c": "ComplexFloat", "b": "Bool"}.get(a.dtype.kind, "Float")
        raise RuntimeError(f"Cannot input a tensor of type {name} as an integral argument")
    return a.item()


def _zero_dim():
    return [sample(np.array(3, np.int64)), sample(np.array(2.5, np.float32)), sample(np.array(True)),
            sample(np.array([1], np.int64)), sample(s.f32(0))]


defop("int_implicit", "(Tensor a) -> int", lambda a: int(_implicit(a, True)), aten="IntImplicit",
      numpy_only=_SCALAR, samples=_zero_dim)
defop("float_implicit", "(Tensor a) -> float", lambda a: float(_implicit(a, False)), aten="FloatImplicit",
      numpy_only=_SCALAR, samples=_zero_dim)
defop("scalar_implicit", "(Tensor a) -> Scalar", lambda a: _implicit(a, False), aten="ScalarImplicit",
      numpy_only=_SCALAR, samples=_zero_dim)
