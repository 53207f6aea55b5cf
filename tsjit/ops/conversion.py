"""Dtype conversions: `to(dtype)` and `type_as(other)`.

Both return the input itself when the dtype already matches (as torch does without copy=True),
and otherwise convert as C casts do: floats truncate toward zero into integers, anything
non-zero (NaN included) is True.
"""
from __future__ import annotations

import numpy as np

from tsjit.kernels.promotion import cast, dtype_of
from tsjit.ops import checks as chk
from tsjit.ops import samples as s
from tsjit.ops.registry import Pointwise, op, sample
from tsjit.ops.rules import from_arg, same

_IDENTITY = Pointwise(lambda k, x: x)  # the conversion is the cast into the result's element type
_I64, _F32, _F64, _BOOL = 4, 6, 7, 11  # ScalarType codes used by samples
#: torch.ops.aten.to(x, None) resolves to the to.prim_Device overload, which needs a device.
_NO_DTYPE = {"torch": False, "note": "aten.to(x, None) picks the prim_Device overload, which errors"}


@op("to", "(Tensor self, ScalarType? dtype=None) -> Tensor", shape=same, dtype=from_arg(1), verify=chk.SAME_SHAPE,
    lower=_IDENTITY,
    samples=lambda: [sample(s.f32(2, 3) * 3, _I64), sample(s.f32(2, 3), _F64), sample(s.special(), _F64),
                     sample(s.special(), _BOOL), sample(s.i64(2, 3), _F32), sample(s.mask(4), _F32),
                     sample(s.strided(3, 4), _F64), sample(s.f32(0, 3), None, **_NO_DTYPE)])
def to(a, dtype=None):
    """aten::to.dtype; None keeps the dtype."""
    target = dtype_of(dtype)
    return a if target is None else cast(a, target)


@op("type_as", "(Tensor self, Tensor other) -> Tensor", shape=same, dtype=lambda a, other: other.dtype,
    verify=chk.SAME_SHAPE, lower=_IDENTITY,
    samples=lambda: [sample(s.f32(2, 3) * 3, s.i64(1)), sample(s.i64(2, 3), s.f32(1)), sample(s.f32(2, 3), s.f32(4)),
                     sample(s.special(), s.f64(2)), sample(np.array(s.f32(1)[0]), s.mask(2)),
                     sample(s.strided(3, 4), s.i64(0)), sample(s.f32(0, 3), s.f64(1))])
def type_as(a, other):
    """`a.to(other.dtype)`: only other's dtype matters."""
    return cast(a, other.dtype)
