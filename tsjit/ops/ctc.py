"""The connectionist temporal classification loss: ctc_loss (aten::ctc_loss.IntList, lengths as int
lists) and ctc_loss_tensor (aten::ctc_loss.Tensor, lengths as int64 tensors).

The kernel is ATen's CPU kernel: the forward (alpha) recursion over the extended target (a blank around every
label) in log space and in the input's dtype, log-sum-exp with the largest term taken out (0 when
all are -inf); a sample's loss is minus the log-likelihood of its target, inf when no alignment
exists (zero_infinity makes those 0). log_probs is [T, N, C] (or [T, C] for one sample); targets
are [N, S] padded, or 1-d, all targets concatenated. reduction: 0 none ([N]), 1 mean (each loss
divided by its target length, at least 1, then the batch mean), 2 sum.

The decomposition (what C compiles) runs the same recursion for the whole batch at once: log_probs
gathered at every extended label ([T, N, 2S + 1]), the steps unrolled over the static length (a
ts.loop's lowering lost a value the body used from outside), each keeping a sample's alphas once its
input length is reached; the lengths may be data (the Tensor overload). Length and
label range errors are the kernel's alone (compiled code cannot raise them).
"""
from __future__ import annotations

import numpy as np

from tsjit.dtypes import is_float
from tsjit.kernels.promotion import CODE_OF_DTYPE, INT64, as_array, not_implemented
from tsjit.ops import samples as s
from tsjit.ops.decomposition import NotDecomposable, reject
from tsjit.ops.registry import op, sample
from tsjit.ops.rules import BY_KERNEL

_INT64 = 4  # ScalarType code


def _logsumexp(*terms):
    top = np.maximum.reduce(terms)
    top = np.where(np.isneginf(top), 0, top)
    with np.errstate(all="ignore"):
        return np.log(sum(np.exp(t - top) for t in terms)) + top


def _targets_of(targets, target_lengths, batch):
    """Each sample's target labels."""
    if targets.ndim == 2:
        if targets.shape[0] != batch:
            raise RuntimeError(f"Expected tensor to have size at least {batch} at dimension 0, but got size "
                               f"{targets.shape[0]} for argument #2 'targets' (while checking arguments for "
                               "ctc_loss_cpu)")
        width = targets.shape[1]
        for n in target_lengths:
            if n > width:
                raise RuntimeError(f"Expected tensor to have size at least {n} at dimension 1, but got size {width} "
                                   "for argument #2 'targets' (while checking arguments for ctc_loss_cpu)")
        return [targets[b, :n] for b, n in enumerate(target_lengths)]
    offsets = np.concatenate([[0], np.cumsum(target_lengths)]).astype(INT64)
    if offsets[-1] > targets.size:
        raise RuntimeError(f"Expected tensor to have size at least {offsets[-1]} at dimension 0, but got size "
                           f"{targets.size} for argument #2 'targets' (while checking arguments for ctc_loss_cpu)")
    return [targets[offsets[b]:offsets[b + 1]] for b in range(batch)]


def _nll(lp, labels, length, blank):
    """Minus the log-likelihood of one sample's labels under lp [T, C] (its first `length` steps)."""
    dtype = lp.dtype
    ext = np.full(2 * len(labels) + 1, blank, INT64)
    ext[1::2] = labels
    width = len(ext)
    skip = np.zeros(width, bool)  # s may come from s - 2: a label differing from the one two back
    skip[2:] = (ext[2:] != blank) & (ext[2:] != ext[:-2])
    neg = dtype.type(-np.inf)
    alpha = np.full(width, neg, dtype)
    if length == 0:
        return dtype.type(np.inf) if len(labels) else dtype.type(-0.0)
    alpha[0] = lp[0, blank]
    if width > 1:
        alpha[1] = lp[0, ext[1]]
    for t in range(1, length):
        one = np.concatenate([[neg], alpha[:-1]]).astype(dtype)
        two = np.where(skip, np.concatenate([[neg, neg], alpha[:-2]]).astype(dtype)[:width], neg).astype(dtype)
        alpha = (_logsumexp(alpha, one, two) + lp[t, ext]).astype(dtype)
    ends = [alpha[-1]] + ([alpha[-2]] if width > 1 else [])
    return -_logsumexp(*ends).astype(dtype)


