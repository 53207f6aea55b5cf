"""Pooling: max and average over sliding windows, and adaptive pooling into a fixed output size.

Window parameters are int[] operands of one value per spatial dim (a single value repeats; an
empty stride means the kernel size). Output sizes follow ATen's pooling_output_shape: with
ceil_mode the last window must start inside the input or its left padding. Adaptive bins are
[floor(i*n/out), ceil((i+1)*n/out)). The 1-d ops are the 2-d kernels over (..., 1, L).
PyTorch's CPU kernels take floats only, except max_pool2d (any integer) and avg_pool (int64).
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tsjit.dtypes import is_float
from tsjit.kernels.dims import shape_str
from tsjit.kernels.promotion import INT64, as_array, not_implemented
from tsjit.ops import checks as chk
from tsjit.ops import samples as s
from tsjit.ops.registry import REGISTRY, defop, op, sample
from tsjit.ops.rules import ShapeError, arith, dims, each, fixed, int_list, same_dtype

# -- rules ----------------------------------------------------------------------------------------

def _per_dim(values, n: int, what: str, default=None) -> list[int]:
    """An int[] of one value per spatial dim (a single value repeats; empty gives the default)."""
    vs = int_list(values, what) or list(default or [])
    return vs * n if len(vs) == 1 else vs


def _pool_size(n: int, k: int, st: int, p: int, d: int, ceil_mode: bool) -> int:
    """ATen's pooling_output_shape."""
    def size(n, k, st, p, d):
        out = (n + 2 * p - d * (k - 1) - 1 + (st - 1 if ceil_mode else 0)) // st + 1
        return out - 1 if ceil_mode and (out - 1) * st >= n + p else out
    return arith(size, n, k, st, p, d)


def _pooled(spatial: int, x, kernel, stride, padding, dilation, ceil_mode) -> tuple[int, ...]:
    ks = _per_dim(kernel, spatial, "kernel_size")
    ss = _per_dim(stride, spatial, "stride", ks)
    ps, ds = _per_dim(padding, spatial, "padding"), _per_dim(dilation, spatial, "dilation")
    if not isinstance(ceil_mode, bool):
        raise ShapeError("ceil_mode must be a compile-time constant")
    xs = dims(x)
    return xs[:-spatial] + tuple(_pool_size(*v, ceil_mode) for v in zip(xs[-spatial:], ks, ss, ps, ds))


def _max_pool_shape(spatial: int):
    return lambda x, kernel, stride, padding, dilation, ceil_mode: _pooled(spatial, x, kernel, stride, padding,
                                                                           dilation, ceil_mode)


def _avg_pool_shape(spatial: int):
    return lambda x, kernel, stride, padding, ceil_mode, *rest: _pooled(spatial, x, kernel, stride, padding, [1],
                                                                        ceil_mode)


def _adaptive_shape(spatial: int):
    def rule(x, output_size):
        xs = dims(x)
        out = _per_dim(output_size, spatial, "output_size")
        return xs[:-spatial] + tuple(n if o is None else o for n, o in zip(xs[-spatial:], out))
    return rule


def _adaptive_max_shape(spatial: int):
    inner = _adaptive_shape(spatial)
    return lambda x, output_size: (inner(x, output_size),) * 2


_WITH_INDICES = each(same_dtype, fixed(INT64))


# -- kernels --------------------------------------------------------------------------------------

def _tuple(values, n, default=None):
    values = tuple(values) if values else tuple(default)
    return values * n if len(values) == 1 else values


def _out_size(size, k, st, p, d, ceil_mode):
    """pooling_output_shape: the last window must start inside the input or its left padding."""
    eff = d * (k - 1) + 1
    num = size + 2 * p - eff + (st - 1 if ceil_mode else 0)
    out = num // st + 1
    if ceil_mode and (out - 1) * st >= size + p:
        out -= 1
    return out


