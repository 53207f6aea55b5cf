"""Layout: ops that copy elements into a new arrangement (join, flip, roll, repeat, pad).

Unlike views (ops/view.py) their results are fresh arrays. `cat` and `stack` promote their
tensors with torch.result_type; `cat` skips 1-D empty tensors (PyTorch's legacy behaviour).
Only cat and stack have loop-level lowerings; the others run on numpy.
"""
from __future__ import annotations

import numpy as np

from tsjit.kernels.dims import shape_str, wrap_dim
from tsjit.kernels.promotion import cast, not_implemented, result_dtype
from tsjit.ops import checks as chk
from tsjit.ops import samples as s
from tsjit.ops.registry import op, sample
from tsjit.ops.rules import (
    D,
    ShapeError,
    T,
    Unknown,
    arith,
    const,
    dims,
    int_list,
    numel,
    promote,
    same,
    same_dtype,
    tensors,
    with_dim,
    wrap,
)

_NOT_LOWERED = "no loop-level lowering yet: runs on numpy (C code runs it around fusion groups)"


# -- joining ---------------------------------------------------------------------------------------

def _joined(items, name):
    if not items:
        raise ValueError(f"{name}(): expected a non-empty list of Tensors")
    dtype = result_dtype(*items) if len(items) > 1 else items[0].dtype
    return [cast(x, dtype) for x in items]


def _joined_dtype(items, dim):
    return promote(*tensors(items, "the tensor list"))


def _cat_shape(items, dim):
    ts = tensors(items, "cat")
    kept = [x for x in ts if dims(x) != (0,)] or ts[:1]  # 1-D empty tensors are skipped
    ranked = [x for x in kept if dims(x) != (D,)] or kept[:1]  # a [?] tensor may be skipped too
    first = dims(ranked[0])
    if not first or any(len(dims(x)) != len(first) for x in ranked):
        raise ShapeError("cat of tensors of different ranks, or of a 0-d tensor")
    d = wrap(dim, len(first))
    if any(D not in (m, n) and m != n for x in ranked for i, (m, n) in enumerate(zip(first, dims(x))) if i != d):
        raise ShapeError("cat: sizes of tensors must match except in the concatenated dimension")
    total = arith(lambda *ns: sum(ns), *(dims(x)[d] for x in ranked))
    return with_dim(first, d, total if len(ranked) == len(kept) else D)


@op("cat", "(Tensor[] tensors, int dim=0) -> Tensor", shape=_cat_shape, dtype=_joined_dtype, lower="shape.lower_cat",
    samples=lambda: [sample([s.f32(2, 3), s.f32(4, 3)], 0),
                     sample([s.f32(2, 3), s.i64(1, 3), np.zeros(0, np.float32)], 0),
                     sample([s.f32(2, 3), s.f64(2, 5)], -1), sample([np.zeros(0, np.float32), s.f32(2, 3)], 1),
                     sample([s.mask(2), s.i64(3)], 0), sample([s.f32(2, 3), s.f32(2, 4)], 0),
                     sample([np.array(1.5, np.float32)], 0),
                     sample([s.f32(2, 3), np.zeros(0, np.float64)], 0)], aten="cat concat concatenate")
def cat(items, dim=0):
    items = _joined(items, "torch.cat")
    kept = [(i, x) for i, x in enumerate(items) if x.shape != (0,)] or [(0, items[0])]
    ref = kept[0][1]
    for i, x in kept:
        if x.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    dim = wrap_dim(dim, ref.ndim)
    for i, x in kept[1:]:
        if x.ndim != ref.ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {ref.ndim} and {x.ndim}")
        for d in range(ref.ndim):
            if d != dim and x.shape[d] != ref.shape[d]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {dim}. Expected size "
                                   f"{ref.shape[d]} but got size {x.shape[d]} for tensor number {i} in the list.")
    return np.concatenate([x for _, x in kept], axis=dim)


def _stack_shape(items, dim):
    ts = tensors(items, "stack")
    first = dims(ts[0])
    if any(dims(x) != first for x in ts[1:] if D not in dims(x) + first):
        raise ShapeError("stack expects each tensor to be equal size")
    return first[:wrap(dim, len(first) + 1)] + (len(ts),) + first[wrap(dim, len(first) + 1):]


