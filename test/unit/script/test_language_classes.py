"""Enums, interfaces, the ScriptModule/script_method API, and @ignore/@unused methods, against torch."""
from __future__ import annotations

import re

import pytest
from language_cases import both, load, plain, real_torch

import tsjit

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")

SOURCE = '''
import torch
from enum import Enum
from typing import Dict, List, Optional, Tuple
import torch.nn as nn


class Color(Enum):
    RED = 1
    GREEN = 2


class Word(Enum):
    A = "a"
    B = "b"


def enum_props(c: Color) -> Tuple[str, int, bool, bool, bool, str]:
    return c.name, c.value, c == Color.RED, c != Color.GREEN, c is Color.RED, str(c)


def enum_result(x: int) -> Color:
    if x > 0:
        return Color.GREEN
    return Color.RED


def enum_iteration() -> Tuple[List[int], List[str]]:
    values: List[int] = []
    for c in Color:
        values.append(c.value)
    return values, [w.name + w.value for w in Word]


def enum_list(cs: List[Color]) -> List[Color]:
    return [c for c in cs]


class EnumAttr(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = Color.GREEN

    def forward(self, x: torch.Tensor, c: Color) -> torch.Tensor:
        if self.c == c:
            return x + 1
        return x


@torch.jit.interface
class Shape(object):
    def area(self) -> float:
        """A docstring, then pass: still only a signature."""
        pass

    def scale(self, k: float) -> float:
        pass


@torch.jit.script
class Square(object):
    def __init__(self, s: float):
        self.s = s

    def area(self) -> float:
        return self.s * self.s

    def scale(self, k: float) -> float:
        return self.s * k


@torch.jit.script
class Circle(object):
    def __init__(self, r: float):
        self.r = r

    def area(self) -> float:
        return 3.0 * self.r * self.r

    def scale(self, k: float) -> float:
        return self.r * k * 2.0


def use_shape(s: Shape) -> float:
    return s.area() + s.scale(2.0)


def pick_shape(flag: bool) -> float:
    s: Shape = Square(2.0)
    if flag:
        s = Circle(1.0)
    shapes: List[Shape] = [Square(1.0), Circle(1.0)]
    total = 0.0
    for t in shapes:
        total += t.area()
    return use_shape(s) + total


def maybe_shape(flag: bool) -> float:
    s: Optional[Shape] = None
    if flag:
        s = Square(3.0)
    if s is not None:
        return s.area()
    return -1.0


@torch.jit.interface
class OneArg(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pass


class AddOne(nn.Module):
    def forward(self, x):
        return x + 1


class TimesTen(nn.Module):
    def forward(self, x):
        return x * 10


class Holder(nn.Module):
    sub: OneArg

    def __init__(self):
        super().__init__()
        self.sub = AddOne()

    def forward(self, x):
        return self.sub.forward(x)


class OldStyle(torch.jit.ScriptModule):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.ones(3))
        self.names = torch.jit.Attribute({"a": 1}, Dict[str, int])
        self.ks = torch.jit.Attribute([], List[int])
        self.lin = nn.Linear(3, 2)

    @torch.jit.script_method
    def forward(self, x):
        return self.lin(x * self.w) + self.helper(len(self.names))

    @torch.jit.script_method
    def helper(self, n: int) -> int:
        self.ks.append(n)
        return n + len(self.ks)


class OldChild(OldStyle):
    def __init__(self, k: int):
        super().__init__()
        self.k = k

    @torch.jit.script_method
    def twice(self, x: int) -> int:
        return x * self.k


class AttributeInModule(nn.Module):
    def __init__(self):
        super().__init__()
        self.seen = torch.jit.Attribute({}, Dict[str, int])

    def forward(self, k: str, x: int) -> int:
        self.seen[k] = x
        return len(self.seen)


@torch.jit.script
class WithUnused(object):
    def __init__(self, a: int):
        self.a = a

    @torch.jit.unused
    def bad(self, x: int) -> int:
        return {x}

    def good(self, x: int, flag: bool) -> int:
        if flag:
            return self.bad(x)
        return x + self.a


def call_unused(x: int, flag: bool) -> int:
    return WithUnused(1).good(x, flag)


class Modifiers(nn.Module):
    @torch.jit.ignore(drop=True)
    def dropped(self, x: torch.Tensor) -> torch.Tensor:
        import pdb
        return x

    @torch.jit.unused
    def never(self, x: torch.Tensor) -> torch.Tensor:
        return {1, 2}

    @torch.jit.ignore
    def in_python(self, x: torch.Tensor) -> torch.Tensor:
        import numpy
        return x + 100

    @torch.jit.ignore(drop=False)
    def offset(self) -> int:
        return 100

    def forward(self, x, k: int):
        if k == 0:
            return self.dropped(x)
        if k == 1:
            return self.never(x)
        if k == 2:
            return self.in_python(x)
        return x + self.offset()
'''


@pytest.fixture(scope="module")
def mods(tmp_path_factory):
    import warnings

    path = tmp_path_factory.mktemp("classes")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        ours = load(path, SOURCE, "lang_classes", real=False)
        torch = real_torch()
        theirs = load(path, SOURCE, "lang_classes", real=True) if torch is not None else None
    return ours, theirs


