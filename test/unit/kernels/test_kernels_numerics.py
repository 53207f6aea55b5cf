"""Kernel numerics against formulas written out here with plain numpy and math."""
from __future__ import annotations

import math

import numpy as np
import pytest

from tsjit.ops import KERNELS as K

rng = np.random.default_rng(1)
X = rng.standard_normal((3, 4)).astype(np.float32)
X64 = X.astype(np.float64)


def close(got, want, tol=1e-5):
    assert type(got) is np.ndarray
    np.testing.assert_allclose(np.asarray(got, np.float64), want, rtol=tol, atol=tol)


def test_binary_arithmetic():
    y = rng.standard_normal(4).astype(np.float32)
    close(K["add"](X, y, 2), X64 + 2 * y)
    close(K["sub"](X, y, 3), X64 - 3 * y)
    close(K["rsub"](X, 2.0, 1), 2.0 - X64)
    close(K["div"](X, 4), X64 / 4)
    assert K["floor_divide"](np.array([-7, 7]), 2).tolist() == [-4, 3]
    assert K["remainder"](np.array([-7, 7]), 3).tolist() == [2, 1]
    assert K["remainder"](np.array([7.5]), -2.0).tolist() == [-0.5]  # takes the divisor's sign
    assert K["pow"](np.array([2, -1, 1, 3]), np.array([-1, -3, -2, 2])).tolist() == [0, -1, 1, 9]
    close(K["lerp"](X, np.zeros_like(X), 0.25), X64 * 0.75)


def test_unary_and_rounding():
    x = np.array([-2.5, -0.5, 0.5, 1.5, 2.5, 3.7], np.float32)
    assert K["round"](x).tolist() == [-2.0, -0.0, 0.0, 2.0, 2.0, 4.0]  # half to even
    assert K["sign"](x).tolist() == [-1, -1, 1, 1, 1, 1]
    assert K["trunc"](x).tolist() == [-2, -0.0, 0, 1, 2, 3]
    close(K["rsqrt"](np.array([4.0, 16.0], np.float32)), [0.5, 0.25])
    close(K["erf"](x), [math.erf(v) for v in x.astype(np.float64)], 1e-6)
    r = K["sum"](np.array([1.0, 2.0]), None, False, None)
    assert r.ndim == 0 and type(r) is np.ndarray


def test_erf_accuracy():
    from tsjit.kernels.erf import erf
    grid = np.linspace(-7, 7, 20001)
    assert np.max(np.abs(erf(grid) - [math.erf(v) for v in grid])) <= 1e-7
    assert erf(np.array([np.inf, -np.inf])).tolist() == [1.0, -1.0] and np.isnan(erf(np.array([np.nan])))[0]


def test_activations():
    sig = 1 / (1 + np.exp(-X64))
    close(K["sigmoid"](X), sig)
    close(K["silu"](X), X64 * sig)
    close(K["gelu"](X, "none"), [[0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in row] for row in X64], 1e-6)
    close(K["gelu"](X, "tanh"), 0.5 * X64 * (1 + np.tanh(math.sqrt(2 / math.pi) * (X64 + 0.044715 * X64 ** 3))))
    close(K["elu"](X, 2.0, 1.0, 1.0), np.where(X64 > 0, X64, 2 * (np.exp(X64) - 1)))
    close(K["softplus"](X, 1.0, 20.0), np.log(1 + np.exp(X64)))
    close(K["mish"](X), X64 * np.tanh(np.log(1 + np.exp(X64))))
    close(K["hardswish"](X), X64 * np.clip(X64 + 3, 0, 6) / 6)
    close(K["leaky_relu"](X, 0.1), np.where(X64 > 0, X64, 0.1 * X64))
    close(K["relu6"](X * 10), np.clip(X64 * 10, 0, 6))
    e = np.exp(X64 - X64.max(axis=1, keepdims=True))
    close(K["softmax"](X, 1, None), e / e.sum(axis=1, keepdims=True))
    close(K["log_softmax"](X, -1, None), np.log(e / e.sum(axis=1, keepdims=True)))
    big = np.array([1000.0, 0.0], np.float32)  # numerically stable: no overflow
    close(K["softmax"](big, 0, None), [1.0, 0.0])


