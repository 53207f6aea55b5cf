"""Each layer's forward against an independent numpy formula on tiny inputs."""
import math

import numpy as np
import pytest

import tsjit
import tsjit.nn as nn
import tsjit.nn.functional as F

RNG = np.random.default_rng(0)


def t(a):
    return tsjit.tensor(np.asarray(a, dtype=np.float32))


def rand(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def conv2d_loop(x, w, b, stride, padding, dilation, groups):
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding[0],) * 2, (padding[1],) * 2))
    oh = (h + 2 * padding[0] - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (wd + 2 * padding[1] - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    out = np.zeros((n, o, oh, ow), np.float64)
    per_group = o // groups
    for bi in range(n):
        for oc in range(o):
            g = oc // per_group
            for i in range(oh):
                for j in range(ow):
                    acc = 0.0 if b is None else float(b[oc])
                    for ic in range(cg):
                        for p in range(kh):
                            for q in range(kw):
                                acc += (xp[bi, g * cg + ic, i * stride[0] + p * dilation[0],
                                           j * stride[1] + q * dilation[1]] * w[oc, ic, p, q])
                    out[bi, oc, i, j] = acc
    return out


def test_linear():
    lin = nn.Linear(3, 2)
    x = rand(4, 3)
    expect = x @ lin.weight.numpy().T + lin.bias.numpy()
    np.testing.assert_allclose(lin(t(x)).numpy(), expect, rtol=1e-5, atol=1e-6)
    assert nn.Identity(1, k=2)(t(x)).numpy() is not None


@pytest.mark.parametrize("kw", [
    dict(),
    dict(stride=2, padding=1),
    dict(padding=(1, 0), dilation=(1, 2), groups=2, bias=False),
])
def test_conv2d_against_loop(kw):
    conv = nn.Conv2d(2, 4, 3, **kw)
    x = rand(2, 2, 6, 7)
    b = None if conv.bias is None else conv.bias.numpy()
    expect = conv2d_loop(x, conv.weight.numpy(), b, conv.stride, conv.padding, conv.dilation, conv.groups)
    np.testing.assert_allclose(conv(t(x)).numpy(), expect, rtol=1e-4, atol=1e-5)


def test_conv2d_same_padding_and_conv1d():
    conv = nn.Conv2d(1, 1, (3, 2), padding="same", bias=False)
    x = rand(1, 1, 5, 5)
    assert tuple(conv(t(x)).shape) == (1, 1, 5, 5)
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (0, 1)))
    expect = conv2d_loop(xp, conv.weight.numpy(), None, (1, 1), (0, 0), (1, 1), 1)
    np.testing.assert_allclose(conv(t(x)).numpy(), expect, rtol=1e-4, atol=1e-5)
    c1 = nn.Conv1d(2, 3, 2, stride=2)
    x1 = rand(1, 2, 6)
    expect1 = conv2d_loop(x1[:, :, None, :], c1.weight.numpy()[:, :, None, :], c1.bias.numpy(),
                          (1, 2), (0, 0), (1, 1), 1)[:, :, 0, :]
    np.testing.assert_allclose(c1(t(x1)).numpy(), expect1, rtol=1e-4, atol=1e-5)


