"""Resampling images and volumes: the upsample_* family (nearest, nearest-exact, linear, bilinear,
bicubic, trilinear) and what F.interpolate chooses among them.

The upsample ops take ATen's base schema (an explicit output_size and optional per-dim scales,
which change the source positions as in PyTorch); `F.interpolate` and the importers' `.vec`
overloads compute the output size from scale factors. Upsampling is separable: along each
spatial dim (last first, as PyTorch's kernel nests them) every output point is a sum of taps
`w[i, t] * x[idx[i, t]]` from tables that depend only on the sizes (`taps`), computed in the
precision PyTorch's CPU kernel uses (float32 indices, opmath weights). The kernel applies the
tables with numpy; tsjit/lowering/resampling.py builds the same sums as linalg generics. PyTorch
may round a source position once (an FMA) where this rounds twice: results differ only where that
position is exactly a whole number and its zero-weight neighbour is inf/NaN. uint8 is taken by
nearest modes only (PyTorch's uint8 linear/cubic kernels are fixed-point, CPU-dependent).
"""
from __future__ import annotations

import math

import numpy as np

from tsjit.dtypes import is_float
from tsjit.kernels.dims import shape_str
from tsjit.kernels.promotion import as_array, not_implemented
from tsjit.ops import samples as s
from tsjit.ops.registry import defop, op, sample
from tsjit.ops.rules import D, ShapeError, dims, int_list, same_dtype

F32, F64 = np.float32, np.float64
_NAMES = {1: ("scales",), 2: ("scales_h", "scales_w"), 3: ("scales_d", "scales_h", "scales_w")}


# -- index and weight tables ----------------------------------------------------------------------

def _scale(n_in: int, n_out: int, align_corners: bool, scale, t):
    """ATen's area_pixel_compute_scale in the opmath type t: 1/scale when a positive scale is given."""
    if align_corners:
        return t(n_in - 1) / t(n_out - 1) if n_out > 1 else t(0)
    if scale is not None and scale > 0:
        return t(1.0 / scale)
    return t(n_in) / t(n_out)


def taps(mode: str, n_in: int, n_out: int, align_corners: bool, scale, t) -> tuple[np.ndarray, np.ndarray | None, float]:
    """(idx, w, slope): idx (n_out, T) input positions, nondecreasing along T, and their weights
    (None for nearest), as PyTorch's CPU kernels compute them; slope is about d idx / d i."""
    i = np.arange(n_out)
    if mode in ("nearest", "nearest_exact"):
        sc = _scale(n_in, n_out, False, scale, F32)
        if mode == "nearest_exact":
            idx = np.floor(((i + 0.5) * F64(sc)).astype(F32))
        elif n_out == n_in:
            idx = i
        elif n_out == 2 * n_in:
            idx = i >> 1
        else:
            idx = np.floor(i.astype(F32) * sc)
        return np.minimum(idx.astype(np.int64), n_in - 1)[:, None], None, float(sc)
    sc = _scale(n_in, n_out, align_corners, scale, t)
    real = sc * i.astype(t) if align_corners else sc * (i.astype(t) + t(0.5)) - t(0.5)
    if mode == "linear":
        if n_out == n_in:
            return np.stack([i, i], 1), np.stack([np.ones(n_out, t), np.zeros(n_out, t)], 1), 1.0
        real = np.maximum(real, t(0))
        i0 = np.minimum(np.floor(real.astype(F32)).astype(np.int64), n_in - 1)
        l1 = np.minimum(np.maximum(real - i0.astype(t), t(0)), t(1)).astype(t)
        return np.stack([i0, i0 + (i0 < n_in - 1)], 1), np.stack([t(1) - l1, l1], 1), float(sc)
    i0 = np.floor(real.astype(F32)).astype(np.int64)  # cubic: A = -0.75, unclamped fraction
    x1 = (real - i0.astype(t)).astype(t)
    x2 = (t(1.0) - x1).astype(t)
    a = t(-0.75)

    def near(x):
        return ((a + t(2)) * x - (a + t(3))) * x * x + t(1)

    def far(x):
        return ((a * x - t(5) * a) * x + t(8) * a) * x - t(4) * a
    w = np.stack([far((x1 + 1.0).astype(t)), near(x1), near(x2), far((x2 + 1.0).astype(t))], 1)
    return np.clip(i0[:, None] - 1 + np.arange(4), 0, n_in - 1), w, float(sc)


def opmath(dtype: np.dtype):
    return F64 if dtype == F64 else F32


