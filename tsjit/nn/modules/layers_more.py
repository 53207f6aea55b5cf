"""Bilinear (torch.nn.modules.linear), Unflatten (flatten) and PixelShuffle (pixelshuffle; a reshape /
permute / reshape, so it lowers to C)."""
from __future__ import annotations

import math
from typing import Any, List, Tuple

from tsjit import eager
from tsjit.eager import Tensor
from tsjit.nn import functional as F
from tsjit.nn import init
from tsjit.nn.modules.module import Module
from tsjit.nn.parameter import Parameter

__all__ = ["Bilinear", "Unflatten", "PixelShuffle"]


class Bilinear(Module):
    """y = x1^T A x2 + b, A of shape (out_features, in1_features, in2_features)."""

    __constants__ = ["in1_features", "in2_features", "out_features"]
    in1_features: int
    in2_features: int
    out_features: int
    weight: Tensor

    def __init__(self, in1_features: int, in2_features: int, out_features: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.in1_features = in1_features
        self.in2_features = in2_features
        self.out_features = out_features
        self.weight = Parameter(eager.empty((out_features, in1_features, in2_features), dtype=dtype))
        if bias:
            self.bias = Parameter(eager.empty(out_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1 / math.sqrt(self.weight.size(1))
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")


class Unflatten(Module):
    __constants__ = ["dim", "unflattened_size"]
    dim: int
    unflattened_size: Tuple[int, ...]

    def __init__(self, dim: int, unflattened_size: Any) -> None:
        super().__init__()
        if not isinstance(dim, int):
            raise TypeError("invalid argument type for dim parameter")
        if not isinstance(unflattened_size, (tuple, list)) or \
                not all(isinstance(s, int) for s in unflattened_size):
            raise TypeError("unflattened_size must be a tuple of ints, but found type "
                            f"{type(unflattened_size).__name__}")
        self.dim = dim
        self.unflattened_size = unflattened_size

    def forward(self, input: Tensor) -> Tensor:
        return input.unflatten(self.dim, self.unflattened_size)

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


def _batch_and(input: Tensor, tail: List[int]) -> List[int]:
    """The input's leading (batch) sizes followed by `tail`."""
    shape: List[int] = []
    for d in range(input.dim() - 3):
        shape.append(input.size(d))
    for s in tail:
        shape.append(s)
    return shape


class PixelShuffle(Module):
    """(*, C r^2, H, W) -> (*, C, H r, W r)."""

    __constants__ = ["upscale_factor"]
    upscale_factor: int

    def __init__(self, upscale_factor: int) -> None:
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input: Tensor) -> Tensor:
        if input.dim() < 3:
            raise RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions, but got input with "
                               f"{input.dim()} dimension(s)")
        r = self.upscale_factor
        c, h, w = input.size(-3), input.size(-2), input.size(-1)
        if c % (r * r) != 0:
            raise RuntimeError("pixel_shuffle expects its input's 'channel' dimension to be divisible by the "
                               f"square of upscale_factor, but input.size(-3)={c} is not divisible by {r * r}")
        oc = c // (r * r)
        x = input.reshape(-1, oc, r, r, h, w).permute(0, 1, 4, 2, 5, 3).reshape(-1, oc, h * r, w * r)
        if input.dim() == 3:
            return x.squeeze(0)
        if input.dim() == 4:
            return x
        return x.reshape(_batch_and(input, [oc, h * r, w * r]))

    def extra_repr(self) -> str:
        return f"upscale_factor={self.upscale_factor}"
