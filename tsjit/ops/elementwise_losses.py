"""Elementwise losses decomposed into ts ops: poisson_nll_loss, smooth_l1_loss, huber_loss,
binary_cross_entropy, margin_ranking_loss, cosine_embedding_loss, soft_margin_loss,
hinge_embedding_loss.

Each is ATen's composite (or its CPU kernel's formula) written with elementwise ops, sums and
`where`, then ATen's apply_loss_reduction (`reduction` 0 none, 1 mean, 2 sum): so each lowers, and
compiles to C, wherever its parts do; the eager kernel is the decomposition run on numpy, with
PyTorch's promotion and errors. Their result types come from the kernel (`BY_KERNEL`). Checks on
tensor values (binary_cross_entropy's inputs in [0, 1]) are made eagerly only, as nll_loss's bounds.
"""
from __future__ import annotations

import math

import numpy as np

from tsjit.dtypes import is_float, is_inexact
from tsjit.kernels.promotion import CODE_OF_DTYPE, not_implemented, result_dtype, torch_name
from tsjit.ops import samples as s
from tsjit.ops.decomposition import reject
from tsjit.ops.loss import _reduced
from tsjit.ops.registry import defop, sample
from tsjit.ops.rules import BY_KERNEL


def _common(g, *tensors):
    return result_dtype(*(np.empty((0,) if g.dim(t) else (), g.dtype(t)) for t in tensors if t is not None))


def _floats(g, name, *tensors):
    dtype = _common(g, *tensors)
    if not is_float(dtype):
        raise reject(g, not_implemented(name, dtype))
    return dtype


def _as_input(g, loss, x):
    """The loss in the input's dtype (ATen writes it into a tensor like the input)."""
    return loss if g.dtype(loss) == g.dtype(x) else g.to(loss, CODE_OF_DTYPE[g.dtype(x)])


def _broadcastable(g, *tensors):
    try:
        np.broadcast_shapes(*(g.shape(t) for t in tensors))
    except ValueError:
        a, b = g.shape(tensors[0]), g.shape(tensors[1])
        i = next(i for i in range(1, min(len(a), len(b)) + 1) if a[-i] != b[-i] and 1 not in (a[-i], b[-i]))
        raise reject(g, RuntimeError(f"The size of tensor a ({a[-i]}) must match the size of tensor b ({b[-i]}) at "
                                     f"non-singleton dimension {max(len(a), len(b)) - i}")) from None


def _loss_samples(*extra, ints=True, target=None, reduction_first=False, invalid=True):
    """(input, target, *extra, reduction) over each reduction, broadcasting, NaN/inf, 0-d, empty, float64
    ((input, target, reduction, *extra) with `reduction_first`)."""
    t = target or s.f32

    def sample(x, y, *rest):
        return s.sample(x, y, rest[-1], *rest[:-1]) if reduction_first else s.sample(x, y, *rest)

    def make():
        out = [sample(s.f32(3, 4), t(3, 4), *extra, 1), sample(s.f32(2, 3), t(3), *extra, 0),
               sample(s.f32(3, 4), t(3, 4), *extra, 2), sample(s.special(), t(3, 4), *extra, 0),
               sample(np.array(s.f32(1)[0]), np.array(t(1)[0]), *extra, 1), sample(s.f32(0, 3), t(0, 3), *extra, 1),
               sample(s.f32(0, 3), t(0, 3), *extra, 2), sample(s.f64(3), t(3).astype(np.float64), *extra, 1),
               sample(s.f32(3), t(3).astype(np.float64), *extra, 0), sample(s.f32(3), t(4), *extra, 0),
               *([sample(s.f32(3), t(3), *extra, 5)] if invalid else [])]
        return out + ([sample(s.i64(3), s.i64(3), *extra, 0), sample(s.i64(3), s.i64(3), *extra, 1)] if ints else [])
    return make


def _poisson_nll(g, x, target, log_input, full, eps, reduction):
    """exp(x) - target x for log inputs, else x - target log(x + eps); with `full`, Stirling's term
    target log(target) - target + log(2 pi target) / 2 where target > 1."""
    _broadcastable(g, x, target)
    loss = g.sub(g.exp(x), g.mul(target, x)) if g.value(log_input) else \
        g.sub(x, g.mul(target, g.log(g.add(x, g.value(eps)))))
    if g.value(full):
        stirling = g.add(g.sub(g.mul(target, g.log(target)), target), g.mul(g.log(g.mul(target, 2 * math.pi)), 0.5))
        loss = g.add(loss, g.where(g.gt(target, 1), stirling, 0.0))
    return _reduced(g, loss, reduction)


