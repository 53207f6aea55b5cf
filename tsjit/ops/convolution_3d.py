"""conv3d and conv_transpose3d, decomposed into one 2-d convolution per kernel depth tap.

conv3d: for tap i, the input's depth planes i*dilation, i*dilation + stride, ... (one per output
depth) are folded into the batch, convolved in 2-d with the weight's plane i, and the taps summed.
Depth padding pads the input with zeros first. Half inputs compute in float32 and round once
(per-tap rounding was 4 bf16 ulps off PyTorch).

conv_transpose3d: every input depth plane, folded into the batch, goes through conv_transpose2d
with the weight's plane i; input plane d lands on output depth d*stride + i*dilation - padding, so
each tap's planes are spread `stride` apart (zero planes between), shifted by i*dilation, and the
taps summed before the padding is cropped.
"""
from __future__ import annotations

from tsjit.dtypes import is_half
from tsjit.kernels.promotion import CODE_OF_DTYPE
from tsjit.ops import samples as s
from tsjit.ops.decomposition import reject
from tsjit.ops.registry import defop, sample
from tsjit.ops.rules import BY_KERNEL


_FLOAT32 = 6  # ScalarType code


def _triple(g, v, what):
    vs = list(g.value(v))
    if len(vs) == 1:
        vs = vs * 3
    if len(vs) != 3:
        raise reject(g, RuntimeError(f"expected {what} to be a single integer value or a list of 3 values to match "
                                     f"the convolution dimensions, but got {what}={vs}"))
    return vs


def _conv3d(g, x, weight, bias, stride, padding, dilation, groups):
    xs, ws = list(g.shape(x)), list(g.shape(weight))
    weight_in = weight
    if len(ws) != 5 or len(xs) not in (4, 5):
        raise reject(g, RuntimeError(f"Expected 4D (unbatched) or 5D (batched) input to conv3d, but got input of size: "
                                     f"{xs}"))
    unbatched = len(xs) == 4
    half = is_half(g.dtype(x)) and g.dtype(x) == g.dtype(weight)
    if half:  # the taps summed in float32 and rounded once, as PyTorch's half convolution accumulates
        x, weight = g.to(x, _FLOAT32), g.to(weight, _FLOAT32)
        bias = None if bias is None else g.to(bias, _FLOAT32)
    if unbatched:
        x = g.unsqueeze(x, 0)
        xs = [1] + xs
    (sd, sh, sw), (pd, ph, pw), (dd, dh, dw) = (_triple(g, stride, "stride"), _triple(g, padding, "padding"),
                                                _triple(g, dilation, "dilation"))
    if pd:
        x = g.pad(x, [0, 0, 0, 0, pd, pd], "constant", None)
        xs[2] += 2 * pd
    n, c, depth, h, w = xs
    out_ch, kd = ws[0], ws[2]
    od = (depth - dd * (kd - 1) - 1) // sd + 1
    if od <= 0:
        raise reject(g, RuntimeError(f"Calculated padded input size per channel: ({depth} x {h} x {w}). Kernel size: "
                                     f"({dd * (kd - 1) + 1} x ...). Kernel size can't be greater than actual input size"))
    total = None
    for i in range(kd):
        planes = g.slice(x, 2, i * dd, i * dd + (od - 1) * sd + 1, sd)  # (N, C, OD, H, W)
        folded = g.reshape(g.permute(planes, [0, 2, 1, 3, 4]), [n * od, c, h, w])
        part = g.conv2d(folded, g.select(weight, 2, i), None, [sh, sw], [ph, pw], [dh, dw], groups)
        total = part if total is None else g.add(total, part)
    oh, ow = g.shape(total)[2:]
    out = g.permute(g.reshape(total, [n, od, out_ch, oh, ow]), [0, 2, 1, 3, 4])
    if bias is not None:
        out = g.add(out, g.reshape(bias, [out_ch, 1, 1, 1]))
    out = g.squeeze(out, 0) if unbatched else g.contiguous(out)
    return g.to(out, CODE_OF_DTYPE[g.dtype(weight_in)]) if half else out


defop("conv3d", "(Tensor input, Tensor weight, Tensor? bias=None, int[] stride=[1, 1, 1], int[] padding=[0, 0, 0], "
      "int[] dilation=[1, 1, 1], int groups=1) -> Tensor", decompose=_conv3d, shape=BY_KERNEL, dtype=BY_KERNEL,
      api="torch F",
      samples=lambda: [sample(s.f32(1, 2, 4, 6, 6), s.f32(3, 2, 3, 3, 3), s.f32(3), [1, 1, 1], [0, 0, 0], [1, 1, 1], 1),
                       sample(s.f32(2, 4, 5, 5, 4), s.f32(4, 2, 2, 3, 2), None, [2, 1, 1], [1, 1, 0], [1, 1, 1], 2),
                       sample(s.f64(2, 6, 5, 5), s.f64(2, 2, 2, 2, 2), s.f64(2), [1], [0], [2, 1, 1], 1)])


