"""tsjit.compile of the same module again returns the earlier compilation only while nothing it
was made from changed: weights, attributes, input shapes, backend and fallback flag."""
import numpy as np
import pytest

import tsjit
import tsjit.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)
        self.scale = 2.0

    def forward(self, x):
        return self.fc(x) * self.scale


@pytest.fixture
def net():
    tsjit.manual_seed(0)
    return Net().eval()


def compiled(model, x, **kw):
    return tsjit.compile(model, backend="numpy", example_inputs=(x,), **kw)


def test_the_same_unchanged_model_is_compiled_once(net):
    x = tsjit.randn(2, 4)
    first = compiled(net, x)
    assert compiled(net, x) is first
    assert compiled(net, tsjit.randn(2, 4)) is first  # other values, same shape and dtype


@pytest.mark.parametrize("change", ["weight", "attribute", "shape", "fallback", "submodule"])
def test_any_change_compiles_again_and_the_result_follows_it(net, change):
    x = tsjit.randn(2, 4)
    first = compiled(net, x)
    kw = {}
    if change == "weight":
        with tsjit.no_grad():
            net.fc.weight[0, 0] = net.fc.weight[0, 0] + 1.0
    elif change == "attribute":
        net.scale = 3.0
    elif change == "shape":
        x = tsjit.randn(5, 4)
    elif change == "fallback":
        kw = {"fallback": False}
    else:
        net.fc = nn.Linear(4, 3)
    again = compiled(net, x, **kw)
    assert again is not first
    np.testing.assert_allclose(again(x).numpy(), net(x).numpy(), rtol=1e-5, atol=1e-6)


def test_a_module_with_hooks_is_not_remembered(net):
    net.register_forward_hook(lambda module, args, out: None)
    x = tsjit.randn(2, 4)
    assert compiled(net, x) is not compiled(net, x)
