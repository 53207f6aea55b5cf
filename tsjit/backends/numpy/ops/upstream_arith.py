"""Upstream `arith` with MLIR semantics, on Python scalars and elementwise on ndarrays.

Integers wrap around to the width of their type (Python ints are wrapped after each op; arrays
of the matching numpy dtype wrap by themselves); `divsi`/`remsi` truncate toward zero,
`floordivsi`/`ceildivsi` round down/up; the `*ui` ops and unsigned predicates read their
operands as unsigned. Float scalars are Python floats (f32 rounds when stored into an array);
float arrays keep their dtype. Division by zero gives inf/nan as in IEEE, not an exception.
"""
from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any

import numpy as np

from tsjit.backends.numpy.ops.upstream_common import int_width, is_array, np_dtype, unsigned, wrap
from tsjit.backends.numpy.table import register


def _check_zero(b: Any) -> None:
    if (np.any(b == 0)) if is_array(b) else b == 0:
        raise ZeroDivisionError("integer division by zero")


def _divsi(a, b):
    _check_zero(b)
    if is_array(a) or is_array(b):
        q = np.floor_divide(a, b)
        return q + ((np.fmod(a, b) != 0) & ((np.asarray(a) < 0) != (np.asarray(b) < 0)))
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _remsi(a, b):
    _check_zero(b)
    return np.fmod(a, b) if is_array(a) or is_array(b) else a - b * _divsi(a, b)


def _floordiv(a, b):
    _check_zero(b)
    return np.floor_divide(a, b) if is_array(a) or is_array(b) else a // b


