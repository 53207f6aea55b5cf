"""Constants a model returns (tsjit/passes/flatten_results.py) are recorded in the function's
`ts.results` and rebuilt by Compiled, not returned by the compiled code: a forward computing
`F.max_pool2d(x, 2, return_indices=True)` as a statement returns None, and compiles wholly to C
(a function with no results) instead of leaving its `ts.constant none` unlowered."""
import numpy as np

import tsjit
from tsjit.frontend import from_torch
from scripted_c_check import check_c, torch

F = torch.nn.functional


class _PoolsAsStatements(torch.nn.Module):
    def forward(self, x):
        F.max_pool2d(x, 2, return_indices=True)
        F.adaptive_max_pool2d(x, (3, 3), return_indices=True)


class _WithConstants(torch.nn.Module):
    def forward(self, x):
        return F.relu(x), None, x.size(1), 2.5, "s", [x.sum(), None]


class _Indices(torch.nn.Module):
    def forward(self, x):
        y, i = F.max_pool2d(x, 2, return_indices=True)
        a, j = F.adaptive_max_pool2d(x, (3, 3), return_indices=True)
        return y, i, a, j, F.max_pool1d(x.flatten(2), 2, return_indices=True)[1]


def test_a_forward_returning_none_compiles_to_c():
    x = torch.randn(2, 3, 8, 8)
    for backend in ("c", "numpy"):
        compiled = tsjit.compile(from_torch(torch.jit.script(_PoolsAsStatements())), backend=backend,
                                 example_inputs=(x.numpy(),), fallback=False)
        assert compiled(x.numpy()) is None


def test_constants_among_the_results():
    x = torch.randn(2, 3, 4)
    want = _WithConstants()(x)
    for backend in ("c", "numpy"):
        compiled = tsjit.compile(from_torch(torch.jit.script(_WithConstants())), backend=backend,
                                 example_inputs=(x.numpy(),), fallback=False)
        got = compiled(x.numpy())
        assert isinstance(got, tuple) and got[1:5] == (None, 3, 2.5, "s") and got[5][1] is None
        np.testing.assert_allclose(got[0], want[0].numpy())
        np.testing.assert_allclose(got[5][0], want[5][0].numpy(), rtol=1e-5)


def test_pooling_indices():
    check_c(_Indices(), torch.randn(2, 3, 8, 8), exact=True)
