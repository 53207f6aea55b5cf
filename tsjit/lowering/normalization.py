"""batch_norm (inference form), layer_norm, group_norm and instance_norm → `linalg.generic`s.

batch_norm with `training` constant false is one all-parallel generic: (x - mean) *
rsqrt(var + eps) * weight + bias, the per-channel vectors read along dim 1. Training mode
normalises with the batch statistics (biased, over every dim but 1) when it updates no running
statistics; updating them is refused. layer_norm computes the mean and the
biased variance over the last len(normalized_shape) dims (reductions.moments), then the same
affine generic with weight/bias broadcast right-aligned. group_norm does so over the input seen
(a view) as (N, G, C/G, rest), the weight and bias as (G, C/G); instance_norm over the spatial
dims of each (n, c), or with the running statistics as batch_norm's inference form.
"""
from __future__ import annotations

import math as pymath
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
from tsjit.lowering.shape import reshape_value
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
    out = lower.result_type()
    check_dtype(out.element_type)
    if not is_float_dtype(out.element_type) or len(out.get_shape()) < 2:
        raise NotLowerable("batch_norm needs a float input of rank >= 2")
    mean, var = _optional_tensor(op, lower, 3), _optional_tensor(op, lower, 4)
    shape = out.get_shape()
    rank = len(shape)
    channel = projection_map(rank, [1])
    affine = [_optional_tensor(op, lower, 1), _optional_tensor(op, lower, 2)]
    if lower.constant(5) is not False:
        if mean is not None or var is not None:
            raise NotLowerable("batch_norm in training mode updating running statistics")
        dims = [0, *range(2, rank)]
        if pymath.prod(shape[d] for d in dims) <= 1:
            raise NotLowerable("batch_norm in training mode needs more than 1 value per channel")
        mean, var = _biased_stats(lower.builder, lower.tensor(0), dims, out.element_type)
        channel_stats = broadcast_map(mean.type.get_shape(), shape)
        return [_normalize(lower.builder, out, float(lower.constant(7)), lower.tensor(0), [mean, var],
                           [channel_stats, channel_stats], affine, [channel, channel])]
    if mean is None or var is None:
        raise NotLowerable("batch_norm without running statistics")
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
    if any(v is not None and (list(v.type.get_shape()) != normalized or v.type.element_type != dtype) for v in affine):
        raise NotLowerable("layer_norm: weight and bias must have normalized_shape and the input's dtype")
    affine_maps = [broadcast_map(v.type.get_shape(), shape) if v is not None else None for v in affine]
    return [_normalize(b, out, float(lower.constant(4)), x, [mean, var], [stat_map, stat_map], affine, affine_maps)]


def _float_input(out: TensorType, name: str) -> None:
    check_dtype(out.element_type)
    if not is_float_dtype(out.element_type):
        raise NotLowerable(f"{name} needs a float input")


def _check_params(out: TensorType, params: Sequence[SSAValue | None]) -> None:
    """One value per channel, of the input's dtype (the kernel raises otherwise)."""
    shape = out.get_shape()
    for v in params:
        if v is not None and (tuple(v.type.get_shape()) != tuple(shape[1:2]) or v.type.element_type != out.element_type):
            raise NotLowerable("per-channel parameters must have one value per channel, of the input's dtype")


def _biased_stats(b: Builder, x: SSAValue, dims: list[int], dtype) -> tuple[SSAValue, SSAValue]:
    """(mean, biased variance) over dims, keepdim."""
    n = pymath.prod(x.type.get_shape()[d] for d in dims)
    mean, ss = moments(b, x, dims, dtype)
    return mean, elementwise(b, [ss], ss.type, lambda bb, a: Kit(bb, dtype).div(a[0], Kit(bb, dtype).c(n)))


def lower_group_norm(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    out = lower.result_type()
    _float_input(out, "group_norm")
    shape = tuple(out.get_shape())
    groups = lower.constant(1)
    if len(shape) < 2 or groups <= 0 or shape[1] % groups:
        raise NotLowerable("group_norm: channels must divide into num_groups (the kernel raises)")
    affine = [_optional_tensor(op, lower, 2), _optional_tensor(op, lower, 3)]
    _check_params(out, affine)
    grouped = (shape[0], groups, shape[1] // groups, pymath.prod(shape[2:]))
    x = reshape_value(lower, lower.tensor(0), grouped)
    b = lower.builder
    mean, var = _biased_stats(b, x, [2, 3], out.element_type)
    stat_map = projection_map(4, [0, 1, None, None])
    affine = [None if v is None else reshape_value(lower, v, grouped[1:3]) for v in affine]
    y = _normalize(b, TensorType(out.element_type, grouped), float(lower.constant(4)), x, [mean, var],
                   [stat_map, stat_map], affine, [projection_map(4, [1, 2])] * 2)
    return [reshape_value(lower, y, shape)]


def lower_instance_norm(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    out = lower.result_type()
    _float_input(out, "instance_norm")
    shape = tuple(out.get_shape())
    rank = len(shape)
    if rank < 3:
        raise NotLowerable("instance_norm needs an input of rank >= 3 (the kernel raises)")
    affine = [_optional_tensor(op, lower, 1), _optional_tensor(op, lower, 2)]
    channel = projection_map(rank, [1])
    x, b = lower.tensor(0), lower.builder
    if lower.constant(5):
        mean, var = _biased_stats(b, x, list(range(2, rank)), out.element_type)
        stat_map = projection_map(rank, [0, 1, *([None] * (rank - 2))])
    else:
        mean, var = _optional_tensor(op, lower, 3), _optional_tensor(op, lower, 4)
        if mean is None or var is None:
            raise NotLowerable("instance_norm without input statistics needs running statistics")
        stat_map = channel
    _check_params(out, [*affine, *([mean, var] if stat_map is channel else [])])
    return [_normalize(b, out, float(lower.constant(7)), x, [mean, var], [stat_map, stat_map], affine,
                       [channel, channel])]
