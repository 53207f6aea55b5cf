"""Enum members and interface values in `.code`, `.schema`, `freeze` and `save`/`load`, against torch.

An Enum member is a constant (`__torch__.Color.RED`, `Enum<__torch__.Color>` in schemas, `(c).value`
for its value, `torch.eq` comparing members); an interface is a class type declaring signatures
(`InterfaceType<Shape>` in schemas), which a module attribute may hold a script class object
as, and a module using one freezes (calls on the attribute inlined) and saves.
"""
from __future__ import annotations

import re

import pytest
from language_cases import both, module_pair

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")

NAME = "lang_enum_code"

SOURCE = '''
import torch
from enum import Enum
from typing import List
import torch.nn as nn


class Color(Enum):
    RED = 1
    GREEN = 2


class Word(Enum):
    A = "a"
    B = "b"


def first(x: Color) -> int:
    if x == Color.RED:
        return 1
    return x.value


def differs(x: Color) -> bool:
    return x != Color.GREEN


def pick(x: int) -> Color:
    return Color.GREEN if x > 0 else Color.RED


def same(a: Color, b: Color) -> bool:
    return a == b


def word(x: Word) -> str:
    if x == Word.A:
        return x.value
    return x.name


def identical(x: Color) -> bool:
    return x is Color.RED


def listed(cs: List[Color]) -> int:
    return len(cs)


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
        pass


@torch.jit.script
class Square(object):
    def __init__(self, side: float):
        self.side = side

    def area(self) -> float:
        return self.side * self.side


@torch.jit.script
class Disc(object):
    def __init__(self, r: float):
        self.r = r

    def area(self) -> float:
        return 3.0 * self.r * self.r


def one(s: Shape) -> float:
    return s.area()


def all_of(shapes: List[Shape]) -> int:
    return len(shapes)


class Holder(nn.Module):
    s: Shape

    def __init__(self):
        super().__init__()
        self.s = Square(3.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.s.area() + one(self.s)


class User(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        s: Shape = Square(2.0)
        return x * one(s)


class Many(nn.Module):
    s: Shape
    shapes: List[Shape]

    def __init__(self):
        super().__init__()
        self.s = Square(3.0)
        self.shapes = [Square(1.0), Disc(1.0)]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        t = 0.0
        for q in self.shapes:
            t += q.area()
        return x * self.s.area() + t

    @torch.jit.export
    def swap(self, r: float) -> float:
        self.s = Disc(r)
        return self.s.area()


@torch.jit.script
class Point(object):
    def __init__(self, x: float):
        self.x = x

    def norm(self) -> float:
        return self.x


class Wrong(nn.Module):
    s: Shape

    def __init__(self):
        super().__init__()
        self.s = Point(3.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.s.area()
'''


@pytest.fixture(scope="module")
def mods(tmp_path_factory):
    return module_pair(tmp_path_factory, SOURCE, NAME)


def text(m, s: str) -> str:
    """Code and schemas name classes `__torch__.<module>.Color`: the module differs between the two."""
    return str(s).replace(m.__name__ + ".", "")


@pytest.mark.parametrize("name", ["first", "differs", "pick", "same", "word", "identical", "listed", "one",
                                  "all_of"])
def test_function_code_and_schema(mods, name):
    def run(m):
        f = m.torch.jit.script(getattr(m, name))
        return text(m, f.code), text(m, f.schema)

    code, schema = both(mods, run)
    assert "__torch__.Color(" not in code


def test_enum_code_spellings(mods):
    def run(m):
        first, pick = m.torch.jit.script(m.first), m.torch.jit.script(m.pick)
        return text(m, first.code), text(m, first.schema), text(m, pick.schema), first(m.Color.RED), \
            first(m.Color.GREEN), pick(1)

    code, schema, pick_schema, *results = both(mods, run)
    # the qualified names are long lines here (`_0 = __torch__.<module>.Color.RED`, then `torch.eq(x, _0)`)
    assert "= __torch__.Color.RED\n" in code and "torch.eq(x, _0)" in code and "(x).value" in code
    assert schema == "first(Enum<__torch__.Color> x) -> int"
    assert pick_schema == "pick(int x) -> Enum<__torch__.Color>"
    assert results == [1, 2, ("enum", "Color", "GREEN", 2)]


