"""Graphs -> ts IR (build.py, aten_ops.py): what each kind becomes, and how unknown kinds fail."""
from __future__ import annotations

import numpy as np
import pytest

from tsjit.frontend import import_graph, import_graph_function
from tsjit.frontend.importers.build import GraphImportError
from tsjit.runtime import Error


def op_names(module):
    return [op.name for op in module.walk()]


def test_scalar_string_and_list_overloads():
    fn = import_graph_function("""graph(%a : int, %s : str, %l : int[]):
  %one : int = prim::Constant[value=1]()
  %sum : int = aten::add(%a, %one)
  %t : str = aten::add(%s, %s)
  %l2 : int[] = aten::add(%l, %l)
  %n : int = aten::len(%l2)
  %x : int = aten::__getitem__(%l2, %one)
  %f : float = aten::div(%sum, %n)
  %c : bool = aten::eq(%s, %t)
  %app : int[] = aten::append(%l2, %sum)
  %m : int = prim::max(%a, %n)
  %out : (int, str, int[], int, int, float, bool, int) = prim::TupleConstruct(%sum, %t, %l2, %n, %x, %f, %c, %m)
  return (%out)
""")
    assert fn(4, "ab", [7, 8]) == (5, "abab", [7, 8, 7, 8, 5], 4, 8, 1.25, False, 4)


def test_tensor_ops_by_schema_with_dropped_and_defaulted_arguments():
    fn = import_graph_function("""graph(%x : Float(2, 3)):
  %none : NoneType = prim::Constant()
  %f : bool = prim::Constant[value=0]()
  %one : int = prim::Constant[value=1]()
  %two : int = prim::Constant[value=2]()
  %sizes : int[] = prim::ListConstruct(%two, %one)
  %z : Tensor = aten::ones(%sizes, %none, %none, %none, %none)
  %y : Tensor = aten::mul(%x, %z)
  %s : Tensor = aten::sum(%y, %none)
  %v : Tensor = aten::var(%x, %f)
  %m : Tensor, %i : Tensor = aten::max(%x, %one, %f)
  %k : Tensor = aten::softmax(%x, %one, %none)
  %c : Tensor = aten::contiguous(%k, %one)
  %out : (Tensor, Tensor, Tensor, Tensor, Tensor) = prim::TupleConstruct(%s, %v, %m, %i, %c)
  return (%out)
""")
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    s, v, m, i, c = fn(x)
    assert s == 15 and np.isclose(v, x.var()) and m.tolist() == [2, 5] and i.tolist() == [2, 2]
    np.testing.assert_allclose(c, np.exp(x) / np.exp(x).sum(1, keepdims=True), rtol=1e-6)


def test_range_loop_with_start_and_step():
    fn = import_graph_function("""graph(%lo : int, %hi : int, %step : int):
  %t : bool = prim::Constant[value=1]()
  %zero : int = prim::Constant[value=0]()
  %n : int = aten::__range_length(%lo, %hi, %step)
  %acc : int = prim::Loop(%n, %t, %zero)
    block0(%k : int, %a.1 : int):
      %i : int = aten::__derive_index(%k, %lo, %step)
      %a.2 : int = aten::add(%a.1, %i)
      -> (%t, %a.2)
  return (%acc)
""")
    for lo, hi, step in [(2, 11, 3), (10, 0, -2), (5, 5, 1), (5, 1, 1)]:
        assert fn(lo, hi, step) == sum(range(lo, hi, step))


def test_unknown_kind_becomes_generic_and_fails_with_its_location():
    text = "graph(%x : Tensor):\n  %y : Tensor = aten::frobnicate(%x) # model.py:7:3\n  return (%y)\n"
    module = import_graph(text)
    generic = next(op for op in module.walk() if op.name == "ts.generic")
    assert generic.op_name.data == "aten::frobnicate"
    with pytest.raises(Error, match=r'ts.generic "aten::frobnicate" \(model.py:7:3\) has no numpy implementation'):
        import_graph_function(text)(np.zeros(2, np.float32))


def test_unknown_kind_is_reported_by_ts_to_linalg(capsys):
    from tsjit.passes import apply_pass
    from tsjit.passes.to_linalg import unlowered

    module = import_graph("graph(%x : Float(2)):\n  %y : Tensor = aten::frobnicate(%x) # m.py:1:2\n  return (%y)\n")
    apply_pass("ts-to-linalg", module)
    assert ('ts.generic "aten::frobnicate"', "m.py:1:2", "no lowering") in unlowered(module)
    assert 'ts.generic "aten::frobnicate" (m.py:1:2) was not lowered' in capsys.readouterr().err


def test_opaque_tensor_constant_needs_its_values():
    text = ("graph(%x : Tensor):\n  %w : Float(2, strides=[1]) = prim::Constant[value=<Tensor>]()\n"
            "  %one : int = prim::Constant[value=1]()\n  %y : Tensor = aten::add(%x, %w, %one)\n  return (%y)\n")
    with pytest.raises(Error, match="the tensor constant %w was printed as <Tensor>"):
        import_graph_function(text)(np.zeros(2, np.float32))
    fn = import_graph_function(text, tensors={"w": np.array([1.0, 2.0], np.float32)})
    assert fn(np.ones(2, np.float32)).tolist() == [2.0, 3.0]


def test_call_method_of_a_non_inlined_graph_explains():
    text = ("graph(%self : __torch__.M, %x : Tensor):\n  %sub : __torch__.Sub = prim::GetAttr[name=\"sub\"](%self)\n"
            "  %y : Tensor = prim::CallMethod[name=\"forward\"](%sub, %x) # m.py:3:4\n  return (%y)\n")
    with pytest.raises(Error, match="calls method 'forward': the printed graph does not contain its body"):
        import_graph_function(text)(np.zeros(2, np.float32))


def test_raise_assert_and_locations():
    fn = import_graph_function("""graph(%n : int):
  %none : NoneType = prim::Constant()
  %msg : str = prim::Constant[value="AssertionError: positive"]()
  %zero : int = prim::Constant[value=0]()
  %c : bool = aten::gt(%n, %zero) # t.py:2:11
   = prim::If(%c) # t.py:2:4
    block0():
      -> ()
    block1():
       = prim::RaiseException(%msg, %none) # t.py:2:4
      -> ()
  return (%n)
""")
    assert fn(3) == 3
    with pytest.raises(Error, match="builtins.AssertionError: positive"):
        fn(0)
    assert any(op.attributes.get("loc") and op.attributes["loc"].data == "t.py:2:11" for op in fn.module.walk())


def test_module_graph_reads_params_through_self():
    fn = import_graph_function("""graph(%self : __torch__.M, %x : Tensor):
  %fc : __torch__.Linear = prim::GetAttr[name="fc"](%self)
  %w : Tensor = prim::GetAttr[name="weight"](%fc)
  %b : Tensor = prim::GetAttr[name="bias"](%fc)
  %y : Tensor = aten::linear(%x, %w, %b)
  return (%y)
""", params={"fc.weight": np.eye(2, dtype=np.float32) * 2, "fc.bias": np.ones(2, np.float32)})
    assert fn(np.array([[1.0, 2.0]], np.float32)).tolist() == [[3.0, 5.0]]


def test_undefined_value_is_an_import_error():
    with pytest.raises(GraphImportError, match=r"f.py:1:2: aten::relu: use of undefined value %nope"):
        import_graph("graph(%x : Tensor):\n  %y : Tensor = aten::relu(%nope) # f.py:1:2\n  return (%y)\n")