def test_reductions():
    close(K["mean"](X, [1], True, None), X64.mean(axis=1, keepdims=True))
    close(K["var"](X, [1], None, False), X64.var(axis=1, ddof=1))
    close(K["std"](X, None, 0, False), X64.std())
    close(K["norm"](X, 2, [0], False), np.sqrt((X64 ** 2).sum(axis=0)))
    close(K["logsumexp"](X, [1], False), np.log(np.exp(X64).sum(axis=1)))
    values, idx = K["max_dim"](X, 1, False)
    assert idx.dtype == np.int64 and idx.tolist() == X.argmax(axis=1).tolist()
    close(values, X64.max(axis=1))
    m = K["max"](X)
    assert m.shape == () and m == X.max()
    assert K["any"](np.array([[0, 1], [0, 0]]), 1, True).tolist() == [[True], [False]]


def _conv_reference(x, w, b, stride, pad, dil, groups):
    """Direct convolution by summing over output positions."""
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad[0], pad[0]), (pad[1], pad[1])))
    oh = (h + 2 * pad[0] - dil[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (wd + 2 * pad[1] - dil[1] * (kw - 1) - 1) // stride[1] + 1
    out = np.zeros((n, o, oh, ow))
    for oc in range(o):
        g = oc // (o // groups)
        for i in range(oh):
            for j in range(ow):
                patch = xp[:, g * cg:(g + 1) * cg, i * stride[0]:i * stride[0] + dil[0] * (kh - 1) + 1:dil[0],
                           j * stride[1]:j * stride[1] + dil[1] * (kw - 1) + 1:dil[1]]
                out[:, oc, i, j] = (patch * w[oc]).sum(axis=(1, 2, 3)) + (b[oc] if b is not None else 0)
    return out


@pytest.mark.parametrize("stride, pad, dil, groups", [((1, 1), (0, 0), (1, 1), 1), ((2, 1), (1, 2), (1, 2), 2)])
def test_conv2d_matches_direct_sum(stride, pad, dil, groups):
    x = rng.standard_normal((2, 4, 7, 8)).astype(np.float32)
    w = rng.standard_normal((6, 4 // groups, 3, 2)).astype(np.float32)
    b = rng.standard_normal(6).astype(np.float32)
    got = K["conv2d"](x, w, b, list(stride), list(pad), list(dil), groups)
    assert got.dtype == np.float32 and got.flags.c_contiguous
    close(got, _conv_reference(x.astype(np.float64), w.astype(np.float64), b, stride, pad, dil, groups), 1e-4)


def test_conv_transpose2d_inverts_the_shape_of_conv():
    x = rng.standard_normal((1, 2, 3, 3)).astype(np.float32)
    w = rng.standard_normal((2, 1, 2, 2)).astype(np.float32)
    got = K["conv_transpose2d"](x, w, None, [2], [0], [0], 1, [1])
    want = np.zeros((1, 1, 6, 6))
    for c in range(2):
        for i in range(3):
            for j in range(3):
                want[0, 0, 2 * i:2 * i + 2, 2 * j:2 * j + 2] += x[0, c, i, j] * w[c, 0]
    close(got, want)


def test_pooling():
    x = rng.standard_normal((1, 1, 5, 5)).astype(np.float32)
    got = K["max_pool2d"](x, [2], [2], [0], [1], True)  # ceil_mode keeps the partial last window
    assert got.shape == (1, 1, 3, 3) and got[0, 0, 2, 2] == x[0, 0, 4, 4]
    assert got[0, 0, 0, 1] == x[0, 0, 0:2, 2:4].max()
    avg = K["avg_pool2d"](x, [3], [2], [1], False, False, None)
    assert math.isclose(avg[0, 0, 0, 0], x[0, 0, 0:2, 0:2].mean(), rel_tol=1e-6)  # padding not counted
    avg = K["avg_pool2d"](x, [3], [2], [1], False, True, None)
    assert math.isclose(avg[0, 0, 0, 0], x[0, 0, 0:2, 0:2].sum() / 9, rel_tol=1e-6)
    ad = K["adaptive_avg_pool2d"](x, [2, 3])  # bins [0,3) [2,5) x [0,2) [1,4) [3,5)
    assert math.isclose(ad[0, 0, 1, 1], x[0, 0, 2:5, 1:4].mean(), rel_tol=1e-6)
    values, idx = K["adaptive_max_pool2d"](x, [1, 1])
    assert values[0, 0, 0, 0] == x.max() and idx[0, 0, 0, 0] == x.argmax()


def test_batch_norm_training_updates_running_stats_in_place():
    x = rng.standard_normal((8, 3, 4)).astype(np.float32)
    rm, rv = np.zeros(3, np.float32), np.ones(3, np.float32)
    rm_id = id(rm)
    out = K["batch_norm"](x, None, None, rm, rv, True, 0.1, 1e-5, False)
    x64 = x.astype(np.float64)
    mean, var = x64.mean(axis=(0, 2)), x64.var(axis=(0, 2))
    close(out, (x64 - mean[None, :, None]) / np.sqrt(var[None, :, None] + 1e-5), 1e-4)
    assert id(rm) == rm_id
    close(rm, 0.1 * mean)
    close(rv, 0.9 + 0.1 * x64.var(axis=(0, 2), ddof=1))  # the unbiased variance
    out = K["batch_norm"](x, np.full(3, 2, np.float32), None, rm, rv, False, 0.1, 1e-5, False)
    close(out, 2 * (x64 - rm[None, :, None]) / np.sqrt(rv[None, :, None] + 1e-5), 1e-4)


def test_layer_and_group_norm():
    x = rng.standard_normal((2, 6, 5)).astype(np.float32).astype(np.float64)
    norm = (x - x.mean(axis=-1, keepdims=True)) / np.sqrt(x.var(axis=-1, keepdims=True) + 1e-5)
    close(K["layer_norm"](x.astype(np.float32), [5], None, None, 1e-5, False), norm, 1e-4)
    g = x.reshape(2, 3, 10)
    gn = ((g - g.mean(axis=-1, keepdims=True)) / np.sqrt(g.var(axis=-1, keepdims=True) + 1e-5)).reshape(x.shape)
    close(K["group_norm"](x.astype(np.float32), 3, None, None, 1e-5, False), gn, 1e-4)


def test_contractions():
    a, b = rng.standard_normal((2, 3)), rng.standard_normal((3, 4))
    close(K["matmul"](a, b), [[sum(a[i, k] * b[k, j] for k in range(3)) for j in range(4)] for i in range(2)])
    w, bias = rng.standard_normal((5, 3)), rng.standard_normal(5)
    close(K["linear"](a, w, bias), a @ w.T + bias)
    close(K["addmm"](bias[:4], a, b, 0.5, 2.0), 0.5 * bias[:4] + 2 * (a @ b))
    d = K["dot"](a[0], a[1])
    assert d.shape == () and math.isclose(float(d), float((a[0] * a[1]).sum()))


def test_creation():
    assert K["arange"](0, 5, 2, None).tolist() == [0, 2, 4] and K["arange"](0, 5, 2, None).dtype == np.int64
    assert K["arange"](0, 1, 0.25, None).dtype == np.float32
    assert K["linspace"](0, 1, 5, None).tolist() == [0, 0.25, 0.5, 0.75, 1]
    assert K["full"]([2], 3, None).dtype == np.int64 and K["full"]([2], 3.0, None).dtype == np.float32
    assert K["zeros"]([2, 3], None).dtype == np.float32 and K["eye"](2, 4).tolist() == [[1, 0], [0, 1]]
    assert K["ones_like"](np.zeros(2, np.int32), None).dtype == np.int32
    for value, dtype in ((2, np.int64), (2.5, np.float64), (True, np.bool_)):
        t = K["num_to_tensor"](value)
        assert t.shape == () and t.dtype == dtype and t.item() == value


def test_random_is_seeded_and_dropout_scales():
    from tsjit.ops import random
    K["manual_seed"](3)
    a = K["rand"]([4], None)
    random.manual_seed(3)
    assert (K["rand"]([4], None) == a).all() and a.dtype == np.float32 and ((a >= 0) & (a < 1)).all()
    assert K["randint"](2, 5, [100], None).min() >= 2 and K["randn_like"](X, None).shape == X.shape
    x = np.ones(10000, np.float32)
    y = K["dropout"](x, 0.25, True)
    assert set(np.unique(y).tolist()) <= {0.0, np.float32(1 / 0.75)} and abs((y == 0).mean() - 0.25) < 0.03
    assert K["dropout"](x, 0.25, False) is x and not K["dropout"](x, 1.0, True).any()


def test_metadata():
    assert K["size"](X) == [3, 4] and K["size_dim"](X, -1) == 4 and K["dim"](X) == 2 and K["numel"](X) == 12
    assert K["dtype"](X) == 6 and K["device"](X) == "cpu"
    assert K["item"](np.array([[3]])) == 3 and type(K["item"](np.array([3.5]))) is float
    assert K["to_int"](np.array(2.9)) == 2 and K["to_bool"](np.array([0])) is False
