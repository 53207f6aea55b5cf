"""List and dict methods, `dict(...)`, `lst * n`, `x.item()` conversions in script, against torch.

Each case scripts one function of SOURCE with tsjit and, when torch is installed, with torch, and
compares the results (or the first line of the compile error, or the last line of the run-time
error). Without torch, a case whose expected value is None is compared with plain Python; the
others give TorchScript's own answer.
"""
from __future__ import annotations

import copy
import re

import pytest
from language_cases import load, plain, real_torch

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SOURCE = '''
import torch
from typing import Dict, List, Optional, Tuple


def remove_index_count(xs: List[int]):
    xs.remove(2)
    return xs.index(3), xs.count(2), xs


def remove_missing(xs: List[int]):
    xs.remove(99)
    return xs


def index_missing(xs: List[int]):
    return xs.index(99)


def searches(xs: List[str], fs: List[float], bs: List[bool]):
    xs.remove("b")
    return xs.index("c"), xs.count("a"), fs.index(2.0), fs.count(2.0), bs.index(False), bs.count(True), xs


def tensor_searches(x: torch.Tensor):
    xs = [x, x + 1, x]
    n = xs.index(x + 1) * 10 + xs.count(x)
    xs.remove(x)
    return n, len(xs)


def nested_index(xs: List[List[int]]):
    return xs.index([1])


def insert_extend_pop(xs: List[int]):
    xs.insert(1, 10)
    xs.insert(-100, 13)
    xs.insert(100, 12)
    xs.extend([7, 8])
    return xs.pop(1), xs.pop(), xs.pop(0), xs


def pop_keyword(xs: List[int]):
    return xs.pop(idx=0), xs


def extend_wrong(xs: List[int]):
    xs.extend([1.0])
    return xs


def pop_empty(xs: List[int]):
    return xs.pop(3)


def sorts(xs: List[int], ss: List[str], r: bool):
    ys = xs.copy()
    xs.sort(reverse=True)
    ss.sort(reverse=True)
    ys.sort(reverse=r)
    return xs, ss, ys


def sort_key(xs: List[int]):
    xs.sort(key=None)
    return xs


def clear_copy(xs: List[int]):
    ys = xs.copy()
    xs.clear()
    return xs, ys


def repeat(xs: List[int], n: int):
    ys = xs
    ys *= 2  # in place: xs changes too
    zs = ys
    zs += [5]
    return xs * n, n * xs, xs * 0, ys


def repeat_negative(xs: List[int]):
    return xs * -1


def repeat_float(xs: List[int]):
    return xs * 2.0


def slice_assign(xs: List[int]):
    xs[1:3] = [9]
    return xs


def del_item(xs: List[int]):
    del xs[1]
    del xs[-1]
    return xs


def del_out_of_range(xs: List[int]):
    del xs[5]
    return xs


def del_slice(xs: List[int]):
    del xs[1:3]
    return xs


def tensor_in(x: torch.Tensor):
    return x in [x]


def dict_methods(d: Dict[str, int]):
    e = d.copy()
    e["z"] = 1
    d.update({"b": 5, "c": 6})
    a = d.setdefault("a", 10) + d.setdefault("q", 11)
    return a, d.pop("a", 7), d.pop("zz", 8), d, e


def dict_popitem(d: Dict[str, int]):
    k, v = d.popitem()
    d.clear()
    return k, v, len(d)


def popitem_empty(d: Dict[int, float]):
    return d.popitem()


def dict_builtin(d: Dict[str, int], keys: List[str], values: List[int]):
    e = dict(d)
    e["new"] = 3
    return d, e, dict(zip(keys, values)), dict(d.items()), dict(a=1, b=2), {k: len(k) for k in keys}


def dict_empty():
    return dict()


def dict_order(d: Dict[str, int]):
    d["m"] = 0
    d["a"] = 9
    out: List[str] = []
    for k, v in d.items():
        out.append(k + str(v))
    return list(d.keys()), list(d.values()), out


def dict_equal(d: Dict[str, int]):
    return d == d


def update_keywords(d: Dict[str, int]):
    d.update(b=1)
    return d


def item_float(x: torch.Tensor) -> float:
    return x.item()


def item_int(x: torch.Tensor) -> int:
    return x.item()


def twice(a: float) -> float:
    return a * 2


def item_uses(x: torch.Tensor) -> Tuple[float, Optional[float]]:
    out: List[float] = []
    out.append(x.item())
    out.insert(0, twice(x.item()))
    return out[0] + out[1], x.item()


def item_annotated(x: torch.Tensor):
    y: float = x.item()
    return y
'''

T = ("tensor", 2.5)  # an argument made as torch.tensor(2.5) in each module
T3 = ("tensor", 3)
INVALID = ("compile error", "Arguments for call are not valid.")

