"""function_code / module_code on parsed IR, compared with the expected TorchScript-style text."""
from __future__ import annotations

import numpy as np
import pytest

from tsjit.printer import code_with_constants, function_code, module_code, module_code_with_constants
from tsjit.printer.names import base_name
from printer_ir import code, expect, first_func, parse

T = "!ts.tensor"


def test_straight_line_tensor_code_inlines_in_order():
    ir = f"""
    func.func @__torch__.Net.forward(%self: !ts.class<"__torch__.Net">, %x: {T}) -> {T} {{
      %0 = ts.get_attr %self["fc1"] : !ts.class<"__torch__.Net"> -> !ts.class<"__torch__.L">
      %1 = ts.call_method %0["forward"](%x) : (!ts.class<"__torch__.L">, {T}) -> {T}
      %2 = ts.relu %1 : ({T}) -> {T}
      %3 = ts.get_attr %self["fc2"] : !ts.class<"__torch__.Net"> -> !ts.class<"__torch__.L">
      %4 = ts.call_method %3["forward"](%2) : (!ts.class<"__torch__.L">, {T}) -> {T}
      func.return %4 : {T}
    }}"""
    assert code(ir) == expect("""
        def forward(self,
            x: Tensor) -> Tensor:
          _0 = torch.relu((self.fc1).forward(x, ))
          return (self.fc2).forward(_0, )
        """)


def test_named_values_stay_variables_unless_returned():
    ir = f"""
    func.func @__torch__.Net.forward(%self: !ts.class<"__torch__.Net">, %x: {T}) -> {T} {{
      %fc1 = ts.get_attr %self["fc1"] : !ts.class<"__torch__.Net"> -> !ts.class<"__torch__.L">
      %h = ts.call_method %fc1["forward"](%x) : (!ts.class<"__torch__.L">, {T}) -> {T}
      %y = ts.relu %h : ({T}) -> {T}
      func.return %y : {T}
    }}"""
    assert code(ir) == expect("""
        def forward(self,
            x: Tensor) -> Tensor:
          fc1 = self.fc1
          h = (fc1).forward(x, )
          return torch.relu(h)
        """)


def test_defaults_are_dropped_and_keyword_only_arguments_named():
    ir = f"""
    func.func @f(%x: {T}, %y: {T}, %s: !ts.list<!ts.int>) -> {T} {{
      %one = ts.constant 1
      %onef = ts.constant 1.0
      %none = ts.constant none
      %false = ts.constant false
      %true = ts.constant true
      %six = ts.constant 6
      %a = ts.add %x, %y, %one : ({T}, {T}, !ts.int) -> {T}
      %b = ts.add %x, %y, %onef : ({T}, {T}, !ts.float) -> {T}
      %c = ts.sum %x, %none, %false, %none : ({T}, !ts.none, !ts.bool, !ts.none) -> {T}
      %d = ts.sum %x, %none, %true, %none : ({T}, !ts.none, !ts.bool, !ts.none) -> {T}
      %e = ts.zeros %s, %six : (!ts.list<!ts.int>, !ts.int) -> {T}
      %f = ts.softmax %x, %one, %six : ({T}, !ts.int, !ts.int) -> {T}
      %l = ts.list.construct %a, %b, %c, %d, %e, %f : ({T}, {T}, {T}, {T}, {T}, {T}) -> !ts.list<{T}>
      %r = ts.cat %l, %one : (!ts.list<{T}>, !ts.int) -> {T}
      func.return %r : {T}
    }}"""
    assert code(ir) == expect("""
        def f(x: Tensor,
            y: Tensor,
            s: List[int]) -> Tensor:
          a = torch.add(x, y)
          b = torch.add(x, y, alpha=1.)
          c = torch.sum(x)
          d = torch.sum(x, None, True)
          e = torch.zeros(s, dtype=6)
          f = torch.softmax(x, 1, 6)
          l = [a, b, c, d, e, f]
          return torch.cat(l, 1)
        """)


def _calls_then(combine: str) -> str:
    """Two calls of g (results %0 then %1), combined by `combine`."""
    return f"""
    func.func @g() -> {T} {{
      %0 = ts.generic "aten::rand_thing"() : () -> {T}
      func.return %0 : {T}
    }}
    func.func @h() -> {T} {{
      %0 = ts.call_function @g() : () -> {T}
      %1 = ts.call_function @g() : () -> {T}
      %2 = {combine} : ({T}, {T}) -> {T}
      func.return %2 : {T}
    }}"""


