"""from_torch on the aten:: kinds of aten_more_ops.py (overloads mapped onto several ts ops, trailing
arguments dropped) and on modules whose ops are decompositions (conv3d)."""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import tsjit
from tsjit.frontend import from_torch


def _check(module, *inputs, trace=False, backend=None):
    torch.manual_seed(0)
    want = module(*inputs)
    imported = from_torch(module, tuple(inputs)) if trace else from_torch(module)
    args = [tsjit.from_numpy(x.numpy().copy()) for x in inputs]
    got = imported(*args)
    if backend is not None:
        compiled = tsjit.compile(imported, backend=backend, example_inputs=args, fallback=False)
        got = compiled(*args)
    np.testing.assert_allclose(np.asarray(got.numpy()), want.detach().numpy(), rtol=1e-4, atol=1e-5)


class _Bag(torch.nn.Module):
    def __init__(self, mode):
        super().__init__()
        self.m = torch.nn.EmbeddingBag(10, 3, mode=mode)

    def forward(self, x):
        return self.m(x)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_2d_input(mode):
    torch.manual_seed(0)
    _check(_Bag(mode), torch.randint(0, 10, (2, 4)))


class _TensorSplit(torch.nn.Module):
    def forward(self, x):
        return torch.tensor_split(x, 3, 1)[1] + torch.hsplit(x, [2])[1].sum()


class _Where(torch.nn.Module):
    def forward(self, x):
        return torch.where(x.gt(0))[0]


class _Allclose(torch.nn.Module):
    def forward(self, x, y):
        return torch.tensor(torch.allclose(x, y))


@pytest.mark.parametrize("trace", [False, True])
def test_split_where_allclose(trace):
    x = torch.randn(4, 5)
    _check(_TensorSplit(), x, trace=trace)
    _check(_Where(), x, trace=trace)
    _check(_Allclose(), x, x + 1e-9, trace=trace)


def test_traced_conv3d_is_one_c_function():
    torch.manual_seed(0)
    conv = torch.nn.Conv3d(2, 3, 3, padding=(0, 1, 1))
    _check(conv, torch.randn(1, 2, 4, 5, 5), trace=True, backend="c")
