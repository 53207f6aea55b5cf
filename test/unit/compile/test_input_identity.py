"""`a is b` between inputs, decided when compiling: torch's MultiheadAttention picks its code by
`query is key` / `key is value`, so the example inputs' identity pattern is compiled in (wholly
to C), recorded on the compiled model, and checked on each call; LazyCompiled and the compile
cache key on it."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import tsjit

torch = pytest.importorskip("torch")
nn = torch.nn


def _ts(x):
    return tsjit.from_numpy(x.numpy().copy())


def _import(model):
    from tsjit.frontend import from_torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return from_torch(model)


def _first(out):
    return out[0] if isinstance(out, tuple) else out


def _same_objects(inputs):
    """tsjit tensors for torch inputs, one per distinct torch tensor (x, x, x stays one object)."""
    made = {}
    return [made.setdefault(id(t), _ts(t)) for t in inputs]


def _check(model, inputs):
    """Imported in eval mode, compiled for C, against torch in eval mode."""
    compiled = tsjit.compile(_import(model.eval()), backend="c", example_inputs=_same_objects(inputs),
                             fallback=False)
    args = _same_objects(inputs)
    for i, a in enumerate(inputs):  # the pattern of the example inputs, in new objects
        args[i] = args[next(j for j, b in enumerate(inputs) if b is a)]
    with torch.no_grad():
        want = _first(model.eval()(*inputs))
    np.testing.assert_allclose(_first(compiled(*args)).numpy(), want.numpy(), atol=1e-5, rtol=1e-4)
    return compiled


@pytest.mark.parametrize("batch_first", [True, False])
@pytest.mark.parametrize("pattern", ["qqq", "qkk", "qkv"])
def test_multihead_attention_compiles_to_c_for_each_pattern(pattern, batch_first):
    torch.manual_seed(0)
    model = nn.MultiheadAttention(8, 2, batch_first=batch_first)
    q, k, v = (torch.randn(2, 5, 8) for _ in range(3))
    inputs = {"qqq": (q, q, q), "qkk": (q, k, k), "qkv": (q, k, v)}[pattern]
    _check(model, inputs)


@pytest.mark.parametrize("make,shapes", [
    (lambda: nn.TransformerEncoderLayer(8, 2, 16, batch_first=True), [(2, 5, 8)]),
    (lambda: nn.TransformerEncoderLayer(8, 2, 16, batch_first=True, norm_first=True), [(2, 5, 8)]),
    (lambda: nn.TransformerDecoderLayer(8, 2, 16, batch_first=True), [(2, 5, 8), (2, 4, 8)]),
    (lambda: nn.Transformer(8, 2, 1, 1, 16, batch_first=True), [(2, 5, 8), (2, 4, 8)]),
], ids=["encoder", "encoder-norm-first", "decoder", "transformer"])
def test_transformer_layers_compile_to_c(make, shapes):
    torch.manual_seed(0)
    _check(make(), [torch.randn(*s) for s in shapes])


def test_a_call_with_another_pattern_is_refused():
    torch.manual_seed(0)
    model = nn.MultiheadAttention(8, 2, batch_first=True).eval()
    x, k = _ts(torch.randn(2, 5, 8)), _ts(torch.randn(2, 5, 8))
    compiled = tsjit.compile(_import(model), backend="c", example_inputs=(x, x, x))
    compiled(x, x, x)
    with pytest.raises(ValueError, match="inputs 0 and 1 being the same tensor"):
        compiled(x, k, k)
    other = tsjit.compile(_import(model), backend="c", example_inputs=(x, k, k))
    with pytest.raises(ValueError, match="inputs 0 and 1 being different tensors"):
        other(x, x, x)


def test_lazy_compile_compiles_per_pattern():
    torch.manual_seed(0)
    model = nn.MultiheadAttention(8, 2, batch_first=True).eval()
    q, k, v = (torch.randn(2, 5, 8) for _ in range(3))
    lazy = tsjit.compile(_import(model), backend="numpy")
    x, kt, vt = _ts(q), _ts(k), _ts(v)
    with torch.no_grad():
        for args, inputs in [((x, x, x), (q, q, q)), ((x, kt, vt), (q, k, v)), ((x, x, x), (q, q, q))]:
            np.testing.assert_allclose(lazy(*args)[0].numpy(), model(*inputs)[0].numpy(), atol=1e-5, rtol=1e-4)
    assert len(lazy._compiled) == 2


def _pick(a, b):
    if a is b:
        return a * 2.0
    return a - b


def test_a_scripted_function_and_the_compile_cache():
    x, y = tsjit.ones(2, 3), tsjit.full((2, 3), 3.0)
    same = tsjit.compile(_pick, backend="c", example_inputs=(x, x), fallback=False)
    other = tsjit.compile(_pick, backend="c", example_inputs=(x, y), fallback=False)
    np.testing.assert_array_equal(same(x, x).numpy(), np.full((2, 3), 2.0, np.float32))
    np.testing.assert_array_equal(other(x, y).numpy(), np.full((2, 3), -2.0, np.float32))
    with pytest.raises(ValueError, match="different tensors"):
        other(x, x)

    class Pick(tsjit.nn.Module):
        def forward(self, a, b):
            return _pick(a, b)

    model = Pick()
    cached_same = tsjit.compile(model, example_inputs=(x, x))
    cached_other = tsjit.compile(model, example_inputs=(x, y))
    assert cached_same is not cached_other and tsjit.compile(model, example_inputs=(x, x)) is cached_same
    np.testing.assert_array_equal(cached_other(x, y).numpy(), np.full((2, 3), -2.0, np.float32))
