"""ConvTranspose1d/2d/3d and Conv3d (torch.nn.modules.conv), on _ConvNd of conv.py.

The transposed convolutions call F.conv_transpose1d/2d (ts.conv_transpose1d/2d). tsjit has no conv3d
op: Conv3d is a sum over the kernel's depth of conv2d's over depth slices of the input (the depth
taps are strided slices), so it lowers wherever conv2d does. ConvTranspose3d is the transpose of
that: per kernel depth tap, a conv_transpose2d of every input depth slice, spread `stride` apart
(zero-padded) and shifted by the tap's dilated offset; the taps' sum is cropped by the depth padding.
"""

from typing import Any, List, Optional, Tuple

from tsjit.eager import Tensor
from tsjit.nn import functional as F
from tsjit.nn.modules.conv import _ConvNd, _ntuple

__all__ = ["ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d", "Conv3d"]


class _ConvTransposeNd(_ConvNd):
    def __init__(self, in_channels: int, out_channels: int, kernel_size: tuple, stride: tuple, padding: tuple,
                 dilation: tuple, transposed: bool, output_padding: tuple, groups: int, bias: bool,
                 padding_mode: str, device: Any = None, dtype: Any = None) -> None:
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {self.__class__.__name__}')
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, transposed,
                         output_padding, groups, bias, padding_mode, device, dtype)


