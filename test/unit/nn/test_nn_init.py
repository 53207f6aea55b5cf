"""nn.init fills in place from tsjit's generator; default layer initialisations have PyTorch's bounds."""
import math

import numpy as np
import pytest

import tsjit
import tsjit.nn as nn
from tsjit.nn import init


def test_fills_are_in_place_and_return_the_tensor():
    x = tsjit.empty(200, 50)
    assert init.uniform_(x, -2.0, 3.0) is x
    v = x.numpy()
    assert v.min() >= -2.0 and v.max() < 3.0 and abs(v.mean() - 0.5) < 0.1
    assert init.normal_(x, 1.0, 2.0) is x
    assert abs(x.numpy().mean() - 1.0) < 0.1 and abs(x.numpy().std() - 2.0) < 0.1
    assert init.constant_(x, 0.25) is x and np.all(x.numpy() == 0.25)
    assert init.ones_(x) is x and np.all(x.numpy() == 1)
    assert init.zeros_(x) is x and np.all(x.numpy() == 0)


def test_fans_gains_and_bounds():
    w = tsjit.empty(8, 4, 3, 3)
    assert init._calculate_fan_in_and_fan_out(w) == (36, 72)
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init._calculate_fan_in_and_fan_out(tsjit.empty(3))
    assert init.calculate_gain("relu") == math.sqrt(2.0)
    assert init.calculate_gain("tanh") == 5.0 / 3
    assert init.calculate_gain("leaky_relu", 0.2) == math.sqrt(2.0 / 1.04)
    with pytest.raises(ValueError, match="Unsupported nonlinearity foo"):
        init.calculate_gain("foo")
    bound = math.sqrt(6.0 / 36)
    init.kaiming_uniform_(w, nonlinearity="relu")
    assert np.abs(w.numpy()).max() <= bound and np.abs(w.numpy()).max() > 0.9 * bound
    init.kaiming_normal_(w, mode="fan_out")
    assert abs(w.numpy().std() - math.sqrt(2.0 / 1.0001) / math.sqrt(72)) < 0.03
    big = tsjit.empty(300, 200)
    init.xavier_uniform_(big)
    assert np.abs(big.numpy()).max() <= math.sqrt(6.0 / 500)
    init.xavier_normal_(big, gain=2.0)
    assert abs(big.numpy().std() - 2.0 * math.sqrt(2.0 / 500)) < 0.01


def test_default_layer_initialisation_bounds():
    lin = nn.Linear(50, 40)
    bound = 1 / math.sqrt(50)  # kaiming_uniform_(a=sqrt(5)) gives 1/sqrt(fan_in) too
    for p in (lin.weight, lin.bias):
        v = p.numpy()
        assert v.dtype == np.float32 and np.abs(v).max() <= bound and np.abs(v).max() > 0.8 * bound
    conv = nn.Conv2d(4, 6, 3)
    cbound = 1 / math.sqrt(36)
    assert np.abs(conv.weight.numpy()).max() <= cbound and np.abs(conv.bias.numpy()).max() <= cbound
    emb = nn.Embedding(100, 50)
    assert abs(emb.weight.numpy().std() - 1.0) < 0.05
    bn, ln = nn.BatchNorm2d(3), nn.LayerNorm(3)
    for m in (bn, ln):
        assert np.all(m.weight.numpy() == 1) and np.all(m.bias.numpy() == 0)
    assert np.all(bn.running_mean.numpy() == 0) and np.all(bn.running_var.numpy() == 1)


def test_manual_seed_makes_initialisation_reproducible():
    tsjit.manual_seed(123)
    a = nn.Linear(5, 5).weight.numpy().copy()
    tsjit.manual_seed(123)
    b = nn.Linear(5, 5).weight.numpy()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, nn.Linear(5, 5).weight.numpy())


def test_dtype_factory_argument():
    lin = nn.Linear(2, 2, dtype=tsjit.float64)
    assert lin.weight.dtype == tsjit.float64 and lin.bias.dtype == tsjit.float64
