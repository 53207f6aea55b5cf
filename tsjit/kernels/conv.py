"""Convolutions by im2col: a strided window view of the padded input, one matmul per group."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from tsjit.kernels.dims import pair, shape_str
from tsjit.kernels.promotion import C_NAME, torch_name


def _check(x, weight, bias, groups, n):
    if x.ndim not in (n + 1, n + 2):
        raise RuntimeError(f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to conv{n}d, but got "
                           f"input of size: {shape_str(x.shape)}")
    if weight.ndim != n + 2:
        raise RuntimeError("weight should have at least three dimensions")
    if x.dtype != weight.dtype:
        raise RuntimeError(f"expected scalar type {torch_name(x.dtype)} but found {torch_name(weight.dtype)}")
    if bias is not None and bias.dtype != x.dtype:
        raise RuntimeError(f"Input type ({C_NAME[x.dtype.name]}) and bias type ({C_NAME[bias.dtype.name]}) "
                           f"should be the same")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")


def _conv2d(x, weight, bias, stride, padding, dilation, groups, n=2):
    """x: (N, C, H, W); weight: (O, C/groups, kh, kw)."""
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    batch, channels = x.shape[:2]
    out_ch, per_group, kh, kw = weight.shape
    if channels != per_group * groups:
        shown = weight.shape if n == 2 else weight.shape[:2] + weight.shape[3:]
        xs = x.shape if n == 2 else x.shape[:2] + x.shape[3:]
        raise RuntimeError(f"Given groups={groups}, weight of size {shape_str(shown)}, expected input"
                           f"{shape_str(xs)} to have {per_group * groups} channels, but got {channels} "
                           f"channels instead")
    if out_ch % groups:
        raise RuntimeError("Given groups, expected weight to be divisible by groups")
    if ph or pw:
        x = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    eh, ew = dh * (kh - 1) + 1, dw * (kw - 1) + 1
    if x.shape[2] < eh or x.shape[3] < ew:
        padded = (x.shape[2], x.shape[3]) if n == 2 else (x.shape[3],)
        kernel = (eh, ew) if n == 2 else (ew,)
        raise RuntimeError(f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). "
                           f"Kernel size: ({' x '.join(map(str, kernel))}). Kernel size can't be greater than "
                           f"actual input size")
    win = sliding_window_view(x, (eh, ew), axis=(2, 3))[:, :, ::sh, ::sw, ::dh, ::dw]
    oh, ow = win.shape[2:4]
    group_out = out_ch // groups
    outs = []
    for g in range(groups):  # (O_g, C_g*kh*kw) @ (N, C_g*kh*kw, OH*OW): the result is already NCHW
        cols = win[:, g * per_group:(g + 1) * per_group].transpose(0, 1, 4, 5, 2, 3)
        cols = cols.reshape(batch, per_group * kh * kw, oh * ow)
        outs.append(np.matmul(weight[g * group_out:(g + 1) * group_out].reshape(group_out, -1), cols))
    out = outs[0] if groups == 1 else np.concatenate(outs, axis=1)
    if bias is not None:
        out += bias[:, None]
    return out.reshape(batch, out_ch, oh, ow)


def conv2d(x, weight, bias, stride, padding, dilation, groups):
    _check(x, weight, bias, groups, 2)
    unbatched = x.ndim == 3
    x = x[None] if unbatched else x
    out = _conv2d(x, weight, bias, pair(stride, 2, "stride"), pair(padding, 2, "padding"),
                  pair(dilation, 2, "dilation"), groups)
    return out[0] if unbatched else out


def conv1d(x, weight, bias, stride, padding, dilation, groups):
    _check(x, weight, bias, groups, 1)
    unbatched = x.ndim == 2
    x = x[None] if unbatched else x
    (s,), (p,), (d,) = pair(stride, 1, "stride"), pair(padding, 1, "padding"), pair(dilation, 1, "dilation")
    out = _conv2d(x[:, :, None, :], weight[:, :, None, :], bias, (1, s), (0, p), (1, d), groups, n=1)[:, :, 0, :]
    return out[0] if unbatched else out


def conv_transpose2d(x, weight, bias, stride, padding, output_padding, groups, dilation):
    """Scatter-add form: every input pixel adds weight * value to a strided output window."""
    _check(x, weight, bias, groups, 2)
    unbatched = x.ndim == 3
    x = x[None] if unbatched else x
    (sh, sw), (ph, pw) = pair(stride, 2, "stride"), pair(padding, 2, "padding")
    (oph, opw), (dh, dw) = pair(output_padding, 2, "output_padding"), pair(dilation, 2, "dilation")
    if oph >= max(sh, dh) or opw >= max(sw, dw):
        raise RuntimeError("output padding must be smaller than either stride or dilation")
    batch, in_ch, h, w = x.shape
    if weight.shape[0] != in_ch:
        raise RuntimeError(f"Given transposed=1, weight of size {shape_str(weight.shape)}, expected input"
                           f"{shape_str(x.shape)} to have {weight.shape[0]} channels, but got {in_ch} channels "
                           f"instead")
    per_group_out, kh, kw = weight.shape[1:]
    in_per_group, out_ch = in_ch // groups, per_group_out * groups
    full_h, full_w = (h - 1) * sh + dh * (kh - 1) + 1 + oph, (w - 1) * sw + dw * (kw - 1) + 1 + opw
    out_h, out_w = full_h - 2 * ph, full_w - 2 * pw
    if out_h <= 0 or out_w <= 0:
        raise RuntimeError(f"Given input size per channel: ({h} x {w}). Calculated output size per channel: "
                           f"({out_h} x {out_w}). Output size is too small")
    full = np.zeros((batch, out_ch, full_h, full_w), dtype=x.dtype)
    for g in range(groups):
        xg = x[:, g * in_per_group:(g + 1) * in_per_group]
        wg = weight[g * in_per_group:(g + 1) * in_per_group]
        contrib = np.tensordot(xg, wg, axes=([1], [0]))  # (N, H, W, Cout_g, kh, kw)
        target = full[:, g * per_group_out:(g + 1) * per_group_out]
        for i in range(kh):
            for j in range(kw):
                rows = slice(i * dh, i * dh + (h - 1) * sh + 1, sh)
                cols = slice(j * dw, j * dw + (w - 1) * sw + 1, sw)
                target[:, :, rows, cols] += contrib[..., i, j].transpose(0, 3, 1, 2)
    out = full[:, :, ph:ph + out_h, pw:pw + out_w]
    if bias is not None:
        out = out + bias[:, None, None]
    out = np.ascontiguousarray(out)
    return out[0] if unbatched else out


KERNELS: dict[str, Callable] = {"conv1d": conv1d, "conv2d": conv2d, "conv_transpose2d": conv_transpose2d}
