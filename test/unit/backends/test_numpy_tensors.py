"""Tensor ops through the kernel table, error reporting, early freeing of dead values, invalidate."""
from __future__ import annotations

import gc
import weakref
from pathlib import Path

import numpy as np
import pytest
from backend_ir import parse, program

from tsjit.backends import get_backend
from tsjit.backends.numpy import Program
from tsjit.runtime import Error

T = "!ts.tensor"

MLP = (Path(__file__).parents[3] / "examples" / "mlp.mlir").read_text()


def test_mlp_example_against_numpy():
    pytest.importorskip("tsjit.kernels")
    x = np.array([[1.0, 2.0, -1.0, 0.5], [0.0, -3.0, 2.0, 1.0]], np.float32)
    w1 = np.array([[0.5, -0.25, 0.125, 1.0], [-1.0, 0.75, 0.5, -0.5], [0.25, 0.25, -0.75, 0.5]], np.float32)
    b1 = np.array([0.1, -0.2, 0.3], np.float32)
    w2 = np.array([[1.0, -1.0, 0.5], [0.5, 0.5, -1.0]], np.float32)
    b2 = np.array([0.0, 0.05], np.float32)
    h = np.maximum(x @ w1.T + b1, 0)
    logits = h @ w2.T + b2
    expected = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    out = program(MLP).call("forward", x)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    with pytest.raises(Error, match="^builtins.ValueError: expected a 2-D input$"):
        program(MLP).call("forward", x[0])


def test_elementwise_and_reductions_against_numpy():
    pytest.importorskip("tsjit.kernels")
    prog = program(f"""
    func.func @f(%a: {T}, %b: {T}) -> ({T}, {T}, {T}, {T}) {{
      %two = ts.constant 2
      %half = ts.constant 0.5
      %s = ts.add %a, %b, %two : ({T}, {T}, !ts.int) -> {T}
      %m = ts.mul %a, %half : ({T}, !ts.float) -> {T}
      %g = ts.gt %a, %b : ({T}, {T}) -> {T}
      %w = ts.where %g, %a, %b : ({T}, {T}, {T}) -> {T}
      func.return %s, %m, %g, %w : {T}, {T}, {T}, {T}
    }}""")
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((3, 4)).astype(np.float32), rng.standard_normal(4).astype(np.float32)
    s, m, g, w = prog.call("f", a, b)
    np.testing.assert_allclose(s, a + 2 * b, rtol=1e-6)
    np.testing.assert_allclose(m, a * 0.5)
    np.testing.assert_array_equal(g, a > b)
    np.testing.assert_array_equal(w, np.maximum(a, b))
    assert s.dtype == m.dtype == w.dtype == np.float32 and g.dtype == np.bool_


def test_kernel_errors_name_the_op_and_keep_the_cause():
    pytest.importorskip("tsjit.kernels")
    prog = program(f"""
    func.func @f(%a: {T}, %b: {T}) -> {T} {{
      %c = ts.matmul %a, %b : ({T}, {T}) -> {T}
      func.return %c : {T}
    }}""")
    with pytest.raises(Error) as info:
        prog.call("f", np.ones((2, 3), np.float32), np.ones((4, 5), np.float32))
    assert str(info.value) == "ts.matmul: mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)"
    assert info.value.__cause__ is not None


def test_errors_include_the_source_location_when_the_op_has_one():
    prog = program("""
    func.func @f(%a: !ts.int, %b: !ts.int) -> !ts.int {
      %c = ts.scalar.floordiv %a, %b {loc = "model.py:12:8"} : (!ts.int, !ts.int) -> !ts.int
      func.return %c : !ts.int
    }""")
    with pytest.raises(Error, match=r"^ts.scalar.floordiv \(model.py:12:8\): integer division or modulo by zero$"):
        prog.call("f", 1, 0)


def test_errors_use_a_parsed_mlir_location_too():
    prog = program("""
    func.func @f(%a: !ts.int, %b: !ts.int) -> !ts.int {
      %c = ts.scalar.mod %a, %b : (!ts.int, !ts.int) -> !ts.int loc("net.py":3:4)
      func.return %c : !ts.int
    }""")
    with pytest.raises(Error, match=r"^ts.scalar.mod \(net.py:3:4\): integer modulo by zero$"):
        prog.call("f", 1, 0)


