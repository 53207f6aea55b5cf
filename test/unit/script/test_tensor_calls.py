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
