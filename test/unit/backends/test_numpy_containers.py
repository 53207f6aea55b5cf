"""Lists (with mutation through aliases), tuples, dicts, len and contains on the numpy backend."""
from __future__ import annotations

import pytest
from backend_ir import program, run_op

from tsjit.runtime import Error

LI = "!ts.list<!ts.int>"


def test_list_mutations_are_seen_through_every_alias():
    prog = program(f"""
    func.func @f(%a: !ts.int, %b: !ts.int) -> ({LI}, {LI}, !ts.int, !ts.int) {{
      %zero = ts.constant 0
      %three = ts.constant 3
      %minus1 = ts.constant -1
      %l = ts.list.construct %a, %b : (!ts.int, !ts.int) -> {LI}
      %box = ts.tuple.construct %l : ({LI}) -> !ts.tuple<{LI}>
      %alias = ts.tuple.index %box, %zero : (!ts.tuple<{LI}>, !ts.int) -> {LI}
      ts.list.append %alias, %three : ({LI}, !ts.int) -> ()
      ts.list.insert %l, %zero, %three : ({LI}, !ts.int, !ts.int) -> ()
      ts.list.set %alias, %minus1, %b : ({LI}, !ts.int, !ts.int) -> ()
      %copy = ts.list.copy %l : ({LI}) -> {LI}
      ts.list.clear %l : ({LI}) -> ()
      %n = ts.len %alias : ({LI}) -> !ts.int
      %m = ts.len %copy : ({LI}) -> !ts.int
      func.return %l, %copy, %n, %m : {LI}, {LI}, !ts.int, !ts.int
    }}""")
    cleared, copy, n, m = prog.call("f", 1, 2)
    assert cleared == [] and copy == [3, 1, 2, 2] and (n, m) == (0, 4)


def test_lists_passed_in_are_mutated_in_place():
    prog = program(f"""
    func.func @f(%l: {LI}, %x: !ts.int) {{
      ts.list.append %l, %x : ({LI}, !ts.int) -> ()
      func.return
    }}""")
    mine = [1]
    assert prog.call("f", mine, 2) is None
    assert mine == [1, 2]


def test_list_ops_with_python_semantics():
    prog = program(f"""
    func.func @f(%l: {LI}, %other: {LI}) -> (!ts.int, !ts.int, {LI}, {LI}, {LI}, !ts.int, !ts.int) {{
      %none = ts.constant none
      %one = ts.constant 1
      %m1 = ts.constant -1
      %two = ts.constant 2
      %first = ts.list.get %l, %m1 : ({LI}, !ts.int) -> !ts.int
      %popped = ts.list.pop %l, %one : ({LI}, !ts.int) -> !ts.int
      ts.list.extend %l, %other : ({LI}, {LI}) -> ()
      ts.list.sort %l : ({LI}) -> ()
      %sorted = ts.list.copy %l : ({LI}) -> {LI}
      ts.list.reverse %l : ({LI}) -> ()
      %cat = ts.list.concat %l, %other : ({LI}, {LI}) -> {LI}
      %every2 = ts.list.slice %cat, %one, %none, %two : ({LI}, !ts.int, !ts.none, !ts.int) -> {LI}
      %x, %y = ts.list.unpack %other : ({LI}) -> (!ts.int, !ts.int)
      func.return %first, %popped, %sorted, %cat, %every2, %x, %y : !ts.int, !ts.int, {LI}, {LI}, {LI}, !ts.int, !ts.int
    }}""")
    first, popped, sorted_, cat, every2, x, y = prog.call("f", [5, 9, 1], [4, 0])
    assert (first, popped) == (1, 9)
    assert sorted_ == [0, 1, 4, 5]
    assert cat == [5, 4, 1, 0, 4, 0] and every2 == [4, 0, 0]
    assert (x, y) == (4, 0)


def test_list_errors_name_the_op():
    with pytest.raises(Error, match=r"^ts.list.get: list index out of range$"):
        run_op("ts.list.get", [LI, "!ts.int"], "!ts.int", [1], 5)
    with pytest.raises(Error, match=r"^ts.list.unpack: expected 2 elements in a list but found 3$"):
        program(f"""
        func.func @f(%l: {LI}) -> !ts.int {{
          %a, %b = ts.list.unpack %l : ({LI}) -> (!ts.int, !ts.int)
          func.return %a : !ts.int
        }}""").call("f", [1, 2, 3])


