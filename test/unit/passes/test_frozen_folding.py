"""The frozen-graph folds preserve results (within ~1e-5 of the output scale) and fold what TorchScript folds.

Graphs come from `tsjit.jit.trace` of lambdas over eval-mode tsjit.nn modules: the captured
parameters become `ts.constant`s, as after freezing. Where PyTorch is installed, the op kinds
left after our passes are compared with `torch.jit.freeze` of the same model.
"""
import numpy as np
import pytest

import tsjit
import tsjit.nn as nn
from tsjit.backends.numpy import Program
from tsjit.passes.fold_conv_add_sub import fold_conv_add_sub
from tsjit.passes.fold_conv_bn import fold_conv_bn
from tsjit.dialects.ts.module_ir import own_module
from tsjit.passes.fold_linear_bn import fold_linear_bn
from tsjit.passes.frozen_optimizations import optimize_frozen_graph
from tsjit.passes.remove_dropout import remove_dropout


def traced(fn, *inputs):
    """(module op, function name) of `fn` traced on `inputs` (a copy of the traced unit's module)."""
    function = tsjit.jit.trace(fn, inputs if len(inputs) > 1 else inputs[0])
    return own_module(function._cu.module, function._compiled.func_op.sym_name.data), function.qualified_name


def kinds(module, name: str) -> list[str]:
    """The op kinds function `name` computes with (constants and the return left out), in order."""
    func = next(op for op in module.ops if op.name == "func.func" and op.sym_name.data == name)
    return [op.name for op in func.walk() if op.name not in ("ts.constant", "func.return", "func.func")]


def assert_preserved(fn, inputs, transform):
    """Run `fn`'s traced graph before and after `transform`; return the kinds after."""
    module, name = traced(fn, *inputs)
    arrays = [x.numpy() for x in inputs]
    before = Program(module.clone()).call(name, *arrays)
    transform(module)
    module.verify()
    after = Program(module).call(name, *arrays)
    assert after.shape == before.shape and after.dtype == before.dtype
    np.testing.assert_allclose(after, before, rtol=0, atol=1e-5 * max(1.0, np.abs(before).max()))
    return kinds(module, name)


def randomise_bn(bn):
    """Non-trivial running stats and affine parameters (fresh ones make the fold an identity)."""
    n = bn.num_features
    bn.running_mean = tsjit.randn(n)
    bn.running_var = tsjit.rand(n) + 0.5
    if bn.weight is not None:
        bn.weight.data = tsjit.randn(n)
        bn.bias.data = tsjit.randn(n)
    return bn


@pytest.fixture(autouse=True)
def seed():
    tsjit.manual_seed(0)


@pytest.mark.parametrize("bias, affine", [(True, True), (False, True), (True, False)])
def test_conv2d_batchnorm2d(bias, affine):
    model = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1, bias=bias), randomise_bn(nn.BatchNorm2d(8, affine=affine)),
                          nn.ReLU()).eval()
    after = assert_preserved(lambda x: model(x), [tsjit.randn(2, 3, 10, 10)], fold_conv_bn)
    assert after == ["ts.conv2d", "ts.relu"]


def test_conv1d_batchnorm1d():
    model = nn.Sequential(nn.Conv1d(4, 6, 3), randomise_bn(nn.BatchNorm1d(6))).eval()
    assert assert_preserved(lambda x: model(x), [tsjit.randn(2, 4, 9)], fold_conv_bn) == ["ts.conv1d"]


def test_conv_with_two_uses_is_not_folded():
    conv, bn = nn.Conv2d(3, 4, 3), randomise_bn(nn.BatchNorm2d(4)).eval()

    def fn(x):
        y = conv(x)
        return bn(y) + y

    after = assert_preserved(fn, [tsjit.randn(2, 3, 6, 6)], optimize_frozen_graph)
    assert after == ["ts.conv2d", "ts.batch_norm", "ts.add"]


def test_add_sub_mul_div_chain_folds_into_a_lone_conv():
    conv = nn.Conv2d(3, 4, 3)
    scale, shift = tsjit.randn(1, 4, 1, 1), tsjit.randn(1, 4, 1, 1)
    fn = lambda x: ((conv(x) * scale + shift) / 2.0) - 1  # noqa: E731
    assert assert_preserved(fn, [tsjit.randn(2, 3, 8, 8)], optimize_frozen_graph) == ["ts.conv2d"]