def test_batchnorm_train_updates_running_stats_then_eval_uses_them():
    bn = nn.BatchNorm2d(3, momentum=0.2)
    bn.weight.copy_(t([1.0, 2.0, 0.5]))
    bn.bias.copy_(t([0.0, 1.0, -1.0]))
    x = rand(4, 3, 2, 2)
    out = bn(t(x)).numpy()
    mean = x.mean(axis=(0, 2, 3))
    var = x.var(axis=(0, 2, 3))
    shape = (1, 3, 1, 1)
    expect = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + 1e-5) * np.array(
        [1, 2, 0.5]).reshape(shape) + np.array([0, 1, -1]).reshape(shape)
    np.testing.assert_allclose(out, expect, rtol=1e-4, atol=1e-5)
    n = x.size / 3
    np.testing.assert_allclose(bn.running_mean.numpy(), 0.2 * mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(bn.running_var.numpy(), 0.8 + 0.2 * var * n / (n - 1), rtol=1e-5)
    assert int(bn.num_batches_tracked.item()) == 1
    bn.eval()
    y = rand(2, 3, 2, 2)
    rm, rv = bn.running_mean.numpy().reshape(shape), bn.running_var.numpy().reshape(shape)
    expect = (y - rm) / np.sqrt(rv + 1e-5) * np.array([1, 2, 0.5]).reshape(shape) + np.array(
        [0, 1, -1]).reshape(shape)
    np.testing.assert_allclose(bn(t(y)).numpy(), expect, rtol=1e-4, atol=1e-5)
    assert int(bn.num_batches_tracked.item()) == 1


def test_batchnorm_cumulative_average_and_errors():
    bn = nn.BatchNorm1d(2, momentum=None, affine=False)
    a, b = rand(5, 2), rand(5, 2)
    bn(t(a))
    bn(t(b))
    np.testing.assert_allclose(bn.running_mean.numpy(), (a.mean(0) + b.mean(0)) / 2 * 1.0 + 0.0,
                               rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match=r"expected 2D or 3D input \(got 4D input\)"):
        bn(t(rand(1, 2, 1, 1)))
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        bn(t(rand(1, 2)))
    no_stats = nn.BatchNorm1d(2, track_running_stats=False)
    assert no_stats.running_mean is None and no_stats.num_batches_tracked is None
    no_stats.eval()
    x = rand(6, 2)
    np.testing.assert_allclose(no_stats(t(x)).numpy(), (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5),
                               rtol=1e-4, atol=1e-5)
    assert nn.BatchNorm2d(2).num_batches_tracked.dtype == tsjit.int64


def test_layer_norm_and_group_norm():
    ln = nn.LayerNorm([2, 3])
    ln.weight.copy_(t(rand(2, 3)))
    ln.bias.copy_(t(rand(2, 3)))
    x = rand(4, 2, 3)
    mean = x.mean(axis=(1, 2), keepdims=True)
    var = x.var(axis=(1, 2), keepdims=True)
    expect = (x - mean) / np.sqrt(var + 1e-5) * ln.weight.numpy() + ln.bias.numpy()
    np.testing.assert_allclose(ln(t(x)).numpy(), expect, rtol=1e-4, atol=1e-5)
    gn = nn.GroupNorm(2, 4)
    y = rand(2, 4, 3)
    g = y.reshape(2, 2, 6)
    expect = ((g - g.mean(-1, keepdims=True)) / np.sqrt(g.var(-1, keepdims=True) + 1e-5)).reshape(2, 4, 3)
    np.testing.assert_allclose(gn(t(y)).numpy(), expect, rtol=1e-4, atol=1e-5)


def _gelu(x):
    return 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))


ACTIVATIONS = [
    (nn.ReLU(), lambda x: np.maximum(x, 0)),
    (nn.ReLU6(), lambda x: np.clip(x, 0, 6)),
    (nn.GELU(), _gelu),
    (nn.GELU("tanh"), lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))),
    (nn.Sigmoid(), lambda x: 1 / (1 + np.exp(-x))),
    (nn.Tanh(), np.tanh),
    (nn.SiLU(), lambda x: x / (1 + np.exp(-x))),
    (nn.ELU(0.5), lambda x: np.where(x > 0, x, 0.5 * (np.exp(x) - 1))),
    (nn.LeakyReLU(0.2), lambda x: np.where(x > 0, x, 0.2 * x)),
    (nn.Hardtanh(-0.5, 0.5), lambda x: np.clip(x, -0.5, 0.5)),
    (nn.Softplus(2.0), lambda x: np.log1p(np.exp(2 * x)) / 2),
    (nn.Threshold(0.1, 20.0), lambda x: np.where(x > 0.1, x, 20.0)),
    (nn.Softmax(dim=1), lambda x: np.exp(x) / np.exp(x).sum(1, keepdims=True)),
    (nn.LogSoftmax(dim=-1), lambda x: x - np.log(np.exp(x).sum(-1, keepdims=True))),
]


@pytest.mark.parametrize("module,formula", ACTIVATIONS, ids=[repr(m) for m, _ in ACTIVATIONS])
def test_activations(module, formula):
    x = rand(3, 4) * 3
    np.testing.assert_allclose(module(t(x)).numpy(), formula(x.astype(np.float64)), rtol=1e-4, atol=1e-5)


def test_inplace_activation_writes_its_input():
    x = t([-1.0, 2.0])
    assert nn.ReLU(inplace=True)(x) is x
    np.testing.assert_array_equal(x.numpy(), [0.0, 2.0])
    y = t([-1.0, 2.0])
    F.leaky_relu(y, 0.5, inplace=True)
    np.testing.assert_array_equal(y.numpy(), [-0.5, 2.0])


def test_softmax_implicit_dim_warns():
    x = rand(2, 3)
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        out = F.softmax(t(x))
    np.testing.assert_allclose(out.numpy(), np.exp(x) / np.exp(x).sum(1, keepdims=True), rtol=1e-5)


