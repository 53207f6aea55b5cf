"""The ts dialect's Python API: types, constants, verifiers, folding numerics, effects."""
from __future__ import annotations

import math

import numpy as np
import pytest
from xdsl.context import Context
from xdsl.dialects import builtin, func
from xdsl.parser import Parser
from xdsl.transforms.canonicalize import CanonicalizePass
from xdsl.transforms.common_subexpression_elimination import CommonSubexpressionElimination
from xdsl.transforms.dead_code_elimination import DeadCodeElimination
from xdsl.utils.exceptions import VerifyException

from tsjit.dialects import ts
from tsjit.dialects.ts import types as t


@pytest.fixture(scope="module")
def ctx() -> Context:
    c = Context()
    for d in (builtin.Builtin, func.Func, ts.TS):
        c.load_dialect(d)
    return c


def parse(ctx, text: str) -> builtin.ModuleOp:
    module = Parser(ctx, text).parse_module()
    module.verify()
    return module


def run_fn(ctx, body: str, ret_type: str = "!ts.tensor"):
    """Canonicalize a function and return the Python value of what it returns (must fold)."""
    module = parse(ctx, f"func.func @f() -> {ret_type} {{\n{body}\n}}")
    CanonicalizePass().apply(ctx, module)
    module.verify()
    ret = module.body.block.first_op.body.block.last_op
    owner = ret.operands[0].owner
    assert isinstance(owner, ts.ConstantOp), f"did not fold:\n{module}"
    return owner.py_value


# -- types -------------------------------------------------------------------------------------

def test_tensor_type_properties():
    full = t.TensorType([2, t.DYNAMIC, 3], t.f32)
    assert full.sizes == (2, t.DYNAMIC, 3) and full.rank == 3 and full.element_type == t.f32
    assert not full.has_static_shape and t.TensorType([2, 3], t.f32).has_static_shape
    unknown = t.TensorType()
    assert unknown.sizes is None and unknown.rank is None and unknown.element_type is None
    assert str(full) == "!ts.tensor<[2,?,3], f32>" and str(unknown) == "!ts.tensor"
    assert str(t.TensorType(None, t.i64)) == "!ts.tensor<*, i64>"
    assert str(t.TensorType([4])) == "!ts.tensor<[4]>"


def test_bad_tensor_dtype_is_rejected():
    with pytest.raises(VerifyException, match="unsupported tensor element type"):
        t.TensorType([2], builtin.IndexType())


def test_subtyping_follows_torchscript():
    tensor, static = t.TensorType(), t.TensorType([2, 3], t.f32)
    assert t.is_subtype(static, tensor) and not t.is_subtype(tensor, static)
    assert t.is_subtype(static, t.TensorType([t.DYNAMIC, 3], t.f32))
    assert t.is_subtype(t.IntType(), t.NumberType()) and t.is_subtype(t.NoneType(), t.OptionalType(tensor))
    assert t.is_subtype(t.IntType(), t.UnionType([t.IntType(), t.StrType()]))
    assert not t.is_subtype(t.FloatType(), t.UnionType([t.IntType(), t.StrType()]))
    assert t.is_subtype(t.ListType(static), t.ListType(tensor))
    assert t.is_subtype(t.StrType(), t.AnyType())


def test_join_types_for_branches():
    a, b = t.TensorType([2, 3], t.f32), t.TensorType([2, 4], t.f32)
    assert t.join_types(a, b) == t.TensorType([2, t.DYNAMIC], t.f32)
    assert t.join_types(t.NoneType(), t.IntType()) == t.OptionalType(t.IntType())
    assert t.join_types(t.IntType(), t.StrType()) is None


def test_dict_key_types_are_checked():
    with pytest.raises(VerifyException, match="cannot create dict for key type"):
        t.DictType(t.ListType(t.IntType()), t.IntType())


# -- constants -----------------------------------------------------------------------------------

@pytest.mark.parametrize("value, type_", [
    (3, t.IntType()), (-2.5, t.FloatType()), (True, t.BoolType()), ("x", t.StrType()), (None, t.NoneType()),
])
def test_constant_of_python_values(value, type_):
    op = ts.ConstantOp.of(value)
    assert op.result.type == type_ and op.py_value == value


def test_tensor_constants_keep_values_and_dtype():
    for array in (np.arange(6, dtype=np.float32).reshape(2, 3), np.array([1, -5], dtype=np.int64),
                  np.array([True, False, True]), np.full((3, 2), 7.5, dtype=np.float64)):
        op = ts.ConstantOp.of(array)
        assert op.result.type == t.TensorType(array.shape, ts.DTYPES[array.dtype.name])
        np.testing.assert_array_equal(op.py_value, array)
        assert op.py_value.dtype == array.dtype


