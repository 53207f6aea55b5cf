"""PyTorch's tensor repr: notation, padding, wrapping, summarization and suffixes."""
import numpy as np
import pytest

import tsjit as torch

CASES = [
    # (expression building the same tensor in tsjit and torch, expected repr)
    ("torch.tensor([[1., 2.], [3., 4.]])", "tensor([[1., 2.],\n        [3., 4.]])"),
    ("torch.tensor(3)", "tensor(3)"),
    ("torch.tensor(2.5)", "tensor(2.5000)"),
    ("torch.tensor([1, 2], dtype=torch.int32)", "tensor([1, 2], dtype=torch.int32)"),
    ("torch.tensor([1., 2.5], dtype=torch.float64)", "tensor([1.0000, 2.5000], dtype=torch.float64)"),
    ("torch.tensor([True, False])", "tensor([ True, False])"),
    ("torch.tensor([-1, 10, 100])", "tensor([ -1,  10, 100])"),
    ("torch.tensor([1e-5, 1.0])", "tensor([1.0000e-05, 1.0000e+00])"),
    ("torch.tensor([1e10, 1.0])", "tensor([1.0000e+10, 1.0000e+00])"),
    ("torch.tensor([float('nan'), float('inf'), 1.0])", "tensor([nan, inf, 1.])"),
    ("torch.tensor([float('-inf'), 0.5])", "tensor([  -inf, 0.5000])"),
    ("torch.tensor([0., 0.])", "tensor([0., 0.])"),
    ("torch.tensor([], dtype=torch.long)", "tensor([], dtype=torch.int64)"),
    ("torch.zeros(0, 3)", "tensor([], size=(0, 3))"),
    ("torch.zeros(2, 0, dtype=torch.int32)", "tensor([], size=(2, 0), dtype=torch.int32)"),
    ("torch.zeros(1, 2, 2, dtype=torch.uint8)",
     "tensor([[[0, 0],\n         [0, 0]]], dtype=torch.uint8)"),
    ("torch.tensor([1.5], dtype=torch.float16)", "tensor([1.5000], dtype=torch.float16)"),
]


@pytest.mark.parametrize("expr, expected", CASES)
def test_repr_literal(expr, expected):
    assert repr(eval(expr, {"torch": torch})) == expected
    assert str(eval(expr, {"torch": torch})) == expected


def test_wrapping_and_summarization():
    long_row = torch.arange(30, dtype=torch.float32) / 7
    text = repr(long_row)
    assert all(len(line) <= 80 for line in text.split("\n")) and text.count("\n") >= 2
    big = torch.arange(2000)
    assert repr(big) == "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])"
    assert repr(torch.arange(3000).reshape(30, 100)).split("\n")[3] == "        ...,"


def test_size_and_device_repr():
    assert repr(torch.zeros(2, 3).shape) == "torch.Size([2, 3])" and str(torch.Size([])) == "torch.Size([])"
    assert repr(torch.device("cpu")) == "device(type='cpu')" and repr(torch.float32) == "torch.float32"


def _torch_pairs():
    rng = np.random.default_rng(1)
    arrays = [
        rng.standard_normal((3, 4)).astype(np.float32),
        (rng.standard_normal((2, 3, 5)) * 1000).astype(np.float32),
        rng.standard_normal((40, 40)).astype(np.float32),
        rng.integers(-1000, 1000, (5, 7)),
        rng.integers(0, 2, (3, 3)).astype(bool),
        (rng.standard_normal(25) * 1e-6).astype(np.float64),
        np.array([1.0, 2.0, 1e9], dtype=np.float32),
        rng.integers(-5, 5, (1200,)).astype(np.int16),
        np.float32(-0.0) * np.ones((2, 2), dtype=np.float32),
        np.array(7.25, dtype=np.float64),
    ]
    return arrays


@pytest.mark.parametrize("index", range(len(_torch_pairs())))
def test_repr_matches_torch(index):
    real = pytest.importorskip("torch")
    a = _torch_pairs()[index]
    assert repr(torch.from_numpy(a.copy())) == repr(real.from_numpy(a.copy()))
