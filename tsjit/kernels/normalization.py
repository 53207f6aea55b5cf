"""batch_norm (training updates the running statistics in place), layer_norm and group_norm."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tsjit.kernels.dims import shape_str


def _channel_shape(x: np.ndarray) -> tuple[int, ...]:
    return (1, -1) + (1,) * (x.ndim - 2)


def _affine(y, weight, bias, shape):
    if weight is not None:
        y = y * weight.reshape(shape)
    if bias is not None:
        y = y + bias.reshape(shape)
    return y


def batch_norm(x, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled=False):
    if x.ndim < 2:
        raise ValueError(f"expected 2D or more input (got {x.ndim}D input)")
    channels = x.shape[1]
    for name, t in (("weight", weight), ("bias", bias), ("running_mean", running_mean),
                    ("running_var", running_var)):
        if t is not None and t.size != channels:
            raise RuntimeError(f"{name} should contain {channels} elements not {t.size}")
    shape = _channel_shape(x)
    axes = (0,) + tuple(range(2, x.ndim))
    if training:
        count = x.size // channels
        if count <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size "
                             f"{shape_str(x.shape)}")
        mean = x.mean(axis=axes, dtype=np.float64)
        var = np.square(x - mean.reshape(shape)).mean(axis=axes, dtype=np.float64)
        if running_mean is not None:
            running_mean *= 1 - momentum
            running_mean += (momentum * mean).astype(running_mean.dtype)
        if running_var is not None:
            running_var *= 1 - momentum
            running_var += (momentum * var * count / (count - 1)).astype(running_var.dtype)
    else:
        if running_mean is None or running_var is None:
            raise RuntimeError("running_mean and running_var must be defined in evaluation mode")
        mean, var = running_mean.astype(np.float64), running_var.astype(np.float64)
    inv = 1.0 / np.sqrt(var + eps)
    y = (x - mean.reshape(shape).astype(x.dtype)) * inv.reshape(shape).astype(x.dtype)
    return _affine(y, weight, bias, shape).astype(x.dtype, copy=False)


def layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5, cudnn_enable=False):
    n = len(normalized_shape)
    if n == 0 or tuple(x.shape[x.ndim - n:]) != tuple(normalized_shape) or x.ndim < n:
        raise RuntimeError(f"Given normalized_shape={shape_str(normalized_shape)}, expected input with shape "
                           f"[*, {', '.join(map(str, normalized_shape))}], but got input of size{shape_str(x.shape)}")
    axes = tuple(range(x.ndim - n, x.ndim))
    mean = x.mean(axis=axes, keepdims=True, dtype=np.float64)
    var = np.square(x - mean).mean(axis=axes, keepdims=True)
    y = ((x - mean) / np.sqrt(var + eps)).astype(x.dtype)
    return _affine(y, weight, bias, tuple(normalized_shape)).astype(x.dtype, copy=False)


def group_norm(x, num_groups, weight=None, bias=None, eps=1e-5, cudnn_enabled=False):
    if x.ndim < 2 or x.shape[1] % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input "
                           f"of shape {shape_str(x.shape)} and num_groups={num_groups}")
    batch = x.shape[0]
    g = x.reshape(batch, num_groups, -1)
    mean = g.mean(axis=-1, keepdims=True, dtype=np.float64)
    var = np.square(g - mean).mean(axis=-1, keepdims=True)
    y = ((g - mean) / np.sqrt(var + eps)).astype(x.dtype).reshape(x.shape)
    return _affine(y, weight, bias, _channel_shape(x)).astype(x.dtype, copy=False)


KERNELS: dict[str, Callable] = {"batch_norm": batch_norm, "layer_norm": layer_norm, "group_norm": group_norm}
