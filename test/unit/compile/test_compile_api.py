"""tsjit.compile as torch.compile users call it: lazily (compiled on the first call, again per
input signature), as a decorator, with a bare example tensor; a useful repr; warnings at the
user's line; argument checks; and pickling, so a compiled model ships to worker processes."""
import multiprocessing
import pickle
import warnings
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

import tsjit
import tsjit.nn as nn
from tsjit.backends.c import find_compiler

BACKENDS = ["numpy", "c"] if find_compiler() else ["numpy"]


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(8, 16), nn.Linear(16, 4)

    def forward(self, x):
        return self.fc2(tsjit.relu(self.fc1(x)))


def model():
    tsjit.manual_seed(0)
    return MLP().eval()


@pytest.mark.parametrize("backend", BACKENDS)
def test_without_example_inputs_it_compiles_per_input_signature(backend):
    m = model()
    compiled = tsjit.compile(m, backend=backend)
    assert "compiled for 0 input signature(s)" in repr(compiled)
    for batch in (1, 3, 5, 3):
        x = tsjit.randn(batch, 8)
        np.testing.assert_allclose(compiled(x).numpy(), m(x).numpy(), rtol=1e-5, atol=1e-6)
    assert "compiled for 3 input signature(s)" in repr(compiled)
    assert compiled.compiled_for(tsjit.randn(3, 8)) is compiled.compiled_for(tsjit.randn(3, 8))


@pytest.mark.parametrize("backend", BACKENDS)
def test_decorator_on_functions_and_modules(backend):
    @tsjit.compile(backend=backend)
    def gate(x, y):
        return tsjit.sigmoid(x) * y + 1

    x, y = tsjit.randn(2, 3), tsjit.randn(2, 3)
    np.testing.assert_allclose(gate(x, y).numpy(), (tsjit.sigmoid(x) * y + 1).numpy(), rtol=1e-6)
    assert gate.__name__ == "gate"
    m = model()
    compiled = tsjit.compile(backend=backend)(m)
    x = tsjit.randn(2, 8)
    np.testing.assert_allclose(compiled(x).numpy(), m(x).numpy(), rtol=1e-5, atol=1e-6)


def test_a_bare_example_tensor_is_one_input_and_the_repr_says_what_was_compiled():
    compiled = tsjit.compile(model(), backend="numpy", example_inputs=tsjit.randn(2, 8))
    assert repr(compiled).startswith("Compiled(backend='numpy', entry='")
    assert repr(compiled).endswith("MLP.forward', inputs=(x: a float32 tensor of shape [2, 8]))")
    with pytest.raises(ValueError, match=r"argument 'x' \(position 1\) expected a float32 tensor of shape \[2, 8\], "
                                         r"got shape \[3, 8\]"):
        compiled(tsjit.randn(3, 8))


def test_scalar_arguments_are_checked_by_type():
    @tsjit.jit.script
    def scale(x, n: int):
        return x * n

    compiled = tsjit.compile(scale, backend="numpy", example_inputs=(tsjit.ones(2), 3))
    with pytest.raises(TypeError, match="expected a value of type 'int' for argument 'n' but found 'str'"):
        compiled(tsjit.ones(2), "3")


def test_warnings_point_at_the_users_line():
    def noisy(x):
        warnings.warn("noisy model")
        return x + 1

    compiled = tsjit.compile(noisy, backend="numpy", example_inputs=(tsjit.randn(4),))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        compiled(tsjit.randn(4)); line = __import__("inspect").currentframe().f_lineno  # noqa: E702
    assert [(w.filename, w.lineno, str(w.message)) for w in caught] == [(__file__, line, "noisy model")]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_compiled_model_pickles_and_runs_in_worker_processes(backend):
    m, x = model(), tsjit.randn(4, 8)
    compiled = tsjit.compile(m, backend=backend, example_inputs=(x,))
    again = pickle.loads(pickle.dumps(compiled))
    assert again.backend == compiled.backend
    np.testing.assert_array_equal(again(x).numpy(), compiled(x).numpy())
    assert pickle.loads(pickle.dumps(compiled)) is again  # one process compiles one model once
    batches = [np.random.default_rng(i).standard_normal((4, 8)).astype(np.float32) for i in range(3)]
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = list(pool.map(compiled, batches))
    for batch, result in zip(batches, results):
        np.testing.assert_allclose(result, m(tsjit.tensor(batch)).numpy(), rtol=1e-5, atol=1e-6)


def test_a_lazily_compiled_model_pickles_as_its_model():
    m = model()
    lazy = pickle.loads(pickle.dumps(tsjit.compile(m, backend="numpy")))
    x = tsjit.randn(2, 8)
    np.testing.assert_allclose(lazy(x).numpy(), m(x).numpy(), rtol=1e-5, atol=1e-6)


class SequenceModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj, self.norm = nn.Linear(16, 16), nn.LayerNorm(16)

    def forward(self, x):
        return self.norm(tsjit.relu(self.proj(x)) + x).mean(1)


@pytest.mark.parametrize("backend", BACKENDS)
def test_batch_and_sequence_sizes_vary_without_recompiling_by_hand(backend):
    tsjit.manual_seed(0)
    m = SequenceModel().eval()
    compiled = tsjit.compile(m, backend=backend)
    shapes = [(batch, seq, 16) for batch in (1, 3, 8) for seq in (7, 12)]
    for shape in shapes:
        x = tsjit.randn(*shape)
        np.testing.assert_allclose(compiled(x).numpy(), m(x).numpy(), rtol=1e-4, atol=1e-5)
    assert f"compiled for {len(shapes)} input signature(s)" in repr(compiled)
