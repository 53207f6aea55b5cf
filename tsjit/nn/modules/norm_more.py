"""BatchNorm3d (torch.nn.modules.batchnorm) and InstanceNorm1d/2d/3d (torch.nn.modules.instancenorm).

tsjit.nn.functional has no instance_norm function, so the instance norms are written out: each
(sample, channel) is normalised by its own mean and biased variance over the spatial dims (or by the
running statistics in eval mode when they are tracked); in training mode with tracked statistics the
running mean and the unbiased variance (averaged over the batch) are updated, as ATen's instance_norm.
"""
from typing import Any, Optional

from tsjit.eager import Tensor
from tsjit.nn.modules.batchnorm import _BatchNorm, _NormBase

__all__ = ["BatchNorm3d", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d"]


class BatchNorm3d(_BatchNorm):
    def _check_input_dim(self, input: Tensor) -> None:
        if input.dim() != 5:
            raise ValueError(f"expected 5D input (got {input.dim()}D input)")


class _InstanceNorm(_NormBase):
    def __init__(self, num_features: int, eps: float = 1e-5, momentum: Optional[float] = 0.1, affine: bool = False,
                 track_running_stats: bool = False, device: Any = None, dtype: Any = None, *,
                 bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)

    def _get_no_batch_dim(self) -> int:
        raise NotImplementedError

    def _check_input_dim(self, input: Tensor) -> None:
        raise NotImplementedError

    def _apply_instance_norm(self, input: Tensor) -> Tensor:
        n, c = input.size(0), input.size(1)
        x = input.reshape(n, c, -1)  # the spatial dims as one, so the reductions have constant dims
        running_mean = self.running_mean
        running_var = self.running_var
        if self.training or running_mean is None or running_var is None:
            mean = x.mean([2], keepdim=True)
            var = x.var([2], unbiased=False, keepdim=True)
            momentum = self.momentum
            if self.training and running_mean is not None and running_var is not None and momentum is not None:
                count = x.size(2)
                unbiased = var * (float(count) / float(max(count - 1, 1)))
                running_mean.copy_(running_mean * (1.0 - momentum) + mean.mean(0).flatten() * momentum)
                running_var.copy_(running_var * (1.0 - momentum) + unbiased.mean(0).flatten() * momentum)
        else:
            mean = running_mean.reshape(1, c, 1)
            var = running_var.reshape(1, c, 1)
        out = (x - mean) * (var + self.eps).rsqrt()
        weight = self.weight
        if weight is not None:
            out = out * weight.reshape(1, c, 1)
        bias = self.bias
        if bias is not None:
            out = out + bias.reshape(1, c, 1)
        return out.reshape(input.shape)

    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        if input.dim() == self._get_no_batch_dim():
            return self._apply_instance_norm(input.unsqueeze(0)).squeeze(0)
        return self._apply_instance_norm(input)


class InstanceNorm1d(_InstanceNorm):
    def _get_no_batch_dim(self) -> int:
        return 2

    def _check_input_dim(self, input: Tensor) -> None:
        if input.dim() != 2 and input.dim() != 3:
            raise ValueError(f"expected 2D or 3D input (got {input.dim()}D input)")


class InstanceNorm2d(_InstanceNorm):
    def _get_no_batch_dim(self) -> int:
        return 3

    def _check_input_dim(self, input: Tensor) -> None:
        if input.dim() != 3 and input.dim() != 4:
            raise ValueError(f"expected 3D or 4D input (got {input.dim()}D input)")


class InstanceNorm3d(_InstanceNorm):
    def _get_no_batch_dim(self) -> int:
        return 4

    def _check_input_dim(self, input: Tensor) -> None:
        if input.dim() != 4 and input.dim() != 5:
            raise ValueError(f"expected 4D or 5D input (got {input.dim()}D input)")
