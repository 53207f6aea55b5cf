"""Inspection as TorchScript offers it: `.inlined_graph` on functions and modules, and
torch.jit.Error, which (as torch 2.13's JITException) is not a RuntimeError."""
from __future__ import annotations

import pytest

import tsjit as torch


def helper(x: torch.Tensor) -> torch.Tensor:
    return x * 2


def caller(x: torch.Tensor) -> torch.Tensor:
    return helper(x) + 1


def fails(x: int) -> int:
    if x < 0:
        raise ValueError("negative")
    return x


class Block(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.inner = torch.nn.Linear(2, 2)

    def forward(self, x):
        return self.inner(x).relu()


def test_inlined_graph_has_no_calls():
    scripted = torch.jit.script(caller)
    assert "ts.call_function" in scripted.graph and "ts.call_function" not in scripted.inlined_graph
    assert "ts.mul" in scripted.inlined_graph
    module = torch.jit.script(Block())
    assert "ts.relu" in module.inlined_graph and "ts.linear" in module.inlined_graph
    assert "call_method" not in module.inlined_graph and "call_function" not in module.inlined_graph


def test_jit_error_is_not_a_runtime_error():
    assert not issubclass(torch.jit.Error, RuntimeError) and issubclass(torch.jit.Error, Exception)
    with pytest.raises(torch.jit.Error, match="ValueError: negative"):
        torch.jit.script(fails)(-1)
    real = pytest.importorskip("torch")
    assert issubclass(real.jit.Error, RuntimeError) == issubclass(torch.jit.Error, RuntimeError)
