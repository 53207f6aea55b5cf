"""Appending ts ops to the block being compiled, with result types from the op schemas."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xdsl.dialects.builtin import ArrayAttr, IntAttr, StringAttr
from xdsl.ir import Attribute, Block, Operation, SSAValue

from tsjit.dialects.ts import OPS_BY_NAME
from tsjit.dialects.ts.constant import ConstantOp
from tsjit.dialects.ts.misc_ops import UninitializedOp
from tsjit.dialects.ts.schema import RESULT_TYPES
from tsjit.dialects.ts.types import (
    NoneType,
)

class IRBuilder:
    """Appends ops at the end of the current block; compilers swap `block` to build regions."""

    def __init__(self, block: Block):
        self.block = block
        self.location: Any = None  # set by the compiler to the node being compiled

    def add(self, op: Operation) -> Operation:
        if self.location is not None:
            op.attributes["loc"] = StringAttr(self.location)
        self.block.add_op(op)
        return op

    def op(self, name: str, operands: Sequence[SSAValue], result_types: Sequence[Attribute] | None = None,
           **properties: Attribute) -> Operation:
        """`ts.<name>`; schema ops get their result types from the schema."""
        cls = OPS_BY_NAME[f"ts.{name}"]
        if result_types is None:
            schema = getattr(cls, "SCHEMA", None)
            result_types = [RESULT_TYPES[r.kind] for r in schema.results] if schema else []
        return self.add(cls.create(operands=list(operands), result_types=list(result_types),
                                   properties=properties))

    def value(self, name: str, *operands: SSAValue, type: Attribute | None = None) -> SSAValue:
        """The single result of `ts.<name>`."""
        return self.op(name, operands, None if type is None else [type]).results[0]

    def const(self, value: Any, type: Attribute | None = None) -> SSAValue:
        return self.add(ConstantOp.of(value, type)).results[0]

    def none(self) -> SSAValue:
        return self.const(None, NoneType())

    def uninitialized(self, type: Attribute) -> SSAValue:
        return self.add(UninitializedOp.create(result_types=[type])).results[0]


def int_list_attr(values: Sequence[int]) -> ArrayAttr:
    return ArrayAttr([IntAttr(v) for v in values])
