"""arith and math on the numpy backend: MLIR integer semantics, float predicates, casts, and
the same ops elementwise on tensors."""
from __future__ import annotations

import math

import numpy as np
import pytest

from tsjit.backends.numpy import Program
from tsjit.dialects import parse_module


def run(op_text: str, in_types: list[str], out_type: str, *args):
    params = ", ".join(f"%a{i}: {t}" for i, t in enumerate(in_types))
    text = (f"func.func @f({params}) -> {out_type} {{\n  %r = {op_text}\n"
            f"  func.return %r : {out_type}\n}}")
    module = parse_module(text)
    module.verify()
    return Program(module).call("f", *args)


@pytest.mark.parametrize("op, a, b, expected", [
    ("addi", 2**31 - 1, 1, -2**31),          # wraps at i32
    ("muli", 65536, 65536, 0),
    ("subi", -2**31, 1, 2**31 - 1),
    ("divsi", -7, 2, -3), ("remsi", -7, 2, -1),
    ("floordivsi", -7, 2, -4), ("ceildivsi", 7, 2, 4),
    ("divui", -1, 2, 2**31 - 1),             # 0xffffffff / 2
    ("remui", -1, 10, 5),                    # 4294967295 % 10
    ("shli", 1, 31, -2**31), ("shrsi", -8, 1, -4), ("shrui", -8, 28, 15),
    ("maxui", -1, 3, -1), ("minui", -1, 3, 3), ("maxsi", -1, 3, 3),
    ("xori", 6, 3, 5),
])
def test_i32_ops(op, a, b, expected):
    assert run(f"arith.{op} %a0, %a1 : i32", ["i32", "i32"], "i32", a, b) == expected


def test_i8_wraps_and_integer_division_by_zero_is_an_error():
    assert run("arith.addi %a0, %a1 : i8", ["i8", "i8"], "i8", 127, 1) == -128
    with pytest.raises(Exception, match="division by zero"):
        run("arith.divsi %a0, %a1 : i32", ["i32", "i32"], "i32", 1, 0)


@pytest.mark.parametrize("pred, a, b, expected", [
    ("slt", -1, 0, True), ("ult", -1, 0, False), ("uge", -1, 0, True), ("ne", 3, 3, False),
])
def test_cmpi(pred, a, b, expected):
    assert run(f"arith.cmpi {pred}, %a0, %a1 : i32", ["i32", "i32"], "i1", a, b) is expected


@pytest.mark.parametrize("pred, a, b, expected", [
    ("olt", math.nan, 1.0, False), ("ult", math.nan, 1.0, True), ("uno", 0.0, math.nan, True),
    ("ord", 0.0, 1.0, True), ("one", 1.0, 2.0, True), ("ueq", 1.0, 1.0, True), ("false", 1.0, 1.0, False),
])
def test_cmpf(pred, a, b, expected):
    assert bool(run(f"arith.cmpf {pred}, %a0, %a1 : f64", ["f64", "f64"], "i1", a, b)) is expected


def test_float_ops_follow_ieee():
    assert run("arith.divf %a0, %a1 : f64", ["f64", "f64"], "f64", 1.0, 0.0) == math.inf
    assert math.isnan(run("arith.divf %a0, %a1 : f64", ["f64", "f64"], "f64", 0.0, 0.0))
    assert math.isnan(run("arith.maximumf %a0, %a1 : f64", ["f64", "f64"], "f64", math.nan, 1.0))
    assert run("arith.maxnumf %a0, %a1 : f64", ["f64", "f64"], "f64", math.nan, 1.0) == 1.0
    assert run("arith.minnumf %a0, %a1 : f64", ["f64", "f64"], "f64", 2.0, 1.0) == 1.0


