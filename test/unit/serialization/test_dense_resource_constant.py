"""ts.constant with a dense_resource value: parses, prints, verifies, and never folds."""
import pytest
from xdsl.dialects.builtin import DenseResourceAttr, f32
from xdsl.utils.exceptions import ParseError, VerifyException

from tsjit.dialects import parse_module
from tsjit.dialects.ts.constant import ConstantOp, UnresolvedResourceError, type_of_value
from tsjit.dialects.ts.folding import NotConstant
from tsjit.dialects.ts.types import TensorType

TEXT = """
func.func @f() -> !ts.tensor {
  %w = ts.constant dense_resource<w0> : tensor<2x3xf32> as !ts.tensor
  func.return %w : !ts.tensor
}
"""


def constant(module):
    return next(op for op in module.walk() if isinstance(op, ConstantOp))


def test_parse_print_verify():
    module = parse_module(TEXT)
    module.verify()
    op = constant(module)
    assert isinstance(op.value, DenseResourceAttr) and op.value.resource_handle.data == "w0"
    assert str(op.result.type) == "!ts.tensor"
    assert type_of_value(op.value) == TensorType([2, 3], f32)
    assert "ts.constant dense_resource<w0> : tensor<2x3xf32> as !ts.tensor" in str(module)


def test_its_value_is_unknown_until_resolved():
    op = constant(parse_module(TEXT))
    with pytest.raises(UnresolvedResourceError, match="refers to a blob outside the IR text") as info:
        op.py_value
    assert isinstance(info.value, NotConstant) and isinstance(info.value, ValueError)


def test_only_tensor_types():
    with pytest.raises(ParseError, match="a dense_resource constant must have a tensor type, not memref<2xf32>"):
        parse_module("%m = ts.constant dense_resource<w0> : memref<2xf32>")


def test_the_type_must_fit():
    module = parse_module("%m = ts.constant dense_resource<w0> : tensor<2xf32> as !ts.tensor<[3], f32>")
    with pytest.raises(VerifyException, match="does not have type !ts.tensor<\\[3\\], f32>"):
        module.verify()