def test_interface_schema(mods):
    def run(m):
        return text(m, m.torch.jit.script(m.one).schema), text(m, m.torch.jit.script(m.all_of).schema)

    assert both(mods, run) == ("one(InterfaceType<Shape> s) -> float", "all_of(InterfaceType<Shape>[] shapes) -> int")


def test_enum_attribute_freeze_save_load(mods, tmp_path):
    def run(m):
        s = m.torch.jit.script(m.EnumAttr())
        path = str(tmp_path / f"{m.__name__}_enum.pt")
        m.torch.jit.save(s, path)
        loaded = m.torch.jit.load(path)
        frozen = m.torch.jit.freeze(s.eval())
        x = m.torch.zeros(1)
        return (text(m, s.code), text(m, frozen.code), text(m, loaded.code), frozen(x, m.Color.GREEN),
                frozen(x, m.Color.RED), loaded(x, m.Color.GREEN), loaded(x, m.Color.RED), loaded.c)

    code, frozen_code, loaded_code, *results = both(mods, run)
    assert "self_c = __torch__.Color.GREEN\n" in frozen_code and "torch.eq(self_c, c)" in frozen_code
    assert loaded_code == code
    assert results[-1] == ("enum", "Color", "GREEN", 2)


@pytest.mark.parametrize("cls", ["Holder", "User"])
def test_interface_value_module_freeze_save_load(mods, tmp_path, cls):
    def run(m):
        s = m.torch.jit.script(getattr(m, cls)())
        path = str(tmp_path / f"{m.__name__}_{cls}.pt")
        m.torch.jit.save(s, path)
        loaded = m.torch.jit.load(path)
        frozen = m.torch.jit.freeze(s.eval())
        x = m.torch.ones(1)
        return text(m, s.code), text(m, frozen.code), text(m, loaded.code), s(x), frozen(x), loaded(x)

    code, frozen_code, loaded_code, *results = both(mods, run)
    assert loaded_code == code and len({str(r) for r in results}) == 1
    if cls == "Holder":
        assert "return torch.add(torch.mul(x, 9.), 9.)" in frozen_code  # interface calls inlined, folded


def test_interface_list_attribute_and_replacing_method(mods, tmp_path):
    def run(m):
        s = m.torch.jit.script(m.Many())
        path = str(tmp_path / f"{m.__name__}_many.pt")
        m.torch.jit.save(s, path)
        loaded = m.torch.jit.load(path)
        frozen = m.torch.jit.freeze(s.eval())
        try:
            m.torch.jit.freeze(s.eval(), preserved_attrs=["swap"])
            refused = None
        except RuntimeError as e:
            refused = [line for line in str(e).splitlines() if "Freezing does not support" in line][0]
            refused = refused[refused.index("Freezing"):]
        x = m.torch.ones(1)
        return s(x), frozen(x), loaded(x), loaded.swap(2.0), loaded(x), refused

    results = both(mods, run)
    assert results[-1] == "Freezing does not support SetAttr on an interface type. SetAttr is attempted on 's'"


def test_interface_attribute_must_hold_a_conforming_object(mods):
    def run(m):
        try:
            m.torch.jit.script(m.Wrong())
        except RuntimeError as e:
            return [re.sub(r" \(of Python compilation unit at: \w+\)", "", text(m, line))
                    for line in str(e).splitlines()[:2]]

    assert both(mods, run) == [
        "Could not cast attribute 's' to type __torch__.Shape: Object of type __torch__.Point is not compatible "
        "with interface __torch__.Shape",
        "Class '__torch__.Point' does not have method 'area' but '__torch__.Shape' does."]
