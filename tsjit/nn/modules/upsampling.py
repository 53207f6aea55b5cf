"""Upsampling layers (torch.nn.modules.upsampling): F.interpolate with fixed arguments."""
from __future__ import annotations

from typing import List, Optional, Union

import tsjit.nn.functional as F
from tsjit.eager import Tensor
from tsjit.nn.modules.module import Module


class Upsample(Module):
    __constants__ = ["size", "scale_factor", "mode", "align_corners", "name", "recompute_scale_factor"]
    name: str
    size: Optional[Union[int, List[int]]]
    scale_factor: Optional[Union[float, List[float]]]
    mode: str
    align_corners: Optional[bool]
    recompute_scale_factor: Optional[bool]

    def __init__(self, size=None, scale_factor=None, mode: str = "nearest", align_corners: Optional[bool] = None,
                 recompute_scale_factor: Optional[bool] = None) -> None:
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        self.scale_factor = float(scale_factor) if isinstance(scale_factor, int) else scale_factor
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input: Tensor) -> Tensor:
        return F.interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                             recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self) -> str:
        info = f"scale_factor={self.scale_factor!r}" if self.scale_factor is not None else f"size={self.size!r}"
        return f"{info}, mode={self.mode!r}"


def _pair(value):
    return value if value is None or isinstance(value, (list, tuple)) else (value, value)


class _Upsampling2d(Upsample):
    """2-d by definition: one size or factor is given as a pair, so script needs no input rank."""

    __constants__ = [*Upsample.__constants__, "size2", "scale_factor2"]

    def __init__(self, size, scale_factor, mode: str, align_corners: Optional[bool]) -> None:
        super().__init__(size, scale_factor, mode=mode, align_corners=align_corners)
        self.size2 = _pair(self.size)
        self.scale_factor2 = _pair(self.scale_factor)

    def forward(self, input: Tensor) -> Tensor:
        return F.interpolate(input, self.size2, self.scale_factor2, self.mode, self.align_corners)


class UpsamplingNearest2d(_Upsampling2d):
    def __init__(self, size=None, scale_factor=None) -> None:
        super().__init__(size, scale_factor, "nearest", None)


class UpsamplingBilinear2d(_Upsampling2d):
    def __init__(self, size=None, scale_factor=None) -> None:
        super().__init__(size, scale_factor, "bilinear", True)