def _ctc(log_probs, targets, input_lengths, target_lengths, blank, reduction, zero_infinity):
    if not is_float(log_probs.dtype) or log_probs.dtype.itemsize < 4:
        raise not_implemented("ctc_loss_cpu", log_probs.dtype)
    unbatched = log_probs.ndim == 2
    if unbatched:
        log_probs, targets = log_probs[:, None], targets[None] if targets.ndim == 1 else targets
    if log_probs.ndim != 3:
        raise RuntimeError(f"ctc_loss: expected log_probs to be a 2-D or 3-D tensor, but got {log_probs.ndim}-D")
    steps, batch, classes = log_probs.shape
    input_lengths, target_lengths = [int(n) for n in input_lengths], [int(n) for n in target_lengths]
    if len(input_lengths) != batch:
        raise RuntimeError("input_lengths must be of size batch_size")
    if len(target_lengths) != batch:
        raise RuntimeError("target_lengths must be of size batch_size")
    if not 0 <= blank < classes:
        raise RuntimeError("blank must be in label range")
    for n in input_lengths:
        if n > steps or n < 0:
            raise RuntimeError(f"Expected input_lengths to have value at most {steps}, but got value {n} (while "
                               "checking arguments for ctc_loss_cpu)")
    labels = _targets_of(targets, target_lengths, batch)
    losses = np.array([_nll(log_probs[:, b], labels[b], input_lengths[b], blank) for b in range(batch)],
                      log_probs.dtype)
    if zero_infinity:
        losses = np.where(np.isposinf(losses), log_probs.dtype.type(0), losses).astype(log_probs.dtype)
    if reduction == 1:
        scale = np.maximum(np.array(target_lengths, log_probs.dtype), 1)
        return as_array((losses / scale).mean(dtype=log_probs.dtype).astype(log_probs.dtype))
    if reduction == 2:
        return as_array(losses.sum(dtype=log_probs.dtype))
    return as_array(losses[0] if unbatched else losses)


def _decompose(g, log_probs, targets, input_lengths, target_lengths, blank, reduction, zero_infinity):
    blank, reduction, zero_infinity = g.value(blank), g.value(reduction), g.value(zero_infinity)
    dtype = g.dtype(log_probs)
    if not is_float(dtype) or dtype.itemsize < 4 or g.dim(log_probs) not in (2, 3) or g.dtype(targets).kind != "i":
        raise reject(g, NotDecomposable("the kernel raises"))
    unbatched = g.dim(log_probs) == 2
    if unbatched:
        log_probs = g.unsqueeze(log_probs, 1)
        targets = g.unsqueeze(targets, 0) if g.dim(targets) == 1 else targets
    steps, batch, classes = g.shape(log_probs)
    tensors = not isinstance(input_lengths, list)
    if not tensors:  # int lists: the kernel's checks, statically
        if len(input_lengths) != batch or len(target_lengths) != batch or not 0 <= blank < classes or any(
                not 0 <= n <= steps for n in input_lengths) or (g.dim(targets) == 2 and (
                g.shape(targets)[0] != batch or max(target_lengths, default=0) > g.shape(targets)[1])) or (
                g.dim(targets) == 1 and sum(target_lengths) > g.shape(targets)[0]):
            raise reject(g, NotDecomposable("the kernel raises"))
        input_lengths = np.array(input_lengths, INT64)
        target_lengths = np.array(target_lengths, INT64)
    elif g.shape(input_lengths) != (batch,) or g.shape(target_lengths) != (batch,) or steps == 0:
        raise reject(g, NotDecomposable("lengths of another shape, or no steps"))
    if g.dim(targets) == 2:
        labels, width = g.to(targets, _INT64), g.shape(targets)[1]
    else:  # concatenated: sample b's labels start at the sum of the lengths before it
        width = max(int(np.max(target_lengths, initial=0)), 1) if not tensors else max(g.shape(targets)[0], 1)
        starts = g.sub(g.cumsum(target_lengths, 0, None), target_lengths)
        places = g.add(g.unsqueeze(starts, 1), np.arange(width, dtype=INT64))
        last = max(g.shape(targets)[0] - 1, 0)
        labels = g.take(g.to(targets, _INT64), g.clamp(places, 0, last)) if g.shape(targets)[0] else g.zeros(
            [batch, width], _INT64)
    ext = g.reshape(g.stack([g.full_like(labels, blank, None), labels], 2), [batch, 2 * width])
    ext = g.cat([ext, g.full([batch, 1], blank, _INT64)], 1)  # [N, W]: blank, l1, blank, l2, ..., blank
    n_ext = 2 * width + 1
    back2 = g.cat([g.full([batch, 2], blank, _INT64), g.slice(ext, 1, 0, n_ext - 2, 1)], 1)
    skip = g.logical_and(g.ne(ext, blank), g.ne(ext, back2))
    lp = g.gather(log_probs, 2, g.expand(g.unsqueeze(ext, 0), [steps, batch, n_ext]))  # [T, N, W]
    neg = float("-inf")
    first = g.select(lp, 0, 0)
    alpha = g.where(np.arange(n_ext, dtype=INT64) < 2, first, neg)
    left = g.sub(g.unsqueeze(input_lengths, 1), 1)  # steps after the first that a sample takes

    def shifted(a, k):
        return g.cat([g.full([batch, k], neg, CODE_OF_DTYPE[dtype]), g.slice(a, 1, 0, n_ext - k, 1)], 1)

    for t in range(1, steps):  # unrolled: the length is static
        total = _logsumexp_g(g, alpha, shifted(alpha, 1), g.where(skip, shifted(alpha, 2), neg))
        new = g.add(total, g.select(lp, 0, t))
        alpha = g.where(g.gt(left, t - 1), new, alpha)
    at_end = g.mul(g.unsqueeze(target_lengths, 1), 2)
    end1 = g.gather(alpha, 1, at_end)
    end2 = g.where(g.gt(at_end, 0), g.gather(alpha, 1, g.clamp(g.sub(at_end, 1), 0, None)), neg)
    loss = g.neg(g.squeeze(_logsumexp_g(g, end1, end2), 1))
    empty = g.where(g.eq(target_lengths, 0), np.array(-0.0, dtype), np.array(np.inf, dtype))  # input length 0
    loss = g.where(g.eq(input_lengths, 0), empty, loss)
    if zero_infinity:
        loss = g.where(g.eq(loss, float("inf")), 0.0, loss)
    if reduction == 1:
        return g.mean(g.div(loss, g.clamp(g.to(target_lengths, CODE_OF_DTYPE[dtype]), 1, None)), None, False, None)
    if reduction == 2:
        return g.sum(loss, None, False, None)
    return g.squeeze(loss, 0) if unbatched else loss


