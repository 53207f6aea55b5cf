"""Op schemas in ATen's notation: `(Tensor self, Scalar other, *, Scalar alpha=1) -> Tensor`.

An op's schema names its arguments in order, with their kinds (`Tensor`, `int[]`, `Scalar?`,
...), their Python defaults and, after `*`, the keyword-only ones; every argument is an operand
of the ts op (see tsjit/dialects/ts/schema.py), and the defaults and keyword markers give the
Python signature of the eager function generated from it (as PyTorch generates its bindings
from native_functions.yaml). Plain Python: no IR types here.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Any

#: The argument kinds a schema may use (`?` makes any of the first nine optional).
BASE_KINDS = ("Tensor", "int", "float", "bool", "str", "Scalar", "Device", "ScalarType", "int[]")
KIND_NAMES = frozenset([*BASE_KINDS, *(k + "?" for k in BASE_KINDS), "Tensor|Scalar", "Tensor[]", "Tensor?[]",
                        "float[]", "str[]", "Any"])


class _NoDefault:
    def __repr__(self) -> str:
        return "NO_DEFAULT"


NO_DEFAULT: Any = _NoDefault()


@dataclass(frozen=True)
class Arg:
    kind: str
    name: str
    default: Any = NO_DEFAULT
    kwonly: bool = False

    @property
    def optional(self) -> bool:
        return self.kind.endswith("?")


@dataclass(frozen=True)
class Schema:
    args: tuple[Arg, ...]
    results: tuple[Arg, ...]

    def __str__(self) -> str:
        args = ", ".join(f"{a.kind} {a.name}" for a in self.args)
        res = ", ".join(f"{r.kind} {r.name}" for r in self.results)
        return f"({args}) -> ({res})"

    def arg(self, name: str) -> Arg:
        return next(a for a in self.args if a.name == name)

    @property
    def tensor_results(self) -> bool:
        """Whether any result is a tensor (or a list of them): what shape and dtype rules are for."""
        return any(r.kind.startswith("Tensor") for r in self.results)


_ARG = re.compile(r"\s*(?P<kind>[\w\[\]?|]+)\s+(?P<name>\w+)\s*(=\s*(?P<default>.+?))?\s*")
_LITERALS = {"None": None, "True": True, "False": False}


def _default(text: str) -> Any:
    text = text.strip()
    if text in _LITERALS:
        return _LITERALS[text]
    value = ast.literal_eval(text)
    return tuple(value) if isinstance(value, list) else value


def _split(part: str) -> list[str]:
    """Split on commas outside brackets and quotes (`int[] dims=[0, 1]`, `str s=","`)."""
    items, depth, quote, start = [], 0, None, 0
    for i, ch in enumerate(part):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(part[start:i])
            start = i + 1
    items.append(part[start:])
    return [item for item in items if item.strip()]


def parse_schema(text: str) -> Schema:
    """`(Tensor self, int dim) -> (Tensor values, Tensor indices)`; a lone result may be unnamed."""
    m = re.fullmatch(r"\s*\((?P<args>.*)\)\s*->\s*(?P<res>.*)", text, re.S)
    if not m:
        raise ValueError(f"bad schema: {text}")

    def args(part: str, default_name: str) -> tuple[Arg, ...]:
        out, kwonly = [], False
        for i, item in enumerate(_split(part)):
            if item.strip() == "*":
                kwonly = True
                continue
            am = _ARG.fullmatch(item) or re.fullmatch(r"\s*(?P<kind>[\w\[\]?|]+)\s*", item)
            if not am or am.group("kind") not in KIND_NAMES:
                raise ValueError(f"bad schema item {item!r} in {text}")
            groups = am.groupdict()
            name = groups.get("name") or (default_name if i == 0 else f"{default_name}{i}")
            default = NO_DEFAULT if groups.get("default") is None else _default(groups["default"])
            out.append(Arg(am.group("kind"), "input" if name == "self" else name, default, kwonly))
        return tuple(out)

    res = m.group("res").strip()
    res = res[1:-1] if res.startswith("(") else res
    return Schema(args(m.group("args"), "arg"), args(res, "result"))
