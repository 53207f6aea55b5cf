"""Loss modules (torch.nn.modules.loss), written with ops that script and mostly lower to C.

SmoothL1Loss, HuberLoss, CosineEmbeddingLoss and MarginRankingLoss call their F functions, whose
loss ops decompose into ops that lower to C (script turns the reduction string into ATen's int).
L1Loss and MSELoss spell the loss out, because their ops run on numpy; NLL, cross entropy and BCE
spell out what their weights and ignore_index need; `self.reduction` is a constant, so each
reduction branch folds away. BCEWithLogitsLoss and KLDivLoss call the decomposed ts ops
binary_cross_entropy_with_logits and kl_div.
"""
from __future__ import annotations

from typing import Optional

from tsjit import eager
from tsjit.eager import Tensor
from tsjit.nn import functional as F
from tsjit.nn.modules.module import Module

__all__ = ["L1Loss", "MSELoss", "SmoothL1Loss", "HuberLoss", "BCELoss", "BCEWithLogitsLoss", "NLLLoss",
           "CrossEntropyLoss", "KLDivLoss", "CosineEmbeddingLoss", "MarginRankingLoss"]

_REDUCTION_ENUM = {"none": 0, "mean": 1, "sum": 2}


def _legacy_reduction(size_average: Optional[bool], reduce: Optional[bool]) -> str:
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    return "mean" if size_average and reduce else "sum" if reduce else "none"


class _Loss(Module):
    __constants__ = ["reduction"]
    reduction: str

    def __init__(self, size_average: Optional[bool] = None, reduce: Optional[bool] = None,
                 reduction: str = "mean") -> None:
        super().__init__()
        if size_average is not None or reduce is not None:
            reduction = _legacy_reduction(size_average, reduce)
        if reduction not in _REDUCTION_ENUM and not (reduction == "batchmean" and isinstance(self, KLDivLoss)):
            raise ValueError(f"{reduction} is not a valid value for reduction")
        self.reduction = reduction

    def _reduce(self, loss: Tensor) -> Tensor:
        # one return: freeze rejects the IR of early returns where 'none' returns the argument itself
        if self.reduction == "mean":
            loss = loss.mean()
        elif self.reduction == "sum":
            loss = loss.sum()
        return loss


class _WeightedLoss(_Loss):
    def __init__(self, weight: Optional[Tensor] = None, size_average: Optional[bool] = None,
                 reduce: Optional[bool] = None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.weight: Optional[Tensor]


class L1Loss(_Loss):
    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return self._reduce((input - target).abs())


class MSELoss(_Loss):
    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        d = input - target
        return self._reduce(d * d)


class SmoothL1Loss(_Loss):
    __constants__ = ["reduction", "beta"]
    beta: float

    def __init__(self, size_average: Optional[bool] = None, reduce: Optional[bool] = None, reduction: str = "mean",
                 beta: float = 1.0) -> None:
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    __constants__ = ["reduction", "delta"]
    delta: float

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class BCELoss(_WeightedLoss):
    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        log_p = input.log().clamp(min=-100.0)
        log_q = (1.0 - input).log().clamp(min=-100.0)
        loss = (target * log_p + (1.0 - target) * log_q).neg()
        weight = self.weight
        if weight is not None:
            loss = loss * weight
        return self._reduce(loss)


class BCEWithLogitsLoss(_Loss):
    def __init__(self, weight: Optional[Tensor] = None, size_average: Optional[bool] = None,
                 reduce: Optional[bool] = None, reduction: str = "mean", pos_weight: Optional[Tensor] = None) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)
        self.weight: Optional[Tensor]
        self.pos_weight: Optional[Tensor]

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        loss = eager.binary_cross_entropy_with_logits(input, target, self.weight, self.pos_weight, 0)
        return self._reduce(loss)


def _class_shape(ndim: int, classes: int) -> list:
    shape = [1, classes]
    for _ in range(ndim - 2):
        shape.append(1)
    return shape


