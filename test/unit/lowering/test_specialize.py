"""ts-specialize keeps results: the specialized function gives the same outputs on the numpy backend,
and every tensor type in it is static."""
from __future__ import annotations

import numpy as np
import pytest

import tsjit as torch
import tsjit.nn as nn
import tsjit.nn.functional as F
from tsjit.backends.numpy import Program
from tsjit.dialects.ts.types import TensorType
from tsjit.jit.module_ir import to_ir
from tsjit.jit.specialize import specialize
from tsjit.passes.specialize import SpecializeError


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(6, 8), nn.Linear(8, 3)

    def forward(self, x):
        return F.softmax(self.fc2(F.relu(self.fc1(x))), dim=-1)


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.fc = nn.Linear(4 * 4 * 4, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn(self.conv(x))), 2)
        x = x.view(x.size(0), -1)
        return F.log_softmax(self.fc(x), dim=1)


def _static_everywhere(module):
    for op in module.walk():
        for v in list(op.results) + [a for r in op.regions for b in r.blocks for a in b.args]:
            if isinstance(v.type, TensorType):
                assert v.type.has_static_shape and v.type.element_type is not None, (op.name, v.type)


def _forward(module):
    return next(op.sym_name.data for op in module.walk() if op.name == "func.func"
                and op.sym_name.data.endswith(".forward"))


@pytest.mark.parametrize("model,shape", [(MLP, (5, 6)), (CNN, (2, 1, 8, 8))])
def test_frozen_model_specializes_and_keeps_results(model, shape):
    frozen = torch.jit.freeze(torch.jit.script(model().eval()))
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    before = to_ir(frozen)
    after = specialize(frozen, [torch.from_numpy(x)])
    _static_everywhere(after)
    assert "ts.dim" not in str(after) and "ts.if" not in str(after)  # BatchNorm's rank check folded away
    expected = Program(before).call(_forward(before), None, x)
    assert [op.name for op in after.ops] == ["func.func"]  # a frozen forward needs no `self`: it stands alone
    got = Program(after).call(_forward(after), x)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_script_function_with_loop_and_branch():
    @torch.jit.script
    def f(x, y):
        acc = x
        for i in range(3):
            acc = torch.cat([acc, y], 0)
        if x.dim() == 2:
            out = acc.sum(1)
        else:
            out = acc.sum(0)
        return out * 2

    x, y = np.ones((2, 3), np.float32), np.full((1, 3), 2, np.float32)
    with pytest.warns(UserWarning, match=r"ts.loop at .*shape \[\?,3\] is not static"):
        module = specialize(f, [x, y])
    name = f._compiled.func_op.sym_name.data
    func = next(op for op in module.walk() if op.name == "func.func" and op.sym_name.data == name)
    loop = next(op for op in func.walk() if op.name == "ts.loop")
    assert str(loop.results[0].type) == "!ts.tensor<[?,3], f32>"  # the carried tensor grows
    np.testing.assert_allclose(Program(module).call(name, x, y), f(torch.from_numpy(x),
                               torch.from_numpy(y)).numpy())


def test_dtype_promotion_and_error():
    @torch.jit.script
    def g(a, b):
        return (a + b) > 0.5

    module = specialize(g, [np.ones((2, 1), np.int64), np.ones((3,), np.float32)])
    assert "-> !ts.tensor<[2,3], i1>" in str(module)

    @torch.jit.script
    def h(a, m):
        return a[m]

    assert "-> !ts.tensor<[?], f32>" in str(specialize(h, [np.ones((4,), np.float32), np.ones((4,), np.bool_)]))

    @torch.jit.script
    def k(a, m, i):
        return a[m, i]

    with pytest.raises(SpecializeError, match=r"ts.index at .*test_specialize.py.*boolean masks and other index"):
        specialize(k, [np.ones((4, 3), np.float32), np.ones((4,), np.bool_), np.zeros((2,), np.int64)])