def _ceildiv(a, b):
    _check_zero(b)
    return -np.floor_divide(-a, b) if is_array(a) or is_array(b) else -((-a) // b)


def _rem(a, b):
    _check_zero(b)
    return np.remainder(a, b) if is_array(a) or is_array(b) else a % b


def _either(scalar: Callable, array: Callable) -> Callable:
    return lambda a, b: array(a, b) if is_array(a) or is_array(b) else scalar(a, b)


#: signed integer ops: fn(a, b) on Python ints or integer arrays (result wrapped for scalars)
SIGNED = {
    "addi": operator.add, "subi": operator.sub, "muli": operator.mul,
    "divsi": _divsi, "remsi": _remsi, "floordivsi": _floordiv, "ceildivsi": _ceildiv,
    "minsi": _either(min, np.minimum), "maxsi": _either(max, np.maximum),
    "andi": operator.and_, "ori": operator.or_, "xori": operator.xor,
    "shli": operator.lshift, "shrsi": operator.rshift,
}
#: unsigned integer ops: the same on the operands' unsigned readings
UNSIGNED = {
    "divui": _floordiv, "remui": _rem, "ceildivui": _ceildiv,
    "minui": _either(min, np.minimum), "maxui": _either(max, np.maximum), "shrui": operator.rshift,
}


def _int_op(fn: Callable, width: int, is_unsigned: bool) -> Callable:
    def run(a, b):
        if is_array(a) or is_array(b):
            dtype = np.result_type(a, b) if is_array(a) and is_array(b) else (a if is_array(a) else b).dtype
            if is_unsigned:
                a, b = unsigned(a, width), unsigned(b, width)
            return np.asarray(fn(a, b)).astype(dtype, copy=False)[()]
        if is_unsigned:
            a, b = unsigned(a, width), unsigned(b, width)
        return wrap(fn(a, b), width)

    return run


def _register_ints(table: dict, is_unsigned: bool) -> None:
    for name, fn in table.items():
        def prepare(op, planner, fn=fn):
            return _int_op(fn, int_width(op.results[0].type), is_unsigned)

        register(f"arith.{name}")(prepare)


_register_ints(SIGNED, False)
_register_ints(UNSIGNED, True)


def _divf(a, b):
    if is_array(a) or is_array(b):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.true_divide(a, b)
    try:
        return a / b
    except ZeroDivisionError:
        return math.nan if a == 0 or math.isnan(a) else math.copysign(math.inf, a) * math.copysign(1.0, b)


def _maximumf(a, b):
    """NaN-propagating max (IEEE maximum)."""
    return math.nan if math.isnan(a) or math.isnan(b) else max(a, b)


def _minimumf(a, b):
    return math.nan if math.isnan(a) or math.isnan(b) else min(a, b)


def _maxnumf(a, b):
    """max ignoring a NaN operand (IEEE maxNum)."""
    return b if math.isnan(a) else a if math.isnan(b) else max(a, b)


def _minnumf(a, b):
    return b if math.isnan(a) else a if math.isnan(b) else min(a, b)


FLOAT_BINARY = {
    "addf": operator.add, "subf": operator.sub, "mulf": operator.mul, "divf": _divf,
    "maximumf": _either(_maximumf, np.maximum), "minimumf": _either(_minimumf, np.minimum),
    "maxnumf": _either(_maxnumf, np.fmax), "minnumf": _either(_minnumf, np.fmin),
}
for _name, _fn in FLOAT_BINARY.items():
    register(f"arith.{_name}")(lambda op, planner, fn=_fn: fn)
register("arith.negf")(lambda op, planner: operator.neg)


@register("arith.select")
def _select(op, planner):
    def select(cond, a, b):
        if is_array(cond):
            return np.where(cond, a, b)
        return a if cond else b

    return select


#: arith.cmpi predicates by number: eq, ne, slt, sle, sgt, sge, ult, ule, ugt, uge
_CMPI = [operator.eq, operator.ne, operator.lt, operator.le, operator.gt, operator.ge,
         operator.lt, operator.le, operator.gt, operator.ge]


@register("arith.cmpi")
def _cmpi(op, planner):
    predicate = op.predicate.value.data
    cmp = _CMPI[predicate]
    if predicate < 6:
        return cmp
    width = int_width(op.lhs.type)
    return lambda a, b: cmp(unsigned(a, width), unsigned(b, width))


def _isnan(x):
    return np.isnan(x) if is_array(x) else math.isnan(x)


def _ordered(cmp):
    def run(a, b):
        if is_array(a) or is_array(b):
            return ~(np.isnan(a) | np.isnan(b)) & cmp(a, b)
        return not (math.isnan(a) or math.isnan(b)) and cmp(a, b)

    return run


def _unordered(cmp):
    def run(a, b):
        if is_array(a) or is_array(b):
            return np.isnan(a) | np.isnan(b) | cmp(a, b)
        return math.isnan(a) or math.isnan(b) or cmp(a, b)

    return run


def _constant(value: bool):
    return lambda a, b: np.full(np.broadcast(a, b).shape, value) if is_array(a) or is_array(b) else value


#: arith.cmpf predicates by number: false, oeq, ogt, oge, olt, ole, one, ord,
#: ueq, ugt, uge, ult, ule, une, uno, true
_CMPF = [_constant(False), _ordered(operator.eq), _ordered(operator.gt), _ordered(operator.ge),
         _ordered(operator.lt), _ordered(operator.le), _ordered(operator.ne),
         _ordered(lambda a, b: True if not is_array(a) and not is_array(b) else np.True_),
         _unordered(operator.eq), _unordered(operator.gt), _unordered(operator.ge),
         _unordered(operator.lt), _unordered(operator.le), _unordered(operator.ne),
         lambda a, b: _isnan(a) | _isnan(b) if is_array(a) or is_array(b) else math.isnan(a) or math.isnan(b),
         _constant(True)]


@register("arith.cmpf")
def _cmpf(op, planner):
    return _CMPF[op.predicate.value.data]


# ---- casts: prepare(in type, out type) -> fn; arrays are converted with astype/view ----

def _float_scalar(out_type) -> Callable:
    dtype = np_dtype(out_type)
    if dtype == np.float64:
        return float
    return lambda x: float(dtype.type(x))  # round to the narrower format


def _cast(scalar_of: Callable[[Any, Any], Callable]):
    def prepare(op, planner):
        in_type, out_type = op.operands[0].type, op.results[0].type
        scalar, dtype = scalar_of(in_type, out_type), np_dtype(out_type)

        def cast(x):
            if is_array(x):
                return np.asarray(x).astype(dtype)[()]
            return scalar(x)

        return cast

    return prepare


def _to_int(in_type, out_type):
    width = int_width(out_type)
    return lambda x: wrap(int(x), width)


def _fptosi(in_type, out_type):
    width = int_width(out_type)
    return lambda x: wrap(int(math.trunc(x)), width)


register("arith.sitofp")(_cast(lambda i, o: (lambda f: lambda x: f(int(x)))(_float_scalar(o))))
register("arith.uitofp")(_cast(lambda i, o: (lambda f, w: lambda x: f(unsigned(x, w)))(_float_scalar(o), int_width(i))))
register("arith.fptosi", "arith.fptoui")(_cast(_fptosi))
register("arith.extf", "arith.truncf")(_cast(lambda i, o: _float_scalar(o)))
register("arith.extsi", "arith.trunci", "arith.index_cast")(_cast(_to_int))


@register("arith.extui")
def _extui(op, planner):
    width, dtype = int_width(op.operands[0].type), np_dtype(op.results[0].type)

    def extui(x):
        if is_array(x):
            return unsigned(x, width).astype(dtype)[()]
        return unsigned(x, width)

    return extui


@register("arith.bitcast")
def _bitcast(op, planner):
    src, dst = np_dtype(op.operands[0].type), np_dtype(op.results[0].type)

    def bitcast(x):
        if is_array(x) and np.ndim(x):
            return np.asarray(x).astype(src, copy=False).view(dst)
        return np.asarray(x, dtype=src).view(dst).item()

    return bitcast
