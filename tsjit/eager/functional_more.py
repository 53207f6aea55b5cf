"""More of torch.nn.functional, as PyTorch writes them in Python over other functions: softmin, rrelu,
lp_pool1d/2d/3d, local_response_norm, gaussian_nll_loss, multilabel_soft_margin_loss and max_unpool1d.
Re-exported by tsjit/eager/functional.py. (Script has no ts op for these names; the tsjit.nn modules
that use them spell them out in their forward.)"""
from __future__ import annotations

import math
from typing import List, Optional, Union

from tsjit.eager import functions as torch_functions
from tsjit.eager.tensor_class import Tensor


def _f():
    from tsjit.eager import functional

    return functional


def _ntuple(value, n: int) -> List[int]:
    return [int(v) for v in value] if isinstance(value, (tuple, list)) else [int(value)] * n


def conv3d(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: Union[int, List[int]] = 1,
           padding: Union[int, List[int], str] = 0, dilation: Union[int, List[int]] = 1, groups: int = 1) -> Tensor:
    """F.conv3d, with padding 'same' / 'valid' as conv1d / conv2d take it."""
    return _f()._conv("conv3d", 3, input, weight, bias, stride, padding, dilation, groups)


def softmin(input: Tensor, dim: Optional[int] = None, _stacklevel: int = 3, dtype: Optional[int] = None) -> Tensor:
    F = _f()
    if dim is None:
        dim = F._get_softmax_dim("softmin", input.dim(), _stacklevel)
    return torch_functions.softmax(-input, dim, dtype)


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,
          inplace: bool = False) -> Tensor:
    """Negative inputs times a slope drawn from U(lower, upper) in training, (lower + upper) / 2 otherwise."""
    if training:
        slope = torch_functions.rand_like(input) * (upper - lower) + lower
        result = torch_functions.where(input >= 0, input, input * slope)
    else:
        result = _f().leaky_relu(input, (lower + upper) / 2)
    return input.copy_(result) if inplace else result


def _lp_pool(n: int, input: Tensor, norm_type: Union[int, float], kernel_size, stride, ceil_mode: bool) -> Tensor:
    F = _f()
    max_pool, avg_pool = [(F.max_pool1d, F.avg_pool1d), (F.max_pool2d, F.avg_pool2d),
                          (F.max_pool3d, F.avg_pool3d)][n - 1]
    if norm_type == float("inf"):
        return max_pool(input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    if norm_type == -float("inf"):
        return -max_pool(-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    kernel = _ntuple(kernel_size, n)
    out = avg_pool(input.pow(norm_type), kernel, kernel if stride is None else _ntuple(stride, n), [0] * n,
                   ceil_mode)
    return (torch_functions.sign(out) * F.relu(out.abs())).mul(math.prod(kernel)).pow(1.0 / norm_type)


def lp_pool1d(input: Tensor, norm_type: Union[int, float], kernel_size: int, stride=None,
              ceil_mode: bool = False) -> Tensor:
    return _lp_pool(1, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(input: Tensor, norm_type: Union[int, float], kernel_size, stride=None,
              ceil_mode: bool = False) -> Tensor:
    return _lp_pool(2, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d(input: Tensor, norm_type: Union[int, float], kernel_size, stride=None,
              ceil_mode: bool = False) -> Tensor:
    return _lp_pool(3, input, norm_type, kernel_size, stride, ceil_mode)


def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> Tensor:
    F = _f()
    dim = input.dim()
    if dim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality                          input (got {dim} dimensions)")
    if input.numel() == 0:
        return input
    div = input.mul(input)
    if dim == 3:
        div = F.pad(div.unsqueeze(1), [0, 0, size // 2, (size - 1) // 2])
        div = F.avg_pool2d(div, (size, 1), stride=1).squeeze(1)
    else:
        sizes = input.size()
        div = div.view(sizes[0], 1, sizes[1], sizes[2], -1)
        div = F.pad(div, [0, 0, 0, 0, size // 2, (size - 1) // 2])
        div = F.avg_pool3d(div, (size, 1, 1), stride=1).squeeze(1).view(sizes)
    return input / div.mul(alpha).add(k).pow(beta)


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss


def gaussian_nll_loss(input: Tensor, target: Tensor, var: Union[Tensor, float], full: bool = False,
                      eps: float = 1e-6, reduction: str = "mean") -> Tensor:
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = torch_functions.ones_like(input) * var
    elif bool((var < 0).any()):
        raise ValueError("var has negative entry/entries")
    if var.size() != input.size():
        if input.size()[:-1] == var.size():
            var = var.unsqueeze(-1)
        elif not (input.dim() == var.dim()
                  and sum(y for x, y in zip(input.size(), var.size()) if x != y) == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    var = var.clamp(min=eps)
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def multilabel_soft_margin_loss(input: Tensor, target: Tensor, weight: Optional[Tensor] = None,
                                size_average: Optional[bool] = None, reduce: Optional[bool] = None,
                                reduction: str = "mean") -> Tensor:
    from tsjit.eager.loss_functions import _reduction_enum

    reduction = ["none", "mean", "sum"][_reduction_enum(size_average, reduce, reduction)]
    F = _f()
    loss = -(target * F.logsigmoid(input) + (1 - target) * F.logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.dim() - 1
    return _reduce(loss.sum(class_dim) / input.size(class_dim), reduction)


def max_unpool1d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0,
                 output_size: Optional[List[int]] = None) -> Tensor:
    F = _f()
    from tsjit.eager.core import _array, _wrap
    from tsjit.ops import EAGER as K

    sizes = F._unpool(1, input, kernel_size, stride, padding, output_size)
    out = K["max_unpool2d"](_array(input.unsqueeze(-1)), _array(indices.unsqueeze(-1)), sizes + [1])
    return _wrap(out).squeeze(-1)
