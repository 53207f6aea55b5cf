"""Sample inputs for cross-checking ops (PyTorch's OpInfo samples): arrays and sets of samples.

An op definition names a function returning its samples (built on demand, never at import);
the op-info test runs each through the kernel, the numpy backend, the C backend and PyTorch.
The first sample of an op is its ordinary case (float32, small); later ones add edge cases:
NaN/inf, 0-d, empty, broadcast and non-contiguous inputs, and other dtypes (where PyTorch
rejects a dtype, tsjit must reject it too).
"""
from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

import numpy as np

from tsjit.ops.registry import Sample, sample

_RNG = np.random.default_rng(0)


def reseed(key: str) -> None:
    """Make the next samples depend only on `key` (an op's name), not on what was built before."""
    global _RNG
    _RNG = np.random.default_rng(zlib.crc32(key.encode()))

#: Float values that break naive kernels.
SPECIAL = (np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-30, -1e-30, 1e30, -2.5, 0.5, 3.0, -1.0)


def f32(*shape: int, lo: float | None = None, hi: float | None = None, dtype: str = "float32") -> np.ndarray:
    """Normal samples, or uniform ones in [lo, hi)."""
    if lo is not None:
        return _RNG.uniform(lo, hi, shape).astype(dtype)
    return _RNG.standard_normal(shape).astype(dtype)


def f64(*shape: int, **kw: Any) -> np.ndarray:
    return f32(*shape, dtype="float64", **kw)


def c64(*shape: int, dtype: Any = np.complex64) -> np.ndarray:
    """Complex samples: normal real and imaginary parts."""
    return (f32(*shape) + 1j * f32(*shape)).astype(dtype)


def pos(*shape: int) -> np.ndarray:
    """Positive float32 values (logs, roots)."""
    return (_RNG.random(shape) + 0.1).astype(np.float32)


def i64(*shape: int, lo: int = -5, hi: int = 6, dtype: str = "int64") -> np.ndarray:
    return _RNG.integers(lo, hi, shape).astype(dtype)


def i32(*shape: int, **kw: Any) -> np.ndarray:
    return i64(*shape, dtype="int32", **kw)


def mask(*shape: int) -> np.ndarray:
    return _RNG.random(shape) > 0.5


def special(dtype: str = "float32") -> np.ndarray:
    return np.array(SPECIAL, dtype=dtype).reshape(3, 4)


def strided(*shape: int) -> np.ndarray:
    """A non-contiguous (transposed) float32 array of this shape."""
    return f32(*reversed(shape)).T


def unary(*extra: Any, ints: bool = True, positive: bool = False, special_options: dict | None = None,
          **options: Any) -> Callable[[], list[Sample]]:
    """An elementwise op of one tensor (and `extra` constant operands): ordinary, NaN/inf, 0-d, empty,
    non-contiguous, float64, and integer and bool inputs when `ints`; `special_options` override
    `options` for the NaN/inf sample."""
    def samples() -> list[Sample]:
        base = pos if positive else f32
        out = [sample(base(2, 3), *extra, **options), sample(special(), *extra, **{**options, **(special_options or {})}),
               sample(np.array(base(1)[0]), *extra, **options), sample(base(0, 3), *extra, **options),
               sample(strided(3, 4), *extra, **options), sample(base(4).astype(np.float64), *extra, **options)]
        if ints:
            out += [sample(i64(2, 3, lo=1 if positive else -5), *extra, **options),
                    sample(mask(5), *extra, **options)]
        return out
    return samples


def binary(*extra: Any, ints: bool = True, scalar: bool = True, **options: Any) -> Callable[[], list[Sample]]:
    """An elementwise op of two operands (and `extra` constants): broadcasting, NaN/inf, 0-d, a Python
    scalar (when `scalar`), mixed dtypes, and integer and bool inputs when `ints`."""
    def samples() -> list[Sample]:
        out = [sample(f32(2, 3), f32(3), *extra, **options), sample(special(), special()[::-1].copy(), *extra,
                                                                     **options),
               sample(f32(4, 1), np.array(f32(1)[0]), *extra, **options), sample(f32(0, 3), f32(3), *extra, **options),
               sample(strided(3, 4), f32(3, 4), *extra, **options),
               sample(f32(3).astype(np.float64), f32(2, 3), *extra, **options)]
        if scalar:
            out += [sample(f32(2, 3), 2.5, *extra, **options), sample(f32(3), -2, *extra, **options)]
        if ints:
            out += [sample(i64(2, 3), i64(3, lo=1), *extra, **options),
                    sample(i32(3), i64(2, 3, lo=1), *extra, **options), sample(mask(4), mask(4), *extra, **options)]
        if ints and scalar:
            out.append(sample(i64(3), 1.5, *extra, **options))
        return out
    return samples


def joined(*makers: Callable[[], list[Sample]]) -> Callable[[], list[Sample]]:
    return lambda: [s for make in makers for s in make()]