@op("stack", "(Tensor[] tensors, int dim=0) -> Tensor", shape=_stack_shape, dtype=_joined_dtype, lower="shape.lower_stack",
    samples=lambda: [sample([s.f32(2, 3), s.f32(2, 3)], -1), sample([s.f32(2, 3), s.f32(2, 3), s.f32(2, 3)], 1),
                     sample([np.array(1.5, np.float32), np.array(2.5, np.float32)], 0),
                     sample([s.i64(3), s.f32(3)], 0), sample([s.f32(2, 3), s.f32(3, 2)], 0),
                     sample([s.f32(0, 2)], 2), sample([s.strided(3, 4), s.f32(3, 4)], 0)])
def stack(items, dim=0):
    items = _joined(items, "stack")
    for i, x in enumerate(items[1:], 1):
        if x.shape != items[0].shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {shape_str(items[0].shape)} "
                               f"at entry 0 and {shape_str(x.shape)} at entry {i}")
    return np.stack(items, axis=wrap_dim(dim, items[0].ndim + 1))


# -- rearranging -----------------------------------------------------------------------------------

@op("flip", "(Tensor self, int[] dims) -> Tensor", shape=same, dtype=same_dtype, verify=chk.SAME_SHAPE,
    lower="shape.lower_flip",
    samples=lambda: [sample(s.f32(2, 3, 4), [0, -1]), sample(s.f32(2, 3), []), sample(np.array(1.5), [0]),
                     sample(s.i64(5), [0]), sample(s.strided(3, 4), [1]), sample(s.f32(2, 3), [0, 0]),
                     sample(s.f32(2, 3), [2])])
def flip(a, dims):
    axes = tuple(wrap_dim(d, a.ndim) for d in dims)
    return np.flip(a, axes).copy() if a.ndim else a.copy()


@op("roll", "(Tensor self, int[] shifts, int[] dims=[]) -> Tensor", shape=same, dtype=same_dtype,
    verify=chk.SAME_SHAPE, numpy_only=_NOT_LOWERED,
    samples=lambda: [sample(s.f32(3, 4), [1, -1], [0, 1]), sample(s.f32(3, 4), [2], []), sample(s.i64(5), [7], [0]),
                     sample(s.f32(3, 4), [1, 2], []), sample(s.f32(3, 4), [1], [0, 1]), sample(s.f32(0, 3), [1], [0]),
                     sample(np.array(1.5), [1], [0])], api="torch Tensor")
def roll(a, shifts, dims=()):
    shifts, dims = list(shifts), list(dims)
    if not dims:
        if len(shifts) != 1:
            raise RuntimeError(f"`shifts` required to be of size 1 when dims is empty, got {len(shifts)}")
        return np.roll(a.reshape(-1), shifts[0]).reshape(a.shape)
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    return np.roll(a, shifts, axis=[wrap_dim(d, a.ndim) for d in dims])


def _times(n, r):
    return 0 if 0 in (n, r) else arith(lambda n, r: n * r, n, r)


def _repeated(xs, reps):
    return tuple(_times(n, r) for n, r in zip((1,) * (len(reps) - len(xs)) + xs, reps, strict=True))


def _repeat_shape(x, repeats):
    xs, reps = dims(x), int_list(repeats, "repeats")
    if len(reps) < len(xs):
        raise ShapeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor")
    return _repeated(xs, reps)


@op("repeat", "(Tensor self, int[] repeats) -> Tensor", shape=_repeat_shape, dtype=same_dtype,
    numpy_only=_NOT_LOWERED,
    samples=lambda: [sample(s.f32(2, 3), [2, 1, 2]), sample(s.f32(2, 3), [1, 1]), sample(np.array(1.5), [3]),
                     sample(s.i64(3), [0, 2]), sample(s.f32(2, 3), [2]), sample(s.mask(2), [2, 2])])
def repeat(a, repeats):
    if len(repeats) < a.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions "
                           "of tensor")
    return np.tile(a.reshape((1,) * (len(repeats) - a.ndim) + a.shape), tuple(repeats))


def _tile_shape(x, reps):
    xs, reps = dims(x), int_list(reps, "tile dims")
    return _repeated(xs, [1] * (len(xs) - len(reps)) + reps)


