"""Lowerings of pooling: max_pool1d/2d → linalg.pooling_nchw_max; avg_pool2d and adaptive_avg_pool2d
(where the output size divides the input) → a window-sum generic and a division.

Both pad explicitly (tensor.pad with -inf for max, 0 for sums). ceil_mode needs no special case:
the output size is known from the result type, and the high side is padded as far as the last
window reaches (PyTorch guarantees every window starts inside the input or its left padding, so
padded elements never decide a max). The window's shape reaches the ops as a `tensor.empty` of
the kernel shape, as upstream pooling ops take it. The average's divisor follows PyTorch:
divisor_override, else the window clipped to input+padding (count_include_pad) or to the input;
where it varies over the output it is a dense constant.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from xdsl.dialects import arith
from xdsl.dialects.builtin import DenseIntOrFPElementsAttr
from xdsl.dialects.builtin import TensorType as BuiltinTensorType
from xdsl.dialects.linalg.ops import PoolingNchwMaxOp
from xdsl.ir import SSAValue
from xdsl.ir.affine import AffineDimExpr

from tsjit.lowering.contractions import (
    PARALLEL, REDUCTION, binary, dims, filled, generic, is_float, reshaped, scalar, shape_of,
)
from tsjit.lowering.convolution import ints, pad, window_attr
from tsjit.lowering.table import Lower, NotLowerable


def _lowest(t) -> float:
    return float("-inf") if is_float(t) else -(2 ** (t.width.data - 1))


def _as_4d(lower: Lower, x: SSAValue, out: BuiltinTensorType) -> tuple[SSAValue, tuple[int, ...]]:
    """(N, C, H, W) input and output shapes; an unbatched (C, H, W) input gets a unit batch."""
    xs, os = shape_of(x), tuple(out.get_shape())
    if len(xs) == 3:
        xs, os = (1, *xs), (1, *os)
    elif len(xs) != 4:
        raise NotLowerable("pooling needs a 3-D or 4-D input")
    return reshaped(lower, x, xs), os


def _high_padding(sizes, outs, ks, ss, ps, ds) -> list[int]:
    """High-side padding so that the last window (of outs) fits: p, or more in ceil_mode."""
    need = [(o - 1) * s + d * (k - 1) + 1 for o, s, d, k in zip(outs, ss, ds, ks)]
    return [max(nd - n - p, 0) for nd, n, p in zip(need, sizes, ps)]


def max_pool(lower: Lower, x: SSAValue, out: BuiltinTensorType, ks, ss, ps, ds) -> SSAValue:
    x4, os = _as_4d(lower, x, out)
    elt = x.type.element_type
    low = _lowest(elt)
    high = _high_padding(shape_of(x4)[2:], os[2:], ks, ss, ps, ds)
    xp = pad(lower, x4, (0, 0, *ps), (0, 0, *high), low)
    init = filled(lower, BuiltinTensorType(elt, list(os)), low)
    window = lower.empty(BuiltinTensorType(elt, list(ks)))
    y = lower.insert(PoolingNchwMaxOp([xp, window], [init], [init.type], strides=window_attr(ss),
                                      dilations=window_attr(ds))).results[0]
    return reshaped(lower, y, tuple(out.get_shape()))


def lower_max_pool2d(op, lower: Lower):
    ks = ints(lower.constant(1), 2, "kernel_size")
    ss = ints(lower.constant(2) or ks, 2, "stride")
    ps, ds = ints(lower.constant(3), 2, "padding"), ints(lower.constant(4), 2, "dilation")
    return [max_pool(lower, lower.tensor(0), lower.result_type(), ks, ss, ps, ds)]


def lower_max_pool1d(op, lower: Lower):
    """max_pool2d over (..., 1, L)."""
    x, out = lower.tensor(0), lower.result_type()
    (k,) = ints(lower.constant(1), 1, "kernel_size")
    (s,) = ints(lower.constant(2) or [k], 1, "stride")
    (p,), (d,) = ints(lower.constant(3), 1, "padding"), ints(lower.constant(4), 1, "dilation")
    xs, os = shape_of(x), tuple(out.get_shape())
    if len(xs) not in (2, 3):
        raise NotLowerable("max_pool1d needs a 2-D or 3-D input")
    x2 = reshaped(lower, x, (*xs[:-1], 1, xs[-1]))
    out2 = BuiltinTensorType(out.element_type, [*os[:-1], 1, os[-1]])
    y = max_pool(lower, x2, out2, (1, k), (1, s), (0, p), (1, d))
    return [reshaped(lower, y, os)]


def divisors(sizes, outs, ks, ss, ps, count_include_pad: bool) -> np.ndarray:
    """PyTorch's avg_pool2d divisor for every output position, shape (OH, OW)."""
    counts = []
    for o, k, s, p, n in zip(outs, ks, ss, ps, sizes):
        start = np.arange(o) * s - p
        end = np.minimum(start + k, n + p)
        counts.append(end - start if count_include_pad else np.minimum(end, n) - np.maximum(start, 0))
    return np.outer(counts[0], counts[1])


