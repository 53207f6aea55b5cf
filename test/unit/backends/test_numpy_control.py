"""ts.if, ts.loop, calls between functions, recursion, fork/wait and concurrent calls."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from backend_ir import program

from tsjit.backends.numpy import thread_pool_executor
from tsjit.runtime import Error, Future


def test_if_picks_a_branch_and_yields_its_values():
    prog = program("""
    func.func @f(%c: !ts.bool, %n: !ts.int) -> (!ts.int, !ts.optional<!ts.int>) {
      %none = ts.constant none
      %x, %y = ts.if %c -> (!ts.int, !ts.optional<!ts.int>) {
        ts.yield %n, %none : !ts.int, !ts.none
      } else {
        %m = ts.scalar.mul %n, %n : (!ts.int, !ts.int) -> !ts.int
        ts.yield %m, %m : !ts.int, !ts.int
      }
      func.return %x, %y : !ts.int, !ts.optional<!ts.int>
    }""")
    assert prog.call("f", True, 3) == (3, None)
    assert prog.call("f", False, 3) == (9, 9)


def test_for_loop_with_carried_values():
    # acc = n; for i in range(n): acc += i; flag = not flag
    prog = program("""
    func.func @f(%n: !ts.int) -> (!ts.int, !ts.bool) {
      %true = ts.constant true
      %sum, %flag = ts.loop %n, %true iter(%i, %acc = %n, %f = %true) : (!ts.int, !ts.bool) {
        %acc1 = ts.scalar.add %acc, %i : (!ts.int, !ts.int) -> !ts.int
        %f1 = ts.scalar.not %f : (!ts.bool) -> !ts.bool
        ts.condition %true, %acc1, %f1 : !ts.int, !ts.bool
      }
      func.return %sum, %flag : !ts.int, !ts.bool
    }""")
    assert prog.call("f", 4) == (4 + 0 + 1 + 2 + 3, True)
    assert prog.call("f", 3) == (3 + 0 + 1 + 2, False)
    assert prog.call("f", 0) == (0, True)


def test_while_loop_with_a_data_dependent_condition():
    # collatz steps: while x != 1: x = x // 2 if x % 2 == 0 else 3 * x + 1; steps += 1
    prog = program("""
    func.func @collatz(%x0: !ts.int) -> !ts.int {
      %max = ts.constant 9223372036854775807
      %zero = ts.constant 0
      %one = ts.constant 1
      %two = ts.constant 2
      %three = ts.constant 3
      %start = ts.scalar.ne %x0, %one : (!ts.int, !ts.int) -> !ts.bool
      %x_end, %steps = ts.loop %max, %start iter(%i, %x = %x0, %s = %zero) : (!ts.int, !ts.int) {
        %r = ts.scalar.mod %x, %two : (!ts.int, !ts.int) -> !ts.int
        %even = ts.scalar.eq %r, %zero : (!ts.int, !ts.int) -> !ts.bool
        %next = ts.if %even -> (!ts.int) {
          %h = ts.scalar.floordiv %x, %two : (!ts.int, !ts.int) -> !ts.int
          ts.yield %h : !ts.int
        } else {
          %t = ts.scalar.mul %x, %three : (!ts.int, !ts.int) -> !ts.int
          %t1 = ts.scalar.add %t, %one : (!ts.int, !ts.int) -> !ts.int
          ts.yield %t1 : !ts.int
        }
        %s1 = ts.scalar.add %s, %one : (!ts.int, !ts.int) -> !ts.int
        %again = ts.scalar.ne %next, %one : (!ts.int, !ts.int) -> !ts.bool
        ts.condition %again, %next, %s1 : !ts.int, !ts.int
      }
      func.return %steps : !ts.int
    }""")
    assert [prog.call("collatz", x) for x in (1, 2, 6, 27)] == [0, 1, 8, 111]


def test_loop_stops_at_max_trip_count_and_passes_values_through():
    prog = program("""
    func.func @f(%n: !ts.int, %c: !ts.bool, %x: !ts.int) -> (!ts.int, !ts.int) {
      %last, %same = ts.loop %n, %c iter(%i, %l = %x, %k = %x) : (!ts.int, !ts.int) {
        ts.condition %c, %i, %k : !ts.int, !ts.int
      }
      func.return %last, %same : !ts.int, !ts.int
    }""")
    assert prog.call("f", 5, True, -1) == (4, -1)
    assert prog.call("f", 5, False, -1) == (-1, -1)  # the start condition is checked first


def test_nested_loops():
    # total = sum(i * j for i in range(n) for j in range(i))
    prog = program("""
    func.func @f(%n: !ts.int) -> !ts.int {
      %true = ts.constant true
      %zero = ts.constant 0
      %total = ts.loop %n, %true iter(%i, %acc = %zero) : (!ts.int) {
        %inner = ts.loop %i, %true iter(%j, %a = %acc) : (!ts.int) {
          %p = ts.scalar.mul %i, %j : (!ts.int, !ts.int) -> !ts.int
          %a1 = ts.scalar.add %a, %p : (!ts.int, !ts.int) -> !ts.int
          ts.condition %true, %a1 : !ts.int
        }
        ts.condition %true, %inner : !ts.int
      }
      func.return %total : !ts.int
    }""")
    assert prog.call("f", 6) == sum(i * j for i in range(6) for j in range(i))


CALLS = """
func.func @square(%x: !ts.int) -> !ts.int {
  %y = ts.scalar.mul %x, %x : (!ts.int, !ts.int) -> !ts.int
  func.return %y : !ts.int
}
func.func @pair(%x: !ts.int) -> (!ts.int, !ts.int) {
  %s = ts.call_function @square(%x) : (!ts.int) -> !ts.int
  func.return %x, %s : !ts.int, !ts.int
}
func.func @use(%x: !ts.int) -> !ts.int {
  %a, %b = ts.call_function @pair(%x) : (!ts.int) -> (!ts.int, !ts.int)
  %c = func.call @square(%b) : (!ts.int) -> !ts.int
  %r = ts.scalar.add %a, %c : (!ts.int, !ts.int) -> !ts.int
  func.return %r : !ts.int
}
func.func @nothing(%x: !ts.int) {
  func.return
}
"""


def test_function_calls_and_results():
    prog = program(CALLS)
    assert prog.call("use", 3) == 3 + 81
    assert prog.call("pair", 4) == (4, 16)
    assert prog.call("nothing", 4) is None
    assert prog.function("square") is prog.function("square")  # prepared once


def test_api_errors():
    prog = program(CALLS)
    with pytest.raises(Error, match="no function named 'missing'"):
        prog.function("missing")
    with pytest.raises(TypeError, match="@square takes 1 arguments, got 2"):
        prog.call("square", 1, 2)


FACTORIAL = """
func.func @fact(%n: !ts.int) -> !ts.int {
  %one = ts.constant 1
  %small = ts.scalar.le %n, %one : (!ts.int, !ts.int) -> !ts.bool
  %r = ts.if %small -> (!ts.int) {
    ts.yield %one : !ts.int
  } else {
    %m = ts.scalar.sub %n, %one : (!ts.int, !ts.int) -> !ts.int
    %f = ts.call_function @fact(%m) : (!ts.int) -> !ts.int
    %p = ts.scalar.mul %n, %f : (!ts.int, !ts.int) -> !ts.int
    ts.yield %p : !ts.int
  }
  func.return %r : !ts.int
}
"""


def test_recursive_calls_each_get_their_own_frame():
    assert program(FACTORIAL).call("fact", 20) == 2432902008176640000


def test_one_function_called_from_several_threads():
    fact = program(FACTORIAL).function("fact")
    from tsjit.dialects.ts.scalar_ops import int64

    expected = {n: 1 for n in range(1, 30)}
    for n in range(2, 30):
        expected[n] = int64(expected[n - 1] * n)  # TorchScript's int is 64-bit: 21! and beyond wrap
    barrier = threading.Barrier(4)
    errors = []

    def work(offset):
        barrier.wait()
        for _ in range(50):
            for n in range(1 + offset, 30, 4):
                if fact(n) != expected[n]:
                    errors.append(n)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


FORK = """
func.func @work(%x: !ts.int) -> !ts.int {
  %y = ts.scalar.mul %x, %x : (!ts.int, !ts.int) -> !ts.int
  func.return %y : !ts.int
}
func.func @f(%x: !ts.int) -> (!ts.int, !ts.tuple<!ts.int, !ts.int>, !ts.future<!ts.int>) {
  %fut = ts.fork -> !ts.future<!ts.int> {
    %r = ts.call_function @work(%x) : (!ts.int) -> !ts.int
    ts.yield %r : !ts.int
  }
  %tup = ts.fork -> !ts.future<!ts.tuple<!ts.int, !ts.int>> {
    %n = ts.constant 3
    %t = ts.tuple.construct %x, %n : (!ts.int, !ts.int) -> !ts.tuple<!ts.int, !ts.int>
    ts.yield %t : !ts.tuple<!ts.int, !ts.int>
  }
  %a = ts.wait %fut : !ts.future<!ts.int>
  %b = ts.wait %tup : !ts.future<!ts.tuple<!ts.int, !ts.int>>
  func.return %a, %b, %fut : !ts.int, !ts.tuple<!ts.int, !ts.int>, !ts.future<!ts.int>
}
func.func @failing(%x: !ts.int) -> !ts.future<!ts.int> {
  %fut = ts.fork -> !ts.future<!ts.int> {
    %zero = ts.constant 0
    %r = ts.scalar.floordiv %x, %zero : (!ts.int, !ts.int) -> !ts.int
    ts.yield %r : !ts.int
  }
  func.return %fut : !ts.future<!ts.int>
}
"""


def test_fork_and_wait_inline():
    a, b, fut = program(FORK).call("f", 5)
    assert (a, b) == (25, (5, 3))
    assert isinstance(fut, Future) and fut.done() and fut.wait() == 25


def test_fork_on_a_thread_pool():
    with ThreadPoolExecutor(2) as pool:
        prog = program(FORK, fork_executor=thread_pool_executor(pool))
        results = [prog.call("f", x)[:2] for x in range(20)]
    assert results == [(x * x, (x, 3)) for x in range(20)]


def test_an_error_in_a_forked_body_is_raised_by_wait():
    fut = program(FORK).call("failing", 1)  # fork itself does not raise
    with pytest.raises(Error, match="^ts.scalar.floordiv: integer division or modulo by zero$"):
        fut.wait()


def test_loop_without_carried_values():
    prog = program("""
    func.func @f(%n: !ts.int, %l: !ts.list<!ts.int>) {
      %true = ts.constant true
      ts.loop %n, %true iter(%i) {
        ts.list.append %l, %i : (!ts.list<!ts.int>, !ts.int) -> ()
        ts.condition %true
      }
      func.return
    }""")
    out = []
    assert prog.call("f", 3, out) is None
    assert out == [0, 1, 2]