def _check(name: str, x: np.ndarray, sizes, spatial: int, mode: str):
    if len(sizes) != spatial:
        raise RuntimeError(f"It is expected output_size equals to {spatial}, but got size {len(sizes)}")
    if x.ndim != spatial + 2:
        raise RuntimeError(f"It is expected input_size equals to {spatial + 2}, but got size {x.ndim}")
    ins = x.shape[2:]
    if min(ins) <= 0 or min(sizes) <= 0:
        axes = "DHW"[3 - spatial:]
        shown = lambda v: ", ".join(f"{a}: {n}" for a, n in zip(axes, v))
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input ({shown(ins)}) output "
                           f"({shown(sizes)})")
    if x.size == 0 and math.prod(x.shape[1:]) == 0:
        raise RuntimeError(f"Non-empty {spatial + 2}D data tensor expected but got a tensor with sizes "
                           f"{shape_str(x.shape)}")
    if not is_float(x.dtype) and not (x.dtype == np.uint8 and mode in ("nearest", "nearest_exact")):
        raise not_implemented(name, x.dtype)  # uint8 linear/cubic: PyTorch's fixed-point kernels, not done


def resample(name: str, x: np.ndarray, sizes, mode: str, align_corners: bool, scales) -> np.ndarray:
    spatial = len(_NAMES[len(scales)])
    sizes = list(sizes)
    _check(name, x, sizes, spatial, mode)
    t = opmath(x.dtype)
    y = x
    for d in reversed(range(spatial)):
        axis = x.ndim - spatial + d
        idx, w, _ = taps(mode, x.shape[axis], sizes[d], align_corners, scales[d], t)
        if w is None:
            y = np.take(y, idx[:, 0], axis)
            continue
        shape = [1] * x.ndim
        shape[axis] = -1
        w = w.astype(x.dtype).astype(t)
        acc = np.take(y, idx[:, 0], axis).astype(t) * w[:, 0].reshape(shape)
        for j in range(1, w.shape[1]):
            acc = acc + np.take(y, idx[:, j], axis).astype(t) * w[:, j].reshape(shape)
        y = acc.astype(x.dtype)
    return as_array(np.ascontiguousarray(y))


# -- the upsample ops -----------------------------------------------------------------------------

def _upsampled(spatial: int):
    def rule(x, output_size, *rest):
        xs = dims(x)
        out = int_list(output_size, "output_size")
        if len(out) != spatial or len(xs) != spatial + 2:
            raise ShapeError(f"upsampling {spatial}-d needs a {spatial + 2}-d input and {spatial} output sizes")
        if any(o != D and o <= 0 for o in out):
            raise ShapeError("output sizes should be greater than 0")
        return xs[:2] + tuple(out)
    return rule


def _samples(spatial: int, mode: str):
    """Up and down sampling, scales, equal sizes, one-pixel inputs, NaN/inf, an empty batch,
    float64, non-contiguous inputs and the errors (wrong rank, zero sizes, integer inputs)."""
    linear = mode in ("linear", "cubic")

    def shape(*sizes):
        return sizes[:2 + spatial]

    def args(sizes, align=False, scales=None):
        scales = scales or [None] * spatial
        return [list(sizes[:spatial]), *([align] if linear else []), *scales]

    def samples():
        wrong_rank = (2, 3, 4, 5) if spatial != 2 else (3, 4, 5)
        out = [sample(s.f32(*shape(2, 3, 5, 4, 3)), *args((8, 7, 5))),
               sample(s.f32(*shape(1, 2, 7, 9, 8)), *args((3, 4, 5))),
               sample(s.f32(*shape(1, 2, 3, 4, 5)), *args((7, 9, 11), False, [2.5, 2.25, 2.2][:spatial])),
               sample(s.f32(*shape(1, 2, 6, 5, 4)), *args((6, 5, 4))),
               sample(s.f32(*shape(2, 1, 1, 1, 1)), *args((3, 2, 2))),
               sample(s.special().reshape((1,) * (spatial - 1) + (1, 3, 4)), *args((8, 6, 8))),
               sample(s.f32(*shape(0, 3, 4, 4, 4)), *args((2, 3, 2))),
               sample(s.f64(*shape(1, 2, 4, 5, 3)), *args((9, 3, 7))),
               sample(s.strided(*shape(2, 3, 4, 5, 3)), *args((5, 5, 5))),
               sample(s.f32(*wrong_rank), *args((6, 6, 6))),
               sample(s.f32(*shape(1, 2, 3, 3, 3)), *args((0, 2, 2))),
               sample(s.f32(*shape(1, 0, 3, 3, 3)), *args((2, 2, 2))),
               sample(s.i64(*shape(1, 2, 3, 3, 3)), *args((4, 5, 6)))]
        if linear:
            out += [sample(s.f32(*shape(2, 3, 5, 4, 3)), *args((8, 7, 5), True)),
                    sample(s.f32(*shape(1, 2, 7, 9, 8)), *args((3, 1, 5), True)),
                    sample(s.f64(*shape(1, 2, 3, 4, 5)), *args((7, 9, 11), True, [2.5, 2.25, 2.2][:spatial]))]
        else:
            out += [sample(s.i64(*shape(1, 2, 3, 4, 5), lo=0, hi=255, dtype="uint8"), *args((7, 3, 8))),
                    sample(s.f32(*shape(1, 2, 5, 5, 5)), *args((8, 12, 7), False, [1.7, 2.5, 1.5][:spatial]))]
        return out
    return samples


