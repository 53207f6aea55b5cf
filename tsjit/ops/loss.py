"""Losses and similarities of two tensors: mse_loss, l1_loss, cosine_similarity.

The operands broadcast and promote as in PyTorch. A loss's `reduction` is at::Reduction's int:
0 none (the elementwise loss), 1 mean, 2 sum (integer sums accumulate in int64; a mean needs
floats). PyTorch's CPU kernels reject what its arithmetic rejects: mse_loss takes floats only,
l1_loss anything `sub` takes, and cosine_similarity a floating common dtype.
"""
from __future__ import annotations

import numpy as np

from tsjit.dtypes import is_float
from tsjit.kernels.dims import check_broadcast, wrap_dim
from tsjit.kernels.promotion import BOOL, CODE_OF_DTYPE, INT64, as_array, cast, not_implemented, result_dtype, torch_name
from tsjit.ops import samples as s
from tsjit.ops.arithmetic import sub
from tsjit.ops.decomposition import reject
from tsjit.ops.registry import defop, op, sample
from tsjit.ops.rules import broadcast, const, dims, promote, promoted, wrap

_LOSS = "(Tensor self, Tensor target, int reduction=1) -> Tensor"


def _loss_shape(a, target, reduction):
    """The broadcast shape unreduced, else a 0-d result."""
    if const(reduction, "reduction") == 0:
        return broadcast(dims(a), dims(target))
    return ()


def _loss_dtype(a, target, reduction):
    dtype = promote(a, target)
    if dtype is None or is_float(dtype) or reduction == 0:
        return dtype
    return INT64 if reduction == 2 else None


def _reduce(loss: np.ndarray, reduction: int) -> np.ndarray:
    """at::Reduction: 0 none, 1 mean, 2 sum."""
    if reduction == 0:
        return as_array(loss)
    if reduction == 1:
        if not is_float(loss.dtype):
            raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a floating point or "
                               f"complex dtype. Got: {torch_name(loss.dtype)}")
        with np.errstate(invalid="ignore", divide="ignore"):
            return as_array(np.asarray(np.sum(loss) / loss.size if loss.size else np.nan, loss.dtype))
    if reduction == 2:
        return as_array(np.sum(loss, dtype=loss.dtype if is_float(loss.dtype) else INT64))
    raise RuntimeError(f"{reduction} is not a valid value for reduction")


def _loss_samples(*extra):
    """Both losses: broadcasting, NaN/inf, mixed and integer dtypes, empty and 0-d inputs, each reduction."""
    return lambda: [sample(s.f32(3, 4), s.f32(3, 4), 1), sample(s.f32(2, 3), s.f32(3), 0),
                    sample(s.special(), s.special()[::-1].copy(), 2), sample(s.f64(3), s.f32(3), 1),
                    sample(s.strided(3, 4), s.f32(3, 4), 2), sample(s.f32(0, 3), s.f32(0, 3), 1),
                    sample(np.array(s.f32(1)[0]), np.array(s.f32(1)[0]), 0), sample(s.i64(3), s.f32(3), 1),
                    sample(s.f32(3), s.f32(4), 0), *(make() for make in extra)]


def _pointwise_loss(name: str):
    """mse_loss and l1_loss in ts ops: (a - target)^2 or |a - target|, then the reduction."""
    def decompose(g, a, target, reduction):
        dtype = result_dtype(*(np.zeros((1,) * g.dim(x), g.dtype(x)) for x in (a, target)))
        if (name == "mse_loss" and not is_float(dtype)) or BOOL in (g.dtype(a), g.dtype(target)) or \
                g.value(reduction) not in (0, 1, 2) or (g.value(reduction) == 1 and not is_float(dtype)):
            raise reject(g, RuntimeError(f"{name} of {dtype.name} tensors with reduction {g.value(reduction)}"))
        diff = g.sub(a, target)
        return _reduced(g, g.mul(diff, diff) if name == "mse_loss" else g.abs(diff), reduction)
    decompose.__name__ = f"_{name}"
    return decompose


@op("mse_loss", _LOSS, shape=_loss_shape, dtype=_loss_dtype, decompose=_pointwise_loss("mse_loss"),
    samples=_loss_samples(lambda: sample(s.i64(3), s.i64(3), 0), lambda: sample(s.f32(3), s.f32(3), 5)))
def mse_loss(a, target, reduction=1):
    check_broadcast(a.shape, target.shape)
    dtype = result_dtype(a, target)
    if not is_float(dtype):
        raise not_implemented("mse_cpu", dtype)
    with np.errstate(all="ignore"):
        diff = cast(a, dtype) - cast(target, dtype)
        return _reduce(diff * diff, reduction)