def _check_pool(x, ks, ss, ps, ds, name):
    if x.ndim not in (3, 4):
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
    if 0 in x.shape[-3:]:
        raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but "
                           f"got:{shape_str(x.shape)}")
    for values, what in ((ks, "kernel_size"), (ss, "stride"), (ps, "padding"), (ds, "dilation")):
        if len(values) != 2:
            raise RuntimeError(f"{name}: {what} must either be a single int, or a tuple of two ints")
    for k, st, p, d in zip(ks, ss, ps, ds):
        if k <= 0 or st <= 0 or d <= 0:
            raise RuntimeError(f"{name}: kernel_size, stride and dilation must be greater than zero")
        if p > (d * (k - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p}, "
                               f"kernel_size={k} and dilation={d}")


def _sizes(x, ks, ss, ps, ds, ceil_mode):
    outs = tuple(_out_size(*v, ceil_mode) for v in zip(x.shape[-2:], ks, ss, ps, ds))
    if min(outs) <= 0:
        raise RuntimeError(f"Given input size: ({'x'.join(map(str, x.shape[-3:]))}). Calculated output size: "
                           f"({x.shape[-3]}x{outs[0]}x{outs[1]}). Output size is too small")
    return outs


def _reduce_windows(x, ks, ss, ps, ds, outs, fill, ufunc):
    """ufunc-reduce every (OH, OW) window of x padded with `fill` (extra right padding for ceil_mode),
    one strided slice per kernel offset."""
    need = [(o - 1) * st + d * (k - 1) + 1 for o, st, d, k in zip(outs, ss, ds, ks)]
    extra = [max(n - (size + 2 * p), 0) for n, size, p in zip(need, x.shape[-2:], ps)]
    if any(ps) or any(extra):
        width = [(0, 0)] * (x.ndim - 2) + [(ps[0], ps[0] + extra[0]), (ps[1], ps[1] + extra[1])]
        x = np.pad(x, width, constant_values=fill)
    out = None
    for i in range(ks[0]):
        for j in range(ks[1]):
            r, c = i * ds[0], j * ds[1]
            part = x[..., r:r + (outs[0] - 1) * ss[0] + 1:ss[0], c:c + (outs[1] - 1) * ss[1] + 1:ss[1]]
            if out is None:
                out = part.copy()
            else:
                ufunc(out, part, out=out)
    return out


def _lowest(dtype):
    return -np.inf if is_float(dtype) else np.iinfo(dtype).min


@op("max_pool2d", "(Tensor self, int[] kernel_size, int[] stride=[], int[] padding=[0], int[] dilation=[1], "
    "bool ceil_mode=False) -> Tensor", shape=_max_pool_shape(2), dtype=same_dtype, lower="pooling.lower_max_pool2d",
    verify=chk.rank_in(0, (3, 4), "max_pool2d input"),
    samples=lambda: [sample(s.f32(2, 3, 8, 8), [2], [], [0], [1], False),
                     sample(s.f32(2, 3, 9, 10), [3, 2], [2, 3], [1, 1], [2, 1], True),
                     sample(s.special().reshape(1, 3, 4), [2], [1], [1], [1], False),
                     sample(s.f32(0, 3, 4, 4), [2], [], [0], [1], False),
                     sample(s.strided(2, 3, 6, 5), [3], [2], [1], [1], True),
                     sample(s.i64(1, 2, 5, 5), [3], [2], [1], [1], False),
                     sample(s.f64(3, 7, 6), [2, 3], [1, 2], [0], [1], True),
                     sample(s.mask(1, 2, 4, 4), [2], [], [0], [1], False),
                     sample(s.f32(1, 2, 4, 4), [2], [], [2], [1], False)])
def max_pool2d(x, kernel_size, stride=(), padding=(0,), dilation=(1,), ceil_mode=False):
    if x.dtype.kind == "b":
        raise not_implemented("max_pool2d", x.dtype)
    ks = _tuple(kernel_size, 2)
    ss, ps, ds = _tuple(stride, 2, ks), _tuple(padding, 2), _tuple(dilation, 2)
    _check_pool(x, ks, ss, ps, ds, "max_pool2d")
    outs = _sizes(x, ks, ss, ps, ds, ceil_mode)
    return _reduce_windows(x, ks, ss, ps, ds, outs, _lowest(x.dtype), np.maximum)


