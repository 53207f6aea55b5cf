"""Upstream `arith` ops on Python scalars (and, where numpy broadcasting agrees, on ndarrays).

Integer division and remainder truncate toward zero as in MLIR (not Python's floor); integer
widths are not modelled (no wrap-around).
"""
from __future__ import annotations

import math
import operator
from typing import Any

import numpy as np

from tsjit.backends.numpy.table import register, register_fn


def _divsi(a: int, b: int) -> int:
    if b == 0:
        raise ZeroDivisionError("integer division by zero")
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _remsi(a: int, b: int) -> int:
    return a - b * _divsi(a, b)


def _ceildivsi(a: int, b: int) -> int:
    return -((-a) // b)


def _select(cond: Any, a: Any, b: Any) -> Any:
    if isinstance(cond, np.ndarray):
        return np.where(cond, a, b)
    return a if cond else b


FUNCTIONS = {
    "addi": operator.add, "subi": operator.sub, "muli": operator.mul,
    "divsi": _divsi, "remsi": _remsi, "floordivsi": operator.floordiv, "ceildivsi": _ceildivsi,
    "minsi": min, "maxsi": max,
    "addf": operator.add, "subf": operator.sub, "mulf": operator.mul, "divf": operator.truediv,
    "negf": operator.neg, "minimumf": min, "maximumf": max, "minnumf": min, "maxnumf": max,
    "andi": operator.and_, "ori": operator.or_, "xori": operator.xor,
    "shli": operator.lshift, "shrsi": operator.rshift,
    "select": _select,
    "index_cast": int, "sitofp": float, "fptosi": lambda x: int(math.trunc(x)),
    "extf": float, "truncf": float, "extsi": int, "trunci": int,
}
for _name, _fn in FUNCTIONS.items():
    register_fn(f"arith.{_name}", _fn)

#: arith.cmpi predicates by number: eq, ne, slt, sle, sgt, sge, ult, ule, ugt, uge
_CMPI = [operator.eq, operator.ne, operator.lt, operator.le, operator.gt, operator.ge,
         operator.lt, operator.le, operator.gt, operator.ge]


def _ordered(cmp):
    return lambda a, b: not (math.isnan(a) or math.isnan(b)) and cmp(a, b)


def _unordered(cmp):
    return lambda a, b: math.isnan(a) or math.isnan(b) or cmp(a, b)


#: arith.cmpf predicates by number: false, oeq, ogt, oge, olt, ole, one, ord,
#: ueq, ugt, uge, ult, ule, une, uno, true
_CMPF = [lambda a, b: False, _ordered(operator.eq), _ordered(operator.gt), _ordered(operator.ge),
         _ordered(operator.lt), _ordered(operator.le), _ordered(operator.ne),
         lambda a, b: not (math.isnan(a) or math.isnan(b)),
         _unordered(operator.eq), _unordered(operator.gt), _unordered(operator.ge),
         _unordered(operator.lt), _unordered(operator.le), _unordered(operator.ne),
         lambda a, b: math.isnan(a) or math.isnan(b), lambda a, b: True]


@register("arith.cmpi")
def _cmpi(op, planner):
    return _CMPI[op.predicate.value.data]


@register("arith.cmpf")
def _cmpf(op, planner):
    return _CMPF[op.predicate.value.data]
