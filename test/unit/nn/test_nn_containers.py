"""Sequential, ModuleList and ModuleDict behave like Python containers of registered modules."""
from collections import OrderedDict

import numpy as np
import pytest

import tsjit
import tsjit.nn as nn


def test_sequential_indexing_slicing_and_forward():
    a, b, c = nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)
    seq = nn.Sequential(a, b, c)
    assert len(seq) == 3 and list(seq) == [a, b, c]
    assert seq[0] is a and seq[-1] is c
    sub = seq[1:]
    assert isinstance(sub, nn.Sequential) and list(sub) == [b, c] and list(sub._modules) == ["1", "2"]
    with pytest.raises(IndexError, match="index 3 is out of range"):
        seq[3]
    x = tsjit.tensor(np.arange(4, dtype=np.float32).reshape(2, 2))
    np.testing.assert_allclose(seq(x).numpy(), c(b(a(x))).numpy())
    assert seq.append(nn.Tanh()) is seq and len(seq) == 4
    seq[3] = nn.Sigmoid()
    assert isinstance(seq[3], nn.Sigmoid)
    del seq[0]
    assert list(seq._modules) == ["0", "1", "2"] and seq[0] is b
    seq.insert(0, a)
    assert seq[0] is a and len(seq) == 4


def test_sequential_from_ordered_dict():
    seq = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 2)), ("act", nn.ReLU())]))
    assert list(seq._modules) == ["fc", "act"] and isinstance(seq.act, nn.ReLU)
    assert [n for n, _ in seq.named_parameters()] == ["fc.weight", "fc.bias"]


def test_module_list():
    layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(2)])
    assert len(layers) == 2
    layers.append(nn.ReLU())
    layers.extend([nn.Tanh()])
    layers.insert(1, nn.Sigmoid())
    assert [type(m).__name__ for m in layers] == ["Linear", "Sigmoid", "Linear", "ReLU", "Tanh"]
    assert isinstance(layers[-1], nn.Tanh) and isinstance(layers[1:3], nn.ModuleList)
    assert [n for n, _ in layers.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    layers += [nn.Identity()]
    assert len(layers) == 6
    with pytest.raises(TypeError, match="ModuleList.extend should be called with an iterable"):
        layers.extend(3)


def test_module_dict():
    d = nn.ModuleDict({"a": nn.ReLU(), "b": nn.Linear(1, 1)})
    d["c"] = nn.Tanh()
    assert list(d.keys()) == ["a", "b", "c"] and list(d) == ["a", "b", "c"]
    assert [type(m).__name__ for m in d.values()] == ["ReLU", "Linear", "Tanh"]
    assert [k for k, _ in d.items()] == ["a", "b", "c"]
    assert "a" in d and "z" not in d and len(d) == 3
    assert isinstance(d["b"], nn.Linear)
    assert isinstance(d.pop("a"), nn.ReLU) and len(d) == 2
    d.update([("e", nn.Identity())])
    assert "e" in d