def test_inlining_never_reorders_calls():
    h = list(parse(_calls_then("ts.mul %0, %1")).body.block.ops)[1]
    assert function_code(h) == expect("""
        def h() -> Tensor:
          return torch.mul(g(), g())
        """)
    # the first call's result is the second operand: inlining it would run it second
    h = list(parse(_calls_then("ts.mul %1, %0")).body.block.ops)[1]
    assert function_code(h) == expect("""
        def h() -> Tensor:
          _0 = g()
          return torch.mul(g(), _0)
        """)


def test_scalar_ops_print_as_torchscript_builtins():
    ir = """
    func.func @p(%a: !ts.int, %b: !ts.int, %c: !ts.int, %t: !ts.bool, %u: !ts.bool) -> !ts.list<!ts.bool> {
      %two = ts.constant 2
      %m = ts.constant -3
      %0 = ts.scalar.add %a, %b : (!ts.int, !ts.int) -> !ts.int
      %11 = ts.scalar.mul %0, %c : (!ts.int, !ts.int) -> !ts.int
      %1 = ts.scalar.sub %b, %c : (!ts.int, !ts.int) -> !ts.int
      %12 = ts.scalar.sub %a, %1 : (!ts.int, !ts.int) -> !ts.int
      %2 = ts.scalar.sub %a, %b : (!ts.int, !ts.int) -> !ts.int
      %13 = ts.scalar.sub %2, %c : (!ts.int, !ts.int) -> !ts.int
      %3 = ts.scalar.add %a, %b : (!ts.int, !ts.int) -> !ts.int
      %14 = ts.scalar.neg %3 : (!ts.int) -> !ts.int
      %4 = ts.scalar.pow %b, %c : (!ts.int, !ts.int) -> !ts.int
      %15 = ts.scalar.pow %a, %4 : (!ts.int, !ts.int) -> !ts.int
      %5 = ts.scalar.pow %a, %b : (!ts.int, !ts.int) -> !ts.int
      %16 = ts.scalar.pow %5, %c : (!ts.int, !ts.int) -> !ts.int
      %17 = ts.scalar.pow %m, %two : (!ts.int, !ts.int) -> !ts.int
      %6 = ts.scalar.floordiv %a, %b : (!ts.int, !ts.int) -> !ts.int
      %18 = ts.scalar.mod %6, %two : (!ts.int, !ts.int) -> !ts.int
      %x = ts.list.construct %11, %12, %13, %14, %15, %16, %17, %18 : (!ts.int, !ts.int, !ts.int, !ts.int, !ts.int, !ts.int, !ts.int, !ts.int) -> !ts.list<!ts.int>
      %7 = ts.scalar.and %t, %u : (!ts.bool, !ts.bool) -> !ts.bool
      %19 = ts.scalar.not %7 : (!ts.bool) -> !ts.bool
      %8 = ts.scalar.lt %a, %b : (!ts.int, !ts.int) -> !ts.bool
      %20 = ts.scalar.eq %8, %t : (!ts.bool, !ts.bool) -> !ts.bool
      %9 = ts.scalar.or %t, %u : (!ts.bool, !ts.bool) -> !ts.bool
      %21 = ts.scalar.and %9, %t : (!ts.bool, !ts.bool) -> !ts.bool
      %22 = ts.contains %x, %a : (!ts.list<!ts.int>, !ts.int) -> !ts.bool
      %10 = ts.scalar.add %a, %b : (!ts.int, !ts.int) -> !ts.int
      %23 = ts.scalar.gt %10, %c : (!ts.int, !ts.int) -> !ts.bool
      %r = ts.list.construct %19, %20, %21, %22, %23 : (!ts.bool, !ts.bool, !ts.bool, !ts.bool, !ts.bool) -> !ts.list<!ts.bool>
      func.return %r : !ts.list<!ts.bool>
    }"""
    assert code(ir) == expect("""
        def p(a: int,
            b: int,
            c: int,
            t: bool,
            u: bool) -> List[bool]:
          _0 = torch.mul(torch.add(a, b), c)
          _1 = torch.sub(a, torch.sub(b, c))
          _2 = torch.sub(torch.sub(a, b), c)
          _3 = torch.neg(torch.add(a, b))
          _4 = torch.pow(a, torch.pow(b, c))
          _5 = torch.pow(torch.pow(a, b), c)
          _6 = torch.pow(-3, 2)
          _7 = torch.remainder(torch.floordiv(a, b), 2)
          x = [_0, _1, _2, _3, _4, _5, _6, _7]
          r = [torch.__not__(torch.__and__(t, u)), torch.eq(torch.lt(a, b), t), torch.__and__(torch.__or__(t, u), t), torch.__contains__(x, a), torch.gt(torch.add(a, b), c)]
          return r
        """)


