"""Lowerings of resampling: the upsample_* ops → one `linalg.generic` per spatial dim (last first).

Each pass computes `out[.., i, ..] = sum_t w[i, t] * x[.., idx[i, t], ..]` from the op's constant
tables (tsjit/ops/resampling.py `taps`). Linalg maps are affine, so the gather becomes a small
window: `idx[i, t] = base(i) + off[i, t]` with `base(i) = (i * P) floordiv Q` following the
table's slope and `off` in [0, K); a reduction over the window position k reads
`x[base(i) + k]` and takes tap t where the constant mask `off[i, t] == k` says so (`arith.select`,
not a multiplication by zero, so NaN and inf spread exactly as in PyTorch's kernel). Taps are
added in PyTorch's order onto -0.0 (the identity of addition, signed zeros included).
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np
from xdsl.dialects import arith
from xdsl.dialects.builtin import DenseIntOrFPElementsAttr, i32
from xdsl.dialects.builtin import TensorType as BuiltinTensorType
from xdsl.ir import SSAValue
from xdsl.ir.affine import AffineDimExpr, AffineExpr

from tsjit.dialects.ts.constant import numpy_dtype
from tsjit.lowering.contractions import (
    PARALLEL,
    REDUCTION,
    binary,
    dims,
    filled,
    generic,
    is_float,
    scalar,
    shape_of,
)
from tsjit.lowering.convolution import pad
from tsjit.lowering.table import Lower, NotLowerable

#: the widest window read per output point before falling back to a whole-row window
MAX_WINDOW = 8


def _window(idx: np.ndarray, slope: float, n_in: int) -> tuple[int, int, int, int, np.ndarray]:
    """(P, Q, lo, K, off): idx[i, t] = (i*P) floordiv Q + lo + off[i, t], off in [0, K); the
    whole row (P = 0, K = n_in) where the slope is 0 or the window would be wide."""
    frac = Fraction(slope).limit_denominator(1 << 30) if slope > 0 else Fraction(0)
    p, q = frac.numerator, frac.denominator
    if p:
        rel = idx - ((np.arange(idx.shape[0], dtype=np.int64) * p) // q)[:, None]
        lo = int(rel.min())
        k = int(rel.max()) - lo + 1
        if k <= MAX_WINDOW:
            return p, q, lo, k, rel - lo
    return 0, 1, 0, n_in, idx


def _dense(lower: Lower, values: np.ndarray, elt) -> SSAValue:
    t = BuiltinTensorType(elt, list(values.shape))
    data = [float(v) for v in values.flat] if is_float(elt) else [int(v) for v in values.flat]
    return lower.insert(arith.ConstantOp(DenseIntOrFPElementsAttr.from_list(t, data), t)).results[0]


def resample_dim(lower: Lower, x: SSAValue, axis: int, idx: np.ndarray, w: np.ndarray | None,
                 slope: float) -> SSAValue:
    """x resampled along `axis` by the taps (idx, w): one generic (see the module docstring)."""
    shape = shape_of(x)
    rank, n_in, n_out = len(shape), shape[axis], idx.shape[0]
    elt = x.type.element_type
    p, q, lo, k, off = _window(idx, slope, n_in)
    start = (np.arange(n_out, dtype=np.int64) * p) // q + lo
    low, high = max(0, -int(start.min())), max(0, int(start.max()) + k - n_in)
    xp = pad(lower, x, [low if d == axis else 0 for d in range(rank)],
             [high if d == axis else 0 for d in range(rank)], 0)
    i_expr: AffineExpr = AffineDimExpr(axis)
    read = ((i_expr * p) // q if p else AffineExpr.constant(0)) + (lo + low)
    if k > 1:  # the window position is a reduction loop; with one position there is none
        read = read + AffineDimExpr(rank)
    x_map = [read if d == axis else AffineDimExpr(d) for d in range(rank)]
    out_shape = [n_out if d == axis else n for d, n in enumerate(shape)]
    out_t = BuiltinTensorType(elt, out_shape)
    taps = idx.shape[1]
    inputs, maps = [], []  # the tables first: they give the window loop its bounds
    if k > 1:
        for t in range(taps):
            hit = (off[:, t][:, None] == np.arange(k)[None, :]).astype(np.int32)
            inputs.append(_dense(lower, hit, i32))
            maps.append([AffineDimExpr(axis), AffineDimExpr(rank)])
    if w is not None:
        if not is_float(elt):
            raise NotLowerable("linear/cubic resampling of integers")
        wt = w.astype(numpy_dtype(elt))
        for t in range(taps):
            inputs.append(_dense(lower, wt[:, t], elt))
            maps.append([AffineDimExpr(axis)])
    inputs.append(xp)
    maps.append(x_map)
    init = lower.empty(out_t) if k == 1 and w is None else filled(lower, out_t, -0.0 if is_float(elt) else 0)

    def body(b, a):
        v, acc = a[-2], a[-1]
        hits = a[:taps] if k > 1 else [None] * taps
        weights = a[taps if k > 1 else 0:-2] if w is not None else [None] * taps
        for hit, wt in zip(hits, weights):
            term = v if wt is None else binary(b, "mul", v, wt)
            new = term if w is None else binary(b, "add", acc, term)
            if hit is not None:
                cond = b.insert(arith.CmpiOp(hit, scalar(b, 0, i32), "ne")).results[0]
                new = b.insert(arith.SelectOp(cond, new, acc)).results[0]
            acc = new
        return acc
    return generic(lower, inputs, [*maps, dims(rank)], init, [PARALLEL] * rank + [REDUCTION] * (k > 1), body)


def lower_upsample(op, lower: Lower):
    from tsjit.ops.resampling import UPSAMPLE, opmath, taps

    mode, spatial = UPSAMPLE[op.name.removeprefix("ts.")]
    x, out = lower.tensor(0), lower.result_type()
    linear = mode in ("linear", "cubic")
    align = bool(lower.constant(2)) if linear else False
    scales = [lower.constant(i) for i in range(2 + linear, 2 + linear + spatial)]
    xs, os = shape_of(x), tuple(out.get_shape())
    if len(xs) != spatial + 2 or 0 in xs or 0 in os:
        raise NotLowerable("upsampling needs a non-empty input of rank spatial + 2")
    elt = x.type.element_type
    if linear and not is_float(elt):
        raise NotLowerable("linear/cubic upsampling of integers")
    t = opmath(numpy_dtype(elt)) if is_float(elt) else np.float32
    y = x
    for d in reversed(range(spatial)):
        axis = 2 + d
        idx, w, slope = taps(mode, xs[axis], os[axis], align, scales[d], t)
        y = resample_dim(lower, y, axis, idx, w, slope)
    return [y]


# -- pixel_unshuffle, channel_shuffle, affine_grid ------------------------------------------------

def lower_pixel_unshuffle(op, lower: Lower):
    """out[.., c*r*r + i*r + j, h, w] = x[.., c, h*r + i, w*r + j] (an affine copy)."""
    from tsjit.lowering.strided import affine_copy

    r = lower.constant(1)
    if 0 in shape_of(lower.tensor(0)):
        raise NotLowerable("pixel_unshuffle of an empty tensor")

    def index(ds, out, src):
        c, h, w = ds[-3:]
        return [*ds[:-3], c // (r * r), h * r + (c % (r * r)) // r, w * r + c % r]
    return affine_copy(lower, index)


def lower_channel_shuffle(op, lower: Lower):
    """out[:, i*g + j] = x[:, j*k + i] with k = C / g."""
    from tsjit.lowering.strided import affine_copy

    g = lower.constant(1)
    xs = shape_of(lower.tensor(0))
    if 0 in xs or len(xs) < 3:
        raise NotLowerable("channel_shuffle of an empty tensor")
    k = xs[1] // g
    return affine_copy(lower, lambda ds, out, src: [ds[0], (ds[1] % g) * k + ds[1] // g, *ds[2:]])


def lower_affine_grid(op, lower: Lower):
    """out[n, *p, k] = sum_j base[*p, j] * theta[n, k, j], the base grid a constant."""
    from tsjit.ops.patches import base_grid

    theta, out = lower.tensor(0), lower.result_type()
    size, align = lower.constant(1), bool(lower.constant(2))
    os = tuple(out.get_shape())
    if 0 in os:
        raise NotLowerable("affine_grid of an empty size")
    elt = theta.type.element_type
    base = _dense(lower, base_grid(size[2:], align, numpy_dtype(elt)), elt)
    rank = len(os)
    d = [AffineDimExpr(i) for i in range(rank + 1)]  # n, *p, k, j
    return [generic(lower, [base, theta], [d[1:rank - 1] + [d[rank]], [d[0], d[rank - 1], d[rank]], d[:rank]],
                    filled(lower, out, 0), [PARALLEL] * rank + [REDUCTION],
                    lambda b, a: binary(b, "add", a[2], binary(b, "mul", a[0], a[1])))]
