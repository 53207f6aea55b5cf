"""Lowerings of conv_transpose1d/2d → a GEMM (the weight's transpose times the input) + col2im.

As PyTorch's slow_conv_transpose2d and ONNX Runtime do it: per image (and group)
`cols (Cout_g*kh*kw, H*W) = W_g^T (Cout_g*kh*kw, Cin_g) @ x_g (Cin_g, H*W)`, so the products are
exactly the useful multiply-adds and run as run-time GEMM calls (`linalg.matmul` for one image
and one group, else a batched matmul generic: ts-contractions-to-calls). A constant weight is
transposed at compile time; another one by a `linalg.transpose`. Then col2im adds every column
into the output: output pixel `o` takes tap `i` from input pixel `(o + p - i*d) / s` where that
divides and is in range (constant masks per dim, a floordiv map into the zero-padded columns,
as tsjit/lowering/patches.py's col2im). When the kernel tiles the output exactly (stride ==
kernel, no dilation, padding or output_padding: UNet's 2x2 stride-2 up-convolution) there is
nothing to add: col2im is one all-parallel generic laying the taps out, the bias added on the way.
conv_transpose1d is conv_transpose2d on (N, C, 1, L); unbatched inputs get a unit batch dim.
"""
from __future__ import annotations

import numpy as np
from xdsl.dialects import arith, tensor
from xdsl.dialects.builtin import TensorType as BuiltinTensorType
from xdsl.dialects.builtin import i1, i32
from xdsl.ir import SSAValue
from xdsl.ir.affine import AffineDimExpr

from tsjit.dialects.ts.constant import numpy_dtype, numpy_to_dense
from tsjit.dialects.ts.folding import NotConstant, constant_of
from tsjit.lowering.contractions import (
    PARALLEL,
    REDUCTION,
    add_bias,
    binary,
    filled,
    generic,
    matmul_2d,
    matmul_nd,
    optional_tensor,
    reshaped,
    scalar,
    shape_of,
    transposed,
)
from tsjit.lowering.convolution import ints, pad
from tsjit.lowering.pooling import _table
from tsjit.lowering.table import Lower, NotLowerable


