"""Script classes used inside scripted code: constructed there, named in annotations (also as a
forward reference to their own name), and their operator methods (__add__, __eq__, __lt__,
__len__, __getitem__, __contains__) called by the operators, as TorchScript does."""
from typing import List

import tsjit as torch


@torch.jit.script
class Vec:
    def __init__(self, xs: List[int]):
        self.xs = xs

    def __len__(self) -> int:
        return len(self.xs)

    def __getitem__(self, i: int) -> int:
        return self.xs[i]

    def __contains__(self, v: int) -> bool:
        return v in self.xs

    def __add__(self, other: "Vec") -> "Vec":
        return Vec([a + b for a, b in zip(self.xs, other.xs)])

    def __eq__(self, other: "Vec") -> bool:
        return self.xs == other.xs

    def __lt__(self, other: "Vec") -> bool:
        return len(self.xs) < len(other.xs)


def operators(n: int):
    a = Vec([1, 2, n])
    b = Vec([3, 4, 5])
    c = a + b
    return len(c), c[2], 3 in c, 6 not in c, a == b, a < b, c.xs


def takes_one(v: "Vec") -> int:
    return v[0] + len(v)


def test_operators_call_the_class_methods():
    assert torch.jit.script(operators)(7) == (3, 12, False, False, False, False, [4, 6, 12])


def test_the_class_names_a_type_in_annotations_and_objects_pass_in():
    assert torch.jit.script(takes_one)(Vec([5, 6])) == 7