def _define(name: str, spatial: int, mode: str, aten: str | None = None):
    scales = _NAMES[spatial]
    linear = mode in ("linear", "cubic")
    schema = (f"(Tensor self, int[] output_size, {'bool align_corners, ' if linear else ''}"
              + ", ".join(f"float? {n}=None" for n in scales) + ") -> Tensor")
    kernel_name = aten or name

    if linear:
        def kernel(x, output_size, align_corners, *scale_values):
            return resample(kernel_name, x, output_size, mode, align_corners, scale_values)
    else:
        def kernel(x, output_size, *scale_values):
            return resample(kernel_name, x, output_size, mode, False, scale_values)
    kernel.__name__ = name
    defop(name, schema, kernel, shape=_upsampled(spatial), dtype=same_dtype, lower="resampling.lower_upsample",
          samples=_samples(spatial, mode), aten=aten)


for _n, _mode in ((1, "nearest"), (2, "nearest"), (3, "nearest")):
    _define(f"upsample_nearest{_n}d", _n, _mode)
    _define(f"upsample_nearest_exact{_n}d", _n, "nearest_exact", aten=f"_upsample_nearest_exact{_n}d")
_define("upsample_linear1d", 1, "linear")
_define("upsample_bilinear2d", 2, "linear")
_define("upsample_trilinear3d", 3, "linear")
_define("upsample_bicubic2d", 2, "cubic")

#: ts op -> (interpolation mode, spatial dims), read by the lowering and F.interpolate
UPSAMPLE = {f"upsample_nearest{n}d": ("nearest", n) for n in (1, 2, 3)} | {
    f"upsample_nearest_exact{n}d": ("nearest_exact", n) for n in (1, 2, 3)} | {
    "upsample_linear1d": ("linear", 1), "upsample_bilinear2d": ("linear", 2), "upsample_trilinear3d": ("linear", 3),
    "upsample_bicubic2d": ("cubic", 2)}

_MODE_OPS = {"nearest": "upsample_nearest{}d", "nearest-exact": "upsample_nearest_exact{}d",
             "linear": "upsample_linear1d", "bilinear": "upsample_bilinear2d", "trilinear": "upsample_trilinear3d",
             "bicubic": "upsample_bicubic2d", "area": "adaptive_avg_pool{}d"}
_MODE_DIMS = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}


def interpolate_plan(rank: int, size, scale_factor, mode: str, align_corners, recompute_scale_factor,
                     antialias: bool):
    """F.interpolate's choices, with its errors: (op, spatial, output sizes or None, scales or None,
    align_corners). Sizes are None when they follow from the scales (floor(n * scale) per dim)."""
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: linear | bilinear "
                             "| bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    dim = rank - 2
    sizes = scales = None
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        sizes = list(size) if isinstance(size, list | tuple) else [size] * dim
        if isinstance(size, list | tuple) and len(size) != dim:
            raise ValueError("Input and output must have the same number of spatial dimensions, but got input with "
                             f"spatial dimensions of {dim} and output size of {list(size)}. Please provide input "
                             "tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.")
    elif scale_factor is not None:
        scales = list(scale_factor) if isinstance(scale_factor, list | tuple) else [scale_factor] * dim
        if isinstance(scale_factor, list | tuple) and len(scale_factor) != dim:
            raise ValueError("Input and scale_factor must have the same number of spatial dimensions, but got input "
                             f"with spatial dimensions of {dim} and scale_factor of shape {list(scale_factor)}. "
                             "Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in "
                             "(s1, s2, ...,sK) format.")
        scales = [float(v) for v in scales]
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    recompute = bool(recompute_scale_factor) or mode == "area" and sizes is None
    if antialias and not (mode in ("bilinear", "bicubic") and rank == 4):
        raise ValueError("Anti-alias option is restricted to bilinear and bicubic modes and requires a 4-D tensor "
                         "as input")
    want = _MODE_DIMS.get(mode, dim)
    if mode not in _MODE_OPS or not 1 <= dim <= 3 or want != dim:
        if mode in _MODE_DIMS and 1 <= dim <= 3:
            raise NotImplementedError(f"Got {rank}D input, but {mode} mode needs {want + 2}D input")
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {rank}D) for the "
                                  "non-batch modes: nearest | linear | bilinear | bicubic | trilinear | area | "
                                  f"nearest-exact (got {mode})")
    name = f"upsample_{mode}2d_aa" if antialias else _MODE_OPS[mode].format(dim)  # tsjit/ops/antialias.py
    return name, dim, sizes, None if recompute else scales, align_corners


