"""Reductions of scripted and traced modules that compile wholly to C.

Vector norms: `torch.norm(x, p)` in script passes `p` as
an int cast to a number (`ts.unchecked_cast`), which ts-decompose reads as the constant it is, so
every finite p, +-inf and 0 decompose (tsjit/ops/norms.py) instead of staying on numpy.
Softmax and log_softmax of a 0-d tensor reduce over no dim: exp(x - x) / exp(x - x), so 1 (0 for
log_softmax), and nan for +-inf and nan as in PyTorch."""
import math

import pytest

from scripted_c_check import check_c, torch


class _Norm(torch.nn.Module):
    def __init__(self, p, dim=None, keepdim=False, linalg=False):
        super().__init__()
        self.p, self.dim, self.keepdim, self.linalg = p, dim, keepdim, linalg

    def forward(self, x):
        if self.linalg:
            return torch.linalg.vector_norm(x, ord=self.p, dim=self.dim, keepdim=self.keepdim)
        return torch.norm(x, self.p, self.dim, self.keepdim)


def _x():
    x = torch.randn(2, 3, 4, 5, generator=torch.Generator().manual_seed(0))
    x[0, 0, 0] = 0.0
    return x


@pytest.mark.parametrize("p", [3, 1.5, -1, math.inf, -math.inf, 0, 2])
@pytest.mark.parametrize("dim", [None, 2, (1, 3)])
def test_torch_norm_p(p, dim):
    check_c(_Norm(p, dim), _x(), rtol=1e-4)


@pytest.mark.parametrize("p", [3, 0, math.inf, -math.inf, -2.5])
def test_vector_norm_ord(p):
    check_c(_Norm(p, (0, 2), keepdim=True, linalg=True), _x(), rtol=1e-4)


class _Softmax0d(torch.nn.Module):
    def forward(self, x):
        f = torch.nn.functional
        return f.softmax(x, 0), f.log_softmax(x, -1), torch.softmax(x, 0, dtype=torch.float64), x.log_softmax(0)


@pytest.mark.parametrize("value", [1.5, -3e38, math.inf, -math.inf, math.nan])
def test_softmax_of_0d(value):
    check_c(_Softmax0d(), torch.tensor(value))
