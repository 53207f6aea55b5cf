"""When a pointwise op on a conv's output may fold into the conv, and the operand reshaped for it.

Shared by `ts-fold-conv-add-sub` and `ts-fold-conv-mul-div`; it is TorchScript's
checkConvAndBroadcastingOpPreConditions / opDoesNotBroadCastWithConv /
resizeConstantScalarOrTensorToShape (frozen_conv_folding.cpp):

- the op's first operand is a conv1d/conv2d whose result has exactly one use, every other
  operand of both ops is a `ts.constant`, and the conv weight is floating point;
- a tensor operand has no more dims than the weight and, compared **from the left**, every
  dim is 1 except dim 1, which may be the out-channel count. So `(1,C,1,1)`, `(1,1)` and
  0-d/1-element tensors fold, while `(C,1,1)` (a legal per-channel broadcast against NCHW)
  and `(C,)` do not. Integer and bool operands fold (they promote to the float weight's
  dtype), as observed in PyTorch 2.13.

Deliberate differences, only where TorchScript's fold changes the program's results: an
operand with C at dim 1 but fewer dims than the conv output (`(1,C)` against NCHW broadcasts
over the last dim, not the channels) is kept; so is a floating operand of another dtype
with dims (eager promotes the result, e.g. to float64); and when the conv input's rank is
known to be unbatched, an operand with more dims than the output (it would add a batch
dim). With an unknown input rank we assume a batched input, as TorchScript does.
"""
from __future__ import annotations

import numpy as np
from xdsl.ir import Operation

from tsjit.dialects.ts.types import TensorType
from tsjit.dtypes import is_float
from tsjit.rewrites.frozen_constants import (
    FOLDABLE_CONVS, NotConstant, constant_of, feeding_op, known_rank, params_constant,
)  # fmt: skip


def foldable_conv(op: Operation) -> Operation | None:
    """The conv feeding `op` if `op`'s second operand may fold into it, else None."""
    conv = feeding_op(op.operands[0], FOLDABLE_CONVS)
    if conv is None or not params_constant(conv) or not params_constant(op):
        return None
    if not conv.results[0].has_one_use():
        return None
    try:
        weight, other = constant_of(conv.operands[1]), constant_of(op.operands[1])
    except NotConstant:
        return None
    if not isinstance(weight, np.ndarray) or not is_float(weight.dtype):
        return None
    if isinstance(op.operands[1].type, TensorType):
        out_rank = known_rank(conv.operands[0])
        out_rank = weight.ndim if out_rank is None else out_rank
        if not (does_not_broadcast_with_conv(other, weight) and sound_for_output(other, weight, out_rank)):
            return None
    elif not isinstance(other, int | float):
        return None
    return conv


def does_not_broadcast_with_conv(other: np.ndarray, weight: np.ndarray) -> bool:
    """TorchScript's opDoesNotBroadCastWithConv (left-aligned)."""
    if other.ndim > weight.ndim:
        return False
    return all(size == 1 or (i == 1 and size == weight.shape[0]) for i, size in enumerate(other.shape))


def sound_for_output(other: np.ndarray, weight: np.ndarray, out_rank: int) -> bool:
    """The fold keeps the eager result's values, shape and dtype (see the module docstring)."""
    if other.ndim > out_rank:
        return False
    if is_float(other.dtype) and other.dtype != weight.dtype and other.ndim > 0:
        return False
    return other.size == 1 or (out_rank == weight.ndim and other.ndim == weight.ndim)


def resized(other, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """The operand as a tensor of `shape` (scalars filled in `dtype`, tensors keep theirs)."""
    array = other if isinstance(other, np.ndarray) else np.full(shape, other, dtype=dtype)
    if array.size == 1:
        return np.broadcast_to(array.reshape(1), shape).copy()
    return array.reshape(shape)
