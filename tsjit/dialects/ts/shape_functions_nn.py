"""Shape functions of contractions, convolutions, pooling, normalisation and embedding.

Output sizes follow ATen: conv `(L + 2p - d(k-1) - 1) // s + 1`, pooling the same with
ceil_mode (the last window must start inside the input or its left padding), transposed
conv `(L-1)s - 2p + d(k-1) + output_padding + 1`; unbatched inputs drop the batch dim.
"""
from __future__ import annotations

from typing import Any

from tsjit.dialects.ts.shape_functions import (
    D,
    INT64,
    ShapeError,
    T,
    arith,
    broadcast,
    dims,
    int_list,
    promote,
)


def _matmul(a: T, b: T) -> T:
    x, y = dims(a), dims(b)
    dtype = promote(a, b)
    if not x or not y:
        raise ShapeError("both arguments to matmul need to be at least 1D")
    if len(x) == 1 and len(y) == 1:
        return T((), dtype)
    if len(y) == 1:
        return T(x[:-1], dtype)
    if len(x) == 1:
        return T(y[:-2] + y[-1:], dtype)
    return T(broadcast(x[:-2], y[:-2]) + (x[-2], y[-1]), dtype)


def _mm(a: T, b: T) -> T:
    return T((dims(a)[0], dims(b)[1]), promote(a, b))


def _bmm(a: T, b: T) -> T:
    x, y = dims(a), dims(b)
    return T((x[0] if x[0] != D else y[0], x[1], y[2]), promote(a, b))


def _addmm(bias: T, m1: T, m2: T, beta: Any, alpha: Any) -> T:
    return T((dims(m1)[0], dims(m2)[1]), promote(bias, m1, m2))


def _linear(x: T, w: T, bias: Any) -> T:
    xs, ws = dims(x), dims(w)
    return T(xs[:-1] + ws[:1] if len(ws) == 2 else xs[:-1], promote(x, w))


def _dot(a: T, b: T) -> T:
    return T((), promote(a, b))


def _per_dim(values: Any, n: int, what: str, default: list[int] | None = None) -> list[int]:
    """An int[] of one value per spatial dim (a single value repeats; empty gives the default)."""
    vs = int_list(values, what) or list(default or [])
    return vs * n if len(vs) == 1 else vs


def _conv(spatial: int):
    def shape(x: T, w: T, bias: Any, stride: Any, padding: Any, dilation: Any, groups: Any) -> T:
        xs, ws = dims(x), dims(w)
        ss, ps, ds = (_per_dim(v, spatial, n) for v, n in ((stride, "stride"), (padding, "padding"),
                                                            (dilation, "dilation")))
        out = tuple(arith(lambda n, k, s, p, d: (n + 2 * p - d * (k - 1) - 1) // s + 1, n, k, s, p, d)
                    for n, k, s, p, d in zip(xs[-spatial:], ws[2:], ss, ps, ds))
        batch = xs[:1] if len(xs) == spatial + 2 else ()
        return T(batch + (ws[0],) + out, promote(x, w))

    return shape


def _conv_transpose2d(x: T, w: T, bias: Any, stride: Any, padding: Any, output_padding: Any, groups: Any,
                      dilation: Any) -> T:
    xs, ws = dims(x), dims(w)
    ss, ps, ops, ds = (_per_dim(v, 2, n) for v, n in ((stride, "stride"), (padding, "padding"),
                                                      (output_padding, "output_padding"), (dilation, "dilation")))
    out = tuple(arith(lambda n, k, s, p, o, d: (n - 1) * s - 2 * p + d * (k - 1) + o + 1, n, k, s, p, o, d)
                for n, k, s, p, o, d in zip(xs[-2:], ws[2:], ss, ps, ops, ds))
    g = groups if isinstance(groups, int) else D
    batch = xs[:1] if len(xs) == 4 else ()
    return T(batch + (arith(lambda c, g: c * g, ws[1], g),) + out, promote(x, w))


def pool_size(n: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    """ATen's pooling_output_shape."""
    if n == D:
        return D
    out = (n + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= n + p:
        out -= 1
    return out


def _pool(spatial: int, x: T, kernel: Any, stride: Any, padding: Any, dilation: Any, ceil_mode: Any) -> T:
    ks = _per_dim(kernel, spatial, "kernel_size")
    ss = _per_dim(stride, spatial, "stride", ks)
    ps = _per_dim(padding, spatial, "padding")
    ds = _per_dim(dilation, spatial, "dilation")
    if not isinstance(ceil_mode, bool):
        raise ShapeError("ceil_mode must be a compile-time constant")
    xs = dims(x)
    out = tuple(pool_size(n, k, s, p, d, ceil_mode) for n, k, s, p, d in zip(xs[-spatial:], ks, ss, ps, ds))
    return T(xs[:-spatial] + out, x.dtype)


def _max_pool1d(x: T, kernel: Any, stride: Any, padding: Any, dilation: Any, ceil_mode: Any) -> T:
    return _pool(1, x, kernel, stride, padding, dilation, ceil_mode)


def _max_pool2d(x: T, kernel: Any, stride: Any, padding: Any, dilation: Any, ceil_mode: Any) -> T:
    return _pool(2, x, kernel, stride, padding, dilation, ceil_mode)


def _avg_pool2d(x: T, kernel: Any, stride: Any, padding: Any, ceil_mode: Any, count_include_pad: Any,
                divisor: Any) -> T:
    return _pool(2, x, kernel, stride, padding, [1], ceil_mode)


def _adaptive(x: T, output_size: Any) -> T:
    xs = dims(x)
    out = _per_dim(output_size, 2, "output_size")
    return T(xs[:-2] + tuple(n if o is None else o for n, o in zip(xs[-2:], out)), x.dtype)


def _adaptive_max(x: T, output_size: Any) -> tuple[T, T]:
    values = _adaptive(x, output_size)
    return values, T(values.sizes, INT64)


def _norm(x: T, *rest: Any) -> T:
    return T(dims(x), x.dtype)


def _embedding(w: T, indices: T, padding_idx: Any) -> T:
    return T(dims(indices) + dims(w)[1:], w.dtype)


SHAPE_FUNCTIONS = {
    "matmul": _matmul,
    "mm": _mm,
    "bmm": _bmm,
    "addmm": _addmm,
    "linear": _linear,
    "dot": _dot,
    "conv1d": _conv(1),
    "conv2d": _conv(2),
    "conv_transpose2d": _conv_transpose2d,
    "max_pool1d": _max_pool1d,
    "max_pool2d": _max_pool2d,
    "avg_pool2d": _avg_pool2d,
    "adaptive_avg_pool2d": _adaptive,
    "adaptive_max_pool2d": _adaptive_max,
    "batch_norm": _norm,
    "layer_norm": _norm,
    "group_norm": _norm,
    "embedding": _embedding,
}
