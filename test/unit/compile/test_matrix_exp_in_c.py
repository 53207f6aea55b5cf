"""linalg.matrix_exp compiles wholly to C (a decomposition: scaling, 18 Taylor terms, then squarings in
a loop whose count the data decides, scf.while in C) and agrees with its kernel and with PyTorch,
for small and large norms, batches whose matrices need different squarings, and inf/NaN entries."""
import numpy as np
import pytest

import tsjit
import tsjit.nn as nn

rng = np.random.default_rng(0)


class MatrixExp(nn.Module):
    def forward(self, a):
        return tsjit.linalg.matrix_exp(a)


def _compiled(a):
    x = tsjit.from_numpy(a.copy())
    model = tsjit.jit.trace(MatrixExp().eval(), (x,), check_trace=False)
    return tsjit.compile(model, backend="c", example_inputs=[x], fallback=False)


INPUTS = {
    "small": rng.standard_normal((3, 3)) * 0.3,
    "batch": rng.standard_normal((2, 4, 4)) * 2,
    "large_norm": rng.standard_normal((5, 5)) * 20,
    "mixed_norms": rng.standard_normal((3, 6, 6)) * np.array([0.01, 1, 30])[:, None, None],
    "one_by_one": np.array([[60.0]]),
    "non_normal": np.array([[1.0, 1e3], [0.0, 1.0]]),
    "zeros": np.zeros((2, 2)),
    "tiny": rng.standard_normal((4, 4)) * 1e-8,
    "empty_batch": np.zeros((0, 3, 3)),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(INPUTS))
def test_matrix_exp_compiles_to_c_and_matches(name, dtype):
    a = INPUTS[name].astype(dtype)
    got = _compiled(a)(tsjit.from_numpy(a.copy())).numpy()
    want = tsjit.linalg.matrix_exp(tsjit.from_numpy(a.copy())).numpy()
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-30)
    torch = pytest.importorskip("torch")
    exact = torch.linalg.matrix_exp(torch.from_numpy(a.astype(np.float64))).numpy()
    np.testing.assert_allclose(got, exact, rtol=1e-4 if dtype == np.float32 else 1e-10, atol=1e-30)
    if dtype == np.float32:  # PyTorch's own float32 result: to 1e-4 of the largest entry (it loses more)
        same = torch.linalg.matrix_exp(torch.from_numpy(a)).numpy()
        np.testing.assert_allclose(got, same, rtol=1e-4, atol=1e-4 * np.abs(exact).max(initial=0))


def test_the_count_of_squarings_follows_the_data_not_the_example():
    """Compiled on a small-norm matrix (no squarings), run on large-norm ones (many)."""
    compiled = _compiled(np.eye(4) * 0.1)
    for scale in (0.1, 3.0, 50.0):
        a = rng.standard_normal((4, 4)) * scale
        got = compiled(tsjit.from_numpy(a)).numpy()
        np.testing.assert_allclose(got, tsjit.linalg.matrix_exp(tsjit.from_numpy(a)).numpy(), rtol=1e-12)


def test_infinities_and_nans_as_the_kernel():
    a = np.array([[[1, np.inf], [0, 1]], [[np.nan, 0], [0, 1]], [[1, 2], [3, 4]], [[-1e300, 0], [0, 1]]])
    got = _compiled(a)(tsjit.from_numpy(a)).numpy()
    with np.errstate(all="ignore"):
        want = tsjit.linalg.matrix_exp(tsjit.from_numpy(a)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-12)
