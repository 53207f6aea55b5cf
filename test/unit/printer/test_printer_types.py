"""Type spellings: Python annotations (`.code`) and schema strings (`.schema`)."""
from __future__ import annotations

import pytest
from xdsl.dialects import builtin

from tsjit.dialects.ts import types as t
from tsjit.printer import function_schema, schema_type_name, type_name
from printer_ir import first_func, parse

# (type, annotation spelling, schema spelling), as TorchScript 2.x prints them
CASES = [
    (t.TensorType(), "Tensor", "Tensor"),
    (t.TensorType([2, t.DYNAMIC], t.f32), "Tensor", "Tensor"),
    (t.IntType(), "int", "int"),
    (t.FloatType(), "float", "float"),
    (t.BoolType(), "bool", "bool"),
    (t.StrType(), "str", "str"),
    (t.NoneType(), "NoneType", "NoneType"),
    (t.DeviceType(), "Device", "Device"),
    (t.AnyType(), "Any", "Any"),
    (t.NumberType(), "number", "Scalar"),
    (t.ListType(t.IntType()), "List[int]", "int[]"),
    (t.ListType(t.ListType(t.OptionalType(t.IntType()))), "List[List[Optional[int]]]", "int?[][]"),
    (t.TupleType([t.IntType(), t.StrType()]), "Tuple[int, str]", "(int, str)"),
    (t.TupleType([]), "Tuple[()]", "()"),
    (t.DictType(t.StrType(), t.TensorType()), "Dict[str, Tensor]", "Dict(str, Tensor)"),
    (t.DictType(t.IntType(), t.ListType(t.TensorType())), "Dict[int, List[Tensor]]", "Dict(int, Tensor[])"),
    (t.OptionalType(t.TensorType()), "Optional[Tensor]", "Tensor?"),
    (t.UnionType([t.FloatType(), t.IntType()]), "Union[float, int]", "Union(float, int)"),
    (t.FutureType(t.TensorType()), "Future[Tensor]", "Future(Tensor)"),
    (t.ClassType("__torch__.Net"), "__torch__.Net", "__torch__.Net"),
    (t.ListType(t.ClassType("__torch__.Sub")), "List[__torch__.Sub]", "__torch__.Sub[]"),
]


@pytest.mark.parametrize("ty, annotation, schema", CASES, ids=[c[1] for c in CASES])
def test_type_spellings(ty, annotation, schema):
    assert type_name(ty) == annotation
    assert schema_type_name(ty) == schema


def test_foreign_types_print_as_ir():
    assert type_name(builtin.i32) == "i32"


def test_function_schema():
    fn = first_func(parse("""
    func.func @__torch__.g(%a: !ts.list<!ts.int>, %b: !ts.tuple<!ts.int, !ts.str>, %d: !ts.optional<!ts.tensor>,
                           %n: !ts.int) -> !ts.tuple<!ts.int, !ts.str> {
      func.return %b : !ts.tuple<!ts.int, !ts.str>
    }"""))
    assert function_schema(fn) == "g(int[] a, (int, str) b, Tensor? d, int n) -> ((int, str))"
    assert function_schema(fn, "h", defaults={"n": "2"}) == \
        "h(int[] a, (int, str) b, Tensor? d, int n=2) -> ((int, str))"


def test_method_schema_and_several_results():
    fn = first_func(parse("""
    func.func @__torch__.M.forward(%self: !ts.class<"__torch__.M">, %x: !ts.tensor) -> (!ts.tensor, !ts.int) {
      %one = ts.constant 1
      func.return %x, %one : !ts.tensor, !ts.int
    }"""))
    assert function_schema(fn) == "forward(__torch__.M self, Tensor x) -> ((Tensor, int))"


def test_schema_without_results():
    fn = first_func(parse("func.func @f(%x: !ts.tensor) {\n func.return\n}"))
    assert function_schema(fn) == "f(Tensor x) -> NoneType"
