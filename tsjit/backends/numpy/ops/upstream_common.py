"""Shared helpers of the upstream-dialect op families: element types, integer widths, affine maps.

Run-time values at the upstream levels: a `tensor` or `memref` is an ndarray of the element
type (a memref is written in place, a tensor never), `index` and integers are Python ints
(wrapped to their width by the arith ops), floats are Python floats, `i1` is a bool.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    BFloat16Type,
    Float16Type,
    Float32Type,
    Float64Type,
    IndexType,
    IntegerType,
    Signedness,
)
from xdsl.ir import Attribute
from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
    AffineMap,
    AffineSymExpr,
)

from tsjit.dtypes import numpy_named
from tsjit.dtypes import is_float as is_float_np

_FLOATS = {Float16Type: np.float16, Float32Type: np.float32, Float64Type: np.float64, BFloat16Type: "bfloat16"}


def element_type(t: Attribute) -> Attribute:
    """The element type of a shaped type, else the type itself."""
    return getattr(t, "element_type", t)


def np_dtype(t: Attribute) -> np.dtype:
    """The numpy dtype holding values of the (element) type `t`."""
    t = element_type(t)
    for cls, dt in _FLOATS.items():
        if isinstance(t, cls):
            return numpy_named(dt) if isinstance(dt, str) else np.dtype(dt)
    if isinstance(t, IndexType):
        return np.dtype(np.int64)
    if isinstance(t, IntegerType):
        width = t.width.data
        if width == 1:
            return np.dtype(np.bool_)
        unsigned = t.signedness.data == Signedness.UNSIGNED
        return np.dtype(f"{'u' if unsigned else ''}int{max(8, 1 << (width - 1).bit_length())}")
    raise ValueError(f"no numpy dtype for {t}")


def int_width(t: Attribute) -> int | None:
    """The bit width of an integer or index (element) type (index: 64), None for other types."""
    t = element_type(t)
    if isinstance(t, IndexType):
        return 64
    if isinstance(t, IntegerType):
        return t.width.data
    return None


def is_float(t: Attribute) -> bool:
    return isinstance(element_type(t), tuple(_FLOATS))


def shape_of(t: Attribute) -> tuple[int, ...]:
    return tuple(t.get_shape())


def is_array(value: Any) -> bool:
    """ndarrays and numpy scalars take the numpy path of an op; Python numbers the scalar one."""
    return isinstance(value, np.ndarray | np.generic)


def wrap(value: int, width: int) -> int | bool:
    """A Python int as the signed two's-complement value of `width` bits (i1: a bool)."""
    if width == 1:
        return bool(value & 1)
    half = 1 << (width - 1)
    return ((value + half) & ((half << 1) - 1)) - half


def unsigned(value: Any, width: int) -> Any:
    """The unsigned reading of a signed integer value of `width` bits (arrays: a uint view)."""
    if is_array(value):
        value = np.asarray(value)
        return value if value.dtype.kind in "ub" else value.view(f"uint{value.dtype.itemsize * 8}")
    return int(value) & ((1 << width) - 1)


def static_ints(attr: Any) -> list[int]:
    """The integers of a DenseArray/ArrayAttr/DenseIntElements attribute."""
    if hasattr(attr, "get_values"):
        return [int(v) for v in attr.get_values()]
    return [int(getattr(v, "data", getattr(getattr(v, "value", None), "data", v))) for v in attr.data]


def eval_expr(expr: AffineExpr, dims: list, symbols: list) -> Any:
    """Evaluate an affine expression; dims/symbols may be ints or integer index arrays."""
    if isinstance(expr, AffineDimExpr):
        return dims[expr.position]
    if isinstance(expr, AffineSymExpr):
        return symbols[expr.position]
    if isinstance(expr, AffineConstantExpr):
        return expr.value
    assert isinstance(expr, AffineBinaryOpExpr)
    a, b = eval_expr(expr.lhs, dims, symbols), eval_expr(expr.rhs, dims, symbols)
    kind = expr.kind
    if kind == AffineBinaryOpKind.Add:
        return a + b
    if kind == AffineBinaryOpKind.Mul:
        return a * b
    if kind == AffineBinaryOpKind.Mod:
        return a % b
    if kind == AffineBinaryOpKind.FloorDiv:
        return a // b
    return -((-a) // b)  # CeilDiv


def eval_map(amap: AffineMap, operands: list) -> list:
    """The results of `amap` applied to operands (its dims first, then its symbols)."""
    dims, symbols = list(operands[:amap.num_dims]), list(operands[amap.num_dims:])
    return [eval_expr(e, dims, symbols) for e in amap.results]


def uninitialized(shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """A fresh buffer (tensor.empty, memref.alloc): floats are NaN, so reading an element that
    was never written shows up in results instead of passing silently as zero."""
    if is_float_np(dtype) or dtype.kind == "c":
        return np.full(shape, np.nan, dtype=dtype)
    return np.zeros(shape, dtype=dtype)


def sized_shape(t: Attribute, dynamic_sizes: tuple) -> tuple[int, ...]:
    """The static shape of `t` with its dynamic dims taken, in order, from `dynamic_sizes`."""
    sizes = iter(dynamic_sizes)
    return tuple(int(next(sizes)) if d == DYNAMIC_INDEX else d for d in t.get_shape())


def slicer(op) -> Any:
    """For extract_slice/insert_slice/subview: fn(*dynamic offsets, sizes, strides) -> the
    numpy index of the slice. Rank-reduced unit dims (absent from the sliced type) are indexed
    with an integer, so they disappear from the view."""
    statics = [static_ints(op.static_offsets), static_ints(op.static_sizes), static_ints(op.static_strides)]
    counts = [len(op.offsets), len(op.sizes), len(op.strides)]
    small = op.source.type if op.name == "tensor.insert_slice" else op.result.type
    reduced = list(small.get_shape())

    def index(*dynamic: int) -> tuple:
        values, rest = [], list(dynamic)
        for static, n in zip(statics, counts):
            given, rest = iter(rest[:n]), rest[n:]
            values.append([int(next(given)) if v == DYNAMIC_INDEX else v for v in static])
        offsets, sizes, strides = values
        j, result = 0, []
        for o, s, st in zip(offsets, sizes, strides):
            if j < len(reduced) and (reduced[j] == s or reduced[j] == DYNAMIC_INDEX):
                result.append(slice(o, o + (s - 1) * st + 1, st) if s else slice(o, o))
                j += 1
            else:
                result.append(o)
        return tuple(result)

    return index
