"""Helpers of ts-bufferize (tsjit/passes/bufferize.py) for views: the reassociation that expands a
rank-reduced slice back to its unit dims, and slice offsets known only at run time; and the
module's constant globals."""
from __future__ import annotations

from xdsl.dialects import memref
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX, DenseArrayBase, DenseIntOrFPElementsAttr, MemRefType, ModuleOp, StringAttr, TensorType, UnitAttr,
)
from xdsl.ir import Operation
from xdsl.utils.exceptions import PassFailedException


def memref_of(t: TensorType) -> MemRefType:
    return MemRefType(t.element_type, t.get_shape())


def unit_groups(full: tuple[int, ...], reduced: tuple[int, ...]) -> list[list[int]]:
    """The reassociation expanding `reduced` back to `full`, which has extra unit dims."""
    groups: list[list[int]] = [[] for _ in reduced]
    i = 0
    for j, d in enumerate(full):
        remaining = len(full) - j
        if i < len(reduced) and d == reduced[i] and remaining >= len(reduced) - i:
            groups[i].append(j)
            i += 1
        else:  # an extra unit dim: joins the group before it (or the first)
            groups[max(i - 1, 0)].append(j)
    return groups


def static_only(op: Operation) -> None:
    if op.sizes or op.strides:
        raise PassFailedException(f"ts-bufferize: '{op.name}' with dynamic sizes or strides")


def mixed_offsets(static: DenseArrayBase, dynamic) -> list:
    """Static values with the dynamic ones (SSA values) in the DYNAMIC_INDEX places."""
    values = iter(dynamic)
    return [next(values) if v == DYNAMIC_INDEX else v for v in static.get_values()]


class ConstantGlobals:
    """Module-level constant globals, one per distinct dense constant."""

    def __init__(self, module: ModuleOp):
        self.module = module
        self.by_value: dict[DenseIntOrFPElementsAttr, memref.GlobalOp] = {}

    def get(self, value: DenseIntOrFPElementsAttr) -> memref.GlobalOp:
        if value not in self.by_value:
            name = f"__ts_constant_{len(self.by_value)}"
            g = memref.GlobalOp.get(StringAttr(name), memref_of(value.type), value,
                                    constant=UnitAttr())
            block = self.module.body.block
            if block.first_op is None:
                block.add_op(g)
            else:
                block.insert_op_before(g, block.first_op)
            self.by_value[value] = g
        return self.by_value[value]