def outcome(call):
    try:
        return plain(call())
    except Exception as e:  # noqa: BLE001 - the kind and the message's last line are compared
        return type(e).__name__ in ("Error", "RuntimeError"), str(e).strip().splitlines()[-1].split(": ")[-1]


def test_enum_values_names_comparisons_and_results(mods):
    def run(m):
        props = m.torch.jit.script(m.enum_props)
        result = m.torch.jit.script(m.enum_result)
        return (props(m.Color.RED), props(m.Color.GREEN), result(1), result(-1),
                m.torch.jit.script(m.enum_iteration)(), m.torch.jit.script(m.enum_list)([m.Color.GREEN, m.Color.RED]))

    assert both(mods, run)[2] == ("enum", "Color", "GREEN", 2)


def test_enum_module_attribute_save_and_load(mods, tmp_path):
    def run(m):
        s = m.torch.jit.script(m.EnumAttr())
        m.torch.jit.save(s, str(tmp_path / f"{m.__name__}.pt"))
        loaded = m.torch.jit.load(str(tmp_path / f"{m.__name__}.pt"))
        x = m.torch.zeros(2)
        return s(x, m.Color.GREEN), s(x, m.Color.RED), s.c, loaded(x, m.Color.GREEN), loaded.c

    both(mods, run)


def test_class_interface_implemented_by_script_classes(mods):
    def run(m):
        use = m.torch.jit.script(m.use_shape)
        maybe = m.torch.jit.script(m.maybe_shape)
        return m.torch.jit.script(m.pick_shape)(True), use(m.Square(3.0)), use(m.Circle(1.0)), maybe(True), maybe(False)

    assert both(mods, run) == (11.0, 15.0, 7.0, 9.0, -1.0)


def test_module_interface_swaps_implementations(mods, tmp_path):
    def run(m):
        h = m.torch.jit.script(m.Holder())
        first = h(m.torch.ones(2))
        h.sub = m.torch.jit.script(m.TimesTen())
        path = str(tmp_path / f"{m.__name__}.pt")
        m.torch.jit.save(h, path)
        frozen = m.torch.jit.freeze(h.eval())
        refused = outcome(lambda: setattr(m.torch.jit.script(m.EnumAttr()), "training", 1))
        return first, h(m.torch.ones(2)), frozen(m.torch.ones(2)), m.torch.jit.load(path)(m.torch.ones(2)), refused

    assert both(mods, run)[1] == ("tensor", "float32", [10.0, 10.0])


def test_swapping_needs_a_conforming_module_and_an_interface(mods):
    def run(m):
        h = m.torch.jit.script(m.Holder())
        plain = m.torch.jit.script(m.EnumAttr())   # forward(x, c): not OneArg
        try:
            h.sub = plain
        except RuntimeError as e:
            first = re.sub(r" \(of Python compilation unit at: \w+\)", "", str(e).splitlines()[0])
            return first.replace(m.__name__ + ".", "")

    assert both(mods, run) == "Object of type __torch__.EnumAttr is not compatible with interface __torch__.OneArg"


@pytest.mark.parametrize("body", ["...", "return 1", '"""only a docstring"""'])
def test_interface_bodies_must_be_pass(tmp_path, body):
    source = f"import torch\n\n\n@torch.jit.interface\nclass I(object):\n    def f(self) -> int:\n        {body}\n"
    with pytest.raises(tsjit.jit.CompileError, match=r"interfaces declarations should contain 'pass' statement"
                       r"(?s:.*)line 7\n.*\n *~+ <--- HERE"):
        load(tmp_path, source, "bad_interface", real=False)


def test_old_script_module_api_and_attribute(mods):
    def run(m):
        old = m.OldStyle()
        out = old(m.torch.ones(1, 3))
        child = m.OldChild(3)
        return (isinstance(old, m.torch.jit.ScriptModule), type(old).__name__, tuple(out.shape),
                old.helper(5), old.ks, old.names, child.twice(4), child.helper(1),
                m.torch.jit.script(m.AttributeInModule())("a", 3))

    got = both(mods, run)
    assert got[0] is True and got[6] == 12


def test_ignore_and_unused_methods(mods):
    def run(m):
        s = m.torch.jit.script(m.Modifiers())
        x = m.torch.zeros(1)
        f = m.torch.jit.script(m.call_unused)
        calls = [lambda: s.in_python(x), lambda: s.dropped(x), lambda: f(1, False), lambda: f(1, True)]
        return [outcome(lambda k=k: s(x, k)) for k in range(4)] + [outcome(call) for call in calls]

    got = both(mods, run)
    assert got[0][1].endswith("This Python function is annotated to be ignored and cannot be run")
    assert got[2] == got[3] == ("tensor", "float32", [100.0])


def test_enum_with_values_of_several_types_is_a_located_error(tmp_path):
    source = ("import torch\nfrom enum import Enum\n\n\nclass Mixed(Enum):\n    A = 1\n    B = 'b'\n\n\n"
              "def f(m: Mixed) -> int:\n    return 1\n")
    m = load(tmp_path, source, "mixed_enum", real=False)
    with pytest.raises(tsjit.jit.CompileError, match=r"must have values of one type(?s:.*)line 10\n.*\n *~+ <--- HERE"):
        tsjit.jit.script(m.f)