def _output_padding(input: Tensor, output_size: List[int], dim: int, spatial: int, stride: int, padding: int,
                    dilation: int, kernel_size: int) -> int:
    """The output_padding of spatial dim `dim` (of `spatial`) giving `output_size`, PyTorch's
    _ConvTransposeNd._output_padding one dim at a time: sums of sizes and constants, which
    ts-specialize folds, so that the op's output_padding is a compile-time constant."""
    n = len(output_size)
    if n != spatial and n != input.dim():
        raise ValueError("ConvTranspose: output_size must have the number of spatial dimensions or all "
                         "dimensions of the output")
    want = output_size[n - spatial + dim]
    min_size = (input.size(input.dim() - spatial + dim) - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + 1
    if want < min_size or want > min_size + stride - 1:
        raise ValueError("requested an output size that a transposed convolution of this input cannot give")
    return want - min_size


class ConvTranspose1d(_ConvTransposeNd):
    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 output_padding: Any = 0, groups: int = 1, bias: bool = True, dilation: Any = 1,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        super().__init__(in_channels, out_channels, _ntuple(kernel_size, 1), _ntuple(stride, 1),
                         _ntuple(padding, 1), _ntuple(dilation, 1), True, _ntuple(output_padding, 1), groups,
                         bias, padding_mode, device, dtype)

    def forward(self, input: Tensor, output_size: Optional[List[int]] = None) -> Tensor:
        if output_size is None:
            return F.conv_transpose1d(input, self.weight, self.bias, self.stride, self.padding,
                                      self.output_padding, self.groups, self.dilation)
        output_padding = [_output_padding(input, output_size, 0, 1, self.stride[0], self.padding[0], self.dilation[0],
                                          self.kernel_size[0])]
        return F.conv_transpose1d(input, self.weight, self.bias, self.stride, self.padding, output_padding,
                                  self.groups, self.dilation)


class ConvTranspose2d(_ConvTransposeNd):
    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 output_padding: Any = 0, groups: int = 1, bias: bool = True, dilation: Any = 1,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        super().__init__(in_channels, out_channels, _ntuple(kernel_size, 2), _ntuple(stride, 2),
                         _ntuple(padding, 2), _ntuple(dilation, 2), True, _ntuple(output_padding, 2), groups,
                         bias, padding_mode, device, dtype)

    def forward(self, input: Tensor, output_size: Optional[List[int]] = None) -> Tensor:
        if output_size is None:
            return F.conv_transpose2d(input, self.weight, self.bias, self.stride, self.padding,
                                      self.output_padding, self.groups, self.dilation)
        output_padding = [_output_padding(input, output_size, 0, 2, self.stride[0], self.padding[0], self.dilation[0],
                                          self.kernel_size[0]),
                          _output_padding(input, output_size, 1, 2, self.stride[1], self.padding[1], self.dilation[1],
                                          self.kernel_size[1])]
        return F.conv_transpose2d(input, self.weight, self.bias, self.stride, self.padding, output_padding,
                                  self.groups, self.dilation)


class Conv3d(_ConvNd):
    __constants__ = _ConvNd.__constants__ + ["_pre_pad", "_pre_pad_mode", "_hw_padding"]

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        super().__init__(in_channels, out_channels, _ntuple(kernel_size, 3), _ntuple(stride, 3),
                         padding if isinstance(padding, str) else _ntuple(padding, 3), _ntuple(dilation, 3),
                         False, (0, 0, 0), groups, bias, padding_mode, device, dtype)
        # what F.pad pads before the depth taps, and the (h, w) padding the conv2d's take
        pads = self._reversed_padding_repeated_twice
        self._hw_padding = (0, 0)
        self._pre_pad: Tuple[int, ...] = ()
        self._pre_pad_mode = "constant" if padding_mode == "zeros" else padding_mode
        if padding_mode != "zeros" or pads[0] != pads[1] or pads[2] != pads[3]:
            self._pre_pad = tuple(pads)
        else:
            self._hw_padding = (pads[2], pads[0])
            if pads[4] > 0 or pads[5] > 0:
                self._pre_pad = (0, 0, 0, 0, pads[4], pads[5])

    def _tap(self, input: Tensor, weight: Tensor, i: int, out_depth: int, hw_padding: List[int]) -> Tensor:
        """conv2d of the depth slices input[:, :, i*dilation :: stride] with weight[:, :, i], batched as
        (n * out_depth, c, h, w)."""
        n, c, _, h, w = input.shape
        start = i * self.dilation[0]
        taps = input[:, :, start:start + (out_depth - 1) * self.stride[0] + 1:self.stride[0]]
        taps = taps.transpose(1, 2).reshape(n * out_depth, c, h, w)
        return F.conv2d(taps, weight[:, :, i], None, [self.stride[1], self.stride[2]], hw_padding,
                        [self.dilation[1], self.dilation[2]], self.groups)

    def _conv_forward(self, input: Tensor, weight: Tensor, bias: Optional[Tensor]) -> Tensor:
        """The sum over the kernel's depth of conv2d's of depth slices (tsjit has no conv3d op)."""
        unbatched = input.dim() == 4
        if unbatched:
            input = input.unsqueeze(0)
        if len(self._pre_pad) > 0:
            input = F.pad(input, self._pre_pad, mode=self._pre_pad_mode)
        hw_padding = [self._hw_padding[0], self._hw_padding[1]]
        n = input.size(0)
        out_depth = (input.size(2) - self.dilation[0] * (self.kernel_size[0] - 1) - 1) // self.stride[0] + 1
        out = self._tap(input, weight, 0, out_depth, hw_padding)
        for i in range(1, self.kernel_size[0]):
            out = out + self._tap(input, weight, i, out_depth, hw_padding)
        out = out.reshape(n, out_depth, self.out_channels, out.size(2), out.size(3)).transpose(1, 2)
        if bias is not None:
            out = out + bias.reshape(1, self.out_channels, 1, 1, 1)
        if unbatched:
            out = out.squeeze(0)
        return out

    def forward(self, input: Tensor) -> Tensor:
        return self._conv_forward(input, self.weight, self.bias)


class ConvTranspose3d(_ConvTransposeNd):
    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 output_padding: Any = 0, groups: int = 1, bias: bool = True, dilation: Any = 1,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        super().__init__(in_channels, out_channels, _ntuple(kernel_size, 3), _ntuple(stride, 3),
                         _ntuple(padding, 3), _ntuple(dilation, 3), True, _ntuple(output_padding, 3), groups,
                         bias, padding_mode, device, dtype)

    def _tap(self, slices: Tensor, i: int, n: int, depth: int, full: int, hw_output_padding: List[int]) -> Tensor:
        """conv_transpose2d of the (n * depth) input depth slices with weight[:, :, i], at the output
        depths d * stride + i * dilation of the uncropped output (of depth `full`): (n, full, c, h, w)."""
        y = F.conv_transpose2d(slices, self.weight[:, :, i], None, [self.stride[1], self.stride[2]],
                               [self.padding[1], self.padding[2]], hw_output_padding, self.groups,
                               [self.dilation[1], self.dilation[2]])
        c, h, w = y.size(1), y.size(2), y.size(3)
        if self.stride[0] > 1:  # stride - 1 zero slices after each
            y = F.pad(y.reshape(n, depth, 1, c, h, w), [0, 0, 0, 0, 0, 0, 0, self.stride[0] - 1])
            y = y.reshape(n, depth * self.stride[0], c, h, w).narrow(1, 0, (depth - 1) * self.stride[0] + 1)
        else:
            y = y.reshape(n, depth, c, h, w)
        start = i * self.dilation[0]
        return F.pad(y, [0, 0, 0, 0, 0, 0, start, full - start - y.size(1)])

    def forward(self, input: Tensor, output_size: Optional[List[int]] = None) -> Tensor:
        if output_size is None:
            output_padding = [self.output_padding[0], self.output_padding[1], self.output_padding[2]]
        else:
            output_padding = [
                _output_padding(input, output_size, 0, 3, self.stride[0], self.padding[0], self.dilation[0],
                                self.kernel_size[0]),
                _output_padding(input, output_size, 1, 3, self.stride[1], self.padding[1], self.dilation[1],
                                self.kernel_size[1]),
                _output_padding(input, output_size, 2, 3, self.stride[2], self.padding[2], self.dilation[2],
                                self.kernel_size[2])]
        unbatched = input.dim() == 4
        if unbatched:
            input = input.unsqueeze(0)
        n, c, depth, h, w = input.shape
        full = (depth - 1) * self.stride[0] + self.dilation[0] * (self.kernel_size[0] - 1) + 1 + output_padding[0]
        slices = input.transpose(1, 2).reshape(n * depth, c, h, w)
        hw_output_padding = [output_padding[1], output_padding[2]]
        out = self._tap(slices, 0, n, depth, full, hw_output_padding)
        for i in range(1, self.kernel_size[0]):
            out = out + self._tap(slices, i, n, depth, full, hw_output_padding)
        out = out.narrow(1, self.padding[0], full - 2 * self.padding[0]).transpose(1, 2)
        bias = self.bias
        if bias is not None:
            out = out + bias.reshape(1, self.out_channels, 1, 1, 1)
        if unbatched:
            out = out.squeeze(0)
        return out
