"""det, slogdet, logdet, inverse and linalg.solve (tsjit/lowering/linalg.py: Gaussian elimination
with partial pivoting in loops) and svdvals with the norms built on it (singular_values.py:
one-sided Jacobi) compile wholly to C (fallback=False) and agree with PyTorch (LAPACK) on batches,
float32 and float64, transposed inputs, 1x1 to 64x64 matrices, empty batches and 0x0 matrices,
singular matrices, negative determinants, NaN and infinity, broadcast solves, wide, tall,
low-rank, ill-conditioned and badly scaled matrices (the op-info test compiles only each op's
first sample)."""
import numpy as np
import pytest

import tsjit
from tsjit.frontend import from_torch

torch = pytest.importorskip("torch")
rng = np.random.default_rng(0)


def _conditioned(*shape, dtype=np.float32):
    """Random matrices plus n on the diagonal: well conditioned, any sign of determinant."""
    n = shape[-1]
    return (rng.standard_normal(shape) + n * np.eye(n) * rng.choice([-1, 1], shape[:-1])[..., None]).astype(dtype)


def _matrices():
    swap = np.array([[0, 2, 0], [1, 0, 0], [0, 0, 3]], np.float32)
    return {"random": rng.standard_normal((3, 4, 4)).astype(np.float32), "f64": rng.standard_normal((2, 5, 5)),
            "conditioned": _conditioned(2, 3, 6, 6), "one": np.array([[-2.5]], np.float32),
            "large": _conditioned(64, 64), "transposed": rng.standard_normal((5, 5)).astype(np.float32).T,
            "permutation": swap, "singular": np.array([[[1, 2], [2, 4]], [[0, 0], [0, 0]]], np.float32),
            "equal_columns": np.array([[1, 2, 1], [4, 5, 4], [7, 8, 7]], np.float64),
            "special": np.array([[[np.nan, 1], [1, 1]], [[np.inf, 1], [1, 1]], [[1, 2], [np.inf, 1]]], np.float32),
            "empty_batch": np.zeros((0, 3, 3), np.float32), "zero_by_zero": np.zeros((2, 0, 0), np.float32)}


DETERMINANTS = "random f64 conditioned one large transposed permutation singular equal_columns special " \
               "empty_batch zero_by_zero"
INVERTIBLE = "f64 conditioned one large transposed permutation empty_batch zero_by_zero"


def _module(fn, *xs):
    class Model(torch.nn.Module):
        def forward(self, *args):
            return fn(*args)
    return from_torch(Model(), tuple(torch.from_numpy(np.array(x)) for x in xs))


def _check(fn, *xs, rtol=1e-4, atol=1e-5, what=""):
    want = fn(*[torch.from_numpy(np.array(x)) for x in xs])
    want = [w.numpy() for w in (want if isinstance(want, tuple) else (want,))]
    compiled = tsjit.compile(_module(fn, *xs), backend="c", example_inputs=tuple(tsjit.from_numpy(x) for x in xs),
                             fallback=False)
    got = compiled(*[tsjit.from_numpy(x) for x in xs])
    got = [np.asarray(g) for g in (got if isinstance(got, tuple) else (got,))]
    assert len(got) == len(want), what
    for k, (g, w) in enumerate(zip(got, want)):
        assert g.dtype == w.dtype and g.shape == w.shape, f"{what} result {k}: {g.dtype}{g.shape} vs {w.dtype}{w.shape}"
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol, err_msg=f"{what} result {k}")


@pytest.mark.parametrize("name", ["det", "slogdet", "logdet"])
def test_determinants_agree_with_pytorch(name):
    fn = {"det": torch.linalg.det, "slogdet": torch.linalg.slogdet, "logdet": torch.logdet}[name]
    inputs = _matrices()
    for kind in DETERMINANTS.split():
        _check(fn, inputs[kind], what=kind)


def test_inverse_agrees_with_pytorch():
    inputs = _matrices()
    for kind in INVERTIBLE.split():
        _check(torch.linalg.inv, inputs[kind], what=kind)


