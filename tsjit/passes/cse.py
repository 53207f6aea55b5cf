"""`ts-cse`: common subexpression elimination that respects in-place mutation.

Why not xDSL's `cse`: it merges any two `Pure` ops with equal operands, but a pure tensor op
reads its tensor operands' *contents*, which in-place ops (`add_`, `relu_`, ...) change. Upstream
`cse` turns `a = relu(x); x.add_(1); b = relu(x)` into `b = a`, and merges two `zeros(3)` of
which one is later written in place. TorchScript's CSE skips nodes whose inputs or outputs have
writers (AliasDb); we do the same with a conservative alias analysis (`MutationInfo`): values
connected by any op that takes and gives mutable values (views, list.get of tensors, region
results, ...) are one alias class, and a class is written if any member is the operand of an
op that writes (or has unknown effects). Ops touching a written class are not merged.
Everything else is xDSL's CSE driver (scoping through regions, read-only ops merged when no
write lies between them).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.traits import (
    IsTerminator, MemoryAllocEffect, MemoryEffect, MemoryEffectKind, MemoryFreeEffect, MemoryReadEffect,
    MemoryWriteEffect, NoMemoryEffect, get_effects, is_side_effect_free,
)  # fmt: skip
from xdsl.transforms.common_subexpression_elimination import CSEDriver

from tsjit.dialects.ts.types import (
    BoolType,
    ClassType,
    DeviceType,
    DictType,
    FloatType,
    IntType,
    ListType,
    NoneType,
    NumberType,
    OptionalType,
    StrType,
    TensorType,
    TupleType,
    UnionType,
)

_IMMUTABLE = (IntType, FloatType, BoolType, NumberType, StrType, NoneType, DeviceType)
#: is_mutable_type by the type's class, where the class alone decides
_MUTABLE_BY_CLASS: dict[type, bool] = {**{t: False for t in _IMMUTABLE}, TensorType: True, ListType: True,
                                       DictType: True, ClassType: True}
#: the effect traits whose effects do not depend on the op (writes() remembers them by op class)
_STATIC_EFFECTS = (NoMemoryEffect, MemoryReadEffect, MemoryWriteEffect, MemoryAllocEffect, MemoryFreeEffect)
_WRITES_BY_CLASS: dict[type, bool] = {}

#: tensor ops whose result may share memory with an operand (views, and ops that may return
#: their input); every other side-effect-free tensor op makes a fresh tensor
ALIASING_TENSOR_OPS = {
    "view", "reshape", "flatten", "permute", "transpose", "t", "squeeze", "unsqueeze", "expand",
    "expand_as", "slice", "select", "narrow", "chunk", "split", "unbind", "contiguous", "detach",
    "to", "type_as", "index",
}


#: ops that write only into their first operand (the others are only read, or stored into it)
WRITES_INTO_FIRST = {
    "ts.list.set", "ts.list.append", "ts.list.insert", "ts.list.pop", "ts.list.extend", "ts.list.clear",
    "ts.list.sort", "ts.list.reverse", "ts.dict.set", "ts.dict.pop", "ts.dict.delete", "ts.set_attr",
}


def _in_place_tensor_op(op: Operation) -> bool:
    """add_, relu_, copy_, ...: write their first operand and return it, only read the others."""
    return _in_place_name(op.name)


@functools.cache
def _in_place_name(name: str) -> bool:
    from tsjit.ops import REGISTRY

    name = name.removeprefix("ts.")
    return name.endswith("_") and name in REGISTRY


def written_operands(op: Operation) -> list[SSAValue]:
    """The operands the op may change in place."""
    if _in_place_tensor_op(op) or op.name in WRITES_INTO_FIRST:
        return list(op.operands[:1])
    return [v for v in op.operands if is_mutable_type(v.type)] if writes(op) else []


def _fresh_result(op: Operation) -> bool:
    """A pure tensor op from the table that does not return (part of) an operand."""
    from tsjit.ops import REGISTRY

    name = op.name.removeprefix("ts.")
    return name in REGISTRY and name not in ALIASING_TENSOR_OPS and not writes(op) and not name.endswith("_")


def is_mutable_type(t: Attribute) -> bool:
    """Whether a value of this type can be changed in place (tensors, lists, dicts, objects)."""
    known = _MUTABLE_BY_CLASS.get(type(t))
    if known is not None:
        return known
    if isinstance(t, _IMMUTABLE):
        return False
    if isinstance(t, OptionalType):
        return is_mutable_type(t.element_type)
    if isinstance(t, TupleType | UnionType):
        return any(is_mutable_type(e) for e in t.types.data)
    return True


def writes(op: Operation) -> bool:
    """Whether the op itself may write memory (region ops answer through their nested ops).

    Returning or yielding a value does not write it (as in TorchScript, a caller that mutates a
    returned constant is on its own; the backend copies list constants per call)."""
    if op.regions:
        return False
    known = _WRITES_BY_CLASS.get(type(op))
    if known is not None:
        return known
    effects = get_effects(op)
    result = not op.has_trait(IsTerminator) and (effects is None or any(e.kind == MemoryEffectKind.WRITE
                                                                        for e in effects))
    if all(isinstance(t, _STATIC_EFFECTS) for t in op.get_traits_of_type(MemoryEffect)):
        _WRITES_BY_CLASS[type(op)] = result  # (no effect traits: unknown effects, the same for every op)
    return result


class MutationInfo:
    """Which values may be changed in place, by a conservative may-alias analysis of `root`."""

    def __init__(self, root: Operation):
        self._parent: dict[SSAValue, SSAValue] = {}
        for op in root.walk():
            self._connect(op)
        self._written = {self._find(v) for op in root.walk() for v in written_operands(op)
                         if is_mutable_type(v.type)}

    def _find(self, v: SSAValue) -> SSAValue:
        root = v
        while (p := self._parent.get(root, root)) is not root:
            root = p
        self._parent[v] = root
        return root

    def _union(self, values: list[SSAValue]) -> None:
        values = [v for v in values if is_mutable_type(v.type)]
        for v in values[1:]:
            self._parent[self._find(v)] = self._find(values[0])

    def _connect(self, op: Operation) -> None:
        if _in_place_tensor_op(op):  # the result is the first operand; the others are copied from
            self._union([op.operands[0], *op.results])
            return
        linked = list(op.operands) + list(op.results)
        for region in op.regions:
            for block in region.blocks:
                linked += list(block.args)
                if block.last_op is not None:
                    linked += list(block.last_op.operands)
        mutable_in = any(is_mutable_type(v.type) for v in op.operands)
        mutable_out = any(is_mutable_type(v.type) for v in op.results) or op.regions or writes(op)
        if mutable_in and mutable_out and not _fresh_result(op):
            self._union(linked)

    def is_written(self, value: SSAValue) -> bool:
        return is_mutable_type(value.type) and self._find(value) in self._written

    def touches_written(self, op: Operation) -> bool:
        return any(self.is_written(v) for v in (*op.operands, *op.results))


@dataclass
class _SafeCSEDriver(CSEDriver):
    mutation: MutationInfo | None = None

    def _simplify_operation(self, op: Operation):
        # read-only ops are merged by the driver only when no write lies between them
        if is_side_effect_free(op) and self.mutation is not None \
                and any(self.mutation.touches_written(o) for o in op.walk()):
            return
        super()._simplify_operation(op)


def ts_cse(op: Operation) -> None:
    _SafeCSEDriver(mutation=MutationInfo(op)).simplify(op)


@dataclass(frozen=True)
class TsCsePass(ModulePass):
    """CSE that does not merge ops whose values may be mutated in place."""

    name = "ts-cse"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        ts_cse(op)