def _logsumexp_g(g, *terms):
    top = terms[0]
    for x in terms[1:]:
        top = g.maximum(top, x)
    top = g.where(g.eq(top, float("-inf")), 0.0, top)
    total = None
    for x in terms:
        e = g.exp(g.sub(x, top))
        total = e if total is None else g.add(total, e)
    return g.add(g.log(total), top)


def _samples(tensor_lengths):
    def lengths(*ns):
        return np.array(ns, INT64) if tensor_lengths else list(ns)

    def lp(*shape, dtype="float32"):
        x = s.f32(*shape, dtype=dtype)
        return (x - np.log(np.exp(x).sum(-1, keepdims=True))).astype(dtype)

    targets = np.array([[1, 2, 3], [2, 2, 4]])
    return lambda: [
        sample(lp(12, 2, 5), targets, lengths(12, 10), lengths(3, 2), 0, 1, False),
        sample(lp(12, 2, 5), targets, lengths(12, 10), lengths(3, 2), 0, 0, False),
        sample(lp(12, 2, 5), targets, lengths(12, 10), lengths(3, 2), 0, 2, False),
        sample(lp(6, 3, 4, dtype="float64"), np.array([1, 1, 2, 3, 1]), lengths(6, 5, 4), lengths(2, 3, 0), 0, 0,
               False),
        sample(lp(3, 2, 4), np.array([[1, 1, 1], [2, 3, 2]]), lengths(3, 2), lengths(3, 3), 0, 0, False),
        sample(lp(3, 2, 4), np.array([[1, 1, 1], [2, 3, 2]]), lengths(3, 2), lengths(3, 3), 0, 1, True),
        sample(lp(5, 2, 4), np.array([[0, 1], [2, 0]]), lengths(5, 5), lengths(2, 1), 3, 1, False),
        sample(lp(7, 4), np.array([1, 2]), lengths(7), lengths(2), 0, 0, False),
        sample(lp(4, 1, 3), np.array([[1, 2]]), lengths(0), lengths(2), 0, 0, False),
        sample(lp(4, 2, 3), targets[:, :2], lengths(5, 4), lengths(2, 2), 0, 1, False),
        sample(lp(4, 2, 3), targets, lengths(4, 4), lengths(4, 2), 0, 1, False),
        sample(lp(4, 2, 3), targets, lengths(4, 4), lengths(2, 2), 3, 1, False),
        sample(s.i64(4, 2, 3), targets, lengths(4, 4), lengths(2, 2), 0, 1, False)]


_SCHEMA = ("(Tensor log_probs, Tensor targets, {kind} input_lengths, {kind} target_lengths, int blank=0, "
           "int reduction=1, bool zero_infinity=False) -> Tensor")


@op("ctc_loss", _SCHEMA.format(kind="int[]"), shape=BY_KERNEL, dtype=BY_KERNEL, decompose=_decompose,
    samples=_samples(False))
def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=1, zero_infinity=False):
    """The CTC loss of each sample (minus the log-likelihood of its target), reduced."""
    return _ctc(log_probs, targets, input_lengths, target_lengths, blank, reduction, zero_infinity)


@op("ctc_loss_tensor", _SCHEMA.format(kind="Tensor"), shape=BY_KERNEL, dtype=BY_KERNEL, decompose=_decompose,
    aten="ctc_loss", samples=_samples(True))
def ctc_loss_tensor(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=1, zero_infinity=False):
    """ctc_loss with the lengths as int64 tensors."""
    return _ctc(log_probs, targets, input_lengths.reshape(-1).tolist(), target_lengths.reshape(-1).tolist(), blank,
                reduction, zero_infinity)
