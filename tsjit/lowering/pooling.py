"""Lowerings of pooling: max_pool1d/2d → linalg.pooling_nchw_max; avg_pool2d → a window-sum generic
and a division; adaptive avg/max pooling (1-3 d, any sizes) and the pools of tsjit/lowering/pooling_nd.py
→ `window_reduce`, one generic reading each window at constant positions under constant masks.

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
from xdsl.dialects.builtin import DenseIntOrFPElementsAttr, i32, i64
from xdsl.dialects.builtin import TensorType as BuiltinTensorType
from xdsl.dialects.linalg.ops import PoolingNchwMaxOp
from xdsl.ir import SSAValue
from xdsl.ir.affine import AffineDimExpr

from tsjit.dialects.ts.constant import numpy_dtype
from tsjit.lowering.contractions import (
    PARALLEL,
    REDUCTION,
    binary,
    dims,
    filled,
    generic,
    is_float,
    reshaped,
    scalar,
    shape_of,
)
from tsjit.lowering.convolution import ints, pad, window_attr
from tsjit.lowering.generic_builder import int_range
from tsjit.lowering.table import Lower, NotLowerable


def _lowest(t) -> float:
    return float("-inf") if is_float(t) else int_range(t)[0]


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


# -- window reductions of any rank (adaptive bins, 3-d and 1-d pools) ------------------------------

def _table(lower: Lower, values: np.ndarray, elt) -> SSAValue:
    t = BuiltinTensorType(elt, list(values.shape))
    data = [float(v) for v in values.flat] if is_float(elt) else [int(v) for v in values.flat]
    return lower.insert(arith.ConstantOp(DenseIntOrFPElementsAttr.from_list(t, data), t)).results[0]


def _all(b, values):
    out = values[0]
    for v in values[1:]:
        out = b.insert(arith.AndIOp(out, v)).results[0]
    return out


def _cmp(b, lhs, rhs, pred: str, unsigned: bool = False) -> SSAValue:
    """pred in gt/eq/ne/nan: cmpf (ordered) or cmpi by the operand type."""
    if is_float(lhs.type):
        return b.insert(arith.CmpfOp(lhs, rhs, {"gt": "ogt", "eq": "oeq", "ne": "one", "nan": "uno"}[pred])).results[0]
    return b.insert(arith.CmpiOp(lhs, rhs, {"gt": "ugt" if unsigned else "sgt", "eq": "eq", "ne": "ne"}[pred])).results[0]


def window_reduce(lower: Lower, x: SSAValue, axes, kind: str, values: SSAValue | None = None) -> SSAValue:
    """One generic over the output (parallel) and window positions (reduction) of the last
    len(axes) dims of x, each window read at its constant position `(o*p)//q + lo + k*dil` (a
    padded input) and masked by constant tables (tsjit/ops/pooling_nd.py `Axis`): kind "max" (PyTorch's
    scan from the first valid element: `v > acc || isnan(v)`), "sum" (onto 0), or "argmax" (the flat
    input index of the first element equal to `values`, or of the last NaN where that is NaN)."""
    xs = shape_of(x)
    rank, spatial = len(xs), len(axes)
    lead = rank - spatial
    elt = x.type.element_type
    unsigned = not is_float(elt) and numpy_dtype(elt).kind == "u"
    pos = [a.pos() for a in axes]
    low = [max(0, -int(p.min())) for p in pos]
    high = [max(0, int(p.max()) - a.n + 1) for p, a in zip(pos, axes)]
    xp = pad(lower, x, [0] * lead + low, [0] * lead + high, 0)
    od = [AffineDimExpr(d) for d in range(rank)]
    kd = [AffineDimExpr(rank + j) for j in range(spatial)]
    x_map = od[:lead] + [(od[lead + j] * a.p if a.q == 1 else (od[lead + j] * a.p) // a.q) + (a.lo + lo) + kd[j] * a.dil
                         for j, (a, lo) in enumerate(zip(axes, low))]
    inputs, maps = [], []
    for j, a in enumerate(axes):
        first = a.valid & (np.cumsum(a.valid, axis=1) == 1)
        inputs.append(_table(lower, a.valid.astype(np.int32) + first, i32))
        maps.append([od[lead + j], kd[j]])
    if kind == "argmax":
        stride = 1
        for j in reversed(range(spatial)):
            inputs.append(_table(lower, np.clip(pos[j], 0, axes[j].n - 1) * stride, i64))
            maps.append([od[lead + j], kd[j]])
            stride *= axes[j].n
        inputs.append(values)
        maps.append(od)
    inputs.append(xp)
    maps.append(x_map)
    out_t = BuiltinTensorType(i64 if kind == "argmax" else elt, xs[:lead] + tuple(a.out for a in axes))
    init = filled(lower, out_t, -1 if kind == "argmax" else 0 if kind == "sum" else _lowest(elt))

    def body(b, args):
        v, acc = args[-2], args[-1]
        states = args[:spatial]
        valid = _all(b, [_cmp(b, st, scalar(b, 0, i32), "ne") for st in states])
        if kind == "sum":
            return b.insert(arith.SelectOp(valid, binary(b, "add", acc, v), acc)).results[0]
        if kind == "max":
            first = _all(b, [_cmp(b, st, scalar(b, 2, i32), "eq") for st in states])
            better = _cmp(b, v, acc, "gt", unsigned)
            if is_float(elt):
                better = b.insert(arith.OrIOp(better, _cmp(b, v, v, "nan"))).results[0]
            take = b.insert(arith.OrIOp(first, b.insert(arith.AndIOp(valid, better)).results[0])).results[0]
            return b.insert(arith.SelectOp(take, v, acc)).results[0]
        flat = args[spatial]
        for extra in args[spatial + 1:2 * spatial]:
            flat = binary(b, "add", flat, extra)
        m = args[2 * spatial]
        unset = _cmp(b, acc, scalar(b, -1, i64), "eq")
        hit = b.insert(arith.AndIOp(_cmp(b, v, m, "eq"), unset)).results[0]
        if is_float(elt):
            both_nan = b.insert(arith.AndIOp(_cmp(b, m, m, "nan"), _cmp(b, v, v, "nan"))).results[0]
            hit = b.insert(arith.OrIOp(hit, both_nan)).results[0]
        hit = b.insert(arith.AndIOp(valid, hit)).results[0]
        return b.insert(arith.SelectOp(hit, flat, acc)).results[0]
    return generic(lower, inputs, [*maps, od], init, [PARALLEL] * rank + [REDUCTION] * spatial, body)


def divided(lower: Lower, y: SSAValue, tables: Sequence[tuple[np.ndarray, Sequence[int]]]) -> SSAValue:
    """y divided by each constant table in turn (a table indexed by the dims it names)."""
    rank, elt = len(shape_of(y)), y.type.element_type
    inputs, maps = [y], [dims(rank)]
    for values, on in tables:
        inputs.append(_table(lower, values.astype(np.float64), elt))
        maps.append([AffineDimExpr(d) for d in on])

    def body(b, a):
        v = a[0]
        for t in a[1:-1]:
            v = binary(b, "div", v, t)
        return v
    return generic(lower, inputs, [*maps, dims(rank)], lower.empty(y.type), [PARALLEL] * rank, body)


def lower_adaptive_pool(op, lower: Lower):
    """adaptive_{avg,max}_pool{1,2,3}d of any sizes: each bin read at its constant start, up to the
    widest bin, masked to its length; averages divide by each dim's bin length in turn."""
    from tsjit.ops.pooling_nd import adaptive_axis

    name = op.name.removeprefix("ts.")
    spatial = int(name[-2])
    x, out = lower.tensor(0), lower.result_type()
    xs, os = shape_of(x), tuple(out.get_shape())
    if 0 in xs or 0 in os or len(xs) not in (spatial + 1, spatial + 2):
        raise NotLowerable("adaptive pooling of an empty tensor")
    if not is_float(x.type.element_type):
        raise NotLowerable("adaptive pooling takes floats only")
    lead = len(xs) - spatial
    axes = [adaptive_axis(n, o) for n, o in zip(xs[lead:], os[lead:])]
    if name.startswith("adaptive_max"):
        values = window_reduce(lower, x, axes, "max")
        return [values, window_reduce(lower, x, axes, "argmax", values)]
    if spatial == 2 and all(n % o == 0 for n, o in zip(xs[lead:], os[lead:])):
        ks = tuple(n // o for n, o in zip(xs[lead:], os[lead:]))  # equal bins (a global pool): a plain avg pool
        return [avg_pool(lower, x, out, ks, ks, (0, 0), True, None)]
    sums = window_reduce(lower, x, axes, "sum")
    return [divided(lower, sums, [(a.valid.sum(axis=1), (lead + j,)) for j, a in enumerate(axes)])]


__all__: Sequence[str] = ["avg_pool", "divided", "divisors", "max_pool", "window_reduce"]
