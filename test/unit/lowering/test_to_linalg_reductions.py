"""ts-to-linalg on reductions, softmax, batch_norm and layer_norm: the lowered generics give the ts
op's results on the numpy backend."""
import numpy as np
import pytest
from xdsl.dialects.linalg.ops import GenericOp
from xdsl.parser import Parser

from to_linalg_check import function, inputs, lower_and_compare
from tsjit.dialects import context
from tsjit.passes import to_linalg
from tsjit.passes import apply_pass

F234, NONE, T, F = "[2,3,4], f32", ("none", "!ts.none"), ("true", "!ts.bool"), ("false", "!ts.bool")


def dims(*d):
    return (f"[{', '.join(map(str, d))}]", "!ts.list<!ts.int>")


def integer(n):
    return (str(n), "!ts.int")


CASES = {
    "sum_all": ("sum", ["%a0", NONE, F, NONE], "[], f32", [F234]),
    "sum_dim_keepdim": ("sum", ["%a0", dims(1), T, NONE], "[2,1,4], f32", [F234]),
    "sum_negative_dims": ("sum", ["%a0", dims(-1, 0), F, NONE], "[3], f32", [F234]),
    "sum_int": ("sum", ["%a0", dims(0), F, NONE], "[3], i64", ["[2,3], i64"]),
    "sum_bool": ("sum", ["%a0", NONE, F, NONE], "[], i64", ["[2,3], i1"]),
    "mean_dims": ("mean", ["%a0", dims(0, 2), F, NONE], "[3], f32", [F234]),
    "mean_keepdim": ("mean", ["%a0", dims(2), T, NONE], "[2,3,1], f32", [F234]),
    "amax": ("amax", ["%a0", dims(1), F], "[2,4], f32", [F234]),
    "amin_keepdim": ("amin", ["%a0", dims(2), T], "[2,3,1], f32", [F234]),
    "amax_int": ("amax", ["%a0", dims(1), F], "[2], i64", ["[2,3], i64"]),
    "max_full": ("max", ["%a0"], "[], f32", [F234]),
    "min_full_int": ("min", ["%a0"], "[], i64", ["[2,3], i64"]),
    "var": ("var", ["%a0", dims(1), NONE, F], "[2,4], f32", [F234]),
    "var_population_keepdim": ("var", ["%a0", dims(2), integer(0), T], "[2,3,1], f32", [F234]),
    "std_all": ("std", ["%a0", NONE, integer(1), F], "[], f32", [F234]),
    "softmax_last": ("softmax", ["%a0", integer(-1), NONE], F234, [F234]),
    "softmax_dim1": ("softmax", ["%a0", integer(1), NONE], F234, [F234]),
    "log_softmax": ("log_softmax", ["%a0", integer(2), NONE], F234, [F234]),
    "log_softmax_f64": ("log_softmax", ["%a0", integer(0), NONE], "[2,3], f64", ["[2,3], f64"]),
}


#: Reductions over every loop: the numpy backend's linalg.generic cannot yet store a fully reduced value
#: (upstream_structured.write: "setting an array element with a sequence"); the IR verifies upstream.


@pytest.mark.parametrize("case", sorted(CASES))
def test_lowered_reduction_gives_the_ts_result(case):
    op, operands, result, args = CASES[case]
    module = lower_and_compare(function(op, operands, result, args), inputs(args))
    assert any(isinstance(o, GenericOp) and "reduction" in str(o.iterator_types) for o in module.walk())


def test_softmax_is_stable_for_large_inputs():
    x = np.array([[1000.0, 1001.0, 999.0], [-1000.0, 0.0, 5.0]], np.float32)
    out = lower_and_compare(function("softmax", ["%a0", integer(1), NONE], "[2,3], f32", ["[2,3], f32"]), [x])
    assert out is not None


def test_max_propagates_nan():
    x = np.array([[1.0, np.nan, 3.0]], np.float32)
    lower_and_compare(function("amax", ["%a0", dims(1), F], "[1], f32", ["[1,3], f32"]), [x])


