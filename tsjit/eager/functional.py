"""`tsjit.nn.functional`: torch.nn.functional on tsjit tensors (re-exported by tsjit/nn/functional.py).

The signatures are PyTorch's (names, order, defaults): the script compiler binds calls to these
functions with `inspect.signature` and maps them to `ts` ops, so they are a contract. The bodies
are the eager path; they only call tsjit functions and Tensor methods.
"""
from __future__ import annotations

import warnings
from typing import List, Optional, Tuple, Union

from tsjit.eager import functions as torch_functions
from tsjit.eager.core import _array, _wrap
from tsjit.eager.dropout_functions import (  # noqa: F401 - re-exported: F.dropout1d/2d/3d, F.alpha_dropout, ...
    alpha_dropout, dropout1d, dropout2d, dropout3d, feature_alpha_dropout,
)
from tsjit.eager.functional_more import (  # noqa: F401 - re-exported: F.softmin, F.lp_pool2d, ...
    conv3d, gaussian_nll_loss, local_response_norm, lp_pool1d, lp_pool2d, lp_pool3d, max_unpool1d,
    multilabel_soft_margin_loss, rrelu, softmin,
)
from tsjit.eager.generated import __name__ as _GENERATED, bindings
from tsjit.eager.loss_functions import (  # noqa: F401 - re-exported: F.mse_loss and the other losses
    binary_cross_entropy, binary_cross_entropy_with_logits, cosine_embedding_loss, cross_entropy, hinge_embedding_loss,
    huber_loss, kl_div, l1_loss, margin_ranking_loss, mse_loss, nll_loss, poisson_nll_loss, smooth_l1_loss,
    soft_margin_loss, triplet_margin_loss, multi_margin_loss, multilabel_margin_loss, ctc_loss,
)
from tsjit.eager.tensor_class import Tensor
from tsjit.ops import EAGER as K

BroadcastingList2 = Union[int, List[int], Tuple[int, int]]

flatten = torch_functions.flatten


def _list(value: BroadcastingList2, n: int) -> List[int]:
    """PyTorch's int[n] arguments accept one int for every dimension."""
    if isinstance(value, int):
        return [value] * n
    return [int(v) for v in value]


def _inplace(input: Tensor, result: Tensor, inplace: bool) -> Tensor:
    return input.copy_(result) if inplace else result


# The nn ops that tsjit.eager.functions does not export (PyTorch's torch._C._nn) run their kernel here,
# the same kernel compiled code runs.
def _opt(t: Optional[Tensor]):
    return None if t is None else _array(t)


def _unary_kernel(name: str, input: Tensor) -> Tensor:
    return _wrap(K[name](_array(input)))


# -- linear and convolution ----------------------------------------------------------------------
def linear(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None) -> Tensor:
    return _wrap(K["linear"](_array(input), _array(weight, "weight"), _opt(bias)))


