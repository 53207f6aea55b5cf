"""More random ops, drawing from random.py's generator: normal (tensor mean), bernoulli, multinomial,
randperm, uniform, exponential. As there, their values cannot be compared with torch's; dtypes,
shapes and errors can.

Compiled, the ops other than normal decompose into uniform draws (`rand` / `rand_like`, which lower
to C) and deterministic ops: a draw below p (bernoulli), a scaled floor (randint), an argsort of
draws (randperm), top-k of log(u) / w (multinomial without replacement: Efraimidis-Spirakis) or
the arg-max of log w plus Gumbel noise (with replacement). The kernels' argument checks on values
(p in [0, 1], valid weights) are not made in compiled code.
"""
from __future__ import annotations

import numpy as np

from tsjit.dtypes import is_float
from tsjit.kernels.promotion import CODE_OF_DTYPE, INT64, as_array, dtype_of, not_implemented
from tsjit.ops import checks as chk
from tsjit.ops import samples as s
from tsjit.ops.decomposition import NotDecomposable
from tsjit.ops.random import _F64, _I64, draws, generator
from tsjit.ops.registry import RANDOM, op, sample
from tsjit.ops.rules import BY_KERNEL, const, dims, fixed, same, same_dtype


@op("normal", "(Tensor mean, float std=1) -> Tensor", shape=same, dtype=same_dtype, verify=chk.SAME_SHAPE,
    effects=RANDOM, lower="random.lower_normal", api="torch",
    samples=lambda: [sample(s.f32(4, 5), 1.0), sample(s.f64(3), 0.5), sample(s.f32(0, 2), 2.0),
                     sample(s.f32(3).astype(np.complex64), 1.0)])
def normal(mean, std=1.0):
    """Normal draws around each element of mean with standard deviation std."""
    if not (is_float(mean.dtype) or mean.dtype.kind == "c"):
        raise not_implemented("normal_kernel_cpu", mean.dtype)
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    noise = _draws_for(mean, generator().standard_normal, 0.5 ** 0.5)  # complex: variance 1/2 per part
    return as_array((mean + std * noise).astype(mean.dtype))


def _draws_like(g, x):
    """u in [0, 1) per element of x, as float64."""
    return g.rand_like(x, _F64)


def _bernoulli(g, p):
    if not is_float(g.dtype(p)):
        raise NotDecomposable("bernoulli of a non-float tensor (the kernel raises)")
    return g.to(g.lt(_draws_like(g, p), p), CODE_OF_DTYPE[g.dtype(p)])


@op("bernoulli", "(Tensor self) -> Tensor", shape=same, dtype=same_dtype, verify=chk.SAME_SHAPE, effects=RANDOM,
    decompose=_bernoulli, api="torch Tensor",
    samples=lambda: [sample(s.f32(4, 5, lo=0, hi=1)), sample(s.f64(3, lo=0, hi=1)), sample(s.f32(0, 2, lo=0, hi=1))])
def bernoulli(p):
    """1 with probability p (each element of self), else 0, in self's dtype."""
    if not is_float(p.dtype):
        raise not_implemented("bernoulli_tensor_cpu_self_", p.dtype)
    if p.size and not ((p >= 0) & (p <= 1)).all():
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
    return as_array((generator().random(p.shape) < p).astype(p.dtype))


def _multinomial(g, w, num_samples, replacement):
    k, shape = g.value(num_samples), g.shape(w)
    if len(shape) not in (1, 2) or not is_float(g.dtype(w)) or k <= 0 or (not g.value(replacement) and k > shape[-1]):
        raise NotDecomposable("multinomial's arguments are invalid (the kernel raises)")
    weights = g.to(w, _F64)
    if not g.value(replacement):  # the k largest u ** (1 / w): k draws in order, each without replacement
        return g.topk(g.div(g.log(_draws_like(g, weights)), weights), k, -1, True, True)[1]
    noise = g.neg(g.log(g.neg(g.log(g.rand([*shape[:-1], k, shape[-1]], _F64)))))  # Gumbel(0, 1)
    return g.argmax(g.add(g.unsqueeze(g.log(weights), -2), noise), -1, False)