def _conv_transpose3d(g, x, weight, bias, stride, padding, output_padding, groups, dilation):
    xs, ws = list(g.shape(x)), list(g.shape(weight))
    if len(ws) != 5 or len(xs) not in (4, 5):
        raise reject(g, RuntimeError(f"Expected 4D (unbatched) or 5D (batched) input to conv_transpose3d, but got "
                                     f"input of size: {xs}"))
    unbatched = len(xs) == 4
    if unbatched:
        x = g.unsqueeze(x, 0)
        xs = [1] + xs
    (sd, sh, sw), (pd, ph, pw) = _triple(g, stride, "stride"), _triple(g, padding, "padding")
    (od_, oph, opw), (dd, dh, dw) = _triple(g, output_padding, "output_padding"), _triple(g, dilation, "dilation")
    if min(sd, dd) < 1 or pd < 0 or not 0 <= od_ < max(sd, dd):
        raise reject(g, RuntimeError("conv_transpose3d: output padding must be smaller than either stride or "
                                     "dilation, stride and dilation positive, padding non-negative"))
    n, c, depth, h, w = xs
    kd = ws[2]
    full = (depth - 1) * sd + dd * (kd - 1) + 1 + od_
    out_depth = full - 2 * pd
    if out_depth <= 0 or g.value(groups) < 1 or c != ws[0]:
        raise reject(g, RuntimeError(f"conv_transpose3d: input {xs} and weight {ws} do not fit (output depth "
                                     f"{out_depth}, groups {g.value(groups)})"))
    folded = g.reshape(g.permute(x, [0, 2, 1, 3, 4]), [n * depth, c, h, w])
    total = None
    for i in range(kd):
        planes = g.conv_transpose2d(folded, g.select(weight, 2, i), None, [sh, sw], [ph, pw], [oph, opw], groups,
                                    [dh, dw])  # (N*D, O, OH, OW)
        o, oh, ow = g.shape(planes)[1:]
        planes = g.reshape(planes, [n, depth, o, oh, ow])
        if sd > 1:  # plane d at depth d*stride: stride - 1 zero planes after each
            zeros = g.zeros([n, depth, sd - 1, o, oh, ow], CODE_OF_DTYPE[g.dtype(planes)])
            spread = g.cat([g.unsqueeze(planes, 2), zeros], 2)
            planes = g.slice(g.reshape(spread, [n, depth * sd, o, oh, ow]), 1, 0, (depth - 1) * sd + 1, 1)
        before = i * dd
        after = full - before - g.shape(planes)[1]
        placed = g.pad(planes, [0, 0, 0, 0, 0, 0, before, after], "constant", None)
        total = placed if total is None else g.add(total, placed)
    out = g.permute(g.slice(total, 1, pd, pd + out_depth, 1), [0, 2, 1, 3, 4])
    if bias is not None:
        out = g.add(out, g.reshape(bias, [-1, 1, 1, 1]))
    return g.squeeze(out, 0) if unbatched else g.contiguous(out)


defop("conv_transpose3d", "(Tensor input, Tensor weight, Tensor? bias=None, int[] stride=[1, 1, 1], "
      "int[] padding=[0, 0, 0], int[] output_padding=[0, 0, 0], int groups=1, int[] dilation=[1, 1, 1]) -> Tensor",
      decompose=_conv_transpose3d, shape=BY_KERNEL, dtype=BY_KERNEL, api="torch F",
      samples=lambda: [sample(s.f32(1, 2, 4, 6, 6), s.f32(2, 3, 3, 3, 3), s.f32(3), [1, 1, 1], [0, 0, 0], [0, 0, 0], 1,
                              [1, 1, 1]),
                       sample(s.f32(2, 4, 3, 4, 3), s.f32(4, 2, 2, 3, 2), None, [2, 1, 2], [1, 1, 0], [1, 0, 1], 2,
                              [1, 1, 1]),
                       sample(s.f64(2, 3, 4, 4), s.f64(2, 2, 2, 2, 2), s.f64(2), [1], [0], [0], 1, [2, 1, 1]),
                       sample(s.f32(1, 2, 3, 3, 3), s.f32(2, 1, 3, 2, 2), None, [3, 1, 1], [2, 0, 0], [2, 0, 0], 1,
                              [1, 1, 1])])