def _same_padding(input: Tensor, weight: Tensor, dilation: List[int]) -> Tensor:
    """padding='same': pad the input (right/bottom get the odd element, as in PyTorch)."""
    pads: List[int] = []
    kernel = list(weight.shape)[2:]
    for i in range(len(kernel) - 1, -1, -1):
        total = dilation[i] * (kernel[i] - 1)
        pads += [total // 2, total - total // 2]
    return pad(input, pads)


def _conv(name: str, n: int, input: Tensor, weight: Tensor, bias: Optional[Tensor], stride, padding,
          dilation, groups: int) -> Tensor:
    dilation_ = _list(dilation, n)
    if isinstance(padding, str):
        if padding not in ("same", "valid"):
            raise ValueError(f"Invalid padding string '{padding}'")
        if padding == "same":
            input = _same_padding(input, weight, dilation_)
        padding = 0
    return _wrap(K[name](_array(input), _array(weight, "weight"), _opt(bias), _list(stride, n), _list(padding, n),
                         dilation_, groups))


def conv1d(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: BroadcastingList2 = 1,
           padding: BroadcastingList2 = 0, dilation: BroadcastingList2 = 1, groups: int = 1) -> Tensor:
    return _conv("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: BroadcastingList2 = 1,
           padding: BroadcastingList2 = 0, dilation: BroadcastingList2 = 1, groups: int = 1) -> Tensor:
    return _conv("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


# -- activations ---------------------------------------------------------------------------------
def relu(input: Tensor, inplace: bool = False) -> Tensor:
    if inplace:
        return input.relu_()
    return torch_functions.relu(input)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    return _inplace(input, _unary_kernel("relu6", input), inplace)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    return _wrap(K["gelu"](_array(input), approximate))


def sigmoid(input: Tensor) -> Tensor:
    return input.sigmoid()


def tanh(input: Tensor) -> Tensor:
    return input.tanh()


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    return _inplace(input, _unary_kernel("silu", input), inplace)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    return _inplace(input, _unary_kernel("mish", input), inplace)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    return _inplace(input, _unary_kernel("hardsigmoid", input), inplace)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    return _inplace(input, _unary_kernel("hardswish", input), inplace)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    return _inplace(input, _wrap(K["elu"](_array(input), alpha, 1.0, 1.0)), inplace)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    return _inplace(input, _wrap(K["leaky_relu"](_array(input), negative_slope)), inplace)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _inplace(input, _wrap(K["hardtanh"](_array(input), min_val, max_val)), inplace)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    return _wrap(K["softplus"](_array(input), beta, threshold))


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    return _inplace(input, torch_functions.threshold(input, threshold, value), inplace)


def softsign(input: Tensor) -> Tensor:
    return _unary_kernel("softsign", input)


def tanhshrink(input: Tensor) -> Tensor:
    return _unary_kernel("tanhshrink", input)


def _get_softmax_dim(name: str, ndim: int, stacklevel: int) -> int:
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. "
                  "Change the call to include dim=X as an argument.", stacklevel=stacklevel)
    if ndim == 0 or ndim == 1 or ndim == 3:
        return 0
    return 1


def softmax(input: Tensor, dim: Optional[int] = None, _stacklevel: int = 3,
            dtype: Optional[int] = None) -> Tensor:
    if dim is None:
        dim = _get_softmax_dim("softmax", input.dim(), _stacklevel)
    return torch_functions.softmax(input, dim, dtype)


def log_softmax(input: Tensor, dim: Optional[int] = None, _stacklevel: int = 3,
                dtype: Optional[int] = None) -> Tensor:
    if dim is None:
        dim = _get_softmax_dim("log_softmax", input.dim(), _stacklevel)
    return torch_functions.log_softmax(input, dim, dtype)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    return _inplace(input, torch_functions.dropout(input, p, training), inplace)


# -- normalisation -------------------------------------------------------------------------------
def _verify_batch_size(size: List[int]) -> None:
    size_prods = size[0]
    for i in range(len(size) - 2):
        size_prods *= size[i + 2]
    if size_prods == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {size}")


def batch_norm(input: Tensor, running_mean: Optional[Tensor], running_var: Optional[Tensor],
               weight: Optional[Tensor] = None, bias: Optional[Tensor] = None, training: bool = False,
               momentum: float = 0.1, eps: float = 1e-05) -> Tensor:
    if training:
        _verify_batch_size(list(input.size()))
    return _wrap(K["batch_norm"](_array(input), _opt(weight), _opt(bias), _opt(running_mean), _opt(running_var),
                                 training, momentum, eps, False))


def layer_norm(input: Tensor, normalized_shape: List[int], weight: Optional[Tensor] = None,
               bias: Optional[Tensor] = None, eps: float = 1e-05) -> Tensor:
    return _wrap(K["layer_norm"](_array(input), list(normalized_shape), _opt(weight), _opt(bias), eps, False))


def group_norm(input: Tensor, num_groups: int, weight: Optional[Tensor] = None,
               bias: Optional[Tensor] = None, eps: float = 1e-05) -> Tensor:
    if input.dim() < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.dim()}")
    _verify_batch_size([input.size(0) * input.size(1) // num_groups, num_groups]
                       + list(input.size())[2:])
    return _wrap(K["group_norm"](_array(input), num_groups, _opt(weight), _opt(bias), eps, False))


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12,
              out: Optional[Tensor] = None) -> Tensor:
    denom = input.norm(p, dim, keepdim=True).clamp(min=eps).expand_as(input)
    if out is None:
        return input / denom
    return out.copy_(input / denom)