@op("multinomial", "(Tensor self, int num_samples, bool replacement=False) -> Tensor",
    shape=lambda w, n, replacement: dims(w)[:-1] + (const(n, "num_samples"),), dtype=fixed(INT64), effects=RANDOM,
    decompose=_multinomial, api="torch Tensor",
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


def _randperm(g, n, dtype):
    count, code = g.value(n), g.value(dtype)
    if count < 0:
        raise NotDecomposable("randperm of n < 0 (the kernel raises)")
    draws = g.rand([count], _F64)
    return g.to(g.argsort(draws, 0, False) if count else draws, _I64 if code is None else code)


@op("randperm", "(int n, *, ScalarType? dtype=None) -> Tensor", shape=BY_KERNEL, dtype=BY_KERNEL, effects=RANDOM,
    decompose=_randperm, api="torch",
    samples=lambda: [sample(5, _I64), sample(0, None), sample(4, _F64), sample(-1, None)])
def randperm(n, dtype=None):
    """A random permutation of 0 .. n-1."""
    if n < 0:
        raise RuntimeError(f"n must be non-negative, got{n}")
    return generator().permutation(n).astype(dtype_of(dtype, INT64))


def _draws_for(x, draw, scale: float = 1.0):
    """float64 (complex128 for a complex x) draws of x's shape (random.draws: `scale` is per complex part)."""
    return draws(list(x.shape), np.dtype(np.complex128 if x.dtype.kind == "c" else np.float64), draw, scale)


def _float_self(x, kernel, complex_ok=False):
    if not (is_float(x.dtype) or complex_ok and x.dtype.kind == "c"):
        raise not_implemented(kernel, x.dtype)


def _uniform(g, x, low, high):
    a, b = g.value(low), g.value(high)
    if not is_float(g.dtype(x)) or a > b:
        raise NotDecomposable("uniform's arguments are invalid (the kernel raises)")
    return g.to(g.add(g.mul(_draws_like(g, x), b - a), a), CODE_OF_DTYPE[g.dtype(x)])


@op("uniform", "(Tensor self, float from=0, float to=1) -> Tensor", shape=same, dtype=same_dtype,
    verify=chk.SAME_SHAPE, effects=RANDOM, decompose=_uniform,
    samples=lambda: [sample(s.f32(4, 5), 0.0, 1.0), sample(s.f64(3), -2.0, 3.0), sample(s.f32(0, 2), 0.0, 1.0),
                     sample(s.i64(3), 0.0, 1.0), sample(s.f32(3), 1.0, 0.0),
                     sample(s.f32(3).astype(np.complex64), -1.0, 1.0)])
def uniform(x, low=0.0, high=1.0):
    """Uniform draws in [from, to) with self's shape and dtype (`Tensor.uniform_` writes them)."""
    _float_self(x, "check_uniform_bounds", complex_ok=True)
    if low > high:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={low} > to={high}")
    start = low * (1 + 1j) if x.dtype.kind == "c" else low  # complex: each part in [from, to)
    return as_array((start + (high - low) * _draws_for(x, generator().random)).astype(x.dtype))


def _exponential(g, x, lambd):
    rate = g.value(lambd)
    if not is_float(g.dtype(x)) or not rate > 0:
        raise NotDecomposable("exponential's arguments are invalid (the kernel raises)")
    return g.to(g.div(g.neg(g.log1p(g.neg(_draws_like(g, x)))), rate), CODE_OF_DTYPE[g.dtype(x)])


@op("exponential", "(Tensor self, float lambd=1) -> Tensor", shape=same, dtype=same_dtype, verify=chk.SAME_SHAPE,
    effects=RANDOM, decompose=_exponential,
    samples=lambda: [sample(s.f32(4, 5), 1.0), sample(s.f64(3), 0.5), sample(s.f32(0, 2), 2.0),
                     sample(s.i64(3), 1.0), sample(s.f32(3), 0.0)])
def exponential(x, lambd=1.0):
    """Exponential draws of rate lambd with self's shape and dtype (`Tensor.exponential_` writes them)."""
    _float_self(x, "exponential_cpu")
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd}")
    return as_array((-np.log1p(-generator().random(x.shape)) / lambd).astype(x.dtype))
