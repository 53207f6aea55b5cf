"""The grammar and parser of TorchScript's printed IR (parse.py, grammar.lark) and its types."""
from __future__ import annotations

import math

import numpy as np
import pytest

from tsjit.dialects.ts.types import (
    DYNAMIC, AnyType, ClassType, DictType, IntType, ListType, OptionalType, TensorType, TupleType, UnionType, f32, i64,
)
from tsjit.frontend.importers.graph_model import Location
from tsjit.frontend.importers.parse import GraphParseError, parse_graph
from tsjit.frontend.importers.torch_types import TypeImportError, to_ts_type

NESTED = """graph(%x.1 : Tensor, %y : Float(3, 4, strides=[4, 1], requires_grad=0, device=cpu), %n : int):
  %t : bool = prim::Constant[value=1]() # a/b.py:3:4
  %r : Tensor = prim::Loop(%n, %t, %x.1) # a/b.py:9:10
    block0(%i : int, %acc.1 : Tensor):
      %c : bool = aten::lt(%i, %n)
      %acc.2 : Tensor = prim::If(%c)
        block0():
          %z : Tensor = aten::add(%acc.1, %y, %i), scope: __module.fc # f.py:1:2
          -> (%z)
        block1():
          -> (%acc.1)
      -> (%t, %acc.2)
  %a : int, %b : int = prim::TupleUnpack(%tup)
   = prim::RaiseException(%s, %cls)
  return (%r)
"""


def test_nested_blocks_outputs_and_locations():
    g = parse_graph(NESTED)
    assert [(v.name, v.type) for v in g.inputs] == [
        ("x.1", "Tensor"), ("y", "Float(3, 4, strides=[4, 1], requires_grad=0, device=cpu)"), ("n", "int")]
    loop = g.nodes[1]
    assert loop.kind == "prim::Loop" and loop.inputs == ["n", "t", "x.1"]
    assert loop.location == Location("a/b.py", 9, 10)
    body = loop.blocks[0]
    assert [v.name for v in body.inputs] == ["i", "acc.1"] and body.returns == ["t", "acc.2"]
    inner = body.nodes[1]
    assert [b.returns for b in inner.blocks] == [["z"], ["acc.1"]]
    assert inner.blocks[0].nodes[0].location == Location("f.py", 1, 2)  # the scope is skipped
    assert [v.name for v in g.nodes[2].outputs] == ["a", "b"]
    assert g.nodes[3].outputs == [] and g.returns == ["r"]


@pytest.mark.parametrize("text, value", [
    ("1", 1), ("-2", -2), ("0.5", 0.5), ("1.", 1.0), ("-2.5e+20", -2.5e20), ("1.0000000000000001e-05", 1e-05),
    ('"abc"', "abc"), (r'"multi\nline \"q\" \'x\'"', "multi\nline \"q\" 'x'"), ("[1, 2]", [1, 2]), ("[]", []),
    ('(1, "x")', (1, "x")), ("[0.5, 1.5]", [0.5, 1.5]), ('{"a": 1}', {"a": 1}),
])
def test_constant_values(text, value):
    g = parse_graph(f"graph():\n  %0 : int = prim::Constant[value={text}]()\n  return (%0)\n")
    assert g.nodes[0].attributes == {"value": value}


def test_special_floats_and_names():
    g = parse_graph('graph():\n  %0 : float = prim::Constant[value=-inf]()\n  %1 : float = prim::Constant[value=nan]()\n'
                    '  %2 : Function = prim::Constant[name="relu"]()\n  %3 : bool = prim::isinstance[types=[int, str]](%2)\n'
                    '  return (%0)\n')
    assert g.nodes[0].attributes["value"] == -math.inf and math.isnan(g.nodes[1].attributes["value"])
    assert g.nodes[2].attributes == {"name": "relu"} and g.nodes[3].attributes == {"types": ["int", "str"]}


@pytest.mark.parametrize("text, expected", [
    ("{1.5}", np.array(1.5)),
    (" 1  2  3  4 [ CPUFloatType{2,2} ]", np.array([[1, 2], [3, 4]], np.float32)),
    ("0.01 *  3.7380 -6.7800 [ CPUFloatType{2} ]", np.array([0.03738, -0.0678], np.float32)),
    (" 1  2 [ CPULongType{2} ]", np.array([1, 2], np.int64)),
    ("(1,.,.) = \n  1  2 \n(2,.,.) = \n  3  4 [ CPUDoubleType{2,1,2} ]", np.array([[[1, 2]], [[3, 4]]], np.float64)),
])
def test_printed_tensor_constants(text, expected):
    g = parse_graph(f"graph():\n  %0 : Tensor = prim::Constant[value={text}]()\n  return (%0)\n")
    got = g.nodes[0].attributes["value"]
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_opaque_tensor_is_none():
    g = parse_graph("graph():\n  %w : Float(100, strides=[1]) = prim::Constant[value=<Tensor>]()\n  return (%w)\n")
    assert g.nodes[0].attributes == {"value": None}


def test_subgraphs_attach_to_their_nodes():
    g = parse_graph("graph(%x : Tensor):\n  %y : Tensor = prim::FusionGroup_0(%x)\n  return (%y)\n"
                    "with prim::FusionGroup_0 = graph(%a : Tensor):\n  %b : Tensor = aten::relu(%a)\n  return (%b)\n")
    assert g.nodes[0].attributes["Subgraph"].nodes[0].kind == "aten::relu"


def test_old_brace_form_of_the_docs():
    g = parse_graph("graph(%x : Tensor) {\n  %5 : bool = prim::Constant[value=1]()\n"
                    "  %r : Tensor = prim::Loop(%4, %5, %x)\n  block0(%i : int, %7 : Tensor) {\n"
                    "    -> (%5, %7)\n  }\n  return (%r);\n}\n")
    assert g.nodes[1].blocks[0].returns == ["5", "7"]


def test_syntax_error_names_file_line_column_with_a_caret():
    with pytest.raises(GraphParseError) as e:
        parse_graph("graph(%x : Tensor):\n  %y : Tensor = aten::relu(%x\n  return (%y)\n", "model.txt")
    message = str(e.value)
    assert message.startswith("model.txt:3:3: error: unexpected 'return'")
    assert message.splitlines()[1:] == ["  return (%y)", "  ^"]


@pytest.mark.parametrize("text, expected", [
    ("Tensor", TensorType()), ("int[]", ListType(IntType())), ("Tensor?", OptionalType(TensorType())),
    ("int[]?", OptionalType(ListType(IntType()))), ("(Tensor, int)", TupleType([TensorType(), IntType()])),
    ("Dict(str, Tensor[])", DictType(to_ts_type("str"), ListType(TensorType()))),
    ("Optional[int]", OptionalType(IntType())), ("Union(int, str)", UnionType([IntType(), to_ts_type("str")])),
    ("Any", AnyType()), ("__torch__.M", ClassType("__torch__.M")),
    ("Float(3, 4, strides=[4, 1], requires_grad=0, device=cpu)", TensorType([3, 4], f32)),
    ("Long(*, 4, device=cuda:0)", TensorType([DYNAMIC, 4], i64)), ("Float(requires_grad=0, device=cpu)", TensorType(None, f32)),
])
def test_types(text, expected):
    assert to_ts_type(text) == expected


def test_unknown_type():
    with pytest.raises(TypeImportError, match="unsupported TorchScript type 'Storage'"):
        to_ts_type("Storage")