@pytest.mark.parametrize("shape, folds", [
    ((1, 4, 1, 1), True), ((1, 1), True), ((), True), ((4, 1, 1), False), ((4,), False), ((1, 4), False),
])  # fmt: skip
def test_broadcast_condition(shape, folds):
    """TorchScript's left-aligned check: (C,1,1) and (C,) stay although they broadcast per channel."""
    conv = nn.Conv2d(3, 4, 3)
    other = tsjit.randn(*shape)
    fn = lambda x: conv(x) + other  # noqa: E731
    after = assert_preserved(fn, [tsjit.randn(2, 3, 6, 6)], fold_conv_add_sub)  # output width C: (1, C) broadcasts
    assert after == (["ts.conv2d"] if folds else ["ts.conv2d", "ts.add"])


def test_int_operand_folds_and_scalar_alpha():
    conv = nn.Conv2d(3, 4, 3)
    other = tsjit.tensor([[[[1]], [[2]], [[3]], [[4]]]])  # int64, (1, C, 1, 1)
    fn = lambda x: tsjit.sub(tsjit.add(conv(x), other, alpha=2), 0.5, alpha=3)  # noqa: E731
    assert assert_preserved(fn, [tsjit.randn(2, 3, 6, 6)], optimize_frozen_graph) == ["ts.conv2d"]


def test_shape_changing_operand_is_kept():
    conv = nn.Conv2d(3, 4, 3)
    other = tsjit.randn(4, 1, 4)  # broadcasts the (N, 4, 4, 4) output, not per channel
    after = assert_preserved(lambda x: conv(x) * other, [tsjit.randn(2, 3, 6, 6)], optimize_frozen_graph)
    assert after == ["ts.conv2d", "ts.mul"]


def test_linear_batchnorm1d():
    model = nn.Sequential(nn.Linear(6, 5), randomise_bn(nn.BatchNorm1d(5)), nn.ReLU()).eval()
    after = assert_preserved(lambda x: model(x), [tsjit.randn(7, 6)], fold_linear_bn)
    assert after == ["ts.linear", "ts.relu"]


def test_linear_used_twice_keeps_the_other_use():
    linear, bn = nn.Linear(6, 5), randomise_bn(nn.BatchNorm1d(5)).eval()

    def fn(x):
        y = linear(x)
        return bn(y) * y

    after = assert_preserved(fn, [tsjit.randn(7, 6)], fold_linear_bn)
    assert after.count("ts.linear") == 2 and "ts.batch_norm" not in after


def test_dropout_in_eval_mode_is_removed():
    model = nn.Sequential(nn.Linear(6, 5), nn.Dropout(0.5), nn.ReLU(), nn.Dropout(0.2)).eval()
    after = assert_preserved(lambda x: model(x), [tsjit.randn(3, 6)], remove_dropout)
    assert after == ["ts.linear", "ts.relu"]


def test_dropout_in_training_mode_is_kept():
    model = nn.Sequential(nn.Linear(6, 5), nn.Dropout(0.5)).train()
    module, name = traced(lambda x: model(x), tsjit.randn(3, 6))
    optimize_frozen_graph(module)
    assert kinds(module, name) == ["ts.linear", "ts.dropout"]


def test_cnn_end_to_end():
    model = nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), randomise_bn(nn.BatchNorm2d(8)), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 8, 3, padding=1, bias=False), randomise_bn(nn.BatchNorm2d(8)), nn.ReLU(),
        nn.Flatten(), nn.Dropout(), nn.Linear(8 * 4 * 4, 16), randomise_bn(nn.BatchNorm1d(16)), nn.Linear(16, 3),
    ).eval()
    after = assert_preserved(lambda x: model(x), [tsjit.randn(4, 3, 8, 8)], optimize_frozen_graph)
    assert after == ["ts.conv2d", "ts.relu", "ts.max_pool2d", "ts.conv2d", "ts.relu", "ts.flatten", "ts.linear",
                     "ts.linear"]


# -- PyTorch's torch.jit.freeze on the same models -------------------------------------------------
def _torch_kinds(torch, module) -> list[str]:
    frozen = torch.jit.freeze(torch.jit.script(module.eval()))
    return [n.kind().replace("aten::", "ts.") for n in frozen.graph.nodes() if n.kind() != "prim::Constant"]


def test_same_folds_as_torch_jit_freeze():
    torch = pytest.importorskip("torch")

    def chain(lib, shape):
        class Chain(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = lib.nn.Conv2d(3, 4, 3)
                self.bn = lib.nn.BatchNorm2d(4)
                self.register_buffer("other", lib.ones(shape))

            def forward(self, x):
                return ((self.bn(self.conv(x)) * self.other + 2.0) / 2.0) - self.other

        return Chain()

    for shape in [(1, 4, 1, 1), (4, 1, 1), (1, 1)]:
        theirs = _torch_kinds(torch, chain(torch, shape))
        model = chain(tsjit, shape).eval()
        module, name = traced(lambda x: model(x), tsjit.randn(2, 3, 6, 6))
        optimize_frozen_graph(module)
        assert kinds(module, name) == theirs, shape
