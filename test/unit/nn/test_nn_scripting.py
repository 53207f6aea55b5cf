"""Every tsjit.nn module scripts, traces, freezes and compiles (numpy and C backends), giving its
eager outputs; the table must name every module class the package exports."""
import inspect

import numpy as np
import pytest

import tsjit as torch
import tsjit.nn as nn
from tsjit.backends.c import find_compiler

#: class name -> (constructor args, constructor kwargs, input shape)
MODULES = {
    "AdaptiveAvgPool2d": (((3, 2),), {}, (2, 3, 7, 5)),
    "AdaptiveMaxPool2d": (((3, 2),), {}, (2, 3, 7, 5)),
    "AvgPool2d": ((3, 2, 1), {"ceil_mode": True}, (1, 2, 7, 7)),
    "BatchNorm1d": ((3,), {}, (5, 3)),
    "BatchNorm2d": ((3,), {}, (2, 3, 4, 4)),
    "Conv1d": ((2, 4, 3), {"padding": 1}, (2, 2, 9)),
    "Conv2d": ((3, 4, 3), {"stride": 2}, (2, 3, 9, 8)),
    "Dropout": ((0.3,), {}, (3, 4)),
    "ELU": ((0.7,), {}, (3, 4)),
    "Embedding": ((7, 3), {"padding_idx": 2}, None),
    "Flatten": ((), {}, (2, 3, 4)),
    "GELU": (("tanh",), {}, (3, 4)),
    "GroupNorm": ((2, 6), {}, (2, 6, 3)),
    "Hardsigmoid": ((), {}, (3, 4)),
    "Hardswish": ((), {}, (3, 4)),
    "Hardtanh": ((-0.5, 2.0), {}, (3, 4)),
    "Identity": ((), {}, (2, 3)),
    "LayerNorm": (([3, 4],), {}, (2, 3, 4)),
    "LeakyReLU": ((0.1,), {}, (3, 4)),
    "Linear": ((3, 2), {}, (4, 3)),
    "LogSoftmax": ((1,), {}, (2, 3, 4)),
    "MaxPool1d": ((3, 2, 1), {}, (1, 2, 9)),
    "MaxPool2d": ((3, 2, 1), {"ceil_mode": True}, (2, 2, 7, 7)),
    "Mish": ((), {}, (3, 4)),
    "ReLU": ((), {}, (3, 4)),
    "ReLU6": ((), {}, (3, 4)),
    "SiLU": ((), {}, (3, 4)),
    "Sigmoid": ((), {}, (3, 4)),
    "Softmax": ((1,), {}, (2, 3, 4)),
    "Softplus": ((2.0, 1.0), {}, (3, 4)),
    "Softsign": ((), {}, (3, 4)),
    "Tanh": ((), {}, (3, 4)),
    "Tanhshrink": ((), {}, (3, 4)),
    "Threshold": ((0.2, -1.0), {}, (3, 4)),
}
CONTAINERS = {"Module", "ModuleDict", "ModuleList", "Sequential"}  # scripted through what they hold


def test_the_table_names_every_module():
    exported = {n for n, c in vars(nn).items() if inspect.isclass(c) and issubclass(c, nn.Module)}
    assert exported - CONTAINERS == set(MODULES)


def build(name):
    args, kwargs, shape = MODULES[name]
    torch.manual_seed(0)
    module = getattr(nn, name)(*args, **kwargs).eval()
    rng = np.random.default_rng(0)
    x = torch.tensor(rng.integers(0, 7, (2, 5))) if shape is None else \
        torch.tensor(rng.standard_normal(shape).astype(np.float32) * 2)
    return module, x


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_scripts_traces_freezes_and_compiles(name):
    module, x = build(name)
    expected = module(x).numpy()
    scripted = torch.jit.script(module)
    np.testing.assert_allclose(scripted(x).numpy(), expected, rtol=1e-5, atol=1e-6)
    traced = torch.jit.trace(module, (x,))
    np.testing.assert_allclose(traced(x).numpy(), expected, rtol=1e-5, atol=1e-6)
    frozen = torch.jit.freeze(scripted)
    np.testing.assert_allclose(frozen(x).numpy(), expected, rtol=1e-5, atol=1e-6)
    backends = ["numpy"] + (["c"] if find_compiler() is not None else [])
    for backend in backends:
        compiled = torch.compile(module, backend=backend, example_inputs=(x,))
        np.testing.assert_allclose(np.asarray(compiled(x.numpy())), expected, rtol=1e-5, atol=1e-5,
                                   err_msg=backend)


def test_adaptive_max_pool_returns_indices_when_asked():
    module, x = nn.AdaptiveMaxPool2d((2, 3), return_indices=True), torch.randn(1, 2, 5, 6)
    values, indices = torch.jit.script(module)(x)
    expect_values, expect_indices = module(x)
    np.testing.assert_array_equal(values.numpy(), expect_values.numpy())
    np.testing.assert_array_equal(indices.numpy(), expect_indices.numpy())