@op("max_pool1d", "(Tensor self, int[] kernel_size, int[] stride=[], int[] padding=[0], int[] dilation=[1], "
    "bool ceil_mode=False) -> Tensor", shape=_max_pool_shape(1), dtype=same_dtype, lower="pooling.lower_max_pool1d",
    verify=chk.rank_in(0, (2, 3), "max_pool1d input"),
    samples=lambda: [sample(s.f32(2, 3, 8), [2], [], [0], [1], False),
                     sample(s.f32(2, 3, 11), [3], [2], [1], [1], True),
                     sample(s.special(), [2], [1], [1], [1], False),
                     sample(s.f32(0, 3, 6), [2], [], [0], [1], False),
                     sample(s.strided(3, 8), [3], [2], [0], [2], True),
                     sample(s.f64(2, 9), [4], [3], [2], [1], True),
                     sample(s.i64(2, 3, 6), [2], [], [0], [1], False),
                     sample(s.f32(2, 3, 6), [7], [], [0], [1], False)])
def max_pool1d(x, kernel_size, stride=(), padding=(0,), dilation=(1,), ceil_mode=False):
    """PyTorch's max_pool1d_impl, which has float kernels only."""
    if x.ndim not in (2, 3) or 0 in x.shape[-2:]:
        raise RuntimeError(f"max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for "
                           f"input, but got:{shape_str(x.shape)}")
    if not is_float(x.dtype):
        raise not_implemented("max_pool1d_impl", x.dtype)
    k = _tuple(kernel_size, 1)
    out = max_pool2d(x[..., None, :], (1, k[0]), (1, _tuple(stride, 1, k)[0]), (0, _tuple(padding, 1)[0]),
                     (1, _tuple(dilation, 1)[0]), ceil_mode)
    return out[..., 0, :]


def _check_avg_dtype(x):
    """avg_pool has float and int64 kernels only."""
    if not is_float(x.dtype) and x.dtype != INT64:
        raise not_implemented("avg_pool2d", x.dtype)


@op("avg_pool2d", "(Tensor self, int[] kernel_size, int[] stride=[], int[] padding=[0], bool ceil_mode=False, "
    "bool count_include_pad=True, int? divisor_override=None) -> Tensor", shape=_avg_pool_shape(2),
    dtype=same_dtype, lower="pooling.lower_avg_pool2d", verify=chk.rank_in(0, (3, 4), "avg_pool2d input"),
    samples=lambda: [sample(s.f32(2, 3, 8, 8), [2], [], [0], False, True, None),
                     sample(s.f32(2, 3, 9, 10), [3, 2], [2, 3], [1, 1], True, True, None),
                     sample(s.f32(2, 3, 9, 10), [3, 3], [2, 2], [1, 1], True, False, None),
                     sample(s.f32(1, 2, 6, 6), [2], [], [0], False, True, 3),
                     sample(s.special().reshape(1, 3, 4), [2], [1], [1], False, True, None),
                     sample(s.i64(1, 2, 5, 5, lo=-9, hi=9), [2], [1], [1], False, False, None),
                     sample(s.i64(1, 2, 4, 4, lo=-9, hi=9), [2], [], [0], False, True, 3),
                     sample(s.f32(0, 2, 4, 4), [2], [], [0], False, True, None),
                     sample(s.i32(1, 2, 4, 4), [2], [], [0], False, True, None),
                     sample(s.f32(1, 2, 4, 4), [2], [], [0], False, True, 0)])
