"""Python scalars, bools and 0-d tensors out of compiled code: `torch.equal` / `torch.allclose`
give a bool, `.item()` a float, int or bool, `int(...)` of it an int, a tuple may mix them with
tensors, and C returns each through a 0-d out-parameter (tsjit/lowering/scalar_results.py) read
back as the Python scalar TorchScript returns. Checked against PyTorch on numpy and C."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import tsjit

torch = pytest.importorskip("torch")
nn = torch.nn
F = torch.nn.functional


class Equal(nn.Module):
    def forward(self, x, y):
        return torch.equal(x, y)


class Allclose(nn.Module):
    def forward(self, x, y):
        return torch.allclose(x, y)


class SumItem(nn.Module):
    def forward(self, x, y):
        return x.sum().item()


class ArgmaxInt(nn.Module):
    def forward(self, x, y):
        return int(x.argmax().item()) + 1


class AnyItem(nn.Module):
    def forward(self, x, y):
        return (x > y).any().item()


class Mixed(nn.Module):
    def forward(self, x, y):
        return x + y, x.max().item(), torch.equal(x, y), 3


class KlDivMean(nn.Module):
    def forward(self, x, y):
        return F.kl_div(x, y, reduction="mean")


class Linear1d(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(5, 3)

    def forward(self, x, y):
        return self.linear(x[0]), y.sum()


def _compiled(model, inputs, backend, fallback=False):
    from tsjit.frontend import from_torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return tsjit.compile(from_torch(torch.jit.script(model.eval())), backend=backend,
                             example_inputs=tuple(x.numpy() for x in inputs), fallback=fallback)


def _same(got, want):
    if isinstance(want, tuple | list):
        assert type(got) is type(want) and len(got) == len(want)
        for g, w in zip(got, want):
            _same(g, w)
    elif isinstance(want, torch.Tensor):
        assert isinstance(got, np.ndarray) and got.shape == tuple(want.shape)
        np.testing.assert_allclose(got, want.detach().numpy(), rtol=1e-5, atol=1e-6)
    else:  # a Python scalar of the same type
        assert type(got) is type(want), (got, want)
        assert got == pytest.approx(want, rel=1e-6)


def _inputs(same):
    torch.manual_seed(0)
    x = torch.randn(4, 5)
    return (x, x.clone()) if same else (x, torch.randn(4, 5).softmax(1))


@pytest.mark.parametrize("backend", ["numpy", "c"])
@pytest.mark.parametrize("same", [True, False], ids=["same", "different"])
@pytest.mark.parametrize("model", [Equal, Allclose, SumItem, ArgmaxInt, AnyItem, Mixed, Linear1d],
                         ids=lambda m: m.__name__)
def test_scalar_results_match_torch(model, same, backend):
    inputs = _inputs(same)
    module = model()
    with torch.no_grad():
        want = torch.jit.script(module)(*inputs)  # TorchScript's types: a tuple, Python scalars
    _same(_compiled(module, inputs, backend)(*(x.numpy() for x in inputs)), want)


@pytest.mark.parametrize("backend", ["numpy", "c"])
def test_unconditional_warning_is_issued_by_each_call(backend):
    """F.kl_div(reduction='mean') warns on every call; compiled C cannot, the Compiled model does."""
    inputs = _inputs(False)
    compiled = _compiled(KlDivMean(), inputs, backend)
    with pytest.warns(UserWarning, match="reduction: 'mean' divides the total loss"):
        got = compiled(*(x.numpy() for x in inputs))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = KlDivMean()(*inputs)
    np.testing.assert_allclose(got, want.numpy(), rtol=1e-5)
    assert got.shape == ()


class WhereCond(nn.Module):
    def forward(self, x, y):
        return torch.where(x > 0)


class WhereCondSum(nn.Module):
    def forward(self, x, y):
        return torch.where(x > 0)[0].sum()


class WhereCondMax(nn.Module):
    def forward(self, x, y):
        return torch.where(x > 0)[0].max()


def test_a_value_dependent_size_compiles_to_c_or_says_why():
    """Returned or summed, C computes it padded (tsjit/passes/padded_results.py); its max runs on numpy."""
    inputs = _inputs(False)
    got = _compiled(WhereCond(), inputs, "c")(inputs[0].numpy(), inputs[1].numpy())
    for g, w in zip(got, torch.where(inputs[0] > 0)):
        np.testing.assert_array_equal(g, w.numpy())
    got = _compiled(WhereCondSum(), inputs, "c")(inputs[0].numpy(), inputs[1].numpy())
    assert int(got) == int(torch.where(inputs[0] > 0)[0].sum())
    with pytest.raises(tsjit.compiler.FallbackError, match="nonzero .*depends on the input's values"):
        _compiled(WhereCondMax(), inputs, "c")
    got = _compiled(WhereCondMax(), inputs, "c", fallback=True)(inputs[0].numpy(), inputs[1].numpy())
    assert int(got) == int(torch.where(inputs[0] > 0)[0].max())