def test_strings_and_math():
    ir = """
    func.func @s(%s: !ts.str, %f: !ts.float, %n: !ts.int) -> !ts.str {
      %none = ts.constant none
      %dash = ts.constant "-"
      %0 = ts.str.concat %s, %dash : (!ts.str, !ts.str) -> !ts.str
      %1 = ts.str.upper %0 : (!ts.str) -> !ts.str
      %parts = ts.str.split %1, %none : (!ts.str, !ts.none) -> !ts.list<!ts.str>
      %j = ts.str.join %dash, %parts : (!ts.str, !ts.list<!ts.str>) -> !ts.str
      %2 = ts.math.sqrt %f : (!ts.float) -> !ts.float
      %fmt = ts.constant "{} {}"
      %o = ts.str.format %fmt, %j, %2 : !ts.str, !ts.float
      func.return %o : !ts.str
    }"""
    assert code(ir) == expect("""
        def s(s: str,
            f: float,
            n: int) -> str:
          parts = torch.split(torch.upper(torch.add(s, "-")))
          j = torch.join("-", parts)
          o = torch.format("{} {}", j, torch.sqrt(f))
          return o
        """)


def test_containers():
    ir = f"""
    func.func @c(%a: {T}, %i: !ts.int, %k: !ts.str, %n: !ts.none) -> !ts.tuple<{T}, !ts.int> {{
      %zero = ts.constant 0
      %one = ts.constant 1
      %e = ts.list.construct : () -> !ts.list<!ts.int>
      ts.list.append %e, %i : (!ts.list<!ts.int>, !ts.int) -> ()
      %first = ts.list.get %e, %zero : (!ts.list<!ts.int>, !ts.int) -> !ts.int
      ts.list.set %e, %zero, %one : (!ts.list<!ts.int>, !ts.int, !ts.int) -> ()
      %nothing = ts.constant none
      %s = ts.list.slice %e, %one, %nothing, %one : (!ts.list<!ts.int>, !ts.int, !ts.none, !ts.int) -> !ts.list<!ts.int>
      %only = ts.list.unpack %s : (!ts.list<!ts.int>) -> (!ts.int)
      %d = ts.dict.construct %k, %a : (!ts.str, {T}) -> !ts.dict<!ts.str, {T}>
      %ed = ts.dict.construct : () -> !ts.dict<!ts.str, {T}>
      ts.dict.set %ed, %k, %a : (!ts.dict<!ts.str, {T}>, !ts.str, {T}) -> ()
      %v = ts.dict.get %d, %k : (!ts.dict<!ts.str, {T}>, !ts.str) -> {T}
      ts.dict.delete %d, %k : (!ts.dict<!ts.str, {T}>, !ts.str) -> ()
      %n1 = ts.len %ed : (!ts.dict<!ts.str, {T}>) -> !ts.int
      %sum = ts.scalar.add %first, %only : (!ts.int, !ts.int) -> !ts.int
      %sum2 = ts.scalar.add %sum, %n1 : (!ts.int, !ts.int) -> !ts.int
      %one_t = ts.tuple.construct %sum2 : (!ts.int) -> !ts.tuple<!ts.int>
      %x = ts.tuple.index %one_t, %zero : (!ts.tuple<!ts.int>, !ts.int) -> !ts.int
      %t = ts.tuple.construct %v, %x : ({T}, !ts.int) -> !ts.tuple<{T}, !ts.int>
      func.return %t : !ts.tuple<{T}, !ts.int>
    }}"""
    assert code(ir) == expect("""
        def c(a: Tensor,
            i: int,
            k: str,
            n: NoneType) -> Tuple[Tensor, int]:
          e = annotate(List[int], [])
          torch.append(e, i)
          first = e[0]
          torch._set_item(e, 0, 1)
          s = torch.slice(e, 1)
          only, = s
          d = {k: a}
          ed = annotate(Dict[str, Tensor], {})
          torch._set_item(ed, k, a)
          v = d[k]
          torch.Delete(d, k)
          n1 = torch.len(ed)
          sum = torch.add(first, only)
          sum2 = torch.add(sum, n1)
          one_t = (sum2,)
          x = one_t[0]
          return (v, x)
        """)


