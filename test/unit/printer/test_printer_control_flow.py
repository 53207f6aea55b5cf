"""function_code on control flow: if/else with results, for/while loops, fork, raise and refinement."""
from __future__ import annotations

from tsjit.printer import function_code
from printer_ir import code, expect, parse

T = "!ts.tensor"


def test_if_with_results_and_optional_annotation():
    ir = f"""
    func.func @f(%c: !ts.bool, %x: {T}, %n: !ts.int) -> !ts.optional<!ts.int> {{
      %none = ts.constant none
      %y = ts.if %c -> (!ts.optional<!ts.int>) {{
        %m = ts.scalar.add %n, %n : (!ts.int, !ts.int) -> !ts.int
        ts.yield %m : !ts.int
      }} else {{
        ts.yield %none : !ts.none
      }}
      %0 = ts.sum %x, %none, %c, %none : ({T}, !ts.none, !ts.bool, !ts.none) -> {T}
      %zero = ts.constant 0
      %1 = ts.gt %0, %zero : ({T}, !ts.int) -> {T}
      %2 = ts.to_bool %1 : ({T}) -> !ts.bool
      ts.if %2 {{
        %msg = ts.constant "positive"
        ts.print %msg, %y : !ts.str, !ts.optional<!ts.int>
        ts.yield
      }} else {{
        ts.yield
      }}
      func.return %y : !ts.optional<!ts.int>
    }}"""
    assert code(ir) == expect("""
        def f(c: bool,
            x: Tensor,
            n: int) -> Optional[int]:
          if c:
            y : Optional[int] = torch.add(n, n)
          else:
            y = None
          _0 = bool(torch.gt(torch.sum(x, None, c), 0))
          if _0:
            print("positive", y)
          else:
            pass
          return y
        """)


def test_for_range_loop_with_carried_values():
    ir = f"""
    func.func @f(%x: {T}, %y: {T}, %n: !ts.int) -> {T} {{
      %true = ts.constant true
      %two = ts.constant 2.5
      %w = ts.loop %n, %true iter(%i, %w.1 = %x) : ({T}) {{
        %w.2 = ts.mul %w.1, %two : ({T}, !ts.float) -> {T}
        ts.condition %true, %w.2 : {T}
      }}
      %s, %k = ts.loop %n, %true iter(%j, %acc = %w, %cnt = %n) : ({T}, !ts.int) {{
        %a = ts.add %acc, %y, %n : ({T}, {T}, !ts.int) -> {T}
        %c = ts.scalar.add %cnt, %j : (!ts.int, !ts.int) -> !ts.int
        ts.condition %true, %a, %c : {T}, !ts.int
      }}
      %r = ts.mul %s, %k : ({T}, !ts.int) -> {T}
      func.return %r : {T}
    }}"""
    assert code(ir) == expect("""
        def f(x: Tensor,
            y: Tensor,
            n: int) -> Tensor:
          w = x
          for i in range(n):
            w = torch.mul(w, 2.5)
          acc = w
          cnt = n
          for j in range(n):
            acc, cnt = torch.add(acc, y, alpha=n), torch.add(cnt, j)
          return torch.mul(acc, cnt)
        """)


def test_while_loop_with_carried_values():
    ir = """
    func.func @f(%x: !ts.int, %n: !ts.int) -> !ts.int {
      %max = ts.constant 9223372036854775807
      %one = ts.constant 1
      %0 = ts.scalar.lt %x, %n : (!ts.int, !ts.int) -> !ts.bool
      %r, %s = ts.loop %max, %0 iter(%it, %i = %x, %acc = %x) : (!ts.int, !ts.int) {
        %i1 = ts.scalar.add %i, %one : (!ts.int, !ts.int) -> !ts.int
        %acc1 = ts.scalar.mul %acc, %i1 : (!ts.int, !ts.int) -> !ts.int
        %more = ts.scalar.lt %i1, %n : (!ts.int, !ts.int) -> !ts.bool
        ts.condition %more, %i1, %acc1 : !ts.int, !ts.int
      }
      func.return %s : !ts.int
    }"""
    assert code(ir) == expect("""
        def f(x: int,
            n: int) -> int:
          i = x
          acc = x
          _0 = torch.lt(x, n)
          while _0:
            i1 = torch.add(i, 1)
            acc1 = torch.mul(acc, i1)
            _0, i, acc = torch.lt(i1, n), i1, acc1
          return acc
        """)