defop("poisson_nll_loss", "(Tensor input, Tensor target, bool log_input, bool full, float eps, int reduction) -> Tensor",
      decompose=_poisson_nll, shape=BY_KERNEL, dtype=BY_KERNEL,
      samples=lambda: [*_loss_samples(True, False, 1e-8, target=s.pos)(),
                       *(sample(s.pos(3, 4), s.pos(3, 4) * 3, li, full, 1e-8, r)
                         for li in (True, False) for full in (True, False) for r in (0, 1, 2)),
                       sample(s.f32(3, 4), s.special(), True, True, 1e-8, 0), sample(s.pos(3), s.pos(3), False, True, 0.5, 2)])


def _smooth_l1(g, x, target, reduction, beta):
    beta = g.value(beta)
    _floats(g, "smooth_l1_cpu", x, target)
    if beta < 0:
        raise reject(g, RuntimeError("smooth_l1_loss does not support negative values for beta."))
    _broadcastable(g, x, target)
    if g.value(reduction) not in (0, 1, 2):
        raise reject(g, RuntimeError("reduction == Reduction::Mean || reduction == Reduction::Sum INTERNAL ASSERT "
                                     "FAILED"))
    z = g.abs(g.sub(x, target))
    if beta != 0:
        z = g.where(g.lt(z, beta), g.div(g.mul(g.mul(z, z), 0.5), beta), g.sub(z, 0.5 * beta))
    return _reduced(g, z, reduction)


def _huber(g, x, target, reduction, delta):
    delta = g.value(delta)
    _floats(g, "huber_cpu", x, target)
    if delta <= 0:
        raise reject(g, RuntimeError("huber_loss does not support non-positive values for delta."))
    _broadcastable(g, x, target)
    z = g.abs(g.sub(x, target))
    loss = g.where(g.lt(z, delta), g.mul(g.mul(z, z), 0.5), g.mul(g.sub(z, 0.5 * delta), delta))
    return _reduced(g, _as_input(g, loss, x), reduction)


for _name, _fn, _arg in (("smooth_l1_loss", _smooth_l1, "beta"), ("huber_loss", _huber, "delta")):
    defop(_name, f"(Tensor self, Tensor target, int reduction=1, float {_arg}=1.) -> Tensor", decompose=_fn,
          shape=BY_KERNEL, dtype=BY_KERNEL,
          samples=s.joined(_loss_samples(1.0, reduction_first=True), lambda: [sample(s.f32(3, 4) * 3, s.f32(3, 4), r, b)
                                                     for r in (0, 1) for b in (0.5, 2.0)],
                           lambda: [sample(s.f32(3), s.f32(3), 1, 0.0), sample(s.f32(3), s.f32(3), 1, -1.0)]))


def _bce(g, x, target, weight=None, reduction=1):
    """-weight (target log(x) + (1 - target) log(1 - x)), each log clamped at -100 (ATen's CPU kernel)."""
    dtype = g.dtype(x)
    if not is_float(dtype):
        raise reject(g, not_implemented("binary_cross_entropy", dtype))
    if g.dtype(target) != dtype:
        raise reject(g, RuntimeError(f"Found dtype {torch_name(g.dtype(target))} but expected {torch_name(dtype)}"))
    for other in (target, weight):
        if other is not None and (not _fits(g.shape(x), g.shape(other)) or
                                  np.broadcast_shapes(g.shape(x), g.shape(other)) != g.shape(x)):
            shape = _broadcast_or(g.shape(x), g.shape(other))
            raise reject(g, RuntimeError(f"output with shape {list(g.shape(x))} doesn't match the broadcast shape "
                                         f"{shape}"))
    for what, v in (("input", x), ("target", target)):  # eager: ATen's checks of the values
        if isinstance(v, np.ndarray) and not np.all((v >= 0) & (v <= 1)):
            raise RuntimeError(f"all elements of {what} should be between 0 and 1")
    log_x = g.clamp(g.log(x), -100.0, None)
    log_1mx = g.clamp(g.log1p(g.neg(x)), -100.0, None)
    loss = g.neg(g.add(g.mul(target, g.sub(log_x, log_1mx)), log_1mx))  # t log x + (1 - t) log(1 - x)
    if weight is not None:
        loss = g.mul(loss, weight if g.dtype(weight) == dtype else g.to(weight, CODE_OF_DTYPE[dtype]))
    return _reduced(g, loss, reduction)


