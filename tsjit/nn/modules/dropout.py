"""Dropout layers (torch.nn.modules.dropout): active only in training mode.

Dropout calls F.dropout; the channel-wise and alpha dropouts spell out their F functions (F.dropout2d
and the rest are Python in PyTorch, with the same checks and warnings) over torch.feature_dropout,
alpha_dropout and feature_alpha_dropout, which script maps to ts ops.
"""
from __future__ import annotations

import warnings

from tsjit import eager
from tsjit.eager import Tensor
from tsjit.nn import functional as F
from tsjit.nn.modules.module import Module

__all__ = ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"]


class _DropoutNd(Module):
    __constants__ = ["p", "inplace"]
    p: float
    inplace: bool

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    def forward(self, input: Tensor) -> Tensor:
        return F.dropout(input, self.p, self.training, self.inplace)


class Dropout1d(_DropoutNd):
    """Zeroes whole channels of (N, C, L) or (C, L) inputs."""

    def forward(self, input: Tensor) -> Tensor:
        inp_dim = input.dim()
        if inp_dim != 2 and inp_dim != 3:
            raise RuntimeError(
                f"dropout1d: Expected 2D or 3D input, but received a {inp_dim}D input. "
                "Note that dropout1d exists to provide channel-wise dropout on inputs with 1 "
                "spatial dimension, a channel dimension, and an optional batch dimension "
                "(i.e. 2D or 3D inputs).")
        if inp_dim == 2:
            result = eager.feature_dropout(input.unsqueeze(0), self.p, self.training).squeeze(0)
        else:
            result = eager.feature_dropout(input, self.p, self.training)
        if self.inplace:
            input.copy_(result)
            return input
        return result


class Dropout2d(_DropoutNd):
    """Zeroes whole channels of (N, C, H, W) or (N, C, L) inputs (3-D inputs warn, as in PyTorch)."""

    def forward(self, input: Tensor) -> Tensor:
        inp_dim = input.dim()
        if inp_dim != 3 and inp_dim != 4:
            warnings.warn(
                f"dropout2d: Received a {inp_dim}-D input to dropout2d, which is deprecated "
                "and will result in an error in a future release. To retain the behavior "
                "and silence this warning, please use dropout instead. Note that dropout2d "
                "exists to provide channel-wise dropout on inputs with 2 spatial dimensions, "
                "a channel dimension, and an optional batch dimension (i.e. 3D or 4D inputs).")
        if inp_dim == 3:
            warnings.warn(
                "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise "
                "1D dropout behavior is desired - input is interpreted as shape (N, C, L), where C "
                "is the channel dim. This behavior will change in a future release to interpret the "
                "input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D "
                "channel-wise dropout behavior, please switch to using dropout1d instead.")
        result = eager.feature_dropout(input, self.p, self.training)
        if self.inplace:
            input.copy_(result)
            return input
        return result


class Dropout3d(_DropoutNd):
    """Zeroes whole channels of (N, C, D, H, W) or (C, D, H, W) inputs."""

    def forward(self, input: Tensor) -> Tensor:
        inp_dim = input.dim()
        if inp_dim != 4 and inp_dim != 5:
            warnings.warn(
                f"dropout3d: Received a {inp_dim}-D input to dropout3d, which is deprecated "
                "and will result in an error in a future release. To retain the behavior "
                "and silence this warning, please use dropout instead. Note that dropout3d "
                "exists to provide channel-wise dropout on inputs with 3 spatial dimensions, "
                "a channel dimension, and an optional batch dimension (i.e. 4D or 5D inputs).")
        if inp_dim == 5:
            result = eager.feature_dropout(input, self.p, self.training)
        else:
            result = eager.feature_dropout(input.unsqueeze(0), self.p, self.training).squeeze(0)
        if self.inplace:
            input.copy_(result)
            return input
        return result


class AlphaDropout(_DropoutNd):
    """Dropout that keeps a SELU network's mean and variance."""

    def forward(self, input: Tensor) -> Tensor:
        result = eager.alpha_dropout(input, self.p, self.training)
        if self.inplace:
            input.copy_(result)
            return input
        return result


class FeatureAlphaDropout(_DropoutNd):
    """Alpha dropout of whole channels."""

    def forward(self, input: Tensor) -> Tensor:
        result = eager.feature_alpha_dropout(input, self.p, self.training)
        if self.inplace:
            input.copy_(result)
            return input
        return result