def avg_pool(lower: Lower, x: SSAValue, out: BuiltinTensorType, ks, ss, ps, count_include_pad: bool,
             divisor_override: int | None) -> SSAValue:
    elt = x.type.element_type
    if not is_float(elt):
        raise NotLowerable("integer avg_pool2d (floor division) is not lowered")
    x4, os = _as_4d(lower, x, out)
    sizes = shape_of(x4)[2:]
    high = _high_padding(sizes, os[2:], ks, ss, ps, (1, 1))
    xp = pad(lower, x4, (0, 0, *ps), (0, 0, *high), 0)
    n, c, oh, ow, kh, kw = dims(6)
    window = lower.empty(BuiltinTensorType(elt, list(ks)))
    init = filled(lower, BuiltinTensorType(elt, list(os)), 0)
    sums = generic(lower, [xp, window], [[n, c, oh * ss[0] + kh, ow * ss[1] + kw], [kh, kw], [n, c, oh, ow]],
                   init, [PARALLEL] * 4 + [REDUCTION] * 2, lambda b, a: binary(b, "add", a[2], a[0]))
    if divisor_override is not None:
        if divisor_override == 0:
            raise NotLowerable("divisor_override is 0")
        div = np.full(os[2:], divisor_override)
    else:
        div = divisors(sizes, os[2:], ks, ss, ps, count_include_pad)
    result = lower.empty(sums.type)
    if (div == div.flat[0]).all():
        value = float(div.flat[0])
        y = generic(lower, [sums], [dims(4), dims(4)], result, [PARALLEL] * 4,
                    lambda b, a: binary(b, "div", a[0], scalar(b, value, elt)))
    else:
        dt = BuiltinTensorType(elt, list(div.shape))
        dense = DenseIntOrFPElementsAttr.from_list(dt, [float(v) for v in div.flat])
        dv = lower.insert(arith.ConstantOp(dense, dt)).results[0]
        y = generic(lower, [sums, dv], [dims(4), [AffineDimExpr(2), AffineDimExpr(3)], dims(4)], result,
                    [PARALLEL] * 4, lambda b, a: binary(b, "div", a[0], a[1]))
    return reshaped(lower, y, tuple(out.get_shape()))


def lower_avg_pool2d(op, lower: Lower):
    ks = ints(lower.constant(1), 2, "kernel_size")
    ss = ints(lower.constant(2) or ks, 2, "stride")
    ps = ints(lower.constant(3), 2, "padding")
    return [avg_pool(lower, lower.tensor(0), lower.result_type(), ks, ss, ps, bool(lower.constant(5)),
                     lower.constant(6))]


def lower_adaptive_avg_pool2d(op, lower: Lower):
    """Where the output size divides the input size, the bins are equal windows: an avg pool."""
    x, out = lower.tensor(0), lower.result_type()
    (h, w), (oh, ow) = shape_of(x)[-2:], tuple(out.get_shape())[-2:]
    if h % oh or w % ow:
        raise NotLowerable(f"adaptive pooling of {h}x{w} to {oh}x{ow} has unequal bins")
    ks = (h // oh, w // ow)
    return [avg_pool(lower, x, out, ks, ks, (0, 0), True, None)]


__all__: Sequence[str] = ["avg_pool", "divisors", "max_pool"]
