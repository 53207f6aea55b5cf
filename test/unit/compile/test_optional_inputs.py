"""`Optional[Tensor]` parameters (GRUCell's `hx`, EmbeddingBag's `offsets`) specialize to their example
input, as TorchScript's profiling executor does: a tensor makes the parameter a tensor (`hx is None`
folds), None makes it the constant None; a compiled model takes that None and checks it is None."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import tsjit

torch = pytest.importorskip("torch")
nn = torch.nn


def _imported(model):
    from tsjit.frontend import from_torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return from_torch(torch.jit.script(model.eval()))


def _np(x):
    return None if x is None else x.numpy().copy()


def _compare(model, inputs, backend):
    compiled = tsjit.compile(_imported(model), backend=backend, example_inputs=tuple(_np(x) for x in inputs),
                             fallback=False)
    with torch.no_grad():
        want = model(*inputs)
    got = compiled(*(_np(x) for x in inputs))
    if isinstance(want, tuple):
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w.numpy(), rtol=1e-4, atol=1e-5)
    else:
        np.testing.assert_allclose(got, want.numpy(), rtol=1e-4, atol=1e-5)
    return compiled


@pytest.mark.parametrize("backend", ["numpy", "c"])
@pytest.mark.parametrize("with_hx", [True, False])
@pytest.mark.parametrize("cell", ["GRUCell", "RNNCell", "LSTMCell"])
def test_recurrent_cell_hx_given_or_none(cell, with_hx, backend):
    torch.manual_seed(0)
    model = getattr(nn, cell)(4, 6)
    x = torch.randn(3, 4)
    hx = (torch.randn(3, 6) if cell != "LSTMCell" else (torch.randn(3, 6), torch.randn(3, 6))) if with_hx else None
    if cell == "LSTMCell" and with_hx:
        pytest.skip("LSTMCell's hx is an Optional[Tuple[Tensor, Tensor]]: a tuple example input")
    _compare(model, (x, hx), backend)


@pytest.mark.parametrize("backend", ["numpy", "c"])
def test_gru_with_initial_state(backend):
    torch.manual_seed(0)
    _compare(nn.GRU(4, 5, batch_first=True), (torch.randn(2, 3, 4), torch.randn(1, 2, 5)), backend)


@pytest.mark.parametrize("backend", ["numpy", "c"])
def test_embedding_bag_offsets_and_per_sample_weights(backend):
    torch.manual_seed(0)
    ids, offsets = torch.tensor([1, 2, 4, 5, 4, 3, 2, 9]), torch.tensor([0, 3, 5])
    _compare(nn.EmbeddingBag(10, 4, mode="sum"), (ids, offsets), backend)
    _compare(nn.EmbeddingBag(10, 4, mode="sum"), (ids, offsets, torch.rand(8)), backend)


def test_a_none_input_is_checked_on_each_call():
    torch.manual_seed(0)
    model = nn.GRUCell(4, 6)
    x = torch.randn(3, 4)
    compiled = _compare(model, (x, None), "numpy")
    with pytest.raises(ValueError, match="compiled for input 1 being None"):
        compiled(_np(x), np.zeros((3, 6), np.float32))
    np.testing.assert_array_equal(compiled(_np(x)), compiled(_np(x), None))  # left out, as its default
    with pytest.raises(TypeError, match="argument"):
        compiled()
