"""ts-transpose-linear and ts-pool-before-relu keep results on the numpy backend (frozen-like traced graphs)."""
import numpy as np
import pytest

import tsjit
import tsjit.nn as nn
from tsjit.backends.numpy import Program
from tsjit.passes.frozen_optimizations import optimize_frozen_graph
from tsjit.passes.pool_before_relu import pool_before_relu
from tsjit.passes.transpose_linear import transpose_linear
from tsjit.dialects.ts.module_ir import own_module


def run_both(model, x, rewrite):
    """Outputs before and after `rewrite` (on the frozen-optimised graph), and the op kinds after."""
    function = tsjit.jit.trace(lambda t: model(t), x)
    module = own_module(function._cu.module, function._compiled.func_op.sym_name.data)
    name = function.qualified_name
    optimize_frozen_graph(module)
    before = Program(module.clone()).call(name, x.numpy())
    rewrite(module)
    module.verify()
    func = next(op for op in module.ops if op.name == "func.func" and op.sym_name.data == name)
    kinds = [op.name for op in func.walk() if op.name not in ("ts.constant", "func.return", "func.func")]
    return before, Program(module).call(name, x.numpy()), kinds


@pytest.fixture(autouse=True)
def seed():
    tsjit.manual_seed(0)


@pytest.mark.parametrize("shape", [(16, 20), (20,), (3, 4, 20)])
def test_transpose_linear_mlp(shape):
    mlp = nn.Sequential(nn.Linear(20, 32), nn.ReLU(), nn.Linear(32, 32, bias=False), nn.ReLU(), nn.Linear(32, 5))
    before, after, kinds = run_both(mlp.eval(), tsjit.randn(*shape), transpose_linear)
    assert after.shape == before.shape
    np.testing.assert_allclose(after, before, rtol=0, atol=1e-5 * np.abs(before).max())
    assert kinds == ["ts.matmul", "ts.add", "ts.relu", "ts.matmul", "ts.relu", "ts.matmul", "ts.add"]


def test_pool_before_relu_is_exact():
    cnn = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Conv2d(4, 4, 3), nn.ReLU(), nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True))
    before, after, kinds = run_both(cnn.eval(), tsjit.randn(2, 3, 9, 9), pool_before_relu)
    np.testing.assert_array_equal(after, before)
    assert kinds == ["ts.conv2d", "ts.max_pool2d", "ts.relu", "ts.conv2d", "ts.max_pool2d", "ts.relu"]


def test_same_graph_as_torch_transpose_frozen_linear():
    torch = pytest.importorskip("torch")
    model = torch.nn.Sequential(torch.nn.Linear(6, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2, bias=False)).eval()
    graph = torch.jit.freeze(torch.jit.script(model)).graph
    torch._C._jit_pass_transpose_frozen_linear(graph)
    theirs = [n.kind().replace("aten::", "ts.") for n in graph.nodes() if n.kind() != "prim::Constant"]
    mlp = nn.Sequential(nn.Linear(6, 4), nn.ReLU(), nn.Linear(4, 2, bias=False))
    assert run_both(mlp.eval(), tsjit.randn(3, 6), transpose_linear)[2] == theirs
