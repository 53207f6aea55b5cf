"""The cleanup passes preserve results on scripted and traced programs.

Each test runs the program on the numpy backend before and after the passes and compares.
"""
import numpy as np
import pytest
from xdsl.context import Context

import tsjit as torch
import tsjit.nn as nn
from tsjit.backends.numpy import Program
from tsjit.dialects.ts.module_ir import own_module
from tsjit.passes.cleanup import TsCleanupPass
from tsjit.passes.constant_pooling import TsConstantPoolingPass
from tsjit.passes.constant_propagation import TsConstantPropagationPass
from tsjit.passes.inline import TsInlinePass
from tsjit.passes.unroll_loops import TsUnrollLoopsPass


def unit(scripted):
    """What `scripted` reaches of its compilation unit (which holds all the process scripted)."""
    root = scripted._c._class_name if hasattr(scripted, "_c") else scripted._compiled.func_op.sym_name.data
    return own_module(scripted._cu.module, root)


def _func(module, name):
    return next(f for f in module.walk() if getattr(f, "sym_name", None) is not None and f.sym_name.data == name)


def _ops(module, name):
    return [op.name for op in _func(module, name).walk()]


def _optimized(module, *passes):
    module = module.clone()
    for p in passes:
        p.apply(Context(), module)
    module.verify()
    return module


def _same(before, after, name, *args):
    expected = Program(before).call(name, *args)
    got = Program(after).call(name, *args)
    scale = max(1.0, float(np.abs(expected).max()))
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5 * scale)


class Step(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4, 4)

    def forward(self, x):
        return torch.tanh(self.lin(x)) * 1.0 + 0


class Unrolled(nn.Module):
    def __init__(self):
        super().__init__()
        self.step = Step()

    def forward(self, x):
        for i in range(3):
            x = self.step(x) + i
        return x


class LSTMish(nn.Module):
    """A recurrent loop over the sequence length: its trip count is x.size(0), never unrolled."""

    def __init__(self):
        super().__init__()
        self.cell = nn.Linear(8, 4)

    def forward(self, xs):
        h = torch.zeros(xs.size(1), 4)
        outs = []
        for t in range(xs.size(0)):
            h = torch.tanh(self.cell(torch.cat([xs[t], h], 1)))
            outs.append(h)
        return torch.stack(outs)


def _method(s):
    return s.forward._compiled.func_op.sym_name.data


def test_constant_loop_unrolled_after_inlining():
    s = torch.jit.script(Unrolled().eval())
    name = _method(s)
    after = _optimized(unit(s), TsInlinePass(), TsCleanupPass())
    ops = _ops(after, name)
    assert "ts.loop" not in ops and "ts.call_method" not in ops
    assert ops.count("ts.linear") == 3
    _same(unit(s), after, name, s._c, torch.randn(2, 4)._data)


def test_loop_over_size_is_kept():
    s = torch.jit.script(LSTMish().eval())
    name = _method(s)
    after = _optimized(unit(s), TsInlinePass(), TsCleanupPass(fixpoint=True))
    assert "ts.loop" in _ops(after, name)
    _same(unit(s), after, name, s._c, torch.randn(5, 2, 4)._data)


def test_unroll_alone_keeps_results():
    s = torch.jit.script(Unrolled().eval())
    name = _method(s)
    after = _optimized(unit(s), TsUnrollLoopsPass())
    assert "ts.loop" not in _ops(after, name)
    _same(unit(s), after, name, s._c, torch.randn(2, 4)._data)


def test_traced_constants_folded_and_pooled():
    """Tensors captured by a trace are constants: w.t() * 2 + 1 becomes one constant."""
    w = torch.randn(3, 4)
    ones_a, ones_b = torch.ones(3), torch.ones(3)
    traced = torch.jit.trace(lambda x: (x @ (w.t() * 2 + 1)) * ones_a + ones_b, torch.randn(2, 4))
    module = unit(traced)
    name = traced._compiled.func_op.sym_name.data
    after = _optimized(module, TsConstantPropagationPass(), TsConstantPoolingPass(), TsCleanupPass())
    ops = _ops(after, name)
    assert "ts.t" not in ops and "ts.mul" in ops  # the weight chain folded; x-dependent ops stay
    tensors = [op for op in _func(after, name).walk() if op.name == "ts.constant" and "dense" in str(op)]
    assert len(tensors) == 2  # the folded weight, and ones pooled into one constant
    _same(module, after, name, torch.randn(2, 4)._data)


def test_cleanup_is_idempotent_on_its_output():
    s = torch.jit.script(Unrolled().eval())
    once = _optimized(unit(s), TsInlinePass(), TsCleanupPass())
    assert str(_optimized(once, TsCleanupPass())) == str(once)


class TwoLoops(nn.Module):
    def forward(self, x):
        for i in range(3):
            x = x * 2 + i
        for j in range(64):
            x = x - 1
        return x


def test_against_torchscript_unrolling():
    """TorchScript's freeze (UnrollConstantLoops) also unrolls range(3) and keeps range(64).

    (`_jit_pass_constant_loop_unrolling` is the other unroller: it unrolls every loop by 8.)"""
    real = pytest.importorskip("torch")
    import torch.nn as real_nn

    class RealTwoLoops(real_nn.Module):
        forward = TwoLoops.forward

    frozen = real.jit.freeze(real.jit.script(RealTwoLoops().eval()))
    loops_torch = str(frozen.graph).count("prim::Loop")
    s = torch.jit.script(TwoLoops().eval())
    name = _method(s)
    after = _optimized(unit(s), TsInlinePass(), TsCleanupPass())
    assert _ops(after, name).count("ts.loop") == loops_torch == 1
    _same(unit(s), after, name, s._c, torch.randn(3)._data)
