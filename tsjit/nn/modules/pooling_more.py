"""Power-average and max-unpooling layers (torch.nn.modules.pooling): LPPool1d/2d/3d, MaxUnpool1d/2d/3d.

LPPool is PyTorch's F.lp_pool*d written out: (sum over the window of x^p)^(1/p), through avg_pool
(times the kernel's volume). MaxUnpool scatters each value to the flat position its index names, in a
zero output of the size pooling came from (or output_size), as F.max_unpool*d do.
"""
from __future__ import annotations

from typing import Any, List, Optional

from tsjit import eager
from tsjit.eager import Tensor
from tsjit.nn import functional as F
from tsjit.nn.modules.module import Module

__all__ = ["LPPool1d", "LPPool2d", "LPPool3d", "MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d"]


def _ntuple(value: Any, n: int) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * n


class _LPPoolNd(Module):
    __constants__ = ["norm_type", "kernel_size", "stride", "ceil_mode"]
    norm_type: float
    ceil_mode: bool

    def __init__(self, norm_type: float, kernel_size: Any, stride: Any = None, ceil_mode: bool = False) -> None:
        super().__init__()
        self.norm_type = norm_type
        self.kernel_size = kernel_size
        self.stride = stride
        self.ceil_mode = ceil_mode

    def extra_repr(self) -> str:
        return (f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, stride={self.stride}, "
                f"ceil_mode={self.ceil_mode}")

    def _root(self, out: Tensor, volume: int) -> Tensor:
        return (eager.sign(out) * F.relu(out.abs())).mul(float(volume)).pow(1.0 / self.norm_type)


class LPPool1d(_LPPoolNd):
    kernel_size: int
    stride: Optional[int]

    def forward(self, input: Tensor) -> Tensor:
        stride = self.stride
        if stride is None:
            stride = self.kernel_size
        out = F.avg_pool1d(input.pow(self.norm_type), [self.kernel_size], [stride], [0], self.ceil_mode)
        return self._root(out, self.kernel_size)


class LPPool2d(_LPPoolNd):
    kernel_size: Any
    stride: Any

    def forward(self, input: Tensor) -> Tensor:
        out = F.avg_pool2d(input.pow(self.norm_type), self.kernel_size, self.stride, 0, self.ceil_mode)
        k = self.kernel_size
        if isinstance(k, int):
            return self._root(out, k * k)
        return self._root(out, k[0] * k[1])


class LPPool3d(_LPPoolNd):
    kernel_size: Any
    stride: Any

    def forward(self, input: Tensor) -> Tensor:
        out = F.avg_pool3d(input.pow(self.norm_type), self.kernel_size, self.stride, 0, self.ceil_mode)
        k = self.kernel_size
        if isinstance(k, int):
            return self._root(out, k * k * k)
        return self._root(out, k[0] * k[1] * k[2])


def _unpooled(size: int, kernel: int, stride: int, padding: int) -> int:
    """The size pooling came from: (size - 1) * stride - 2 * padding + kernel."""
    return (size - 1) * stride - 2 * padding + kernel


class _MaxUnpoolNd(Module):
    __constants__ = ["kernel_size", "stride", "padding"]
    N = 2

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0) -> None:
        super().__init__()
        n = self.N
        self.kernel_size = _ntuple(kernel_size, n)
        self.stride = _ntuple(stride if stride is not None else kernel_size, n)
        self.padding = _ntuple(padding, n)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"

    def _unpool(self, input: Tensor, indices: Tensor, output_size: Optional[List[int]], sizes: List[int],
                stride: List[int]) -> Tensor:
        n = len(sizes)
        if output_size is not None:
            given = output_size[len(output_size) - n:]
            for d in range(n):
                if given[d] <= sizes[d] - stride[d] or given[d] >= sizes[d] + stride[d]:
                    raise ValueError(f"invalid output_size \"{output_size}\" (dim {d} must be between "
                                     f"{sizes[d] - stride[d]} and {sizes[d] + stride[d]})")
            sizes = given
        volume = 1
        for s in sizes:
            volume = volume * s
        start = input.dim() - n
        values = input.flatten(start)
        zeros = F.pad(eager.zeros_like(values), [0, volume - values.size(-1)])
        return zeros.scatter(-1, indices.flatten(start), values).unflatten(-1, sizes)


class MaxUnpool1d(_MaxUnpoolNd):
    N = 1

    def forward(self, input: Tensor, indices: Tensor, output_size: Optional[List[int]] = None) -> Tensor:
        sizes = [_unpooled(input.size(-1), self.kernel_size[0], self.stride[0], self.padding[0])]
        return self._unpool(input, indices, output_size, sizes, [self.stride[0]])


class MaxUnpool2d(_MaxUnpoolNd):
    N = 2

    def forward(self, input: Tensor, indices: Tensor, output_size: Optional[List[int]] = None) -> Tensor:
        sizes = [_unpooled(input.size(-2), self.kernel_size[0], self.stride[0], self.padding[0]),
                 _unpooled(input.size(-1), self.kernel_size[1], self.stride[1], self.padding[1])]
        return self._unpool(input, indices, output_size, sizes, [self.stride[0], self.stride[1]])


class MaxUnpool3d(_MaxUnpoolNd):
    N = 3

    def forward(self, input: Tensor, indices: Tensor, output_size: Optional[List[int]] = None) -> Tensor:
        sizes = [_unpooled(input.size(-3), self.kernel_size[0], self.stride[0], self.padding[0]),
                 _unpooled(input.size(-2), self.kernel_size[1], self.stride[1], self.padding[1]),
                 _unpooled(input.size(-1), self.kernel_size[2], self.stride[2], self.padding[2])]
        return self._unpool(input, indices, output_size, sizes, [self.stride[0], self.stride[1], self.stride[2]])
