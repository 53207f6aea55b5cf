"""Eager `fork` / `wait` and the `Future[T]` annotation, as eager PyTorch behaves."""
import typing

import numpy as np
import pytest

import tsjit as torch
from tsjit.frontend.script.type_annotations import resolve_annotation
from tsjit.dialects.ts.types import FutureType, ListType, TensorType


def scale(x, k=2):
    return x * k


def test_fork_runs_the_call_and_wait_gives_its_value():
    x = torch.arange(4.0)
    fut = torch.jit.fork(scale, x, k=3)
    assert isinstance(fut, torch.jit.Future) and fut.done()
    np.testing.assert_array_equal(torch.jit.wait(fut).numpy(), [0, 3, 6, 9])
    assert fut.wait() is torch.jit.wait(fut)


def test_top_level_names_are_the_jit_ones():
    assert torch.fork is torch.jit.fork and torch.wait is torch.jit.wait
    assert torch.wait(torch.fork(len, [1, 2])) == 2


def test_fork_of_a_module_and_a_script_function():
    lin = torch.nn.Linear(3, 2)
    x = torch.randn(4, 3)
    np.testing.assert_allclose(torch.jit.wait(torch.jit.fork(lin, x)).numpy(), lin(x).numpy())

    def add_one(t: torch.Tensor) -> torch.Tensor:
        return t + 1

    scripted = torch.jit.script(add_one)
    np.testing.assert_allclose(torch.jit.fork(scripted, x).wait().numpy(), (x + 1).numpy())


def test_an_exception_is_raised_by_fork_itself_as_in_eager_pytorch():
    def bad(x):
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        torch.jit.fork(bad, 1)


def test_bad_arguments():
    with pytest.raises(TypeError, match="Object of type 'int' is not an instance of 'function'"):
        torch.jit.fork(5)
    with pytest.raises(TypeError, match="wait\\(\\) expects a Future, got 'int'"):
        torch.jit.wait(3)


def test_future_is_an_annotation():
    Future = torch.jit.Future
    assert typing.get_origin(Future[torch.Tensor]) is Future
    assert typing.get_args(Future[torch.Tensor]) == (torch.Tensor,)
    assert resolve_annotation(Future[torch.Tensor]) == FutureType(TensorType())
    assert resolve_annotation(typing.List[Future[int]]) == ListType(FutureType(resolve_annotation(int)))

    def f(x: torch.Tensor) -> torch.jit.Future[torch.Tensor]:  # eager code with the annotation runs
        return torch.jit.fork(scale, x)

    assert typing.get_type_hints(f)["return"] == Future[torch.Tensor]
    np.testing.assert_array_equal(f(torch.ones(2)).wait().numpy(), [2, 2])


def test_pytorch_future_annotation_resolves_too():
    real = pytest.importorskip("torch")
    assert resolve_annotation(real.jit.Future[real.Tensor]) == FutureType(TensorType())


def test_same_results_as_pytorch_eager():
    real = pytest.importorskip("torch")
    x = np.random.default_rng(0).standard_normal((3, 3)).astype(np.float32)

    def work(lib, t):
        futs = [lib.jit.fork(lib.matmul, t, t), lib.jit.fork(lib.tanh, t)]
        return lib.jit.wait(futs[0]) + futs[1].wait()

    expected = work(real, real.from_numpy(x)).numpy()
    np.testing.assert_allclose(work(torch, torch.from_numpy(x)).numpy(), expected, rtol=1e-5, atol=1e-6)
