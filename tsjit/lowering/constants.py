"""`ts.constant` of a tensor → `arith.constant dense<...> : tensor<...>`.

The dense value carries its own builtin tensor type (the ts result type may be less precise,
`... as !ts.tensor`), so the lowered constant takes the value's type. Scalar constants stay:
lowered ops read them at compile time (`lower.constant(i)`).
"""
from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects import arith
from xdsl.dialects.builtin import DenseIntOrFPElementsAttr
from xdsl.ir import Operation, SSAValue

from tsjit.lowering.elementwise import check_dtype
from tsjit.lowering.table import Lower, NotLowerable


def lower_constant(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    value = op.properties["value"]
    if not isinstance(value, DenseIntOrFPElementsAttr):
        raise NotLowerable("only dense tensor constants are lowered (blobs and scalars stay)")
    check_dtype(value.get_element_type())
    return [lower.insert(arith.ConstantOp(value)).results[0]]
