"""The table of ts → linalg lowerings, and what a lowering function is given.

A lowering is `fn(op, lower) -> results`: it builds ops at `lower.builder` (before `op`) from
the op's operands as builtin tensors (`lower.tensor(i)`), constant scalars (`lower.constant(i)`)
or run-time scalars (`lower.scalar(i)`: i64/f64/i1 values, inside control flow), and returns one
builtin value per result of `op` (types from `lower.result_type(j)`). It raises NotLowerable
(with a reason) to leave the op as it is. Each op's definition (tsjit/ops) names its lowering: a
Pointwise body (elementwise.py builds it) or a function `family.name` of
tsjit/lowering/<family>.py; `ts.constant` lowers by constants.py, the control flow (`ts.loop`,
`ts.if`) and tensor-to-scalar conversions by control_flow.py.
"""
from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Sequence
from typing import Any

from xdsl.builder import Builder
from xdsl.dialects import tensor
from xdsl.dialects.builtin import TensorType as BuiltinTensorType
from xdsl.dialects.builtin import ComplexType, ModuleOp, StringAttr, UnrealizedConversionCastOp
from xdsl.ir import Attribute, Block, Operation, SSAValue
from xdsl.rewriter import InsertPoint, Rewriter

from tsjit.dialects.ts.folding import NotConstant, constant_of
from tsjit.dialects.ts.types import TensorType

Lowering = Callable[[Operation, "Lower"], Sequence[SSAValue]]


class NotLowerable(Exception):
    """The op (as it is here: shapes, non-constant operands, ...) has no lowering; says why."""


@functools.cache
def lowerings() -> dict[str, Lowering]:
    """op name -> lowering, from the op definitions (loaded once: the registry does not change)."""
    from tsjit.lowering.constants import lower_constant
    from tsjit.lowering.control_flow import TOP_LEVEL
    from tsjit.lowering.elementwise import lower_pointwise
    from tsjit.ops import REGISTRY, Pointwise

    table: dict[str, Lowering] = {"ts.constant": lower_constant}
    for defn in REGISTRY.values():
        if isinstance(defn.lower, Pointwise):
            table[defn.op_name] = functools.partial(lower_pointwise, defn.lower)
        elif isinstance(defn.lower, str):
            module, function = defn.lower.rsplit(".", 1)
            table[defn.op_name] = getattr(importlib.import_module(f"tsjit.lowering.{module}"), function)
    table.update(TOP_LEVEL)
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

    def scalar(self, i: int) -> SSAValue:
        """Operand i as a builtin scalar (i64, f64 or i1): its lowered value, or a constant's."""
        from tsjit.lowering.control_flow import scalar_value

        return scalar_value(self.op.operands[i], self.mapping, self.builder)

    def value(self, v: SSAValue) -> SSAValue:
        """Any ts value as its builtin counterpart (a tensor or a scalar)."""
        from tsjit.lowering.control_flow import scalar_value

        if isinstance(v.type, TensorType):
            if v in self.mapping:
                return self.mapping[v]
            return self.builder.insert(UnrealizedConversionCastOp.get([v], [builtin_type(v.type)])).results[0]
        return scalar_value(v, self.mapping, self.builder)

    def result_type(self, j: int = 0) -> BuiltinTensorType:
        return builtin_type(self.op.results[j].type)

    def empty(self, t: BuiltinTensorType) -> SSAValue:
        """A `tensor.empty` of type t (the `outs` of a linalg op)."""
        return self.builder.insert(tensor.EmptyOp([], t)).results[0]

    def insert(self, op: Operation) -> Operation:
        return self.builder.insert(op)


# -- applying the table to a block -------------------------------------------------------------
#: The attribute ts-to-linalg leaves on a tensor op it did not lower, saying why: later stages and
#: tools read it to name the op that kept a function from lowering whole.
NOT_LOWERED = "ts.not_lowered"


def unlowered(module: ModuleOp) -> list[tuple[str, str, str]]:
    """(op name, location, reason) of every op ts-to-linalg left at the ts level, in module order."""
    return [(_name(op), _loc(op), op.attributes[NOT_LOWERED].data) for op in module.walk()
            if NOT_LOWERED in op.attributes]


def _is_complex(t: Attribute) -> bool:
    return isinstance(t, TensorType) and isinstance(t.element_type, ComplexType)


def why_unlowered(name: str) -> str:
    """An op without a lowering: its definition's reason to run on numpy, when it gives one."""
    from tsjit.ops.registry import REGISTRY

    defn = REGISTRY.get(name.removeprefix("ts."))
    reason = getattr(defn, "numpy_only", None)
    return reason.split(":")[0].split(" (")[0] if isinstance(reason, str) and reason else "no lowering"


def lower_block(block: Block, mapping: dict[SSAValue, SSAValue], table: dict) -> list[tuple[str, str, str]]:
    """Lower the ops of `block` in order through `table` (a function body, or the body of a
    `ts.loop`/`ts.if` being lowered: tsjit/lowering/control_flow.py); `mapping` takes each ts
    value that has a builtin counterpart to it. Returns what was not lowered and why."""
    remaining = []
    for op in list(block.ops):
        if isinstance(op, UnrealizedConversionCastOp):
            continue
        lowering = table.get(op.name)
        if lowering is None:
            if op.name.startswith("ts.") and (any(isinstance(r.type, TensorType) for r in op.results) or op.regions):
                remaining.append(_leave(op, why_unlowered(op.name)))
            continue
        if any(_is_complex(v.type) for v in (*op.operands, *op.results)):
            remaining.append(_leave(op, "complex values, which C holds only as real pairs (ts-complex-to-real has "
                                        "no rule for some op of this function)"))
            continue
        try:
            new_values = list(lowering(op, Lower(op, mapping)))
        except NotLowerable as e:
            if op.name.startswith("ts.") and (any(isinstance(r.type, TensorType) for r in op.results) or op.regions):
                remaining.append(_leave(op, str(e)))  # scalar constants staying is no news
            continue
        for old, new in zip(op.results, new_values, strict=True):
            if old.uses:
                cast = UnrealizedConversionCastOp.get([new], [old.type])
                Rewriter.insert_op(cast, InsertPoint.before(op))
                old.replace_all_uses_with(cast.results[0])
                mapping[cast.results[0]] = new
        Rewriter.erase_op(op)
    for op in reversed(list(block.ops)):  # tensor lists whose users (cat, stack) were lowered
        if op.name == "ts.list.construct" and not op.results[0].uses:
            Rewriter.erase_op(op)
    return remaining


def _leave(op: Operation, why: str) -> tuple[str, str, str]:
    op.attributes[NOT_LOWERED] = StringAttr(why)
    return _name(op), _loc(op), why


def _name(op) -> str:
    """The op's name; for an imported ts.generic, with the node kind it stands for."""
    return f'{op.name} "{op.op_name.data}"' if op.name == "ts.generic" else op.name


def _loc(op) -> str:
    loc = op.attributes.get("loc")
    return loc.data if loc is not None else ""
