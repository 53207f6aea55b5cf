"""tsjit.nn.LSTM/GRU/RNN and their cells against torch.nn with copied weights (atol 1e-5), and
torch.nn.LSTM/GRU imported by from_torch (scripted and traced). Skips without PyTorch."""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import tsjit  # noqa: E402
import tsjit.nn as tnn  # noqa: E402
from tsjit.frontend import from_torch  # noqa: E402

CONFIGS = [dict(num_layers=1), dict(num_layers=2), dict(bidirectional=True), dict(num_layers=2, bidirectional=True,
           batch_first=True), dict(bias=False, batch_first=True), dict(num_layers=2, bias=False, bidirectional=True)]
LAYERS = {"LSTM": {}, "GRU": {}, "RNN": {}, "RNN_relu": {"nonlinearity": "relu"}}


def to_t(x):
    return tsjit.from_numpy(x.detach().numpy().copy())


def close(got, want):
    if isinstance(want, (tuple, list)):
        assert len(got) == len(want)
        for g, w in zip(got, want):
            close(g, w)
        return
    got = np.asarray(got.numpy() if hasattr(got, "numpy") else got)
    assert got.shape == tuple(want.shape)
    np.testing.assert_allclose(got, want.detach().numpy(), atol=1e-5, rtol=1e-5)


def pair(kind, config, n_in=4, hidden=5):
    name = kind.split("_")[0]
    kwargs = {**LAYERS[kind], **config}
    torch.manual_seed(0)
    ref = getattr(torch.nn, name)(n_in, hidden, **kwargs).eval()
    mine = getattr(tnn, name)(n_in, hidden, **kwargs).eval()
    assert set(mine.state_dict()) == set(ref.state_dict())
    mine.load_state_dict({k: tsjit.from_numpy(v.numpy().copy()) for k, v in ref.state_dict().items()})
    return ref, mine


def inputs(config, batch=2, steps=3, n_in=4):
    torch.manual_seed(1)
    return torch.randn(batch, steps, n_in) if config.get("batch_first") else torch.randn(steps, batch, n_in)


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: "-".join(f"{k}={v}" for k, v in c.items()))
@pytest.mark.parametrize("kind", sorted(LAYERS))
def test_layer_matches_torch(kind, config):
    ref, mine = pair(kind, config)
    x = inputs(config)
    with torch.no_grad():
        close(mine(to_t(x)), ref(x))
        d = 2 if config.get("bidirectional") else 1
        h0 = torch.randn(config.get("num_layers", 1) * d, 2, 5)
        if kind == "LSTM":
            c0 = torch.randn_like(h0)
            close(mine(to_t(x), (to_t(h0), to_t(c0))), ref(x, (h0, c0)))
        else:
            close(mine(to_t(x), to_t(h0)), ref(x, h0))
        scripted = tsjit.jit.script(mine)
        close(scripted(to_t(x)), ref(x))


@pytest.mark.skipif(__import__("tsjit.backends.c", fromlist=["find_compiler"]).find_compiler() is None,
                    reason="no C compiler")
@pytest.mark.parametrize("kind, config", [("LSTM", CONFIGS[3]), ("GRU", CONFIGS[5]), ("RNN_relu", CONFIGS[0])])
def test_layer_compiles_to_one_loop_per_direction_in_c(kind, config):
    """The sequence is a ts.loop (scf.for over time in C), not unrolled; both directions, layers."""
    ref, mine = pair(kind, config)
    x = inputs(config, steps=6)
    compiled = tsjit.compile(mine, backend="c", example_inputs=[to_t(x)], fallback=False)
    with torch.no_grad():
        close(compiled(to_t(x)), ref(x))
    loops = [op for op in compiled.module.walk() if op.name == "scf.for"
             and any(inner.name == "func.call" for inner in op.walk())]  # the time loops call the GEMM
    directions = config.get("num_layers", 1) * (2 if config.get("bidirectional") else 1)
    assert 0 < len(loops) <= 2 * directions


def test_unbatched_input():
    ref, mine = pair("LSTM", dict(num_layers=2))
    x = torch.randn(3, 4)
    with torch.no_grad():
        close(mine(to_t(x)), ref(x))


@pytest.mark.parametrize("name", ["LSTMCell", "GRUCell", "RNNCell"])
@pytest.mark.parametrize("bias", [True, False])
def test_cell_matches_torch(name, bias):
    torch.manual_seed(0)
    ref = getattr(torch.nn, name)(4, 5, bias=bias)
    mine = getattr(tnn, name)(4, 5, bias=bias)
    assert set(mine.state_dict()) == set(ref.state_dict())
    mine.load_state_dict({k: tsjit.from_numpy(v.numpy().copy()) for k, v in ref.state_dict().items()})
    x, h = torch.randn(3, 4), torch.randn(3, 5)
    with torch.no_grad():
        close(mine(to_t(x)), ref(x))
        close(mine(to_t(x[0])), ref(x[0]))  # unbatched
        state = (to_t(h), to_t(h * 0.5)) if name == "LSTMCell" else to_t(h)
        close(mine(to_t(x), state), ref(x, (h, h * 0.5) if name == "LSTMCell" else h))


@pytest.mark.parametrize("traced", [False, True], ids=["scripted", "traced"])
@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_from_torch_imports_torch_layers(name, traced):
    torch.manual_seed(0)
    model = getattr(torch.nn, name)(4, 5, num_layers=2, bidirectional=True).eval()
    x = torch.randn(3, 2, 4)
    imported = from_torch(model, (x,) if traced else None)
    with torch.no_grad():
        close(imported(to_t(x)), model(x))
