"""More loss modules (torch.nn.modules.loss): margin, Poisson/Gaussian NLL and multi-label losses.

SoftMarginLoss, HingeEmbeddingLoss and PoissonNLLLoss call their F functions (script maps them to ts
loss ops). TripletMarginLoss calls torch.triplet_margin_loss unreduced and reduces like the other
losses; MultiMarginLoss, MultiLabelMarginLoss, MultiLabelSoftMarginLoss and GaussianNLLLoss spell
their F functions out with ops script knows (script maps none of F.multi_margin_loss,
F.multilabel_margin_loss, F.gaussian_nll_loss and F.multilabel_soft_margin_loss to a ts op).
"""
from __future__ import annotations

import math
import warnings
from typing import Any, Optional

from tsjit import eager
from tsjit.eager import Tensor
from tsjit.nn import functional as F
from tsjit.nn.modules.distance import PairwiseDistance
from tsjit.nn.modules.loss import NLLLoss, _Loss, _WeightedLoss

__all__ = ["SoftMarginLoss", "HingeEmbeddingLoss", "PoissonNLLLoss", "GaussianNLLLoss", "TripletMarginLoss",
           "MultiMarginLoss", "MultiLabelMarginLoss", "MultiLabelSoftMarginLoss", "NLLLoss2d",
           "TripletMarginWithDistanceLoss", "CTCLoss"]


class SoftMarginLoss(_Loss):
    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.soft_margin_loss(input, target, reduction=self.reduction)


