"""Everyday idioms compile wholly to C: in-place activations after conv+BN (as torchvision writes
them), `view(x.size(0), -1)`, and tuple/list/dict results; in-place ops whose effect is visible
(an argument, a view) keep their meaning."""
from typing import Optional

import numpy as np
import pytest

import tsjit
import tsjit.nn as nn
import tsjit.nn.functional as F
from tsjit.backends.c import find_compiler

needs_cc = pytest.mark.skipif(find_compiler() is None, reason="no C compiler")


class TorchvisionStyle(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(8)
        self.relu = nn.ReLU(inplace=True)
        self.relu6 = nn.ReLU6(inplace=True)
        self.fc = nn.Linear(8 * 4 * 4, 10)

    def forward(self, x):
        y = self.relu(self.bn(self.conv(x)))
        y = F.relu(y, inplace=True)
        y = self.relu6(y)
        y = y.view(y.size(0), -1)
        logits = self.fc(y)
        return logits, [y.sum(), logits.mean()], {"features": y}


def model():
    tsjit.manual_seed(0)
    m = TorchvisionStyle().eval()
    m.bn.running_mean.copy_(tsjit.randn(8) * 0.1)
    m.bn.running_var.copy_(tsjit.rand(8) + 0.5)
    return m


def assert_same(got, expected):
    assert type(got) is type(expected)
    if isinstance(expected, tuple | list):
        assert len(got) == len(expected)
        for g, e in zip(got, expected):
            assert_same(g, e)
    elif isinstance(expected, dict):
        assert list(got) == list(expected)
        for k in expected:
            assert_same(got[k], expected[k])
    else:
        np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-4, atol=1e-5)


def test_freeze_folds_weights_read_before_an_inplace_activation():
    frozen = tsjit.jit.freeze(tsjit.jit.script(model()))
    text = str(frozen.graph)
    assert "ts.get_attr" not in text and "weight_fused_bn" in text


@pytest.mark.parametrize("backend", ["numpy", pytest.param("c", marks=needs_cc)])
def test_torchvision_style_model_compiles_whole_and_returns_its_containers(backend):
    m, x = model(), tsjit.randn(2, 3, 4, 4)
    compiled = tsjit.compile(m, backend=backend, example_inputs=(x,))
    assert compiled.backend == backend  # not numpy+c: nothing falls back
    assert_same(compiled(x), m(x))


def test_inplace_ops_with_visible_effects_keep_them():
    """Writing an argument or a view of a private tensor is not rewritten away."""

    def writes_argument(x):
        x.relu_()
        return x * 2

    def writes_through_a_view(x):
        y = x * 1.0
        v = y[0]
        v.relu_()
        return y

    def promotes(x):
        y = x * 2
        y.add_(x.double())  # stays float32 in place; out of place it would be float64
        return y

    for fn, x in [(writes_argument, tsjit.randn(3)), (writes_through_a_view, tsjit.randn(2, 3)),
                  (promotes, tsjit.randn(3))]:
        expected = fn(x.clone())
        for backend in ["numpy", "c"] if find_compiler() else ["numpy"]:
            given = x.clone()
            got = tsjit.compile(fn, backend=backend, example_inputs=(x,))(given)
            assert got.dtype == expected.dtype
            np.testing.assert_array_equal(got.numpy(), expected.numpy(), err_msg=f"{fn.__name__} {backend}")
            if fn is writes_argument:
                np.testing.assert_array_equal(given.numpy(), np.maximum(x.numpy(), 0))