@op("tile", "(Tensor self, int[] dims) -> Tensor", shape=_tile_shape, dtype=same_dtype, numpy_only=_NOT_LOWERED,
    samples=lambda: [sample(s.f32(2, 3), [2]), sample(s.f32(2, 3), [2, 1, 2]), sample(s.f32(2, 3), []),
                     sample(np.array(1.5), [2, 2]), sample(s.i64(3), [0]), sample(s.mask(2, 2), [1, 3])], api="torch Tensor")
def tile(a, dims):
    return np.tile(a, tuple(dims)) if len(dims) else a.copy()


def _repeat_interleave_shape(x, repeats, dim):
    if isinstance(repeats, (T, Unknown)):
        raise ShapeError("the result size of repeat_interleave depends on tensor values")
    xs = dims(x)
    if dim is None:
        return (_times(numel(xs), repeats),)
    if not xs:
        raise ShapeError("repeat_interleave: a 0-d tensor has no dim to repeat along")
    d = wrap(dim, len(xs))
    return with_dim(xs, d, _times(xs[d], repeats))


@op("repeat_interleave", "(Tensor self, Tensor|Scalar repeats, int? dim=None) -> Tensor",
    shape=_repeat_interleave_shape, dtype=same_dtype, numpy_only=_NOT_LOWERED,
    samples=lambda: [sample(s.f32(2, 3), 2, 1), sample(s.f32(2, 3), 3, None), sample(s.f32(2, 3), s.i64(3, lo=0), 1),
                     sample(s.i64(3), np.array(2), 0), sample(np.array(1.5), 2, None), sample(s.f32(2, 3), 0, 0),
                     sample(s.f32(3), s.pos(3) + 1, 0), sample(s.f32(2, 3), s.i64(2, 2, lo=0), None)], api="torch Tensor")
def repeat_interleave(a, repeats, dim=None):
    if isinstance(repeats, np.ndarray):
        if repeats.dtype.kind not in "iu":
            raise not_implemented("repeat_interleave_cpu", repeats.dtype)
        if repeats.ndim > 1:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        repeats = repeats.astype(np.int64)
    if dim is None:
        return np.repeat(a.reshape(-1), repeats)
    if a.ndim == 0:
        raise IndexError(f"repeat_interleave: dim {dim} of a 0-d tensor (dim=None repeats its one element)")
    return np.repeat(a, repeats, axis=wrap_dim(dim, a.ndim))


# -- padding and pixel shuffle ---------------------------------------------------------------------

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


def _check_pad_modes(a, width, mode, k):
    """torch's checks of reflect/replicate padding (pad{k}d kernels, an optional batch dim)."""
    name = "reflection" if mode == "reflect" else "replication"
    if a.dtype.kind == "b":
        raise not_implemented(f"{name}_pad{k}d", a.dtype)
    if 0 in a.shape[a.ndim - k - 1:]:  # (the batch dim, when there is one, may be empty)
        raise RuntimeError(f"Expected {k + 1}D or {k + 2}D (batch mode) tensor with possibly 0 batch size and other "
                           f"non-zero dimensions for input, but got: {shape_str(a.shape)}")
    for d, (lo, hi) in enumerate(width):
        if mode == "reflect" and (lo, hi) != (0, 0) and (lo >= a.shape[d] or hi >= a.shape[d]):
            raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding input dimension, "
                               f"but got: padding ({lo}, {hi}) at dimension {d} of input {shape_str(a.shape)}")
        if a.shape[d] + lo + hi < 1:
            raise RuntimeError(f"input (W: {a.shape[d]}) is too small. Calculated output W: {a.shape[d] + lo + hi}")


def _crop(a, width):
    """a with negative padding cut off."""
    return a[tuple(slice(max(-lo, 0), a.shape[d] - max(-hi, 0)) for d, (lo, hi) in enumerate(width))]


