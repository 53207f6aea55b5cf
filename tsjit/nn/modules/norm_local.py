"""Local response norms, RMSNorm and SyncBatchNorm (torch.nn.modules.normalization, .batchnorm).

LocalResponseNorm is PyTorch's F.local_response_norm written out (a pad and an avg_pool over the
channels). CrossMapLRN2d sums the squares over PyTorch's channel window [c - h, c + h] (h = (size-1)//2
rounded up as PyTorch's pre_pad - 1), and, as PyTorch's running sum never removes channel 0, channel 0
for every c > h. RMSNorm calls F.rms_norm. SyncBatchNorm is a batch norm of any rank >= 2: there is one
process, so there is nothing to synchronise.
"""
from __future__ import annotations

import numbers
from typing import Any, Optional

from tsjit import eager
from tsjit.eager import Tensor
from tsjit.nn import functional as F
from tsjit.nn import init
from tsjit.nn.modules.batchnorm import _BatchNorm
from tsjit.nn.modules.module import Module
from tsjit.nn.parameter import Parameter

__all__ = ["LocalResponseNorm", "CrossMapLRN2d", "RMSNorm", "SyncBatchNorm"]


class LocalResponseNorm(Module):
    __constants__ = ["size", "alpha", "beta", "k"]
    size: int
    alpha: float
    beta: float
    k: float

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> None:
        super().__init__()
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.k = k

    def forward(self, input: Tensor) -> Tensor:
        dim = input.dim()
        if dim < 3:
            raise ValueError(f"Expected 3D or higher dimensionality                          input (got {dim} "
                             "dimensions)")
        div = input.mul(input)
        if dim == 3:
            div = F.pad(div.unsqueeze(1), [0, 0, self.size // 2, (self.size - 1) // 2])
            div = F.avg_pool2d(div, [self.size, 1], 1).squeeze(1)
        else:
            sizes = input.size()
            div = div.reshape([sizes[0], 1, sizes[1], sizes[2], -1])
            div = F.pad(div, [0, 0, 0, 0, self.size // 2, (self.size - 1) // 2])
            div = F.avg_pool3d(div, [self.size, 1, 1], 1).squeeze(1).reshape(sizes)
        div = div.mul(self.alpha).add(self.k).pow(self.beta)
        return input / div

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


class CrossMapLRN2d(Module):
    __constants__ = ["size", "alpha", "beta", "k"]
    size: int
    alpha: float
    beta: float
    k: float

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1) -> None:
        super().__init__()
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.k = k

    def forward(self, input: Tensor) -> Tensor:
        if input.dim() != 4:
            raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {input.dim()}D instead.")
        pre_pad = (self.size - 1) // 2 + 1
        half = pre_pad - 1
        width = 2 * half + 1
        square = input * input
        window = F.pad(square.unsqueeze(1), [0, 0, 0, 0, half, half])
        scale = F.avg_pool3d(window, [width, 1, 1], 1).squeeze(1) * float(width)
        after = eager.arange(input.size(1)).gt(half).to(input.dtype).reshape([1, -1, 1, 1])
        scale = scale + square.narrow(1, 0, 1) * after
        return input * scale.mul(self.alpha / self.size).add(self.k).pow(-self.beta)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


class RMSNorm(Module):
    __constants__ = ["normalized_shape", "eps", "elementwise_affine"]
    eps: Optional[float]
    elementwise_affine: bool

    def __init__(self, normalized_shape: Any, eps: Optional[float] = None, elementwise_affine: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        if isinstance(normalized_shape, numbers.Integral):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if self.elementwise_affine:
            self.weight = Parameter(eager.empty(self.normalized_shape, dtype=dtype))
        else:
            self.register_parameter("weight", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.elementwise_affine:
            init.ones_(self.weight)

    def forward(self, x: Tensor) -> Tensor:
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


class SyncBatchNorm(_BatchNorm):
    def __init__(self, num_features: int, eps: float = 1e-5, momentum: Optional[float] = 0.1, affine: bool = True,
                 track_running_stats: bool = True, process_group: Any = None, device: Any = None, dtype: Any = None,
                 *, bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)
        self.process_group = process_group

    def _check_input_dim(self, input: Tensor) -> None:
        if input.dim() < 2:
            raise ValueError(f"expected at least 2D input (got {input.dim()}D input)")