# -- pooling -------------------------------------------------------------------------------------
def max_pool1d(input: Tensor, kernel_size: BroadcastingList2, stride: Optional[BroadcastingList2] = None,
               padding: BroadcastingList2 = 0, dilation: BroadcastingList2 = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Tensor:
    if return_indices:
        raise NotImplementedError("max_pool1d with return_indices=True")
    stride_ = _list(kernel_size if stride is None else stride, 1)
    return _wrap(K["max_pool1d"](_array(input), _list(kernel_size, 1), stride_, _list(padding, 1),
                                 _list(dilation, 1), ceil_mode))


def max_pool2d(input: Tensor, kernel_size: BroadcastingList2, stride: Optional[BroadcastingList2] = None,
               padding: BroadcastingList2 = 0, dilation: BroadcastingList2 = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Tensor:
    if return_indices:
        raise NotImplementedError("max_pool2d with return_indices=True")
    stride_ = _list(kernel_size if stride is None else stride, 2)
    return _wrap(K["max_pool2d"](_array(input), _list(kernel_size, 2), stride_, _list(padding, 2),
                                 _list(dilation, 2), ceil_mode))


def avg_pool2d(input: Tensor, kernel_size: BroadcastingList2, stride: Optional[BroadcastingList2] = None,
               padding: BroadcastingList2 = 0, ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: Optional[int] = None) -> Tensor:
    stride_ = _list(kernel_size if stride is None else stride, 2)
    return _wrap(K["avg_pool2d"](_array(input), _list(kernel_size, 2), stride_, _list(padding, 2), ceil_mode,
                                 count_include_pad, divisor_override))


def _output_size(input: Tensor, output_size: Union[int, None, List[Optional[int]]]) -> List[int]:
    """`None` entries of an adaptive pool's output size keep the input's size."""
    if output_size is None or isinstance(output_size, int):
        output_size = [output_size, output_size]
    sizes = list(input.size())
    return [sizes[len(sizes) - 2 + i] if s is None else int(s) for i, s in enumerate(output_size)]


def adaptive_avg_pool2d(input: Tensor, output_size: BroadcastingList2) -> Tensor:
    return _wrap(K["adaptive_avg_pool2d"](_array(input), _output_size(input, output_size)))


def adaptive_max_pool2d(input: Tensor, output_size: BroadcastingList2,
                        return_indices: bool = False) -> Tensor:
    values, indices = K["adaptive_max_pool2d"](_array(input), _output_size(input, output_size))
    if return_indices:
        return _wrap(values), _wrap(indices)
    return _wrap(values)


# -- resampling ----------------------------------------------------------------------------------
def interpolate(input: Tensor, size: Optional[Union[int, List[int]]] = None,
                scale_factor: Optional[Union[float, List[float]]] = None, mode: str = "nearest",
                align_corners: Optional[bool] = None, recompute_scale_factor: Optional[bool] = None,
                antialias: bool = False) -> Tensor:
    """The upsample_* op of the mode (area: adaptive_avg_pool), as torch.nn.functional.interpolate."""
    from tsjit.ops.resampling import interpolate_plan, scaled_sizes

    name, _, sizes, scales, align = interpolate_plan(input.dim(), size, scale_factor, mode, align_corners,
                                                     recompute_scale_factor, antialias)
    x = _array(input)
    if sizes is None:
        sizes = scaled_sizes(x.shape, [float(v) for v in scale_factor] if isinstance(scale_factor, (list, tuple))
                             else [float(scale_factor)] * (x.ndim - 2))
    if name.startswith("adaptive"):
        if name not in K:
            raise NotImplementedError(f"tsjit: F.interpolate mode 'area' of a {x.ndim}-D input")
        return _wrap(K[name](x, [int(v) for v in sizes]))
    extra = [align] if mode in ("linear", "bilinear", "bicubic", "trilinear") else []
    return _wrap(K[name](x, [int(v) for v in sizes], *extra, *(scales or [None] * len(sizes))))


def upsample(input: Tensor, size: Optional[Union[int, List[int]]] = None,
             scale_factor: Optional[Union[float, List[float]]] = None, mode: str = "nearest",
             align_corners: Optional[bool] = None) -> Tensor:
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


# -- embedding and padding -----------------------------------------------------------------------
def embedding(input: Tensor, weight: Tensor, padding_idx: Optional[int] = None,
              max_norm: Optional[float] = None, norm_type: float = 2.0, scale_grad_by_freq: bool = False,
              sparse: bool = False) -> Tensor:
    if padding_idx is not None:
        if padding_idx > 0:
            assert padding_idx < weight.size(0), "Padding_idx must be within num_embeddings"
        elif padding_idx < 0:
            assert padding_idx >= -weight.size(0), "Padding_idx must be within num_embeddings"
            padding_idx = weight.size(0) + padding_idx
    else:
        padding_idx = -1
    if max_norm is not None:
        raise NotImplementedError("embedding with max_norm (it renormalises weight rows in place)")
    return _wrap(K["embedding"](_array(weight, "weight"), _array(input), padding_idx))


def pad(input: Tensor, pad: List[int], mode: str = "constant", value: Optional[float] = None) -> Tensor:
    return _wrap(K["pad"](_array(input), list(pad), mode, value))


# -- pooling over 1 and 3 dims, unpooling, patches, pixel rearranging, grid sampling ---------------
def _sizes_of(input: Tensor, output_size, n: int) -> List[int]:
    """An adaptive pool's output size: one value repeats; `None` keeps the input's size."""
    values = [output_size] * n if output_size is None or isinstance(output_size, int) else list(output_size)
    sizes = list(input.size())
    return [sizes[len(sizes) - n + i] if v is None else int(v) for i, v in enumerate(values)]


def max_pool3d(input: Tensor, kernel_size: BroadcastingList2, stride: Optional[BroadcastingList2] = None,
               padding: BroadcastingList2 = 0, dilation: BroadcastingList2 = 1, ceil_mode: bool = False,
               return_indices: bool = False):
    stride_ = _list(kernel_size if stride is None else stride, 3)
    values, indices = K["max_pool3d_with_indices"](_array(input), _list(kernel_size, 3), stride_, _list(padding, 3),
                                                   _list(dilation, 3), ceil_mode)
    return (_wrap(values), _wrap(indices)) if return_indices else _wrap(values)


def avg_pool3d(input: Tensor, kernel_size: BroadcastingList2, stride: Optional[BroadcastingList2] = None,
               padding: BroadcastingList2 = 0, ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: Optional[int] = None) -> Tensor:
    stride_ = _list(kernel_size if stride is None else stride, 3)
    return _wrap(K["avg_pool3d"](_array(input), _list(kernel_size, 3), stride_, _list(padding, 3), ceil_mode,
                                 count_include_pad, divisor_override))


def adaptive_avg_pool3d(input: Tensor, output_size: BroadcastingList2) -> Tensor:
    return _wrap(K["adaptive_avg_pool3d"](_array(input), _sizes_of(input, output_size, 3)))


def adaptive_max_pool1d(input: Tensor, output_size: BroadcastingList2, return_indices: bool = False):
    values, indices = K["adaptive_max_pool1d"](_array(input), _list(output_size, 1))
    return (_wrap(values), _wrap(indices)) if return_indices else _wrap(values)


def adaptive_max_pool3d(input: Tensor, output_size: BroadcastingList2, return_indices: bool = False):
    values, indices = K["adaptive_max_pool3d"](_array(input), _sizes_of(input, output_size, 3))
    return (_wrap(values), _wrap(indices)) if return_indices else _wrap(values)


def _unpool(n: int, input: Tensor, kernel_size, stride, padding, output_size) -> List[int]:
    """PyTorch's _unpool_output_size: (in - 1) * stride - 2 * padding + kernel, or output_size."""
    ks = _list(kernel_size, n)
    ss, ps = _list(kernel_size if stride is None else stride, n), _list(padding, n)
    default = [(input.size(input.dim() - n + d) - 1) * ss[d] - 2 * ps[d] + ks[d] for d in range(n)]
    if output_size is None:
        return default
    sizes = list(output_size)[-n:]
    for d in range(n):
        if not default[d] - ss[d] < sizes[d] < default[d] + ss[d]:
            raise ValueError(f"invalid output_size \"{list(output_size)}\" (dim {d} must be between "
                             f"{default[d] - ss[d]} and {default[d] + ss[d]})")
    return sizes


def max_unpool2d(input: Tensor, indices: Tensor, kernel_size: BroadcastingList2,
                 stride: Optional[BroadcastingList2] = None, padding: BroadcastingList2 = 0,
                 output_size: Optional[List[int]] = None) -> Tensor:
    sizes = _unpool(2, input, kernel_size, stride, padding, output_size)
    return _wrap(K["max_unpool2d"](_array(input), _array(indices), sizes))


def max_unpool3d(input: Tensor, indices: Tensor, kernel_size: BroadcastingList2,
                 stride: Optional[BroadcastingList2] = None, padding: BroadcastingList2 = 0,
                 output_size: Optional[List[int]] = None) -> Tensor:
    sizes = _unpool(3, input, kernel_size, stride, padding, output_size)
    return _wrap(K["max_unpool3d"](_array(input), _array(indices), sizes,
                                   _list(kernel_size if stride is None else stride, 3), _list(padding, 3)))


def unfold(input: Tensor, kernel_size: BroadcastingList2, dilation: BroadcastingList2 = 1,
           padding: BroadcastingList2 = 0, stride: BroadcastingList2 = 1) -> Tensor:
    return _wrap(K["im2col"](_array(input), _list(kernel_size, 2), _list(dilation, 2), _list(padding, 2),
                             _list(stride, 2)))


def fold(input: Tensor, output_size: BroadcastingList2, kernel_size: BroadcastingList2,
         dilation: BroadcastingList2 = 1, padding: BroadcastingList2 = 0, stride: BroadcastingList2 = 1) -> Tensor:
    return _wrap(K["col2im"](_array(input), _list(output_size, 2), _list(kernel_size, 2), _list(dilation, 2),
                             _list(padding, 2), _list(stride, 2)))


_GRID_MODES = {"bilinear": 0, "nearest": 1, "bicubic": 2}
_GRID_PADDING = {"zeros": 0, "border": 1, "reflection": 2}


def grid_sample(input: Tensor, grid: Tensor, mode: str = "bilinear", padding_mode: str = "zeros",
                align_corners: Optional[bool] = None) -> Tensor:
    if mode not in _GRID_MODES:
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', "
                         f"but got: '{mode}'")
    if padding_mode not in _GRID_PADDING:
        raise ValueError("nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
                         f"'reflection', but got: '{padding_mode}'")
    return _wrap(K["grid_sampler"](_array(input), _array(grid), _GRID_MODES[mode], _GRID_PADDING[padding_mode],
                                   bool(align_corners)))


def affine_grid(theta: Tensor, size: List[int], align_corners: Optional[bool] = None) -> Tensor:
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    if min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {list(size)}")
    return _wrap(K["affine_grid_generator"](_array(theta), list(size), bool(align_corners)))


# the nn.functional ops made from op definitions, where no function above has the name
globals().update({n: f for n, f in bindings("F").items() if n not in globals()})

__all__ = [n for n, v in list(globals().items())
           if not n.startswith("_") and callable(v)
           and getattr(v, "__module__", None) in (__name__, _GENERATED, "tsjit.eager.loss_functions",
                                                           "tsjit.eager.dropout_functions",
                                                           "tsjit.eager.functional_more")] \
    + ["flatten"]