def test_inverse_of_a_singular_matrix_raises_as_in_pytorch():
    x, singular = np.eye(2, dtype=np.float32), np.array([[1, 2], [2, 4]], np.float32)
    compiled = tsjit.compile(_module(torch.linalg.inv, x), backend="c", example_inputs=(tsjit.from_numpy(x),),
                             fallback=False)
    np.testing.assert_array_equal(np.asarray(compiled(tsjit.from_numpy(x))), x)
    with pytest.raises(RuntimeError, match="singular"):
        compiled(tsjit.from_numpy(singular))
    with pytest.raises(RuntimeError, match="singular"):
        torch.linalg.inv(torch.from_numpy(singular))


SOLVES = {
    "matrix": (lambda a, b: torch.linalg.solve(a, b), _conditioned(3, 3),
               rng.standard_normal((3, 2)).astype(np.float32)),
    "vector": (lambda a, b: torch.linalg.solve(a, b), _conditioned(4, 4), rng.standard_normal(4).astype(np.float32)),
    "batched_vector": (lambda a, b: torch.linalg.solve(a, b), _conditioned(2, 3, 3),
                       rng.standard_normal((2, 3)).astype(np.float32)),
    "broadcast": (lambda a, b: torch.linalg.solve(a, b), _conditioned(2, 1, 3, 3),
                  rng.standard_normal((4, 3, 5)).astype(np.float32)),
    "left_false": (lambda a, b: torch.linalg.solve(a, b, left=False), _conditioned(2, 3, 3),
                   rng.standard_normal((2, 4, 3)).astype(np.float32)),
    "transposed": (lambda a, b: torch.linalg.solve(a, b), _conditioned(5, 5).T.copy().T,
                   rng.standard_normal((2, 5)).astype(np.float32).T),
    "large": (lambda a, b: torch.linalg.solve(a, b), _conditioned(40, 40, dtype=np.float64),
              rng.standard_normal((40, 3))),
    "no_columns": (lambda a, b: torch.linalg.solve(a, b), _conditioned(3, 3), np.zeros((3, 0), np.float32)),
    "empty_batch": (lambda a, b: torch.linalg.solve(a, b), np.zeros((0, 3, 3), np.float32),
                    np.zeros((0, 3, 2), np.float32)),
    "empty_batch_broadcast": (lambda a, b: torch.linalg.solve(a, b), np.zeros((0, 3, 3), np.float32),
                              np.ones((3, 2), np.float32)),
}


@pytest.mark.parametrize("name", sorted(SOLVES))
def test_solve_agrees_with_pytorch(name):
    fn, a, b = SOLVES[name]
    _check(fn, a, b, what=name)


def test_singular_values_agree_with_pytorch():
    low_rank = rng.standard_normal((5, 2)) @ rng.standard_normal((2, 6))
    ill = rng.standard_normal((7, 7)) @ np.diag(np.logspace(0, -6, 7))
    cases = {"wide": rng.standard_normal((3, 4, 5)).astype(np.float32), "tall": rng.standard_normal((2, 9, 4)),
             "large": rng.standard_normal((64, 64)).astype(np.float32), "low_rank": low_rank.astype(np.float32),
             "ill_conditioned": ill.astype(np.float32), "row": rng.standard_normal((1, 5)).astype(np.float32),
             "column": rng.standard_normal((5, 1)).astype(np.float32), "zeros": np.zeros((3, 3), np.float32),
             "transposed": rng.standard_normal((6, 4)).astype(np.float32).T,
             "empty_batch": np.zeros((0, 3, 4), np.float32), "no_columns": np.zeros((2, 3, 0), np.float32)}
    for kind, x in cases.items():
        _check(torch.linalg.svdvals, x, what=kind)
    for scale in (1e200, 1e-200):  # squares that would overflow or underflow in float64
        _check(torch.linalg.svdvals, rng.standard_normal((3, 5, 4)) * scale, atol=0, what=f"scale {scale}")


@pytest.mark.parametrize("ord", ["nuc", 2, -2])
def test_matrix_norms_by_singular_values(ord):
    x = rng.standard_normal((2, 4, 5)).astype(np.float32)
    _check(lambda a: torch.linalg.matrix_norm(a, ord), x, what=str(ord))