def avg_pool2d(x, kernel_size, stride=(), padding=(0,), ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """Integer averages truncate toward zero (as C++ integer division)."""
    _check_avg_dtype(x)
    ks = _tuple(kernel_size, 2)
    ss, ps = _tuple(stride, 2, ks), _tuple(padding, 2)
    if divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    _check_pool(x, ks, ss, ps, (1, 1), "avg_pool2d")
    outs = _sizes(x, ks, ss, ps, (1, 1), ceil_mode)
    sums = _reduce_windows(x, ks, ss, ps, (1, 1), outs, 0, np.add)
    if divisor_override is not None:
        if is_float(x.dtype):
            return as_array(sums / x.dtype.type(divisor_override))
        div = np.int64(divisor_override)
    else:
        counts = []
        for o, k, st, p, n in zip(outs, ks, ss, ps, x.shape[-2:]):
            start = np.arange(o) * st - p
            end = np.minimum(start + k, n + p)
            counts.append(end - start if count_include_pad else np.minimum(end, n) - np.maximum(start, 0))
        div = np.outer(counts[0], counts[1])
        if is_float(x.dtype):
            return as_array((sums / div).astype(x.dtype))
    floor = sums // div
    return as_array(np.where((floor < 0) & (floor * div != sums), floor + 1, floor))


# -- adaptive pooling -----------------------------------------------------------------------------

def _as_2d(fn: Callable, name: str) -> Callable:
    """A 1-d pooling as the 2-d one over (.., 1, L)."""
    def kernel(x, *args):
        if x.ndim not in (2, 3):
            raise RuntimeError(f"Expected 2 to 3 dimensions, but got {x.ndim}-dimensional tensor for argument #1 "
                               f"'self' (while checking arguments for {name})")
        out = fn(x[..., None, :], *args)
        return tuple(o[..., 0, :] for o in out) if isinstance(out, tuple) else out[..., 0, :]
    return kernel


def _adaptive_sizes(x, output_size, name, spatial):
    if x.ndim not in (spatial + 1, spatial + 2):
        raise RuntimeError(f"{name}(): Expected {spatial + 1}D or {spatial + 2}D tensor, but got "
                           f"{shape_str(x.shape)}")
    for d in range(x.ndim - spatial if name == "adaptive_avg_pool2d" else 1, x.ndim):
        if x.shape[d] == 0:
            raise RuntimeError(f"{name}(): Expected input to have non-zero size for non-batch dimensions, but input "
                               f"has sizes {shape_str(x.shape)} with dimension {d} being empty")
    if not is_float(x.dtype):
        raise not_implemented(f"{name}_cpu", x.dtype)
    sizes = tuple(output_size) * (spatial if len(output_size) == 1 else 1)
    if len(sizes) != spatial:
        raise RuntimeError(f"{name}: internal error: output_size.size() must be {spatial}")
    from tsjit.ops.pooling_nd import adaptive_axis
    return [adaptive_axis(n, n if o is None else o) for o, n in zip(sizes, x.shape[-spatial:])]


def _adaptive_samples(spatial: int):
    """Adaptive pooling of `spatial` dims: divisible and uneven bins, more bins than inputs, NaN/inf,
    an empty batch, a zero output size, non-contiguous, float64 and integer inputs."""
    def shape(*sizes):
        return sizes[:len(sizes) - 3 + spatial]

    def out(*sizes):
        return list(sizes[:spatial])

    def samples():
        return [sample(s.f32(*shape(2, 3, 8, 8, 6)), out(4, 4, 3)), sample(s.f32(*shape(2, 3, 10, 7, 5)), out(3, 4, 2)),
                sample(s.f32(*shape(1, 2, 3, 3, 2)), out(5, 4, 3)),
                sample(s.special().reshape((1, 1, 1, 3, 4)[3 - spatial:]), out(2, 3, 3)),
                sample(s.f32(*shape(0, 3, 6, 6, 4)), out(2, 2, 3)), sample(s.strided(*shape(2, 3, 6, 5, 3)), out(3, 2, 2)),
                sample(s.f64(*shape(1, 3, 5, 5, 5)[1:]), out(2, 4, 3)), sample(s.f32(*shape(2, 3, 6, 6, 3)), out(0, 2, 2)),
                sample(s.i64(*shape(1, 2, 4, 4, 4)), out(2, 2, 2)), sample(s.f32(*shape(1, 0, 4, 4, 4)), out(2, 2, 2))]
    return samples


def _adaptive_avg(spatial: int):
    name = f"adaptive_avg_pool{spatial}d"

    def kernel(x, output_size):
        axes = _adaptive_sizes(x, output_size, name, spatial)
        if 0 in (a.out for a in axes):
            return np.empty(x.shape[:-spatial] + tuple(a.out for a in axes), x.dtype)
        from tsjit.ops.pooling_nd import sum_windows
        y = sum_windows(x, axes)
        for j, a in enumerate(axes):  # PyTorch divides by each dim's bin length in turn
            y = y / a.valid.sum(axis=1).astype(x.dtype).reshape((-1,) + (1,) * (spatial - 1 - j))
        return as_array(y.astype(x.dtype))
    kernel.__name__ = name
    return kernel


def _adaptive_max(spatial: int):
    name = f"adaptive_max_pool{spatial}d"

    def kernel(x, output_size):
        axes = _adaptive_sizes(x, output_size, name, spatial)
        if 0 in (a.out for a in axes):
            shape = x.shape[:-spatial] + tuple(a.out for a in axes)
            return np.empty(shape, x.dtype), np.empty(shape, INT64)
        from tsjit.ops.pooling_nd import max_windows
        return max_windows(x, axes)
    kernel.__name__ = name
    return kernel


_NAN_BINS = [np.array([[[np.nan, 1, np.nan, 0], [2, np.nan, 5, 1]]], np.float32), np.ones((1, 1, 4, 4), np.float32)]
for _n in (2, 3):
    defop(f"adaptive_avg_pool{_n}d", "(Tensor self, int[] output_size) -> Tensor", _adaptive_avg(_n), shape=_adaptive_shape(_n),
       dtype=same_dtype, lower="pooling.lower_adaptive_pool",
       verify=chk.rank_in(0, (_n + 1, _n + 2), f"adaptive_avg_pool{_n}d input"), samples=_adaptive_samples(_n),
       api="F" if _n == 3 else ())
    defop(f"adaptive_max_pool{_n}d", "(Tensor self, int[] output_size) -> (Tensor values, Tensor indices)",
       _adaptive_max(_n),
       shape=_adaptive_max_shape(_n), dtype=_WITH_INDICES, lower="pooling.lower_adaptive_pool",
       verify=chk.rank_in(0, (_n + 1, _n + 2), f"adaptive_max_pool{_n}d input"),
       samples=s.joined(_adaptive_samples(_n), lambda n=_n: [
           sample(v.reshape(v.shape[:-2] + (1,) * (n - 2) + v.shape[-2:]), [1] * (n - 2) + [1, 2])
           for v in _NAN_BINS]))


def _check_1d_size(output_size, name):
    if len(output_size) != 1:
        raise RuntimeError(f"{name}() argument 'output_size' should contain one int (got {len(output_size)})")


@op("adaptive_avg_pool1d", "(Tensor self, int[] output_size) -> Tensor", shape=_adaptive_shape(1),
    dtype=same_dtype, lower="pooling.lower_adaptive_pool", verify=chk.rank_in(0, (2, 3), "adaptive_avg_pool1d input"),
    samples=s.joined(_adaptive_samples(1), lambda: [sample(s.f32(6), [2]), sample(s.f32(2, 6), [2, 2])]), api="torch F")
def adaptive_avg_pool1d(x, output_size):
    _check_1d_size(output_size, "adaptive_avg_pool1d")
    return _as_2d(REGISTRY["adaptive_avg_pool2d"].kernel, "adaptive_avg_pool1d")(x, (1, output_size[0]))


@op("adaptive_max_pool1d", "(Tensor self, int[] output_size) -> (Tensor values, Tensor indices)",
    shape=_adaptive_max_shape(1), dtype=_WITH_INDICES, lower="pooling.lower_adaptive_pool",
    verify=chk.rank_in(0, (2, 3), "adaptive_max_pool1d input"),
    samples=s.joined(_adaptive_samples(1), lambda: [
        sample(np.array([[np.nan, 1, np.nan, 0, 2, np.nan, 5, 1]], np.float32), [2]), sample(s.f32(6), [2])]))
def adaptive_max_pool1d(x, output_size):
    _check_1d_size(output_size, "adaptive_max_pool1d")
    return _as_2d(REGISTRY["adaptive_max_pool2d"].kernel, "adaptive_max_pool1d")(x, (1, output_size[0]))
