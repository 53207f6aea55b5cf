"""PyTorch's nn.EmbeddingBag / F.embedding_bag / torch.embedding_bag imported (ts.embedding_bag,
tsjit/lowering/bags.py: a loop over the bags around a loop over each bag's entries, bounds read
from the offsets at run time) compile wholly to C (fallback=False) and agree with PyTorch: every
mode, offsets given as data, fixed-size 2-D bags, empty bags, padding_idx (negative too),
include_last_offset, per_sample_weights, int32 indices, a transposed weight, NaN in max, and
torch.embedding_bag's other three results (the op-info test compiles only the first sample)."""
import numpy as np
import pytest

import tsjit
from tsjit.frontend import from_torch

torch = pytest.importorskip("torch")
F = torch.nn.functional
rng = np.random.default_rng(0)

FLAT = np.array([1, 2, 4, 5, 4, 3, 2, 9, 0, 7])
OFFSETS = np.array([0, 3, 3, 6])  # bag 1 is empty


def _check(model, *inputs, how=("script", "trace")):
    tensors = tuple(torch.from_numpy(np.array(x)) for x in inputs)
    with torch.no_grad():
        want = model(*tensors)
    want = [w.numpy() for w in (want if isinstance(want, tuple) else (want,))]
    args = [tsjit.from_numpy(x) for x in inputs]
    for mode in how:
        module = from_torch(model) if mode == "script" else from_torch(model, tensors)
        got = tsjit.compile(module, backend="c", example_inputs=args, fallback=False)(*args)
        got = [np.asarray(g) for g in (got if isinstance(got, tuple) else (got,))]
        assert len(got) == len(want), mode
        for k, (g, w) in enumerate(zip(got, want)):
            assert g.dtype == w.dtype and g.shape == w.shape, f"{mode} {k}: {g.dtype}{g.shape} vs {w.dtype}{w.shape}"
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6, err_msg=f"{mode} result {k}")


class Bags(torch.nn.Module):
    def __init__(self, **options):
        super().__init__()
        torch.manual_seed(0)
        self.bag = torch.nn.EmbeddingBag(10, 4, **options)

    def forward(self, x, offsets):
        return self.bag(x, offsets)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("options", [{}, {"padding_idx": 4}, {"padding_idx": -1}, {"include_last_offset": True}],
                         ids=["plain", "padding", "negative_padding", "last_offset"])
def test_offsets_are_data(mode, options):
    offsets = np.append(OFFSETS, FLAT.size) if options.get("include_last_offset") else OFFSETS
    _check(Bags(mode=mode, **options), FLAT, offsets)
    _check(Bags(mode=mode, **options), FLAT.astype(np.int32), offsets.astype(np.int32), how=("trace",))


class Fixed(torch.nn.Module):
    def __init__(self, mode, padding_idx=None):
        super().__init__()
        torch.manual_seed(0)
        self.bag = torch.nn.EmbeddingBag(10, 4, mode=mode, padding_idx=padding_idx)

    def forward(self, x):
        return self.bag(x)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_fixed_size_bags(mode):
    bags = rng.integers(0, 10, (5, 3))
    bags[2] = 6  # padding only: zeros
    _check(Fixed(mode), bags)
    _check(Fixed(mode, padding_idx=6), bags)


class Weighted(torch.nn.Module):
    def forward(self, x, w, offsets, weights):
        return F.embedding_bag(x, w, offsets, mode="sum", per_sample_weights=weights, padding_idx=2)


class Everything(torch.nn.Module):
    def __init__(self, mode):
        super().__init__()
        self.mode = mode

    def forward(self, w, x, offsets):
        return torch.embedding_bag(w, x, offsets, False, self.mode, False, None, False, 2)


def test_weights_transposed_tables_nan_and_all_four_results():
    table = rng.standard_normal((4, 10)).astype(np.float32).T  # transposed
    # traced: scripted, the weights reach the op through an unchecked_cast to Optional's unrefined
    # tensor type, which ts-specialize leaves without a shape
    _check(Weighted(), FLAT, table, OFFSETS, rng.standard_normal(FLAT.size).astype(np.float32), how=("trace",))
    table = table.copy()
    table[4, 1] = np.nan  # a NaN wins max only as its bag's first entry
    table[9, 2] = np.nan
    for mode in (0, 1, 2):
        _check(Everything(mode), table, FLAT, OFFSETS, how=("trace",))
