"""Reductions: sum, mean, prod, amax/amin, max/min (with and without dim), argmax/argmin,
var/std (with correction), norm, logsumexp, any/all and cumsum."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tsjit.kernels.dims import wrap_dim, wrap_dims
from tsjit.kernels.promotion import INT64, as_array, dtype_of, to_float, torch_name


def _accumulate_dtype(a: np.ndarray, dtype) -> np.dtype:
    """sum/prod/cumsum: integers and bools accumulate as int64 unless a dtype is given."""
    if dtype is not None:
        return dtype_of(dtype)
    return INT64 if a.dtype.kind in "biu" else a.dtype


def _axes(a, dim):
    """numpy axes for a reduction (a 0-d tensor reduces over nothing)."""
    return wrap_dims(dim, a.ndim) if a.ndim else ()


def sum_(a, dim=None, keepdim=False, dtype=None):
    out = _accumulate_dtype(a, dtype)
    return as_array(np.sum(a, axis=_axes(a, dim), keepdims=keepdim, dtype=out))


def mean(a, dim=None, keepdim=False, dtype=None):
    out = dtype_of(dtype, a.dtype)
    if out.kind != "f":
        raise RuntimeError(f"mean(): could not infer output dtype. {'Input' if dtype is None else 'Optional'} dtype "
                           f"must be either a floating point or complex dtype. Got: {torch_name(out)}")
    with np.errstate(invalid="ignore"):
        return as_array(np.mean(a.astype(out, copy=False), axis=_axes(a, dim), keepdims=keepdim))


def prod(a, dim=None, keepdim=False, dtype=None):
    return as_array(np.prod(a, axis=_axes(a, dim), keepdims=keepdim, dtype=_accumulate_dtype(a, dtype)))


def _check_nonempty(a, axes, name):
    for d in axes:
        if a.shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def _extreme(fn: Callable, name: str) -> Callable:
    def kernel(a, dim=(), keepdim=False):
        axes = _axes(a, dim)
        _check_nonempty(a, axes, name)
        return as_array(fn(a, axis=axes, keepdims=keepdim))
    return kernel


def _whole(fn: Callable, name: str) -> Callable:
    def kernel(a):
        if a.size == 0:
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                               f"Specify the reduction dim with the 'dim' argument.")
        return as_array(fn(a))
    return kernel


def _with_indices(arg: Callable, name: str) -> Callable:
    def kernel(a, dim, keepdim=False):
        if a.ndim == 0:
            wrap_dim(dim, 0)
            return a.copy(), np.zeros((), INT64)
        dim = wrap_dim(dim, a.ndim)
        if a.shape[dim] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {dim} to have non-zero size.")
        idx = np.expand_dims(arg(a, axis=dim), dim)
        values = np.take_along_axis(a, idx, axis=dim)
        if not keepdim:
            idx, values = idx.squeeze(dim), values.squeeze(dim)
        return values, idx.astype(INT64, copy=False)
    return kernel


def _arg(fn: Callable, name: str) -> Callable:
    def kernel(a, dim=None, keepdim=False):
        if a.dtype.kind == "b":
            raise RuntimeError(f"{name}(): does not support bool input")
        if dim is None:
            if a.size == 0:
                raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
            idx = np.asarray(fn(a.reshape(-1)), dtype=INT64)
            return idx.reshape((1,) * a.ndim) if keepdim else idx
        if a.ndim == 0:
            wrap_dim(dim, 0)
            return np.zeros((), INT64)
        dim = wrap_dim(dim, a.ndim)
        if a.shape[dim] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {dim} to have non-zero size.")
        return as_array(fn(a, axis=dim, keepdims=keepdim).astype(INT64, copy=False))
    return kernel


def _moments(name: str, root: bool) -> Callable:
    def kernel(a, dim=None, correction=None, keepdim=False):
        if a.dtype.kind != "f":
            raise RuntimeError("std and var only support floating point and complex dtypes")
        axes = _axes(a, dim)
        n = int(np.prod([a.shape[d] for d in axes])) if axes else 1
        ddof = 1 if correction is None else correction
        with np.errstate(all="ignore"):
            mean = np.mean(a, axis=axes, keepdims=True, dtype=np.float64)
            sq = np.sum(np.square(a - mean), axis=axes, keepdims=keepdim, dtype=np.float64)
            out = sq / max(n - ddof, 0)
            out = np.sqrt(out) if root else out
        return as_array(out.astype(a.dtype))
    kernel.__name__ = name
    return kernel


def norm(a, p=None, dim=None, keepdim=False):
    if a.dtype.kind != "f":
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. "
                           f"Got {torch_name(a.dtype)}")
    p = 2 if p is None else p
    axes = _axes(a, dim)
    x = np.abs(a)
    with np.errstate(all="ignore"):
        if p == float("inf"):
            out = np.max(x, axis=axes, keepdims=keepdim, initial=0)
        elif p == float("-inf"):
            out = np.min(x, axis=axes, keepdims=keepdim)
        elif p == 0:
            out = np.sum(x != 0, axis=axes, keepdims=keepdim).astype(a.dtype)
        elif p == 1:
            out = np.sum(x, axis=axes, keepdims=keepdim)
        elif p == 2:
            out = np.sqrt(np.sum(x * x, axis=axes, keepdims=keepdim))
        else:
            out = np.power(np.sum(np.power(x, p), axis=axes, keepdims=keepdim), 1.0 / p)
    return as_array(np.asarray(out).astype(a.dtype, copy=False))


def logsumexp(a, dim=(), keepdim=False):
    a = to_float(a)
    axes = _axes(a, dim)
    with np.errstate(all="ignore"):
        m = np.max(a, axis=axes, keepdims=True) if a.size else np.zeros((1,) * a.ndim, a.dtype)
        m = np.where(np.isfinite(m), m, 0)
        out = np.log(np.sum(np.exp(a - m), axis=axes, keepdims=True)) + m
    return as_array(out if keepdim else np.squeeze(out, axis=axes))


def _logical(fn: Callable) -> Callable:
    def kernel(a, dim=None, keepdim=False):
        axes = None if dim is None else (wrap_dim(dim, a.ndim) if a.ndim else ())
        out = as_array(fn(a, axis=axes, keepdims=keepdim))
        if dim is None and keepdim is False:
            out = out.reshape(())
        return out.astype(np.uint8) if a.dtype == np.uint8 else out
    return kernel


def cumsum(a, dim, dtype=None):
    dim = wrap_dim(dim, a.ndim)
    out = _accumulate_dtype(a, dtype)
    return a.astype(out) if a.ndim == 0 else np.cumsum(a, axis=dim, dtype=out)


KERNELS: dict[str, Callable] = {
    "sum": sum_, "mean": mean, "prod": prod,
    "amax": _extreme(np.max, "amax"), "amin": _extreme(np.min, "amin"),
    "max": _whole(np.max, "max"), "min": _whole(np.min, "min"),
    "max_dim": _with_indices(np.argmax, "max"), "min_dim": _with_indices(np.argmin, "min"),
    "argmax": _arg(np.argmax, "argmax"), "argmin": _arg(np.argmin, "argmin"),
    "var": _moments("var", False), "std": _moments("std", True), "norm": norm, "logsumexp": logsumexp,
    "any": _logical(np.any), "all": _logical(np.all), "cumsum": cumsum,
}