def scaled_sizes(shape, scales) -> list[int]:
    """The output sizes of scale factors: floor(n * scale) per spatial dim (as ATen's compute_output_size)."""
    return [math.floor(n * sc) for n, sc in zip(shape[len(shape) - len(scales):], scales)]


# -- rearranging pixels and channels ----------------------------------------------------------------

def _unshuffle_shape(x, r):
    xs = dims(x)
    if len(xs) < 3 or r <= 0:
        raise ShapeError("pixel_unshuffle expects at least 3 dims and a positive downscale_factor")
    c, h, w = xs[-3:]
    if 0 in xs:
        return xs  # PyTorch returns an empty input as it is
    return xs[:-3] + (c if c == D else c * r * r, h if h == D else h // r, w if w == D else w // r)


@op("pixel_unshuffle", "(Tensor self, int downscale_factor) -> Tensor", shape=_unshuffle_shape, dtype=same_dtype,
    lower="resampling.lower_pixel_unshuffle", api="torch F",
    samples=lambda: [sample(s.f32(2, 3, 4, 6), 2), sample(s.f32(3, 6, 9), 3), sample(s.i64(1, 2, 2, 2, 4), 2),
                     sample(s.mask(1, 1, 2, 2), 1), sample(s.f32(0, 2, 4, 4), 2), sample(s.strided(2, 4, 6), 2),
                     sample(s.f64(1, 2, 4, 4), 4), sample(s.f32(2, 4, 4), 0), sample(s.f32(2, 4, 6), 4),
                     sample(s.f32(4, 4), 2)])
def pixel_unshuffle(x, r):
    """(*, C, H*r, W*r) -> (*, C*r*r, H, W): out[.., c*r*r + i*r + j, h, w] = x[.., c, h*r + i, w*r + j]."""
    if x.ndim < 3:
        raise RuntimeError(f"pixel_unshuffle expects input to have at least 3 dimensions, but got input with {x.ndim} "
                           "dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    for axis, what in ((-2, "height"), (-1, "width")):
        if x.shape[axis] % r:
            raise RuntimeError(f"pixel_unshuffle expects {what} to be divisible by downscale_factor, but "
                               f"input.size({axis})={x.shape[axis]} is not divisible by {r}")
    if x.size == 0:
        return x.copy()
    *lead, c, h, w = x.shape
    y = x.reshape(*lead, c, h // r, r, w // r, r)
    n = len(lead)
    y = y.transpose(*range(n), n, n + 2, n + 4, n + 1, n + 3)
    return as_array(np.ascontiguousarray(y).reshape(*lead, c * r * r, h // r, w // r))


def _channel_shuffle_shape(x, groups):
    xs = dims(x)
    if len(xs) < 3 or groups <= 0 or D != xs[1] and xs[1] % groups:
        raise ShapeError("channel_shuffle expects more than 2 dims and channels divisible by a positive groups")
    return xs


@op("channel_shuffle", "(Tensor self, int groups) -> Tensor", shape=_channel_shuffle_shape, dtype=same_dtype,
    lower="resampling.lower_channel_shuffle", aten="channel_shuffle native_channel_shuffle", api="torch F",
    samples=lambda: [sample(s.f32(2, 6, 3, 4), 3), sample(s.f32(1, 8, 5), 2), sample(s.i64(2, 6, 2, 2, 2), 6),
                     sample(s.mask(1, 4, 3), 1), sample(s.f32(0, 6, 2, 2), 2), sample(s.strided(2, 4, 3), 2),
                     sample(s.f64(1, 6, 2), 3), sample(s.f32(2, 6, 4), 0), sample(s.f32(2, 6, 4), 4),
                     sample(s.f32(2, 6), 2)])
def channel_shuffle(x, groups):
    """(N, g*k, *) -> out[:, i*g + j] = x[:, j*k + i]."""
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of groups:{groups}")
    if x.ndim <= 2:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with sizes {shape_str(x.shape)}")
    if x.shape[1] % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {x.shape[1]} channels and {groups} "
                           "groups.")
    n, c, *rest = x.shape
    y = x.reshape(n, groups, c // groups, *rest).swapaxes(1, 2)
    return as_array(np.ascontiguousarray(y).reshape(x.shape))
