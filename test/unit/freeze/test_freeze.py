"""tsjit.jit.freeze / run_frozen_optimizations / optimize_for_inference, as TorchScript's (reference §2)."""
import copy
import subprocess
import sys

import numpy as np
import pytest

import tsjit as torch
import tsjit.nn as nn
import tsjit.nn.functional as F
from tsjit.dialects import parse_module
from tsjit.jit.module_ir import from_ir, to_ir


class Sub(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.rand(4, 4))

    def forward(self, x):
        return x @ self.w


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.sub = Sub()
        self.register_buffer("count", torch.zeros(1))
        self.scale = 3
        self.unused = 5

    def forward(self, x):
        self.count.add_(1)
        if self.training:
            x = x * 100
        return self.sub(x) * self.scale + self.count

    @torch.jit.export
    def other(self, x):
        return x + self.unused


class ConvBN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.drop = nn.Dropout(0.3)
        self.fc = nn.Linear(8, 5)

    def forward(self, x):
        x = F.relu(self.bn(self.conv(x)))
        return self.fc(self.drop(x.mean((2, 3))))


def trained(model):
    """Non-trivial batch-norm statistics, then eval mode."""
    model.train()
    for _ in range(3):
        model(torch.rand(4, 3, 6, 6) * 2 + 1)
    return model.eval()


def test_freeze_makes_unchanging_attributes_constants_and_keeps_mutated_ones():
    eager = Net().eval()
    reference = copy.deepcopy(eager)
    frozen = torch.jit.freeze(torch.jit.script(eager))
    graph = frozen.graph
    assert "%self.sub.w = ts.constant dense<" in graph and 'ts.get_attr %self["count"]' in graph
    assert "ts.call_method" not in graph and "ts.if" not in graph  # inlined; the training branch folded away
    assert not hasattr(frozen, "training") and "sub" not in dict(frozen.named_children())
    x = torch.rand(2, 4)
    for _ in range(2):  # the mutated buffer keeps changing, as in eager
        torch.testing.assert_close(frozen(x), reference(x))
    assert float(frozen.count) == 2.0


def test_freeze_errors_as_torchscript():
    with pytest.raises(RuntimeError, match="Freezing expects a ScriptModule as input"):
        torch.jit.freeze(Net())
    with pytest.raises(RuntimeError, match="only implemented for modules in eval mode"):
        torch.jit.freeze(torch.jit.script(Net()))

    class ReturnsSelf(nn.Module):
        def forward(self, x):
            return self

    with pytest.raises(RuntimeError, match="attempted to freeze a module that return itself"):
        torch.jit.freeze(torch.jit.script(ReturnsSelf()).eval())


def test_preserved_attributes_and_methods_stay():
    frozen = torch.jit.freeze(torch.jit.script(Net().eval()), preserved_attrs=["other", "scale", "sub.w"])
    assert frozen.scale == 3
    torch.testing.assert_close(frozen.other(torch.zeros(1)), torch.full((1,), 5.0))
    assert 'ts.get_attr %self["scale"]' in frozen.graph
    with pytest.raises(RuntimeError, match="'nope' does not exist"):
        torch.jit.freeze(torch.jit.script(Net().eval()), preserved_attrs=["nope"])


def test_methods_not_preserved_are_gone():
    frozen = torch.jit.freeze(torch.jit.script(Net().eval()))
    with pytest.raises(AttributeError):
        frozen.other


def test_conv_bn_dropout_fold_after_freezing():
    eager = trained(ConvBN())
    scripted = torch.jit.script(eager)
    frozen = torch.jit.freeze(scripted)
    graph = frozen.graph
    assert "ts.batch_norm" not in graph and "ts.dropout" not in graph and "ts.conv2d" in graph
    x = torch.rand(2, 3, 6, 6)
    np.testing.assert_allclose(frozen(x).numpy(), eager(x).numpy(), rtol=1e-5, atol=1e-5)
    unfolded = torch.jit.freeze(scripted, optimize_numerics=False)
    assert "ts.batch_norm" in unfolded.graph and "ts.dropout" not in unfolded.graph


def test_optimize_for_inference_evals_the_callers_module_and_rewrites_linear():
    scripted = torch.jit.script(trained(ConvBN()).train())
    optimized = torch.jit.optimize_for_inference(scripted)
    assert scripted.training is False  # TorchScript calls .eval() on the module it was given
    assert "ts.linear" not in optimized.graph and "ts.matmul" in optimized.graph
    x = torch.rand(2, 3, 6, 6)
    np.testing.assert_allclose(optimized(x).numpy(), scripted(x).numpy(), rtol=1e-5, atol=1e-5)


def test_run_frozen_optimizations_in_place():
    frozen = torch.jit.freeze(torch.jit.script(trained(ConvBN())), optimize_numerics=False)
    assert "ts.batch_norm" in frozen.graph
    x = torch.rand(2, 3, 6, 6)
    before = frozen(x)
    torch.jit.run_frozen_optimizations(frozen)
    assert "ts.batch_norm" not in frozen.graph
    np.testing.assert_allclose(frozen(x).numpy(), before.numpy(), rtol=1e-5, atol=1e-5)


def test_a_traced_module_freezes_too():
    eager = trained(ConvBN())
    traced = torch.jit.trace(eager, torch.rand(1, 3, 6, 6))
    frozen = torch.jit.freeze(traced)
    assert "ts.batch_norm" not in frozen.graph
    x = torch.rand(3, 3, 6, 6)
    np.testing.assert_allclose(frozen(x).numpy(), eager(x).numpy(), rtol=1e-5, atol=1e-5)


def test_ts_opt_pipeline_gives_the_python_apis_ir(tmp_path):
    scripted = torch.jit.script(trained(ConvBN()))
    path = tmp_path / "model.mlir"
    path.write_text(str(to_ir(scripted)))
    out = subprocess.run([sys.executable, "-m", "tsjit.tools.ts_opt", str(path), "-p",
                          "ts-freeze,ts-optimize-for-inference"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    from_cli = to_ir(from_ir(parse_module(out.stdout)))
    from_api = to_ir(torch.jit.optimize_for_inference(scripted))
    assert str(from_cli) == str(from_api)