def test_large_tensor_constant_prints_as_hex_and_round_trips(ctx):
    array = np.random.default_rng(0).standard_normal((20, 10)).astype(np.float32)
    text = f"%c = ts.constant {ts.ConstantOp.of(array).value}"
    assert '"0x' in text
    module = parse(ctx, text)
    np.testing.assert_array_equal(module.body.block.first_op.py_value, array)


def test_special_floats_round_trip(ctx):
    module = parse(ctx, "%a = ts.constant inf\n%b = ts.constant -inf\n%c = ts.constant nan\n%d = ts.constant 1.0e-05")
    values = [op.py_value for op in module.body.block.ops]
    assert values[0] == math.inf and values[1] == -math.inf and math.isnan(values[2]) and values[3] == 1e-05
    assert str(parse(ctx, str(module))) == str(module)


def test_constant_type_mismatch_is_a_verifier_error(ctx):
    with pytest.raises(Exception, match="does not have type"):
        parse(ctx, '%l = ts.constant [1, "a"] : !ts.list<!ts.int>')


# -- verifiers -----------------------------------------------------------------------------------

def test_schema_operand_type_error_names_the_operand(ctx):
    with pytest.raises(VerifyException, match=r"operand #1 \('other'\) must be Tensor or Scalar, got !ts.str"):
        parse(ctx, "func.func @f(%x: !ts.tensor, %s: !ts.str, %a: !ts.int) {\n"
                   "  %y = ts.add %x, %s, %a : (!ts.tensor, !ts.str, !ts.int) -> !ts.tensor\n  func.return\n}")


def test_broadcast_mismatch_is_rejected(ctx):
    with pytest.raises(VerifyException, match="not broadcastable"):
        parse(ctx, "func.func @f(%x: !ts.tensor<[2,3], f32>, %y: !ts.tensor<[4,3], f32>) {\n"
                   "  %z = ts.mul %x, %y : (!ts.tensor<[2,3], f32>, !ts.tensor<[4,3], f32>) -> !ts.tensor\n"
                   "  func.return\n}")


def test_matmul_contracted_dims_must_agree(ctx):
    with pytest.raises(VerifyException, match="contracted dimensions differ: 3 vs 4"):
        parse(ctx, "func.func @f(%x: !ts.tensor<[2,3], f32>, %y: !ts.tensor<[4,5], f32>) {\n"
                   "  %z = ts.matmul %x, %y : (!ts.tensor<[2,3], f32>, !ts.tensor<[4,5], f32>) -> !ts.tensor\n"
                   "  func.return\n}")


# -- folding: numerics against formulas written out here ------------------------------------------

def test_fold_elementwise_chain_matches_formula(ctx):
    x = np.array([[-1.5, 0.0, 2.0]], dtype=np.float32)
    body = f"""
  %x = ts.constant {ts.ConstantOp.of(x).value}
  %one = ts.constant 1
  %k = ts.constant 0.5
  %a = ts.mul %x, %k : (!ts.tensor<[1,3], f32>, !ts.float) -> !ts.tensor
  %b = ts.sigmoid %a : (!ts.tensor) -> !ts.tensor
  %c = ts.sub %b, %x, %one : (!ts.tensor, !ts.tensor<[1,3], f32>, !ts.int) -> !ts.tensor
  func.return %c : !ts.tensor"""
    got = run_fn(ctx, body)
    x64 = x.astype(np.float64)
    expected = 1.0 / (1.0 + np.exp(-(x64 * 0.5))) - x64
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)


def test_fold_follows_pytorch_type_promotion(ctx):
    ints = ts.ConstantOp.of(np.array([3, -7], dtype=np.int64)).value
    got = run_fn(ctx, f"""
  %x = ts.constant {ints}
  %two = ts.constant 2
  %d = ts.div %x, %two : (!ts.tensor<[2], i64>, !ts.int) -> !ts.tensor
  func.return %d : !ts.tensor""")
    assert got.dtype == np.float32  # int tensor / int -> float32, as torch.div
    np.testing.assert_array_equal(got, np.array([1.5, -3.5], dtype=np.float32))
    got = run_fn(ctx, f"""
  %x = ts.constant {ints}
  %h = ts.constant 0.5
  %m = ts.mul %x, %h : (!ts.tensor<[2], i64>, !ts.float) -> !ts.tensor
  func.return %m : !ts.tensor""")
    assert got.dtype == np.float32
    got = run_fn(ctx, f"""
  %x = ts.constant {ints}
  %two = ts.constant 2
  %m = ts.floor_divide %x, %two : (!ts.tensor<[2], i64>, !ts.int) -> !ts.tensor
  func.return %m : !ts.tensor""")
    np.testing.assert_array_equal(got, np.array([1, -4]))  # floor, as Python and torch
    assert got.dtype == np.int64


