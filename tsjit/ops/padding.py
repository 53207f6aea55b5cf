"""Padding: `pad` (F.pad, the Pad modules, and convolutions' padding_mode) in its four modes.

Negative pads crop. Constant mode pads around the cropped input; reflect and replicate pad then crop,
circular crops then wraps around (PyTorch's order). The non-constant modes read, per dim, the input
index `pad_positions` gives each output position, which the kernel and the C lowering
(tsjit/lowering/padding.py) share.
"""
from __future__ import annotations

import numpy as np

from tsjit.kernels.dims import shape_str
from tsjit.kernels.promotion import cast, not_implemented
from tsjit.ops import samples as s
from tsjit.ops.registry import op, sample
from tsjit.ops.rules import D, ShapeError, arith, dims, int_list, same_dtype

_PAD_MODES = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def _pad_shape(x, pads, mode, value):
    xs, ps = list(dims(x)), int_list(pads, "pad")
    if len(ps) % 2 or len(ps) // 2 > len(xs):
        raise ShapeError(f"padding of length {len(ps)} for a tensor of rank {len(xs)}")
    for i in range(len(ps) // 2):
        d = len(xs) - 1 - i
        lo, hi = ps[2 * i], ps[2 * i + 1]
        if D not in (xs[d], lo, hi) and xs[d] + min(lo, 0) + min(hi, 0) < 0:
            raise ShapeError(f"padding {ps} cuts more than a whole dimension")
        xs[d] = arith(lambda n, lo, hi: n + lo + hi, xs[d], lo, hi)
    return tuple(xs)


def _check_pad_modes(shape, dtype, width, mode, k):
    """torch's checks of reflect/replicate padding (pad{k}d kernels, an optional batch dim)."""
    name = "reflection" if mode == "reflect" else "replication"
    if dtype.kind == "b":
        raise not_implemented(f"{name}_pad{k}d", dtype)
    if 0 in shape[len(shape) - k - 1:]:  # (the batch dim, when there is one, may be empty)
        raise RuntimeError(f"Expected {k + 1}D or {k + 2}D (batch mode) tensor with possibly 0 batch size and other "
                           f"non-zero dimensions for input, but got: {shape_str(shape)}")
    for d in range(len(shape) - k, len(shape)):
        lo, hi = width[d]
        if mode == "reflect" and (lo, hi) != (0, 0) and (lo >= shape[d] or hi >= shape[d]):
            raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding input dimension, "
                               f"but got: padding ({lo}, {hi}) at dimension {d} of input {shape_str(shape)}")
        if shape[d] + lo + hi < 1:
            raise RuntimeError(f"input (W: {shape[d]}) is too small. Calculated output W: {shape[d] + lo + hi}")


def _crop(a, width):
    """a with negative padding cut off."""
    return a[tuple(slice(max(-lo, 0), a.shape[d] - max(-hi, 0)) for d, (lo, hi) in enumerate(width))]


def _positions(n: int, lo: int, hi: int, mode: str) -> np.ndarray:
    """The input index each output position of a dim of size n padded by (lo, hi) reads: reflect and
    replicate pad then cut negative padding off, circular cuts first and wraps around the rest."""
    i = np.arange(n, dtype=np.int64)
    if mode == "circular":
        return np.pad(i[max(-lo, 0):n - max(-hi, 0)], (max(lo, 0), max(hi, 0)), mode="wrap")
    padded = np.pad(i, (max(lo, 0), max(hi, 0)), mode=_PAD_MODES[mode])
    return padded[max(-lo, 0):len(padded) - max(-hi, 0)]


