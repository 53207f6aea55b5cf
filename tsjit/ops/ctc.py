"""The connectionist temporal classification loss: ctc_loss (aten::ctc_loss.IntList, lengths as int
lists) and ctc_loss_tensor (aten::ctc_loss.Tensor, lengths as int64 tensors).

As ATen's CPU kernel: the forward (alpha) recursion over the extended target (a blank around every
label) in log space and in the input's dtype, log-sum-exp with the largest term taken out (0 when
all are -inf); a sample's loss is minus the log-likelihood of its target, inf when no alignment
exists (zero_infinity makes those 0). log_probs is [T, N, C] (or [T, C] for one sample); targets
are [N, S] padded, or 1-d, all targets concatenated. reduction: 0 none ([N]), 1 mean (each loss
divided by its target length, at least 1, then the batch mean), 2 sum.
"""
from __future__ import annotations

import numpy as np

from tsjit.dtypes import is_float
from tsjit.kernels.promotion import INT64, as_array, not_implemented
from tsjit.ops import samples as s
from tsjit.ops.registry import defop, op, sample
from tsjit.ops.rules import BY_KERNEL

_RECURSION = ("the alpha recursion over time with per-sample lengths and target labels as data (a "
              "gather of log_probs at the targets per step): not yet decomposed into ts ops")


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
                               f"{targets.shape[0]} for argument #2 'targets' (while checking arguments for ctc_loss_cpu)")
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
        raise RuntimeError(f"input_lengths must be of size batch_size")
    if len(target_lengths) != batch:
        raise RuntimeError(f"target_lengths must be of size batch_size")
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
        sample(lp(6, 3, 4, dtype="float64"), np.array([1, 1, 2, 3, 1]), lengths(6, 5, 4), lengths(2, 3, 0), 0, 0, False),
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


@op("ctc_loss", _SCHEMA.format(kind="int[]"), shape=BY_KERNEL, dtype=BY_KERNEL, numpy_only=_RECURSION,
    samples=_samples(False))
def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=1, zero_infinity=False):
    """The CTC loss of each sample (minus the log-likelihood of its target), reduced."""
    return _ctc(log_probs, targets, input_lengths, target_lengths, blank, reduction, zero_infinity)


@op("ctc_loss_tensor", _SCHEMA.format(kind="Tensor"), shape=BY_KERNEL, dtype=BY_KERNEL, numpy_only=_RECURSION,
    aten="ctc_loss", samples=_samples(True))
def ctc_loss_tensor(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=1, zero_infinity=False):
    """ctc_loss with the lengths as int64 tensors."""
    return _ctc(log_probs, targets, input_lengths.reshape(-1).tolist(), target_lengths.reshape(-1).tolist(), blank,
                reduction, zero_infinity)