def test_max_and_avg_pool():
    x = rand(1, 2, 5, 5)
    out = nn.MaxPool2d(2)(t(x)).numpy()
    expect = x[:, :, :4, :4].reshape(1, 2, 2, 2, 2, 2).max(axis=(3, 5))
    np.testing.assert_array_equal(out, expect)
    out = nn.MaxPool2d(3, stride=2, padding=1)(t(x)).numpy()
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)), constant_values=-np.inf)
    expect = np.array([[[[xp[0, c, 2 * i:2 * i + 3, 2 * j:2 * j + 3].max() for j in range(3)]
                         for i in range(3)] for c in range(2)]])
    np.testing.assert_array_equal(out, expect)
    out = nn.AvgPool2d(2, stride=1)(t(x)).numpy()
    expect = (x[:, :, :-1, :-1] + x[:, :, 1:, :-1] + x[:, :, :-1, 1:] + x[:, :, 1:, 1:]) / 4
    np.testing.assert_allclose(out, expect, rtol=1e-5, atol=1e-6)
    out = nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=True)(t(x)).numpy()
    xz = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    expect = np.array([[[[xz[0, c, 2 * i:2 * i + 3, 2 * j:2 * j + 3].mean() for j in range(3)]
                         for i in range(3)] for c in range(2)]])
    np.testing.assert_allclose(out, expect, rtol=1e-5, atol=1e-6)


def test_adaptive_pools():
    x = rand(2, 3, 4, 6)
    np.testing.assert_allclose(nn.AdaptiveAvgPool2d(1)(t(x)).numpy(), x.mean(axis=(2, 3), keepdims=True),
                               rtol=1e-5, atol=1e-6)
    out = nn.AdaptiveAvgPool2d((2, None))(t(x)).numpy()
    np.testing.assert_allclose(out, x.reshape(2, 3, 2, 2, 6).mean(axis=3), rtol=1e-5, atol=1e-6)
    out = nn.AdaptiveMaxPool2d((2, 3))(t(x)).numpy()
    np.testing.assert_array_equal(out, x.reshape(2, 3, 2, 2, 3, 2).max(axis=(3, 5)))


def test_flatten_dropout_embedding():
    x = rand(2, 3, 4)
    assert tuple(nn.Flatten()(t(x)).shape) == (2, 12)
    assert tuple(nn.Flatten(0, 1)(t(x)).shape) == (6, 4)
    drop = nn.Dropout(0.5)
    ones = tsjit.ones(1000)
    tsjit.manual_seed(0)
    kept = drop(ones).numpy()
    assert set(np.unique(kept)) <= {0.0, 2.0} and 300 < (kept == 0).sum() < 700
    drop.eval()
    np.testing.assert_array_equal(drop(ones).numpy(), np.ones(1000))
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got 1.5"):
        nn.Dropout(1.5)
    emb = nn.Embedding(5, 3, padding_idx=1)
    np.testing.assert_array_equal(emb.weight.numpy()[1], np.zeros(3))
    idx = tsjit.tensor(np.array([[0, 4], [1, 1]]))
    np.testing.assert_array_equal(emb(idx).numpy(), emb.weight.numpy()[[[0, 4], [1, 1]]])
    assert nn.Embedding(5, 3, padding_idx=-1).padding_idx == 4


def test_functional_extras():
    x = rand(3, 4)
    np.testing.assert_allclose(F.normalize(t(x)).numpy(), x / np.linalg.norm(x, axis=1, keepdims=True),
                               rtol=1e-5)
    np.testing.assert_allclose(F.pad(t(x), [1, 2]).numpy(), np.pad(x, ((0, 0), (1, 2))))
    y = rand(3, 4)
    np.testing.assert_allclose(F.mse_loss(t(x), t(y)).numpy(), ((x - y) ** 2).mean(), rtol=1e-5)
    target = np.array([1, 0, 3])
    logp = x - np.log(np.exp(x).sum(1, keepdims=True))
    ce = F.cross_entropy(t(x), tsjit.tensor(target))
    np.testing.assert_allclose(ce.numpy(), -logp[np.arange(3), target].mean(), rtol=1e-5)
    w = np.array([1.0, 2.0, 0.5, 3.0], np.float32)
    nll = F.nll_loss(t(logp), tsjit.tensor(np.array([1, -100, 3])), weight=t(w))
    expect = -(logp[0, 1] * 2.0 + logp[2, 3] * 3.0) / 5.0
    np.testing.assert_allclose(nll.numpy(), expect, rtol=1e-5)
    assert F.flatten is tsjit.flatten
