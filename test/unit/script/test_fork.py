"""`torch.jit.fork` / `torch.jit.wait` in script: the IR, `.code`, results equal to the sequential
ones, concurrency on the numpy backend's inter-op pool, errors at wait and at compile time."""
import threading
from typing import List

import numpy as np
import pytest

import tsjit as torch
import tsjit.nn as nn
from tsjit import Tensor
from tsjit.jit import Future


def scale(x: Tensor, k: int = 2) -> Tensor:
    return x * k + 1


def pair(x: Tensor) -> Tensor:
    a = torch.jit.fork(scale, x, 3)
    b = torch.jit.fork(scale, x)
    return a.wait() * b.wait()


def nested(x: Tensor) -> Tensor:
    """Forks whose bodies fork again and wait inside the pool."""
    a = torch.jit.fork(pair, x)
    b = torch.jit.fork(pair, x + 1)
    return torch.jit.wait(a) - torch.jit.wait(b)


def checked(x: Tensor) -> Tensor:
    if bool(x.sum() > 0):
        raise ValueError("positive input")
    return x


def assert_same(got, expected):
    np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-6)


def test_fork_of_a_function_with_keyword_arguments():
    def f(x: Tensor) -> Tensor:
        fut: Future[Tensor] = torch.jit.fork(scale, x, k=3)
        futs: List[Future[Tensor]] = []
        futs.append(torch.jit.fork(scale, x))
        return fut.wait() + torch.jit.wait(futs[0])

    x = torch.randn(3, 4)
    s = torch.jit.script(f)
    assert_same(s(x), scale(x, 3) + scale(x))
    assert_same(s(x), f(x))  # eager fork/wait give the same
    s._compiled.func_op.verify()
    assert s.graph.count("ts.fork") == 2 and s.graph.count("ts.wait") == 2
    assert "ts.call_function @__torch__.test_fork.scale(" in s.graph
    assert "!ts.future<!ts.tensor>" in s.graph


def test_code_prints_forked_functions_as_torchscript_does():
    def f(x: Tensor) -> Tensor:
        fut = torch.jit.fork(scale, x, k=3)
        return torch.jit.wait(fut)

    code = torch.jit.script(f).code
    assert "  def __forked_function():\n    return __torch__.test_fork.scale(x, 3, )\n  fut = fork(__forked_function)" in code
    assert "return torch.wait(fut)" in code


def test_fork_of_a_nested_function():
    def inner(x: Tensor) -> Tensor:
        return x.tanh()

    def f(x: Tensor) -> Tensor:
        a = torch.jit.fork(inner, x)
        b = torch.jit.fork(scale, x, 4)
        return a.wait() - b.wait()

    x = torch.randn(5)
    assert_same(torch.jit.script(f)(x), x.tanh() - scale(x, 4))


def test_fork_of_a_script_function():
    scripted_scale = torch.jit.script(scale)

    def f(x: Tensor) -> Tensor:
        return torch.jit.fork(scripted_scale, x, 4).wait()

    x = torch.randn(5)
    s = torch.jit.script(f)
    assert_same(s(x), scale(x, 4))
    assert "ts.fork" in s.graph and "ts.call_function" in s.graph


class Sub(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4, 4)

    def forward(self, x):
        return self.lin(x).relu()


class Parallel(nn.Module):
    def __init__(self):
        super().__init__()
        self.sub = Sub()

    def helper(self, x: Tensor, k: int) -> Tensor:
        return x * k

    def forward(self, x):
        a = torch.jit.fork(self.sub, x)
        b = torch.jit.fork(self.helper, x, 3)
        return torch.jit.wait(a) + b.wait()


def test_fork_of_a_submodule_and_a_method():
    m = Parallel()
    s = torch.jit.script(m)
    x = torch.randn(2, 4)
    assert_same(s(x), m(x))
    s.forward._compiled.func_op.verify()
    graph = s.forward.graph
    assert 'ts.call_method %sub["forward"]' in graph and 'ts.call_method %self["helper"]' in graph
    code = s.code
    assert "return (sub).forward(x, )" in code and "return (self).helper(x, 3, )" in code


def test_nested_forks():
    x = torch.randn(2)
    assert_same(torch.jit.script(nested)(x), nested(x))


def test_more_outstanding_forks_than_pool_threads():
    def f(x: Tensor, n: int) -> Tensor:
        futs: List[Future[Tensor]] = []
        for i in range(n):
            futs.append(torch.jit.fork(nested, x + i))
        out = torch.zeros_like(x)
        for fut in futs:
            out = out + fut.wait()
        return out

    n = 4 * torch.get_num_interop_threads() + 3
    x = torch.randn(3)
    assert_same(torch.jit.script(f)(x, n), f(x, n))