#: (function, arguments, expected: None for "what Python gives", else TorchScript's answer)
CASES = [
    ("remove_index_count", ([1, 2, 3, 2],), None),
    ("remove_missing", ([1],), ("run error", "list.remove(x): x not in list")),
    ("index_missing", ([1],), ("run error", "'99' is not in list")),
    ("searches", (["a", "b", "c"], [1.0, 2.0, 2.0], [True, False]), None),
    ("tensor_searches", (T,), (12, 2)),
    ("nested_index", ([[1]],), ("compile error", "'List[List[int]]' object has no attribute or method 'index'.")),
    ("insert_extend_pop", ([1, 2, 3],), None),
    ("extend_wrong", ([1],), ("compile error", "aten::extend.t(t[](a!) self, t[] other) -> ()")),
    ("pop_keyword", ([1, 2],), (1, [2])),  # the schema's name: aten::pop.t(t[](a!) self, int idx=-1)
    ("pop_empty", ([],), ("run error", "pop from empty list")),
    ("sorts", ([3, 1, 2], ["b", "a", "c"], True), None),
    ("sorts", ([3, 1, 2], ["b", "a", "c"], False), None),
    ("sort_key", ([2, 1],), INVALID),
    ("clear_copy", ([1, 2],), None),
    ("repeat", ([1, 2], 3), None),
    ("repeat_negative", ([1],), ("run error", "vector::reserve")),
    ("repeat_float", ([1],), INVALID),
    ("slice_assign", ([1, 2, 3, 4],), ("compile error", ("Sliced expression not yet supported for subscripted "
                                                        "assignment. File a bug if you want this"))),
    ("del_item", ([1, 2, 3, 4],), None),
    ("del_out_of_range", ([1],), ("run error", "list index out of range")),
    ("del_slice", ([1, 2, 3],), ("compile error", ("del statements only support deletion at a single index, slicing "
                                                  "is not supported (see https://github.com/pytorch/pytorch/issues/31430)"))),
    ("tensor_in", (T,), INVALID),
    ("dict_methods", ({"a": 1, "b": 2},), None),
    ("dict_popitem", ({"a": 1, "b": 2},), ("a", 1, 0)),  # the first item, where Python pops the last
    ("popitem_empty", ({},), ("run error", "popitem(): dictionary is empty")),
    ("dict_builtin", ({"a": 1}, ["x", "yy", "z"], [1, 2]), None),
    ("dict_empty", (), None),
    ("dict_order", ({"z": 1, "b": 2, "a": 3},), None),
    ("dict_equal", ({"a": 1},), INVALID),
    ("update_keywords", ({"a": 1},), ("compile error", "Arguments for call are not valid.")),
    ("item_float", (T,), 2.5),
    ("item_int", (T3,), 3),
    ("item_uses", (T,), (7.5, 2.5)),
    ("item_annotated", (T,), ("compile error", ("Variable 'y' is annotated with type float but is being assigned to "
                                               "a value of type number"))),
]


@pytest.fixture(scope="module")
def mods(tmp_path_factory):
    path = tmp_path_factory.mktemp("containers")
    ours = load(path, SOURCE, "lang_containers", real=False)
    theirs = load(path, SOURCE, "lang_containers", real=True) if real_torch() is not None else None
    return ours, theirs


def arguments(m, args):
    return [m.torch.tensor(a[1]) if isinstance(a, tuple) and a[:1] == ("tensor",) else copy.deepcopy(a) for a in args]


def outcome(m, fn, args):
    """The result, ("compile error", first line) or ("run error", last line) of the scripted fn."""
    try:
        scripted = m.torch.jit.script(getattr(m, fn))
    except Exception as e:  # noqa: BLE001 - torch raises RuntimeError, tsjit its CompileError
        return "compile error", str(e).strip().splitlines()[0].rstrip(":")
    try:
        return plain(scripted(*arguments(m, args)))
    except Exception as e:  # noqa: BLE001
        last = str(e).strip().splitlines()[-1]  # tsjit: "ts.op (file:line:col): message"
        return "run error", re.sub(r"^ts\.[\w.]+ \([^)]*\): ", "", last).removeprefix("RuntimeError: ")


@pytest.mark.parametrize("fn, args, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_like_torchscript(mods, fn, args, expected):
    ours, theirs = mods
    got = outcome(ours, fn, args)
    if theirs is not None:
        assert got == outcome(theirs, fn, args)
    if expected is None:
        expected = plain(getattr(ours, fn)(*arguments(ours, args)))
    elif isinstance(expected, tuple) and expected[0] in ("compile error", "run error"):
        assert got[0] == expected[0] and got[1].startswith(expected[1]), got
        return
    assert got == plain(expected)


def test_code_prints_the_methods(mods):
    code = mods[0].torch.jit.script(mods[0].dict_methods).code
    assert "e = torch.copy(d)" in code and 'torch.update(d, {"b": 5, "c": 6})' in code
    assert 'torch.setdefault(d, "a", 10)' in code and 'torch.pop(d, "a", 7)' in code
    code = mods[0].torch.jit.script(mods[0].repeat).code
    assert "torch.mul(xs, n)" in code and "torch.clear(xs)" in code and "torch.extend(xs, [5])" in code  # ys and zs are xs
