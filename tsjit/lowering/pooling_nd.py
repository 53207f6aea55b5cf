"""Lowerings of tsjit/ops/pooling_nd.py: max pooling (values, indices) and average pooling of any
rank as window reductions (tsjit/lowering/pooling.py `window_reduce`), and max_unpool as a select
over each plane.

max_unpool: `out[n, c, p] = x[n, c, l]` for the last l (in input order) with `indices[n, c, l] == p`,
else 0 — one generic over the output plane (parallel) and the input plane (reduction), comparing
each index with a constant table of output positions. Its cost is (input plane) x (output plane)
per channel; out-of-range indices (PyTorch's error) are dropped rather than reported in C.
"""
from __future__ import annotations

import math

import numpy as np
from xdsl.dialects import arith
from xdsl.dialects.builtin import i64
from xdsl.ir.affine import AffineDimExpr

from tsjit.lowering.contractions import (
    PARALLEL,
    REDUCTION,
    filled,
    generic,
    is_float,
    reshaped,
    shape_of,
)
from tsjit.lowering.pooling import _table, divided, window_reduce
from tsjit.lowering.table import Lower, NotLowerable


def _spatial(op) -> int:
    return int(op.name.removeprefix("ts.").split("_")[1][-2])


def _pool_axes(op, lower: Lower, spatial: int, dilation: bool):
    from tsjit.ops.pooling_nd import _tuple, pool_axis

    name = op.name.removeprefix("ts.")
    x, out = lower.tensor(0), lower.result_type()
    xs, os = shape_of(x), tuple(out.get_shape())
    if 0 in xs or 0 in os or len(xs) not in (spatial + 1, spatial + 2):
        raise NotLowerable("pooling of an empty tensor")
    ks = _tuple(name, spatial, lower.constant(1), "kernel_size")
    ss = _tuple(name, spatial, lower.constant(2), "stride", ks)
    ps = _tuple(name, spatial, lower.constant(3), "padding")
    ds = _tuple(name, spatial, lower.constant(4), "dilation") if dilation else (1,) * spatial
    axes = [pool_axis(n, o, k, st, p, d) for n, o, k, st, p, d in zip(xs[-spatial:], os[-spatial:], ks, ss, ps, ds)]
    return x, axes, ks, ps


def lower_max_pool(op, lower: Lower):
    """max_pool{3}d and max_pool{2,3}d_with_indices: the window max, and its index."""
    x, axes, _, _ = _pool_axes(op, lower, _spatial(op), True)
    values = window_reduce(lower, x, axes, "max")
    if len(op.results) == 1:
        return [values]
    return [values, window_reduce(lower, x, axes, "argmax", values)]


def lower_avg_pool(op, lower: Lower):
    """avg_pool1d/3d: window sums divided by the divisor table (floats; integer division is not lowered)."""
    from tsjit.ops.pooling_nd import avg_divisors

    spatial = _spatial(op)
    x, axes, ks, ps = _pool_axes(op, lower, spatial, False)
    if not is_float(x.type.element_type):
        raise NotLowerable("integer avg_pool (truncating division) is not lowered")
    override = lower.constant(6) if spatial == 3 else None
    if override == 0:
        raise NotLowerable("divisor_override is 0")
    div = np.full([a.out for a in axes], override) if override is not None else \
        avg_divisors(axes, ks, ps, bool(lower.constant(5)))
    sums = window_reduce(lower, x, axes, "sum")
    rank = len(shape_of(x))
    return [divided(lower, sums, [(div, tuple(range(rank - spatial, rank)))])]


def lower_max_unpool(op, lower: Lower):
    x, idx, out = lower.tensor(0), lower.tensor(1), lower.result_type()
    xs, os = shape_of(x), tuple(out.get_shape())
    spatial = len(lower.constant(2))
    if 0 in xs or 0 in os or shape_of(idx) != xs or len(xs) not in (spatial + 1, spatial + 2):
        raise NotLowerable("max_unpool of an empty tensor or mismatched indices")
    if not is_float(x.type.element_type):
        raise NotLowerable("max_unpool takes floats only")
    lead = xs[:len(xs) - spatial]
    planes, n_in, n_out = math.prod(lead), math.prod(xs[-spatial:]), math.prod(os[-spatial:])
    x2, i2 = reshaped(lower, x, (planes, n_in)), reshaped(lower, idx, (planes, n_in))
    positions = _table(lower, np.arange(n_out), i64)
    p, o, r = (AffineDimExpr(d) for d in range(3))
    init = filled(lower, type(out)(out.element_type, [planes, n_out]), 0)

    def body(b, a):
        at, where, v, acc = a
        hit = b.insert(arith.CmpiOp(where, at, "eq")).results[0]
        return b.insert(arith.SelectOp(hit, v, acc)).results[0]
    y = generic(lower, [positions, i2, x2], [[o], [p, r], [p, r], [p, o]], init, [PARALLEL, PARALLEL, REDUCTION],
                body)
    return [reshaped(lower, y, os)]
