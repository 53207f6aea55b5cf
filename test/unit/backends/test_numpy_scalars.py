"""Scalar, math and string ops, constants and upstream arith on the numpy backend."""
from __future__ import annotations

import math

import numpy as np
import pytest
from backend_ir import program, run_op

from tsjit.backends.numpy import CONSTANTS, IMPLS
from tsjit.backends.numpy.table import TERMINATORS
from tsjit.dialects import ts

I, F, B, S, N = "!ts.int", "!ts.float", "!ts.bool", "!ts.str", "!ts.number"

CASES = [
    ("ts.scalar.add", [I, I], I, (-7, 2), -5),
    ("ts.scalar.sub", [F, I], F, (1.5, 2), -0.5),
    ("ts.scalar.mul", [I, I], I, (6, 7), 42),
    ("ts.scalar.floordiv", [I, I], I, (-7, 2), -4),
    ("ts.scalar.mod", [I, I], I, (-7, 3), 2),
    ("ts.scalar.div", [I, I], F, (7, 2), 3.5),
    ("ts.scalar.pow", [I, I], N, (2, 10), 1024),
    ("ts.scalar.min", [I, I], I, (3, -1), -1),
    ("ts.scalar.max", [F, F], F, (3.0, -1.0), 3.0),
    ("ts.scalar.neg", [I], I, (5,), -5),
    ("ts.scalar.abs", [F], F, (-2.5,), 2.5),
    ("ts.scalar.eq", [I, I], B, (3, 3), True),
    ("ts.scalar.ne", [I, I], B, (3, 3), False),
    ("ts.scalar.lt", [I, F], B, (1, 1.5), True),
    ("ts.scalar.le", [I, I], B, (2, 1), False),
    ("ts.scalar.gt", [F, F], B, (2.0, 1.0), True),
    ("ts.scalar.ge", [I, I], B, (1, 1), True),
    ("ts.scalar.not", [B], B, (True,), False),
    ("ts.scalar.and", [B, B], B, (True, False), False),
    ("ts.scalar.or", [B, B], B, (True, False), True),
    ("ts.scalar.int", [F], I, (-2.7,), -2),
    ("ts.scalar.float", [I], F, (3,), 3.0),
    ("ts.scalar.bool", [I], B, (0,), False),
    ("ts.scalar.round", [F], F, (2.5,), 2.0),
    ("ts.math.sqrt", [F], F, (16.0,), 4.0),
    ("ts.math.exp", [F], F, (0.0,), 1.0),
    ("ts.math.log", [F], F, (math.e,), 1.0),
    ("ts.math.log10", [F], F, (1000.0,), 3.0),
    ("ts.math.floor", [F], I, (-1.5,), -2),
    ("ts.math.ceil", [F], I, (1.2,), 2),
    ("ts.math.isnan", [F], B, (math.nan,), True),
    ("ts.math.isinf", [F], B, (1.0,), False),
    ("ts.math.pow", [F, F], F, (2.0, 0.5), math.sqrt(2.0)),
    ("ts.math.fabs", [F], F, (-3.0,), 3.0),
    ("ts.str.concat", [S, S], S, ("ab", "cd"), "abcd"),
    ("ts.str.eq", [S, S], B, ("a", "a"), True),
    ("ts.str.lower", [S], S, ("AbC",), "abc"),
    ("ts.str.upper", [S], S, ("AbC",), "ABC"),
    ("ts.str.strip", [S], S, ("  x ",), "x"),
    ("ts.str.startswith", [S, S], B, ("conv1", "conv"), True),
    ("ts.str.endswith", [S, S], B, ("conv1", "conv"), False),
    ("ts.str.replace", [S, S, S], S, ("a.b.c", ".", "/"), "a/b/c"),
    ("ts.str.find", [S, S], I, ("hello", "l"), 2),
    ("ts.str.split", [S, "!ts.optional<!ts.str>"], "!ts.list<!ts.str>", ("a  b c", None), ["a", "b", "c"]),
    ("ts.str.split", [S, S], "!ts.list<!ts.str>", ("a,b", ","), ["a", "b"]),
    ("ts.str.join", [S, "!ts.list<!ts.str>"], S, ("-", ["x", "y"]), "x-y"),
    ("ts.str.from_int", [I], S, (42,), "42"),
    ("ts.str.getitem", [S, I], S, ("abc", -1), "c"),
]


@pytest.mark.parametrize("op,ins,out,args,expected", CASES, ids=[c[0] for c in CASES])
def test_scalar_ops(op, ins, out, args, expected):
    result = run_op(op, ins, out, *args)
    assert result == pytest.approx(expected) if isinstance(expected, float) else result == expected
    assert type(result) is type(expected)


def test_every_op_of_the_dialect_has_an_implementation():
    structural = {"ts.class_type", "ts.attr", "ts.method"}  # declarations, never executed
    missing = [name for name in ts.OPS_BY_NAME
               if name not in IMPLS and name not in CONSTANTS and name not in TERMINATORS and name not in structural]
    assert missing == []


def test_constants_of_every_kind():
    prog = program("""
    func.func @f() -> (!ts.int, !ts.float, !ts.bool, !ts.str, !ts.none, !ts.device, !ts.list<!ts.list<!ts.int>>, !ts.tensor) {
      %i = ts.constant -3
      %f = ts.constant 2.5
      %b = ts.constant true
      %s = ts.constant "relu"
      %n = ts.constant none
      %d = ts.constant device "cpu"
      %l = ts.constant [[1, 2], [3]] : !ts.list<!ts.list<!ts.int>>
      %t = ts.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32> as !ts.tensor
      func.return %i, %f, %b, %s, %n, %d, %l, %t : !ts.int, !ts.float, !ts.bool, !ts.str, !ts.none, !ts.device, !ts.list<!ts.list<!ts.int>>, !ts.tensor
    }""")
    i, f, b, s, n, d, lst, t = prog.call("f")
    assert (i, f, b, s, n, d, lst) == (-3, 2.5, True, "relu", None, "cpu", [[1, 2], [3]])
    assert type(b) is bool and t.dtype == np.float32
    np.testing.assert_array_equal(t, [[1, 2], [3, 4]])
    # a constant list is a fresh (deep) copy on every run: mutating one result leaves the next alone
    lst[0].append(99)
    assert prog.call("f")[6] == [[1, 2], [3]]


def test_arith_ops():
    prog = program("""
    func.func @f(%a: i64, %b: i64, %x: f64) -> (i64, i64, i1, f64, f64, i64) {
      %q = arith.divsi %a, %b : i64
      %r = arith.remsi %a, %b : i64
      %lt = arith.cmpi slt, %a, %b : i64
      %c = arith.constant 0.5 : f64
      %y = arith.mulf %x, %c : f64
      %xf = arith.sitofp %a : i64 to f64
      %s = arith.addi %q, %r : i64
      func.return %q, %r, %lt, %y, %xf, %s : i64, i64, i1, f64, f64, i64
    }""")
    assert prog.call("f", -7, 2, 3.0) == (-3, -1, True, 1.5, -7.0, -4)


def test_arith_cmpf_handles_nan():
    prog = program("""
    func.func @f(%x: f64, %y: f64) -> (i1, i1) {
      %o = arith.cmpf olt, %x, %y : f64
      %u = arith.cmpf ult, %x, %y : f64
      func.return %o, %u : i1, i1
    }""")
    assert prog.call("f", math.nan, 1.0) == (False, True)
    assert prog.call("f", 0.0, 1.0) == (True, True)