def test_fold_comparison_gives_bool_tensor(ctx):
    got = run_fn(ctx, f"""
  %x = ts.constant {ts.ConstantOp.of(np.array([1.0, 2.0, 3.0], dtype=np.float32)).value}
  %two = ts.constant 2
  %m = ts.gt %x, %two : (!ts.tensor<[3], f32>, !ts.int) -> !ts.tensor
  func.return %m : !ts.tensor""")
    assert got.dtype == np.bool_ and got.tolist() == [False, False, True]


@pytest.mark.parametrize("op, a, b, expected", [
    ("floordiv", -7, 2, -4), ("mod", -7, 3, 2), ("add", 2, 3, 5), ("pow", 2, 10, 1024),
])
def test_scalar_folding_uses_python_semantics(ctx, op, a, b, expected):
    got = run_fn(ctx, f"""
  %a = ts.constant {a}
  %b = ts.constant {b}
  %r = ts.scalar.{op} %a, %b : (!ts.int, !ts.int) -> !ts.int
  func.return %r : !ts.int""", "!ts.int")
    assert got == expected


def test_division_by_zero_is_not_folded(ctx):
    module = parse(ctx, """func.func @f() -> !ts.int {
  %a = ts.constant 1
  %z = ts.constant 0
  %r = ts.scalar.floordiv %a, %z : (!ts.int, !ts.int) -> !ts.int
  func.return %r : !ts.int
}""")
    CanonicalizePass().apply(ctx, module)
    assert "ts.scalar.floordiv" in str(module)  # stays: it must raise at run time


def test_constant_if_and_static_dim_canonicalize(ctx):
    got = run_fn(ctx, """
  %c = ts.constant false
  %x = ts.constant 1
  %r = ts.if %c -> (!ts.int) {
    ts.yield %x : !ts.int
  } else {
    %t = ts.zeros %l, %n : (!ts.list<!ts.int>, !ts.none) -> !ts.tensor<[4,5,6], f32>
    %d = ts.dim %t : (!ts.tensor<[4,5,6], f32>) -> !ts.int
    ts.yield %d : !ts.int
  }
  func.return %r : !ts.int""".replace("%t = ts.zeros %l, %n", "%l = ts.constant [4, 5, 6] : !ts.list<!ts.int>\n"
                                     "    %n = ts.constant none\n    %t = ts.zeros %l, %n"), "!ts.int")
    assert got == 3


# -- effects: what DCE and CSE may touch ------------------------------------------------------------

def test_dce_and_cse_respect_effects(ctx):
    module = parse(ctx, """func.func @f(%x: !ts.tensor, %l: !ts.list<!ts.tensor>) -> (!ts.tensor, !ts.tensor, !ts.tensor) {
  %dead = ts.relu %x : (!ts.tensor) -> !ts.tensor
  %a = ts.tanh %x : (!ts.tensor) -> !ts.tensor
  %b = ts.tanh %x : (!ts.tensor) -> !ts.tensor
  %s = ts.constant [2] : !ts.list<!ts.int>
  %n = ts.constant none
  %r1 = ts.rand %s, %n : (!ts.list<!ts.int>, !ts.none) -> !ts.tensor
  %r2 = ts.rand %s, %n : (!ts.list<!ts.int>, !ts.none) -> !ts.tensor
  ts.list.append %l, %x : (!ts.list<!ts.tensor>, !ts.tensor) -> ()
  %sum = ts.add %a, %b, %n2 : (!ts.tensor, !ts.tensor, !ts.int) -> !ts.tensor
  func.return %sum, %r1, %r2 : !ts.tensor, !ts.tensor, !ts.tensor
}""".replace("%sum = ts.add %a, %b, %n2", "%n2 = ts.constant 1\n  %sum = ts.add %a, %b, %n2"))
    CommonSubexpressionElimination().apply(ctx, module)
    DeadCodeElimination().apply(ctx, module)
    text = str(module)
    assert "ts.relu" not in text            # pure and unused: gone
    assert text.count("ts.tanh") == 1       # pure duplicates: merged
    assert text.count("ts.rand") == 2       # random: never merged
    assert "ts.list.append" in text         # mutation: kept


def test_every_op_is_registered_and_has_a_docstring(ctx):
    assert len(ts.TENSOR_OP_CLASSES) >= 80
    for op in ts.ALL_OPS:
        assert ctx.get_optional_op(op.name) is op
        assert op.__doc__, op.name
