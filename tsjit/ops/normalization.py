"""Normalisation: batch_norm, instance_norm, layer_norm, group_norm and rms_norm (a decomposition).

Each normalises with statistics computed in float64 (the mean and the biased variance), then
applies the optional per-channel (dim 1) or per-element (normalized_shape) weight and bias; the
result keeps the input's dtype. PyTorch's CPU kernels take float inputs only, and parameters of
the input's dtype (float32 parameters also serve a float16 input). batch_norm in training mode
updates its running statistics in place, so it has WRITES effects; instance_norm never updates
them (the importer refuses models that would).
"""
from __future__ import annotations

import numpy as np

from tsjit.dtypes import is_float, is_inexact
from tsjit.kernels.dims import shape_str
from tsjit.kernels.promotion import CODE_OF_DTYPE, not_implemented
from tsjit.ops import checks as chk
from tsjit.ops import samples as s
from tsjit.ops.registry import WRITES, defop, op, sample
from tsjit.ops.rules import same, same_dtype

def _check_dtypes(x, params, kernel: str) -> None:
    """Float input; every parameter of its dtype, or float32 for a float16 or bfloat16 input."""
    if not is_float(x.dtype):
        raise not_implemented(kernel, x.dtype)
    present = [p for p in params if p is not None]
    if x.dtype.itemsize == 2 and present and all(p.dtype == np.float32 for p in present):
        return
    for p in present:
        if p.dtype != x.dtype:
            if x.dtype == np.float32:
                raise RuntimeError("mixed dtype (CPU): expect parameter to have scalar type of Float")
            raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")


def _special():
    """NaN, inf, signed zeros and tiny values, without the 1e30 whose square overflows torch's float32
    statistics (it gives 0 or NaN where the float64 ones normalise it)."""
    x = s.special()
    x[x == 1e30] = 7.0
    return x


def _channel_shape(x: np.ndarray) -> tuple[int, ...]:
    return (1, -1) + (1,) * (x.ndim - 2)


def _affine(y, weight, bias, shape):
    if weight is not None:
        y = y * weight.reshape(shape)
    if bias is not None:
        y = y + bias.reshape(shape)
    return y


def _batch_norm_samples():
    return [sample(s.f32(4, 3, 5), s.pos(3), s.f32(3), s.f32(3), s.pos(3), False, 0.1, 1e-5, False),
            sample(s.f32(4, 3, 5), s.pos(3), s.f32(3), s.f32(3), s.pos(3), True, 0.1, 1e-5, False),
            sample(s.f32(4, 3), None, None, None, None, True, 0.3, 1e-3, False),
            sample(s.f64(2, 3, 2, 2), s.f64(3), None, s.f64(3), s.f64(3, lo=0.5, hi=2), False, 0.1, 1e-5, False),
            sample(_special(), None, None, s.f32(4), s.pos(4), False, 0.1, 1e-5, False),
            sample(s.f32(0, 3, 2), None, None, s.f32(3), s.pos(3), True, 0.1, 1e-5, False),
            sample(s.f32(1, 3), None, None, s.f32(3), s.pos(3), True, 0.1, 1e-5, False, torch=False,
                   note="F.batch_norm's check (aten gives zeros and a NaN running_var); scripted F.batch_norm "
                        "becomes ts.batch_norm"),
            sample(s.i64(4, 3), None, None, None, None, True, 0.1, 1e-5, False),
            sample(s.f32(4, 3), s.f64(3), None, None, None, True, 0.1, 1e-5, False),
            sample(s.f32(4, 3), None, None, None, None, False, 0.1, 1e-5, False),
            sample(s.f32(4, 3), None, None, s.f32(3), None, True, 0.1, 1e-5, False),
            sample(s.f32(4, 3), s.f32(4), None, None, None, True, 0.1, 1e-5, False)]


@op("batch_norm", "(Tensor input, Tensor? weight, Tensor? bias, Tensor? running_mean, Tensor? running_var, "
    "bool training, float momentum, float eps, bool cudnn_enabled) -> Tensor", shape=same, dtype=same_dtype,
    lower="normalization.lower_batch_norm", verify=chk.SAME_SHAPE, effects=WRITES, samples=_batch_norm_samples)
