"""Random ops: rand/randn/randint and their *_like forms, dropout, manual_seed.

They draw from one numpy Generator that `manual_seed` resets (the same seed gives the same
sequence), so their effects are RANDOM: never folded, merged or moved. Compiled, rand, randn, their
*_like forms and the dropouts draw with a counter-based hash seeded from that generator per call
(tsjit/lowering/random.py). Their values cannot be
compared with torch's (another generator); only dtypes, shapes and errors can.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tsjit.dtypes import is_float
from tsjit.kernels.promotion import (
    C_NAME, CODE_OF_DTYPE, DEFAULT_FLOAT, INT64, as_array, dtype_of, not_implemented, torch_name,
)
from tsjit.ops import checks as chk
from tsjit.ops import samples as s
from tsjit.ops.creation import check_size, sizes
from tsjit.ops.decomposition import NotDecomposable
from tsjit.ops.registry import RANDOM, defop, op, sample
from tsjit.ops.rules import dtype_arg, from_arg, same, same_dtype

_SEEDS = "resets tsjit's numpy generator, which compiled random ops draw their seeds from (tsjit/lowering/random.py)"
_I64, _F16, _F32, _F64, _BOOL = 4, 5, 6, 7, 11  # ScalarType codes used by samples


_generator = np.random.default_rng()


def generator() -> np.random.Generator:
    """tsjit's one generator (manual_seed resets it)."""
    return _generator


@op("manual_seed", "(int seed) -> ()", effects=RANDOM, numpy_only=_SEEDS,
    samples=lambda: [sample(0), sample(42), sample(-3), sample(2 ** 40)])
def manual_seed(seed: int) -> None:
    """Reset the generator: the same seed gives the same sequence of random tensors."""
    global _generator
    _generator = np.random.default_rng(seed & 0xFFFF_FFFF_FFFF_FFFF)


def _float_dtype(dtype, name):
    out = dtype_of(dtype, DEFAULT_FLOAT)
    if not (is_float(out) or out.kind == "c"):
        raise not_implemented(name, out)
    return out


def draws(size, out: np.dtype, draw: Callable[..., np.ndarray], scale: float = 1.0) -> np.ndarray:
    """`draw(size, dtype=...)` in `out`; a complex dtype draws its real and imaginary parts
    independently (scaled by `scale`, as PyTorch's complex normal has variance 1/2 per part)."""
    if out.kind == "c":
        part = np.float32 if out == np.complex64 else np.float64
        pair = draw([*size, 2], dtype=part) * part(scale)
        return np.ascontiguousarray(pair).view(out)[..., 0]
    native = out if out in (np.float32, np.float64) else np.float32
    return draw(size, dtype=native).astype(out, copy=False)


def _sized_samples():
    return [sample([2, 3], None), sample([4], _F64), sample([], None), sample([0, 3], None), sample([2], _F16),
            sample([2], _I64), sample([2], _BOOL), sample([-1], None), sample([3], 9), sample([2, 2], 10)]


_SIZED = "(int[] size, *, ScalarType? dtype=None) -> Tensor"


@op("rand", _SIZED, shape=sizes, dtype=lambda size, dtype: dtype_arg(dtype, DEFAULT_FLOAT), effects=RANDOM,
    lower="random.lower_uniform", samples=_sized_samples)
def rand(size, dtype=None):
    """Uniform on [0, 1) (a complex dtype: each part), float and complex dtypes only."""
    return draws(check_size(size), _float_dtype(dtype, "check_uniform_bounds"), generator().random)


@op("randn", _SIZED, shape=sizes, dtype=lambda size, dtype: dtype_arg(dtype, DEFAULT_FLOAT), effects=RANDOM,
    lower="random.lower_standard_normal", samples=_sized_samples)