def test_an_error_in_a_forked_body_is_raised_at_wait():
    reached = []

    @torch.jit.ignore
    def mark(x: Tensor) -> Tensor:
        reached.append(True)
        return x

    def f(x: Tensor) -> Tensor:
        fut = torch.jit.fork(checked, x)
        y = mark(x)  # runs: fork did not raise
        return torch.jit.wait(fut) + y

    s = torch.jit.script(f)
    assert_same(s(-torch.ones(2)), -2 * torch.ones(2))
    with pytest.raises(torch.jit.Error, match="builtins.ValueError: positive input"):
        s(torch.ones(2))
    assert reached == [True, True]


def test_a_failing_fork_that_is_never_waited_for_is_harmless():
    def f(x: Tensor) -> Tensor:
        torch.jit.fork(checked, x)
        return x + 1

    assert_same(torch.jit.script(f)(torch.ones(2)), 2 * torch.ones(2))


def test_forked_bodies_run_concurrently():
    """Each body waits at a 2-party barrier: both complete only if they run at the same time."""
    barrier = threading.Barrier(2, timeout=10)

    @torch.jit.ignore
    def meet(x: Tensor) -> Tensor:
        barrier.wait()  # raises BrokenBarrierError after the timeout instead of hanging
        return x + 1

    def f(x: Tensor) -> Tensor:
        a = torch.jit.fork(meet, x)
        b = torch.jit.fork(meet, x * 2)
        return a.wait() + b.wait()

    assert_same(torch.jit.script(f)(torch.ones(2)), 5 * torch.ones(2))


def assert_marks(message, line, marked):
    """The error's excerpt shows `line` with a `~~~ <--- HERE` marker under `marked`."""
    lines = message.splitlines()
    i = next(i for i, text in enumerate(lines) if text.strip() == line)
    col = lines[i].index(marked)
    assert lines[i + 1] == " " * col + "~" * len(marked) + " <--- HERE"


def test_fork_of_something_not_callable_is_a_compile_error():
    def f(x: Tensor) -> Tensor:
        fut = torch.jit.fork(3, x)
        return x

    with pytest.raises(torch.jit.CompileError) as info:
        torch.jit.script(f)
    message = str(info.value)
    assert message.startswith("cannot call a value of type 'int'")
    assert_marks(message, "fut = torch.jit.fork(3, x)", "torch.jit.fork(3, x)")


def test_fork_without_arguments_is_a_compile_error():
    def f(x: Tensor) -> Tensor:
        fut = torch.jit.fork()
        return x

    with pytest.raises(torch.jit.CompileError, match="^Expected at least one argument to fork()"):
        torch.jit.script(f)


def test_wait_on_a_value_that_is_not_a_future_is_a_compile_error():
    def f(x: Tensor) -> Tensor:
        return torch.jit.wait(x)

    with pytest.raises(torch.jit.CompileError) as info:
        torch.jit.script(f)
    message = str(info.value)
    assert message.startswith("aten::wait(Future(t) self) -> t:\nCould not match type Tensor to Future[t]")
    assert_marks(message, "return torch.jit.wait(x)", "torch.jit.wait(x)")


def test_wait_method_on_a_value_that_is_not_a_future_is_a_compile_error():
    def f(x: int) -> int:
        return x.wait()

    with pytest.raises(torch.jit.CompileError, match="^'int' object has no attribute or method 'wait'"):
        torch.jit.script(f)


TORCH_SOURCE = """
import torch
from typing import List


def scale(x: torch.Tensor, k: int = 2) -> torch.Tensor:
    return x * k + 1


def f(x: torch.Tensor) -> torch.Tensor:
    fut: torch.jit.Future[torch.Tensor] = torch.jit.fork(scale, x, k=3)
    futs: List[torch.jit.Future[torch.Tensor]] = []
    futs.append(torch.jit.fork(scale, x))
    return fut.wait() + torch.jit.wait(futs[0])
"""


def test_same_results_as_torchscript(tmp_path, monkeypatch):
    """The same source scripted by TorchScript and by tsjit (from files: both need the source)."""
    real = pytest.importorskip("torch")
    (tmp_path / "fork_torch.py").write_text(TORCH_SOURCE)
    (tmp_path / "fork_tsjit.py").write_text(TORCH_SOURCE.replace("import torch", "import tsjit as torch"))
    monkeypatch.syspath_prepend(str(tmp_path))
    import fork_torch
    import fork_tsjit

    x = np.random.default_rng(0).standard_normal((2, 3)).astype(np.float32)
    expected = real.jit.script(fork_torch.f)(real.from_numpy(x)).numpy()
    got = torch.jit.script(fork_tsjit.f)(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_a_future_returned_by_compiled_code_waits_to_tensors():
    @torch.jit.script
    def start(x):
        return torch.jit.fork(torch.relu, x)

    fut = start(torch.tensor([-1.0, 2.0]))
    out = torch.jit.wait(fut)
    assert isinstance(out, torch.Tensor)
    torch.testing.assert_close(out, torch.tensor([0.0, 2.0]))

    @torch.jit.script
    def finish(f: torch.jit.Future[torch.Tensor]):
        return torch.jit.wait(f) + 1

    torch.testing.assert_close(finish(torch.jit.fork(torch.relu, torch.tensor([-1.0, 2.0]))),
                               torch.tensor([1.0, 3.0]))
