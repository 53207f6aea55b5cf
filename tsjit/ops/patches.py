"""Sliding-window patches: im2col (F.unfold) and col2im (F.fold); sampling grids: affine_grid_generator
(F.affine_grid) and grid_sampler (F.grid_sample).

im2col lays every (kernel_h, kernel_w) window of a zero-padded (N, C, H, W) input out as a column:
(N, C*kh*kw, L), L = oh*ow windows in row-major order; col2im is its adjoint, adding each column
element back at its position (overlaps add, in kernel order as PyTorch's loops) and dropping the
padding. Both take unbatched inputs too, and float (im2col also bool) tensors as PyTorch's CPU
kernels. Lowerings: tsjit/lowering/patches.py (affine_grid: tsjit/lowering/resampling.py).

grid_sampler reads the input at positions that are data (the grid): PyTorch's unnormalize, padding
(zeros / border / reflection) and bilinear, nearest (round half to even) or bicubic (4-d only)
interpolation of 4-d and 5-d inputs, in the input's dtype. PyTorch runs 2-d grids through a
vectorized CPU kernel and 3-d ones through a scalar one, whose formulas (and NaN handling) differ:
the kernel follows each, and so does the lowering (tsjit/lowering/grid_sampling.py).
"""
from __future__ import annotations

import numpy as np

from tsjit.dtypes import is_float, is_inexact
from tsjit.kernels.dims import shape_str
from tsjit.kernels.promotion import CODE_OF_DTYPE, as_array, not_implemented
from tsjit.ops.creation import linspace
from tsjit.ops import samples as s
from tsjit.ops.registry import defop, op, sample
from tsjit.ops.rules import ShapeError, arith, dims, int_list, promote, same_dtype


def _pairs(kernel_size, dilation, padding, stride):
    values = [tuple(v) * (2 if len(v) == 1 else 1) for v in (kernel_size, dilation, padding, stride)]
    for v, what in zip(values, ("kernel_size", "dilation", "padding", "stride")):
        if len(v) != 2:
            raise RuntimeError(f"It is expected {what} equals to 2, but got size {len(v)}")
    (kh, kw), (dh, dw), (ph, pw), (sh, sw) = values
    if kh <= 0 or kw <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kernel_height: {kh} kernel_width: {kw}")
    if dh <= 0 or dw <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilation_height: {dh} dilation_width: {dw}")
    if sh <= 0 or sw <= 0:
        raise RuntimeError(f"stride should be greater than zero, but got stride_height: {sh} stride_width: {sw}")
    if ph < 0 or pw < 0:
        raise RuntimeError(f"padding should be non-negative, but got pad_height: {ph} pad_width: {pw}")
    return values


def blocks(sizes, ks, ds, ps, ss) -> tuple[int, int]:
    """The number of sliding blocks along each spatial dim."""
    return tuple(arith(lambda n, k, d, p, st: (n + 2 * p - (d * (k - 1) + 1)) // st + 1, n, k, d, p, st)
                 for n, k, d, p, st in zip(sizes, ks, ds, ps, ss))


def _desc(ks, ds, ps, ss) -> str:
    return (f"kernel_size=({ks[0]}, {ks[1]}), dilation=({ds[0]}, {ds[1]}), padding=({ps[0]}, {ps[1]}), "
            f"stride=({ss[0]}, {ss[1]})")


def _im2col_shape(x, kernel_size, dilation, padding, stride):
    xs = dims(x)
    vals = [int_list(v, what) for v, what in ((kernel_size, "kernel_size"), (dilation, "dilation"),
                                              (padding, "padding"), (stride, "stride"))]
    ks, ds, ps, ss = [v * 2 if len(v) == 1 else v for v in vals]
    if len(xs) not in (3, 4):
        raise ShapeError("im2col needs a 3-d or 4-d input")
    oh, ow = blocks(xs[-2:], ks, ds, ps, ss)
    c = xs[-3]
    return xs[:-3] + (arith(lambda c: c * ks[0] * ks[1], c), arith(lambda a, b: a * b, oh, ow))


def im2col(x, kernel_size, dilation, padding, stride):
    ks, ds, ps, ss = _pairs(kernel_size, dilation, padding, stride)
    if x.ndim not in (3, 4) or 0 in x.shape[-3:]:
        raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor for input with possible 0 batch size and non-zero "
                           f"dimensions, but got: {shape_str(x.shape)}")
    if not (is_inexact(x.dtype) or x.dtype.kind == "b"):
        raise not_implemented("im2col_out_cpu", x.dtype)
    oh, ow = blocks(x.shape[-2:], ks, ds, ps, ss)
    if oh < 1 or ow < 1:
        raise RuntimeError(f"Given input with spatial size ({x.shape[-2]}, {x.shape[-1]}), {_desc(ks, ds, ps, ss)}, "
                           f"calculated shape of the array of sliding blocks as ({oh}, {ow}), but its components "
                           "must be at least one.")
    xp = np.pad(x, [(0, 0)] * (x.ndim - 2) + [(ps[0], ps[0]), (ps[1], ps[1])])
    parts = [xp[..., i * ds[0]:i * ds[0] + (oh - 1) * ss[0] + 1:ss[0], j * ds[1]:j * ds[1] + (ow - 1) * ss[1] + 1:ss[1]]
             for i in range(ks[0]) for j in range(ks[1])]
    out = np.stack(parts, axis=-3)  # (.., C, kh*kw, oh, ow)
    return as_array(out.reshape(x.shape[:-3] + (x.shape[-3] * ks[0] * ks[1], oh * ow)))


