"""Shape functions of elementwise ops: arithmetic, comparisons, math, activations, in-place ops.

Results broadcast their tensor operands; the dtype follows torch.result_type (a Python
scalar is a wrapped number), comparisons give bool, and transcendental functions turn
integer inputs into the default float dtype.
"""
from __future__ import annotations

from typing import Any

from tsjit.dialects.ts.shape_functions import (
    BOOL,
    INT64,
    T,
    Unknown,
    broadcast,
    dims,
    dtype_arg,
    float_of,
    promote,
)
from tsjit.ops import REGISTRY as TENSOR_OPS


def _shape(*args: Any) -> tuple[int, ...]:
    return broadcast(*(dims(a) for a in args if isinstance(a, T)))


def _binary(a: T, b: Any, alpha: Any = None) -> T:
    return T(_shape(a, b), promote(a, b))


def _div(a: T, b: Any) -> T:
    return T(_shape(a, b), float_of(promote(a, b)))


def _float_binary(a: T, b: Any) -> T:
    return T(_shape(a, b), float_of(promote(a, b)))


def _compare(a: T, b: Any) -> T:
    return T(_shape(a, b), BOOL)


def _logical(a: T, b: T) -> T:
    return T(_shape(a, b), BOOL)


def _where(cond: T, a: T, b: Any) -> T:
    return T(_shape(cond, a, b), promote(a, b))


def _masked_fill(a: T, mask: T, value: Any) -> T:
    return T(_shape(a, mask), a.dtype)


def _clamp(a: T, lo: Any, hi: Any) -> T:
    return T(dims(a), promote(a, lo, hi))


def _lerp(a: T, end: T, weight: Any) -> T:
    return T(_shape(a, end), promote(a, end))


def _same(a: T, *rest: Any) -> T:
    return T(dims(a), a.dtype)


def _to_float(a: T, *rest: Any) -> T:
    return T(dims(a), float_of(a.dtype))


def _bool(a: T) -> T:
    return T(dims(a), BOOL)


def _softmax(a: T, dim: Any, dtype: Any) -> T:
    return T(dims(a), dtype_arg(dtype, float_of(a.dtype)))


def _cumsum(a: T, dim: Any, dtype: Any) -> T:
    """Integer and bool inputs accumulate in int64, as torch.cumsum does."""
    default = None if a.dtype is None else (a.dtype if a.dtype.kind == "f" else INT64)
    return T(dims(a), dtype_arg(dtype, default))


def _inplace(a: T, *rest: Any) -> T:
    """In-place ops return their first operand, whose type does not change."""
    return a


_KEEP_DTYPE = ("neg", "abs", "floor", "ceil", "round", "trunc", "sign", "bitwise_not", "relu", "relu6",
               "hardtanh", "leaky_relu", "threshold", "prelu", "contiguous", "clone", "detach", "flip",
               "dropout", "rand_like", "randn_like")
_FLOAT = ("exp", "log", "log2", "log1p", "expm1", "sqrt", "rsqrt", "sin", "cos", "tan", "tanh", "erf",
          "reciprocal", "sigmoid", "silu", "mish", "hardsigmoid", "hardswish", "softsign", "tanhshrink",
          "gelu", "elu", "softplus")

SHAPE_FUNCTIONS = {
    **{name: _binary for name in ("add", "sub", "rsub", "mul", "floor_divide", "remainder", "pow", "maximum",
                                  "minimum", "bitwise_and", "bitwise_or")},
    "div": _div,
    "atan2": _float_binary,
    "logical_and": _logical,
    "logical_or": _logical,
    "where": _where,
    "masked_fill": _masked_fill,
    "clamp": _clamp,
    "lerp": _lerp,
    **{name: _compare for name in ("eq", "ne", "lt", "le", "gt", "ge")},
    "isnan": _bool,
    "logical_not": _bool,
    **{name: _same for name in _KEEP_DTYPE},
    **{name: _to_float for name in _FLOAT},
    "softmax": _softmax,
    "log_softmax": _softmax,
    "cumsum": _cumsum,
    **{name: _inplace for name in TENSOR_OPS if name.endswith("_") and name != "index_put_"},
    "index_put_": _inplace,
}

__all__ = ["SHAPE_FUNCTIONS", "Unknown"]