def test_tuples():
    prog = program("""
    func.func @f(%i: !ts.int, %s: !ts.str) -> (!ts.tuple<!ts.int, !ts.str>, !ts.str, !ts.int, !ts.str, !ts.tuple<>) {
      %t = ts.tuple.construct %i, %s : (!ts.int, !ts.str) -> !ts.tuple<!ts.int, !ts.str>
      %m1 = ts.constant -1
      %last = ts.tuple.index %t, %m1 : (!ts.tuple<!ts.int, !ts.str>, !ts.int) -> !ts.str
      %a, %b = ts.tuple.unpack %t : (!ts.tuple<!ts.int, !ts.str>) -> (!ts.int, !ts.str)
      %e = ts.tuple.construct : () -> !ts.tuple<>
      func.return %t, %last, %a, %b, %e : !ts.tuple<!ts.int, !ts.str>, !ts.str, !ts.int, !ts.str, !ts.tuple<>
    }""")
    assert prog.call("f", 7, "x") == ((7, "x"), "x", 7, "x", ())


def test_dicts():
    D = "!ts.dict<!ts.str, !ts.int>"
    prog = program(f"""
    func.func @f(%k: !ts.str, %v: !ts.int) -> ({D}, !ts.int, !ts.int, !ts.int, !ts.list<!ts.str>, !ts.list<!ts.int>, !ts.list<!ts.tuple<!ts.str, !ts.int>>, !ts.bool, !ts.int) {{
      %b = ts.constant "b"
      %two = ts.constant 2
      %d = ts.dict.construct %k, %v, %b, %two : (!ts.str, !ts.int, !ts.str, !ts.int) -> {D}
      %got = ts.dict.get %d, %k : ({D}, !ts.str) -> !ts.int
      %z = ts.constant "z"
      %zero = ts.constant 0
      %dflt = ts.dict.get_default %d, %z, %zero : ({D}, !ts.str, !ts.int) -> !ts.int
      ts.dict.set %d, %z, %zero : ({D}, !ts.str, !ts.int) -> ()
      %popped = ts.dict.pop %d, %b : ({D}, !ts.str) -> !ts.int
      %keys = ts.dict.keys %d : ({D}) -> !ts.list<!ts.str>
      %values = ts.dict.values %d : ({D}) -> !ts.list<!ts.int>
      %items = ts.dict.items %d : ({D}) -> !ts.list<!ts.tuple<!ts.str, !ts.int>>
      %has = ts.contains %d, %z : ({D}, !ts.str) -> !ts.bool
      ts.dict.delete %d, %z : ({D}, !ts.str) -> ()
      %n = ts.len %d : ({D}) -> !ts.int
      func.return %d, %got, %dflt, %popped, %keys, %values, %items, %has, %n : {D}, !ts.int, !ts.int, !ts.int, !ts.list<!ts.str>, !ts.list<!ts.int>, !ts.list<!ts.tuple<!ts.str, !ts.int>>, !ts.bool, !ts.int
    }}""")
    d, got, dflt, popped, keys, values, items, has, n = prog.call("f", "a", 1)
    assert d == {"a": 1} and (got, dflt, popped) == (1, 0, 2)
    assert keys == ["a", "z"] and values == [1, 0] and items == [("a", 1), ("z", 0)]
    assert has is True and n == 1


def test_missing_dict_key_is_an_error_naming_the_op():
    with pytest.raises(Error, match=r"^ts.dict.get: key 'nope' not found$"):
        run_op("ts.dict.get", ["!ts.dict<!ts.str, !ts.int>", "!ts.str"], "!ts.int", {"a": 1}, "nope")


@pytest.mark.parametrize("container,item,expected", [([1, 2], 2, True), ([1, 2], 3, False)])
def test_contains_list(container, item, expected):
    assert run_op("ts.contains", [LI, "!ts.int"], "!ts.bool", container, item) is expected


def test_contains_and_len_of_strings():
    assert run_op("ts.contains", ["!ts.str", "!ts.str"], "!ts.bool", "hello", "ell") is True
    assert run_op("ts.len", ["!ts.str"], "!ts.int", "hello") == 5
