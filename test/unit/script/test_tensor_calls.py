"""Calls of torch / Tensor / F functions bind to ts ops through the eager signatures."""
import inspect

import numpy as np
import pytest

import tsjit as torch
import tsjit.nn.functional as F
from tsjit.backends.c import find_compiler
from tsjit.dialects.ts.tensor_ops import TENSOR_OP_CLASSES
from tsjit.frontend.script.tensor_calls import SPECS, eager_object


@pytest.mark.parametrize("key", sorted(SPECS))
def test_every_spec_names_real_parameters_and_operands(key):
    spec = SPECS[key]
    params = inspect.signature(eager_object(key)).parameters
    operands = {a.name for a in TENSOR_OP_CLASSES[spec.op].SCHEMA.args}
    assert set(spec.rename) <= operands and set(spec.fixed) <= operands
    assert set(spec.rename.values()) <= set(params), (spec.rename, list(params))


def test_varargs_method_binds_its_operand():
    def f(x):
        return x.repeat(2, 1)

    np.testing.assert_array_equal(torch.jit.script(f)(torch.ones(1, 2)).numpy(), np.ones((2, 2)))


def test_argument_without_operand_must_keep_its_default():
    def f(x):
        return F.max_pool2d(x, 2, return_indices=True)

    with pytest.raises(torch.jit.CompileError, match="argument 'return_indices' of F.max_pool2d is not supported"):
        torch.jit.script(f)


def test_aliases_of_one_function_resolve_to_its_op():
    def f(a, b):
        return torch.cat((a, b), 0) + torch.concat([a, b], 0)

    np.testing.assert_array_equal(torch.jit.script(f)(torch.ones(1), torch.zeros(1)).numpy(), [2, 0])


def _number_first(t, n: int):
    return (torch.pow(t, 1.5), torch.pow(2.0, t), t.pow(0.5), t ** 1.5, torch.pow(n, t), torch.remainder(5, t),
            torch.remainder(t, 1.5), t.remainder(0.75), torch.pow(3, t.long()))


def test_number_first_overloads_match_eager_and_torch():
    """pow.Scalar and remainder.Scalar_Tensor (a number first) script; methods keep the receiver
    as the base (t.pow(0.5) is a square root, not 0.5 ** t)."""
    x = np.array([0.25, 0.6, 1.3, 4.0], np.float32)
    eager = _number_first(torch.from_numpy(x), 3)
    scripted = torch.jit.script(_number_first)(torch.from_numpy(x), 3)
    expected = [x ** 1.5, 2.0 ** x, np.sqrt(x), x ** 1.5, 3.0 ** x, np.mod(5, x), np.mod(x, 1.5), np.mod(x, 0.75),
                3 ** x.astype(np.int64)]
    for e, s, want in zip(eager, scripted, expected):
        assert e.dtype == s.dtype and str(e.dtype).split(".")[1] == np.dtype(want.dtype).name
        np.testing.assert_allclose(e.numpy(), want, rtol=1e-6)
        np.testing.assert_allclose(s.numpy(), want, rtol=1e-6)


def _where_indices(x):
    found = torch.where(x > 0.5)
    return found, torch.where(condition=x[0, 0]), len(found)


@pytest.mark.parametrize("backend", ["script", "numpy", "c"])
def test_where_with_only_a_condition_is_nonzero_as_tuple(backend):
    """aten::where(Tensor condition) -> Tensor[]: a list of int64 index tensors, as TorchScript gives
    (eager PyTorch gives a tuple); wholly in C like nonzero(as_tuple=True)."""
    x = np.array([[0.9, 0.1, 0.7], [0.2, 0.6, 0.0]], np.float32)
    if backend == "script":
        fn = torch.jit.script(_where_indices)
    else:
        if backend == "c" and find_compiler() is None:
            pytest.skip("no C compiler")
        fn = torch.compile(_where_indices, backend=backend, example_inputs=[torch.from_numpy(x)],
                           **({"fallback": False} if backend == "c" else {}))
    found, scalar, n = fn(torch.from_numpy(x))
    want = np.nonzero(x > 0.5)
    assert isinstance(found, list) and n == 2 and len(scalar) == 1
    for got, w in zip(found, want):
        assert got.dtype == torch.int64
        np.testing.assert_array_equal(got.numpy(), w)
    np.testing.assert_array_equal(scalar[0].numpy(), [0])
    eager = _where_indices(torch.from_numpy(x))[0]
    assert isinstance(eager, tuple) and [e.numpy().tolist() for e in eager] == [w.tolist() for w in want]
    real = pytest.importorskip("torch")
    assert [t.tolist() for t in real.where(real.from_numpy(x) > 0.5)] == [w.tolist() for w in want]


def test_where_condition_must_be_a_tensor():
    def f(x):
        return torch.where(1.5)

    with pytest.raises(torch.jit.CompileError, match=r"where\(condition\) expects a Tensor, got float"):
        torch.jit.script(f)