def test_constants_as_literals_and_tensor_constants():
    ir = f"""
    func.func @f(%x: {T}) -> {T} {{
      %c = ts.constant dense<[1.0, 2.0]> : tensor<2xf32>
      %d = ts.constant dense<[1.0, 2.0]> : tensor<2xf32>
      %e = ts.constant dense<[3, 4]> : tensor<2xi64>
      %one = ts.constant 1
      %0 = ts.add %x, %c, %one : ({T}, !ts.tensor<[2], f32>, !ts.int) -> {T}
      %1 = ts.mul %0, %d : ({T}, !ts.tensor<[2], f32>) -> {T}
      %b = ts.mul %1, %e : ({T}, !ts.tensor<[2], i64>) -> {T}
      %s = ts.constant "it's \\"q\\""
      %f1 = ts.constant 1.0
      %f2 = ts.constant 0.1
      %f3 = ts.constant 1.0e-05
      %f4 = ts.constant -2.5
      %inf = ts.constant inf
      %dev = ts.constant device "cpu"
      %l = ts.constant [1, 2] : !ts.list<!ts.int>
      %el = ts.constant [] : !ts.list<!ts.float>
      %t = ts.constant true
      %n = ts.constant none
      ts.print %s, %f1, %f2, %f3, %f4, %inf, %dev, %l, %el, %t, %n : !ts.str, !ts.float, !ts.float, !ts.float, !ts.float, !ts.float, !ts.device, !ts.list<!ts.int>, !ts.list<!ts.float>, !ts.bool, !ts.none
      func.return %b : {T}
    }}"""
    text, constants = code_with_constants(first_func(parse(ir)))
    assert text == expect("""
        def f(x: Tensor) -> Tensor:
          _0 = torch.mul(torch.add(x, CONSTANTS.c0), CONSTANTS.c0)
          b = torch.mul(_0, CONSTANTS.c1)
          print("it's \\"q\\"", 1., 0.10000000000000001, 1.0000000000000001e-05, -2.5, inf, torch.device("cpu"), [1, 2], annotate(List[float], []), True, None)
          return b
        """)
    assert len(constants) == 2
    np.testing.assert_array_equal(constants[0], np.array([1.0, 2.0], np.float32))
    assert constants[1].dtype == np.int64 and constants[1].tolist() == [3, 4]


def test_name_deduplication_and_reserved_names():
    ir = f"""
    func.func @f(%x: {T}, %x.1: {T}, %ops: !ts.int, %len: !ts.int) -> {T} {{
      %x.2 = ts.relu %x : ({T}) -> {T}
      %x.3 = ts.sigmoid %x.2 : ({T}) -> {T}
      %0 = ts.add %x.3, %x.1, %ops : ({T}, {T}, !ts.int) -> {T}
      %1 = ts.mul %0, %len : ({T}, !ts.int) -> {T}
      %2 = ts.mul %0, %1 : ({T}, {T}) -> {T}
      %3 = ts.mul %2, %2 : ({T}, {T}) -> {T}
      func.return %3 : {T}
    }}"""
    assert code(ir) == expect("""
        def f(x: Tensor,
            x0: Tensor,
            ops0: int,
            len0: int) -> Tensor:
          x1 = torch.relu(x)
          x2 = torch.sigmoid(x1)
          _0 = torch.add(x2, x0, alpha=ops0)
          _1 = torch.mul(_0, torch.mul(_0, len0))
          return torch.mul(_1, _1)
        """)


@pytest.mark.parametrize("hint, name", [(None, "_"), ("x.12", "x"), ("a-b", "a_b"), ("1x", "_1x"), ("y", "y")])
def test_base_names(hint, name):
    assert base_name(hint) == name