BN = """func.func @f(%x: !ts.tensor<[2,3,4,5], f32>) -> !ts.tensor<[2,3,4,5], f32> {
  %w = ts.constant dense<[1.0, 2.0, -0.5]> : tensor<3xf32>
  %b = ts.constant dense<[0.5, 0.25, 0.0]> : tensor<3xf32>
  %m = ts.constant dense<[0.1, -0.2, 0.3]> : tensor<3xf32>
  %v = ts.constant dense<[1.0, 4.0, 0.5]> : tensor<3xf32>
  %n = ts.constant none
  %training = ts.constant TRAINING
  %f = ts.constant false
  %mo = ts.constant 0.1
  %eps = ts.constant 1.0e-05
  %0 = ts.batch_norm %x, WEIGHT, BIAS, %m, %v, %training, %mo, %eps, %f : (!ts.tensor<[2,3,4,5], f32>, WTYPE, BTYPE, !ts.tensor<[3], f32>, !ts.tensor<[3], f32>, !ts.bool, !ts.float, !ts.float, !ts.bool) -> !ts.tensor<[2,3,4,5], f32>
  func.return %0 : !ts.tensor<[2,3,4,5], f32>
}"""


def batch_norm(training="false", affine=True):
    t = "!ts.tensor<[3], f32>" if affine else "!ts.none"
    return (BN.replace("TRAINING", training).replace("WEIGHT", "%w" if affine else "%n")
            .replace("BIAS", "%b" if affine else "%n").replace("WTYPE", t).replace("BTYPE", t))


@pytest.mark.parametrize("affine", [True, False])
def test_batch_norm_inference(affine):
    module = lower_and_compare(batch_norm(affine=affine), inputs(["[2,3,4,5], f32"]))
    assert sum(isinstance(o, GenericOp) for o in module.walk()) == 1


@pytest.mark.parametrize("affine", [True, False])
def test_batch_norm_training_without_running_stats_uses_batch_statistics(affine):
    text = batch_norm("true", affine).replace("%m, %v,", "%n, %n,").replace(
        "!ts.tensor<[3], f32>, !ts.tensor<[3], f32>, !ts.bool", "!ts.none, !ts.none, !ts.bool")
    x = np.random.default_rng(0).normal(size=(2, 3, 4, 5)).astype(np.float32) * 3 + 1
    lower_and_compare(text, [x])


def test_batch_norm_training_stays():
    module = Parser(context(), batch_norm("true")).parse_module()
    apply_pass("ts-to-linalg", module, report=False)
    assert [(n, why) for n, _, why in to_linalg.unlowered(module)] == [
        ("ts.batch_norm", "batch_norm in training mode updating running statistics")]


LN = """func.func @f(%x: !ts.tensor<[2,3,4], f32>) -> !ts.tensor<[2,3,4], f32> {
  %w = ts.constant dense<[[1.0, 2.0, 3.0, 4.0], [0.5, 0.5, 0.5, 0.5], [1.0, -1.0, 1.0, -1.0]]> : tensor<3x4xf32>
  %b = ts.constant dense<[0.1, 0.2, 0.3, 0.4]> : tensor<4xf32>
  %s = ts.constant SHAPE : !ts.list<!ts.int>
  %n = ts.constant none
  %eps = ts.constant 1.0e-05
  %f = ts.constant false
  %0 = ts.layer_norm %x, %s, WEIGHT, BIAS, %eps, %f : (!ts.tensor<[2,3,4], f32>, !ts.list<!ts.int>, WTYPE, BTYPE, !ts.float, !ts.bool) -> !ts.tensor<[2,3,4], f32>
  func.return %0 : !ts.tensor<[2,3,4], f32>
}"""


@pytest.mark.parametrize("shape,weight,bias", [
    ("[4]", None, "[4]"), ("[3, 4]", "[3,4]", None), ("[4]", None, None),
    ("[2, 3, 4]", None, None)])
def test_layer_norm(shape, weight, bias):
    text = (LN.replace("SHAPE", shape).replace("WEIGHT", "%w" if weight else "%n").replace("BIAS", "%b" if bias else "%n")
            .replace("WTYPE", f"!ts.tensor<{weight}, f32>" if weight else "!ts.none")
            .replace("BTYPE", f"!ts.tensor<{bias}, f32>" if bias else "!ts.none"))
    lower_and_compare(text, inputs(["[2,3,4], f32"]))
