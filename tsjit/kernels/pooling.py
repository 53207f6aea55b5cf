"""Pooling with PyTorch's output-size rules (ceil_mode, padding, dilation, adaptive bins)."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tsjit.kernels.dims import shape_str
from tsjit.kernels.promotion import INT64, as_array


def _tuple(values, n, default=None):
    values = tuple(values) if values else tuple(default)
    return values * n if len(values) == 1 else values


def _out_size(size, k, s, p, d, ceil_mode):
    """pooling_output_shape: the last window must start inside the input or its left padding."""
    eff = d * (k - 1) + 1
    num = size + 2 * p - eff + (s - 1 if ceil_mode else 0)
    out = num // s + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


def _check_pool(x, ks, ss, ps, ds, name):
    for k, s, p, d in zip(ks, ss, ps, ds):
        if k <= 0 or s <= 0 or d <= 0:
            raise RuntimeError(f"{name}: kernel_size, stride and dilation must be greater than zero")
        if p > (d * (k - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p}, "
                               f"kernel_size={k} and dilation={d}")


def _sizes(x, ks, ss, ps, ds, ceil_mode, name):
    outs = tuple(_out_size(n, k, s, p, d, ceil_mode) for n, k, s, p, d in zip(x.shape[-2:], ks, ss, ps, ds))
    if min(outs) <= 0:
        raise RuntimeError(f"Given input size: ({'x'.join(map(str, x.shape[-3:]))}). Calculated output size: "
                           f"({x.shape[-3]}x{outs[0]}x{outs[1]}). Output size is too small")
    return outs


def _reduce_windows(x, ks, ss, ps, ds, outs, fill, ufunc, dtype=None):
    """ufunc-reduce every (OH, OW) window of x padded with `fill` (extra right padding for ceil_mode).

    One strided slice per kernel offset keeps it to kh*kw vectorised ufunc calls.
    """
    need = [(o - 1) * s + d * (k - 1) + 1 for o, s, d, k in zip(outs, ss, ds, ks)]
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
                out = part.astype(dtype or x.dtype, copy=True)
            else:
                ufunc(out, part, out=out)
    return out


def _lowest(dtype):
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min if dtype.kind in "iu" else False


def max_pool2d(x, kernel_size, stride=(), padding=(0,), dilation=(1,), ceil_mode=False):
    ks = _tuple(kernel_size, 2)
    ss, ps, ds = _tuple(stride, 2, ks), _tuple(padding, 2), _tuple(dilation, 2)
    if x.ndim not in (3, 4):
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
    _check_pool(x, ks, ss, ps, ds, "max_pool2d")
    outs = _sizes(x, ks, ss, ps, ds, ceil_mode, "max_pool2d")
    return _reduce_windows(x, ks, ss, ps, ds, outs, _lowest(x.dtype), np.maximum)


def max_pool1d(x, kernel_size, stride=(), padding=(0,), dilation=(1,), ceil_mode=False):
    if x.ndim not in (2, 3):
        raise RuntimeError(f"max_pool1d() Expected 2D or 3D input tensor, but got {shape_str(x.shape)}")
    k = _tuple(kernel_size, 1)
    out = max_pool2d(x[..., None, :], (1, k[0]), (1, _tuple(stride, 1, k)[0]), (0, _tuple(padding, 1)[0]),
                     (1, _tuple(dilation, 1)[0]), ceil_mode)
    return out[..., 0, :]


def avg_pool2d(x, kernel_size, stride=(), padding=(0,), ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    ks = _tuple(kernel_size, 2)
    ss, ps = _tuple(stride, 2, ks), _tuple(padding, 2)
    if x.ndim not in (3, 4):
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
    if divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    _check_pool(x, ks, ss, ps, (1, 1), "avg_pool2d")
    outs = _sizes(x, ks, ss, ps, (1, 1), ceil_mode, "avg_pool2d")
    sums = _reduce_windows(x, ks, ss, ps, (1, 1), outs, 0, np.add)
    if divisor_override is not None:
        return as_array(sums / x.dtype.type(divisor_override)) if x.dtype.kind == "f" else sums // divisor_override
    counts = []
    for o, k, s, p, n in zip(outs, ks, ss, ps, x.shape[-2:]):
        start = np.arange(o) * s - p
        end = np.minimum(start + k, n + p)
        with_pad = end - start
        counts.append(with_pad if count_include_pad else np.minimum(end, n) - np.maximum(start, 0))
    div = np.outer(counts[0], counts[1])
    return as_array((sums / div).astype(x.dtype) if x.dtype.kind == "f" else sums // div)


def _bins(size, out):
    """PyTorch's adaptive pooling bins: [floor(i*size/out), ceil((i+1)*size/out))."""
    return [((i * size) // out, -(-((i + 1) * size) // out)) for i in range(out)]


def _adaptive_sizes(x, output_size, name):
    if x.ndim not in (3, 4) or 0 in x.shape[-2:]:
        raise RuntimeError(f"{name}(): Expected 3D or 4D tensor, but got {shape_str(x.shape)}")
    sizes = tuple(output_size) * (2 if len(output_size) == 1 else 1)
    return tuple(n if o is None else o for o, n in zip(sizes, x.shape[-2:]))


def adaptive_avg_pool2d(x, output_size):
    oh, ow = _adaptive_sizes(x, output_size, "adaptive_avg_pool2d")
    h, w = x.shape[-2:]
    if h % oh == 0 and w % ow == 0:
        return x.reshape(x.shape[:-2] + (oh, h // oh, ow, w // ow)).mean(axis=(-3, -1), dtype=x.dtype)
    rows = np.stack([x[..., a:b, :].mean(axis=-2) for a, b in _bins(h, oh)], axis=-2)
    return np.stack([rows[..., a:b].mean(axis=-1) for a, b in _bins(w, ow)], axis=-1).astype(x.dtype)


def adaptive_max_pool2d(x, output_size):
    oh, ow = _adaptive_sizes(x, output_size, "adaptive_max_pool2d")
    h, w = x.shape[-2:]
    values = np.empty(x.shape[:-2] + (oh, ow), x.dtype)
    indices = np.empty(values.shape, INT64)
    for i, (r0, r1) in enumerate(_bins(h, oh)):
        for j, (c0, c1) in enumerate(_bins(w, ow)):
            block = x[..., r0:r1, c0:c1].reshape(x.shape[:-2] + (-1,))
            arg = np.argmax(block, axis=-1)
            values[..., i, j] = np.take_along_axis(block, arg[..., None], axis=-1)[..., 0]
            indices[..., i, j] = (r0 + arg // (c1 - c0)) * w + c0 + arg % (c1 - c0)
    return values, indices


KERNELS: dict[str, Callable] = {
    "max_pool1d": max_pool1d, "max_pool2d": max_pool2d, "avg_pool2d": avg_pool2d,
    "adaptive_avg_pool2d": adaptive_avg_pool2d, "adaptive_max_pool2d": adaptive_max_pool2d,
}
