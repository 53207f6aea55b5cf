"""ts-inline preserves results: scripted modules with submodules, function calls and forks."""
import numpy as np
import pytest

import tsjit as torch
import tsjit.nn as nn
from tsjit.backends.numpy import Program
from tsjit.dialects.ts.module_ir import own_module
from tsjit.dialects import ts
from tsjit.passes.inline import TsInlinePass
from tsjit.ir.diagnostics import DiagError
from xdsl.context import Context
from xdsl.dialects import builtin, func
from xdsl.parser import Parser


def parse(text: str) -> builtin.ModuleOp:
    ctx = Context()
    for dialect in (builtin.Builtin, func.Func, ts.TS):
        ctx.load_dialect(dialect)
    return Parser(ctx, text).parse_module()


@torch.jit.script
def scale(x: torch.Tensor, k: float) -> torch.Tensor:
    return torch.tanh(x) * k


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4, 4)

    def forward(self, x):
        return torch.relu(self.lin(x)) + scale(x, 0.5)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = Block()
        self.b = Block()

    def forward(self, x):
        fut = torch.jit.fork(self.b, x)
        return self.a(x) - torch.jit.wait(fut)


def _inlined(scripted):
    module = own_module(scripted._cu.module, scripted._c._class_name)
    TsInlinePass().apply(Context(), module)
    module.verify()
    return module


def _calls(module, func_name):
    func = next(f for f in module.walk() if getattr(f, "sym_name", None) is not None and f.sym_name.data == func_name)
    return [op.name for op in func.walk() if op.name in ("ts.call_method", "ts.call_function")]


def test_submodules_and_forks_inlined_same_results():
    s = torch.jit.script(Net().eval())
    name = s.forward._compiled.func_op.sym_name.data
    own = own_module(s._cu.module, s._c._class_name)
    before = Program(own)
    after_module = _inlined(s)
    assert _calls(own, name)  # the original had calls
    assert _calls(after_module, name) == []
    x = torch.randn(3, 4)._data
    expected = before.call(name, s._c, x)
    got = Program(after_module).call(name, s._c, x)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(got, s(torch.tensor(x))._data, rtol=1e-6, atol=1e-6)


def test_inlined_ops_keep_their_locations():
    s = torch.jit.script(Block())
    module = _inlined(s)
    name = s.forward._compiled.func_op.sym_name.data
    func = next(f for f in module.walk() if getattr(f, "sym_name", None) is not None and f.sym_name.data == name)
    linear = next(op for op in func.walk() if op.name == "ts.linear")
    assert "linear.py" in linear.attributes["loc"].data


def test_recursion_in_ir_is_an_error():
    text = """
    func.func @f(%x: !ts.int) -> !ts.int {
      %y = ts.call_function @f(%x) : (!ts.int) -> !ts.int
      func.return %y : !ts.int
    }"""
    module = parse(text)
    with pytest.raises(DiagError, match="recursive call chain f -> f"):
        TsInlinePass().apply(Context(), module)
