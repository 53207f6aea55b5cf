"""Layout: ops that copy elements into a new arrangement (join, flip, roll, repeat; padding is tsjit/ops/padding.py).

Unlike views (ops/view.py) their results are fresh arrays. `cat` and `stack` promote their
tensors with torch.result_type; `cat` skips 1-D empty tensors (PyTorch's legacy behaviour).
repeat, tile and pixel_shuffle decompose into reshapes around an expand or a permute; roll and
repeat_interleave lower to one affine copy each (tsjit/lowering/layout.py).
"""
from __future__ import annotations

import numpy as np

from tsjit.kernels.dims import shape_str, wrap_dim
from tsjit.kernels.promotion import cast, not_implemented, result_dtype
from tsjit.ops import checks as chk
from tsjit.ops import samples as s
from tsjit.ops.decomposition import reject
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
    verify=chk.SAME_SHAPE, lower="layout.lower_roll",
    samples=lambda: [sample(s.f32(3, 4), [1, -1], [0, 1]), sample(s.f32(3, 4), [2], []), sample(s.i64(5), [7], [0]),
                     sample(s.f32(3, 4), [1, 2], []), sample(s.f32(3, 4), [1], [0, 1]), sample(s.f32(0, 3), [1], [0]),
                     sample(np.array(1.5), [1], [0]), sample(s.strided(3, 4), [-5], [-1]),
                     sample(s.f32(2, 3), [1, 2], [1, 1]), sample(s.mask(2, 3), [-2], []), sample(s.f32(0, 3), [1], [])], api="torch Tensor")
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


def _repeat(g, x, repeats):
    """x with a unit dim before each repeated one, expanded there, and the pairs merged back:
    [n0, n1].repeat(a, b, c) is x.reshape(1, n0, 1, n1).expand(b, n0, c, n1).reshape(a, b*n0, c*n1)."""
    reps, xs = list(g.value(repeats)), g.shape(x)
    if len(reps) < len(xs):
        raise reject(g, RuntimeError("Number of dimensions of repeat dims can not be smaller than number of "
                                     "dimensions of tensor"))
    sizes = (1,) * (len(reps) - len(xs)) + tuple(xs)
    unit, wide = [], []
    for r, n in zip(reps, sizes):
        pairs = [(1, r)] if n == 1 else [(n, n)] if r == 1 else [(1, r), (n, n)]
        unit += [u for u, _ in pairs]
        wide += [w for _, w in pairs]
    y = g.reshape(x, unit)
    if wide != unit:
        y = g.expand(y, wide, False)
    return g.reshape(y, [r * n for r, n in zip(reps, sizes)])


@op("repeat", "(Tensor self, int[] repeats) -> Tensor", shape=_repeat_shape, dtype=same_dtype, decompose=_repeat,
    samples=lambda: [sample(s.f32(2, 3), [2, 1, 2]), sample(s.f32(2, 3), [1, 1]), sample(np.array(1.5), [3]),
                     sample(s.i64(3), [0, 2]), sample(s.f32(2, 3), [2]), sample(s.mask(2), [2, 2]),
                     sample(s.strided(3, 4), [1, 2]), sample(s.f32(0, 3), [2, 1]), sample(s.f32(2, 1), [3, 2])])
def repeat(a, repeats):
    if len(repeats) < a.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions "
                           "of tensor")
    return np.tile(a.reshape((1,) * (len(repeats) - a.ndim) + a.shape), tuple(repeats))


def _tile_shape(x, reps):
    xs, reps = dims(x), int_list(reps, "tile dims")
    return _repeated(xs, [1] * (len(xs) - len(reps)) + reps)


def _tile(g, x, reps):
    """repeat, with the repeats padded by leading ones to x's rank."""
    reps = list(g.value(reps))
    return g.repeat(x, [1] * (g.dim(x) - len(reps)) + reps)


@op("tile", "(Tensor self, int[] dims) -> Tensor", shape=_tile_shape, dtype=same_dtype, decompose=_tile,
    samples=lambda: [sample(s.f32(2, 3), [2]), sample(s.f32(2, 3), [2, 1, 2]), sample(s.f32(2, 3), []),
                     sample(np.array(1.5), [2, 2]), sample(s.i64(3), [0]), sample(s.mask(2, 2), [1, 3]),
                     sample(s.strided(3, 4), [2, 1])], api="torch Tensor")
def tile(a, dims):
    return np.tile(a, tuple(dims)) if len(dims) else a.copy()


def _repeat_interleave_shape(x, repeats, dim):
    xs = dims(x)
    if isinstance(repeats, (T, Unknown)):  # the repeated dim's size depends on the repeats' values
        if dim is None:
            return (D,)
        if isinstance(dim, Unknown) or not xs:
            raise ShapeError("the result size of repeat_interleave depends on tensor values")
        return with_dim(xs, wrap(dim, len(xs)), D)
    if dim is None:
        return (_times(numel(xs), repeats),)
    if not xs:
        raise ShapeError("repeat_interleave: a 0-d tensor has no dim to repeat along")
    d = wrap(dim, len(xs))
    return with_dim(xs, d, _times(xs[d], repeats))


@op("repeat_interleave", "(Tensor self, Tensor|Scalar repeats, int? dim=None) -> Tensor",
    shape=_repeat_interleave_shape, dtype=same_dtype, lower="layout.lower_repeat_interleave",
    samples=lambda: [sample(s.f32(2, 3), 2, 1), sample(s.f32(2, 3), 3, None), sample(s.f32(2, 3), s.i64(3, lo=0), 1),
                     sample(s.i64(3), np.array(2), 0), sample(np.array(1.5), 2, None), sample(s.f32(2, 3), 0, 0),
                     sample(s.f32(3), s.pos(3) + 1, 0), sample(s.f32(2, 3), s.i64(2, 2, lo=0), None),
                     sample(s.strided(3, 4), 2, -1), sample(s.strided(3, 4), 2, None), sample(s.f32(0, 3), 2, 0),
                     sample(s.mask(2, 2), 3, 0)], api="torch Tensor")
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


# -- pixel shuffle ---------------------------------------------------------------------------------

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


def _pixel_shuffle(g, x, r):
    """(*, C*r*r, H, W) -> (*, C, r, r, H, W) -> (*, C, H, r, W, r) -> (*, C, H*r, W*r)."""
    xs, r = g.shape(x), g.value(r)
    if len(xs) < 3 or r <= 0 or xs[-3] % (r * r):
        raise reject(g, RuntimeError(f"pixel_shuffle of a {list(xs)} tensor by {r}"))
    *lead, c, h, w = xs
    n = len(lead)
    y = g.permute(g.reshape(x, [*lead, c // (r * r), r, r, h, w]), [*range(n), n, n + 3, n + 1, n + 4, n + 2])
    return g.reshape(y, [*lead, c // (r * r), h * r, w * r])


@op("pixel_shuffle", "(Tensor self, int upscale_factor) -> Tensor", shape=_pixel_shuffle_shape, dtype=same_dtype,
    decompose=_pixel_shuffle,
    samples=lambda: [sample(s.f32(1, 8, 3, 3), 2), sample(s.f32(4, 2, 5), 2), sample(s.f32(2, 1, 9, 2, 3), 3),
                     sample(s.i64(1, 4, 2, 2), 1), sample(s.f32(1, 6, 2, 2), 2), sample(s.f32(4, 3), 2),
                     sample(s.strided(8, 2, 3), 2), sample(s.f32(0, 4, 2, 2), 2)], api="torch F")
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
