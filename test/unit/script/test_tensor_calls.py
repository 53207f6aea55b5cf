"""Calls of torch / Tensor / F functions bind to ts ops through the eager signatures."""
import inspect

import numpy as np
import pytest

import tsjit as torch
import tsjit.nn.functional as F
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