def pad_positions(shape, dtype, pads, mode, value) -> list[np.ndarray]:
    """Per dim, the input index each output position reads in mode reflect, replicate or circular
    (an arange where a dim is not padded); raises PyTorch's errors for what it refuses."""
    ndim = len(shape)
    width = [(0, 0)] * ndim
    for i in range(len(pads) // 2):
        width[ndim - 1 - i] = (pads[2 * i], pads[2 * i + 1])
    if mode not in _PAD_MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value not in (None, 0, 0.0):
        raise RuntimeError(f"Padding mode \"{mode}\" doesn't take in value argument")
    k = len(pads) // 2
    if k not in (1, 2, 3) or ndim not in (k + 1, k + 2):
        raise NotImplementedError(f"Padding size {len(pads)} is not supported for {ndim}D input tensor.")
    if mode == "circular":
        if any(lo > n or hi > n for n, (lo, hi) in zip(shape, width, strict=True)):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if any(n + lo + hi < 0 for n, (lo, hi) in zip(shape, width, strict=True)):
            raise RuntimeError("Negative padding value is resulting in an empty dimension")
    else:
        _check_pad_modes(shape, dtype, width, mode, k)
    return [_positions(n, lo, hi, mode) for n, (lo, hi) in zip(shape, width, strict=True)]


@op("pad", "(Tensor self, int[] pad, str mode=\"constant\", float? value=None) -> Tensor", shape=_pad_shape,
    dtype=same_dtype, lower="padding.lower_pad",
    samples=lambda: [sample(s.f32(2, 3, 4), [1, 2, -1, 1], "constant", 0.5),
                     sample(s.f32(2, 3, 4), [2, 1, 1, 2], "reflect", None),
                     sample(s.f32(2, 3, 4), [-1, 3], "replicate", None),
                     sample(s.f32(2, 3, 4), [1, 3, -1, 0], "circular", None),
                     sample(s.i64(2, 3), [1, 1], "constant", None), sample(s.f32(2, 3, 4), [4, 0], "reflect", None),
                     sample(s.f32(2, 3), [-3, -1], "constant", 2.0),
                     sample(s.f32(2, 3, 4, 5), [1, 1], "reflect", None),
                     sample(s.f32(2, 3, 4, 5), [1, 2, 2, 1, 1, 0], "reflect", None),
                     sample(s.f32(1, 2, 3, 4), [2, -1, -1, 3], "replicate", None),
                     sample(s.f32(2, 3, 4, 5), [1, 0, 2, 1, 1, 2], "circular", None),
                     sample(s.f32(3, 5), [-2, 3], "circular", None), sample(s.f32(3, 5), [-2, -1], "reflect", None),
                     sample(s.i64(2, 5), [2, 3], "reflect", None), sample(s.strided(3, 4), [1, 2], "replicate", None),
                     sample(s.f32(0, 3, 4), [1, 1], "reflect", None), sample(s.f32(2, 3, 4), [3, 1], "reflect", None),
                     sample(s.f32(2, 3, 4), [5, 0], "circular", None), sample(s.f32(2, 3), [1, 1], "reflect", 1.5),
                     sample(s.f32(2, 3, 4), [1, 1], "constant", None), sample(s.f32(0, 3), [1, 2], "constant", 1.0),
                     sample(s.f32(2, 3), [-2, -2], "constant", 1.0), sample(s.special(), [1, 1], "replicate", None)])
def pad(a, pads, mode="constant", value=None):
    if len(pads) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pads) // 2 > a.ndim:
        raise RuntimeError("Padding length should be less than or equal to two times the input dimension but "
                           f"got padding length {len(pads)} and input of dimension {a.ndim}")
    if mode == "constant":
        width = [(0, 0)] * a.ndim
        for i in range(len(pads) // 2):
            width[a.ndim - 1 - i] = (pads[2 * i], pads[2 * i + 1])
        for d, (lo, hi) in enumerate(width):
            if a.shape[d] + min(lo, 0) + min(hi, 0) < 0:
                raise RuntimeError(f"The input size {a.shape[d]}, plus negative padding {lo} and {hi} resulted in a "
                                   f"negative size, which is invalid. Check dimension {d} of your input.")
        fill = cast(0 if value is None else value, a.dtype)
        positive = [(max(lo, 0), max(hi, 0)) for lo, hi in width]
        return np.pad(_crop(a, width), positive, constant_values=fill) if a.ndim else a.copy()
    return a[np.ix_(*pad_positions(a.shape, a.dtype, pads, mode, value))]