class HingeEmbeddingLoss(_Loss):
    __constants__ = ["margin", "reduction"]
    margin: float

    def __init__(self, margin: float = 1.0, size_average: Optional[bool] = None, reduce: Optional[bool] = None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.hinge_embedding_loss(input, target, margin=self.margin, reduction=self.reduction)


class PoissonNLLLoss(_Loss):
    __constants__ = ["log_input", "full", "eps", "reduction"]
    log_input: bool
    full: bool
    eps: float

    def __init__(self, log_input: bool = True, full: bool = False, size_average: Optional[bool] = None,
                 eps: float = 1e-8, reduce: Optional[bool] = None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_input = log_input
        self.full = full
        self.eps = eps

    def forward(self, log_input: Tensor, target: Tensor) -> Tensor:
        return F.poisson_nll_loss(log_input, target, log_input=self.log_input, full=self.full, eps=self.eps,
                                  reduction=self.reduction)


class GaussianNLLLoss(_Loss):
    """0.5 * (log(var) + (input - target)^2 / var) (+ 0.5 log(2 pi) when full); var is a tensor."""

    __constants__ = ["full", "eps", "reduction"]
    full: bool
    eps: float

    def __init__(self, *, full: bool = False, eps: float = 1e-6, reduction: str = "mean") -> None:
        super().__init__(None, None, reduction)
        self.full = full
        self.eps = eps

    def forward(self, input: Tensor, target: Tensor, var: Tensor) -> Tensor:
        if isinstance(var, float):  # eager callers may give a float, as to PyTorch's
            if var < 0:
                raise ValueError("var has negative entry/entries")
            var = eager.ones_like(input) * var
        elif bool((var < 0.0).any()):
            raise ValueError("var has negative entry/entries")
        if var.size() != input.size():
            if input.size()[:-1] == var.size():
                var = var.unsqueeze(-1)
            elif input.dim() == var.dim():  # one mismatched dim, where var has size 1
                mismatched = 0
                for d in range(input.dim()):
                    if input.size(d) != var.size(d):
                        mismatched += var.size(d)
                if mismatched != 1:
                    raise ValueError("var is of incorrect size")
            else:
                raise ValueError("var is of incorrect size")
        var = var.clamp(min=self.eps)
        d = input - target
        loss = (var.log() + d * d / var) * 0.5
        if self.full:
            loss = loss + 0.5 * math.log(2 * math.pi)
        return self._reduce(loss)


class TripletMarginLoss(_Loss):
    __constants__ = ["margin", "p", "eps", "swap", "reduction"]
    margin: float
    p: float
    eps: float
    swap: bool

    def __init__(self, margin: float = 1.0, p: float = 2.0, eps: float = 1e-6, swap: bool = False,
                 size_average: Optional[bool] = None, reduce: Optional[bool] = None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        if margin <= 0:
            raise ValueError(f"TripletMarginLoss: expected margin to be greater than 0, got {margin} instead")
        self.margin = margin
        self.p = p
        self.eps = eps
        self.swap = swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        loss = eager.triplet_margin_loss(anchor, positive, negative, float(self.margin), float(self.p),
                                         float(self.eps), self.swap, 0)
        return self._reduce(loss)


class TripletMarginWithDistanceLoss(_Loss):
    """max(0, margin + d(anchor, positive) - d(anchor, negative)); d is a PairwiseDistance submodule unless
    given (script needs a module or a scripted function)."""

    __constants__ = ["margin", "swap", "reduction"]
    margin: float
    swap: bool

    def __init__(self, *, distance_function: Optional[Any] = None, margin: float = 1.0, swap: bool = False,
                 reduction: str = "mean") -> None:
        super().__init__(size_average=None, reduce=None, reduction=reduction)
        if margin <= 0:
            raise ValueError(f"TripletMarginWithDistanceLoss: expected margin to be greater than 0, got {margin} "
                             "instead")
        self.distance_function = distance_function if distance_function is not None else PairwiseDistance()
        self.margin = margin
        self.swap = swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        a_dim, p_dim, n_dim = anchor.dim(), positive.dim(), negative.dim()
        if not (a_dim == p_dim and p_dim == n_dim):
            raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same number "
                               f"of dimensions, but got: anchor {a_dim}D, positive {p_dim}D, and negative {n_dim}D "
                               "inputs")
        dist_pos = self.distance_function(anchor, positive)
        dist_neg = self.distance_function(anchor, negative)
        if self.swap:
            dist_neg = eager.minimum(dist_neg, self.distance_function(positive, negative))
        return self._reduce((dist_pos - dist_neg + self.margin).clamp(min=0.0))


class MultiMarginLoss(_WeightedLoss):
    """Per row: the sum over classes j != y of max(0, margin - x[y] + x[j])^p (times weight[y]) / C."""

    __constants__ = ["p", "margin", "reduction"]
    margin: float
    p: int

    def __init__(self, p: int = 1, margin: float = 1.0, weight: Optional[Tensor] = None,
                 size_average: Optional[bool] = None, reduce: Optional[bool] = None, reduction: str = "mean") -> None:
        super().__init__(weight, size_average, reduce, reduction)
        if p != 1 and p != 2:
            raise ValueError("only p == 1 and p == 2 supported")
        if weight is not None and weight.dim() != 1:
            raise ValueError(f"MultiMarginLoss: expected weight to be None or 1D tensor, got {weight.dim()}D instead")
        self.p = p
        self.margin = margin

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        if input.dim() != 1 and input.dim() != 2:
            raise RuntimeError(f"multi_margin_loss: Expected non-empty vector or matrix with optional 0-dim batch "
                               f"size, but got: {input.size()}")
        x = input.unsqueeze(0) if input.dim() == 1 else input
        classes = x.size(1)
        t = target.reshape([-1, 1])
        z = (x - x.gather(1, t) + self.margin).clamp(min=0.0)
        if self.p == 2:
            z = z * z
        weight = self.weight
        if weight is not None:
            z = z * weight.index_select(0, t.reshape([-1])).unsqueeze(1)
        others = eager.arange(classes).unsqueeze(0).ne(t)
        loss = (z * others.to(z.dtype)).sum(1) / float(classes)
        return self._reduce(loss.reshape(target.shape))


class MultiLabelMarginLoss(_Loss):
    """Per row: over the listed targets j (the entries before the first -1) and the other classes k,
    the sum of max(0, 1 - (x[j] - x[k])) / C."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        if input.dim() != 1 and input.dim() != 2:
            raise RuntimeError(f"multilabel_margin_loss: Expected non-empty vector or matrix with optional 0-dim "
                               f"batch size, but got: {input.size()}")
        unbatched = input.dim() == 1
        x = input.unsqueeze(0) if unbatched else input
        t = target.unsqueeze(0) if target.dim() == 1 else target
        classes = x.size(1)
        index = eager.arange(classes)
        first = classes - (t.lt(0).to(index.dtype) * (classes - index)).amax(1, keepdim=True)  # the first -1, or C
        listed = t.unsqueeze(2).eq(index.reshape([1, 1, classes])).logical_and(index.lt(first).unsqueeze(2))
        times = listed.to(x.dtype).sum(1)  # how often each class is listed
        others = times.gt(0.0).logical_not().unsqueeze(1).to(x.dtype)
        hinge = (1.0 - (x.unsqueeze(2) - x.unsqueeze(1))).clamp(min=0.0)
        loss = (hinge * others * times.unsqueeze(2)).sum([1, 2]) / float(classes)
        if unbatched:
            loss = loss.squeeze(0)
        return self._reduce(loss)


class MultiLabelSoftMarginLoss(_WeightedLoss):
    __constants__ = ["reduction"]

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        loss = (target * F.logsigmoid(input) + (1.0 - target) * F.logsigmoid(input.neg())).neg()
        weight = self.weight
        if weight is not None:
            loss = loss * weight
        class_dim = input.dim() - 1
        loss = loss.sum(class_dim) / float(input.size(class_dim))
        return self._reduce(loss)


class NLLLoss2d(NLLLoss):
    """Deprecated: NLLLoss."""

    def __init__(self, weight: Optional[Tensor] = None, size_average: Optional[bool] = None,
                 ignore_index: int = -100, reduce: Optional[bool] = None, reduction: str = "mean") -> None:
        warnings.warn("`NLLLoss2d` has been deprecated. Please use `NLLLoss` instead as a drop-in replacement and "
                      "see https://pytorch.org/docs/main/nn.html#torch.nn.NLLLoss for more details.", FutureWarning,
                      stacklevel=2)
        super().__init__(weight, size_average, ignore_index, reduce, reduction)


class CTCLoss(_Loss):
    """The connectionist temporal classification loss (F.ctc_loss)."""

    __constants__ = ["blank", "reduction", "zero_infinity"]
    blank: int
    zero_infinity: bool

    def __init__(self, blank: int = 0, reduction: str = "mean", zero_infinity: bool = False) -> None:
        super().__init__(reduction=reduction)
        self.blank = blank
        self.zero_infinity = zero_infinity

    def forward(self, log_probs: Tensor, targets: Tensor, input_lengths: Tensor, target_lengths: Tensor) -> Tensor:
        return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank, self.reduction,
                          self.zero_infinity)
