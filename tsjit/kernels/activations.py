"""Activation functions and softmax, computed in the input's float dtype."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tsjit.kernels.erf import erf
from tsjit.kernels.promotion import as_array, cast, dtype_of, not_implemented, to_float
from tsjit.kernels.dims import wrap_dim


def _float_only(a: np.ndarray, name: str) -> None:
    if a.dtype.kind != "f":
        raise not_implemented(name, a.dtype)


def relu(a):
    if a.dtype.kind == "b":
        raise RuntimeError("Boolean inputs not supported for relu")
    return as_array(np.maximum(a, 0))


def sigmoid(a):
    a = to_float(a)
    with np.errstate(over="ignore"):
        return as_array(1 / (1 + np.exp(-a)))


def _hardtanh(a, lo, hi):
    if a.dtype.kind == "b":
        raise not_implemented("hardtanh_cpu", a.dtype)
    return as_array(np.minimum(np.maximum(a, cast(lo, a.dtype)), cast(hi, a.dtype)))


def _softplus(x, beta=1.0, threshold=20.0):
    with np.errstate(over="ignore"):
        soft = np.log1p(np.exp(x * beta)) / beta
    return np.where(x * beta > threshold, x, soft).astype(x.dtype, copy=False)


def _float_unary(fn: Callable, name: str) -> Callable:
    """An activation defined for float tensors only (as torch's CPU kernels)."""
    def kernel(a):
        _float_only(a, name)
        with np.errstate(all="ignore"):
            return as_array(np.asarray(fn(a)).astype(a.dtype, copy=False))
    return kernel


def _hardsigmoid(x):
    return np.minimum(np.maximum(x + 3, 0), 6) / 6


def softsign(a):
    if a.dtype.kind == "b":  # torch computes abs(a) first, which has no bool kernel
        raise not_implemented("abs_cpu", a.dtype)
    x = to_float(a)
    return as_array(x / (1 + np.abs(x)))


def gelu(a, approximate="none"):
    _float_only(a, "GeluKernelImpl")
    if approximate == "none":
        x = a.astype(np.float64)
        return as_array((0.5 * x * (1.0 + erf(x * np.sqrt(0.5)))).astype(a.dtype))
    if approximate == "tanh":
        inner = np.sqrt(2 / np.pi) * (a + 0.044715 * a * a * a)
        return as_array((0.5 * a * (1 + np.tanh(inner))).astype(a.dtype))
    raise RuntimeError("approximate argument must be either none or tanh.")


def leaky_relu(a, slope=0.01):
    _float_only(a, "leaky_relu_cpu")
    return as_array(np.where(a > 0, a, a * cast(slope, a.dtype)))


def elu(a, alpha=1.0, scale=1.0, input_scale=1.0):
    _float_only(a, "elu_cpu")
    neg = np.expm1(np.minimum(a, 0) * input_scale) * alpha * scale
    return as_array(np.where(a > 0, a * scale, neg).astype(a.dtype))


def softplus(a, beta=1.0, threshold=20.0):
    _float_only(a, "softplus_cpu")
    return as_array(_softplus(a, beta, threshold))


def threshold(a, th, value):
    return as_array(np.where(a > cast(th, a.dtype), a, cast(value, a.dtype)))


def prelu(a, weight):
    if weight.size != 1:
        channels = a.shape[1] if a.ndim >= 2 else 1
        if weight.ndim != 1 or weight.size != channels:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers "
                               f"= {weight.size} and channel size = {channels}.")
        weight = weight.reshape((1, -1) + (1,) * (a.ndim - 2))
    else:
        weight = weight.reshape(())
    return as_array(np.where(a > 0, a, weight * a).astype(a.dtype, copy=False))


def _softmax_input(a, dim, dtype, name):
    if dtype is not None:
        a = a.astype(dtype_of(dtype), copy=False)
    _float_only(a, name)
    return a, wrap_dim(dim, a.ndim)


def softmax(a, dim, dtype=None):
    a, dim = _softmax_input(a, dim, dtype, "softmax_lastdim_kernel_impl")
    if a.ndim == 0:
        return np.ones_like(a)
    with np.errstate(invalid="ignore", over="ignore"):
        e = np.exp(a - a.max(axis=dim, keepdims=True))
        e /= e.sum(axis=dim, keepdims=True)
    return e


def log_softmax(a, dim, dtype=None):
    a, dim = _softmax_input(a, dim, dtype, "log_softmax_lastdim_kernel_impl")
    if a.ndim == 0:
        return np.zeros_like(a)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        shifted = a - a.max(axis=dim, keepdims=True)
        return shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))


KERNELS: dict[str, Callable] = {
    "relu": relu, "sigmoid": sigmoid, "gelu": gelu, "leaky_relu": leaky_relu, "elu": elu,
    "hardtanh": _hardtanh, "relu6": lambda a: _hardtanh(a, 0, 6), "softplus": softplus,
    "threshold": threshold, "prelu": prelu, "softmax": softmax, "log_softmax": log_softmax,
    "silu": _float_unary(lambda x: x / (1 + np.exp(-x)), "silu_cpu"),
    "mish": _float_unary(lambda x: x * np.tanh(_softplus(x)), "mish_cpu"),
    "hardsigmoid": _float_unary(_hardsigmoid, "hardsigmoid_cpu"),
    "hardswish": _float_unary(lambda x: x * _hardsigmoid(x), "hardswish_cpu"),
    "softsign": softsign,
    "tanhshrink": lambda a: as_array(to_float(a) - np.tanh(to_float(a))),
}
