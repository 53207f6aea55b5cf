"""Ops on Python scalars with Python's semantics: `ts.scalar.*` (int/float/bool), `ts.math.*`, `ts.str.*`.

Integer division and modulo follow Python (`-7 // 2 == -4`, `-7 % 3 == 2`), as TorchScript does.
All are Pure and fold when their operands are constants.
"""
from __future__ import annotations

import math
import operator
from collections.abc import Callable

from xdsl.ir import Operation
from xdsl.irdl import IRDLOperation
from xdsl.utils.exceptions import VerifyException

from tsjit.dialects.ts.schema import schema_op
from tsjit.dialects.ts.string_ops import STRING_OP_CLASSES, _find, _on_bytes, getitem, split
from tsjit.dialects.ts.types import FloatType, IntType, NumberType


def _promoted(op: Operation) -> None:
    """int op int -> int; anything with a float -> float; unknown `number` -> number."""
    kinds = [type(v.type) for v in op.operands]
    expected = NumberType if NumberType in kinds else FloatType if FloatType in kinds else IntType
    res = type(op.results[0].type)
    if res is not expected and not (res is NumberType):
        raise VerifyException(f"result must be !{expected().name}, got {op.results[0].type}")


def _fold(fn: Callable) -> Callable:
    return lambda op, *args: fn(*args)


_NUM2 = "(Scalar a, Scalar b) -> Scalar"


def int64(value):
    """TorchScript's int is 64-bit: an int result wraps around as in C (3 * 2**62 * 4 == 0)."""
    if type(value) is int and not -(1 << 63) <= value < (1 << 63):
        return (value + (1 << 63)) % (1 << 64) - (1 << 63)
    return value


def _pow(a, b):
    """ts.scalar.pow: int ** int (b >= 0) is an int, wrapping at 64 bits (computed modulo 2**64,
    so a huge exponent costs nothing); anything else is scalar_pow's float. `script` makes `**`
    on numbers a float pow, as TorchScript does; IR may still say int ** int -> int."""
    if type(a) is int and type(b) is int and b >= 0:
        return int64(pow(a, b, 1 << 64))
    return scalar_pow(a, b)


def scalar_pow(a, b) -> float:
    """aten::pow.int / pow.float: a float computed in double precision, as C's pow gives it (nan
    for a negative base and a fractional exponent, inf on overflow), never a Python complex or a
    huge exact int."""
    if a == 0 and b < 0:
        raise ZeroDivisionError("0.0 cannot be raised to a negative power")  # Python's and TorchScript's error
    try:
        return math.pow(a, b)
    except ValueError:
        return math.nan
    except OverflowError:
        return -math.inf if a < 0 and float(b).is_integer() and int(b) % 2 else math.inf
_CMP2 = "(Scalar a, Scalar b) -> bool"
_MATH1 = "(Scalar a) -> float"

