"""`tsjit.nn.functional`'s losses (mse_loss, cross_entropy, kl_div, ...): PyTorch's Python signatures
(reduction strings, the legacy size_average/reduce flags with their warning, elementwise weights)
over the loss ops of the registry (tsjit/ops/loss.py, elementwise_losses.py). Re-exported by
tsjit/eager/functional.py."""
from __future__ import annotations

import warnings
from typing import Optional

from tsjit.eager.core import _array, _wrap
from tsjit.eager.tensor_class import Tensor
from tsjit.ops import EAGER as K


# -- losses --------------------------------------------------------------------------------------
def _reduction_enum(size_average: Optional[bool], reduce: Optional[bool], reduction: str) -> int:
    """at::Reduction's int for a reduction string; the legacy size_average/reduce flags override it."""
    if size_average is not None or reduce is not None:
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        reduction = "mean" if size_average and reduce else "sum" if reduce else "none"
        warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{reduction}' instead.",
                      stacklevel=3)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return {"none": 0, "mean": 1, "sum": 2}[reduction]


def _loss(name: str, *operands) -> Tensor:
    """The registry op `name` on tensors (None stays None) and constants."""
    return _wrap(K[name](*(_array(v) if isinstance(v, Tensor) else v for v in operands)))


def _weighted(name: str, input: Tensor, target: Tensor, weight: Optional[Tensor], reduction: int, *extra) -> Tensor:
    """A loss with PyTorch's elementwise `weight` (applied before the reduction)."""
    if weight is None:
        return _loss(name, input, target, reduction, *extra)
    loss = _loss(name, input, target, 0, *extra) * weight
    return loss.mean() if reduction == 1 else loss.sum() if reduction == 2 else loss


def mse_loss(input: Tensor, target: Tensor, size_average: Optional[bool] = None,
             reduce: Optional[bool] = None, reduction: str = "mean",
             weight: Optional[Tensor] = None) -> Tensor:
    return _weighted("mse_loss", input, target, weight, _reduction_enum(size_average, reduce, reduction))


def l1_loss(input: Tensor, target: Tensor, size_average: Optional[bool] = None,
            reduce: Optional[bool] = None, reduction: str = "mean",
            weight: Optional[Tensor] = None) -> Tensor:
    return _weighted("l1_loss", input, target, weight, _reduction_enum(size_average, reduce, reduction))


def nll_loss(input: Tensor, target: Tensor, weight: Optional[Tensor] = None,
             size_average: Optional[bool] = None, ignore_index: int = -100,
             reduce: Optional[bool] = None, reduction: str = "mean") -> Tensor:
    """Class-index targets: (C), (N, C) or (N, C, d1, ...) log-probabilities (aten::nll_loss_nd)."""
    return _loss("nll_loss_nd", input, target, weight, _reduction_enum(size_average, reduce, reduction), ignore_index)


def cross_entropy(input: Tensor, target: Tensor, weight: Optional[Tensor] = None,
                  size_average: Optional[bool] = None, ignore_index: int = -100,
                  reduce: Optional[bool] = None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """Class-index targets (with label smoothing) or class-probability targets (same shape)."""
    return _loss("cross_entropy_loss", input, target, weight, _reduction_enum(size_average, reduce, reduction),
                 ignore_index, label_smoothing)


def kl_div(input: Tensor, target: Tensor, size_average: Optional[bool] = None, reduce: Optional[bool] = None,
           reduction: str = "mean", log_target: bool = False) -> Tensor:
    """'batchmean' divides the sum by the batch size."""
    if reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                      "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                      stacklevel=2)
    enum = 2 if reduction == "batchmean" and size_average is None and reduce is None else \
        _reduction_enum(size_average, reduce, reduction)
    reduced = _loss("kl_div", input, target, enum, log_target)
    if reduction == "batchmean" and input.dim() != 0:
        reduced = reduced / input.size()[0]
    return reduced


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Optional[Tensor] = None,
                         size_average: Optional[bool] = None, reduce: Optional[bool] = None,
                         reduction: str = "mean") -> Tensor:
    enum = _reduction_enum(size_average, reduce, reduction)
    if list(target.size()) != list(input.size()):
        raise ValueError(f"Using a target size ({target.size()}) that is different to the input size "
                         f"({input.size()}) is deprecated. Please ensure they have the same size.")
    if weight is not None:
        weight = weight.expand(list(target.size()))
    return _loss("binary_cross_entropy", input, target, weight, enum)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Optional[Tensor] = None,
                                     size_average: Optional[bool] = None, reduce: Optional[bool] = None,
                                     reduction: str = "mean", pos_weight: Optional[Tensor] = None) -> Tensor:
    enum = _reduction_enum(size_average, reduce, reduction)
    if list(target.size()) != list(input.size()):
        raise ValueError(f"Target size ({target.size()}) must be the same as input size ({input.size()})")
    return _loss("binary_cross_entropy_with_logits", input, target, weight, pos_weight, enum)


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False,
                     size_average: Optional[bool] = None, eps: float = 1e-8, reduce: Optional[bool] = None,
                     reduction: str = "mean") -> Tensor:
    return _loss("poisson_nll_loss", input, target, log_input, full, eps,
                 _reduction_enum(size_average, reduce, reduction))


