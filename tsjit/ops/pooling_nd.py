"""Pooling over 1 and 3 spatial dims, max pooling with indices, and max_unpool.

Every window is an `Axis` per spatial dim (below): output o reads positions
`o*stride - padding + k*dilation`, those inside the input valid. Max pooling follows PyTorch's scan
(the first valid element, then `val > max || isnan(val)`), so its indices are the first maximum or
the last NaN, flat over the input's spatial dims; averages add in window order and divide by the
window clipped to input + padding (count_include_pad) or to the input, or by divisor_override.
The lowerings are one window-reduction generic each (tsjit/lowering/pooling.py `window_reduce`);
max_unpool writes each input element at its index, lowered as a select over the plane
(tsjit/lowering/pooling_nd.py). Dtypes follow PyTorch's CPU kernels: max pooling takes any
non-bool type, avg_pool floats and int64, max_unpool floats.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tsjit.dtypes import is_float
from tsjit.kernels.dims import shape_str
from tsjit.kernels.promotion import INT64, as_array, not_implemented
from tsjit.ops import checks as chk
from tsjit.ops import samples as s
from tsjit.ops.pooling import (
    _WITH_INDICES,
    _avg_pool_shape,
    _lowest,
    _max_pool_shape,
    _out_size,
)
from tsjit.ops.registry import defop, sample
from tsjit.ops.rules import ShapeError, dims, int_list, same_dtype

# -- windows of any rank (also adaptive pooling's, tsjit/ops/pooling.py, and the lowerings) --------

@dataclass(frozen=True)
class Axis:
    """One spatial dim of a window reduction: output o reads input positions
    `(o*p)//q + lo + k*dil` for k < k_size where `valid[o, k]` (a bin, or a window inside the input)."""

    n: int
    p: int
    q: int
    lo: int
    dil: int
    valid: np.ndarray  # (out, k_size) bool

    @property
    def out(self) -> int:
        return self.valid.shape[0]

    @property
    def k(self) -> int:
        return self.valid.shape[1]

    def pos(self) -> np.ndarray:
        start = (np.arange(self.out, dtype=np.int64) * self.p) // self.q + self.lo
        return start[:, None] + np.arange(self.k, dtype=np.int64) * self.dil


def pool_axis(n: int, out: int, k: int, st: int, p: int, d: int) -> Axis:
    """A pooling window: positions o*st - p + k*d, those inside the input valid."""
    pos = np.arange(out)[:, None] * st - p + np.arange(k) * d
    return Axis(n, st, 1, -p, d, (pos >= 0) & (pos < n))


def adaptive_axis(n: int, out: int) -> Axis:
    """PyTorch's adaptive bins [floor(o*n/out), ceil((o+1)*n/out)), read from floor(o*n/out)."""
    o = np.arange(out)
    length = -(-((o + 1) * n) // out) - (o * n) // out
    k = int(length.max()) if out else 1
    return Axis(n, n, out, 0, 1, np.arange(k)[None, :] < length[:, None])


def windows(x: np.ndarray, axes: list[Axis]):
    """(g, valid, flat): g[..., o1..oS, w] the window elements over the last S dims of x (w the
    window position, row-major), valid[o1..oS, w] and flat[o1..oS, w] their flat input index."""
    lead, spatial = x.ndim - len(axes), len(axes)
    pos = [a.pos() for a in axes]
    low = [max(0, -int(p.min(initial=0))) for p in pos]
    high = [max(0, int(p.max(initial=0)) - a.n + 1) for p, a in zip(pos, axes)]
    g = np.pad(x, [(0, 0)] * lead + list(zip(low, high)))
    for j, (p, lo) in enumerate(zip(pos, low)):
        g = np.take(g, p + lo, axis=lead + 2 * j)
    order = [2 * j for j in range(spatial)] + [2 * j + 1 for j in range(spatial)]
    g = g.transpose(*range(lead), *(lead + o for o in order))
    outs = tuple(a.out for a in axes)
    g = g.reshape(g.shape[:lead + spatial] + (math.prod(a.k for a in axes),))
    valid, flat = np.ones((), bool), np.zeros((), np.int64)
    for a, p in zip(axes, pos):
        valid = np.logical_and.outer(valid, a.valid)
        flat = np.add.outer(flat * a.n, np.clip(p, 0, a.n - 1))
    return g, valid.transpose(order).reshape(outs + (-1,)), flat.transpose(order).reshape(outs + (-1,))


def max_windows(x: np.ndarray, axes: list[Axis]):
    """PyTorch's window max scan (`val > max || isnan(val)` from the first valid element): the
    values, and the flat input index of the first maximum or the last NaN."""
    g, valid, flat = windows(x, axes)
    low = _lowest(x.dtype)
    masked = np.where(valid, g, low)
    m = masked.max(axis=-1)
    nan = valid & (np.isnan(g) if is_float(x.dtype) else False)
    last_nan = nan.shape[-1] - 1 - np.argmax(nan[..., ::-1], axis=-1)
    first_max = np.argmax(valid & (g == m[..., None]), axis=-1)
    arg = np.where(nan.any(axis=-1), last_nan, first_max)
    values = np.take_along_axis(g, arg[..., None], -1)[..., 0]
    return as_array(values.astype(x.dtype)), np.take_along_axis(np.broadcast_to(flat, g.shape), arg[..., None],
                                                                 -1)[..., 0].astype(INT64)


def sum_windows(x: np.ndarray, axes: list[Axis]) -> np.ndarray:
    """Window sums, the elements added in window order onto 0 (as PyTorch's loops)."""
    g, valid, _ = windows(x, axes)
    acc = np.zeros(g.shape[:-1], x.dtype)
    for w in range(g.shape[-1]):
        acc = acc + np.where(valid[..., w], g[..., w], x.dtype.type(0))
    return acc


def _tuple(name: str, spatial: int, values, what: str, default=None) -> tuple[int, ...]:
    values = tuple(values) if len(values) or default is None else tuple(default)
    if len(values) == 1:
        values *= spatial
    if len(values) != spatial:
        raise RuntimeError(f"{name}: {what} must either be a single int, or a tuple of {spatial} ints")
    return values


def pool_axes(name: str, spatial: int, x, kernel_size, stride, padding, dilation, ceil_mode):
    """PyTorch's pooling checks, and the windows of the last `spatial` dims of x."""
    ks = _tuple(name, spatial, kernel_size, "kernel_size")
    ss = _tuple(name, spatial, stride, "stride", ks)
    ps, ds = _tuple(name, spatial, padding, "padding"), _tuple(name, spatial, dilation, "dilation")
    if x.ndim not in (spatial + 1, spatial + 2):
        raise RuntimeError(f"non-empty {spatial + 1}D or {spatial + 2}D (batch mode) tensor expected for input")
    if 0 in x.shape[-spatial - 1:]:
        raise RuntimeError(f"Expected input's non-batch dimensions to have positive length, but input has a shape "
                           f"of {shape_str(x.shape)}")
    for k, st, p, d in zip(ks, ss, ps, ds):
        if k <= 0 or st <= 0 or d <= 0:
            raise RuntimeError(f"{name}: kernel_size, stride and dilation should be greater than zero, but got "
                               f"kernel_size={list(ks)}, stride={list(ss)}, dilation={list(ds)}")
        if p < 0 or p > (d * (k - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p}, "
                               f"kernel_size={k} and dilation={d}")
    outs = [_out_size(n, *v, ceil_mode) for n, *v in zip(x.shape[-spatial:], ks, ss, ps, ds)]
    if min(outs) < 1:
        raise RuntimeError(f"Given input size: ({'x'.join(map(str, x.shape[-spatial - 1:]))}). Calculated output "
                           f"size: ({x.shape[-spatial - 1]}x{'x'.join(map(str, outs))}). Output size is too small")
    return [pool_axis(n, o, k, st, p, d) for n, o, k, st, p, d in zip(x.shape[-spatial:], outs, ks, ss, ps, ds)]


# -- max pooling ----------------------------------------------------------------------------------

def _max_pool(name: str, spatial: int, with_indices: bool):
    def kernel(x, kernel_size, stride=(), padding=(0,), dilation=(1,), ceil_mode=False):
        if x.dtype.kind == "b":
            raise not_implemented(name.removesuffix("_with_indices"), x.dtype)
        axes = pool_axes(name, spatial, x, kernel_size, stride, padding, dilation, ceil_mode)
        values, indices = max_windows(x, axes)
        return (values, indices) if with_indices else values
    kernel.__name__ = name
    return kernel


def _max_samples(spatial: int):
    def shape(*sizes):
        return sizes[:len(sizes) - 3 + spatial]

    def ints(*values):
        return list(values[:spatial])

    def samples():
        return [sample(s.f32(*shape(2, 3, 6, 7, 8)), [2], [], [0], [1], False),
                sample(s.f32(*shape(2, 2, 7, 9, 10)), ints(3, 2, 3), ints(2, 3, 2), ints(1, 1, 1), ints(2, 1, 1), True),
                sample(s.special().reshape((1, 1, 1, 3, 4)[3 - spatial:]), [2], [1], [1], [1], False),
                sample(s.f32(*shape(0, 3, 4, 4, 4)), [2], [], [0], [1], False),
                sample(s.strided(*shape(2, 3, 6, 5, 5)), [3], [2], [1], [1], True),
                sample(s.i64(*shape(1, 2, 5, 5, 5)), [3], [2], [1], [1], False),
                sample(s.f64(*shape(1, 3, 7, 6, 5)[1:]), ints(2, 3, 2), ints(1, 2, 2), [0], [1], True),
                sample(np.full(shape(1, 1, 3, 4, 4), -np.inf, np.float32), [3], [2], [1], [1], True),
                sample(s.mask(*shape(1, 2, 4, 4, 4)), [2], [], [0], [1], False),
                sample(s.f32(*shape(1, 2, 4, 4, 4)), [2], [], [2], [1], False),
                sample(s.f32(*shape(1, 2, 3, 3, 3)), [5], [], [0], [1], False),
                sample(s.f32(*shape(2, 3)), [2], [], [0], [1], False),
                sample(s.i64(*shape(1, 2, 5, 5, 5), lo=0, hi=200, dtype="uint8"), [2], [1], [0], [1], True)]
    return samples


def _with_indices_shape(spatial: int):
    inner = _max_pool_shape(spatial)
    return lambda *args: (inner(*args),) * 2


_MAX_SCHEMA = ("(Tensor self, int[] kernel_size, int[] stride=[], int[] padding=[0], int[] dilation=[1], "
               "bool ceil_mode=False) -> ")
for _n, _indices in ((3, False), (3, True), (2, True), (1, True)):
    _name = f"max_pool{_n}d" + ("_with_indices" if _indices else "")
    defop(_name, _MAX_SCHEMA + ("(Tensor values, Tensor indices)" if _indices else "Tensor"),
          _max_pool(_name, _n, _indices), shape=_with_indices_shape(_n) if _indices else _max_pool_shape(_n),
          dtype=_WITH_INDICES if _indices else same_dtype, lower="pooling_nd.lower_max_pool",
          verify=chk.rank_in(0, (_n + 1, _n + 2), f"{_name} input"), samples=_max_samples(_n))


# -- average pooling ------------------------------------------------------------------------------

def avg_divisors(axes, ks, ps, count_include_pad: bool) -> np.ndarray:
    """The divisor of every output position (outs): the window clipped to input + padding, or to
    the input."""
    div = np.ones((), np.int64)
    for a, k, p in zip(axes, ks, ps):
        start = np.arange(a.out) * a.p - p
        end = np.minimum(start + k, a.n + p)
        count = end - start if count_include_pad else np.minimum(end, a.n) - np.maximum(start, 0)
        div = np.multiply.outer(div, count)
    return div


def avg_pool_nd(name: str, spatial: int, x, kernel_size, stride, padding, ceil_mode, count_include_pad,
                divisor_override):
    """Integer averages truncate toward zero (as C++ integer division)."""
    if not is_float(x.dtype) and x.dtype != INT64:
        raise not_implemented(f"{name}_out_frame" if spatial == 3 else "avg_pool2d", x.dtype)
    if divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    axes = pool_axes(name, spatial, x, kernel_size, stride, padding, [1], ceil_mode)
    ks = _tuple(name, spatial, kernel_size, "kernel_size")
    if spatial == 3 and any(a.n < k for a, k in zip(axes, ks)):
        raise RuntimeError(f"input image (T: {axes[0].n} H: {axes[1].n} W: {axes[2].n}) smaller than kernel size "
                           f"(kT: {ks[0]} kH: {ks[1]} kW: {ks[2]})")
    sums = sum_windows(x, axes)
    if divisor_override is not None:
        div = np.int64(divisor_override)
    else:
        div = avg_divisors(axes, ks, _tuple(name, spatial, padding, "padding"), count_include_pad)
    if is_float(x.dtype):
        return as_array((sums / np.asarray(div, x.dtype)).astype(x.dtype))
    floor = sums // div
    return as_array(np.where((floor < 0) & (floor * div != sums), floor + 1, floor))


def _avg_samples(spatial: int):
    def shape(*sizes):
        return sizes[:len(sizes) - 3 + spatial]

    def ints(*values):
        return list(values[:spatial])

    def samples():
        out = [sample(s.f32(*shape(2, 3, 6, 7, 9)), [3], [2], [1], False, True),
               sample(s.f32(*shape(2, 3, 7, 9, 10)), ints(3, 2, 3), ints(2, 3, 2), ints(1, 1, 1), True, True),
               sample(s.f32(*shape(2, 3, 7, 9, 10)), [3], [2], [1], True, False),
               sample(s.special().reshape((1, 1, 3, 4)[3 - spatial:] if spatial < 3 else (1, 3, 2, 2)), [2], [1], [1], False, True),
               sample(s.i64(*shape(1, 2, 5, 5, 5), lo=-9, hi=9), [2], [1], [1], True, False),
               sample(s.f32(*shape(0, 2, 4, 4, 4)), [2], [], [0], False, True),
               sample(s.strided(*shape(2, 3, 5, 6, 8)), [4], [3], [2], False, True),
               sample(s.f64(*shape(1, 2, 5, 4, 6)[1:]), [2], [1], [1], True, True),
               sample(s.i32(*shape(1, 2, 4, 4, 4)), [2], [], [0], False, True),
               sample(s.f32(*shape(1, 2, 4, 4, 4)), [2], [], [2], False, True),
               sample(s.f32(6), [2], [], [0], False, True)]
        if spatial == 3:
            out += [sample(s.f32(1, 2, 6, 6, 6), [2], [], [0], False, True, 3),
                    sample(s.i64(1, 2, 4, 4, 4, lo=-9, hi=9), [2], [], [0], False, True, 3),
                    sample(s.f32(1, 2, 4, 4, 4), [2], [], [0], False, True, 0)]
            out = [sample(*smp.operands, *([None] if len(smp.operands) == 6 else [])) for smp in out]
        return out
    return samples


def avg_pool1d(x, kernel_size, stride=(), padding=(0,), ceil_mode=False, count_include_pad=True):
    for values, what in ((kernel_size, "kernel_size"), (padding, "padding")):
        if len(values) != 1:
            raise RuntimeError(f"avg_pool1d() argument '{what}' should contain one int (got {len(values)})")
    if x.ndim not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {x.ndim}-dimensional tensor for argument #1 "
                           "'self' (while checking arguments for avg_pool1d)")
    return avg_pool_nd("avg_pool1d", 1, x, kernel_size, stride, padding, ceil_mode, count_include_pad, None)


