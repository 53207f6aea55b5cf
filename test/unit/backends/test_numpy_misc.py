"""raise, print, warn, isinstance, casts, identity tests, string formatting, generic ops."""
from __future__ import annotations

import math

import numpy as np
import pytest
from backend_ir import program, run_op

from tsjit.backends.numpy import ts_str
from tsjit.runtime import Error, ScriptObject


def test_raise_gives_the_torchscript_message_unchanged():
    prog = program("""
    func.func @f(%c: !ts.bool) -> !ts.int {
      %one = ts.constant 1
      ts.if %c {
        %msg = ts.constant "bad input"
        ts.raise %msg, "builtins.ValueError"
        ts.yield
      } else {
        ts.yield
      }
      func.return %one : !ts.int
    }""")
    assert prog.call("f", False) == 1
    with pytest.raises(Error) as info:
        prog.call("f", True)
    assert str(info.value) == "builtins.ValueError: bad input"


def test_print_like_torchscript(capsys):
    prog = program("""
    func.func @f(%s: !ts.str, %i: !ts.int, %f: !ts.float, %g: !ts.float, %b: !ts.bool, %l: !ts.list<!ts.float>, %n: !ts.none) {
      ts.print %s, %i, %f, %g, %b, %l, %n : !ts.str, !ts.int, !ts.float, !ts.float, !ts.bool, !ts.list<!ts.float>, !ts.none
      ts.print
      func.return
    }""")
    prog.call("f", "x:", 3, 5.0, 0.1, True, [1.0, 2.5], None)
    assert capsys.readouterr().out == "x: 3 5. 0.10000000000000001 True [1., 2.5] None\n\n"


@pytest.mark.parametrize("value,text", [
    ((1,), "(1,)"), ((1, "a"), "(1, a)"), ({"k": [True]}, "{k: [True]}"), (-0.5, "-0.5"),
    (1e20, "1e+20"), (math.inf, "inf"), (math.nan, "nan"), (-3.0, "-3."),
    (np.array([1.0, 2.0], np.float32), " 1\n 2\n[ CPUFloatType{2} ]"),
    (np.array([[1, 20], [3, 4]]), "  1  20\n  3   4\n[ CPULongType{2,2} ]"),
    (np.array([1e-5, 2e-5]), "1e-05 *\n 1.0000\n 2.0000\n[ CPUDoubleType{2} ]"),
    (np.array([0.5, -1.25]), " 0.5000\n-1.2500\n[ CPUDoubleType{2} ]"),
    (np.array(True), "1\n[ CPUBoolType{} ]"),
])
def test_str_of_values(value, text):
    assert ts_str(value) == text
    prog = program("""
    func.func @f(%v: !ts.any) -> !ts.str {
      %s = ts.str.of %v : !ts.any
      func.return %s : !ts.str
    }""")
    assert prog.call("f", value) == text


def test_warn(recwarn):
    run_op("ts.str.lower", ["!ts.str"], "!ts.str", "X")  # no warning from other ops
    program("""
    func.func @f(%m: !ts.str) {
      ts.warn %m
      func.return
    }""").call("f", "careful")
    assert [str(w.message) for w in recwarn] == ["careful"]
    assert recwarn[0].category is UserWarning