def _weight_t(lower: Lower, op, w: SSAValue, groups: int) -> SSAValue:
    """The weight (Cin, Cout_g, kh, kw) as (G, Cout_g*kh*kw, Cin_g): at compile time when constant."""
    cin, cout_g, kh, kw = shape_of(w)
    shape = (groups, cin // groups, cout_g * kh * kw)
    try:
        value = constant_of(op.operands[1])
    except NotConstant:
        value = None
    if isinstance(value, np.ndarray) and value.dtype == numpy_dtype(w.type.element_type):
        t = np.ascontiguousarray(value.reshape(shape).transpose(0, 2, 1))
        return lower.insert(arith.ConstantOp(numpy_to_dense(t))).results[0]
    return transposed(lower, reshaped(lower, w, shape), (0, 2, 1))


def _columns(lower: Lower, op, x: SSAValue, w: SSAValue, groups: int) -> SSAValue:
    """cols (N, Cout, kh, kw, H, W): every input pixel times every tap, one GEMM per image and group."""
    n, cin, h, wd = shape_of(x)
    _, cout_g, kh, kw = shape_of(w)
    cin_g, m, elt = cin // groups, cout_g * kh * kw, x.type.element_type
    wt = _weight_t(lower, op, w, groups)
    if groups == 1:
        wt = reshaped(lower, wt, (m, cin))
        if n == 1:
            cols = matmul_2d(lower, wt, reshaped(lower, x, (cin, h * wd)))
        else:
            cols = matmul_nd(lower, wt, reshaped(lower, x, (n, cin, h * wd)), BuiltinTensorType(elt, [n, m, h * wd]))
    else:
        cols = matmul_nd(lower, wt, reshaped(lower, x, (n, groups, cin_g, h * wd)),
                         BuiltinTensorType(elt, [n, groups, m, h * wd]))
    return reshaped(lower, cols, (n, groups * cout_g, kh, kw, h, wd))


def _tiled(lower: Lower, cols: SSAValue, bias: SSAValue | None, out4: tuple[int, ...]) -> SSAValue:
    """stride == kernel: out[n, c, h*kh + i, w*kw + j] = cols[n, c, i, j, h, w] (+ bias[c])."""
    n, c, kh, kw, h, wd = shape_of(cols)
    d = [AffineDimExpr(k) for k in range(6)]  # n, c, h, i, w, j
    t6 = BuiltinTensorType(cols.type.element_type, [n, c, h, kh, wd, kw])
    inputs, maps = [cols], [[d[0], d[1], d[3], d[5], d[2], d[4]]]
    if bias is not None:
        inputs.append(bias)
        maps.append([d[1]])
    y = generic(lower, inputs, [*maps, d], lower.empty(t6), [PARALLEL] * 6,
                lambda b, a: binary(b, "add", a[0], a[1]) if bias is not None else a[0])
    return reshaped(lower, y, out4)


def _phases(lower: Lower, cols: SSAValue, out4: tuple[int, ...], stride, padding) -> SSAValue:
    """col2im without dilation, by output phase: output pixel `o = q*s + r` takes exactly the taps
    `i = (r + p) mod s + t*s` (t < T = ceil(k/s)) from input pixel `q + (r + p) floordiv s - t`, so
    one generic over (n, c, q_h, r_h, q_w, r_w) reduces over (t_h, t_w) with no masks: the columns
    are zero-padded (taps up to T*s, pixels on both sides) and the output computed for whole
    phases, (N, C, Q_h, s_h, Q_w, s_w), then collapsed and cut to size."""
    n, c, kh, kw, h, wd = shape_of(cols)
    plan = []  # per dim: (s, p, T, Q, low pixels)
    lows, highs = [0, 0, 0, 0], [0, 0, 0, 0]
    for axis, (size, k, p, st, blocks) in enumerate(((out4[2], kh, padding[0], stride[0], h),
                                                     (out4[3], kw, padding[1], stride[1], wd))):
        taps, q = -(-k // st), -(-size // st)
        low = max(0, taps - 1 - p // st)
        lows.append(low)
        highs.append(max(0, (q - 1) + (st - 1 + p) // st - (blocks - 1)))
        highs[2 + axis] = taps * st - k
        plan.append((st, p, taps, q, low))
    cp = pad(lower, cols, lows[:2] + [0, 0] + lows[4:], highs, 0)
    d = [AffineDimExpr(k) for k in range(8)]  # n, c, q_h, r_h, q_w, r_w, t_h, t_w
    (sh, ph, th, qh, lh), (sw, pw, tw, qw, lw) = plan
    col_map = [d[0], d[1], (d[3] + ph) % sh + d[6] * sh, (d[5] + pw) % sw + d[7] * sw,
               d[2] + (d[3] + ph) // sh + d[6] * -1 + lh, d[4] + (d[5] + pw) // sw + d[7] * -1 + lw]
    init = filled(lower, BuiltinTensorType(cols.type.element_type, [n, c, qh, sh, qw, sw]), 0)
    taps = _table(lower, np.zeros((th, tw), np.int32), i32)  # gives the tap loops their bounds
    y = generic(lower, [taps, cp], [[d[6], d[7]], col_map, d[:6]], init, [PARALLEL] * 6 + [REDUCTION] * 2,
                lambda b, a: binary(b, "add", a[2], a[1]))
    y = reshaped(lower, y, (n, c, qh * sh, qw * sw))
    if (qh * sh, qw * sw) == tuple(out4[2:]):
        return y
    t = BuiltinTensorType(cols.type.element_type, list(out4))
    return lower.insert(tensor.ExtractSliceOp(y, [0, 0, 0, 0], list(out4), [1, 1, 1, 1], t)).results[0]


def _col2im(lower: Lower, cols: SSAValue, out4: tuple[int, ...], stride, padding, dilation) -> SSAValue:
    """out[n, c, o_h, o_w] = sum over the taps (i, j) whose input pixel exists of cols[n, c, i, j, ., .]."""
    if tuple(dilation) == (1, 1):
        return _phases(lower, cols, out4, stride, padding)
    _, _, kh, kw, h, wd = shape_of(cols)
    masks, lows, highs = [], [], []
    for size, k, d, p, s, blocks in ((out4[2], kh, dilation[0], padding[0], stride[0], h),
                                     (out4[3], kw, dilation[1], padding[1], stride[1], wd)):
        num = np.arange(size)[:, None] + p - np.arange(k)[None, :] * d
        blk = num // s
        masks.append(((num % s == 0) & (blk >= 0) & (blk < blocks)).astype(np.int32))
        lows.append(max(0, -int(blk.min())))
        highs.append(max(0, int(blk.max()) - blocks + 1))
    cp = pad(lower, cols, (0, 0, 0, 0, *lows), (0, 0, 0, 0, *highs), 0)
    d = [AffineDimExpr(k) for k in range(6)]  # n, c, o_h, o_w, i, j

    def read(o, tap, p, dil, s, low):
        return (o + tap * (-dil) + (p + low * s)) // s
    col_map = [d[0], d[1], d[4], d[5], read(d[2], d[4], padding[0], dilation[0], stride[0], lows[0]),
               read(d[3], d[5], padding[1], dilation[1], stride[1], lows[1])]
    init = filled(lower, BuiltinTensorType(cols.type.element_type, list(out4)), 0)

    def body(b, a):
        mh, mw, v, acc = a
        zero = scalar(b, 0, i32)
        hit = b.insert(arith.AndIOp(b.insert(arith.CmpiOp(mh, zero, "ne")).results[0],
                                    b.insert(arith.CmpiOp(mw, zero, "ne")).results[0])).results[0]
        return b.insert(arith.SelectOp(hit, binary(b, "add", acc, v), acc)).results[0]
    return generic(lower, [_table(lower, masks[0], i32), _table(lower, masks[1], i32), cp],
                   [[d[2], d[4]], [d[3], d[5]], col_map, d[:4]], init, [PARALLEL] * 4 + [REDUCTION] * 2, body)


def lower_conv_transpose(op, lower: Lower):
    spatial = 2 if op.name == "ts.conv_transpose2d" else 1
    x, w, bias = lower.tensor(0), lower.tensor(1), optional_tensor(lower, 2)
    stride, padding = ints(lower.constant(3), spatial, "stride"), ints(lower.constant(4), spatial, "padding")
    out_pad, dilation = ints(lower.constant(5), spatial, "output_padding"), ints(lower.constant(7), spatial, "dilation")
    groups, out = lower.constant(6), lower.result_type()
    elt = x.type.element_type
    if elt == i1 or w.type.element_type != elt or (bias is not None and bias.type.element_type != elt):
        raise NotLowerable("conv_transpose of bool tensors or of mixed dtypes")
    rank, ws = len(shape_of(x)), shape_of(w)
    if rank not in (spatial + 1, spatial + 2) or len(ws) != spatial + 2:
        raise NotLowerable("unexpected input or weight rank")
    xs = shape_of(x) if rank == spatial + 2 else (1, *shape_of(x))
    os = tuple(out.get_shape()) if rank == spatial + 2 else (1, *out.get_shape())
    if spatial == 1:  # (N, C, L) as (N, C, 1, L)
        xs, ws, os = (*xs[:2], 1, xs[2]), (*ws[:2], 1, ws[2]), (*os[:2], 1, os[2])
        stride, padding, out_pad, dilation = (1, *stride), (0, *padding), (0, *out_pad), (1, *dilation)
    if 0 in xs or 0 in os or not isinstance(groups, int) or groups <= 0 or xs[1] != ws[0] or ws[0] % groups:
        raise NotLowerable("empty tensors, or channels and groups that do not match")
    cols = _columns(lower, op, reshaped(lower, x, xs), reshaped(lower, w, ws), groups)
    if tuple(stride) == tuple(ws[2:]) and not any(padding) and not any(out_pad) and tuple(dilation) == (1, 1):
        y = _tiled(lower, cols, bias, os)
    else:
        y = _col2im(lower, cols, os, stride, padding, dilation)
        if bias is not None:
            y = add_bias(lower, y, bias, 1)
    return [reshaped(lower, y, tuple(out.get_shape()))]
