"""Lowerings of tsjit/ops/patches.py.

im2col: one all-parallel generic `cols[n, c, i, j, oh, ow] = xpad[n, c, oh*sh + i*dh, ow*sw + j*dw]`,
then reshaped to (N, C*kh*kw, oh*ow). col2im: one generic over the output (parallel) and the kernel
offsets (reduction, in PyTorch's order): pixel h takes block `oh = (h + ph - i*dh) / sh` where that
divides and is in range (a constant mask per dim), read through a floordiv of the padded columns
(padded so that the numerator stays non-negative).
"""
from __future__ import annotations

import numpy as np
from xdsl.dialects import arith
from xdsl.dialects.builtin import TensorType as BuiltinTensorType
from xdsl.dialects.builtin import i32
from xdsl.ir.affine import AffineDimExpr

from tsjit.lowering.contractions import (
    PARALLEL,
    REDUCTION,
    binary,
    filled,
    generic,
    reshaped,
    scalar,
    shape_of,
)
from tsjit.lowering.convolution import pad
from tsjit.lowering.pooling import _table
from tsjit.lowering.table import Lower, NotLowerable


def _params(lower: Lower, first: int):
    return [tuple(lower.constant(i)) * (2 if len(lower.constant(i)) == 1 else 1) for i in range(first, first + 4)]


def lower_im2col(op, lower: Lower):
    x, out = lower.tensor(0), lower.result_type()
    (kh, kw), (dh, dw), (ph, pw), (sh, sw) = _params(lower, 1)
    xs = shape_of(x)
    if 0 in xs or 0 in out.get_shape() or len(xs) not in (3, 4):
        raise NotLowerable("im2col of an empty tensor")
    x4 = reshaped(lower, x, (1, *xs) if len(xs) == 3 else xs)
    n, c, h, w = shape_of(x4)
    oh, ow = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1, (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    xp = pad(lower, x4, (0, 0, ph, pw), (0, 0, ph, pw), 0)
    d = [AffineDimExpr(i) for i in range(6)]
    cols_t = BuiltinTensorType(x.type.element_type, [n, c, kh, kw, oh, ow])
    cols = generic(lower, [xp], [[d[0], d[1], d[4] * sh + d[2] * dh, d[5] * sw + d[3] * dw], d], lower.empty(cols_t),
                   [PARALLEL] * 6, lambda b, a: a[0])
    return [reshaped(lower, cols, tuple(out.get_shape()))]


def lower_col2im(op, lower: Lower):
    x, out = lower.tensor(0), lower.result_type()
    (H, W) = lower.constant(1) * (2 if len(lower.constant(1)) == 1 else 1)
    (kh, kw), (dh, dw), (ph, pw), (sh, sw) = _params(lower, 2)
    xs, os = shape_of(x), tuple(out.get_shape())
    if 0 in xs or 0 in os or len(xs) not in (2, 3):
        raise NotLowerable("col2im of an empty tensor")
    n = 1 if len(xs) == 2 else xs[0]
    c = xs[-2] // (kh * kw)
    oh, ow = (H + 2 * ph - dh * (kh - 1) - 1) // sh + 1, (W + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    cols = reshaped(lower, x, (n, c, kh, kw, oh, ow))
    masks, lows, highs = [], [], []
    for size, k, d, p, st, o in ((H, kh, dh, ph, sh, oh), (W, kw, dw, pw, sw, ow)):
        num = np.arange(size)[:, None] + p - np.arange(k)[None, :] * d
        blk = num // st
        masks.append(((num % st == 0) & (blk >= 0) & (blk < o)).astype(np.int32))
        lows.append(max(0, -int(blk.min())))
        highs.append(max(0, int(blk.max()) - o + 1))
    cp = pad(lower, cols, (0, 0, 0, 0, *lows), (0, 0, 0, 0, *highs), 0)
    d = [AffineDimExpr(i) for i in range(6)]  # n, c, h, w, i, j

    def read(hd, kd, p, dil, st, low):
        return (hd + kd * (-dil) + (p + low * st)) // st
    col_map = [d[0], d[1], d[4], d[5], read(d[2], d[4], ph, dh, sh, lows[0]), read(d[3], d[5], pw, dw, sw, lows[1])]
    elt = x.type.element_type
    init = filled(lower, BuiltinTensorType(elt, [n, c, H, W]), 0)

    def body(b, a):
        mh, mw, v, acc = a
        zero = scalar(b, 0, i32)
        hit = b.insert(arith.AndIOp(b.insert(arith.CmpiOp(mh, zero, "ne")).results[0],
                                    b.insert(arith.CmpiOp(mw, zero, "ne")).results[0])).results[0]
        return b.insert(arith.SelectOp(hit, binary(b, "add", acc, v), acc)).results[0]
    y = generic(lower, [_table(lower, masks[0], i32), _table(lower, masks[1], i32), cp],
                [[d[2], d[4]], [d[3], d[5]], col_map, d[:4]], init, [PARALLEL] * 4 + [REDUCTION] * 2, body)
    return [reshaped(lower, y, os)]
