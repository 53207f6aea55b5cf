"""Expressions of the printed code: text plus Python precedence, and constants as literals.

Every rendered expression carries its precedence so a template can parenthesise an operand
exactly when Python's grammar needs it: `(a + b) * c`, `a - (b - c)`, `(a < b) == c`.
"""
from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from xdsl.ir import Attribute, SSAValue

from tsjit.dialects.ts.constant import ConstantOp, DeviceAttr
from tsjit.dialects.ts.types import ListType
from tsjit.printer.type_names import type_name
from tsjit.runtime import EnumObject

# Python's precedence levels, lowest binding first.
ANY, TERNARY, OR, AND, NOT, CMP, BOR, BXOR, BAND, SHIFT, ADD, MUL, UNARY, POW, ATOM = range(15)


@dataclass(frozen=True)
class Expr:
    text: str
    prec: int = ATOM

    def at(self, prec: int) -> str:
        """The text, parenthesised if this expression binds more loosely than `prec` needs."""
        return self.text if self.prec >= prec else f"({self.text})"


def quote(s: str) -> str:
    """A double-quoted string literal, as TorchScript prints them."""
    return json.dumps(s, ensure_ascii=False)


def float_literal(x: float) -> str:
    """TorchScript's spelling of doubles: `1.`, `0.5`, `1.0000000000000001e-05`, `inf`, `nan`."""
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == int(x) and abs(x) < 1e10:
        return ("-0." if math.copysign(1.0, x) < 0 else "0.") if x == 0 else f"{int(x)}."
    return f"{x:.17g}"


def constant_value(value: SSAValue) -> tuple[bool, Any]:
    """(True, Python value) when `value` is the result of a `ts.constant`, else (False, None)."""
    owner = value.owner
    if isinstance(owner, ConstantOp):
        return True, owner.py_value
    return False, None


def literal(value: Any, ty: Attribute, tensor_name: Callable[[np.ndarray], str]) -> Expr:
    """A constant as a Python literal; tensors are named by `tensor_name` (`CONSTANTS.c0`)."""
    if isinstance(value, bool):
        return Expr("True" if value else "False")
    if isinstance(value, int):
        return Expr(str(value), UNARY if value < 0 else ATOM)
    if isinstance(value, float):
        text = float_literal(value)
        return Expr(text, UNARY if text.startswith("-") else ATOM)
    if isinstance(value, str):
        return Expr(quote(value))
    if value is None:
        return Expr("None")
    if isinstance(value, DeviceAttr):
        return Expr(f"torch.device({quote(value.data)})")
    if isinstance(value, EnumObject):  # an enum member: `__torch__.Color.RED`
        return Expr(f"{value._class_name}.{value.name}")
    if isinstance(value, np.ndarray):
        return Expr(tensor_name(value))
    if isinstance(value, list):
        if not value:  # an empty list needs its type, as TorchScript's `annotate(List[int], [])`
            return Expr(f"annotate({type_name(ty)}, [])")
        elt = ty.element_type if isinstance(ty, ListType) else ty
        return Expr("[" + ", ".join(literal(v, elt, tensor_name).text for v in value) + "]")
    raise ValueError(f"cannot print the constant {value!r}")
