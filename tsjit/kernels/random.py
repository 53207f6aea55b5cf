"""Random kernels drawing from one module-level numpy Generator (`manual_seed` resets it)."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tsjit.kernels.creation import check_size
from tsjit.kernels.promotion import CODE_OF_DTYPE, DEFAULT_FLOAT, INT64, dtype_of, not_implemented

_generator = np.random.default_rng()


def manual_seed(seed: int) -> None:
    """Reset the generator: the same seed gives the same sequence of random tensors."""
    global _generator
    _generator = np.random.default_rng(seed & 0xFFFF_FFFF_FFFF_FFFF)


def generator() -> np.random.Generator:
    return _generator


def _float_dtype(dtype, name):
    out = dtype_of(dtype, DEFAULT_FLOAT)
    if out.kind != "f":
        raise not_implemented(name, out)
    return out


def rand(size, dtype=None):
    out = _float_dtype(dtype, "check_uniform_bounds")
    native = out if out in (np.float32, np.float64) else np.float32
    return _generator.random(check_size(size), dtype=native).astype(out, copy=False)


def randn(size, dtype=None):
    out = _float_dtype(dtype, "normal_kernel_cpu")
    native = out if out in (np.float32, np.float64) else np.float32
    return _generator.standard_normal(check_size(size), dtype=native).astype(out, copy=False)


def randint(low, high, size, dtype=None):
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    out = dtype_of(dtype, INT64)
    return _generator.integers(low, high, check_size(size)).astype(out)


def dropout(x, p, train):
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not train or p == 0:
        return x
    if p == 1:
        return np.zeros_like(x)
    keep = _generator.random(x.shape) >= p
    return (x * keep * x.dtype.type(1 / (1 - p))).astype(x.dtype, copy=False)


def _like(fn: Callable) -> Callable:
    return lambda a, dtype=None: fn(a.shape, CODE_OF_DTYPE[a.dtype] if dtype is None else dtype)


KERNELS: dict[str, Callable] = {
    "rand": rand, "randn": randn, "randint": randint, "dropout": dropout,
    "rand_like": _like(rand), "randn_like": _like(randn),
    "manual_seed": manual_seed,
}
