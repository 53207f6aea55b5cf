"""The tracing examples of the TorchScript documentation (torch.jit.trace's and trace_module's docstrings)."""
import warnings

import numpy as np
import pytest

import tsjit as torch
import tsjit.nn as nn


def loop_in_traced_fn(x):
    result = x[0]
    for i in range(x.size(0)):
        result = result * x[i]
    return result


def test_check_inputs_reports_that_graphs_differed():
    inputs = (torch.rand(3, 4, 5),)
    check_inputs = [(torch.rand(4, 5, 6),), (torch.rand(2, 3, 4),)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        with pytest.raises(torch.jit.TracingCheckError) as err:
            torch.jit.trace(loop_in_traced_fn, inputs, check_inputs=check_inputs)
    message = str(err.value)
    assert message.startswith("Tracing failed sanity checks!\nERROR: Graphs differed across invocations!\n")
    assert "\tGraph diff:\n" in message
    diff = [line.strip() for line in message.splitlines()]
    assert any(line.startswith("+ ") and "ts.mul" in line for line in diff)  # the fourth trip only the check has
    assert any(line.startswith("-") and line[1:].strip().startswith("func.return") for line in diff)
    assert "First diverging operator:" in message and "Check source location:" in message


def test_script_captures_the_loop_the_trace_unrolls():
    scripted_fn = torch.jit.script(loop_in_traced_fn)
    assert "ts.loop" in scripted_fn.graph
    for shape in [(3, 4, 5), (4, 5, 6), (2, 3, 4)]:
        x = torch.rand(*shape)
        torch.testing.assert_close(loop_in_traced_fn(x), scripted_fn(x))


def fill_row_zero(x):
    x[0] = torch.rand(*x.shape[1:2])
    return x


def test_fill_row_zero_warns_that_outputs_differ():
    with pytest.warns(torch.jit.TracerWarning) as record:
        traced = torch.jit.trace(fill_row_zero, (torch.rand(3, 4),))
    messages = [str(w.message) for w in record]
    assert any(m.startswith("Trace had nondeterministic nodes.") and "ts.rand" in m for m in messages)
    assert any(m.startswith("Output nr 1. of the traced function does not match the corresponding output of the "
                            "Python function. Detailed error:\nTensor-likes are not close!") for m in messages)
    assert all(w.filename == __file__ for w in record)  # they point at the user's code
    assert "ts.rand" in traced.graph and "ts.copy_" in traced.graph


def test_fill_row_zero_out_of_place_with_cat():
    def fill_row_zero(x):
        x = torch.cat((torch.rand(1, *x.shape[1:2]), x[1:2]), dim=0)
        return x

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", torch.jit.TracerWarning)  # rand differs between runs, as in PyTorch
        traced = torch.jit.trace(fill_row_zero, (torch.rand(3, 4),))
    assert "ts.cat" in traced.graph
    x = torch.rand(5, 7)
    out = traced(x)
    assert out.shape == (2, 7)  # the sizes came from x.shape: they follow the input
    np.testing.assert_array_equal(out[1].numpy(), x[1].numpy())


def test_script_calls_a_traced_function():
    def foo(x, y):
        return 2 * x + y

    traced_foo = torch.jit.trace(foo, (torch.rand(3), torch.rand(3)))

    @torch.jit.script
    def bar(x):
        return traced_foo(x, x)

    assert "ts.call_function" in bar.graph
    x = torch.rand(3)
    torch.testing.assert_close(bar(x), 3 * x)


@torch.jit.script
def foo(x, y):
    if x.max() > y.max():
        r = x
    else:
        r = y
    return r


def bar(x, y, z):
    return foo(x, y) + z


def test_trace_calls_a_script_function_and_keeps_its_control_flow():
    traced_bar = torch.jit.trace(bar, (torch.rand(3), torch.rand(3), torch.rand(3)))
    assert "ts.call_function" in traced_bar.graph and "ts.if" not in traced_bar.graph
    small, big, z = torch.zeros(3), torch.ones(3), torch.full((3,), 0.5)
    torch.testing.assert_close(traced_bar(small, big, z), big + z)
    torch.testing.assert_close(traced_bar(big, small, z), big + z)  # the other branch, taken at run time
    torch.testing.assert_close(traced_bar(small - 1, small, z), small + z)


class Backbone(nn.Module):
    """A small stand-in for torchvision's resnet18 (no torchvision here)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.fc = nn.Linear(8, 10)

    def forward(self, x):
        x = torch.relu(self.bn(self.conv(x)))
        return self.fc(x.mean((2, 3)))


class MyScriptModule(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.means = torch.nn.Parameter(torch.tensor([103.939, 116.779, 123.68]).resize_(1, 3, 1, 1))
        self.resnet = torch.jit.trace(Backbone().eval(), torch.rand(1, 3, 16, 16))

    def forward(self, input):
        return self.resnet(input - self.means)


def test_traced_submodule_in_a_scripted_module():
    eager = MyScriptModule()
    my_script_module = torch.jit.script(eager)
    assert my_script_module.resnet is eager.resnet  # the traced module is kept, with its state
    assert "ts.call_method" in my_script_module.graph
    x = torch.rand(2, 3, 16, 16) * 200
    expected = eager.resnet(x - eager.means)
    torch.testing.assert_close(my_script_module(x), expected)
    assert set(my_script_module.state_dict()) == {"means", *("resnet." + k for k in eager.resnet.state_dict())}
