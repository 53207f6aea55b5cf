"""gcd / lcm (tsjit/lowering/integer_loops.py: Euclid's rounds in an scf.for of a bounded trip count)
compile wholly to C (fallback=False) and agree with PyTorch on every integer width: zeros, signs,
the extremes (int8's gcd(-128, 6) is -2, as ATen's wrapping abs gives), the Fibonacci pairs that
take Euclid the most rounds, lcm's wrap-around, broadcasting, mixed dtypes, transposed, 0-d and
empty inputs (the op-info test compiles only each op's first sample)."""
import numpy as np
import pytest

import tsjit
from tsjit.frontend import from_torch

torch = pytest.importorskip("torch")
rng = np.random.default_rng(0)


def _fibonacci(t):
    fib = [1, 2]
    while fib[-1] + fib[-2] <= np.iinfo(t).max:
        fib.append(fib[-1] + fib[-2])
    return fib


def _pairs(t):
    """Every pair of edge values, the largest consecutive Fibonacci numbers, and random values."""
    info = np.iinfo(t)
    edges = [0, 1, -1, 6, -4, 12, 18, info.max, info.min, info.max - 1, info.min + 1, 7]
    a = [x for x in edges for _ in edges] + _fibonacci(t)[-4:] + [-v for v in _fibonacci(t)[-5:-1]]
    b = [y for _ in edges for y in edges] + _fibonacci(t)[-5:-1] + _fibonacci(t)[-4:]
    a += list(rng.integers(info.min, info.max, 50, endpoint=True))
    b += list(rng.integers(-40, 40, 50))
    x, y = np.array(a, t), np.array(b, t)
    # lcm traps in PyTorch's kernel on MIN / -1 (gcd -1 of MIN): such pairs are left out
    g = torch.gcd(torch.from_numpy(x), torch.from_numpy(y)).numpy()
    keep = ~((g == -1) & ((x == info.min) | (y == info.min)))
    return x[keep], y[keep]


def _check(fn, x, y):
    class Model(torch.nn.Module):
        def forward(self, a, b):
            return fn(a, b)

    tx, ty = torch.from_numpy(np.array(x)), torch.from_numpy(np.array(y))
    want = fn(tx, ty).numpy()
    module = from_torch(Model(), (tx, ty))
    args = (tsjit.from_numpy(x), tsjit.from_numpy(y))
    got = np.asarray(tsjit.compile(module, backend="c", example_inputs=args, fallback=False)(*args))
    assert got.dtype == want.dtype and got.shape == want.shape, f"{got.dtype}{got.shape} vs {want.dtype}{want.shape}"
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("fn", [torch.gcd, torch.lcm], ids=["gcd", "lcm"])
@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64])
def test_every_width_agrees_with_pytorch(fn, dtype):
    _check(fn, *_pairs(dtype))


@pytest.mark.parametrize("fn", [torch.gcd, torch.lcm], ids=["gcd", "lcm"])
def test_shapes_and_dtypes(fn):
    ints = rng.integers(-60, 60, (4, 6))
    _check(fn, ints, ints[::-1].copy())
    _check(fn, ints.T, rng.integers(-60, 60, (6, 1)))  # transposed, broadcast
    _check(fn, ints.astype(np.int32), rng.integers(-60, 60, 6).astype(np.int16))  # promoted
    _check(fn, np.array(84), ints)  # 0-d
    _check(fn, np.array(-84, np.int32), np.array(36, np.int32))
    _check(fn, np.zeros((0, 6), np.int64), ints[0])
