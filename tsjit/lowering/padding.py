"""`ts.pad` in constant mode -> a filled tensor with the (cropped) input inserted at its offset.

Negative pads crop (as torch's constant_pad_nd); the value defaults to 0. The other modes
(reflect, replicate, circular) read mirrored or clamped indices, which affine maps cannot say:
they stay on numpy for now.
"""
from __future__ import annotations

from xdsl.dialects import tensor
from xdsl.dialects.builtin import TensorType

from tsjit.lowering.generic_builder import filled
from tsjit.lowering.table import Lower, NotLowerable


def lower_pad(op, lower: Lower):
    x, out = lower.tensor(0), lower.result_type()
    pads, mode, value = lower.constant(1), lower.constant(2), lower.constant(3)
    if mode != "constant":
        raise NotLowerable(f"pad mode '{mode}' (only 'constant' lowers)")
    shape = list(x.type.get_shape())
    rank = len(shape)
    if len(pads) % 2 or len(pads) // 2 > rank or 0 in out.get_shape():
        raise NotLowerable("pad of this length, or an empty result")
    start, size, at = [0] * rank, list(shape), [0] * rank
    for i in range(len(pads) // 2):
        d, lo, hi = rank - 1 - i, pads[2 * i], pads[2 * i + 1]
        start[d], at[d] = max(-lo, 0), max(lo, 0)
        size[d] = shape[d] - max(-lo, 0) - max(-hi, 0)
    if any(n <= 0 for n in size):
        raise NotLowerable("the crop leaves nothing of the input")
    part = x
    if size != shape:
        part = lower.insert(tensor.ExtractSliceOp(x, start, size, [1] * rank,
                                                  TensorType(x.type.element_type, size))).results[0]
    base = filled(lower.builder, out, 0 if value is None else value)
    return [lower.insert(tensor.InsertSliceOp.get(part, base, size, at, [1] * rank)).results[0]]
