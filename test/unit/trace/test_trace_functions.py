"""torch.jit.trace of functions: what is recorded, what is baked in, warnings and errors."""
import warnings

import numpy as np
import pytest

import tsjit as torch
from tsjit.jit import TracerWarning


def quiet_trace(fn, inputs, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TracerWarning)
        return torch.jit.trace(fn, inputs, **kwargs)


def test_a_traced_function_is_a_script_function_with_graph_code_and_schema():
    def f(x, y):
        return torch.relu(x @ y + 1)

    traced = torch.jit.trace(f, (torch.rand(2, 3), torch.rand(3, 4)))
    assert isinstance(traced, torch.jit.ScriptFunction)
    assert traced.schema == "f(Tensor x, Tensor y) -> Tensor"
    assert "ts.matmul %x, %y" in traced.graph and "ts.relu" in traced.graph
    assert traced.code.startswith("def f(x: Tensor,")
    assert f"{__file__}:" in traced.graph  # source locations recorded from the user's lines
    x, y = torch.rand(5, 3), torch.rand(3, 2)
    torch.testing.assert_close(traced(x, y), f(x, y))


def test_data_dependent_control_flow_is_baked_in():
    """The branch taken while tracing is the only one recorded (documented TorchScript behaviour)."""
    def f(x):
        if x.sum() > 0:
            return x * 2
        return x - 100

    with pytest.warns(TracerWarning, match="Converting a tensor to a Python boolean"):
        traced = torch.jit.trace(f, (torch.ones(3),))
    assert "ts.if" not in traced.graph
    negative = -torch.ones(3)
    torch.testing.assert_close(traced(negative), negative * 2)  # the recorded branch, not f's
    assert not np.allclose(traced(negative).numpy(), f(negative).numpy())


def test_scripting_keeps_what_tracing_bakes_in():
    def f(x):
        if x.sum() > 0:
            return x * 2
        return x - 100

    scripted = torch.jit.script(f)
    for x in (torch.ones(3), -torch.ones(3)):
        torch.testing.assert_close(scripted(x), f(x))


@pytest.mark.parametrize("convert, what", [
    (lambda t: bool(t), "boolean"), (lambda t: int(t), "integer"), (lambda t: float(t), "float"),
    (lambda t: t.item(), "number"), (lambda t: t.tolist(), "list"), (lambda t: [0, 1, 2][t], "index"),
])
def test_converting_a_tensor_to_python_warns(convert, what):
    def f(x):
        return x * convert(x.sum().long() % 2)

    with pytest.warns(TracerWarning, match=f"Converting a tensor to a Python {what} might cause the trace to be "
                                           "incorrect"):
        torch.jit.trace(f, (torch.ones(3),), check_trace=False)


def test_len_warns_and_is_baked_in():
    def f(x):
        return x * len(x)

    with pytest.warns(TracerWarning, match="Using len to get tensor shape"):
        traced = torch.jit.trace(f, (torch.ones(3),), check_trace=False)
    torch.testing.assert_close(traced(torch.ones(5)), torch.full((5,), 3.0))