def test_an_error_deep_in_nested_calls_names_the_innermost_op():
    prog = program("""
    func.func @inner(%a: !ts.int) -> !ts.int {
      %zero = ts.constant 0
      %c = ts.scalar.mod %a, %zero : (!ts.int, !ts.int) -> !ts.int
      func.return %c : !ts.int
    }
    func.func @outer(%a: !ts.int, %c: !ts.bool) -> !ts.int {
      %r = ts.if %c -> (!ts.int) {
        %x = ts.call_function @inner(%a) : (!ts.int) -> !ts.int
        ts.yield %x : !ts.int
      } else {
        ts.yield %a : !ts.int
      }
      func.return %r : !ts.int
    }""")
    with pytest.raises(Error, match=r"^ts.scalar.mod: integer modulo by zero$"):
        prog.call("outer", 3, True)


CHAIN = f"""
func.func @f(%x: {T}) -> {T} {{
  %a = ts.relu %x : ({T}) -> {T}
  %b = ts.neg %a : ({T}) -> {T}
  %c = ts.exp %b : ({T}) -> {T}
  func.return %c : {T}
}}
"""


def test_dead_intermediates_are_freed_before_the_function_returns():
    seen = {}

    def relu(x):
        out = np.maximum(x, 0)
        seen["a"] = weakref.ref(out)
        return out

    def exp(x):
        gc.collect()
        seen["a alive during exp"] = seen["a"]() is not None
        return np.exp(x)

    prog = Program(parse(CHAIN), kernels={"relu": relu, "neg": np.negative, "exp": exp})
    np.testing.assert_allclose(prog.call("f", np.array([-1.0, 2.0])), np.exp([0.0, -2.0]))
    assert seen["a alive during exp"] is False


def test_values_captured_by_a_loop_body_stay_alive_across_iterations():
    prog = Program(parse(f"""
    func.func @f(%x: {T}, %n: !ts.int) -> {T} {{
      %true = ts.constant true
      %w = ts.relu %x : ({T}) -> {T}
      %r = ts.loop %n, %true iter(%i, %acc = %x) : ({T}) {{
        %y = ts.mul %acc, %w : ({T}, {T}) -> {T}
        ts.condition %true, %y : {T}
      }}
      func.return %r : {T}
    }}"""), kernels={"relu": lambda x: np.maximum(x, 0), "mul": np.multiply})
    np.testing.assert_allclose(prog.call("f", np.array([2.0, 3.0]), 3), [16.0, 81.0])


def test_missing_kernel_fails_when_run():
    prog = Program(parse(CHAIN), kernels={"relu": np.abs})
    with pytest.raises(Error, match="^ts.neg has no numpy kernel$"):
        prog.call("f", np.ones(1))


def test_invalidate_replans_after_the_ir_changed():
    module = parse(CHAIN)
    prog = Program(module, kernels={"relu": lambda x: np.maximum(x, 0), "neg": np.negative, "exp": np.exp})
    x = np.array([1.0])
    np.testing.assert_allclose(prog.call("f", x), np.exp(-1.0))
    neg = next(op for op in module.walk() if op.name == "ts.neg")
    neg.results[0].replace_all_uses_with(neg.operands[0])  # a "pass": drop the negation
    neg.detach()
    neg.erase()
    np.testing.assert_allclose(prog.call("f", x), np.exp(-1.0))  # the old plan is still in use
    prog.invalidate()
    np.testing.assert_allclose(prog.call("f", x), np.exp(1.0))


def test_backend_registry():
    assert get_backend("numpy").Program is Program
    with pytest.raises(ValueError, match="unknown backend 'nope'"):
        get_backend("nope")


def test_a_carried_value_dies_once_the_loop_body_used_it():
    inputs, alive = [], []

    def relu(x):
        inputs.append(weakref.ref(x))
        return np.maximum(x, 0)

    def neg(y):
        gc.collect()
        alive.append(inputs[-1]() is not None)  # this iteration's carried value, already used by relu
        return -y

    prog = Program(parse(f"""
    func.func @f(%x: {T}, %n: !ts.int) -> {T} {{
      %true = ts.constant true
      %r = ts.loop %n, %true iter(%i, %acc = %x) : ({T}) {{
        %y = ts.relu %acc : ({T}) -> {T}
        %z = ts.neg %y : ({T}) -> {T}
        ts.condition %true, %z : {T}
      }}
      func.return %r : {T}
    }}"""), kernels={"relu": relu, "neg": neg})
    prog.call("f", np.array([1.0, -2.0]), 4)
    assert alive == [True, False, False, False]  # the first is the caller's argument
