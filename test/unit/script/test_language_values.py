"""NamedTuple results, Tensor.tolist() and tensor-keyed dicts in script, against torch."""
from __future__ import annotations

import subprocess
import sys

import pytest
from language_cases import both, load, module_pair, plain

import tsjit

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SOURCE = '''
import torch
from typing import Dict, List, NamedTuple, Optional, Tuple
import torch.nn as nn


class Point(NamedTuple):
    x: torch.Tensor
    n: int


class Pair(NamedTuple):
    p: Point
    label: str


def namedtuples(x: torch.Tensor) -> Tuple[Point, List[Point], Pair, Optional[Point]]:
    return Point(x, 1), [Point(x, 2)], Pair(Point(x, 3), "q"), Point(x + 1, 4)


def unannotated(x: torch.Tensor):
    p = Point(x, 5)
    return p, [Pair(p, "u")]


class Points(nn.Module):
    def forward(self, x: torch.Tensor) -> Tuple[Point, List[Point]]:
        return Point(x, 1), [Point(x * 2, 2)]


def floats(x: torch.Tensor) -> List[float]:
    out: List[float] = x.tolist()
    return out


def ints(x: torch.Tensor) -> List[List[int]]:
    return torch.jit.annotate(List[List[int]], x.tolist())


def scalar(x: torch.Tensor) -> float:
    return x.tolist()


def bools(x: torch.Tensor) -> List[bool]:
    out: List[bool] = x.tolist()
    return out


def tensor_keys(x: torch.Tensor, y: torch.Tensor) -> List[int]:
    d: Dict[torch.Tensor, int] = {x: 1}
    d[y] = 2
    d[x] = 3
    out = [len(d), d[x], d.get(torch.ones(1), -1), int(y in d), int(torch.zeros(1) in d)]
    for k in d.keys():
        out.append(int(k.sum()))
    for k, v in d.items():
        out.append(v)
    out.append(d.pop(y))
    out.append(len(d))
    return out


def keys_out(x: torch.Tensor) -> Dict[torch.Tensor, int]:
    return {x: 1, x + 1: 2}


def keys_in(d: Dict[torch.Tensor, int], x: torch.Tensor) -> int:
    return d[x] + len(d)
'''


@pytest.fixture(scope="module")
def mods(tmp_path_factory):
    return module_pair(tmp_path_factory, SOURCE, "lang_values")


def outcome(call):
    try:
        return plain(call())
    except (RuntimeError, tsjit.jit.Error) as e:  # torch raises RuntimeError, tsjit.jit.Error (not one)
        return "error", str(e).strip().splitlines()[-1].split(": ", 1)[-1]


def test_namedtuples_keep_their_type_nested_in_tuples_and_lists(mods):
    got = both(mods, lambda m: m.torch.jit.script(m.namedtuples)(m.torch.ones(1)))
    assert got[2] == ("Pair", ("Point", ("tensor", "float32", [1.0]), 3), "q") and got[3][0] == "Point"
    got = both(mods, lambda m: m.torch.jit.script(m.unannotated)(m.torch.ones(1)))
    assert got[0][0] == "Point" and got[1][0][0] == "Pair"


def test_namedtuples_survive_save_and_load(mods, tmp_path):
    def run(m):
        path = str(tmp_path / f"{m.__name__}.pt")
        m.torch.jit.save(m.torch.jit.script(m.Points()), path)
        return m.torch.jit.load(path)(m.torch.ones(1))

    both(mods, run)
    path = tmp_path / "lang_values_tsjit.pt"
    fresh = (f"import tsjit\nr = tsjit.jit.load({str(path)!r})(tsjit.ones(1))\n"
             "print(type(r[0]).__name__, r[0].n, type(r[1][0]).__name__, r[1][0].x.tolist())")
    done = subprocess.run([sys.executable, "-c", fresh], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["Point", "1", "Point", "[2.0]"]  # no Point class there: rebuilt from the archive


@pytest.mark.parametrize("fn, arg", [
    ("floats", {"data": [1.5, 2.0]}), ("floats", {"data": [1.5], "dtype": "float64"}),
    ("floats", {"data": [1, 2]}), ("floats", {"data": [[1.5]]}), ("floats", {"data": [], "dtype": "float32"}),
    ("ints", {"data": [[1, 2], [3, 4]]}), ("ints", {"data": [[1]], "dtype": "int32"}),
    ("scalar", {"data": 2.5}), ("bools", {"data": [True, False]}), ("ints", {"data": [[True]]}),
])
def test_tolist(mods, fn, arg):
    def run(m):
        dtype = getattr(m.torch, arg["dtype"]) if "dtype" in arg else None
        return outcome(lambda: m.torch.jit.script(getattr(m, fn))(m.torch.tensor(arg["data"], dtype=dtype)))

    both(mods, run)


def test_tolist_needs_a_type_hint(tmp_path):
    source = "import torch\n\n\ndef f(x: torch.Tensor):\n    return x.tolist()\n"
    m = load(tmp_path, source, "tolist_hint", real=False)
    with pytest.raises(tsjit.jit.CompileError, match=r"Expected type hint for result of tolist\(\)(?s:.*)line 5"):
        tsjit.jit.script(m.f)


def test_tensor_dict_keys_by_identity(mods):
    def run(m):
        x, y = m.torch.ones(1), m.torch.ones(1)
        out = m.torch.jit.script(m.keys_out)(x)
        return (m.torch.jit.script(m.tensor_keys)(x, y), sorted(out.values()),
                m.torch.jit.script(m.keys_in)({x: 5, y: 6}, y))

    assert both(mods, run)[0] == [2, 3, -1, 1, 0, 1, 1, 3, 2, 2, 1]
