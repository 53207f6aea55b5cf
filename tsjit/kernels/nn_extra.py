"""More nn kernels for imported PyTorch models: the rest of the matmul family (baddbmm, addmv, mv,
outer, einsum), instance_norm, 1-d pooling and transposed convolution, pixel_shuffle, losses."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tsjit.kernels.contractions import _same_dtype, bmm
from tsjit.kernels.conv import conv_transpose2d
from tsjit.kernels.dims import pair, shape_str, wrap_dim
from tsjit.kernels.normalization import batch_norm
from tsjit.kernels.pooling import adaptive_avg_pool2d, adaptive_max_pool2d, avg_pool2d
from tsjit.kernels.promotion import as_array, cast


def _scaled_add(self, prod, beta, alpha):
    if alpha != 1:
        prod = prod * cast(alpha, prod.dtype)
    if beta == 0:  # torch ignores self (even NaN) when beta is 0
        return as_array(np.broadcast_to(prod, np.broadcast_shapes(self.shape, prod.shape)).copy())
    return as_array(prod + (self * cast(beta, prod.dtype) if beta != 1 else self))


def baddbmm(self, b1, b2, beta=1, alpha=1):
    return _scaled_add(self, bmm(b1, b2), beta, alpha)


def mv(a, v):
    if a.ndim != 2 or v.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {v.ndim}, {a.ndim}, {v.ndim}")
    _same_dtype(a, v)
    if a.shape[1] != v.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({a.shape[0]}), mat ({a.shape[0]}x{a.shape[1]}), "
                           f"vec ({v.shape[0]})")
    return as_array(np.matmul(a, v))


def addmv(self, a, v, beta=1, alpha=1):
    return _scaled_add(self, mv(a, v), beta, alpha)


def outer(a, b):
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError("outer: expected 1D tensors")
    from tsjit.ops.arithmetic import mul
    return mul(a[:, None], b[None, :])


def einsum(equation, tensors):
    dtypes = {t.dtype for t in tensors}
    if len(dtypes) > 1:
        a, b = tensors[0], next(t for t in tensors if t.dtype != tensors[0].dtype)
        _same_dtype(a, b)
    out = np.einsum(equation.replace(" ", ""), *tensors, optimize=len(tensors) > 2)
    return as_array(np.asarray(out).astype(tensors[0].dtype, copy=False))


def instance_norm(x, weight, bias, running_mean, running_var, use_input_stats, momentum, eps, cudnn_enabled=False):
    """batch_norm of the input seen as (1, N*C, ...). Pure: with use_input_stats the running statistics are
    not updated (ts.instance_norm has no effects; the importer rejects models that would update them)."""
    if x.ndim < 3:
        raise ValueError(f"expected 3D or more input (got {x.ndim}D input)")
    n, c = x.shape[:2]
    rep = (lambda t: None if t is None else np.tile(t, n))
    stats = (None, None) if use_input_stats else (rep(running_mean), rep(running_var))
    return batch_norm(x.reshape((1, n * c) + x.shape[2:]), rep(weight), rep(bias), *stats, use_input_stats,
                      momentum, eps).reshape(x.shape)


def _as_2d(fn: Callable) -> Callable:
    """A 1-d pooling as the 2-d one over (.., 1, L)."""
    def kernel(x, *args):
        if x.ndim not in (2, 3):
            raise RuntimeError(f"Expected 2D or 3D input, but got {shape_str(x.shape)}")
        out = fn(x[..., None, :], *args)
        return tuple(o[..., 0, :] for o in out) if isinstance(out, tuple) else out[..., 0, :]
    return kernel


def avg_pool1d(x, kernel_size, stride=(), padding=(0,), ceil_mode=False, count_include_pad=True):
    (k,), (p,) = pair(kernel_size, 1, "kernel_size"), pair(padding, 1, "padding")
    (s,) = pair(stride, 1, "stride") if len(stride) else (k,)
    return _as_2d(avg_pool2d)(x, (1, k), (1, s), (0, p), ceil_mode, count_include_pad, None)


def adaptive_avg_pool1d(x, output_size):
    return _as_2d(adaptive_avg_pool2d)(x, (1, output_size[0]))


def adaptive_max_pool1d(x, output_size):
    return _as_2d(adaptive_max_pool2d)(x, (1, output_size[0]))


def conv_transpose1d(x, weight, bias, stride, padding, output_padding, groups, dilation):
    if x.ndim not in (2, 3):
        raise RuntimeError(f"Expected 2D (unbatched) or 3D (batched) input to conv_transpose1d, but got input of "
                           f"size: {shape_str(x.shape)}")
    (s,), (p,) = pair(stride, 1, "stride"), pair(padding, 1, "padding")
    (op,), (d,) = pair(output_padding, 1, "output_padding"), pair(dilation, 1, "dilation")
    out = conv_transpose2d(x[..., None, :], weight[:, :, None, :], bias, (1, s), (0, p), (0, op), groups, (1, d))
    return out[..., 0, :]


def pixel_shuffle(x, r):
    *lead, c, h, w = x.shape
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square "
                           f"of upscale_factor, but input.size(-3)={c} is not divisible by {r * r}")
    y = x.reshape(*lead, c // (r * r), r, r, h, w)
    n = len(lead)
    y = y.transpose(*range(n), n, n + 3, n + 1, n + 4, n + 2)
    return np.ascontiguousarray(y).reshape(*lead, c // (r * r), h * r, w * r)


_REDUCTIONS = {0: lambda v: v, 1: np.mean, 2: np.sum}  # at::Reduction: None, Mean, Sum


def _loss(fn: Callable) -> Callable:
    def kernel(a, target, reduction=1):
        from tsjit.kernels.promotion import result_dtype
        dtype = result_dtype(a, target)
        out = fn(cast(a, dtype), cast(target, dtype))
        return as_array(np.asarray(_REDUCTIONS[reduction](out)).astype(dtype))
    return kernel


def cosine_similarity(a, b, dim=1, eps=1e-8):
    d = wrap_dim(dim, max(a.ndim, b.ndim))
    a, b = np.broadcast_arrays(a, b)
    dot = np.sum(a * b, axis=d)
    na = np.sqrt(np.sum(a * a, axis=d))
    nb = np.sqrt(np.sum(b * b, axis=d))
    return as_array((dot / np.maximum(na * nb, eps)).astype(a.dtype))


KERNELS: dict[str, Callable] = {
    "baddbmm": baddbmm, "mv": mv, "addmv": addmv, "outer": outer, "einsum": einsum,
    "instance_norm": instance_norm, "avg_pool1d": avg_pool1d, "adaptive_avg_pool1d": adaptive_avg_pool1d,
    "adaptive_max_pool1d": adaptive_max_pool1d, "conv_transpose1d": conv_transpose1d,
    "pixel_shuffle": pixel_shuffle, "cosine_similarity": cosine_similarity,
    "mse_loss": _loss(lambda a, t: np.square(a - t)), "l1_loss": _loss(lambda a, t: np.abs(a - t)),
}