def avg_pool3d(x, kernel_size, stride=(), padding=(0,), ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    return avg_pool_nd("avg_pool3d", 3, x, kernel_size, stride, padding, ceil_mode, count_include_pad,
                       divisor_override)


_AVG = "(Tensor self, int[] kernel_size, int[] stride=[], int[] padding=[0], bool ceil_mode=False, " \
       "bool count_include_pad=True"
defop("avg_pool1d", _AVG + ") -> Tensor", avg_pool1d, shape=_avg_pool_shape(1), dtype=same_dtype,
      lower="pooling_nd.lower_avg_pool", verify=chk.rank_in(0, (2, 3), "avg_pool1d input"), samples=_avg_samples(1),
      api="torch F")
defop("avg_pool3d", _AVG + ", int? divisor_override=None) -> Tensor", avg_pool3d, shape=_avg_pool_shape(3),
      dtype=same_dtype, lower="pooling_nd.lower_avg_pool", verify=chk.rank_in(0, (4, 5), "avg_pool3d input"),
      samples=_avg_samples(3))


# -- max_unpool -----------------------------------------------------------------------------------

def _unpool_shape(spatial: int):
    def rule(x, indices, output_size, *rest):
        xs, out = dims(x), int_list(output_size, "output_size")
        if len(out) != spatial or len(xs) not in (spatial + 1, spatial + 2):
            raise ShapeError(f"max_unpool{spatial}d: {spatial} output sizes and a {spatial + 1}-d or "
                             f"{spatial + 2}-d input")
        return xs[:len(xs) - spatial] + tuple(out)
    return rule


def _max_unpool(spatial: int):
    name = f"max_unpool{spatial}d"
    what = {2: "two elements (height, width)", 3: "three elements (depth, height, width)"}[spatial]

    def kernel(x, indices, output_size, stride=None, padding=None):
        if indices.dtype != INT64:
            raise RuntimeError(f"elements in indices should be type int64 but got: {indices.dtype}")
        if len(output_size) != spatial:
            raise RuntimeError(f"There should be exactly {what} in output_size, but got {len(output_size)} elements.")
        if x.ndim not in (spatial + 1, spatial + 2):
            raise RuntimeError(f"Input to max_unpooling{spatial}d should be a {spatial + 1}d or {spatial + 2}d "
                               f"Tensor, but got a tensor with {x.ndim} dimensions.")
        if x.shape != indices.shape:
            raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor "
                               f"({shape_str(x.shape)}) but got indices tensor with shape: {shape_str(indices.shape)}")
        if 0 in x.shape[-spatial - 1:]:
            raise RuntimeError(f"{name}(): Expected input to have non-zero size for non-batch dimensions, but got "
                               f"{shape_str(x.shape)}")
        if spatial == 3:
            for values, label in ((stride, "stride"), (padding, "pad")):
                if len(values) != 3:
                    raise RuntimeError(f"There should be exactly three elements (depth, height, width) in {label}, "
                                       f"but got: {len(values)} elements.")
            if min(stride) <= 0:
                raise RuntimeError(f"strides should be greater than zero, but got stride: {list(stride)}")
        if not is_float(x.dtype):
            raise not_implemented(name, x.dtype)
        lead, size = x.shape[:-spatial], math.prod(output_size)
        planes = x.reshape(-1, math.prod(x.shape[-spatial:]))
        where = indices.reshape(planes.shape)
        bad = (where < 0) | (where >= size)
        if bad.any():
            raise RuntimeError(f"Found an invalid max index: {where[bad][0]} (output volumes are of size "
                               f"{'x'.join(map(str, output_size))}")
        out = np.zeros((planes.shape[0], size), x.dtype)
        for j in range(planes.shape[1]):  # in input order: a repeated index keeps the last value
            out[np.arange(planes.shape[0]), where[:, j]] = planes[:, j]
        return out.reshape(lead + tuple(output_size))
    kernel.__name__ = name
    return kernel


