"""Losses and similarities of two tensors: mse_loss, l1_loss, cosine_similarity.

The operands broadcast and promote as in PyTorch. A loss's `reduction` is at::Reduction's int:
0 none (the elementwise loss), 1 mean, 2 sum (integer sums accumulate in int64; a mean needs
floats). PyTorch's CPU kernels reject what its arithmetic rejects: mse_loss takes floats only,
l1_loss anything `sub` takes, and cosine_similarity a floating common dtype.
"""
from __future__ import annotations

import numpy as np

from tsjit.kernels.dims import check_broadcast, wrap_dim
from tsjit.kernels.promotion import INT64, as_array, cast, not_implemented, result_dtype, torch_name
from tsjit.ops import samples as s
from tsjit.ops.arithmetic import sub
from tsjit.ops.registry import op, sample
from tsjit.ops.rules import broadcast, const, dims, promote, promoted, wrap

_NOT_LOWERED = "no loop-level lowering yet: runs on numpy (C code runs it around fusion groups)"
_LOSS = "(Tensor self, Tensor target, int reduction=1) -> Tensor"


def _loss_shape(a, target, reduction):
    """The broadcast shape unreduced, else a 0-d result."""
    if const(reduction, "reduction") == 0:
        return broadcast(dims(a), dims(target))
    return ()


def _loss_dtype(a, target, reduction):
    dtype = promote(a, target)
    if dtype is None or dtype.kind == "f" or reduction == 0:
        return dtype
    return INT64 if reduction == 2 else None


def _reduce(loss: np.ndarray, reduction: int) -> np.ndarray:
    """at::Reduction: 0 none, 1 mean, 2 sum."""
    if reduction == 0:
        return as_array(loss)
    if reduction == 1:
        if loss.dtype.kind != "f":
            raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a floating point or "
                               f"complex dtype. Got: {torch_name(loss.dtype)}")
        with np.errstate(invalid="ignore", divide="ignore"):
            return as_array(np.asarray(np.sum(loss) / loss.size if loss.size else np.nan, loss.dtype))
    if reduction == 2:
        return as_array(np.sum(loss, dtype=loss.dtype if loss.dtype.kind == "f" else INT64))
    raise RuntimeError(f"{reduction} is not a valid value for reduction")


def _loss_samples(*extra):
    """Both losses: broadcasting, NaN/inf, mixed and integer dtypes, empty and 0-d inputs, each reduction."""
    return lambda: [sample(s.f32(3, 4), s.f32(3, 4), 1), sample(s.f32(2, 3), s.f32(3), 0),
                    sample(s.special(), s.special()[::-1].copy(), 2), sample(s.f64(3), s.f32(3), 1),
                    sample(s.strided(3, 4), s.f32(3, 4), 2), sample(s.f32(0, 3), s.f32(0, 3), 1),
                    sample(np.array(s.f32(1)[0]), np.array(s.f32(1)[0]), 0), sample(s.i64(3), s.f32(3), 1),
                    sample(s.f32(3), s.f32(4), 0), *(make() for make in extra)]


@op("mse_loss", _LOSS, shape=_loss_shape, dtype=_loss_dtype, numpy_only=_NOT_LOWERED,
    samples=_loss_samples(lambda: sample(s.i64(3), s.i64(3), 0), lambda: sample(s.f32(3), s.f32(3), 5)))
def mse_loss(a, target, reduction=1):
    check_broadcast(a.shape, target.shape)
    dtype = result_dtype(a, target)
    if dtype.kind != "f":
        raise not_implemented("mse_cpu", dtype)
    with np.errstate(all="ignore"):
        diff = cast(a, dtype) - cast(target, dtype)
        return _reduce(diff * diff, reduction)


@op("l1_loss", _LOSS, shape=_loss_shape, dtype=_loss_dtype, numpy_only=_NOT_LOWERED,
    samples=_loss_samples(lambda: sample(s.i64(3), s.i64(3), 0), lambda: sample(s.i32(2, 3), s.i32(3), 2),
                          lambda: sample(s.i64(3), s.i64(3), 1), lambda: sample(s.mask(3), s.f32(3), 0)))
def l1_loss(a, target, reduction=1):
    check_broadcast(a.shape, target.shape)
    with np.errstate(all="ignore"):
        return _reduce(np.abs(sub(a, target)), reduction)


def _cosine_shape(x1, x2, dim, eps):
    xs = broadcast(dims(x1), dims(x2))
    d = wrap(dim, len(xs))
    return xs[:d] + xs[d + 1:]


def _cosine_samples():
    tiny = np.array([[1e-5, 0], [3, 4]], np.float32), np.array([[1e-5, 1e-5], [1, 1]], np.float32)
    return [sample(s.f32(3, 4), s.f32(3, 4), 1, 1e-8), sample(s.f32(2, 1, 3), s.f32(4, 3), -1, 1e-8),
            sample(*tiny, 1, 1e-4), sample(s.special(), s.f32(3, 4), 0, 1e-8),
            sample(np.array(s.f32(1)[0]), np.array(s.f32(1)[0]), 0, 1e-8), sample(s.f32(0, 3), s.f32(0, 3), 1, 1e-8),
            sample(s.f32(3, 0), s.f32(3, 0), 1, 1e-8), sample(s.strided(3, 4), s.f64(3, 4), 0, 1e-8),
            sample(s.i64(2, 3), s.f32(2, 3), 1, 1e-8), sample(s.i64(2, 3), s.i64(2, 3), 1, 1e-8),
            sample(s.f32(3, 4), s.f32(3, 4), 2, 1e-8)]


@op("cosine_similarity", "(Tensor x1, Tensor x2, int dim=1, float eps=1e-08) -> Tensor", shape=_cosine_shape,
    dtype=promoted(0, 1), numpy_only=_NOT_LOWERED, samples=_cosine_samples, api="torch F")
def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """sum((x1 / max(|x1|, eps)) * (x2 / max(|x2|, eps))) along dim, after broadcasting (each norm is
    clamped on its own, as in ATen; integer operands are cast to the common dtype first)."""
    dtype = result_dtype(x1, x2)
    if dtype.kind != "f":
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is {torch_name(dtype)}")
    check_broadcast(x1.shape, x2.shape)
    a, b = (x if x.dtype.kind == "f" else x.astype(dtype) for x in (x1, x2))
    a, b = np.broadcast_arrays(a, b)
    d = wrap_dim(dim, a.ndim)
    if a.ndim == 0:
        a, b = a[None], b[None]

    def unit(x):
        norm = np.sqrt(np.sum(x * x, axis=d, keepdims=True))
        return x / np.maximum(norm, x.dtype.type(eps))
    with np.errstate(all="ignore"):
        return as_array(np.sum(unit(a) * unit(b), axis=d).astype(dtype, copy=False))