@op("pad", "(Tensor self, int[] pad, str mode=\"constant\", float? value=None) -> Tensor", shape=_pad_shape,
    dtype=same_dtype, lower="padding.lower_pad",
    samples=lambda: [sample(s.f32(2, 3, 4), [1, 2, -1, 1], "constant", 0.5),
                     sample(s.f32(2, 3, 4), [2, 1, 1, 2], "reflect", None),
                     sample(s.f32(2, 3, 4), [-1, 3], "replicate", None),
                     sample(s.f32(2, 3, 4), [1, 3, -1, 0], "circular", None),
                     sample(s.i64(2, 3), [1, 1], "constant", None), sample(s.f32(2, 3, 4), [4, 0], "reflect", None),
                     sample(s.f32(2, 3), [-3, -1], "constant", 2.0),
                     sample(s.f32(2, 3, 4, 5), [1, 1], "reflect", None)])
def pad(a, pads, mode="constant", value=None):
    if len(pads) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pads) // 2 > a.ndim:
        raise RuntimeError("Padding length should be less than or equal to two times the input dimension but "
                           f"got padding length {len(pads)} and input of dimension {a.ndim}")
    width = [(0, 0)] * a.ndim
    for i in range(len(pads) // 2):
        width[a.ndim - 1 - i] = (pads[2 * i], pads[2 * i + 1])
    positive = [(max(lo, 0), max(hi, 0)) for lo, hi in width]
    if mode == "constant":
        for d, (lo, hi) in enumerate(width):
            if a.shape[d] + min(lo, 0) + min(hi, 0) < 0:
                raise RuntimeError(f"The input size {a.shape[d]}, plus negative padding {lo} and {hi} resulted in a "
                                   f"negative size, which is invalid. Check dimension {d} of your input.")
        fill = cast(0 if value is None else value, a.dtype)
        return np.pad(_crop(a, width), positive, constant_values=fill) if a.ndim else a.copy()
    if mode not in _PAD_MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value not in (None, 0, 0.0):
        raise RuntimeError(f"Padding mode \"{mode}\" doesn't take in value argument")
    k = len(pads) // 2
    if k not in (1, 2, 3) or a.ndim not in (k + 1, k + 2):
        raise NotImplementedError(f"Padding size {len(pads)} is not supported for {a.ndim}D input tensor.")
    if mode == "circular":  # torch cuts negative padding first, then wraps around the rest
        if any(lo > n or hi > n for n, (lo, hi) in zip(a.shape, width, strict=True)):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if any(n + lo + hi < 0 for n, (lo, hi) in zip(a.shape, width, strict=True)):
            raise RuntimeError("Negative padding value is resulting in an empty dimension")
        return np.pad(_crop(a, width), positive, mode="wrap")
    _check_pad_modes(a, width, mode, k)
    return np.ascontiguousarray(_crop(np.pad(a, positive, mode=_PAD_MODES[mode]), width))


def _pixel_shuffle_shape(x, r):
    xs = dims(x)
    if len(xs) < 3:
        raise ShapeError(f"pixel_shuffle expects input to have at least 3 dimensions, but got input with "
                         f"{len(xs)} dimension(s)")
    *lead, c, h, w = xs
    r = const(r, "upscale_factor")
    if r <= 0 or c != D and c % (r * r):
        raise ShapeError(f"pixel_shuffle: {c} channels for an upscale_factor of {r}")
    return (*lead, arith(lambda c: c // (r * r), c), arith(lambda h: h * r, h), arith(lambda w: w * r, w))


@op("pixel_shuffle", "(Tensor self, int upscale_factor) -> Tensor", shape=_pixel_shuffle_shape, dtype=same_dtype,
    numpy_only=_NOT_LOWERED,
    samples=lambda: [sample(s.f32(1, 8, 3, 3), 2), sample(s.f32(4, 2, 5), 2), sample(s.f32(2, 1, 9, 2, 3), 3),
                     sample(s.i64(1, 4, 2, 2), 1), sample(s.f32(1, 6, 2, 2), 2), sample(s.f32(4, 3), 2)], api="torch F")
def pixel_shuffle(x, r):
    if x.ndim < 3:
        raise RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions, but got input with "
                           f"{x.ndim} dimension(s)")
    *lead, c, h, w = x.shape
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square "
                           f"of upscale_factor, but input.size(-3)={c} is not divisible by {r * r}")
    y = x.reshape(*lead, c // (r * r), r, r, h, w)
    n = len(lead)
    y = y.transpose(*range(n), n, n + 3, n + 1, n + 4, n + 2)
    return np.ascontiguousarray(y).reshape(*lead, c // (r * r), h * r, w * r)