def batch_norm(x, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled=False):
    """Training normalises with the batch statistics and updates the running ones in place (with the
    unbiased variance); evaluation uses the running statistics."""
    if x.ndim < 2:
        raise ValueError(f"expected 2D or more input (got {x.ndim}D input)")
    _check_dtypes(x, (weight, bias, running_mean, running_var), "batch_norm")
    channels = x.shape[1]
    for name, t in (("weight", weight), ("bias", bias), ("running_mean", running_mean),
                    ("running_var", running_var)):
        if t is not None and t.size != channels:
            raise RuntimeError(f"{name} should contain {channels} elements not {t.size}")
    shape = _channel_shape(x)
    axes = (0,) + tuple(range(2, x.ndim))
    if training:
        if (running_mean is None) != (running_var is None):
            raise ValueError("running_mean and running_var must either both be None or neither be None")
        count = x.size // channels if channels else 0
        if count == 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size "
                             f"{shape_str(x.shape)}")
        if count == 0:
            return x.copy()
        mean = x.mean(axis=axes, dtype=np.float64)
        var = np.square(x - mean.reshape(shape)).mean(axis=axes, dtype=np.float64)
        if running_mean is not None:
            running_mean *= 1 - momentum
            running_mean += (momentum * mean).astype(running_mean.dtype)
            running_var *= 1 - momentum
            running_var += (momentum * var * count / (count - 1)).astype(running_var.dtype)
    else:
        if running_mean is None or running_var is None:
            raise RuntimeError("running_mean and running_var must be defined in evaluation mode")
        mean, var = running_mean.astype(np.float64), running_var.astype(np.float64)
    inv = 1.0 / np.sqrt(var + eps)
    y = (x - mean.reshape(shape).astype(x.dtype)) * inv.reshape(shape).astype(x.dtype)
    return _affine(y, weight, bias, shape).astype(x.dtype, copy=False)


@op("instance_norm", "(Tensor input, Tensor? weight, Tensor? bias, Tensor? running_mean, Tensor? running_var, "
    "bool use_input_stats, float momentum, float eps, bool cudnn_enabled) -> Tensor", shape=same, dtype=same_dtype,
    lower="normalization.lower_instance_norm", verify=chk.SAME_SHAPE,
    samples=lambda: [sample(s.f32(2, 3, 5), s.f32(3), s.f32(3), None, None, True, 0.1, 1e-5, False),
                     sample(s.f32(2, 3, 4, 4), None, None, s.f32(3), s.pos(3), False, 0.1, 1e-5, False),
                     sample(s.f32(2, 3, 5), None, None, s.f32(3), s.pos(3), True, 0.1, 1e-5, False),
                     sample(s.f64(1, 2, 3, 2), s.f64(2), s.f64(2), None, None, True, 0.1, 1e-3, False),
                     sample(_special().reshape(1, 3, 4), None, None, None, None, True, 0.1, 1e-5, False),
                     sample(s.f32(2, 3), None, None, None, None, True, 0.1, 1e-5, False, torch=False,
                            note="F.instance_norm's check (aten normalises single values to 0)"),
                     sample(s.i64(2, 3, 4), None, None, None, None, True, 0.1, 1e-5, False),
                     sample(s.f32(2, 3, 4), None, None, None, None, False, 0.1, 1e-5, False),
                     sample(s.strided(2, 3, 4), s.f32(3), None, None, None, True, 0.1, 1e-5, False),
                     sample(s.f32(2, 2, 3, 2, 2), None, s.f32(2), s.f32(2), s.pos(2), False, 0.1, 1e-3, False)])
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


@op("layer_norm", "(Tensor input, int[] normalized_shape, Tensor? weight=None, Tensor? bias=None, float eps=1e-05, "
    "bool cudnn_enable=True) -> Tensor", shape=same, dtype=same_dtype, lower="normalization.lower_layer_norm",
    verify=chk.SAME_SHAPE,
    samples=lambda: [sample(s.f32(2, 3, 4), [3, 4], s.pos(3, 4), s.f32(3, 4), 1e-5, False),
                     sample(s.f32(2, 3, 4), [4], None, None, 1e-5, False),
                     sample(_special(), [4], s.f32(4), None, 1e-5, False),
                     sample(s.strided(3, 5), [5], None, s.f32(5), 1e-3, False),
                     sample(s.f64(2, 6), [6], s.f64(6), s.f64(6), 1e-5, False),
                     sample(s.f32(0, 5), [5], None, None, 1e-5, False),
                     sample(s.i64(2, 4), [4], None, None, 1e-5, False),
                     sample(s.f32(2, 3, 4), [3], None, None, 1e-5, False),
                     sample(s.f32(2, 5), [5], s.f32(4), None, 1e-5, False),
                     sample(s.f32(2, 5), [5], s.f64(5), None, 1e-5, False)])
def layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5, cudnn_enable=False):
    n = len(normalized_shape)
    if n == 0:
        raise RuntimeError(f"Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one "
                           f"element, but got normalized_shape = {shape_str(normalized_shape)}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != tuple(normalized_shape):
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got {name} of shape "
                               f"{shape_str(t.shape)} and normalized_shape = {shape_str(normalized_shape)}")
    if x.ndim < n or tuple(x.shape[x.ndim - n:]) != tuple(normalized_shape):
        raise RuntimeError(f"Given normalized_shape={shape_str(normalized_shape)}, expected input with shape "
                           f"[*, {', '.join(map(str, normalized_shape))}], but got input of size{shape_str(x.shape)}")
    _check_dtypes(x, (weight, bias), "LayerNormKernelImpl")
    if x.size == 0:
        return x.copy()
    axes = tuple(range(x.ndim - n, x.ndim))
    mean = x.mean(axis=axes, keepdims=True, dtype=np.float64)
    var = np.square(x - mean).mean(axis=axes, keepdims=True)
    y = ((x - mean) / np.sqrt(var + eps)).astype(x.dtype)
    return _affine(y, weight, bias, tuple(normalized_shape)).astype(x.dtype, copy=False)


