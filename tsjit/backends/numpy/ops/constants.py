"""`ts.constant` and `arith.constant`: Python values planned into the frame template.

Immutable values (scalars, strings, None, devices, tensors) are written once per plan; lists
are mutable, so each execution gets a fresh copy (the planner does that for non-immutable values).
"""
from __future__ import annotations

from typing import Any

from xdsl.dialects.builtin import DenseIntOrFPElementsAttr, IntegerAttr, IntegerType

from tsjit.backends.numpy.table import register_constant
from tsjit.dialects.ts.constant import DeviceAttr, dense_to_numpy, to_python


def _plain(value: Any) -> Any:
    """Devices are strings at run time (see tsjit.runtime)."""
    if isinstance(value, DeviceAttr):
        return value.data
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@register_constant("ts.constant")
def _ts_constant(op) -> Any:
    return _plain(to_python(op.value))


@register_constant("arith.constant")
def _arith_constant(op) -> Any:
    value = op.value
    if isinstance(value, DenseIntOrFPElementsAttr):
        return dense_to_numpy(value)
    if isinstance(value, IntegerAttr) and isinstance(value.type, IntegerType) and value.type.width.data == 1:
        return bool(value.value.data)
    return value.value.data
