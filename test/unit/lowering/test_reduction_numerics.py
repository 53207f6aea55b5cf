"""Float reductions compiled to C keep their digits over millions of values with a large offset
(issue: float32 summed element by element made `var` of 8M values in [100, 101] 500x too large):
sums accumulate in f64 (lowering/reductions.py), in a register (ts-wide-accumulators)."""
from __future__ import annotations

import numpy as np
import pytest

import tsjit
from tsjit.backends.c import find_compiler

pytestmark = pytest.mark.skipif(find_compiler() is None, reason="no C compiler")


def stats(x):
    return x.sum(), x.mean(), x.var(), x.std(0)


def per_dim(x):
    return x.sum(0), x.mean(1), x.var(1)


@pytest.fixture(scope="module")
def offset_values():
    return (np.random.default_rng(0).random(8_000_000) + 100).astype(np.float32)


def test_whole_tensor_sum_mean_var_std(offset_values):
    x = offset_values
    compiled = tsjit.compile(tsjit.jit.script(stats), backend="c", example_inputs=[tsjit.from_numpy(x)],
                             fallback=False)
    got = [float(np.asarray(v)) for v in compiled(x)]
    wide = x.astype(np.float64)
    want = [wide.sum(), wide.mean(), wide.var(ddof=1), wide.std(ddof=1)]
    np.testing.assert_allclose(got, want, rtol=1e-5)


def test_reduced_dim_outer_or_inner(offset_values):
    x = offset_values.reshape(1_000_000, 8)
    compiled = tsjit.compile(tsjit.jit.script(per_dim), backend="c", example_inputs=[tsjit.from_numpy(x)],
                             fallback=False)
    sums, means, variances = (np.asarray(v) for v in compiled(x))
    wide = x.astype(np.float64)
    np.testing.assert_allclose(sums, wide.sum(0), rtol=1e-6)  # the reduced dim is the outer loop here
    np.testing.assert_allclose(means, wide.mean(1), rtol=1e-6)
    np.testing.assert_allclose(variances, wide.var(1, ddof=1), rtol=1e-4, atol=1e-6)