@needs_cc
def test_a_fallback_is_reported_once_and_can_be_refused():
    def running_total(x):
        return tsjit.nonzero(x > -1e30).amax() * 0.0 + x * 2 + 1  # nonzero's size depends on values: numpy runs it

    x = tsjit.randn(3, 3)
    with pytest.warns(tsjit.compiler.FallbackWarning, match=r"2 op\(s\) run on numpy, not in C: ts.nonzero at "
                                                            r".*test_whole_c.py:\d+:\d+ \(its result's size depends") \
            as caught:
        compiled = tsjit.compile(running_total, backend="c", example_inputs=(x,))
    reports = [w for w in caught if w.category is tsjit.compiler.FallbackWarning]
    assert len(reports) == 1 and reports[0].filename == __file__
    assert compiled.backend == "numpy+c" and [name for name, _, _ in compiled.fallback] == ["ts.nonzero", "ts.amax"]
    assert "falls back to numpy for" in repr(compiled) and "ts.nonzero" in repr(compiled)
    np.testing.assert_allclose(compiled(x).numpy(), running_total(x).numpy(), rtol=1e-6)
    with pytest.raises(tsjit.compiler.FallbackError, match="ts.nonzero"):
        tsjit.compile(running_total, backend="c", example_inputs=(x,), fallback=False)
    whole = tsjit.compile(model(), backend="c", example_inputs=(tsjit.randn(2, 3, 4, 4),), fallback=False)
    assert whole.backend == "c" and whole.fallback == []


class PreNormBlock(nn.Module):
    """A transformer block as people write it: sizes from `x.shape`, heads by view/transpose."""

    def __init__(self, d=32, h=4):
        super().__init__()
        self.h = h
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.q, self.k, self.v, self.o = nn.Linear(d, d), nn.Linear(d, d), nn.Linear(d, d), nn.Linear(d, d)
        self.fc1, self.fc2 = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)

    def forward(self, x):
        b, t, d = x.shape
        y = self.ln1(x)
        q = self.q(y).view(b, t, self.h, d // self.h).transpose(1, 2)
        k = self.k(y).view(b, t, self.h, d // self.h).transpose(1, 2)
        v = self.v(y).view(b, t, self.h, d // self.h).transpose(1, 2)
        att = tsjit.softmax(q @ k.transpose(-2, -1) / (d // self.h) ** 0.5, dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(b, t, d)
        x = x + self.o(y)
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))


@needs_cc
def test_a_transformer_block_with_sizes_from_its_input_compiles_whole():
    tsjit.manual_seed(0)
    m, x = PreNormBlock().eval(), tsjit.randn(2, 8, 32)
    compiled = tsjit.compile(m, backend="c", example_inputs=(x,), fallback=False)
    np.testing.assert_allclose(compiled(x).numpy(), m(x).numpy(), rtol=1e-4, atol=1e-5)


@needs_cc
@pytest.mark.parametrize("shape", [(1, 5, 1), (1, 1, 5), (5, 1, 1), (2, 1, 3, 1), (1, 1)])
def test_select_keeps_the_other_unit_dims_in_c(shape):
    """Selecting one dim of a tensor with other unit dims keeps those dims (the C path used to
    drop them all and fail in ts-bufferize)."""
    x = tsjit.randn(*shape)
    for dim in range(len(shape)):
        def pick(a, dim: int = dim):
            return a.select(dim, 0) * 2

        compiled = tsjit.compile(pick, backend="c", example_inputs=(x,), fallback=False)
        np.testing.assert_array_equal(compiled(x).numpy(), pick(x).numpy())


def half_precision(x):
    return x.to(tsjit.float16) * 2


@needs_cc
def test_half_precision_runs_wholly_in_c():
    """f16 tensors are 16-bit in C, computed in float32 and rounded as PyTorch rounds each op."""
    x = tsjit.randn(5)
    compiled = tsjit.compile(tsjit.jit.script(half_precision), backend="c", example_inputs=[x], fallback=False)
    assert compiled.backend == "c" and compiled(x).dtype == tsjit.float16
    np.testing.assert_array_equal(compiled(x).numpy(), half_precision(x).numpy())


def _normalized(x, w: Optional[tsjit.Tensor] = None):
    return tsjit.nn.functional.layer_norm(x, [4], w)


def calls_a_helper(x, w):
    return _normalized(x, w) * 2


@needs_cc
def test_a_helper_inlined_into_the_entry_is_not_reported_as_falling_back():
    """Script keeps the helper's generic definition beside the entry it was inlined into; compile
    drops it instead of counting its shapeless ops as not lowering."""
    x, w = tsjit.randn(2, 4), tsjit.randn(4)
    compiled = tsjit.compile(tsjit.jit.script(calls_a_helper), backend="c", example_inputs=(x, w), fallback=False)
    np.testing.assert_allclose(compiled(x, w).numpy(), calls_a_helper(x, w).numpy(), rtol=1e-5, atol=1e-6)
