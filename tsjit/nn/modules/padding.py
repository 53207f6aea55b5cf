"""Padding modules (torch.nn.modules.padding): constant, zero, reflection, replication and circular
padding of the last 1, 2 or 3 dimensions, all F.pad (ts.pad)."""
from __future__ import annotations

from typing import Any, Sequence, Tuple

from tsjit.eager import Tensor
from tsjit.nn import functional as F
from tsjit.nn.modules.module import Module

__all__ = ["ConstantPad1d", "ConstantPad2d", "ConstantPad3d", "ZeroPad1d", "ZeroPad2d", "ZeroPad3d",
           "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d",
           "ReplicationPad3d", "CircularPad1d", "CircularPad2d", "CircularPad3d"]


def _pads(padding: Any, n: int) -> Tuple[int, ...]:
    """PyTorch's _pair / _quadruple / _ntuple(6): one int pads every side."""
    if isinstance(padding, Sequence):
        if len(padding) != n:
            raise ValueError(f"Padding length must be {n}, got {len(padding)}")
        return tuple(padding)
    return (padding,) * n


class _ConstantPadNd(Module):
    __constants__ = ["padding", "value"]
    value: float
    padding: Tuple[int, ...]

    def __init__(self, value: float) -> None:
        super().__init__()
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    def __init__(self, padding: Any, value: float) -> None:
        super().__init__(value)
        self.padding = _pads(padding, 2)


class ConstantPad2d(_ConstantPadNd):
    def __init__(self, padding: Any, value: float) -> None:
        super().__init__(value)
        self.padding = _pads(padding, 4)


class ConstantPad3d(_ConstantPadNd):
    def __init__(self, padding: Any, value: float) -> None:
        super().__init__(value)
        self.padding = _pads(padding, 6)


class ZeroPad1d(ConstantPad1d):
    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad2d(ConstantPad2d):
    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad3d(ConstantPad3d):
    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ModePadNd(Module):
    """Padding by a mode of F.pad other than constant; subclasses name the mode and the dimensions."""

    __constants__ = ["padding"]
    padding: Tuple[int, ...]
    _mode = "reflect"
    _n = 2

    def __init__(self, padding: Any) -> None:
        super().__init__()
        self.padding = _pads(padding, self._n)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ReflectionPad1d(_ModePadNd):
    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, "reflect")


class ReflectionPad2d(_ModePadNd):
    _n = 4

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, "reflect")


class ReflectionPad3d(_ModePadNd):
    _n = 6

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, "reflect")


class ReplicationPad1d(_ModePadNd):
    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, "replicate")


class ReplicationPad2d(_ModePadNd):
    _n = 4

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, "replicate")


class ReplicationPad3d(_ModePadNd):
    _n = 6

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, "replicate")


class CircularPad1d(_ModePadNd):
    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, "circular")


class CircularPad2d(_ModePadNd):
    _n = 4

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, "circular")


class CircularPad3d(_ModePadNd):
    _n = 6

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, "circular")