@op("group_norm", "(Tensor input, int num_groups, Tensor? weight=None, Tensor? bias=None, float eps=1e-05, "
    "bool cudnn_enabled=True) -> Tensor", shape=same, dtype=same_dtype, lower="normalization.lower_group_norm",
    verify=chk.SAME_SHAPE,
    samples=lambda: [sample(s.f32(2, 6, 5), 3, s.pos(6), s.f32(6), 1e-5, False),
                     sample(s.f32(2, 6), 2, None, None, 1e-5, False),
                     sample(_special(), 2, None, s.f32(4), 1e-5, False),
                     sample(s.f64(2, 4, 3, 3), 4, s.f64(4), None, 1e-3, False),
                     sample(s.f32(0, 6, 2), 3, None, None, 1e-5, False),
                     sample(s.strided(2, 4, 3), 1, None, None, 1e-5, False),
                     sample(s.i64(2, 6, 2), 3, None, None, 1e-5, False),
                     sample(s.f32(4, 3, 5), 2, None, None, 1e-5, False),
                     sample(s.f32(4, 3, 5), 3, s.f32(4), None, 1e-5, False),
                     sample(s.f32(4, 3, 5), 0, None, None, 1e-5, False)])
def group_norm(x, num_groups, weight=None, bias=None, eps=1e-5, cudnn_enabled=False):
    if num_groups <= 0:
        raise RuntimeError(f"Expected num groups to be greater than 0, got {num_groups}")
    if x.ndim < 2 or x.shape[1] % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input "
                           f"of shape {shape_str(x.shape)} and num_groups={num_groups}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.ndim != 1 or t.size != x.shape[1]):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of channels in input, "
                               f"but got {name} of shape {shape_str(t.shape)} and input of shape {shape_str(x.shape)}")
    _check_dtypes(x, (weight, bias), "GroupNormKernelImpl")
    if x.size == 0:
        return x.copy()
    batch = x.shape[0]
    g = x.reshape(batch, num_groups, x.size // (batch * num_groups))
    mean = g.mean(axis=-1, keepdims=True, dtype=np.float64)
    var = np.square(g - mean).mean(axis=-1, keepdims=True)
    y = ((g - mean) / np.sqrt(var + eps)).astype(x.dtype).reshape(x.shape)
    return _affine(y, weight, bias, _channel_shape(x)).astype(x.dtype, copy=False)


def _rms_norm(g, x, normalized_shape, weight, eps):
    """x / sqrt(mean(x^2) + eps) * weight over the trailing normalized_shape dims, computed in float32
    for half inputs (as torch._decomp's _fused_rms_norm); eps defaults to the dtype's epsilon."""
    dims = list(range(-len(g.value(normalized_shape)), 0))
    dtype = g.dtype(x)
    if not is_inexact(dtype):
        raise not_implemented("rms_norm", dtype)
    wide = dtype if dtype.itemsize >= 4 else np.dtype(np.float32)
    eps = float(np.finfo(wide).eps) if g.value(eps) is None else g.value(eps)
    xw = x if wide == dtype else g.to(x, CODE_OF_DTYPE[wide])
    y = g.mul(xw, g.rsqrt(g.add(g.mean(g.mul(xw, xw), dims, True), eps)))
    if weight is not None:
        y = g.mul(y, weight)
    return y if wide == dtype else g.to(y, CODE_OF_DTYPE[dtype])


defop("rms_norm", "(Tensor input, int[] normalized_shape, Tensor? weight=None, float? eps=None) -> Tensor",
      decompose=_rms_norm, shape=same, dtype=same_dtype, verify=chk.SAME_SHAPE, api="torch F",
      samples=lambda: [sample(s.f32(2, 3, 4), [4], s.f32(4), None), sample(s.f32(2, 6), [6], None, 1e-5),
                       sample(s.f32(3, 2, 4), [2, 4], s.f32(2, 4), 1e-6), sample(_special(), [4], None, None),
                       sample(s.f32(5).astype(np.float64), [5], None, None), sample(s.f32(0, 4), [4], None, None),
                       sample(s.f32(2, 4).astype(np.float16), [4], s.f32(4).astype(np.float16), None),
                       sample(s.i64(2, 3), [3], None, None)])
