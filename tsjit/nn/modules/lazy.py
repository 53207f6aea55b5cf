"""Lazy modules (torch.nn.LazyLinear, LazyConv*, LazyConvTranspose*, LazyBatchNorm*, LazyInstanceNorm*).

Each is its concrete module built with 0 input features (so its repr reads as PyTorch's, e.g.
`LazyLinear(in_features=0, out_features=3, bias=True)`) whose first call reads the input feature
count, builds the concrete module with it (the same initialisation as PyTorch's materialise and
reset_parameters) and becomes that class, as PyTorch's cls_to_become does: `LazyLinear(3)` is a
`Linear(4, 3)` after a call on (..., 4) inputs. The parameters are empty tensors before that (not
UninitializedParameter); scripting before the first call raises, as in PyTorch.
"""
from __future__ import annotations

from typing import Any

from tsjit.nn.modules.batchnorm import BatchNorm1d, BatchNorm2d
from tsjit.nn.modules.conv import Conv1d, Conv2d
from tsjit.nn.modules.conv_more import Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from tsjit.nn.modules.linear import Linear
from tsjit.nn.modules.norm_more import BatchNorm3d, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d

__all__ = ["LazyLinear", "LazyConv1d", "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d", "LazyConvTranspose2d",
           "LazyConvTranspose3d", "LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d", "LazyInstanceNorm1d",
           "LazyInstanceNorm2d", "LazyInstanceNorm3d"]


class LazyModuleMixin:
    """Builds `cls_to_become(features, *args, **kwargs)` at the first call and becomes it."""

    cls_to_become: Any = None

    def _lazy_setup(self, args: tuple, kwargs: dict) -> None:
        object.__setattr__(self, "_lazy_args", (args, kwargs))
        self.cls_to_become.__init__(self, 0, *args, **kwargs)

    def has_uninitialized_params(self) -> bool:
        return type(self) is not self.cls_to_become

    def _in_features(self, input: Any) -> int:
        raise NotImplementedError

    def initialize_parameters(self, input: Any, *args: Any, **kwargs: Any) -> None:
        if not self.has_uninitialized_params():
            return
        largs, lkwargs = self._lazy_args
        built = self.cls_to_become(self._in_features(input), *largs, **lkwargs)
        built.train(self.training)
        hooks = (self._forward_pre_hooks, self._forward_hooks)
        self.__dict__.clear()
        self.__dict__.update(built.__dict__)
        self._forward_pre_hooks, self._forward_hooks = hooks
        self.__class__ = self.cls_to_become

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        concrete = self.cls_to_become
        self.initialize_parameters(*args, **kwargs)
        return concrete.__call__(self, *args, **kwargs)

    def __prepare_scriptable__(self) -> Any:
        raise RuntimeError(f"'{type(self).__module__}.{type(self).__name__}' has uninitialized parameters weight. "
                           "Did you forget to run a forward pass?")


class LazyLinear(LazyModuleMixin, Linear):
    cls_to_become = Linear

    def __init__(self, out_features: int, bias: bool = True, device: Any = None, dtype: Any = None) -> None:
        self._lazy_setup((out_features, bias, device, dtype), {})

    def _in_features(self, input: Any) -> int:
        return input.shape[-1]


class _LazyConvXdMixin(LazyModuleMixin):
    _spatial = 1

    def _in_features(self, input: Any) -> int:
        n = self._spatial
        if input.dim() not in (n + 1, n + 2):
            raise RuntimeError(f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to "
                               f"{self.__class__.__name__}, but got input of size: {input.shape}")
        return input.shape[1] if input.dim() == n + 2 else input.shape[0]


def _lazy_conv(name: str, concrete: type, spatial: int) -> type:
    def __init__(self, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros", device: Any = None,
                 dtype: Any = None) -> None:
        self._lazy_setup((out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode, device,
                          dtype), {})

    return type(name, (_LazyConvXdMixin, concrete), {"cls_to_become": concrete, "_spatial": spatial,
                                                     "__init__": __init__, "__module__": __name__})


def _lazy_conv_transpose(name: str, concrete: type, spatial: int) -> type:
    def __init__(self, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 output_padding: Any = 0, groups: int = 1, bias: bool = True, dilation: Any = 1,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        self._lazy_setup((out_channels, kernel_size, stride, padding, output_padding, groups, bias, dilation,
                          padding_mode, device, dtype), {})

    return type(name, (_LazyConvXdMixin, concrete), {"cls_to_become": concrete, "_spatial": spatial,
                                                     "__init__": __init__, "__module__": __name__})


class _LazyNormMixin(LazyModuleMixin):
    def _in_features(self, input: Any) -> int:
        return input.shape[1]


def _lazy_norm(name: str, concrete: type) -> type:
    def __init__(self, eps: float = 1e-5, momentum: Any = 0.1, affine: bool = True, track_running_stats: bool = True,
                 device: Any = None, dtype: Any = None, *, bias: bool = True) -> None:
        self._lazy_setup((eps, momentum, affine, track_running_stats, device, dtype), {"bias": bias})

    return type(name, (_LazyNormMixin, concrete), {"cls_to_become": concrete, "__init__": __init__,
                                                   "__module__": __name__})


LazyConv1d = _lazy_conv("LazyConv1d", Conv1d, 1)
LazyConv2d = _lazy_conv("LazyConv2d", Conv2d, 2)
LazyConv3d = _lazy_conv("LazyConv3d", Conv3d, 3)
LazyConvTranspose1d = _lazy_conv_transpose("LazyConvTranspose1d", ConvTranspose1d, 1)
LazyConvTranspose2d = _lazy_conv_transpose("LazyConvTranspose2d", ConvTranspose2d, 2)
LazyConvTranspose3d = _lazy_conv_transpose("LazyConvTranspose3d", ConvTranspose3d, 3)
LazyBatchNorm1d = _lazy_norm("LazyBatchNorm1d", BatchNorm1d)
LazyBatchNorm2d = _lazy_norm("LazyBatchNorm2d", BatchNorm2d)
LazyBatchNorm3d = _lazy_norm("LazyBatchNorm3d", BatchNorm3d)
LazyInstanceNorm1d = _lazy_norm("LazyInstanceNorm1d", InstanceNorm1d)
LazyInstanceNorm2d = _lazy_norm("LazyInstanceNorm2d", InstanceNorm2d)
LazyInstanceNorm3d = _lazy_norm("LazyInstanceNorm3d", InstanceNorm3d)