def test_loop_with_trip_count_and_condition_counts_trips():
    ir = """
    func.func @f(%n: !ts.int, %c: !ts.bool) -> !ts.int {
      %r = ts.loop %n, %c iter(%i, %x = %n) : (!ts.int) {
        %x1 = ts.scalar.add %x, %i : (!ts.int, !ts.int) -> !ts.int
        %more = ts.scalar.lt %x1, %n : (!ts.int, !ts.int) -> !ts.bool
        ts.condition %more, %x1 : !ts.int
      }
      func.return %r : !ts.int
    }"""
    assert code(ir) == expect("""
        def f(n: int,
            c: bool) -> int:
          x = n
          i = 0
          _0 = c
          while i < n and _0:
            x1 = torch.add(x, i)
            _0, x, i = torch.lt(x1, n), x1, i + 1
          return x
        """)


def test_raise_print_warn_and_type_refinement():
    ir = f"""
    func.func @f(%x: !ts.optional<{T}>, %u: !ts.any) -> {T} {{
      %none = ts.constant none
      %0 = ts.is %x, %none : !ts.optional<{T}>, !ts.none
      ts.if %0 {{
        %msg = ts.constant "x is None"
        ts.raise %msg, "builtins.ValueError"
        ts.yield
      }} else {{
        ts.yield
      }}
      %ok = ts.isinstance %u, [!ts.int, !ts.list<!ts.int>] : !ts.any
      ts.if %ok {{
        %w = ts.constant "int-like"
        ts.warn %w
        ts.yield
      }} else {{
        ts.yield
      }}
      %t = ts.unchecked_cast %x : !ts.optional<{T}> to {T}
      %1 = ts.uninitialized : !ts.int
      ts.print %t, %1 : {T}, !ts.int
      func.return %t : {T}
    }}"""
    assert code(ir) == expect("""
        def f(x: Optional[Tensor],
            u: Any) -> Tensor:
          if torch.__is__(x, None):
            raise ValueError("x is None")
          else:
            pass
          ok = isinstance(u, (int, List[int]))
          if ok:
            warnings.warn("int-like")
          else:
            pass
          t = unchecked_cast(Tensor, x)
          print(t, uninitialized(int))
          return t
        """)


def test_fork_wait_and_call_function():
    ir = f"""
    func.func @__torch__.work(%x: {T}) -> {T} {{
      func.return %x : {T}
    }}
    func.func @__torch__.main(%x: {T}) -> {T} {{
      %fut = ts.fork -> !ts.future<{T}> {{
        %r = ts.call_function @__torch__.work(%x) : ({T}) -> {T}
        ts.yield %r : {T}
      }}
      %v = ts.wait %fut : !ts.future<{T}>
      func.return %v : {T}
    }}"""
    main = list(parse(ir).body.block.ops)[1]
    assert function_code(main) == expect("""
        def main(x: Tensor) -> Tensor:
          def __forked_function():
            return __torch__.work(x, )
          fut = fork(__forked_function)
          return torch.wait(fut)
        """)


def test_while_true_loop_and_union_annotation():
    # constant-true conditions without a trip count: TorchScript's `while True:` form
    ir = """
    func.func @w(%x: !ts.int, %u: !ts.union<!ts.int, !ts.str>, %c: !ts.bool) -> !ts.int {
      %max = ts.constant 9223372036854775807
      %true = ts.constant true
      %one = ts.constant 1
      %r = ts.loop %max, %true iter(%it, %x0 = %x) : (!ts.int) {
        %x1 = ts.scalar.add %x0, %one : (!ts.int, !ts.int) -> !ts.int
        ts.condition %true, %x1 : !ts.int
      }
      %v = ts.if %c -> (!ts.union<!ts.int, !ts.str>) {
        ts.yield %r : !ts.int
      } else {
        ts.yield %u : !ts.union<!ts.int, !ts.str>
      }
      ts.print %v : !ts.union<!ts.int, !ts.str>
      func.return %r : !ts.int
    }"""
    assert code(ir) == expect("""
        def w(x: int,
            u: Union[int, str],
            c: bool) -> int:
          x0 = x
          _0 = True
          while _0:
            _0, x0 = True, torch.add(x0, 1)
          if c:
            v : Union[int, str] = x0
          else:
            v = u
          print(v)
          return x0
        """)
