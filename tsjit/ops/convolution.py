"""Convolutions: conv1d/conv2d (im2col: a strided window view of the padded input, one matmul per
group) and their transposes (scatter-add of weighted input pixels into the output).

Inputs are (N, C, *spatial) or unbatched (C, *spatial); weights (O, C/groups, *kernel), transposed
ones (C, O/groups, *kernel). `stride`, `padding`, `dilation` and `output_padding` give one value
per spatial dim or one for all. The 1-d ops run the 2-d kernels on a unit height. Sizes follow
ATen: `(L + 2p - d(k-1) - 1) // s + 1`, transposed `(L-1)s - 2p + d(k-1) + output_padding + 1`.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from tsjit.kernels.dims import pair, shape_str
from tsjit.kernels.promotion import BOOL, C_NAME, not_implemented, torch_name
from tsjit.ops import checks as chk
from tsjit.ops import samples as s
from tsjit.ops.registry import op, sample
from tsjit.ops.rules import D, ShapeError, T, arith, dims, int_list, promoted


# -- checks ---------------------------------------------------------------------------------------

def _check(x, weight, bias, groups, n, transposed=False):
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
    if x.dtype == BOOL:
        raise not_implemented("slow_conv_transpose2d_out_cpu" if transposed else "slow_conv2d_cpu", x.dtype)
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if weight.shape[0] == 0:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least 1 at dimension 0, but got weight "
                           f"of size {shape_str(weight.shape)} instead")
    if weight.shape[0] % groups:
        if not transposed:
            raise RuntimeError("Given groups, expected weight to be divisible by groups")
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
                           f"but got weight of size {shape_str(weight.shape)} instead")
    out_ch = weight.shape[1] * groups if transposed else weight.shape[0]
    if bias is not None and bias.shape != (out_ch,):
        raise RuntimeError(f"Given {'transposed=1, ' if transposed else ''}weight of size {shape_str(weight.shape)}, "
                           f"expected bias to be 1-dimensional "
                           f"with {out_ch} elements, but got bias of size {shape_str(bias.shape)} instead")
    batched = x.shape if x.ndim == n + 2 else (1, *x.shape)
    if 0 in batched[2:] and batched[0] and batched[1]:
        raise RuntimeError(f"Only zero batch or zero channel inputs are supported, but got input shape: "
                           f"{shape_str(batched)}")


def _check_params(stride, padding, dilation, output_padding=(0, 0)) -> None:
    if any(v <= 0 for v in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(v < 0 for v in padding):
        raise RuntimeError("negative padding is not supported")
    if any(v <= 0 for v in dilation):
        raise RuntimeError(f"dilation should be greater than zero, but got {list(dilation)}")
    if any(v < 0 for v in output_padding):
        raise RuntimeError("negative output_padding is not supported")


# -- kernels --------------------------------------------------------------------------------------

def _conv2d(x, weight, bias, stride, padding, dilation, groups, n=2):
    """x: (N, C, H, W); weight: (O, C/groups, kh, kw)."""
    _check_params(stride, padding, dilation)
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    batch, channels = x.shape[:2]
    out_ch, per_group, kh, kw = weight.shape
    if channels != per_group * groups:
        shown = weight.shape if n == 2 else weight.shape[:2] + weight.shape[3:]
        xs = x.shape if n == 2 else x.shape[:2] + x.shape[3:]
        raise RuntimeError(f"Given groups={groups}, weight of size {shape_str(shown)}, expected input"
                           f"{shape_str(xs)} to have {per_group * groups} channels, but got {channels} "
                           f"channels instead")
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


def _conv_transpose2d(x, weight, bias, stride, padding, output_padding, groups, dilation):
    """Scatter-add form: every input pixel adds weight * value to a strided output window."""
    (sh, sw), (ph, pw), (oph, opw), (dh, dw) = stride, padding, output_padding, dilation
    _check_params(stride, padding, dilation, output_padding)
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
    return np.ascontiguousarray(out)


# -- shape rules ----------------------------------------------------------------------------------

def _per_dim(values, n: int, what: str) -> list[int]:
    """An int[] of one value per spatial dim (one value stands for all)."""
    vs = int_list(values, what)
    if len(vs) not in (1, n):
        raise ShapeError(f"expected {what} to be a single integer value or a list of {n} values")
    return vs * n if len(vs) == 1 else vs


def _positive(vs: list[int], what: str, least: int) -> list[int]:
    if any(v != D and v < least for v in vs):
        raise ShapeError(f"{what} {vs} out of range")
    return vs


def _operands(x: T, w: T, n: int) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """Input and weight sizes, and the batch dim of the result (none for an unbatched input)."""
    xs, ws = dims(x), dims(w)
    if len(xs) not in (n + 1, n + 2) or len(ws) != n + 2:
        raise ShapeError(f"conv{n}d needs an input of rank {n + 1} or {n + 2} and a weight of rank {n + 2}")
    return xs, ws, xs[:1] if len(xs) == n + 2 else ()


def _sizes(out: tuple[int, ...]) -> tuple[int, ...]:
    if any(d != D and d <= 0 for d in out):
        raise ShapeError(f"the output size per channel {list(out)} is too small")
    return out


def _conv_shape(n: int):
    def shape(x: T, w: T, bias, stride, padding, dilation, groups) -> tuple[int, ...]:
        xs, ws, batch = _operands(x, w, n)
        ss = _positive(_per_dim(stride, n, "stride"), "stride", 1)
        ps = _positive(_per_dim(padding, n, "padding"), "padding", 0)
        ds = _positive(_per_dim(dilation, n, "dilation"), "dilation", 1)
        out = tuple(arith(lambda n, k, s, p, d: (n + 2 * p - d * (k - 1) - 1) // s + 1, n, k, s, p, d)
                    for n, k, s, p, d in zip(xs[-n:], ws[2:], ss, ps, ds))
        return batch + (ws[0],) + _sizes(out)
    return shape


def _transpose_shape(n: int):
    def shape(x: T, w: T, bias, stride, padding, output_padding, groups, dilation) -> tuple[int, ...]:
        xs, ws, batch = _operands(x, w, n)
        ss = _positive(_per_dim(stride, n, "stride"), "stride", 1)
        ps = _positive(_per_dim(padding, n, "padding"), "padding", 0)
        ops = _positive(_per_dim(output_padding, n, "output_padding"), "output_padding", 0)
        ds = _positive(_per_dim(dilation, n, "dilation"), "dilation", 1)
        out = tuple(arith(lambda n, k, s, p, o, d: (n - 1) * s - 2 * p + d * (k - 1) + o + 1, n, k, s, p, o, d)
                    for n, k, s, p, o, d in zip(xs[-n:], ws[2:], ss, ps, ops, ds))
        g = groups if isinstance(groups, int) else D
        return batch + (arith(lambda c, g: c * g, ws[1], g),) + _sizes(out)
    return shape


# -- ops ------------------------------------------------------------------------------------------

_CONV = "(Tensor input, Tensor weight, Tensor? bias=None, int[] stride={one}, int[] padding={zero}, " \
        "int[] dilation={one}, int groups=1) -> Tensor"
_TRANSPOSE = "(Tensor input, Tensor weight, Tensor? bias=None, int[] stride={one}, int[] padding={zero}, " \
             "int[] output_padding={zero}, int groups=1, int[] dilation={one}) -> Tensor"
_1D, _2D = {"one": "[1]", "zero": "[0]"}, {"one": "[1, 1]", "zero": "[0, 0]"}


@op("conv1d", _CONV.format(**_1D), shape=_conv_shape(1), dtype=promoted(0, 1), verify=chk.conv(1),
    lower="convolution.lower_conv",
    samples=lambda: [sample(s.f32(2, 3, 10), s.f32(4, 3, 3), s.f32(4), [2], [1], [2], 1),
                     sample(s.f32(3, 10), s.f32(4, 3, 3), None, [1], [0], [2], 1),
                     sample(s.strided(1, 4, 7), s.f32(6, 2, 3), s.f32(6), [1], [2], [1], 2),
                     sample(s.special().reshape(1, 2, 6), s.f32(1, 2, 2), None, [2], [0], [1], 1),
                     sample(s.i64(2, 2, 5), s.i64(3, 2, 2), s.i64(3), [1], [1], [1], 1),
                     sample(s.mask(1, 2, 5), s.mask(3, 2, 2), None, [1], [0], [1], 1),
                     sample(s.f32(1, 2, 2), s.f32(3, 2, 3), None, [1], [0], [1], 1),
                     sample(s.f32(1, 2, 5), s.f32(3, 2, 3), s.f32(1), [1], [0], [1], 1)])
def conv1d(x, weight, bias, stride, padding, dilation, groups):
    _check(x, weight, bias, groups, 1)
    unbatched = x.ndim == 2
    x = x[None] if unbatched else x
    (s,), (p,), (d,) = pair(stride, 1, "stride"), pair(padding, 1, "padding"), pair(dilation, 1, "dilation")
    out = _conv2d(x[:, :, None, :], weight[:, :, None, :], bias, (1, s), (0, p), (1, d), groups, n=1)[:, :, 0, :]
    return out[0] if unbatched else out


@op("conv2d", _CONV.format(**_2D), shape=_conv_shape(2), dtype=promoted(0, 1), verify=chk.conv(2),
    lower="convolution.lower_conv",
    samples=lambda: [sample(s.f32(1, 3, 6, 6), s.f32(4, 3, 3, 3), s.f32(4), [1, 1], [1, 1], [1, 1], 1),
                     sample(s.f32(2, 4, 9, 8), s.f32(6, 2, 3, 2), s.f32(6), [2, 1], [1, 2], [2, 1], 2),
                     sample(s.strided(3, 7, 7), s.f32(2, 3, 3, 3), None, [1], [0], [1], 1),
                     sample(s.f32(0, 3, 5, 5), s.f32(2, 3, 3, 3), None, [1], [0], [1], 1),
                     sample(s.special("float64").reshape(1, 1, 3, 4), s.f64(2, 1, 2, 2), s.f64(2), [1], [0], [1], 1),
                     sample(s.i64(1, 2, 4, 4), s.i64(3, 2, 2, 2), s.i64(3), [1], [0], [1], 1),
                     sample(s.mask(1, 2, 4, 4), s.mask(3, 2, 2, 2), None, [1], [0], [1], 1),
                     sample(s.f32(1, 4, 5, 5), s.f32(3, 2, 3, 3), None, [1], [0], [1], 2)])
def conv2d(x, weight, bias, stride, padding, dilation, groups):
    _check(x, weight, bias, groups, 2)
    unbatched = x.ndim == 3
    x = x[None] if unbatched else x
    out = _conv2d(x, weight, bias, pair(stride, 2, "stride"), pair(padding, 2, "padding"),
                  pair(dilation, 2, "dilation"), groups)
    return out[0] if unbatched else out


@op("conv_transpose1d", _TRANSPOSE.format(**_1D), shape=_transpose_shape(1), dtype=promoted(0, 1),
    verify=chk.conv(1), lower="conv_transpose.lower_conv_transpose",
    samples=lambda: [sample(s.f32(2, 4, 7), s.f32(4, 3, 3), s.f32(3), [2], [1], [1], 1, [1]),
                     sample(s.f32(4, 5), s.f32(4, 3, 3), None, [1], [0], [0], 1, [1]),
                     sample(s.strided(1, 4, 5), s.f32(4, 2, 2), s.f32(4), [1], [0], [0], 2, [2]),
                     sample(s.f32(0, 4, 3), s.f32(4, 3, 3), None, [1], [0], [0], 1, [1]),
                     sample(s.i64(1, 2, 4), s.i64(2, 3, 2), s.i64(3), [2], [0], [1], 1, [1]),
                     sample(s.mask(1, 2, 4), s.mask(2, 3, 2), None, [1], [0], [0], 1, [1]),
                     sample(s.f32(1, 4, 0), s.f32(4, 3, 3), None, [1], [0], [0], 1, [1]),
                     sample(s.f32(1, 4, 2), s.f32(4, 3, 3), None, [1], [3], [0], 1, [1])], api="torch F")
def conv_transpose1d(x, weight, bias, stride, padding, output_padding, groups, dilation):
    _check(x, weight, bias, groups, 1, transposed=True)
    unbatched = x.ndim == 2
    x = x[None] if unbatched else x
    (s,), (p,) = pair(stride, 1, "stride"), pair(padding, 1, "padding")
    (op_,), (d,) = pair(output_padding, 1, "output_padding"), pair(dilation, 1, "dilation")
    out = _conv_transpose2d(x[:, :, None, :], weight[:, :, None, :], bias, (1, s), (0, p), (0, op_), groups, (1, d))
    return out[0, :, 0, :] if unbatched else out[:, :, 0, :]


@op("conv_transpose2d", _TRANSPOSE.format(**_2D), shape=_transpose_shape(2), dtype=promoted(0, 1),
    verify=chk.conv(2), lower="conv_transpose.lower_conv_transpose",
    samples=lambda: [sample(s.f32(1, 4, 5, 5), s.f32(4, 3, 3, 3), s.f32(3), [1, 1], [0, 0], [0, 0], 1, [1, 1]),
                     sample(s.f32(2, 4, 5, 4), s.f32(4, 3, 3, 2), s.f32(6), [2, 1], [1, 0], [1, 0], 2, [1, 2]),
                     sample(s.strided(4, 3, 3), s.f32(4, 2, 2, 2), None, [2], [1], [1], 1, [1]),
                     sample(s.i64(1, 2, 3, 3), s.i64(2, 1, 2, 2), s.i64(1), [1], [0], [0], 1, [1]),
                     sample(s.mask(1, 2, 3, 3), s.mask(2, 1, 2, 2), None, [1], [0], [0], 1, [1]),
                     sample(s.f32(1, 4, 5, 5), s.f32(4, 3, 3, 3), None, [1, 1], [-1, 0], [0, 0], 1, [1, 1]),
                     sample(s.f32(1, 4, 5, 5), s.f32(4, 3, 3, 3), None, [1], [0], [0], 3, [1]),
                     sample(s.f32(1, 4, 5, 5), s.f32(4, 3, 3, 3), s.f32(1), [1], [0], [0], 1, [1])], api="torch F")
def conv_transpose2d(x, weight, bias, stride, padding, output_padding, groups, dilation):
    _check(x, weight, bias, groups, 2, transposed=True)
    unbatched = x.ndim == 3
    x = x[None] if unbatched else x
    out = _conv_transpose2d(x, weight, bias, pair(stride, 2, "stride"), pair(padding, 2, "padding"),
                            pair(output_padding, 2, "output_padding"), groups, pair(dilation, 2, "dilation"))
    return out[0] if unbatched else out