#: name -> (schema, python function used for folding, extra verifier)
SCALAR_OPS: dict[str, tuple] = {
    "scalar.add": (_NUM2, operator.add, _promoted),
    "scalar.sub": (_NUM2, operator.sub, _promoted),
    "scalar.mul": (_NUM2, operator.mul, _promoted),
    "scalar.floordiv": (_NUM2, operator.floordiv, _promoted),
    "scalar.mod": (_NUM2, operator.mod, _promoted),
    "scalar.pow": (_NUM2, lambda a, b: _pow(a, b), None),
    "scalar.min": (_NUM2, min, _promoted),
    "scalar.max": (_NUM2, max, _promoted),
    "scalar.div": ("(Scalar a, Scalar b) -> float", operator.truediv, None),
    "scalar.neg": ("(Scalar a) -> Scalar", operator.neg, _promoted),
    "scalar.abs": ("(Scalar a) -> Scalar", abs, _promoted),
    "scalar.eq": (_CMP2, operator.eq, None),
    "scalar.ne": (_CMP2, operator.ne, None),
    "scalar.lt": (_CMP2, operator.lt, None),
    "scalar.le": (_CMP2, operator.le, None),
    "scalar.gt": (_CMP2, operator.gt, None),
    "scalar.ge": (_CMP2, operator.ge, None),
    "scalar.not": ("(bool a) -> bool", operator.not_, None),
    "scalar.and": ("(bool a, bool b) -> bool", operator.and_, None),
    "scalar.or": ("(bool a, bool b) -> bool", operator.or_, None),
    "scalar.int": ("(Scalar a) -> int", int, None),
    "scalar.float": ("(Scalar a) -> float", float, None),
    "scalar.bool": ("(Scalar a) -> bool", bool, None),
    "scalar.round": ("(float a) -> float", lambda a: float(round(a)), None),  # half to even, a float
    "math.sqrt": (_MATH1, math.sqrt, None),
    "math.exp": (_MATH1, math.exp, None),
    "math.log": (_MATH1, math.log, None),
    "math.log10": (_MATH1, math.log10, None),
    "math.sin": (_MATH1, math.sin, None),
    "math.cos": (_MATH1, math.cos, None),
    "math.tanh": (_MATH1, math.tanh, None),
    "math.fabs": (_MATH1, math.fabs, None),
    "math.floor": ("(Scalar a) -> int", math.floor, None),
    "math.ceil": ("(Scalar a) -> int", math.ceil, None),
    "math.isnan": ("(Scalar a) -> bool", math.isnan, None),
    "math.isinf": ("(Scalar a) -> bool", math.isinf, None),
    "math.pow": ("(Scalar a, Scalar b) -> float", math.pow, None),
    **{f"math.{n}": (_MATH1, getattr(math, n), None)
       for n in ("tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "erf", "erfc", "expm1",
                 "log1p", "log2", "gamma", "lgamma", "degrees", "radians")},
    **{f"math.{n}": ("(Scalar a, Scalar b) -> float", getattr(math, n), None)
       for n in ("atan2", "copysign", "fmod", "hypot", "remainder")},
    "math.ldexp": ("(float x, int i) -> float", math.ldexp, None),
    "math.factorial": ("(int a) -> int", math.factorial, None),
    "math.gcd": ("(int a, int b) -> int", math.gcd, None),
    "math.trunc": ("(Scalar a) -> int", math.trunc, None),
    "math.isfinite": ("(Scalar a) -> bool", math.isfinite, None),
    # int bit operations (`a ^ b`, `a << 2`, `~a`)
    "scalar.bitand": ("(int a, int b) -> int", operator.and_, None),
    "scalar.bitor": ("(int a, int b) -> int", operator.or_, None),
    "scalar.bitxor": ("(int a, int b) -> int", operator.xor, None),
    "scalar.lshift": ("(int a, int b) -> int", operator.lshift, None),
    "scalar.rshift": ("(int a, int b) -> int", operator.rshift, None),
    "scalar.invert": ("(int a) -> int", operator.invert, None),
    "scalar.round_digits": ("(float a, int digits) -> float", round, None),
    "str.hex": ("(int a) -> str", hex, None),
    "str.oct": ("(int a) -> str", oct, None),
    "str.bin": ("(int a) -> str", bin, None),
    "str.ord": ("(str s) -> int", ord, None),
    "str.chr": ("(int a) -> str", chr, None),
    # == and != of lists, tuples, dicts and devices (aten::eq.int_list, eq.device, ...)
    "value.eq": ("(Any a, Any b) -> bool", operator.eq, None),
    "value.ne": ("(Any a, Any b) -> bool", operator.ne, None),
    "str.concat": ("(str a, str b) -> str", operator.add, None),
    "str.eq": ("(str a, str b) -> bool", operator.eq, None),
    "str.ne": ("(str a, str b) -> bool", operator.ne, None),
    "str.lower": ("(str s) -> str", _on_bytes(bytes.lower), None),  # ASCII only, as in C
    "str.upper": ("(str s) -> str", _on_bytes(bytes.upper), None),
    "str.strip": ("(str s) -> str", _on_bytes(lambda b: b.strip(b" \n\t\f\v")), None),
    "str.startswith": ("(str s, str prefix) -> bool", str.startswith, None),
    "str.endswith": ("(str s, str suffix) -> bool", str.endswith, None),
    "str.replace": ("(str s, str old, str new) -> str", str.replace, None),
    "str.find": ("(str s, str sub) -> int", lambda s, sub: _find(s, sub, 0, -1), None),  # bytes
    "str.split": ("(str s, str? sep) -> str[]", split, None),
    "str.join": ("(str sep, str[] items) -> str", str.join, None),
    "str.from_int": ("(int a) -> str", str, None),
    "str.getitem": ("(str s, int index) -> str", getitem, None),  # one byte
}


def _wrapping(fn: Callable) -> Callable:
    return lambda *args: int64(fn(*args))


# every scalar op computes in Python; its int results wrap (folding and the numpy backend use these)
SCALAR_OPS = {name: (schema, _wrapping(fn) if fn is not None else None, verify)
              for name, (schema, fn, verify) in SCALAR_OPS.items()}


def _make(name: str, row: tuple) -> type[IRDLOperation]:
    schema, fn, verify = row
    return schema_op(name, schema, verify=verify, fold=_fold(fn) if fn is not None else None)


SCALAR_OP_CLASSES: dict[str, type[IRDLOperation]] = {name: _make(name, row) for name, row in SCALAR_OPS.items()}
SCALAR_OP_CLASSES.update(STRING_OP_CLASSES)  # TorchScript's str methods, string_ops.py
globals().update({cls.__name__: cls for cls in SCALAR_OP_CLASSES.values()})