def randn(size, dtype=None):
    """Standard normal (a complex dtype: variance 1/2 per part), float and complex dtypes only."""
    return draws(check_size(size), _float_dtype(dtype, "normal_kernel_cpu"), generator().standard_normal, 0.5 ** 0.5)


#: torch: an explicit dtype=None gives the default float dtype (its schema default is 4, int64);
#: here None is that default, int64, as the printer drops it (tsjit/printer/aten_defaults.py).
_NONE_IS_INT64 = {"torch": False, "note": "dtype None means int64 here; aten.randint(dtype=None) gives float32"}


def _randint(g, low, high, size, dtype):
    """low + floor(u * (high - low)) for u in [0, 1): the draws' 31 bits cover ranges up to 2^31."""
    lo, hi, code = g.value(low), g.value(high), g.value(dtype)
    try:
        randint(lo, hi, [0], code)  # the kernel's checks of the bounds against the dtype
        check_size(g.value(size))
    except RuntimeError as e:
        raise NotDecomposable(str(e)) from None
    if hi - lo > 2 ** 31:
        raise NotDecomposable("randint over a range wider than the compiled draws' 31 bits")
    u = g.rand(g.value(size), _F64)
    return g.to(g.add(g.floor(g.mul(u, hi - lo)), lo), _I64 if code is None else code)


@op("randint", "(int low, int high, int[] size, *, ScalarType? dtype=None) -> Tensor",
    shape=lambda low, high, size, dtype: sizes(size), dtype=lambda low, high, size, dtype: dtype_arg(dtype, INT64),
    effects=RANDOM, decompose=_randint,
    samples=lambda: [sample(0, 5, [2, 3], _I64), sample(-3, 3, [4], None, **_NONE_IS_INT64),
                     sample(0, 2, [3], _BOOL), sample(0, 5, [3], _F32), sample(5, 5, [3], _I64),
                     sample(0, 5, [3], _BOOL), sample(-3, 5, [3], 0), sample(0, 5, [-3], _I64)])
def randint(low, high, size, dtype=None):
    """Integers in [low, high), which must fit the dtype (the last one drawn being high - 1)."""
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    out = dtype_of(dtype, INT64)
    if out.kind in "biu":
        info = np.iinfo(out) if out.kind != "b" else None
        lo, hi = (0, 1) if info is None else (int(info.min), int(info.max))
        for value, what in ((low, "from"), (high - 1, "to - 1")):
            if not lo <= value <= hi:
                raise RuntimeError(f"{what} is out of bounds for {C_NAME[out.name]}")
    return generator().integers(low, high, check_size(size)).astype(out)


def _like(fn: Callable, name: str) -> Callable:
    def kernel(a, dtype=None):
        return fn(a.shape, CODE_OF_DTYPE[a.dtype] if dtype is None else dtype)
    kernel.__name__ = name
    return kernel


def _like_samples():
    return [sample(s.f32(2, 3), None), sample(s.f32(2, 3), _F64), sample(s.strided(3, 4), None),
            sample(np.array(s.f32(1)[0]), None), sample(s.f32(0, 3), None), sample(s.i64(3), None),
            sample(s.i64(3), _F64), sample(s.mask(3), None)]


_LIKE = "(Tensor self, *, ScalarType? dtype=None) -> Tensor"
defop("rand_like", _LIKE, _like(rand, "rand_like"), shape=same, dtype=from_arg(1), verify=chk.SAME_SHAPE,
      effects=RANDOM, lower="random.lower_uniform", samples=_like_samples)
defop("randn_like", _LIKE, _like(randn, "randn_like"), shape=same, dtype=from_arg(1), verify=chk.SAME_SHAPE,
      effects=RANDOM, lower="random.lower_standard_normal", samples=_like_samples)