def test_casts():
    assert run("arith.fptosi %a0 : f64 to i32", ["f64"], "i32", -2.7) == -2
    assert run("arith.sitofp %a0 : i32 to f32", ["i32"], "f32", -3) == -3.0
    assert run("arith.uitofp %a0 : i8 to f32", ["i8"], "f32", -1) == 255.0
    assert run("arith.truncf %a0 : f64 to f32", ["f64"], "f32", 0.1) == float(np.float32(0.1))
    assert run("arith.trunci %a0 : i64 to i8", ["i64"], "i8", 300) == 44
    assert run("arith.extui %a0 : i8 to i32", ["i8"], "i32", -1) == 255
    assert run("arith.extsi %a0 : i8 to i32", ["i8"], "i32", -1) == -1
    assert run("arith.index_cast %a0 : index to i32", ["index"], "i32", 2**32 + 5) == 5
    assert run("arith.bitcast %a0 : f32 to i32", ["f32"], "i32", 1.0) == 0x3F800000
    assert run("arith.extui %a0 : i1 to i32", ["i1"], "i32", True) == 1


def test_arith_and_math_elementwise_on_tensors_keep_float32():
    x = np.array([[-1.5, 0.0, 2.0]], np.float32)
    y = np.array([[2.0, 2.0, -0.5]], np.float32)
    assert run("arith.addf %a0, %a1 : tensor<1x3xf32>", ["tensor<1x3xf32>"] * 2, "tensor<1x3xf32>",
               x, y).dtype == np.float32
    # (xDSL 0.74 types arith.cmpf/cmpi on tensors as i1, so tensor comparisons are not written here)
    for name, fn in [("exp", np.exp), ("tanh", np.tanh), ("absf", np.abs), ("erf", np.vectorize(math.erf))]:
        out = run(f"math.{name} %a0 : tensor<1x3xf32>", ["tensor<1x3xf32>"], "tensor<1x3xf32>", x)
        assert out.dtype == np.float32, name
        np.testing.assert_allclose(out, fn(x), rtol=1e-6, atol=1e-7)
    r = run("math.rsqrt %a0 : tensor<1x3xf32>", ["tensor<1x3xf32>"], "tensor<1x3xf32>", np.abs(y))
    np.testing.assert_allclose(r, 1 / np.sqrt(np.abs(y)), rtol=1e-6)
    p = run("math.powf %a0, %a1 : tensor<1x3xf32>", ["tensor<1x3xf32>"] * 2, "tensor<1x3xf32>", np.abs(x), y)
    np.testing.assert_allclose(p, np.abs(x) ** y, rtol=1e-6)
    q = run("arith.divsi %a0, %a1 : tensor<4xi32>", ["tensor<4xi32>"] * 2, "tensor<4xi32>",
            np.array([-7, 7, -7, 7], np.int32), np.array([2, 2, -2, -2], np.int32))
    np.testing.assert_array_equal(q, [-3, 3, 3, -3])
    for cond in (True, False):  # a scalar condition choosing a whole tensor
        s = run("arith.select %a0, %a1, %a2 : tensor<3xf32>", ["i1", "tensor<3xf32>", "tensor<3xf32>"],
                "tensor<3xf32>", cond, x[0], y[0])
        np.testing.assert_array_equal(s, x[0] if cond else y[0])


def test_math_scalars_give_ieee_results():
    assert run("math.log %a0 : f64", ["f64"], "f64", 0.0) == -math.inf
    assert math.isnan(run("math.sqrt %a0 : f64", ["f64"], "f64", -1.0))
    assert run("math.exp %a0 : f64", ["f64"], "f64", 1.0) == pytest.approx(math.e)


def test_dense_constant_is_an_array_of_its_element_type():
    text = """
    func.func @f(%x: tensor<2xi32>) -> tensor<2xi32> {
      %c = arith.constant dense<[2147483647, 5]> : tensor<2xi32>
      %r = arith.addi %x, %c : tensor<2xi32>
      func.return %r : tensor<2xi32>
    }"""
    out = Program(parse_module(text)).call("f", np.array([1, 1], np.int32))
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out, [-2**31, 6])