ISINSTANCE_CASES = [
    ("[!ts.int]", 3, True), ("[!ts.int]", True, False), ("[!ts.int]", 3.0, False),
    ("[!ts.float]", 3.0, True), ("[!ts.bool]", False, True), ("[!ts.str]", "s", True),
    ("[!ts.none]", None, True), ("[!ts.number]", 2.5, True), ("[!ts.str, !ts.int]", 4, True),
    ("[!ts.tensor]", np.zeros(2), True), ("[!ts.tensor]", [1], False),
    ("[!ts.tensor<[2], f32>]", np.zeros(2, np.float32), True),
    ("[!ts.tensor<[2], f32>]", np.zeros(2, np.float64), False),
    ("[!ts.tensor<[?,3]>]", np.zeros((5, 3)), True), ("[!ts.tensor<[?,3]>]", np.zeros(3), False),
    ("[!ts.list<!ts.int>]", [1, 2], True), ("[!ts.list<!ts.int>]", [1, "x"], False),
    ("[!ts.list<!ts.int>]", [], True), ("[!ts.list<!ts.int>]", (1,), False),
    ("[!ts.tuple<!ts.int, !ts.str>]", (1, "a"), True), ("[!ts.tuple<!ts.int, !ts.str>]", (1,), False),
    ("[!ts.dict<!ts.str, !ts.int>]", {"a": 1}, True), ("[!ts.dict<!ts.str, !ts.int>]", {"a": "b"}, False),
    ("[!ts.optional<!ts.int>]", None, True), ("[!ts.optional<!ts.int>]", "x", False),
    ("[!ts.union<!ts.int, !ts.str>]", "x", True),
    ('[!ts.class<"__torch__.A">]', ScriptObject("__torch__.A"), True),
    ('[!ts.class<"__torch__.A">]', ScriptObject("__torch__.B"), False),
]


@pytest.mark.parametrize("types,value,expected", ISINSTANCE_CASES)
def test_isinstance(types, value, expected):
    prog = program(f"""
    func.func @f(%v: !ts.any) -> !ts.bool {{
      %r = ts.isinstance %v, {types} : !ts.any
      func.return %r : !ts.bool
    }}""")
    assert prog.call("f", value) is expected


def test_is_isnot_cast_and_uninitialized():
    prog = program("""
    func.func @f(%o: !ts.optional<!ts.tensor>, %t: !ts.tensor) -> (!ts.bool, !ts.bool, !ts.bool, !ts.tensor, !ts.tensor) {
      %none = ts.constant none
      %isnone = ts.is %o, %none : !ts.optional<!ts.tensor>, !ts.none
      %notnone = ts.isnot %o, %none : !ts.optional<!ts.tensor>, !ts.none
      %same = ts.is %o, %t : !ts.optional<!ts.tensor>, !ts.tensor
      %c = ts.unchecked_cast %o : !ts.optional<!ts.tensor> to !ts.tensor
      %u = ts.uninitialized : !ts.tensor
      func.return %isnone, %notnone, %same, %c, %u : !ts.bool, !ts.bool, !ts.bool, !ts.tensor, !ts.tensor
    }""")
    t = np.zeros(1)
    assert prog.call("f", None, t) == (True, False, False, None, None)
    isnone, notnone, same, cast, u = prog.call("f", t, t)
    assert (isnone, notnone, same, u) == (False, True, True, None) and cast is t
    assert prog.call("f", np.zeros(1), t)[2] is False  # equal tensors, different objects


def test_format():
    prog = program("""
    func.func @f(%fmt: !ts.str, %i: !ts.int, %x: !ts.float, %l: !ts.list<!ts.int>) -> !ts.str {
      %s = ts.str.format %fmt, %i, %x, %l : !ts.int, !ts.float, !ts.list<!ts.int>
      func.return %s : !ts.str
    }""")
    assert prog.call("f", "{} and {} in {}", 1, 2.0, [3]) == "1 and 2. in [3]"
    assert prog.call("f", "{:03d}|{:.2f}|{!r}", 7, 1 / 3, [3]) == "007|0.33|[3]"


def test_generic_op_fails_only_when_run():
    prog = program("""
    func.func @f(%c: !ts.bool, %x: !ts.tensor) -> !ts.tensor {
      %r = ts.if %c -> (!ts.tensor) {
        %y = ts.generic "aten::foo"(%x) : (!ts.tensor) -> !ts.tensor
        ts.yield %y : !ts.tensor
      } else {
        ts.yield %x : !ts.tensor
      }
      func.return %r : !ts.tensor
    }""")
    x = np.ones(2)
    assert prog.call("f", False, x) is x
    with pytest.raises(Error, match='^ts.generic "aten::foo" has no numpy implementation$'):
        prog.call("f", True, x)
