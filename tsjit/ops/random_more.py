"""More random ops, drawing from random.py's generator: normal (tensor mean), bernoulli, multinomial,
randperm. As there, their values cannot be compared with torch's; dtypes, shapes and errors can.
"""
from __future__ import annotations

import numpy as np

from tsjit.dtypes import is_float
from tsjit.kernels.promotion import INT64, as_array, dtype_of, not_implemented
from tsjit.ops import checks as chk
from tsjit.ops import samples as s
from tsjit.ops.random import _DRAWS, _F64, _I64, generator
from tsjit.ops.registry import RANDOM, op, sample
from tsjit.ops.rules import BY_KERNEL, const, dims, fixed, same, same_dtype


@op("normal", "(Tensor mean, float std=1) -> Tensor", shape=same, dtype=same_dtype, verify=chk.SAME_SHAPE,
    effects=RANDOM, lower="random.lower_normal", api="torch",
    samples=lambda: [sample(s.f32(4, 5), 1.0), sample(s.f64(3), 0.5), sample(s.f32(0, 2), 2.0)])
def normal(mean, std=1.0):
    """Normal draws around each element of mean with standard deviation std."""
    if not is_float(mean.dtype):
        raise not_implemented("normal_kernel_cpu", mean.dtype)
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    return as_array((mean + std * generator().standard_normal(mean.shape)).astype(mean.dtype))


@op("bernoulli", "(Tensor self) -> Tensor", shape=same, dtype=same_dtype, verify=chk.SAME_SHAPE, effects=RANDOM,
    numpy_only=_DRAWS, api="torch Tensor",
    samples=lambda: [sample(s.f32(4, 5, lo=0, hi=1)), sample(s.f64(3, lo=0, hi=1)), sample(s.f32(0, 2, lo=0, hi=1))])
def bernoulli(p):
    """1 with probability p (each element of self), else 0, in self's dtype."""
    if not is_float(p.dtype):
        raise not_implemented("bernoulli_tensor_cpu_self_", p.dtype)
    if p.size and not ((p >= 0) & (p <= 1)).all():
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
    return as_array((generator().random(p.shape) < p).astype(p.dtype))


@op("multinomial", "(Tensor self, int num_samples, bool replacement=False) -> Tensor",
    shape=lambda w, n, replacement: dims(w)[:-1] + (const(n, "num_samples"),), dtype=fixed(INT64), effects=RANDOM, numpy_only=_DRAWS, api="torch Tensor",
    samples=lambda: [sample(s.f32(4, 5, lo=0.1, hi=1), 2, False), sample(s.f32(5, lo=0.1, hi=1), 7, True),
                     sample(s.f64(2, 3, lo=0.1, hi=1), 3, False)])
def multinomial(w, num_samples, replacement=False):
    """Indices drawn with probabilities proportional to each row of self (without replacement: distinct)."""
    if w.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if not is_float(w.dtype):
        raise not_implemented("multinomial", w.dtype)
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    rows = w.reshape(-1, w.shape[-1]).astype(np.float64)
    if not replacement and num_samples > rows.shape[1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if (rows < 0).any() or not np.isfinite(rows).all():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    out = np.empty((rows.shape[0], num_samples), INT64)
    for i, row in enumerate(rows):
        total = row.sum()
        if total <= 0:
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        out[i] = generator().choice(row.size, num_samples, replace=replacement, p=row / total)
    return out.reshape(w.shape[:-1] + (num_samples,))


@op("randperm", "(int n, *, ScalarType? dtype=None) -> Tensor", shape=BY_KERNEL, dtype=BY_KERNEL, effects=RANDOM,
    numpy_only=_DRAWS, api="torch",
    samples=lambda: [sample(5, _I64), sample(0, None), sample(4, _F64), sample(-1, None)])
def randperm(n, dtype=None):
    """A random permutation of 0 .. n-1."""
    if n < 0:
        raise RuntimeError(f"n must be non-negative, got{n}")
    return generator().permutation(n).astype(dtype_of(dtype, INT64))