def _fits(a, b):
    try:
        np.broadcast_shapes(a, b)
        return True
    except ValueError:
        return False


def _broadcast_or(a, b):
    return list(np.broadcast_shapes(a, b)) if _fits(a, b) else list(b)


def _bce_samples():
    p = lambda *shape: s.f32(*shape, lo=0, hi=1)  # noqa: E731
    return [sample(p(3, 4), p(3, 4), None, 1), sample(p(2, 3), p(3), None, 0), sample(p(3, 4), p(3, 4), s.pos(4), 2),
            sample(p(2, 3), p(2, 3), s.pos(2, 1), 1), sample(np.array([0, 1, 0, 1], np.float32),
                                                               np.array([1, 0, 0, 1], np.float32), None, 0),
            sample(np.array([0.0, 1.0, 0.5, np.nan], np.float32), p(4), None, 0), sample(s.f64(3, lo=0, hi=1), s.f64(3), None, 1),
            sample(p(3), p(3), s.f64(3), 1), sample(np.array(0.3, np.float32), np.array(1.0, np.float32), None, 0),
            sample(p(0, 3), p(0, 3), None, 1), sample(p(0, 3), p(0, 3), None, 2), sample(s.f32(3) * 3, p(3), None, 1),
            sample(p(3), p(3).astype(np.float64), None, 1), sample(s.i64(3), s.i64(3), None, 1),
            sample(p(3), p(3), s.pos(2, 3), 0), sample(p(3), p(3), None, 5)]


defop("binary_cross_entropy", "(Tensor self, Tensor target, Tensor? weight=None, int reduction=1) -> Tensor",
      decompose=_bce, shape=BY_KERNEL, dtype=BY_KERNEL, samples=_bce_samples)


def _margin_ranking(g, x1, x2, target, margin=0.0, reduction=1):
    """max(0, -target (x1 - x2) + margin)."""
    _broadcastable(g, x1, x2)
    _broadcastable(g, x1, target)
    return _reduced(g, g.clamp(g.add(g.mul(g.neg(target), g.sub(x1, x2)), g.value(margin)), 0, None), reduction)


def _sign_target(*shape):
    return np.where(s.mask(*shape), 1, -1).astype(np.float32)


def _three_samples(extra, int_target=False):
    def make():
        t = (lambda *sh: _sign_target(*sh).astype(np.int64)) if int_target else _sign_target
        return [sample(s.f32(3, 4), s.f32(3, 4), t(3, 4), extra, 1), sample(s.f32(2, 3), s.f32(3), t(3), extra, 0),
                sample(s.f32(4), s.f32(4), t(4), 0.5, 2), sample(s.special(), s.f32(3, 4), t(3, 4), extra, 0),
                sample(s.f64(3), s.f32(3), t(3), extra, 1), sample(s.f32(0, 3), s.f32(0, 3), t(0, 3), extra, 1),
                sample(np.array(1.5, np.float32), np.array(0.5, np.float32), np.array(-1.0, np.float32), 0.2, 0),
                sample(s.i64(3), s.i64(3), t(3).astype(np.int64), extra, 0), sample(s.i64(3), s.i64(3), s.i64(3), 0.5, 1),
                sample(s.f32(3), s.f32(4), t(3), extra, 0), sample(s.f32(3), s.f32(3), t(3), extra, 5)]
    return make


defop("margin_ranking_loss", "(Tensor input1, Tensor input2, Tensor target, float margin=0., int reduction=1) -> "
      "Tensor", decompose=_margin_ranking, shape=BY_KERNEL, dtype=BY_KERNEL, samples=_three_samples(0.0))


