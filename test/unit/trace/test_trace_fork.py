"""fork/wait under a trace: the forked call is recorded in a ts.fork body, wait as ts.wait."""
import tsjit as torch
import tsjit.nn as nn


def branch(x, w):
    return torch.tanh(x @ w) * 2


def two_branches(x, w1, w2):
    a = torch.jit.fork(branch, x, w1)
    b = torch.jit.fork(branch, x, w2)
    return torch.jit.wait(a) + torch.jit.wait(b)


def test_traced_fork_records_fork_and_wait_and_matches_sequential():
    args = (torch.rand(4, 8), torch.rand(8, 8), torch.rand(8, 8))
    traced = torch.jit.trace(two_branches, args)
    assert traced.graph.count("ts.fork") == 2 and traced.graph.count("ts.wait") == 2
    assert "ts.matmul" in traced.graph  # recorded inside the fork bodies
    x, w1, w2 = torch.rand(6, 8), torch.rand(8, 8), torch.rand(8, 8)
    torch.testing.assert_close(traced(x, w1, w2), branch(x, w1) + branch(x, w2))


def test_traced_fork_of_a_script_function_calls_it_in_the_body():
    scripted = torch.jit.script(branch)

    def f(x, w):
        return torch.jit.wait(torch.jit.fork(scripted, x, w)) + 1

    traced = torch.jit.trace(f, (torch.rand(2, 3), torch.rand(3, 3)))
    assert "ts.call_function" in traced.graph and "ts.fork" in traced.graph
    x, w = torch.rand(5, 3), torch.rand(3, 3)
    torch.testing.assert_close(traced(x, w), branch(x, w) + 1)


def test_traced_module_forking_its_submodules():
    class Parallel(nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b = nn.Linear(4, 4), nn.Linear(4, 4)

        def forward(self, x):
            fa = torch.jit.fork(self.a, x)
            fb = torch.jit.fork(self.b, x)
            return torch.jit.wait(fa) * torch.jit.wait(fb)

    net = Parallel()
    traced = torch.jit.trace(net, torch.rand(3, 4))
    assert traced.graph.count("ts.fork") == 2
    x = torch.rand(7, 4)
    torch.testing.assert_close(traced(x), net.a(x) * net.b(x))


def test_values_made_in_a_fork_body_do_not_escape_it():
    def f(x):
        fut = torch.jit.fork(lambda y: (y * 2, y + 1), x)
        doubled, plus = torch.jit.wait(fut)
        return doubled - plus

    traced = torch.jit.trace(f, (torch.rand(3),))  # the IR verifies: uses outside go through ts.wait
    x = torch.rand(3)
    torch.testing.assert_close(traced(x), x * 2 - (x + 1))
