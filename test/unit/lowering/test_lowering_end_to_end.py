"""Every lowering stage gives the ts level's outputs, for the reference models (MLP, LeNet-style
CNN, ResNet basic block, the elementwise chains of bench/README.md)."""
import numpy as np
import pytest
from xdsl.dialects import func
from xdsl.dialects.builtin import MemRefType

import tsjit as torch
import tsjit.nn as nn
import tsjit.nn.functional as F
from tsjit.backends.numpy import Program
from tsjit.passes import apply_pass, tsjit_passes

STAGES = ["ts-to-linalg", "ts-fuse-elementwise", "ts-bufferize", "ts-lower-to-loops"]


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(16, 12), nn.Linear(12, 4)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(1, 3, 3), nn.Conv2d(3, 4, 3)
        self.fc = nn.Linear(4 * 2 * 2, 5)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(x.flatten(1))


class BasicBlock(nn.Module):
    def __init__(self, c=4):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(c, c, 3, padding=1, bias=False), nn.BatchNorm2d(c)
        self.conv2, self.bn2 = nn.Conv2d(c, c, 3, padding=1, bias=False), nn.BatchNorm2d(c)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(out)) + x)


class ReluSigmoid(nn.Module):
    def forward(self, x):
        return F.relu(x * 1.5 + 0.25) * torch.sigmoid(x)


class GeluTanh(nn.Module):
    def forward(self, x):
        return 0.5 * x * (1 + torch.tanh(0.7978845608 * (x + 0.044715 * x * x * x)))


MODELS = {"mlp": (MLP, (3, 16)), "lenet": (LeNet, (2, 1, 14, 14)), "resnet_block": (BasicBlock, (1, 4, 6, 6)),
          "relu_sigmoid": (ReluSigmoid, (4, 8)), "gelu_tanh": (GeluTanh, (4, 8))}


def run(module, inputs):
    """Call the one function left in `module` (the forward); memref out-parameters are allocated."""
    f = next(op for op in module.ops if isinstance(op, func.FuncOp) and op.body.blocks)
    args = [a.numpy() for a in inputs]
    types = f.function_type.inputs.data
    outs = [np.zeros(t.get_shape(), dtype=np.asarray(args[0]).dtype) for t in types[len(args):]
            if isinstance(t, MemRefType)]
    result = Program(module).call(f.sym_name.data, *args, *outs)
    return outs[0] if outs else result


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_stage_gives_the_ts_levels_outputs(name):
    missing = [s for s in ["ts-specialize", *STAGES] if s not in tsjit_passes()]
    if missing:
        pytest.fail(f"passes not registered yet: {missing}")
    cls, shape = MODELS[name]
    torch.manual_seed(0)
    model = cls().eval()
    x = torch.rand(*shape)
    module = torch.jit.specialize(torch.jit.freeze(torch.jit.script(model)), (x,))
    expected = model(x).numpy()
    np.testing.assert_allclose(run(module, [x]), expected, rtol=1e-4, atol=1e-5)
    for stage in STAGES:
        apply_pass(stage, module)
        module.verify()
        np.testing.assert_allclose(run(module, [x]), expected, rtol=1e-4, atol=1e-5, err_msg=stage)