def _cosine_embedding(g, x1, x2, target, margin=0.0, reduction=1):
    """1 - cos(x1, x2) where target is 1, max(0, cos - margin) where it is -1, 0 elsewhere; cos over the
    last dim with 1e-12 added to each squared norm (ATen's composite)."""
    td = g.dim(target)
    if td > 1:
        raise reject(g, RuntimeError("0D or 1D target tensor expected, multi-target not supported"))
    want = 2 if td == 1 else 1
    if g.dim(x1) != want or g.dim(x2) != want:
        raise reject(g, RuntimeError(f"{td}D target tensor expects {want}D input tensors, but found inputs with sizes "
                                     f"{list(g.shape(x1))} and {list(g.shape(x2))}."))
    _broadcastable(g, x1, x2)
    prod = g.sum(g.mul(x1, x2), [td])
    mag1, mag2 = (g.add(g.sum(g.mul(v, v), [td]), 1e-12) for v in (x1, x2))
    _broadcastable(g, prod, target)
    cos = g.div(prod, g.sqrt(g.mul(mag1, mag2)))
    pos = g.where(g.eq(target, 1), g.rsub(cos, 1), 0.0)
    neg = g.where(g.eq(target, -1), g.clamp(g.sub(cos, g.value(margin)), 0, None), 0.0)
    return _reduced(g, g.add(pos, neg), reduction)


def _cosine_samples():
    return [sample(s.f32(4, 3), s.f32(4, 3), _sign_target(4).astype(np.int64), 0.0, 1),
            sample(s.f32(4, 3), s.f32(4, 3), _sign_target(4), 0.3, 0), sample(s.f32(4, 3), s.f32(4, 3), s.i64(4, lo=-1, hi=2), -0.5, 2),
            sample(s.f32(3), s.f32(3), np.array(1), 0.0, 0), sample(s.f32(3), s.f32(3), np.array(-1), 0.0, 1),
            sample(s.special(), s.f32(3, 4), _sign_target(3), 0.0, 0), sample(s.f64(2, 3), s.f32(2, 3), _sign_target(2), 0.0, 1),
            sample(np.zeros((2, 3), np.float32), s.f32(2, 3), _sign_target(2), 0.0, 0),
            sample(s.i64(2, 3), s.i64(2, 3), np.array([1, -1]), 0.0, 0), sample(s.f32(0, 3), s.f32(0, 3), s.i64(0), 0.0, 1),
            sample(s.f32(3), s.f32(3), np.array([1]), 0.0, 0), sample(s.f32(2, 3), s.f32(3), np.array([1, 1]), 0.0, 0),
            sample(s.f32(2, 3), s.f32(2, 3), np.array([[1, 1]]), 0.0, 0),
            sample(s.f32(2, 3), s.f32(2, 3), np.array([1, -1, 1]), 0.0, 0)]


defop("cosine_embedding_loss", "(Tensor input1, Tensor input2, Tensor target, float margin=0., int reduction=1) -> "
      "Tensor", decompose=_cosine_embedding, shape=BY_KERNEL, dtype=BY_KERNEL, samples=_cosine_samples)


def _soft_margin(g, x, target, reduction=1):
    """log(1 + exp(-target x)), in the input's dtype (an integer input cannot hold it)."""
    dtype, out = _common(g, x, target), g.dtype(x)
    if not is_inexact(out):
        raise reject(g, RuntimeError(f"result type {torch_name(dtype if is_float(dtype) else np.dtype(np.float32))} "
                                     f"can't be cast to the desired output type {torch_name(out)}"))
    _broadcastable(g, x, target)
    loss = g.log1p(g.exp(g.neg(g.mul(target, x))))
    return _reduced(g, loss if dtype == out else g.to(loss, CODE_OF_DTYPE[out]), reduction)


defop("soft_margin_loss", "(Tensor self, Tensor target, int reduction=1) -> Tensor", decompose=_soft_margin,
      shape=BY_KERNEL, dtype=BY_KERNEL, samples=_loss_samples(target=_sign_target, invalid=False))


def _hinge_embedding(g, x, target, margin=1.0, reduction=1):
    """max(0, margin - x) where target is not 1, plus x where target is not -1 (in x's dtype)."""
    _broadcastable(g, x, target)
    clamped = g.clamp(g.rsub(x, g.value(margin)), 0, None)
    if not is_float(g.dtype(x)):
        clamped = g.to(clamped, CODE_OF_DTYPE[g.dtype(x)])
    loss = g.add(g.where(g.ne(target, 1), clamped, 0), g.where(g.ne(target, -1), x, 0))
    return _reduced(g, loss, reduction)


defop("hinge_embedding_loss", "(Tensor self, Tensor target, float margin=1., int reduction=1) -> Tensor",
      decompose=_hinge_embedding, shape=BY_KERNEL, dtype=BY_KERNEL,
      samples=s.joined(_loss_samples(1.0, target=_sign_target),
                       lambda: [sample(s.i64(3), np.array([1, -1, 1]), 1.5, 0), sample(s.f32(3), np.array([1, -1, 1]), 0.5, 2)]))