def test_sizes_are_recorded_but_python_arithmetic_on_them_stays_dynamic():
    def f(x):
        n, m = x.shape
        return x.reshape(n * m // 2, 2) + x.size(1) - x.size(1)

    traced = torch.jit.trace(f, (torch.rand(3, 4),))
    assert "ts.size_dim" in traced.graph and "ts.scalar.mul" in traced.graph
    x = torch.rand(5, 6)
    torch.testing.assert_close(traced(x), f(x))


def test_tensors_created_outside_the_trace_are_constants():
    table = torch.arange(4.0)

    def f(x):
        return x + table

    traced = torch.jit.trace(f, (torch.zeros(4),))
    assert "ts.constant dense" in traced.graph or "dense<" in traced.graph
    table.add_(100)  # the constant was copied when recorded
    torch.testing.assert_close(traced(torch.zeros(4)), torch.arange(4.0))


def test_an_in_place_op_on_a_constant_reads_it_before_the_write():
    acc = torch.zeros(3)

    def f(x):
        return acc.clone().add_(x)

    traced = torch.jit.trace(f, (torch.ones(3),), check_trace=False)
    torch.testing.assert_close(traced(torch.full((3,), 2.0)), torch.full((3,), 2.0))


def test_tuple_inputs_and_nested_outputs():
    def f(pair, z):
        a, b = pair
        return (a + b, (a * z, b - z))

    x = (torch.rand(2), torch.rand(2))
    traced = torch.jit.trace(f, (x, torch.rand(2)))
    y, z = (torch.rand(4), torch.rand(4)), torch.rand(4)
    got, expected = traced(y, z), f(y, z)
    assert isinstance(got, tuple) and isinstance(got[1], tuple)
    torch.testing.assert_close(got, expected)


def test_list_outputs_warn_when_strict_and_dict_outputs_need_strict_false():
    def as_list(x):
        return [x, x * 2]

    def as_dict(x):
        return {"a": x, "b": x + 1}

    with pytest.warns(TracerWarning, match="Encountering a list at the output of the tracer"):
        traced = torch.jit.trace(as_list, (torch.rand(2),))
    assert isinstance(traced(torch.ones(2)), list)
    with pytest.raises(RuntimeError, match="Encountering a dict at the output of the tracer"):
        torch.jit.trace(as_dict, (torch.rand(2),))
    traced = torch.jit.trace(as_dict, (torch.rand(2),), strict=False)
    out = traced(torch.ones(2))
    assert set(out) == {"a", "b"}
    torch.testing.assert_close(out["b"], torch.full((2,), 2.0))


def test_inputs_and_outputs_must_be_tensors_or_containers_of_tensors():
    with pytest.raises(RuntimeError, match=r"Type 'Tuple\[int\]' cannot be traced. Only Tensors and \(possibly "
                                           r"nested\) Lists, Dicts, and Tuples of Tensors can be traced"):
        torch.jit.trace(lambda x: x, (3,))
    with pytest.raises(RuntimeError, match="Only tensors, lists, tuples of tensors, or dictionary of tensors can be "
                                           "output from traced functions"):
        torch.jit.trace(lambda x: 3, (torch.rand(2),))


def test_a_single_tensor_example_input_need_not_be_a_tuple():
    traced = torch.jit.trace(lambda x: x + 1, torch.zeros(2))
    torch.testing.assert_close(traced(torch.zeros(2)), torch.ones(2))


def test_check_trace_passes_quietly_for_a_deterministic_function():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        torch.jit.trace(lambda x: torch.tanh(x) * 3, (torch.rand(3, 3),), check_inputs=[(torch.rand(3, 3),)])


def test_check_tolerance_decides_what_counts_as_different():
    def f(x):
        return x + torch.rand(3) * 1e-4  # differs slightly from run to run

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        torch.jit.trace(f, (torch.ones(3),), check_tolerance=1e-2)
    with pytest.warns(TracerWarning) as record:
        torch.jit.trace(f, (torch.ones(3),))
    assert any(str(w.message).startswith("Output nr 1. of the traced function does not match") for w in record)


def test_tensor_constants_that_differ_between_traces_are_reported():
    tables = iter([torch.zeros(3), torch.ones(3), torch.ones(3) * 2, torch.ones(3) * 3])

    def f(x):
        return x + next(tables)  # untraceable: a different constant each time

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TracerWarning)
        with pytest.raises(torch.jit.TracingCheckError, match="ERROR: Tensor-valued Constant nodes differed in value "
                                                              "across invocations"):
            torch.jit.trace(f, (torch.ones(3),))


def test_tsjit_disable_returns_the_function(monkeypatch):
    monkeypatch.setenv("TSJIT_DISABLE", "1")

    def f(x):
        return x

    assert torch.jit.trace(f, (torch.rand(2),)) is f
    module = torch.nn.Linear(2, 2)
    assert torch.jit.trace(module, (torch.rand(2),)) is module
    assert torch.jit.trace_module(module, {"forward": torch.rand(2)}) is module


def test_is_tracing_is_true_only_inside_the_trace():
    seen = []

    def f(x):
        seen.append(torch.jit.is_tracing())
        return x

    assert not torch.jit.is_tracing()
    torch.jit.trace(f, (torch.rand(2),), check_trace=False)
    assert seen == [True]


def test_script_if_tracing_compiles_only_under_a_trace():
    @torch.jit.script_if_tracing
    def pick(x):
        if bool(x.sum() > 0):
            return x
        return -x

    def f(x):
        return pick(x) * 2

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Python's bool(tensor) would warn under the trace: it is not run
        traced = torch.jit.trace(f, (torch.ones(2),), check_trace=False)
    assert "ts.call_function" in traced.graph
    torch.testing.assert_close(traced(-torch.ones(2)), torch.full((2,), 2.0))  # the branch is kept
    assert pick.__original_fn is not pick


def test_trace_of_a_script_function_or_module_is_a_no_op():
    module = torch.jit.script(torch.nn.ReLU())
    with pytest.warns(UserWarning, match="already a ScriptModule"):
        assert torch.jit.trace(module, (torch.rand(2),)) is module


def test_top_level_aliases():
    assert torch.trace is torch.jit.trace and torch.trace_module is torch.jit.trace_module
