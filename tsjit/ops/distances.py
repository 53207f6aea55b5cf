"""Distances between rows and the margin losses: pairwise_distance, pdist, dist, triplet_margin_loss,
multi_margin_loss and multilabel_margin_loss.

All are decompositions (sub/add/linalg_vector_norm/clamp/gather/compare/sum), so they lower wherever
those do: multilabel_margin_loss finds each row's targets (the classes before its first -1) with
comparisons against arange(C), not a data-dependent loop. The dimension checks are PyTorch's.
Reductions are at::Reduction's ints (0 none, 1 mean, 2 sum).
"""
from __future__ import annotations

import numpy as np

from tsjit.dtypes import is_float
from tsjit.ops import samples as s
from tsjit.ops.decomposition import reject
from tsjit.ops.loss import _reduced
from tsjit.ops.registry import defop, sample
from tsjit.kernels.promotion import not_implemented, real_of, torch_name
from tsjit.ops.rules import ShapeError, broadcast, const, dims, promoted_float, same_dtype


def _real_promoted(*positions):
    """promoted_float, complex types giving their real type (distances are real, as in PyTorch)."""
    rule = promoted_float(*positions)

    def dtype(*args):
        found = rule(*args)
        return None if found is None else real_of(found)
    return dtype


def _pairwise_distance(g, x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """|x1 - x2 + eps|_p over the innermost dim of the broadcast (at::pairwise_distance); adding the
    float eps makes integer inputs the default float dtype."""
    rank = max(g.dim(x1), g.dim(x2))
    diff = g.add(g.sub(x1, x2), g.value(eps))
    return g.linalg_vector_norm(diff, g.value(p), [rank - 1 if rank else 0], g.value(keepdim), None)


def _pairwise_shape(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    shape = broadcast(dims(x1), dims(x2))
    if not shape:
        return ()
    return shape[:-1] + ((1,) if const(keepdim, "keepdim") else ())


defop("pairwise_distance", "(Tensor x1, Tensor x2, float p=2, float eps=1e-06, bool keepdim=False) -> Tensor",
      decompose=_pairwise_distance, shape=_pairwise_shape, dtype=_real_promoted(0, 1), api="torch F",
      samples=lambda: [sample(s.f32(4, 5), s.f32(4, 5), 2.0, 1e-6, False), sample(s.f32(4, 5), s.f32(5), 1.0, 1e-6, True),
                       sample(s.f64(2, 3, 4), s.f64(2, 3, 4), 3.0, 0.0, False),
                       sample(s.f32(5), s.f32(5), 2.0, 1e-6, False), sample(s.f32(0, 3), s.f32(0, 3), 2.0, 1e-6, False),
                       sample(s.i64(2, 3), s.i64(2, 3), 2.0, 1e-6, False)])


def _triplet_margin_loss(g, anchor, positive, negative, margin=1.0, p=2.0, eps=1e-6, swap=False, reduction=1):
    ranks = [g.dim(anchor), g.dim(positive), g.dim(negative)]
    if len(set(ranks)) != 1:
        raise reject(g, RuntimeError(
            f"The anchor, positive, and negative tensors are expected to have the same number of dimensions, "
            f"but got: anchor {ranks[0]}D, positive {ranks[1]}D, and negative {ranks[2]}D inputs"))
    d_pos = _pairwise_distance(g, anchor, positive, p, eps)
    d_neg = _pairwise_distance(g, anchor, negative, p, eps)
    if g.value(swap):
        d_neg = g.minimum(d_neg, _pairwise_distance(g, positive, negative, p, eps))
    return _reduced(g, g.clamp(g.sub(g.add(d_pos, g.value(margin)), d_neg), 0.0, None), reduction)


def _triplet_shape(anchor, positive, negative, margin=1.0, p=2.0, eps=1e-6, swap=False, reduction=1):
    ranks = {len(dims(t)) for t in (anchor, positive, negative)}
    if len(ranks) != 1:
        raise ShapeError("The anchor, positive, and negative tensors are expected to have the same number of "
                         "dimensions")
    if const(reduction, "reduction") in (1, 2):
        return ()
    shape = broadcast(dims(anchor), dims(positive), dims(negative))
    return shape[:-1]


defop("triplet_margin_loss", "(Tensor anchor, Tensor positive, Tensor negative, float margin=1.0, float p=2, "
      "float eps=1e-06, bool swap=False, int reduction=1) -> Tensor", decompose=_triplet_margin_loss,
      shape=_triplet_shape, dtype=_real_promoted(0, 1, 2), api="torch",
      samples=lambda: [sample(s.f32(4, 5), s.f32(4, 5), s.f32(4, 5), 1.0, 2.0, 1e-6, False, 1),
                       sample(s.f32(4, 5), s.f32(4, 5), s.f32(4, 5), 0.5, 1.0, 1e-6, True, 0),
                       sample(s.f64(3, 2), s.f64(3, 2), s.f64(3, 2), 2.0, 3.0, 0.0, False, 2),
                       sample(s.f32(5), s.f32(5), s.f32(5), 1.0, 2.0, 1e-6, False, 1),
                       sample(s.f32(4, 5), s.f32(4, 5), s.f32(5), 1.0, 2.0, 1e-6, False, 1)])


def _as_matrix(g, name, x):
    shape = g.shape(x)
    if len(shape) not in (1, 2) or not shape[-1]:
        raise reject(g, RuntimeError(f"{name}: Expected non-empty vector or matrix with optional 0-dim batch size, "
                                     f"but got: {list(shape)}"))
    return (x if len(shape) == 2 else g.unsqueeze(x, 0)), shape[-1]


def _multi_margin_loss(g, x, target, p=1, margin=1, weight=None, reduction=1):
    """sum over j != y of max(0, margin - x[y] + x[j])^p (times weight[y]) / C, per row."""
    if g.value(p) not in (1, 2):
        raise reject(g, RuntimeError("only p == 1 and p == 2 supported"))
    if g.dtype(x).kind not in "fV":  # (bfloat16's numpy kind is V)
        raise reject(g, not_implemented("multi_margin_loss_cpu_kernel", g.dtype(x)))
    x2, classes = _as_matrix(g, "multi_margin_loss", x)
    t = g.view(target, [-1, 1])
    z = g.clamp(g.add(g.sub(x2, g.gather(x2, 1, t)), g.value(margin)), 0.0, None)
    if g.value(p) == 2:
        z = g.mul(z, z)
    if weight is not None:
        z = g.mul(z, g.unsqueeze(g.index_select(weight, 0, g.view(target, [-1])), 1))
    others = g.ne(np.arange(classes, dtype=np.int64), t)  # a constant tensor
    loss = g.div(g.sum(g.where(others, z, 0.0), [1], False, None), classes)
    return _reduced(g, g.view(loss, list(g.shape(target))), reduction)


def _multi_margin_shape(x, target, p=1, margin=1, weight=None, reduction=1):
    if const(reduction, "reduction") in (1, 2):
        return ()
    return dims(target)


defop("multi_margin_loss", "(Tensor self, Tensor target, Scalar p=1, Scalar margin=1, Tensor? weight=None, "
      "int reduction=1) -> Tensor", decompose=_multi_margin_loss, shape=_multi_margin_shape, dtype=same_dtype,
      samples=lambda: [sample(s.f32(4, 5), s.i64(4, lo=0, hi=5), 1, 1.0, None, 1),
                       sample(s.f32(4, 5), s.i64(4, lo=0, hi=5), 2, 0.5, s.f32(5, lo=0.1, hi=2.0), 0),
                       sample(s.f64(3, 2), s.i64(3, lo=0, hi=2), 1, 2, None, 2),
                       sample(s.f32(5), np.array(3), 1, 1.0, None, 0), sample(s.f32(5), s.i64(1, lo=0, hi=5), 1, 1, None, 0),
                       sample(s.f32(4, 5), s.i64(4, lo=0, hi=5), 3, 1.0, None, 1),
                       sample(s.i64(2, 3), s.i64(2, lo=0, hi=3), 1, 1.0, None, 1)])


def _multilabel_margin_loss(g, x, target, reduction=1):
    """sum over listed targets j (the entries before a row's first -1) and non-targets k of
    max(0, 1 - (x[j] - x[k])) / C, per row."""
    if g.dtype(x).kind not in "fV":
        raise reject(g, not_implemented("multilabel_margin_loss_forward_out_frame", g.dtype(x)))
    x2, classes = _as_matrix(g, "multilabel_margin_loss", x)
    t = target if len(g.shape(target)) == 2 else g.unsqueeze(target, 0)
    index = np.arange(classes, dtype=np.int64)  # a constant tensor
    first = g.rsub(g.amax(g.mul(g.lt(t, 0), g.rsub(index, classes)), [1], True), classes)  # the first -1, or C
    listed = g.logical_and(g.eq(g.unsqueeze(t, 2), index.reshape(1, 1, classes)), g.unsqueeze(g.lt(index, first), 2))
    times = g.sum(listed, [1], False, None)  # how often each class is listed (a repeated target counts again)
    others = g.logical_not(g.unsqueeze(g.gt(times, 0), 1))
    hinge = g.clamp(g.rsub(g.sub(g.unsqueeze(x2, 2), g.unsqueeze(x2, 1)), 1.0), 0.0, None)
    terms = g.mul(g.where(others, hinge, 0.0), g.unsqueeze(times, 2))
    loss = g.div(g.sum(terms, [1, 2], False, None), classes)
    return _reduced(g, loss if len(g.shape(x)) == 2 else g.squeeze(loss, 0), reduction)


def _multilabel_shape(x, target, reduction=1):
    if const(reduction, "reduction") in (1, 2) or len(dims(x)) < 2:
        return ()
    return dims(x)[:1]


defop("multilabel_margin_loss", "(Tensor self, Tensor target, int reduction=1) -> Tensor",
      decompose=_multilabel_margin_loss, shape=_multilabel_shape, dtype=same_dtype,
      samples=lambda: [sample(s.f32(3, 5), np.array([[1, 3, -1, 0, 0], [0, 1, 2, 3, 4], [-1, 2, 2, 2, 2]]), 1),
                       sample(s.f32(2, 4), np.array([[3, 0, -1, 1], [2, -1, -1, -1]]), 0),
                       sample(s.f64(2, 3), np.array([[2, 2, -1], [0, -1, 1]]), 2),
                       sample(s.f32(2, 3), np.array([[1, 1, 0], [0, 1, 2]]), 0),
                       sample(s.f32(5), np.array([4, 1, -1, 0, 0]), 0), sample(s.f32(5), np.array([4, 1, -1, 0, 0]), 1),
                       sample(s.i64(2, 3), np.array([[2, 2, -1], [0, -1, 1]]), 1)])


def _pdist(g, x, p=2.0):
    """|x_i - x_j|_p for the row pairs i < j, in row-major order (constant index tensors of the pairs)."""
    shape, pv = g.shape(x), g.value(p)
    if len(shape) != 2:
        raise reject(g, RuntimeError(f"pdist only supports 2D tensors, got: {len(shape)}D"))
    if not is_float(g.dtype(x)):
        raise reject(g, RuntimeError("pdist only supports floating-point dtypes"))
    if pv < 0:
        raise reject(g, RuntimeError("pdist only supports non-negative p values"))
    rows, cols = (np.asarray(v, np.int64) for v in np.triu_indices(shape[0], 1))
    diff = g.sub(g.index_select(x, 0, rows), g.index_select(x, 0, cols))
    return g.linalg_vector_norm(diff, pv, [1], False, None)


def _pdist_shape(x, p=2.0):
    if len(dims(x)) != 2:
        raise ShapeError(f"pdist only supports 2D tensors, got: {len(dims(x))}D")
    n = dims(x)[0]
    return (n * (n - 1) // 2,)


defop("pdist", "(Tensor self, float p=2) -> Tensor", decompose=_pdist, shape=_pdist_shape,
      dtype=same_dtype, api="torch F",
      samples=lambda: [sample(s.f32(4, 3), 2.0), sample(s.f64(5, 2), 1.0), sample(s.f32(3, 4), 0.5),
                       sample(s.f32(1, 3), 2.0), sample(s.f32(3, 2, 2), 2.0), sample(s.f32(3, 2), -1.0)])


def _dist(g, x, other, p=2):
    """torch.dist: the p-norm of x - other (broadcast) over every element."""
    diff = g.sub(x, other)
    if not is_float(g.dtype(diff)) and not g.dtype(diff).kind == "c":
        raise reject(g, RuntimeError(f"norm(): input dtype should be either floating point or complex. Got "
                                     f"{torch_name(g.dtype(diff))} instead."))
    return g.linalg_vector_norm(diff, g.value(p), None, False, None)


defop("dist", "(Tensor self, Tensor other, Scalar p=2) -> Tensor", decompose=_dist, shape=lambda x, other, p=2: (broadcast(dims(x), dims(other)), ())[1],
      dtype=_real_promoted(0, 1), api="torch Tensor",
      samples=lambda: [sample(s.f32(3, 4), s.f32(4), 2), sample(s.c64(3, 4), s.c64(4), 2), sample(s.f32(3, 4), s.f32(3, 4), 0), sample(s.f32(5), s.f32(5), 1),
                       sample(s.f32(2, 3), s.f32(2, 3), np.inf), sample(s.f32(2, 3), s.f32(2, 3), -np.inf),
                       sample(s.f32(2, 3), s.f64(3), 3.5), sample(s.special(), s.f32(3, 4), 2),
                       sample(s.f32(0, 3), s.f32(3), 2), sample(np.array(1.5, np.float32), s.f32(2), 2),
                       sample(s.i64(3), s.i64(3), 2), sample(s.f32(2), s.f32(3), 2)])