@op("l1_loss", _LOSS, shape=_loss_shape, dtype=_loss_dtype, decompose=_pointwise_loss("l1_loss"),
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


def _cosine_similarity(g, x1, x2, dim, eps):
    """The kernel's formula in ts ops: each operand over its own clamped norm, then their dot along dim."""
    dtype = result_dtype(*(np.zeros((1,) * g.dim(x), g.dtype(x)) for x in (x1, x2)))
    if not is_float(dtype):
        raise reject(g, RuntimeError(f"expected common dtype to be floating point, yet common dtype is {dtype.name}"))
    try:
        shape = list(np.broadcast_shapes(g.shape(x1), g.shape(x2)))
    except ValueError:
        raise reject(g, RuntimeError("cosine_similarity: the operands do not broadcast")) from None
    d, eps = g.value(dim), g.value(eps)

    def unit(x):
        if g.dtype(x) != dtype:
            x = g.to(x, CODE_OF_DTYPE[dtype])
        if list(g.shape(x)) != shape:
            x = g.expand(x, shape)
        if not shape:
            x = g.reshape(x, [1])
        return g.div(x, g.clamp(g.sqrt(g.sum(g.mul(x, x), [d], True)), eps, None))
    return g.sum(g.mul(unit(x1), unit(x2)), [d])


@op("cosine_similarity", "(Tensor x1, Tensor x2, int dim=1, float eps=1e-08) -> Tensor", shape=_cosine_shape,
    dtype=promoted(0, 1), decompose=_cosine_similarity, samples=_cosine_samples, api="torch F")
def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """sum((x1 / max(|x1|, eps)) * (x2 / max(|x2|, eps))) along dim, after broadcasting (each norm is
    clamped on its own, as in ATen; integer operands are cast to the common dtype first)."""
    dtype = result_dtype(x1, x2)
    if not is_float(dtype):
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is {torch_name(dtype)}")
    check_broadcast(x1.shape, x2.shape)
    a, b = (x if is_float(x.dtype) else x.astype(dtype) for x in (x1, x2))
    a, b = np.broadcast_arrays(a, b)
    d = wrap_dim(dim, a.ndim)
    if a.ndim == 0:
        a, b = a[None], b[None]

    def unit(x):
        norm = np.sqrt(np.sum(x * x, axis=d, keepdims=True))
        return x / np.maximum(norm, x.dtype.type(eps))
    with np.errstate(all="ignore"):
        return as_array(np.sum(unit(a) * unit(b), axis=d).astype(dtype, copy=False))


# -- decomposed losses: kl_div, binary_cross_entropy_with_logits -------------------------------------

def _reduced(g, loss, reduction):
    """ATen's apply_loss_reduction: 1 mean, 2 sum, anything else (0) the elementwise loss."""
    reduction = g.value(reduction)
    if reduction == 1:
        return g.mean(loss)
    if reduction == 2:
        return g.sum(loss)
    return loss


def _kl_div(g, x, target, reduction=1, log_target=False):
    """target * (log(target) - x) pointwise (0 where target is 0), or exp(t) * (t - x) for log targets."""
    if g.dtype(x).kind in "biu" or g.dtype(target).kind in "biu":
        raise reject(g, RuntimeError("kl_div: Integral inputs not supported."))
    if g.value(log_target):
        loss = g.mul(g.exp(target), g.sub(target, x))
    else:
        loss = g.sub(g.xlogy(target, target), g.mul(target, x))
    return _reduced(g, loss, reduction)


def _kl_dtype(x, target, reduction, log_target):
    dtype = promote(x, target)
    return dtype if dtype is None or is_float(dtype) else None


defop("kl_div", "(Tensor self, Tensor target, int reduction=1, *, bool log_target=False) -> Tensor",
      decompose=_kl_div, shape=lambda x, t, r, lt: _reduced_shape(r, x, t), dtype=_kl_dtype, api="torch",
      samples=lambda: [sample(s.f32(3, 4), s.pos(3, 4), 1, False), sample(s.f32(2, 3), s.pos(3), 0, False),
                       sample(s.f32(3, 4), s.f32(3, 4), 2, True), sample(s.f32(3), np.array([0, 0.5, 1], np.float32), 0,
                                                                          False),
                       sample(s.special(), s.pos(3, 4), 1, False), sample(s.f32(3), s.special()[0], 0, True),
                       sample(s.f64(3), s.pos(3), 1, False), sample(s.f32(0, 3), s.pos(0, 3), 1, False),
                       sample(s.f32(3), s.i64(3), 1, False),  # PyTorch refuses integral inputs
                       sample(np.array(s.f32(1)[0]), np.array(0.5, np.float32), 2, False),
                       sample(s.f32(3), s.f32(4), 0, False), sample(s.f32(3), s.pos(3), 5, False)])


def _bce_with_logits(g, x, target, weight=None, pos_weight=None, reduction=1):
    """(1 - t) x - w_pos log(sigmoid(x)), w_pos = (pos_weight - 1) t + 1, times weight (as ATen)."""
    log_sig = g.logsigmoid(x)
    if pos_weight is not None:
        log_sig = g.mul(log_sig, g.add(g.mul(g.sub(pos_weight, 1), target), 1))
    loss = g.sub(g.mul(g.rsub(target, 1), x), log_sig)
    if weight is not None:
        loss = g.mul(loss, weight)
    return _reduced(g, loss, reduction)


def _reduced_shape(reduction, *operands):
    """A 0-d result for mean and sum, else the operands' broadcast shape."""
    if const(reduction, "reduction") in (1, 2):
        return ()
    return broadcast(*(dims(t) for t in operands if t is not None))


def _bce_shape(x, target, weight, pos_weight, reduction):
    return _reduced_shape(reduction, x, target, weight, pos_weight)


defop("binary_cross_entropy_with_logits", "(Tensor self, Tensor target, Tensor? weight=None, Tensor? pos_weight=None, "
      "int reduction=1) -> Tensor", decompose=_bce_with_logits, shape=_bce_shape, dtype=promoted(0, 1, 2, 3), api="torch",
      samples=lambda: [sample(s.f32(3, 4), s.f32(3, 4, lo=0, hi=1), None, None, 1),
                       sample(s.f32(3, 4), s.mask(3, 4).astype(np.float32), s.pos(4), None, 0),
                       sample(s.f32(3, 4) * 30, s.f32(3, 4, lo=0, hi=1), None, s.pos(4) * 3, 2),
                       sample(s.f32(2, 3), s.f32(2, 3, lo=0, hi=1), s.pos(2, 1), s.pos(3), 1),
                       sample(s.special(), s.f32(3, 4, lo=0, hi=1), None, None, 0),
                       sample(s.f64(3), s.f64(3, lo=0, hi=1), None, None, 1),
                       sample(s.f32(0, 3), s.f32(0, 3), None, None, 1),
                       sample(np.array(1.5, np.float32), np.array(1.0, np.float32), None, None, 0),
                       sample(s.f32(3), s.f32(3), None, None, 7)])


# -- nll_loss, cross_entropy_loss (decomposed: class picks are comparisons with the class ids) ----------

def _class_dim(g, x):
    return 1 if g.dim(x) >= 2 else 0


def _picks(g, x, target, weight, ignore_index):
    """(the input's value at each target class, each target's weight, 0 where ignored): a one-hot
    comparison with the class ids, so it lowers like any elementwise op and sum."""
    cd, n = _class_dim(g, x), g.dim(x)
    classes = g.shape(x)[cd] if n else 1
    if g.dtype(target) != np.dtype(np.int64):
        raise reject(g, RuntimeError(f"expected scalar type Long but found {torch_name(g.dtype(target))}"))
    want = tuple(g.shape(x)[:cd]) + tuple(g.shape(x)[cd + 1:])
    if tuple(g.shape(target)) != want:
        raise reject(g, ValueError(f"Expected target size {list(want)}, got {list(g.shape(target))}"))
    if weight is not None and g.shape(weight) != (classes,):
        raise reject(g, RuntimeError(f"weight tensor should be defined either for all {classes} classes or no classes "
                                     f"but got weight tensor of shape: {list(g.shape(weight))}"))
    if isinstance(target, np.ndarray):  # eager: ATen's bounds check (data, so not in IR)
        bad = target[(target != ignore_index) & ((target < 0) | (target >= classes))]
        if bad.size:
            raise IndexError(f"Target {bad.flat[0]} is out of bounds.")
    ids = np.arange(classes, dtype=np.int64).reshape([classes] + [1] * (n - cd - 1))  # a ts.constant in IR
    hot = g.eq(g.unsqueeze(target, cd), ids)
    picked = g.sum(g.where(hot, x, 0.0), [cd])
    valid = g.ne(target, ignore_index)
    if weight is None:
        w = g.to(valid, CODE_OF_DTYPE[g.dtype(x)])
    else:
        w = g.where(valid, g.sum(g.where(hot, g.reshape(weight, [classes] + [1] * (n - cd - 1)), 0.0), [cd]), 0.0)
    return picked, w


_NLL_RANKS = {"nll_loss": ((1, 2), "input tensor should be 1D or 2D"),
              "nll_loss2d": ((4,), "only batches of spatial targets supported (4D tensors) but got input of dimension: {}")}


def _nll_checked(name):
    def decompose(g, x, target, weight=None, reduction=1, ignore_index=-100):
        ranks, message = _NLL_RANKS.get(name, (None, ""))
        if ranks is not None and g.dim(x) not in ranks:
            raise reject(g, RuntimeError(message.format(g.dim(x))))
        return _nll_loss(g, x, target, weight, reduction, ignore_index)
    decompose.__name__ = name
    return decompose


def _nll_loss(g, x, target, weight=None, reduction=1, ignore_index=-100):
    """-x[target] * weight[target], 0 where target is ignore_index; the mean divides by the weights' sum."""
    if not is_float(g.dtype(x)):
        raise reject(g, not_implemented("nll_loss_forward_reduce_cuda_kernel_2d_index", g.dtype(x)))
    if g.dim(x) < 1:
        raise reject(g, ValueError("Expected 1 or more dimensions (got 0)"))
    picked, w = _picks(g, x, target, weight, g.value(ignore_index))
    loss = g.neg(g.mul(picked, w))
    reduction = g.value(reduction)
    if reduction == 1:
        return g.div(g.sum(loss), g.sum(w))
    return g.sum(loss) if reduction == 2 else loss


def _nll_shape(x, target, weight, reduction, ignore_index):
    return () if const(reduction, "reduction") in (1, 2) else dims(target)


def _nll_samples():
    t = s.i64(4, lo=0, hi=3)
    t[1] = -100
    return [sample(s.f32(4, 3), s.i64(4, lo=0, hi=3), None, 1, -100), sample(s.f32(4, 3), t, s.pos(3), 1, -100),
            sample(s.f32(4, 3), t, None, 0, -100), sample(s.f32(4, 3), t, s.pos(3), 2, 1),
            sample(s.f32(2, 3, 2, 2), s.i64(2, 2, 2, lo=0, hi=3), s.pos(3), 1, -100),
            sample(s.f32(3), np.array(2), None, 0, -100), sample(s.f64(4, 3), s.i64(4, lo=0, hi=3), None, 2, 0),
            sample(s.f32(0, 3), s.i64(0, lo=0, hi=3), None, 1, -100), sample(s.f32(2, 3), np.array([-100, -100]), None, 1, -100),
            sample(s.f32(4, 3), np.array([0, 1, 3, 2]), None, 1, -100), sample(s.f32(4, 3), s.i32(4, lo=0, hi=3), None, 1, -100),
            sample(s.f32(4, 3), s.i64(3, lo=0, hi=3), None, 1, -100), sample(s.f32(4, 3), s.i64(4, lo=0, hi=3), s.pos(4), 1, -100)]


def _nll_2d_samples():
    return [sample(s.f32(2, 3, 2, 2), s.i64(2, 2, 2, lo=0, hi=3), None, 1, -100),
            sample(s.f32(2, 3, 2, 2), s.i64(2, 2, 2, lo=0, hi=3), s.pos(3), 0, 1),
            sample(s.f32(2, 3, 2, 2), s.i64(2, 2, 2, lo=0, hi=3), s.pos(3), 2, -100),
            sample(s.f32(4, 3), s.i64(4, lo=0, hi=3), None, 1, -100)]


for _name in ("nll_loss", "nll_loss2d", "nll_loss_nd"):
    defop(_name, "(Tensor self, Tensor target, Tensor? weight=None, int reduction=1, int ignore_index=-100) -> Tensor",
          decompose=_nll_checked(_name), shape=_nll_shape, dtype=lambda x, *rest: x.dtype,
          samples=_nll_2d_samples if _name == "nll_loss2d" else _nll_samples)


def _cross_entropy(g, x, target, weight=None, reduction=1, ignore_index=-100, label_smoothing=0.0):
    """log_softmax over the class dim, then nll_loss for class indices or -sum(p * target) for class
    probabilities, with label smoothing as ATen's cross_entropy_loss."""
    eps, reduction = g.value(label_smoothing), g.value(reduction)
    if not is_float(g.dtype(x)):
        raise reject(g, not_implemented("log_softmax_lastdim_kernel_impl", g.dtype(x)))
    if not 0.0 <= eps <= 1.0:
        raise reject(g, RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {eps:g}"))
    cd, n = _class_dim(g, x), g.dim(x)
    classes = g.shape(x)[cd] if n else 1
    logp = g.log_softmax(x, cd)
    wide = None if weight is None else g.reshape(weight, [classes] + [1] * (n - cd - 1))
    if is_float(g.dtype(target)):  # class probabilities
        if g.shape(target) != g.shape(x):
            raise reject(g, RuntimeError("cross_entropy: target and input must have the same shape for class "
                                         "probabilities"))
        if eps > 0:
            target = g.add(g.mul(target, 1 - eps), eps / classes)
        terms = g.mul(logp, target) if wide is None else g.mul(g.mul(logp, target), wide)
        if reduction == 1:
            count = int(np.prod(g.shape(x))) // classes if classes else 0
            return g.div(g.neg(g.sum(terms)), float(count) if count else float("nan"))
        return g.neg(g.sum(terms)) if reduction == 2 else g.neg(g.sum(terms, [cd]))
    nll = _nll_loss(g, logp, target, weight, reduction, ignore_index)
    if eps == 0:
        return nll
    _, w = _picks(g, logp, target, weight, g.value(ignore_index))
    smooth = g.neg(g.sum(logp if wide is None else g.mul(logp, wide), [cd]))
    smooth = g.where(g.ne(target, g.value(ignore_index)), smooth, 0.0)
    if reduction == 1:
        smooth = g.div(g.sum(smooth), g.sum(w) if weight is not None else
                       g.sum(g.to(g.ne(target, g.value(ignore_index)), CODE_OF_DTYPE[g.dtype(x)])))
    elif reduction == 2:
        smooth = g.sum(smooth)
    return g.add(g.mul(nll, 1 - eps), g.mul(smooth, eps / classes))


def _ce_shape(x, target, weight, reduction, ignore_index, label_smoothing):
    if const(reduction, "reduction") in (1, 2):
        return ()
    xs = dims(x)
    return xs[:1] + xs[2:] if len(xs) >= 2 else ()


def _ce_samples():
    t = s.i64(4, lo=0, hi=3)
    t[2] = -100
    probs = s.f32(4, 3, lo=0, hi=1)
    return [sample(s.f32(4, 3), s.i64(4, lo=0, hi=3), None, 1, -100, 0.0),
            sample(s.f32(4, 3), t, s.pos(3), 1, -100, 0.0), sample(s.f32(4, 3), t, None, 0, -100, 0.1),
            sample(s.f32(4, 3), t, s.pos(3), 1, -100, 0.2), sample(s.f32(4, 3), t, s.pos(3), 2, 1, 0.3),
            sample(s.f32(2, 3, 2, 2), s.i64(2, 2, 2, lo=0, hi=3), None, 1, -100, 0.0),
            sample(s.f32(2, 3, 2), s.i64(2, 2, lo=0, hi=3), s.pos(3), 0, -100, 0.05),
            sample(s.f32(3), np.array(1), None, 0, -100, 0.0), sample(s.f32(4, 3), probs, None, 1, -100, 0.0),
            sample(s.f32(4, 3), probs, s.pos(3), 2, -100, 0.2), sample(s.f32(2, 3, 2), s.f32(2, 3, 2, lo=0, hi=1), None, 0,
                                                                      -100, 0.1),
            sample(s.f64(4, 3), s.i64(4, lo=0, hi=3), None, 1, -100, 0.0), sample(s.special().T.copy(), s.i64(4, lo=0, hi=3),
                                                                                  None, 1, -100, 0.0),
            sample(s.f32(0, 3), s.i64(0, lo=0, hi=3), None, 1, -100, 0.0),
            sample(s.f32(4, 3), s.i64(4, lo=0, hi=3), None, 1, -100, 1.5), sample(s.i64(4, 3), s.i64(4, lo=0, hi=3), None,
                                                                                   1, -100, 0.0),
            sample(s.f32(4, 3), np.array([0, 1, 5, 2]), None, 1, -100, 0.0)]


defop("cross_entropy_loss", "(Tensor self, Tensor target, Tensor? weight=None, int reduction=1, int ignore_index=-100, "
      "float label_smoothing=0.0) -> Tensor", decompose=_cross_entropy, shape=_ce_shape,
      dtype=lambda x, *rest: x.dtype, samples=_ce_samples)
