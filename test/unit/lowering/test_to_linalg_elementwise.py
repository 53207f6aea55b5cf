"""ts-to-linalg on elementwise ops: every op of the table lowers to a linalg.generic that gives
the ts op's results on the numpy backend (broadcasting, scalar operands, promotion, i1 results)."""
import numpy as np
import pytest
from xdsl.dialects import math
from xdsl.dialects.linalg.ops import GenericOp
from to_linalg_check import function, inputs, lower_and_compare

F23, F3, F13, I23, B23 = "[2,3], f32", "[3], f32", "[1,3], f32", "[2,3], i64", "[2,3], i1"
X, Y = "%a0", "%a1"


def unary(name, *params, arg=F23, result=None):
    return (name, [X, *params], result or arg, [arg])


def binary(name, y=Y, args=(F23, F3), result=F23, extra=()):
    return (name, [X, y, *extra], result, list(args))


FLT, INT, BOOL = "!ts.float", "!ts.int", "!ts.bool"
CASES = {
    "add_broadcast_alpha": binary("add", extra=[("2", INT)]),
    "add_row_vector": binary("add", args=(F23, F13), extra=[("1", INT)]),
    "sub_scalar": binary("sub", ("0.5", FLT), args=(F23,), extra=[("1", INT)]),
    "rsub": binary("rsub", ("1.0", FLT), args=(F23,), extra=[("3", INT)]),
    "mul_int_by_float": binary("mul", ("1.5", FLT), args=(I23,), result=F23),
    "mul_int_int_broadcast": binary("mul", args=(I23, "[3], i64"), result=I23),
    "div_int_tensors": binary("div", args=(I23, "[1,3], i64"), result=F23),
    "floor_divide": binary("floor_divide", args=(F23, F23)),
    "remainder_float": binary("remainder", ("1.5", FLT), args=(F23,)),
    "remainder_int": binary("remainder", ("3", INT), args=(I23,), result=I23),
    "remainder_int_negative": binary("remainder", ("-3", INT), args=(I23,), result=I23),
    "pow_3": binary("pow", ("3", INT), args=(F23,)),
    "pow_minus_2": binary("pow", ("-2", INT), args=(F23,)),
    "pow_half": binary("pow", ("0.5", FLT), args=("[2,3], f64",), result="[2,3], f64"),
    "pow_int_2": binary("pow", ("2", INT), args=(I23,), result=I23),
    "maximum": binary("maximum", args=(F23, F13)),
    "minimum": binary("minimum", args=(F23, F3)),
    "atan2": binary("atan2", args=(F23, F23)),
    "bitwise_and": binary("bitwise_and", args=(I23, I23), result=I23),
    "bitwise_or_bool": binary("bitwise_or", args=(B23, B23), result=B23),
    "logical_and": binary("logical_and", args=(F23, B23), result=B23),
    "logical_or": binary("logical_or", args=(I23, B23), result=B23),
    "logical_not": unary("logical_not", arg=F23, result=B23),
    "where": ("where", ["%a0", "%a1", "%a2"], F23, [B23, F23, F3]),
    "where_scalar": ("where", ["%a0", "%a1", ("0.0", FLT)], F23, [B23, F23]),
    "masked_fill": ("masked_fill", [X, Y, ("-1.0", FLT)], F23, [F23, "[3], i1"]),
    "clamp": unary("clamp", ("-0.5", FLT), ("1.0", FLT)),
    "clamp_min_only": unary("clamp", ("0", INT), ("none", "!ts.none")),
    "clamp_int_by_float": unary("clamp", ("-1.5", FLT), ("2.5", FLT), arg=I23, result=F23),
    "lerp": ("lerp", [X, Y, ("0.25", FLT)], F23, [F23, F3]),
    "lerp_high": ("lerp", [X, Y, ("0.75", FLT)], F23, [F23, F3]),
    "eq_int_scalar": binary("eq", ("1", INT), args=(I23,), result=B23),
    "ne": binary("ne", args=(F23, F3), result=B23),
    "lt_int_float": binary("lt", ("0.5", FLT), args=(I23,), result=B23),
    "le": binary("le", args=(F23, F13), result=B23),
    "gt_bool": binary("gt", args=(B23, B23), result=B23),
    "ge_mixed": binary("ge", args=(I23, F3), result=B23),
    "isnan": unary("isnan", result=B23),
    "neg_int": unary("neg", arg=I23),
    "abs": unary("abs"), "abs_int": unary("abs", arg=I23),
    "sign": unary("sign"), "sign_int": unary("sign", arg=I23),
    "reciprocal": unary("reciprocal"),
    "bitwise_not": unary("bitwise_not", arg=I23), "bitwise_not_bool": unary("bitwise_not", arg=B23),
    "floor_int": unary("floor", arg=I23), "round": unary("round"),
    "exp_int": unary("exp", arg=I23, result=F23),
    **{name: unary(name) for name in ("floor", "ceil", "trunc", "exp", "log1p", "expm1", "sin", "cos", "tan",
                                      "tanh", "erf", "relu", "relu6", "sigmoid", "silu", "mish", "hardsigmoid",
                                      "hardswish", "softsign", "tanhshrink")},
    **{name: unary(name, arg="[2,3], f64") for name in ("log", "log2", "sqrt", "rsqrt")},
    "relu_int": unary("relu", arg=I23),
    "gelu": unary("gelu", ('"none"', "!ts.str")),
    "gelu_tanh": unary("gelu", ('"tanh"', "!ts.str")),
    "elu": unary("elu", ("1.0", FLT), ("1.0", FLT), ("1.0", FLT)),
    "selu_like_elu": unary("elu", ("1.6732632423543772", FLT), ("1.0507009873554805", FLT), ("1.0", FLT)),
    "leaky_relu": unary("leaky_relu", ("0.01", FLT)),
    "hardtanh": unary("hardtanh", ("-1.0", FLT), ("1.0", FLT)),
    "softplus": unary("softplus", ("1.0", FLT), ("20.0", FLT)),
    "softplus_beta": unary("softplus", ("2.0", FLT), ("1.0", FLT)),
    "threshold": unary("threshold", ("0.1", FLT), ("20.0", FLT)),
    "to_f64": unary("to", ("7", INT), result="[2,3], f64"),
    "to_int": unary("to", ("4", INT), result=I23),
    "to_bool": unary("to", ("11", INT), result=B23),
    "bool_to_float": unary("to", ("6", INT), arg=B23, result=F23),
    "zero_dim_broadcast": binary("add", args=(F23, "[], f32"), extra=[("1", INT)]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_lowered_op_gives_the_ts_result(case):
    op, operands, result, args = CASES[case]
    values = inputs(args)
    if op in ("log", "log2", "sqrt", "rsqrt"):
        values = [np.abs(v) + 0.1 for v in values]
    module = lower_and_compare(function(op, operands, result, args), values)
    assert any(isinstance(o, GenericOp) for o in module.walk()) or op in ("to",)


def test_small_integer_powers_are_multiplies():
    module = lower_and_compare(function("pow", [X, ("3", INT)], F23, [F23]), inputs([F23]))
    ops = [o.name for o in module.walk()]
    assert ops.count("arith.mulf") == 2 and not any(isinstance(o, math.PowFOp) for o in module.walk())


def test_nan_propagates_through_relu_and_maximum():
    x = np.array([[np.nan, -1.0, 2.0], [0.0, np.nan, -3.0]], np.float32)
    lower_and_compare(function("relu", [X], F23, [F23]), [x])
    lower_and_compare(function("maximum", [X, Y], F23, [F23, F23]), [x, x[::-1].copy()])


def test_relu_sigmoid_chain_lowers_fully():
    """relu(x*1.5+0.25)*sigmoid(x): one generic per op (fusion is ts-fuse-elementwise), no ts op left."""
    text = """func.func @f(%x: !ts.tensor<[4,8], f32>) -> !ts.tensor<[4,8], f32> {
  %a = ts.constant 1.5
  %b = ts.constant 0.25
  %one = ts.constant 1
  %0 = ts.mul %x, %a : (!ts.tensor<[4,8], f32>, !ts.float) -> !ts.tensor<[4,8], f32>
  %1 = ts.add %0, %b, %one : (!ts.tensor<[4,8], f32>, !ts.float, !ts.int) -> !ts.tensor<[4,8], f32>
  %2 = ts.relu %1 : (!ts.tensor<[4,8], f32>) -> !ts.tensor<[4,8], f32>
  %3 = ts.sigmoid %x : (!ts.tensor<[4,8], f32>) -> !ts.tensor<[4,8], f32>
  %4 = ts.mul %2, %3 : (!ts.tensor<[4,8], f32>, !ts.tensor<[4,8], f32>) -> !ts.tensor<[4,8], f32>
  func.return %4 : !ts.tensor<[4,8], f32>
}"""
    module = lower_and_compare(text, inputs(["[4,8], f32"]))
    assert sum(isinstance(o, GenericOp) for o in module.walk()) == 5


def test_identity_ops_and_constants():
    text = """func.func @f(%x: !ts.tensor<[2,3], f32>) -> !ts.tensor<[2,3], f32> {
  %w = ts.constant dense<[[1.0, 2.0, 3.0]]> : tensor<1x3xf32> as !ts.tensor<[1,3], f32>
  %one = ts.constant 1
  %0 = ts.clone %x : (!ts.tensor<[2,3], f32>) -> !ts.tensor<[2,3], f32>
  %1 = ts.detach %0 : (!ts.tensor<[2,3], f32>) -> !ts.tensor<[2,3], f32>
  %2 = ts.add %1, %w, %one : (!ts.tensor<[2,3], f32>, !ts.tensor<[1,3], f32>, !ts.int) -> !ts.tensor<[2,3], f32>
  func.return %2 : !ts.tensor<[2,3], f32>
}"""
    module = lower_and_compare(text, inputs([F23]))
    assert "arith.constant dense<[[1.000000e+00, 2.000000e+00, 3.000000e+00]]> : tensor<1x3xf32>" in str(module)


def test_non_constant_scalar_operand_stays():
    from xdsl.parser import Parser
    from tsjit.dialects import context
    from tsjit.passes import to_linalg
    from tsjit.passes import apply_pass
    text = """func.func @f(%x: !ts.tensor<[2,3], f32>, %k: !ts.float) -> !ts.tensor<[2,3], f32> {
  %0 = ts.mul %x, %k : (!ts.tensor<[2,3], f32>, !ts.float) -> !ts.tensor<[2,3], f32>
  func.return %0 : !ts.tensor<[2,3], f32>
}"""
    module = Parser(context(), text).parse_module()
    apply_pass("ts-to-linalg", module, report=False)
    module.verify()
    # (a scalar computed inside the function, a loop's iteration number, lowers as a 0-d tensor)
    assert [(n, why) for n, _, why in to_linalg.unlowered(module)] == [
        ("ts.mul", "a !ts.float known only at run time, computed by an op that was not lowered")]