def test_get_attr_of_non_identifier_and_set_attr():
    ir = f"""
    func.func @__torch__.S.forward(%self: !ts.class<"__torch__.S">, %x: {T}) -> {T} {{
      %0 = ts.get_attr %self["0"] : !ts.class<"__torch__.S"> -> !ts.class<"__torch__.R">
      %1 = ts.call_method %0["forward"](%x) : (!ts.class<"__torch__.R">, {T}) -> {T}
      %n = ts.get_attr %self["count"] : !ts.class<"__torch__.S"> -> !ts.int
      %one = ts.constant 1
      %n1 = ts.scalar.add %n, %one : (!ts.int, !ts.int) -> !ts.int
      ts.set_attr %self["count"] = %n1 : !ts.class<"__torch__.S">, !ts.int
      func.return %1 : {T}
    }}"""
    assert code(ir) == expect("""
        def forward(self,
            x: Tensor) -> Tensor:
          _0 = (getattr(self, "0")).forward(x, )
          n = self.count
          n1 = torch.add(n, 1)
          self.count = n1
          return _0
        """)


def test_function_name_override_and_no_results():
    ir = "func.func @__torch__.a.b.helper(%s: !ts.str) {\n ts.print %s : !ts.str\n func.return\n}"
    assert code(ir) == expect("""
        def helper(s: str) -> NoneType:
          print(s)
          return None
        """)
    assert code(ir, "renamed").startswith("def renamed(s: str) -> NoneType:\n")


MODULE = f"""
ts.class_type module @__torch__.Net {{
  ts.attr "w" : {T} parameter
  ts.method "forward" = @__torch__.Net.forward
  ts.method "scale" = @__torch__.Net.scale
}}
func.func @__torch__.Net.forward(%self: !ts.class<"__torch__.Net">, %x: {T}) -> {T} {{
  %0 = ts.call_method %self["scale"](%x) : (!ts.class<"__torch__.Net">, {T}) -> {T}
  %c = ts.constant dense<2.0> : tensor<3xf32>
  %1 = ts.mul %0, %c : ({T}, !ts.tensor<[3], f32>) -> {T}
  func.return %1 : {T}
}}
func.func @__torch__.Net.scale(%self: !ts.class<"__torch__.Net">, %x: {T}) -> {T} {{
  %w = ts.get_attr %self["w"] : !ts.class<"__torch__.Net"> -> {T}
  %c = ts.constant dense<3.0> : tensor<3xf32>
  %1 = ts.mul %x, %w : ({T}, {T}) -> {T}
  %2 = ts.mul %1, %c : ({T}, !ts.tensor<[3], f32>) -> {T}
  func.return %2 : {T}
}}
"""


def test_module_code_prints_every_method_with_shared_constants():
    module = parse(MODULE)
    assert module_code(module, "__torch__.Net") == expect("""
        def forward(self,
            x: Tensor) -> Tensor:
          _0 = torch.mul((self).scale(x, ), CONSTANTS.c0)
          return _0

        def scale(self,
            x: Tensor) -> Tensor:
          w = self.w
          _0 = torch.mul(torch.mul(x, w), CONSTANTS.c1)
          return _0
        """)
    _, constants = module_code_with_constants(module, "__torch__.Net")
    assert [c.tolist() for c in constants] == [[2.0] * 3, [3.0] * 3]


def test_module_code_of_unknown_class_fails():
    with pytest.raises(ValueError, match="no ts.class_type named __torch__.Nope"):
        module_code(parse(MODULE), "__torch__.Nope")


def test_declaration_without_body():
    ir = "func.func private @decl(!ts.tensor, !ts.int) -> !ts.tensor"
    assert code(ir) == expect("""
        def decl(arg0: Tensor,
            arg1: int) -> Tensor:
          pass
        """)


def test_unused_results_are_still_assigned():
    ir = f"""
    func.func @k(%x: {T}, %y: {T}, %l: !ts.list<!ts.int>) -> {T} {{
      %one = ts.constant 1
      %three = ts.constant 3
      %0 = ts.add_ %x, %y, %one : ({T}, {T}, !ts.int) -> {T}
      ts.list.append %l, %three : (!ts.list<!ts.int>, !ts.int) -> ()
      %a, %b = ts.list.unpack %l : (!ts.list<!ts.int>) -> (!ts.int, !ts.int)
      %ts = ts.list.construct %x, %y : ({T}, {T}) -> !ts.list<{T}>
      %z = ts.cat %ts, %one : (!ts.list<{T}>, !ts.int) -> {T}
      func.return %z : {T}
    }}"""
    assert code(ir) == expect("""
        def k(x: Tensor,
            y: Tensor,
            l: List[int]) -> Tensor:
          _0 = torch.add_(x, y)
          torch.append(l, 3)
          a, b = l
          ts = [x, y]
          return torch.cat(ts, 1)
        """)
