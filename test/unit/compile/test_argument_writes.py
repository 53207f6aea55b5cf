"""In-place writes to a compiled model's arguments (tsjit/passes/argument_writes.py): the caller's
tensors hold the new values after the call, as in PyTorch and on the numpy backend, and the model
compiles wholly to C (fallback=False): the writes are made pure, each argument's final value is a
result that Compiled copies back into the caller's array."""
import numpy as np
import pytest

import tsjit
from tsjit.compiler import FallbackWarning
from tsjit.frontend import from_torch

torch = pytest.importorskip("torch")
F = torch.nn.functional


class _AddOnInput(torch.nn.Module):
    def forward(self, x):
        x.add_(1.0)
        return x * 2


class _ReturnsTheInput(torch.nn.Module):
    def forward(self, x, y):
        x[0] = y.sum()          # a view of the argument, filled from a 0-d tensor
        y.mul_(2)
        x.relu_()
        return x


class _InstanceNormStats(torch.nn.Module):
    def forward(self, x, mean, var):
        return F.instance_norm(x, mean, var, use_input_stats=True)


class _NoResult(torch.nn.Module):
    def forward(self, x):
        x.sub_(x.mean())


class _ReadBetween(torch.nn.Module):
    def forward(self, x):
        before = x * 1.0
        x.mul_(3)
        return before + x, x.clamp_(-1, 1)


_CASES = [(_AddOnInput, lambda g: (torch.randn(3, generator=g),)),
          (_ReturnsTheInput, lambda g: (torch.randn(3, 4, generator=g), torch.randn(4, generator=g))),
          (_InstanceNormStats, lambda g: (torch.randn(2, 3, 4, 4, generator=g), torch.randn(3, generator=g),
                                          torch.rand(3, generator=g) + 0.5)),
          (_NoResult, lambda g: (torch.randn(2, 5, generator=g),)),
          (_ReadBetween, lambda g: (torch.randn(6, generator=g),))]


def _flat(out):
    return [] if out is None else [np.asarray(o) for o in (out if isinstance(out, tuple) else (out,))]


@pytest.mark.parametrize("mode", ["script", "trace"])
@pytest.mark.parametrize("backend", ["c", "numpy"])
@pytest.mark.parametrize("case", range(len(_CASES)), ids=[c[0].__name__ for c in _CASES])
def test_the_caller_sees_the_writes(case, backend, mode):
    cls, make = _CASES[case]
    theirs = make(torch.Generator().manual_seed(case))
    if mode == "trace" and cls()(*(t.clone() for t in theirs)) is None:
        pytest.skip("torch.jit.trace refuses a function without results")
    jit = torch.jit.script(cls()) if mode == "script" else torch.jit.trace(cls(), tuple(t.clone() for t in theirs))
    compiled = tsjit.compile(from_torch(jit), backend=backend, fallback=False,
                             example_inputs=tuple(t.numpy().copy() for t in theirs))
    for _ in range(2):  # again: the second call starts from the first call's writes
        ours = tuple(t.numpy().copy() for t in theirs)
        want, got = cls()(*theirs), compiled(*ours)
        want = _flat(tuple(w.numpy() for w in want) if isinstance(want, tuple) else None if want is None else want.numpy())
        assert len(_flat(got)) == len(want)
        for g, w in zip(_flat(got), want):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
        for o, t in zip(ours, theirs):
            np.testing.assert_allclose(o, t.numpy(), rtol=1e-5, atol=1e-6)


def test_a_non_contiguous_argument_is_written_where_it_is():
    compiled = tsjit.compile(from_torch(torch.jit.script(_AddOnInput())), backend="c", fallback=False,
                             example_inputs=(np.zeros((3, 2), np.float32),))
    base = np.arange(6, dtype=np.float32).reshape(2, 3)
    x = base.T                      # a view: check_arguments passes a C-ordered copy to the C code
    np.testing.assert_array_equal(compiled(x), (np.arange(6).reshape(2, 3).T + 1) * 2)
    np.testing.assert_array_equal(base, np.arange(6).reshape(2, 3) + 1)


def test_tsjit_tensors_are_written():
    def f(x):
        x.relu_()
        return x + 1

    x = tsjit.tensor([-1.0, 2.0, -3.0])
    compiled = tsjit.compile(f, backend="c", example_inputs=(x,), fallback=False)
    np.testing.assert_array_equal(compiled(x).numpy(), [1.0, 3.0, 1.0])
    np.testing.assert_array_equal(x.numpy(), [0.0, 2.0, 0.0])


def test_the_writes_reach_the_caller_when_ops_fall_back_to_numpy():
    def f(x):
        x.add_(1.0)
        return tsjit.nonzero(x > -1e30).amax() * 0.0 + x * 2  # nonzero's size depends on values: numpy

    x = tsjit.tensor([1.0, 2.0, 3.0])
    with pytest.warns(FallbackWarning):
        compiled = tsjit.compile(f, backend="c", example_inputs=(x,))
    assert compiled.backend == "numpy+c"
    np.testing.assert_array_equal(compiled(x).numpy(), [4.0, 6.0, 8.0])
    np.testing.assert_array_equal(x.numpy(), [2.0, 3.0, 4.0])
