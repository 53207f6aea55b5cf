"""Lowerings of tsjit/ops/creation.py (and empty_strided): tensors made from their operands' values.

The filled ones (zeros, ones, full, empty and their *_like forms, NumToTensor) are a `linalg.fill`
of the result type; empty's uninitialised memory is zeros, as its kernel gives. The computed ones
(arange, linspace, eye) are their kernel's result at compile time, a dense constant: their
operands are constants wherever the result's shape is static. canonicalize folds most of them
before this; these are the ones it leaves (made by a decomposition, or `fold=False`).
"""
from __future__ import annotations

import numpy as np
from xdsl.dialects import arith
from xdsl.dialects.builtin import DenseIntOrFPElementsAttr, f32, f64, i1, i64
from xdsl.dialects.linalg.ops import FillOp
from xdsl.ir import SSAValue

from tsjit.dialects.ts.constant import numpy_dtype
from tsjit.dtypes import is_float
from tsjit.lowering.elementwise import check_dtype
from tsjit.lowering.generic_builder import constant, convert
from tsjit.lowering.table import Lower, NotLowerable

#: op -> the operand holding the fill value, or the value itself
_FILL = {"ts.zeros": 0, "ts.ones": 1, "ts.empty": 0, "ts.empty_strided": 0, "ts.zeros_like": 0, "ts.ones_like": 1,
         "ts.empty_like": 0, "ts.full": ("operand", 1), "ts.full_like": ("operand", 1),
         "ts.num_to_tensor": ("operand", 0)}


def lower_fill(op, lower: Lower):
    out = lower.result_type()
    check_dtype(out.element_type)
    value = _FILL[op.name]
    if isinstance(value, tuple):
        value = _fill_value(lower, value[1], out.element_type)
    else:
        value = constant(lower.builder, value, out.element_type)
    return [lower.insert(FillOp([value], [lower.empty(out)], [out])).results[0]]


def _fill_value(lower: Lower, i: int, elt) -> SSAValue:
    """Operand i as a scalar of type elt: a constant checked as c10 checks it (out of the dtype's
    range the kernel raises), or a run-time value converted (bools anywhere, ints and floats into
    float32/64: a float64 beyond float32's range, which torch refuses, becomes inf here)."""
    from tsjit.ops.creation import checked_scalar

    try:
        value = lower.constant(i)
    except NotLowerable:
        v = lower.scalar(i)
        if not (v.type in (elt, i1) or v.type in (i64, f64) and elt in (f32, f64)):
            raise NotLowerable(f"a run-time {v.type} fill value that may not fit {elt}") from None
        return convert(lower.builder, v, elt)
    try:
        value = checked_scalar(value, numpy_dtype(elt)).item()
    except RuntimeError as e:
        raise NotLowerable(str(e)) from None
    return constant(lower.builder, value, elt)


def lower_computed(op, lower: Lower):
    """The kernel's result on the constant operands, as a dense constant of the result type."""
    from tsjit.ops import REGISTRY

    out = lower.result_type()
    check_dtype(out.element_type)
    operands = [lower.constant(i) for i in range(len(op.operands))]
    try:
        value = np.asarray(REGISTRY[op.name.removeprefix("ts.")].kernel(*operands))
    except (RuntimeError, ValueError, ArithmeticError) as e:
        raise NotLowerable(f"the kernel raises {e}") from None
    if value.shape != tuple(out.get_shape()) or value.dtype != numpy_dtype(out.element_type):
        raise NotLowerable(f"the kernel gives {value.dtype}{list(value.shape)}, not the result type {out}")
    data = [float(v) for v in value.flat] if is_float(value.dtype) else [int(v) for v in value.flat]
    dense = DenseIntOrFPElementsAttr.from_list(out, data)
    return [lower.insert(arith.ConstantOp(dense, out)).results[0]]
