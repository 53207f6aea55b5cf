"""tsjit.set_num_threads / get_num_threads: every backend follows the count (C OpenMP loops via
each loaded library, the numpy backend's fork pool), as torch.set_num_threads does."""
import numpy as np
import pytest

import tsjit
from tsjit import threads
from tsjit.backends.c import find_compiler

needs_cc = pytest.mark.skipif(find_compiler() is None, reason="no C compiler")


@pytest.fixture(autouse=True)
def restore():
    before = threads._count
    yield
    threads._count = before


def test_arguments_are_checked():
    with pytest.raises(TypeError, match="expects an int, but got str"):
        tsjit.set_num_threads("2")
    with pytest.raises(RuntimeError, match="positive integer"):
        tsjit.set_num_threads(0)
    tsjit.set_num_threads(3)
    assert tsjit.get_num_threads() == 3


@needs_cc
def test_loaded_c_libraries_use_the_count():
    """A parallel loop of a library loaded before the call and one loaded after both run on
    exactly the threads asked for."""
    from tsjit.backends.c.build import build, compiler_command
    from tsjit.backends.c.render_tables import PRELUDE

    if "-fopenmp" not in compiler_command():
        pytest.skip("the C compiler has no OpenMP")
    probe = PRELUDE + """
int threads_used(void) {
    int used = 0;
    #pragma omp parallel num_threads(ts_num_threads(INT64_C(1) << 40))
    {
        #pragma omp single
        used = omp_get_num_threads();
    }
    return used;
}
"""
    early = build(probe)
    threads.adopt_library(early)
    tsjit.set_num_threads(2)
    assert early.threads_used() == 2
    late = build(probe + "/* another library */\n")
    threads.adopt_library(late)
    assert late.threads_used() == 2
    tsjit.set_num_threads(1)
    assert early.threads_used() == 1 and late.threads_used() == 1


@needs_cc
def test_compiled_models_agree_at_any_thread_count():
    def model(a):
        return tsjit.tanh(a @ a.t()) * 2

    x = tsjit.randn(64, 256)
    compiled = tsjit.compile(model, backend="c", example_inputs=(x,))
    results = []
    for n in (1, 2, 3):
        tsjit.set_num_threads(n)
        results.append(np.asarray(compiled(x)))
    for r in results[1:]:
        np.testing.assert_allclose(r, results[0], rtol=1e-5, atol=1e-6)


class _Blocks(tsjit.nn.Module):
    """Contractions whose blocks run in parallel: Winograd (3x3, stride 1), im2col (stride 2), a 1x1
    convolution, a linear with row blocks and a batched matmul over heads."""

    def __init__(self):
        super().__init__()
        nn = tsjit.nn
        self.wino, self.strided = nn.Conv2d(8, 16, 3, padding=1), nn.Conv2d(16, 32, 3, stride=2, padding=1)
        self.point, self.linear = nn.Conv2d(32, 64, 1), nn.Linear(64, 128)

    def forward(self, x, q):
        y = self.point(tsjit.relu(self.strided(tsjit.relu(self.wino(x)))))
        rows = self.linear(y.flatten(2).transpose(1, 2))
        return tsjit.relu(rows), tsjit.softmax(q @ q.transpose(-1, -2), -1) @ q


@needs_cc
def test_block_parallel_contractions_agree_with_one_thread_bit_for_bit():
    """Each block's call runs whole on one thread, so 1 and 2 threads give identical results."""
    tsjit.manual_seed(0)
    model = _Blocks().eval()
    x, q = tsjit.randn(2, 8, 64, 64), tsjit.randn(2, 4, 128, 64)
    compiled = tsjit.compile(model, backend="c", example_inputs=(x, q), fallback=False)
    expected = model(x, q)
    results = []
    for n in (1, 2):
        tsjit.set_num_threads(n)
        results.append([np.asarray(r) for r in compiled(x, q)])
    for one, two, want in zip(*results, expected):
        np.testing.assert_array_equal(two, one)
        np.testing.assert_allclose(one, want.numpy(), rtol=1e-4, atol=1e-4)


def test_the_fork_pool_follows_the_count():
    from tsjit.backends.numpy import fork

    @tsjit.jit.script
    def body(x):
        fut = tsjit.jit.fork(tsjit.relu, x)
        return tsjit.jit.wait(fut)

    x = tsjit.randn(3)
    np.testing.assert_array_equal(body(x).numpy(), np.maximum(x.numpy(), 0))
    if fork._num_threads is None and fork._pool is not None:
        tsjit.set_num_threads(2)
        assert fork._pool._max_workers == 2 and fork.get_num_interop_threads() == 2
        np.testing.assert_array_equal(body(x).numpy(), np.maximum(x.numpy(), 0))