@op("dropout", "(Tensor input, float p, bool train) -> Tensor", shape=same, dtype=same_dtype, verify=chk.SAME_SHAPE,
    effects=RANDOM, lower="random.lower_dropout",
    samples=lambda: [sample(s.f32(2, 3), 0.5, False), sample(s.f32(4, 5), 0.25, True), sample(s.special(), 0.5, True),
                     sample(np.array(s.f32(1)[0]), 0.5, True), sample(s.f32(0, 3), 0.5, True),
                     sample(s.i64(4), 0.5, True), sample(s.i64(4), 0.5, False), sample(s.f32(4), 1.5, False)])
def dropout(x, p, train):
    """Training zeroes each element with probability p and scales the rest by 1 / (1 - p); outside
    training (or p = 0) the input itself is the result."""
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not train or p == 0 or x.size == 0:
        return x
    if p == 1:
        return as_array(x * np.zeros((), x.dtype))  # NaN stays NaN, as in torch
    if not is_float(x.dtype):  # torch scales a mask of x's dtype by 1 / (1 - p) in place
        raise RuntimeError(f"result type Float can't be cast to the desired output type {torch_name(x.dtype)}")
    keep = generator().random(x.shape) >= p
    return as_array(x * keep * x.dtype.type(1 / (1 - p))).astype(x.dtype, copy=False)


def _check_p(name: str, p: float) -> None:
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _noise_shape(x, feature: bool) -> tuple:
    """Feature dropout draws one value per (batch, channel): the trailing dims are 1."""
    if not feature:
        return x.shape
    if x.ndim < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    return x.shape[:2] + (1,) * (x.ndim - 2)


_ALPHA = 1.7580993408473766  # SELU's alpha * scale


def _dropout_kernel(name: str, feature: bool, alpha: bool):
    def kernel(x, p, train):
        _check_p(name, p)
        if not train or p == 0 or x.size == 0:
            return x
        if not is_float(x.dtype):
            raise RuntimeError(f"result type Float can't be cast to the desired output type {torch_name(x.dtype)}")
        if p == 1:
            return as_array(x * np.zeros((), x.dtype))
        keep = generator().random(_noise_shape(x, feature)) >= p
        if not alpha:
            return as_array(x * keep * x.dtype.type(1 / (1 - p))).astype(x.dtype, copy=False)
        # as ATen's _dropout_impl: x * k * a + (k - 1) * alpha * a + alpha * a * p (SELU's alpha * scale)
        a = 1.0 / np.sqrt((_ALPHA * _ALPHA * p + 1) * (1 - p))
        k = keep.astype(x.dtype)
        return as_array(x * (k * a) + ((k - 1) * (_ALPHA * a) + _ALPHA * a * p)).astype(x.dtype, copy=False)
    kernel.__name__ = name
    return kernel


def _dropout_samples(feature: bool):
    def samples():
        return [sample(s.f32(2, 3, 4), 0.5, False), sample(s.f32(2, 3, 4), 0.25, True),
                sample(s.f32(2, 3), 0.0, True), sample(s.f32(2, 3, 4), 1.0, True), sample(s.f32(2, 3), 1.5, False),
                sample(s.i64(2, 3), 0.5, True), sample(s.f32(0, 3), 0.5, True),
                *([sample(s.f32(4), 0.5, True)] if feature else [sample(np.array(s.f32(1)[0]), 0.5, True)])]
    return samples


for _name, _feature, _alpha, _what in (
        ("feature_dropout", True, False, "zeroes whole channels (dims 2...) with probability p, scales the rest"),
        ("alpha_dropout", False, True, "sets elements to SELU's saturation value, keeping mean and variance"),
        ("feature_alpha_dropout", True, True, "alpha dropout of whole channels")):
    defop(_name, "(Tensor input, float p, bool train) -> Tensor", _dropout_kernel(_name, _feature, _alpha),
          shape=same, dtype=same_dtype, verify=chk.SAME_SHAPE, effects=RANDOM, api="torch",
          lower="random.lower_dropout", samples=_dropout_samples(_feature),
          doc=f"Training {_what}; outside training the input itself (compiled: the identity).")
