"""Random ops compile wholly to C (tsjit/lowering/random.py): dropout in training, rand, randn,
normal and their *_like forms draw per call, repeat under tsjit.manual_seed, and have their
distributions (the values differ from eager's draws, as they differ from PyTorch's)."""
from __future__ import annotations

import numpy as np
import pytest

import tsjit
import tsjit.nn as nn
from tsjit.backends.c import find_compiler
from tsjit.compiler import TrainingModeWarning

pytestmark = pytest.mark.skipif(find_compiler() is None, reason="no C compiler")


class Draws(nn.Module):
    def __init__(self):
        super().__init__()
        self.drop, self.feature, self.alpha = nn.Dropout(0.3), nn.Dropout2d(0.5), nn.AlphaDropout(0.2)

    def forward(self, x):
        return (self.drop(x), self.feature(x), self.alpha(x), tsjit.rand_like(x), tsjit.randn_like(x),
                tsjit.normal(x, 2.0), tsjit.rand(3, 1000, dtype=tsjit.float64))


@pytest.fixture(scope="module")
def compiled():
    x = tsjit.ones(8, 16, 32, 32)
    with pytest.warns(TrainingModeWarning):
        c = tsjit.compile(Draws(), backend="c", example_inputs=[x], fallback=False)
    return c, x


def test_dropouts_keep_and_scale_as_in_training(compiled):
    c, x = compiled
    drop, feature, alpha, *_ = (t.numpy() for t in c(x))
    assert set(np.unique(drop)) == {0.0, np.float32(1 / 0.7)} and abs((drop != 0).mean() - 0.7) < 0.01
    channels = feature.reshape(8 * 16, -1)
    assert ((channels == 0).all(1) | (channels == 2).all(1)).all()  # whole channels, kept ones doubled
    assert 0.3 < (channels[:, 0] != 0).mean() < 0.7
    assert len(np.unique(alpha.round(4))) == 2


def test_draws_have_their_distributions(compiled):
    c, x = compiled
    _, _, _, u, z, n, u64 = (t.numpy() for t in c(x))
    assert u.dtype == np.float32 and 0 <= u.min() and u.max() < 1 and abs(u.mean() - 0.5) < 0.01
    assert np.histogram(u, bins=10, range=(0, 1))[0].min() > 0.09 * u.size  # flat
    assert abs(np.corrcoef(u.ravel()[:-1], u.ravel()[1:])[0, 1]) < 0.01  # neighbours independent
    assert abs(z.mean()) < 0.02 and abs(z.std() - 1) < 0.02
    assert abs(n.mean() - 1) < 0.05 and abs(n.std() - 2) < 0.05  # normal(mean=x=1, std=2)
    assert u64.dtype == np.float64 and abs(u64.mean() - 0.5) < 0.03


def test_each_call_draws_afresh_and_manual_seed_repeats(compiled):
    c, x = compiled
    first, second = c(x)[3].numpy(), c(x)[3].numpy()
    assert not np.array_equal(first, second)
    tsjit.manual_seed(7)
    a = [t.numpy() for t in c(x)]
    tsjit.manual_seed(7)
    b = [t.numpy() for t in c(x)]
    assert all(np.array_equal(p, q) for p, q in zip(a, b))


class Sampling(nn.Module):
    """The ops that decompose into uniform draws (tsjit/ops/random_more.py)."""

    def forward(self, p, w):
        return (tsjit.bernoulli(p), tsjit.randint(-3, 7, [20000]), tsjit.randperm(300),
                tsjit.multinomial(w, 3), tsjit.multinomial(w, 20000, True), p.clone().uniform_(-2.0, 3.0),
                p.clone().exponential_(2.0))


def test_sampling_ops_compile_to_c_with_their_distributions():
    p = tsjit.rand(200, 100)
    w = tsjit.tensor([[0.1, 0.0, 0.6, 0.3], [1.0, 1.0, 1.0, 1.0]])
    c = tsjit.compile(Sampling(), backend="c", example_inputs=[p, w], fallback=False)
    bern, ints, perm, without, repl, uni, expo = (t.numpy() for t in c(p, w))
    assert bern.dtype == np.float32 and set(np.unique(bern)) <= {0.0, 1.0}
    assert abs((bern - p.numpy()).mean()) < 0.01
    assert ints.dtype == np.int64 and ints.min() == -3 and ints.max() == 6
    assert np.histogram(ints, bins=10, range=(-3, 7))[0].min() > 0.08 * ints.size
    assert perm.dtype == np.int64 and sorted(perm) == list(range(300)) and not (perm == np.arange(300)).all()
    assert without.shape == (2, 3) and all(len(set(row)) == 3 for row in without) and 1 not in without[0]
    freq = np.stack([np.bincount(row, minlength=4) / row.size for row in repl])
    np.testing.assert_allclose(freq, [[0.1, 0.0, 0.6, 0.3], [0.25] * 4], atol=0.015)
    assert uni.min() >= -2 and uni.max() < 3 and abs(uni.mean() - 0.5) < 0.05
    assert expo.min() >= 0 and abs(expo.mean() - 0.5) < 0.02 and abs(expo.std() - 0.5) < 0.02
