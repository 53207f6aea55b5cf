"""batch_norm (inference form) and layer_norm → `linalg.generic`s.

batch_norm with `training` constant false is one all-parallel generic: (x - mean) *
rsqrt(var + eps) * weight + bias, the per-channel vectors read along dim 1. Training mode
(batch statistics, running-stat updates) is refused. layer_norm computes the mean and the
biased variance over the last len(normalized_shape) dims (reductions.moments), then the same
affine generic with weight/bias broadcast right-aligned.
"""
from __future__ import annotations

from collections.abc import Sequence

from xdsl.builder import Builder
from xdsl.dialects import math
from xdsl.dialects.builtin import TensorType
from xdsl.ir import Operation, SSAValue

from tsjit.dialects.ts.types import TensorType as TsTensorType
from tsjit.dialects.ts.types import is_float_dtype
from tsjit.lowering.elementwise import Kit, check_dtype
from tsjit.lowering.generic_builder import (
    broadcast_map, convert, elementwise, empty, generic, identity_map, projection_map,
)
from tsjit.lowering.reductions import moments
from tsjit.lowering.table import Lower, NotLowerable


def _optional_tensor(op: Operation, lower: Lower, i: int) -> SSAValue | None:
    return lower.tensor(i) if isinstance(op.operands[i].type, TsTensorType) else None


def _normalize(b: Builder, out: TensorType, eps: float, x: SSAValue, stats: Sequence[SSAValue],
               stat_maps, affine: Sequence[SSAValue | None], affine_maps) -> SSAValue:
    """(x - mean) * rsqrt(var + eps) [* weight] [+ bias], one generic; `var` already divided by n."""
    dtype = out.element_type
    present = [(v, m) for v, m in zip(affine, affine_maps) if v is not None]
    inputs = [x, *stats, *(v for v, _ in present)]
    rank = len(out.get_shape())
    maps = [identity_map(rank), *stat_maps, *(m for _, m in present)]
    has_w, has_b = affine[0] is not None, affine[1] is not None

    def body(bb: Builder, args: Sequence[SSAValue]) -> list[SSAValue]:
        k = Kit(bb, dtype)
        xv, mean, var, *rest = [convert(bb, a, dtype) for a in args[:len(inputs)]]
        y = k.mul(k.sub(xv, mean), k.math(math.RsqrtOp, k.add(var, k.c(eps))))
        if has_w:
            y = k.mul(y, rest.pop(0))
        if has_b:
            y = k.add(y, rest.pop(0))
        return [y]
    return generic(b, inputs, maps, empty(b, out), identity_map(rank), ["parallel"] * rank, body)


def lower_batch_norm(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    if lower.constant(5) is not False:
        raise NotLowerable("batch_norm in training mode (batch statistics)")
    out = lower.result_type()
    check_dtype(out.element_type)
    if not is_float_dtype(out.element_type) or len(out.get_shape()) < 2:
        raise NotLowerable("batch_norm needs a float input of rank >= 2")
    mean, var = _optional_tensor(op, lower, 3), _optional_tensor(op, lower, 4)
    if mean is None or var is None:
        raise NotLowerable("batch_norm without running statistics")
    rank = len(out.get_shape())
    channel = projection_map(rank, [1])
    affine = [_optional_tensor(op, lower, 1), _optional_tensor(op, lower, 2)]
    return [_normalize(lower.builder, out, float(lower.constant(7)), lower.tensor(0), [mean, var],
                       [channel, channel], affine, [channel, channel])]


def lower_layer_norm(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    out = lower.result_type()
    dtype = out.element_type
    check_dtype(dtype)
    if not is_float_dtype(dtype):
        raise NotLowerable("layer_norm needs a float input")
    normalized = list(lower.constant(1))
    shape = out.get_shape()
    if len(normalized) > len(shape) or list(shape[len(shape) - len(normalized):]) != normalized:
        raise NotLowerable(f"normalized_shape {normalized} does not end the input shape {list(shape)}")
    x = lower.tensor(0)
    dims = list(range(len(shape) - len(normalized), len(shape)))
    n = 1
    for d in normalized:
        n *= d
    b = lower.builder
    mean, ss = moments(b, x, dims, dtype)
    var = elementwise(b, [ss], ss.type, lambda bb, a: Kit(bb, dtype).div(a[0], Kit(bb, dtype).c(n)))
    stat_map = broadcast_map(mean.type.get_shape(), shape)
    affine = [_optional_tensor(op, lower, 2), _optional_tensor(op, lower, 3)]
    affine_maps = [broadcast_map(v.type.get_shape(), shape) if v is not None else None for v in affine]
    return [_normalize(b, out, float(lower.constant(4)), x, [mean, var], [stat_map, stat_map], affine, affine_maps)]
