"""Objects, attributes and methods of TorchScript classes and modules on the numpy backend."""
from __future__ import annotations

import pytest
from backend_ir import program

from tsjit.runtime import Error, ScriptObject

MODULE = """
ts.class_type module @__torch__.Counter {
  ts.attr "count" : !ts.int
  ts.attr "step" : !ts.int
  ts.attr "sub" : !ts.class<"__torch__.Scale">
  ts.method "forward" = @__torch__.Counter.forward
  ts.method "bump" = @__torch__.Counter.bump
}
ts.class_type @__torch__.Scale {
  ts.attr "factor" : !ts.int
  ts.method "__call__" = @__torch__.Scale.call
}
func.func @__torch__.Counter.forward(%self: !ts.class<"__torch__.Counter">, %x: !ts.int) -> !ts.int {
  ts.call_method %self["bump"]() : (!ts.class<"__torch__.Counter">) -> ()
  %sub = ts.get_attr %self["sub"] : !ts.class<"__torch__.Counter"> -> !ts.class<"__torch__.Scale">
  %y = ts.call_method %sub["__call__"](%x) : (!ts.class<"__torch__.Scale">, !ts.int) -> !ts.int
  %n = ts.get_attr %self["count"] : !ts.class<"__torch__.Counter"> -> !ts.int
  %r = ts.scalar.add %y, %n : (!ts.int, !ts.int) -> !ts.int
  func.return %r : !ts.int
}
func.func @__torch__.Counter.bump(%self: !ts.class<"__torch__.Counter">) {
  %n = ts.get_attr %self["count"] : !ts.class<"__torch__.Counter"> -> !ts.int
  %s = ts.get_attr %self["step"] : !ts.class<"__torch__.Counter"> -> !ts.int
  %n1 = ts.scalar.add %n, %s : (!ts.int, !ts.int) -> !ts.int
  ts.set_attr %self["count"] = %n1 : !ts.class<"__torch__.Counter">, !ts.int
  func.return
}
func.func @__torch__.Scale.call(%self: !ts.class<"__torch__.Scale">, %x: !ts.int) -> !ts.int {
  %f = ts.get_attr %self["factor"] : !ts.class<"__torch__.Scale"> -> !ts.int
  %y = ts.scalar.mul %x, %f : (!ts.int, !ts.int) -> !ts.int
  func.return %y : !ts.int
}
func.func @make(%step: !ts.int) -> !ts.class<"__torch__.Counter"> {
  %zero = ts.constant 0
  %three = ts.constant 3
  %scale = ts.create_object : !ts.class<"__torch__.Scale">
  ts.set_attr %scale["factor"] = %three : !ts.class<"__torch__.Scale">, !ts.int
  %c = ts.object "__torch__.Counter"("count" = %zero, "step" = %step, "sub" = %scale) : (!ts.int, !ts.int, !ts.class<"__torch__.Scale">)
  func.return %c : !ts.class<"__torch__.Counter">
}
"""


def test_objects_built_in_ir_and_called_from_python():
    prog = program(MODULE)
    counter = prog.call("make", 2)
    assert isinstance(counter, ScriptObject) and counter._class_name == "__torch__.Counter"
    assert counter.count == 0 and counter.sub.factor == 3
    assert prog.call_method(counter, "forward", 5) == 15 + 2
    forward = prog.method("__torch__.Counter", "forward")
    assert forward(counter, 5) == 15 + 4  # state persists in the object
    assert counter.count == 4


def test_objects_made_in_python_and_method_dispatch_on_the_runtime_class():
    prog = program(MODULE)
    scale = ScriptObject("__torch__.Scale", {"factor": 10})
    counter = ScriptObject("__torch__.Counter", {"count": 100, "step": 1, "sub": scale})
    assert prog.call_method(counter, "forward", 2) == 20 + 101
    assert prog.call_method(scale, "__call__", 4) == 40


def test_attribute_named_like_a_scriptobject_property():
    prog = program("""
    ts.class_type @__torch__.C {
      ts.attr "slots" : !ts.int
    }
    func.func @f(%x: !ts.int) -> !ts.int {
      %o = ts.object "__torch__.C"("slots" = %x) : (!ts.int)
      %y = ts.get_attr %o["slots"] : !ts.class<"__torch__.C"> -> !ts.int
      func.return %y : !ts.int
    }""")
    assert prog.call("f", 7) == 7


def test_missing_attribute_and_method():
    prog = program(MODULE)
    half_built = ScriptObject("__torch__.Counter", {"step": 1})
    with pytest.raises(Error, match=r"^ts.get_attr: object of class __torch__.Counter has no attribute 'count'$"):
        prog.call_method(half_built, "bump")
    with pytest.raises(Error, match="class __torch__.Scale has no method 'forward'"):
        prog.call_method(ScriptObject("__torch__.Scale"), "forward")
    with pytest.raises(Error, match="no class named '__torch__.Nope'"):
        prog.call_method(ScriptObject("__torch__.Nope"), "forward")