def smooth_l1_loss(input: Tensor, target: Tensor, size_average: Optional[bool] = None,
                   reduce: Optional[bool] = None, reduction: str = "mean", beta: float = 1.0) -> Tensor:
    return _loss("smooth_l1_loss", input, target, _reduction_enum(size_average, reduce, reduction), beta)


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Optional[Tensor] = None) -> Tensor:
    return _weighted("huber_loss", input, target, weight, _reduction_enum(None, None, reduction), delta)


def soft_margin_loss(input: Tensor, target: Tensor, size_average: Optional[bool] = None,
                     reduce: Optional[bool] = None, reduction: str = "mean") -> Tensor:
    return _loss("soft_margin_loss", input, target, _reduction_enum(size_average, reduce, reduction))


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0, size_average: Optional[bool] = None,
                         reduce: Optional[bool] = None, reduction: str = "mean") -> Tensor:
    return _loss("hinge_embedding_loss", input, target, margin, _reduction_enum(size_average, reduce, reduction))


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0,
                        size_average: Optional[bool] = None, reduce: Optional[bool] = None,
                        reduction: str = "mean") -> Tensor:
    enum = _reduction_enum(size_average, reduce, reduction)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
                           f"input1: {input1.size()}, input2: {input2.size()}, target: {target.size()} ")
    return _loss("margin_ranking_loss", input1, input2, target, float(margin), enum)


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0,
                          size_average: Optional[bool] = None, reduce: Optional[bool] = None,
                          reduction: str = "mean") -> Tensor:
    return _loss("cosine_embedding_loss", input1, input2, target, float(margin),
                 _reduction_enum(size_average, reduce, reduction))


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0, p: float = 2,
                        eps: float = 1e-6, swap: bool = False, size_average: Optional[bool] = None,
                        reduce: Optional[bool] = None, reduction: str = "mean") -> Tensor:
    return _loss("triplet_margin_loss", anchor, positive, negative, float(margin), float(p), float(eps), bool(swap),
                 _reduction_enum(size_average, reduce, reduction))


def multi_margin_loss(input: Tensor, target: Tensor, p: int = 1, margin: float = 1.0, weight: Optional[Tensor] = None,
                      size_average: Optional[bool] = None, reduce: Optional[bool] = None,
                      reduction: str = "mean") -> Tensor:
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.dim() != 1:
        raise ValueError("weight must be one-dimensional")
    return _loss("multi_margin_loss", input, target, p, margin, weight, _reduction_enum(size_average, reduce, reduction))


def multilabel_margin_loss(input: Tensor, target: Tensor, size_average: Optional[bool] = None,
                           reduce: Optional[bool] = None, reduction: str = "mean") -> Tensor:
    return _loss("multilabel_margin_loss", input, target, _reduction_enum(size_average, reduce, reduction))


def ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths, target_lengths, blank: int = 0,
             reduction: str = "mean", zero_infinity: bool = False) -> Tensor:
    """The CTC loss; the lengths are int64 tensors (aten::ctc_loss.Tensor) or int sequences (.IntList)."""
    enum = _reduction_enum(None, None, reduction)
    if isinstance(input_lengths, Tensor) and isinstance(target_lengths, Tensor):
        return _loss("ctc_loss_tensor", log_probs, targets, input_lengths, target_lengths, int(blank), enum,
                     bool(zero_infinity))
    lengths = [v.reshape(-1).tolist() if isinstance(v, Tensor) else [int(n) for n in v]
               for v in (input_lengths, target_lengths)]
    return _loss("ctc_loss", log_probs, targets, *lengths, int(blank), enum, bool(zero_infinity))
