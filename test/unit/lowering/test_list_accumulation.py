"""A loop appending tensors to a list made before it, then `torch.stack` / `torch.cat` of the list:
ts-specialize unrolls the loop once its trip count is a constant (a literal range, or one of the
input's sizes), so the list has a known length and every piece a known shape, and the model
compiles wholly to C; where the count stays unknown the error says which loop. Against PyTorch."""
from __future__ import annotations

import warnings
from typing import List

import numpy as np
import pytest

import tsjit
from tsjit.compiler import FallbackError

torch = pytest.importorskip("torch")


class Stacked(torch.nn.Module):
    def forward(self, x):
        ys = []
        for i in range(3):
            ys.append(x * i)
        return torch.stack(ys)


class CatOfSlices(torch.nn.Module):
    def forward(self, x):
        ys: List[torch.Tensor] = [x]
        for i in range(x.size(0)):
            ys.append(x[i:i + 1] * i)
        return torch.cat(ys, 0)


class Recurrent(torch.nn.Module):
    def forward(self, x):
        h = torch.zeros(x.size(1))
        outs = []
        for t in range(x.size(0)):
            h = torch.tanh(x[t] + h)
            outs.append(h)
        return torch.stack(outs), h


class WhileLoop(torch.nn.Module):
    def forward(self, x):  # (ts-count-loops finds its 3 iterations: it unrolls like a for loop)
        ys = []
        i = 0
        while i < 3:
            ys.append(x * i)
            i += 1
        return torch.stack(ys)


class WhileOnValues(torch.nn.Module):
    def forward(self, x):
        ys = [x]
        while bool(ys[-1].abs().max() > 0.5):
            ys.append(ys[-1] * 0.5)
        return torch.stack(ys)


def _compile(model, x, backend):
    from tsjit.frontend import from_torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return tsjit.compile(from_torch(torch.jit.script(model)), backend=backend, example_inputs=(x.numpy(),),
                             fallback=False)


@pytest.mark.parametrize("backend", ["numpy", "c"])
@pytest.mark.parametrize("model", [Stacked, CatOfSlices, Recurrent, WhileLoop], ids=lambda m: m.__name__)
def test_appending_loops_unroll_and_match_torch(model, backend):
    torch.manual_seed(0)
    x = torch.randn(4, 5)
    got, want = _compile(model(), x, backend)(x.numpy()), model()(x)
    for g, w in zip(got if isinstance(got, tuple) else (got,), want if isinstance(want, tuple) else (want,)):
        np.testing.assert_allclose(g, w.numpy(), rtol=1e-5, atol=1e-6)


def test_a_loop_whose_count_depends_on_values_runs_on_numpy_and_is_named():
    """A list growing in a while loop on tensor values has no static length: the numpy backend runs
    the loop, and C with fallback=False names it and the list read its body cannot lower."""
    torch.manual_seed(0)
    x = torch.randn(4, 5)
    np.testing.assert_allclose(_compile(WhileOnValues(), x, "numpy")(x.numpy()), WhileOnValues()(x).numpy())
    with pytest.raises(FallbackError, match=r"ts.loop at .*test_list_accumulation.py:\d+:\d+ \(loop body: ts.list.get"):
        _compile(WhileOnValues(), x, "c")
