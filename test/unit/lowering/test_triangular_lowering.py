"""linalg.cholesky, linalg.solve_triangular and the cholesky_solve / cholesky_inverse built on them
(tsjit/lowering/triangular.py: outer-product Cholesky and substitution in loops) compile wholly to C
(fallback=False) and agree with PyTorch (LAPACK) on batches, float32 and float64, 1x1 to 48x48
matrices, upper and lower triangles, left=False, unit diagonals, broadcast batches, empty batches
and non-symmetric inputs (each reads only its triangle); the op-info test compiles only each op's
first sample, the run-time errors are test/unit/backends/test_run_time_errors.py's."""
import numpy as np
import pytest

import tsjit
from tsjit.frontend import from_torch

torch = pytest.importorskip("torch")
rng = np.random.default_rng(0)


def _spd(*shape, dtype=np.float32):
    a = rng.standard_normal(shape)
    return (a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])).astype(dtype)


def _triangular(*shape, upper=True, dtype=np.float32):
    a = rng.standard_normal(shape) + 2 * np.eye(shape[-1]) * rng.choice([-1, 1], shape[:-1])[..., None]
    return (np.triu(a) if upper else np.tril(a)).astype(dtype)


def _check(fn, *xs, rtol=1e-4, atol=1e-5, what=""):
    class Model(torch.nn.Module):
        def forward(self, *args):
            return fn(*args)
    want = fn(*[torch.from_numpy(np.array(x)) for x in xs]).numpy()
    module = from_torch(Model(), tuple(torch.from_numpy(np.array(x)) for x in xs))
    compiled = tsjit.compile(module, backend="c", example_inputs=tuple(tsjit.from_numpy(x) for x in xs),
                             fallback=False)
    got = np.asarray(compiled(*[tsjit.from_numpy(x) for x in xs]))
    assert got.dtype == want.dtype and got.shape == want.shape, f"{what}: {got.dtype}{got.shape} vs {want.dtype}{want.shape}"
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, err_msg=what)


CHOLESKY = {
    "batch": (_spd(2, 3, 5, 5), False), "f64_large": (_spd(48, 48, dtype=np.float64), False),
    "upper": (_spd(3, 4, 4), True), "one": (np.array([[2.25]], np.float32), False),
    "non_symmetric": (np.array([[4, 7, -3], [1, 3, 9], [0.5, -1, 2]], np.float32), False),
    "non_symmetric_upper": (np.array([[4, 1, 0.5], [7, 3, -1], [-3, 9, 2]], np.float32), True),
    "empty_batch": (np.zeros((0, 3, 3), np.float32), False), "zero_by_zero": (np.zeros((2, 0, 0)), True),
}


@pytest.mark.parametrize("name", sorted(CHOLESKY))
def test_cholesky_agrees_with_pytorch(name):
    a, upper = CHOLESKY[name]
    _check(lambda x: torch.linalg.cholesky(x, upper=upper), a, what=name)


SOLVES = {
    "upper": (_triangular(4, 4), rng.standard_normal((4, 3)), True, True, False),
    "lower_batch": (_triangular(2, 5, 5, upper=False), rng.standard_normal((2, 5, 2)), False, True, False),
    "right": (_triangular(2, 3, 3), rng.standard_normal((2, 4, 3)), True, False, False),
    "right_lower_unit": (rng.standard_normal((4, 4)), rng.standard_normal((3, 2, 4)), False, False, True),
    "unit_upper": (rng.standard_normal((3, 3)), rng.standard_normal((3, 2)), True, True, True),
    "broadcast": (_triangular(2, 1, 3, 3, upper=False), rng.standard_normal((4, 3, 2)), False, True, False),
    "f64_large": (_triangular(40, 40, dtype=np.float64), rng.standard_normal((40, 6)), True, True, False),
    "full_matrix": (rng.standard_normal((3, 3)) + 3 * np.eye(3), rng.standard_normal((3, 1)), False, True, False),
    "empty_batch": (_triangular(0, 3, 3), rng.standard_normal((3, 2)), True, True, False),
}


@pytest.mark.parametrize("name", sorted(SOLVES))
def test_solve_triangular_agrees_with_pytorch(name):
    a, b, upper, left, unit = SOLVES[name]
    dtype = np.float64 if a.dtype == np.float64 else np.float32
    _check(lambda x, y: torch.linalg.solve_triangular(x, y, upper=upper, left=left, unitriangular=unit),
           a.astype(dtype), b.astype(dtype), what=name)


@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_solve_and_inverse_agree_with_pytorch(upper):
    a = _spd(2, 4, 4, dtype=np.float64)
    factor = np.linalg.cholesky(a)
    factor = np.swapaxes(factor, -1, -2).copy() if upper else factor
    _check(lambda b, f: torch.cholesky_solve(b, f, upper=upper), rng.standard_normal((3, 1, 4, 2)), factor,
           what="cholesky_solve")
    _check(lambda f: torch.cholesky_inverse(f, upper=upper), factor, what="cholesky_inverse")