def _unpool_samples(spatial: int):
    def pooled(x, k=2):
        v, i = max_windows(x, pool_axes("", spatial, x, [k], [], [0], [1], False))
        return v, i

    def samples():
        sh = (2, 3) + (6,) * spatial
        v, i = pooled(s.f32(*sh))
        vn, in_ = pooled(s.f32(*(3,) + (5,) * spatial), 3)
        v64, i64 = pooled(s.f64(*sh))
        extra = [[2] * spatial, [0] * spatial] if spatial == 3 else []
        out = (6,) * spatial
        return [sample(v, i, list(out), *extra), sample(vn, in_, [5] * spatial, *extra),
                sample(v, i, [7] * spatial, *extra), sample(v64, i64, list(out), *extra),
                sample(v[:0], i[:0], list(out), *extra), sample(v, np.zeros_like(i), list(out), *extra),
                sample(v, i + 100, list(out), *extra), sample(v, i.astype(np.int32), list(out), *extra),
                sample(v, i, [6] * (spatial - 1), *extra), sample(v, i[..., :1], list(out), *extra),
                sample(v.astype(np.int64), i, list(out), *extra), sample(v, i, [3] * spatial, *extra)]
    return samples


defop("max_unpool2d", "(Tensor self, Tensor indices, int[] output_size) -> Tensor", _max_unpool(2),
      shape=_unpool_shape(2), dtype=same_dtype, lower="pooling_nd.lower_max_unpool", samples=_unpool_samples(2))
defop("max_unpool3d", "(Tensor self, Tensor indices, int[] output_size, int[] stride, int[] padding) -> Tensor",
      _max_unpool(3), shape=_unpool_shape(3), dtype=same_dtype, lower="pooling_nd.lower_max_unpool",
      samples=_unpool_samples(3))