class NLLLoss(_WeightedLoss):
    __constants__ = ["ignore_index", "reduction"]
    ignore_index: int

    def __init__(self, weight: Optional[Tensor] = None, size_average: Optional[bool] = None,
                 ignore_index: int = -100, reduce: Optional[bool] = None, reduction: str = "mean") -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def _nll(self, logp: Tensor, target: Tensor) -> Tensor:
        """(N, C, ...) log-probabilities, (N, ...) class ids: the loss, reduced (mean: by the weights)."""
        valid = target.ne(self.ignore_index)
        safe = target.masked_fill(valid.logical_not(), 0)
        picked = logp.gather(1, safe.unsqueeze(1)).squeeze(1)
        w = valid.to(logp.dtype)
        weight = self.weight
        if weight is not None:
            w = weight.index_select(0, safe.reshape(-1)).reshape(safe.shape) * w
        loss = picked.neg() * w
        if self.reduction == "mean":
            return loss.sum() / w.sum()
        if self.reduction == "sum":
            return loss.sum()
        return loss

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        if input.dim() == 1:
            return self._nll(input.unsqueeze(0), target.unsqueeze(0)).squeeze(0)
        return self._nll(input, target)


class CrossEntropyLoss(NLLLoss):
    __constants__ = ["ignore_index", "reduction", "label_smoothing"]
    label_smoothing: float

    def __init__(self, weight: Optional[Tensor] = None, size_average: Optional[bool] = None,
                 ignore_index: int = -100, reduce: Optional[bool] = None, reduction: str = "mean",
                 label_smoothing: float = 0.0) -> None:
        super().__init__(weight, size_average, ignore_index, reduce, reduction)
        self.label_smoothing = label_smoothing

    def _probabilities(self, logp: Tensor, target: Tensor) -> Tensor:
        classes = logp.size(1)
        if self.label_smoothing > 0.0:
            target = target * (1.0 - self.label_smoothing) + self.label_smoothing / classes
        weight = self.weight
        if weight is not None:
            logp = logp * weight.reshape(_class_shape(logp.dim(), classes))
        loss = (logp * target).sum(1).neg()
        if self.reduction == "mean":
            return loss.sum() / float(logp.numel() // classes)
        if self.reduction == "sum":
            return loss.sum()
        return loss

    def _class_ids(self, logp: Tensor, target: Tensor) -> Tensor:
        nll = self._nll(logp, target)
        if self.label_smoothing <= 0.0:
            return nll
        classes = logp.size(1)
        valid = target.ne(self.ignore_index)
        weight = self.weight
        if weight is not None:
            smooth = (logp * weight.reshape(_class_shape(logp.dim(), classes))).sum(1).neg()
        else:
            smooth = logp.sum(1).neg()
        smooth = smooth * valid.to(logp.dtype)
        if self.reduction == "mean":
            if weight is not None:
                safe = target.masked_fill(valid.logical_not(), 0)
                denom = (weight.index_select(0, safe.reshape(-1)).reshape(safe.shape) * valid.to(logp.dtype)).sum()
            else:
                denom = valid.to(logp.dtype).sum()
            smooth = smooth.sum() / denom
        elif self.reduction == "sum":
            smooth = smooth.sum()
        return nll * (1.0 - self.label_smoothing) + smooth * (self.label_smoothing / classes)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        unbatched = input.dim() == 1
        if unbatched:
            input = input.unsqueeze(0)
            target = target.unsqueeze(0)
        logp = F.log_softmax(input, 1)
        if target.dim() == logp.dim():  # class probabilities (the shape, not the dtype, so that it folds)
            loss = self._probabilities(logp, target)
        else:
            loss = self._class_ids(logp, target)
        if unbatched and self.reduction == "none":
            loss = loss.squeeze(0)
        return loss


class KLDivLoss(_Loss):
    __constants__ = ["reduction", "log_target"]
    log_target: bool

    def __init__(self, size_average: Optional[bool] = None, reduce: Optional[bool] = None, reduction: str = "mean",
                 log_target: bool = False) -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        loss = eager.kl_div(input, target, 0, log_target=self.log_target)
        if self.reduction == "batchmean":
            if input.dim() == 0:
                return loss.sum()
            return loss.sum() / float(input.size(0))
        return self._reduce(loss)


class CosineEmbeddingLoss(_Loss):
    __constants__ = ["margin", "reduction"]
    margin: float

    def __init__(self, margin: float = 0.0, size_average: Optional[bool] = None, reduce: Optional[bool] = None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return F.cosine_embedding_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class MarginRankingLoss(_Loss):
    __constants__ = ["margin", "reduction"]
    margin: float

    def __init__(self, margin: float = 0.0, size_average: Optional[bool] = None, reduce: Optional[bool] = None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return F.margin_ranking_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)