def _col2im_shape(x, output_size, kernel_size, dilation, padding, stride):
    xs = dims(x)
    out = int_list(output_size, "output_size")
    ks = int_list(kernel_size, "kernel_size")
    ks = ks * 2 if len(ks) == 1 else ks
    out = out * 2 if len(out) == 1 else out
    if len(xs) not in (2, 3):
        raise ShapeError("col2im needs a 2-d or 3-d input")
    return xs[:-2] + (arith(lambda c: c // (ks[0] * ks[1]), xs[-2]), *out)


def col2im(x, output_size, kernel_size, dilation, padding, stride):
    ks, ds, ps, ss = _pairs(kernel_size, dilation, padding, stride)
    out = tuple(output_size) * (2 if len(output_size) == 1 else 1)
    if len(out) != 2:
        raise RuntimeError(f"It is expected output_size equals to 2, but got size {len(out)}")
    if x.ndim not in (2, 3) or 0 in x.shape[-2:]:
        raise RuntimeError(f"Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero "
                           f"dimensions for input, but got: {shape_str(x.shape)}")
    if x.shape[-2] % (ks[0] * ks[1]):
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product of kernel_size, but "
                           f"got input.size(1)={x.shape[-2]} and kernel_size=({ks[0]}, {ks[1]})")
    oh, ow = blocks(out, ks, ds, ps, ss)
    if oh < 1 or ow < 1:
        raise RuntimeError(f"Given output_size=({out[0]}, {out[1]}), {_desc(ks, ds, ps, ss)}, calculated shape of the "
                           f"array of sliding blocks as ({oh}, {ow}), which is too small (non-positive)")
    if x.shape[-1] != oh * ow:
        raise RuntimeError(f"Given output_size=({out[0]}, {out[1]}), {_desc(ks, ds, ps, ss)}, expected size of "
                           f"input's dimension 2 to match the calculated number of sliding blocks {oh} * {ow} = "
                           f"{oh * ow}, but got input.size(2)={x.shape[-1]}.")
    if not is_inexact(x.dtype):
        raise not_implemented("col2im_out_cpu", x.dtype)
    c = x.shape[-2] // (ks[0] * ks[1])
    cols = x.reshape(x.shape[:-2] + (c, ks[0], ks[1], oh, ow))
    y = np.zeros(x.shape[:-2] + (c, out[0] + 2 * ps[0], out[1] + 2 * ps[1]), x.dtype)
    for i in range(ks[0]):
        for j in range(ks[1]):
            r, q = i * ds[0], j * ds[1]
            y[..., r:r + (oh - 1) * ss[0] + 1:ss[0], q:q + (ow - 1) * ss[1] + 1:ss[1]] += cols[..., i, j, :, :]
    return as_array(np.ascontiguousarray(y[..., ps[0]:ps[0] + out[0], ps[1]:ps[1] + out[1]]))


defop("im2col", "(Tensor self, int[] kernel_size, int[] dilation, int[] padding, int[] stride) -> Tensor",
      im2col, shape=_im2col_shape, dtype=same_dtype, lower="patches.lower_im2col",
      samples=lambda: [sample(s.f32(2, 3, 6, 7), [2, 3], [1, 1], [0, 1], [1, 2]),
                       sample(s.f32(1, 2, 9, 8), [3, 2], [2, 3], [1, 1], [2, 1]),
                       sample(s.special().reshape(1, 3, 4), [2, 2], [1, 1], [1, 1], [1, 1]),
                       sample(s.f64(3, 5, 5), [3, 3], [1, 1], [1, 1], [2, 2]),
                       sample(s.f32(0, 2, 4, 4), [2, 2], [1, 1], [0, 0], [1, 1]),
                       sample(s.strided(2, 3, 5, 6), [2, 2], [1, 1], [0, 0], [1, 1]),
                       sample(s.mask(1, 2, 4, 4), [2, 2], [1, 1], [0, 0], [2, 2]),
                       sample(s.i64(1, 2, 4, 4), [2, 2], [1, 1], [0, 0], [1, 1]),
                       sample(s.f32(1, 2, 4, 4), [0, 2], [1, 1], [0, 0], [1, 1]),
                       sample(s.f32(1, 2, 4, 4), [2, 2], [1, 1], [-1, 0], [1, 1]),
                       sample(s.f32(1, 2, 3, 3), [5, 5], [1, 1], [0, 0], [1, 1]),
                       sample(s.f32(3, 4), [2, 2], [1, 1], [0, 0], [1, 1])])
defop("col2im", "(Tensor self, int[] output_size, int[] kernel_size, int[] dilation, int[] padding, "
      "int[] stride) -> Tensor", col2im, shape=_col2im_shape, dtype=same_dtype, lower="patches.lower_col2im",
      samples=lambda: [sample(s.f32(2, 3 * 6, 5 * 4), [6, 7], [2, 3], [1, 1], [0, 1], [1, 2]),
                       sample(s.f32(1, 2 * 6, 4 * 7), [9, 8], [3, 2], [2, 3], [1, 1], [2, 1]),
                       sample(s.f32(12, 12), [3, 4], [2, 2], [1, 1], [1, 1], [1, 1]),
                       sample(s.f64(2 * 9, 9), [5, 5], [3, 3], [1, 1], [1, 1], [2, 2]),
                       sample(s.f32(0, 8, 9), [4, 4], [2, 2], [1, 1], [0, 0], [1, 1]),
                       sample(s.strided(2, 8, 9), [4, 4], [2, 2], [1, 1], [0, 0], [1, 1]),
                       sample(np.array([[np.nan, 1.0, np.inf, -0.0]] * 4, np.float32), [3, 3], [2, 2], [1, 1],
                              [0, 0], [1, 1]),
                       sample(s.f32(1, 8, 4), [4, 4], [2, 2], [1, 1], [0, 0], [2, 2]),
                       sample(s.f32(1, 7, 9), [4, 4], [2, 2], [1, 1], [0, 0], [1, 1]),
                       sample(s.f32(1, 8, 8), [4, 4], [2, 2], [1, 1], [0, 0], [1, 1]),
                       sample(s.i64(1, 8, 9), [4, 4], [2, 2], [1, 1], [0, 0], [1, 1]),
                       sample(s.f32(1, 8, 9), [1, 1], [2, 2], [1, 1], [0, 0], [1, 1]),
                       sample(s.f32(1, 8, 9), [4, 4], [2, 2], [0, 1], [0, 0], [1, 1])])


# -- affine grids and grid sampling ---------------------------------------------------------------

def base_grid(sizes, align_corners: bool, dtype) -> np.ndarray:
    """affine_grid's (*sizes, len(sizes) + 1) grid of (x, y[, z], 1): -1..1 across each dim, scaled by
    (n-1)/n without align_corners, 0 for a size of 1."""
    axes = []
    wide = np.dtype(np.float32) if dtype.itemsize == 2 else dtype  # a half tensor times a Python float
    for n in sizes:
        v = linspace(-1, 1, n, CODE_OF_DTYPE[dtype]) if n > 1 else np.zeros(n, dtype)  # torch's rounding
        axes.append(v if align_corners else (v.astype(wide) * wide.type((n - 1) / n)).astype(dtype))
    mesh = np.meshgrid(*axes, indexing="ij")
    return np.stack([*reversed(mesh), np.ones(tuple(sizes), dtype)], -1)


def _affine_grid_shape(theta, size, align_corners):
    out = int_list(size, "size")
    if len(out) not in (4, 5):
        raise ShapeError("affine_grid needs a 4-d or 5-d size")
    return (out[0], *out[2:], len(out) - 2)


@op("affine_grid_generator", "(Tensor theta, int[] size, bool align_corners) -> Tensor", shape=_affine_grid_shape,
    dtype=same_dtype, lower="resampling.lower_affine_grid",
    samples=lambda: [sample(s.f32(2, 2, 3), [2, 3, 4, 5], False), sample(s.f32(2, 2, 3), [2, 1, 1, 5], True),
                     sample(s.f64(1, 3, 4), [1, 2, 3, 4, 5], False), sample(s.f32(3, 3, 4), [3, 1, 2, 3, 2], True),
                     sample(s.f32(0, 2, 3), [0, 1, 3, 3], False), sample(s.f32(2, 2, 3), [2, 3, 4, 5, 6], False),
                     sample(s.f32(1, 2, 3), [2, 3, 4, 5], False), sample(s.strided(2, 2, 3), [2, 3, 4, 5], True)])
def affine_grid_generator(theta, size, align_corners):
    spatial = len(size) - 2
    if spatial not in (2, 3) or theta.shape != (size[0], spatial, spatial + 1):
        raise RuntimeError(f"Expected a batch of {spatial}D affine matrices of shape Nx{spatial}x{spatial + 1} for "
                           f"size {list(size)}. Got {list(theta.shape)}.")
    if not is_float(theta.dtype):
        raise not_implemented("affine_grid_generator", theta.dtype)
    base = base_grid(size[2:], align_corners, theta.dtype)
    acc = np.dtype(np.float32) if theta.dtype.itemsize == 2 else theta.dtype  # half: a bmm, rounded once
    base, wide = base.astype(acc), theta.astype(acc)
    out = np.zeros((size[0], *size[2:], spatial), acc)
    for j in range(spatial + 1):  # the three (four) terms in order, as the lowering adds them
        out = out + base[None, ..., j, None] * wide.reshape((size[0],) + (1,) * spatial + theta.shape[1:])[..., j]
    return as_array(out.astype(theta.dtype, copy=False))


def _unnormalize(coord, size: int, align: bool, t, vec: bool):
    """-1..1 -> pixel coordinates, in the order of operations of PyTorch's 2-d (vectorized, `vec`) or
    3-d kernel."""
    one = t(1)
    if vec:
        return (coord + one) * t((size - 1) / 2) if align else (coord + one) * t(size / 2) - t(0.5)
    return (coord + one) / t(2) * t(size - 1) if align else ((coord + one) * t(size) - one) / t(2)


def _reflect(c, size: int, align: bool, t, vec: bool):
    """c mirrored at the borders until inside: 2-d by a truncated quotient and a minimum, 3-d by fmod
    and the parity of the flips, as PyTorch's kernels."""
    if vec:
        if align and size <= 1:
            return np.zeros_like(c)
        low, twice = (t(0), t(2 * (size - 1))) if align else (t(-0.5), t(2 * size))
        a = np.abs(c - low)
        extra = a - np.trunc(a / twice) * twice
        return np.minimum(extra, twice - extra) + low
    low2, high2 = (0, 2 * (size - 1)) if align else (-1, 2 * size - 1)
    if low2 == high2:
        return np.zeros_like(c)
    lo, span = t(low2 / 2), t((high2 - low2) / 2)
    a = np.abs(c - lo)
    extra, flips = np.fmod(a, span), np.floor(a / span)
    return np.where(flips % 2 == 0, extra + lo, span - extra + lo).astype(t)


def _bounded(c, size: int, padding: int, align: bool, t, vec: bool):
    """PyTorch's compute_coordinates: reflected (padding 2) and clipped (1, 2) into [0, size - 1]; NaN
    clips to 0 in the 2-d kernel, to size - 1 in the 3-d one (std::min(size - 1, std::max(c, 0)))."""
    if padding == 2:
        c = _reflect(c, size, align, t, vec)
    if padding in (1, 2):
        high = t(size - 1)
        c = np.where(c > 0, c, t(0)) if vec else np.where(c < 0, t(0), c)
        c = np.where(c < high, c, high)
    return c


def _index(c, size: int):
    """An integral float coordinate as an int64 index (NaN -> -1; beyond -1 or size held there)."""
    return np.where(c < size, np.where(c > -1, c, -1), size).astype(np.int64)


def cubic_weights(f, t):
    """The four cubic-convolution weights (A = -0.75) of the taps at -1, 0, 1, 2 for fraction f."""
    a = t(-0.75)

    def near(x):
        return ((a + t(2)) * x - (a + t(3))) * x * x + t(1)

    def far(x):
        return ((a * x - t(5) * a) * x + t(8) * a) * x - t(4) * a
    return [far(f + t(1)), near(f), near(t(1) - f), far(t(2) - f)]


def _grid_sampler_shape(x, grid, interpolation_mode, *rest):
    xs, gs = dims(x), dims(grid)
    if len(xs) not in (4, 5) or len(gs) != len(xs):
        raise ShapeError("grid_sampler: 4-d or 5-d input and grid")
    return (xs[0], xs[1], *gs[1:-1])


@op("grid_sampler", "(Tensor input, Tensor grid, int interpolation_mode, int padding_mode, bool align_corners) -> "
    "Tensor", shape=_grid_sampler_shape, dtype=lambda x, grid, *rest: promote(x, grid),
    lower="grid_sampling.lower_grid_sampler",
    samples=lambda: [sample(s.f32(2, 3, 5, 6), s.f32(2, 4, 7, 2, lo=-1.2, hi=1.2), 0, 0, False),
                     sample(s.f32(2, 3, 5, 6), s.f32(2, 4, 7, 2, lo=-1.5, hi=1.5), 0, 1, True),
                     sample(s.f32(1, 2, 4, 5), s.f32(1, 6, 3, 2, lo=-3, hi=3), 0, 2, False),
                     sample(s.f32(1, 2, 4, 5), s.f32(1, 6, 3, 2, lo=-3, hi=3), 0, 2, True),
                     sample(s.f32(1, 2, 4, 5), s.f32(1, 6, 3, 2, lo=-1.3, hi=1.3), 1, 0, False),
                     sample(s.f32(1, 2, 4, 5), s.f32(1, 6, 3, 2, lo=-2, hi=2), 1, 1, True),
                     sample(s.f32(1, 2, 4, 5), s.f32(1, 6, 3, 2, lo=-3, hi=3), 1, 2, False),
                     sample(s.f64(2, 1, 3, 3), s.f64(2, 2, 2, 2, lo=-1, hi=1), 0, 2, True),
                     sample(s.f32(0, 2, 3, 3), s.f32(0, 2, 2, 2), 0, 0, False),
                     sample(s.f32(1, 1, 1, 1), s.f32(1, 2, 2, 2, lo=-1, hi=1), 0, 2, True),
                     sample(s.f32(2, 3, 5, 6), s.f32(1, 4, 7, 2), 0, 0, False),
                     sample(s.f32(2, 3, 5, 6), s.f32(2, 4, 7, 3), 0, 0, False),
                     sample(s.i64(1, 2, 4, 4), s.i64(1, 2, 2, 2), 0, 0, False),
                     sample(s.f32(2, 3, 5, 6), s.f32(2, 4, 7, 2, lo=-1.3, hi=1.3), 2, 0, False),
                     sample(s.f32(1, 2, 4, 5), s.f32(1, 6, 3, 2, lo=-1.5, hi=1.5), 2, 1, True),
                     sample(s.f32(1, 2, 4, 5), s.f32(1, 6, 3, 2, lo=-3, hi=3), 2, 2, False),
                     sample(s.f64(1, 2, 4, 5), s.f64(1, 6, 3, 2, lo=-3, hi=3), 2, 2, True),
                     sample(s.f32(2, 2, 3, 4, 5), s.f32(2, 2, 3, 4, 3, lo=-1.2, hi=1.2), 0, 0, False),
                     sample(s.f32(1, 2, 3, 4, 5), s.f32(1, 3, 2, 2, 3, lo=-3, hi=3), 0, 2, True),
                     sample(s.f32(1, 2, 3, 4, 5), s.f32(1, 3, 2, 2, 3, lo=-2, hi=2), 1, 1, False),
                     sample(s.f32(1, 2, 3, 4, 5), s.f32(1, 3, 2, 2, 3), 2, 0, False),
                     sample(s.f32(1, 2, 0, 4), s.f32(1, 2, 2, 2), 0, 0, False),
                     sample(s.f32(1, 0, 3, 4), s.f32(1, 2, 2, 2), 1, 0, True),
                     sample(s.strided(1, 2, 4, 5), s.f32(1, 3, 3, 2, lo=-1.2, hi=1.2), 0, 0, True)])
def grid_sampler(x, grid, interpolation_mode, padding_mode, align_corners):
    k = x.ndim - 2
    if x.ndim not in (4, 5) or grid.ndim != x.ndim:
        raise RuntimeError(f"grid_sampler(): expected 4D or 5D input and grid with same number of dimensions, but "
                           f"got input with sizes {shape_str(x.shape)} and grid with sizes {shape_str(grid.shape)}")
    if x.shape[0] != grid.shape[0] or grid.shape[-1] != k:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {k} in last dimension and the same batch "
                           f"size as input, but got input of size {shape_str(x.shape)} and grid of size "
                           f"{shape_str(grid.shape)}")
    if 0 in x.shape[2:]:
        raise RuntimeError(f"grid_sampler(): expected input to have non-empty spatial dimensions, but input has "
                           f"sizes {shape_str(x.shape)}")
    if x.dtype != grid.dtype:
        raise RuntimeError(f"grid_sampler(): expected input and grid to have the same dtype, but input has "
                           f"{x.dtype} and grid has {grid.dtype}")
    if not is_float(x.dtype):
        raise not_implemented(f"grid_sampler_{k}d_cpu", x.dtype)
    if interpolation_mode not in (0, 1, 2) or padding_mode not in (0, 1, 2):
        raise NotImplementedError("tsjit: grid_sampler modes bilinear/nearest/bicubic with zeros/border/reflection")
    if interpolation_mode == 2 and k == 3:
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    t = x.dtype.type
    n, sizes, vec = x.shape[0], x.shape[2:], k == 2
    # the unnormalized source coordinate per input dim (grid's last axis is x, y[, z]: the reversed dims)
    coords = [_unnormalize(grid[..., k - 1 - d], sizes[d], align_corners, t, vec) for d in range(k)]
    batch = np.arange(n).reshape((n,) + (1,) * k)

    def at(cs):  # (N, C, *out) values at integral float positions, 0 outside
        index = [_index(c, m) for c, m in zip(cs, sizes)]
        inside = np.logical_and.reduce([(i >= 0) & (i < m) for i, m in zip(index, sizes)])
        v = x[(batch, slice(None), *(np.clip(i, 0, m - 1) for i, m in zip(index, sizes)))]  # (N, *out, C)
        return np.moveaxis(np.where(inside[..., None], v, t(0)), -1, 1), inside[:, None]

    def total(terms):
        out = terms[0]
        for term in terms[1:]:
            out = out + term
        return out
    if interpolation_mode == 2:  # bicubic (2-d): taps at floor - 1 .. floor + 2, each bounded on its own
        (cy, cx), (hy, wx) = coords, sizes
        y0, x0 = np.floor(cy), np.floor(cx)
        wy, wxs = cubic_weights(cy - y0, t), cubic_weights(cx - x0, t)
        rows = [total([at([_bounded(y0 + t(i - 1), hy, padding_mode, align_corners, t, vec),
                           _bounded(x0 + t(j - 1), wx, padding_mode, align_corners, t, vec)])[0]
                       * wxs[j][:, None] for j in range(4)]) for i in range(4)]
        return as_array(total([rows[i] * wy[i][:, None] for i in range(4)]).astype(x.dtype))
    coords = [_bounded(c, m, padding_mode, align_corners, t, vec) for c, m in zip(coords, sizes)]
    if interpolation_mode == 1:
        return as_array(at([np.rint(c) for c in coords])[0].astype(x.dtype))
    lows = [np.floor(c) for c in coords]
    terms = []
    for corner in np.ndindex(*(2,) * k):  # the last dim (x) fastest, as PyTorch's nw, ne, sw, se
        wt = None
        for d in reversed(range(k)):  # weights multiplied x first, then y, then z
            if vec:  # (1 - f) and f, f = c - floor(c)
                f = coords[d] - lows[d] if corner[d] else t(1) - (coords[d] - lows[d])
            else:  # (floor + 1 - c) and (c - floor)
                f = coords[d] - lows[d] if corner[d] else lows[d] + t(1) - coords[d]
            wt = f if wt is None else wt * f
        v, inside = at([lo + t(c) for lo, c in zip(lows, corner)])
        # 2-d adds every corner (0 outside, times its weight); 3-d only the corners inside
        terms.append(v * wt[:, None] if vec else np.where(inside, v * wt[:, None], t(0)))
    return as_array(total(terms).astype(x.dtype))
