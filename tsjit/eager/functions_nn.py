"""torch-level neural-network ops (`torch.conv2d`, `torch.layer_norm`, ...), with PyTorch's signatures.

They share nn.functional's implementation (eager/functional.py, imported when first called: it
imports this module's namespace) except where PyTorch's torch-level signature is the ts schema itself.
"""
from __future__ import annotations

from tsjit.ops import EAGER as K
from tsjit.eager.core import _array, _wrap


def _functional():
    from tsjit.eager import functional
    return functional


def _optional(t):
    return None if t is None else _array(t)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _functional().conv1d(input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _functional().conv2d(input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _functional().conv3d(input, weight, bias, stride, padding, dilation, groups)


def max_pool1d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return _functional().max_pool1d(input, kernel_size, stride or None, padding, dilation, ceil_mode)


def max_pool2d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return _functional().max_pool2d(input, kernel_size, stride or None, padding, dilation, ceil_mode)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05, cudnn_enable=True):
    return _wrap(K["layer_norm"](_array(input), list(normalized_shape), _optional(weight), _optional(bias), eps,
                                 cudnn_enable))


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05, cudnn_enabled=True):
    return _wrap(K["group_norm"](_array(input), num_groups, _optional(weight), _optional(bias), eps, cudnn_enabled))


def batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled):
    return _wrap(K["batch_norm"](_array(input), _optional(weight), _optional(bias), _optional(running_mean),
                                 _optional(running_var), training, momentum, eps, cudnn_enabled))


def embedding(weight, input, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    return _wrap(K["embedding"](_array(weight, "weight"), _array(input, "indices"), padding_idx))


def stft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, pad_mode="reflect",
         normalized=False, onesided=None, return_complex=None, align_to_window=None):
    """torch.stft of real input with return_complex=False: `center` pads n_fft // 2 on each side
    (pad_mode), then ts.stft (tsjit/ops/spectral.py)."""
    x = input
    if center:
        rank = x.dim()
        padded = _functional().pad(x.view([1] * (3 - rank) + list(x.shape)), [n_fft // 2, n_fft // 2], pad_mode)
        x = padded.view(padded.shape[-rank:])
    return _wrap(K["stft"](_array(x), n_fft, hop_length, win_length, _optional(window), normalized, onesided,
                           return_complex, align_to_window))
