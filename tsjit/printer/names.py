"""Variable names of the printed code, chosen as TorchScript's printer chooses them.

A value is named after its SSA name hint with a trailing `.N` removed (`x.1` -> `x`),
made a valid identifier; names already taken in the function (or reserved: Python keywords
and the names TorchScript's code refers to) get a counter: `x`, `x0`, `x1`. Values without a
hint are `_0`, `_1`, ...
"""
from __future__ import annotations

import keyword
import re
from collections import defaultdict

from xdsl.ir import SSAValue

#: Names the printed code needs for itself (python_print.cpp's reserved_names) and Python's keywords.
RESERVED = frozenset({
    "_", "aten", "attribute", "CONSTANTS", "fork", "getattr", "setattr", "inf", "nan", "infj", "nanj", "ops",
    "__torch__", "uninitialized", "unchecked_cast", "annotate", "torch", "math", "warnings", "print", "len",
    "isinstance", "int", "float", "bool", "str", "range", *keyword.kwlist,
})


def base_name(hint: str | None) -> str:
    """The name a hint asks for: `x.1` -> `x`, `a-b` -> `a_b`, `1x` -> `_1x`; no hint -> `_`."""
    if not hint:
        return "_"
    name = re.sub(r"\W", "_", re.sub(r"\.\d+$", "", hint))
    return f"_{name}" if name[0].isdigit() else name


class Namer:
    """Unique names within one function, handed out in the order values are first printed."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.next_id: dict[str, int] = defaultdict(int)
        self.names: dict[SSAValue, str] = {}
        self.hints: dict[SSAValue, str] = {}

    def prefer(self, value: SSAValue, hint: str) -> None:
        """Name `value` after `hint` instead of its own hint (an object after the interface variable it was)."""
        self.hints[value] = hint

    def fresh(self, candidate: str) -> str:
        name = candidate
        while name in self.used or name in RESERVED:
            name = f"{candidate}{self.next_id[candidate]}"
            self.next_id[candidate] += 1
        self.used.add(name)
        return name

    def name(self, value: SSAValue, candidate: str | None = None) -> str:
        """The value's name, choosing one (from `candidate` or its hint) the first time."""
        if value not in self.names:
            self.names[value] = self.fresh(candidate or base_name(self.hints.get(value, value.name_hint)))
        return self.names[value]

    def alias(self, value: SSAValue, name: str) -> None:
        """Print `value` as an existing name (a loop's carried value and its block argument)."""
        self.names[value] = name
