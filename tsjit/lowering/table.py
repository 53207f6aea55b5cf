"""The table of ts → linalg lowerings, and what a lowering function is given.

A lowering is `fn(op, lower) -> results`: it builds ops at `lower.builder` (before `op`) from
the op's operands as builtin tensors (`lower.tensor(i)`) and constant scalars
(`lower.constant(i)`), and returns one builtin-tensor value per result of `op` (types from
`lower.result_type(j)`). It raises NotLowerable (with a reason) to leave the op as it is. Each
op's definition (tsjit/ops) names its lowering: a Pointwise body (elementwise.py builds it) or a
function `family.name` of tsjit/lowering/<family>.py; `ts.constant` lowers by constants.py.
"""
from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Sequence
from typing import Any

from xdsl.builder import Builder
from xdsl.dialects import tensor
from xdsl.dialects.builtin import TensorType as BuiltinTensorType
from xdsl.dialects.builtin import UnrealizedConversionCastOp
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.rewriter import InsertPoint

from tsjit.dialects.ts.folding import NotConstant, constant_of
from tsjit.dialects.ts.types import TensorType

Lowering = Callable[[Operation, "Lower"], Sequence[SSAValue]]


class NotLowerable(Exception):
    """The op (as it is here: shapes, non-constant operands, ...) has no lowering; says why."""


@functools.cache
def lowerings() -> dict[str, Lowering]:
    """op name -> lowering, from the op definitions (loaded once: the registry does not change)."""
    from tsjit.lowering.constants import lower_constant
    from tsjit.lowering.elementwise import lower_pointwise
    from tsjit.ops import REGISTRY, Pointwise

    table: dict[str, Lowering] = {"ts.constant": lower_constant}
    for defn in REGISTRY.values():
        if isinstance(defn.lower, Pointwise):
            table[defn.op_name] = functools.partial(lower_pointwise, defn.lower)
        elif isinstance(defn.lower, str):
            module, function = defn.lower.rsplit(".", 1)
            table[defn.op_name] = getattr(importlib.import_module(f"tsjit.lowering.{module}"), function)
    return table


def builtin_type(t: Attribute) -> BuiltinTensorType:
    """`!ts.tensor<[2,3], f32>` -> `tensor<2x3xf32>`; NotLowerable unless the shape and dtype are known."""
    if not isinstance(t, TensorType) or not t.has_static_shape or t.element_type is None:
        raise NotLowerable(f"needs a static shape and dtype, not {t}")
    return BuiltinTensorType(t.element_type, list(t.sizes))


class Lower:
    """What a lowering sees of the op it lowers (see the module docstring)."""

    def __init__(self, op: Operation, mapping: dict[SSAValue, SSAValue]):
        self.op, self.mapping = op, mapping
        self.builder = Builder(InsertPoint.before(op))

    def tensor(self, i: int) -> SSAValue:
        """Operand i as a builtin tensor value."""
        v = self.op.operands[i]
        if v in self.mapping:
            return self.mapping[v]
        cast = self.builder.insert(UnrealizedConversionCastOp.get([v], [builtin_type(v.type)]))
        return cast.results[0]

    def constant(self, i: int) -> Any:
        """Operand i's compile-time value (ints, floats, bools, lists, None)."""
        try:
            return constant_of(self.op.operands[i])
        except NotConstant:
            raise NotLowerable(f"operand {i} must be a constant") from None

    def result_type(self, j: int = 0) -> BuiltinTensorType:
        return builtin_type(self.op.results[j].type)

    def empty(self, t: BuiltinTensorType) -> SSAValue:
        """A `tensor.empty` of type t (the `outs` of a linalg op)."""
        return self.builder.insert(tensor.EmptyOp([], t)).results[0]

    def insert(self, op: Operation) -> Operation:
        return self.builder.insert(op)
