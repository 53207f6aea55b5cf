"""`ts-decompose`: rewrite ops that have a decomposition into the simpler ts ops it is made of.

A decomposition is part of its op's definition (tsjit/ops, `decompose=`; see
tsjit/ops/decomposition.py). The pass applies them until none applies (a decomposition may use
ops that decompose further); `ops=a,b` limits it to those ops. New ops get their result types
from the ops' shape and dtype rules, so decomposing a specialized function keeps it specialized.
An op whose decomposition does not apply here (a non-constant argument it needs, an unknown
shape) stays as it is. The lowering pipeline runs this pass first, so an op with a decomposition
needs no lowering or C code of its own.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from tsjit.dialects.ts import OPS_BY_NAME
from tsjit.dialects.ts.constant import ConstantOp, numpy_dtype
from tsjit.dialects.ts.control_flow import ConditionOp, LoopOp
from tsjit.dialects.ts.folding import NotConstant, constant_of
from tsjit.dialects.ts.schema import RESULT_TYPES
from tsjit.dialects.ts.shape_functions import from_type, to_type
from tsjit.dialects.ts.types import (
    FloatType,
    IntType,
    ListType,
    NoneType,
    OptionalType,
    TensorType,
)
from tsjit.ops import REGISTRY
from tsjit.ops.decomposition import Builder, NotDecomposable
from tsjit.ops.infer import infer
from tsjit.ops.rules import NeedRank, ShapeError, T, Unknown


class IRBuilder(Builder):
    """Emits the decomposition's ops before `at`, typed by the ops' rules."""

    def __init__(self, at: Operation):
        self.at = at
        self.created: list[Operation] = []

    def _insert(self, op: Operation) -> Operation:
        Rewriter.insert_op(op, InsertPoint.before(self.at))
        if "loc" in self.at.attributes:
            op.attributes["loc"] = self.at.attributes["loc"]
        self.created.append(op)
        return op

    def _operand(self, value: Any, kind: str) -> SSAValue:
        if isinstance(value, SSAValue):
            return value
        if value is None:
            return self._insert(ConstantOp.of(None, NoneType())).results[0]
        base = kind.rstrip("?")
        if base == "float" and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if isinstance(value, tuple | list) and any(isinstance(v, SSAValue) for v in value):  # a Tensor?[]
            items = [self._operand(v, "Tensor") for v in value]
            element = OptionalType(TensorType()) if any(v is None for v in value) else TensorType()
            return self._insert(OPS_BY_NAME["ts.list.construct"].create(
                operands=items, result_types=[ListType(element)])).results[0]
        if isinstance(value, tuple | list):
            return self._insert(ConstantOp.of(list(value), ListType(IntType()))).results[0]
        if base == "float":
            return self._insert(ConstantOp.of(value, FloatType())).results[0]
        return self._insert(ConstantOp.of(value)).results[0]

    def apply(self, name: str, operands: list[Any]) -> Any:
        defn = REGISTRY[name]
        values = [self._operand(v, a.kind) for v, a in zip(operands, defn.schema.args)]
        types = _result_types(defn, values)
        op = self._insert(OPS_BY_NAME[f"ts.{name}"].create(operands=values, result_types=types))
        return op.results[0] if len(op.results) == 1 else tuple(op.results)

    def value(self, v: Any) -> Any:
        value = _constant(v)
        if value is _NOT_CONSTANT:
            raise NotDecomposable("an operand it needs is not a compile-time constant")
        return value

    def shape(self, x: SSAValue) -> tuple[int, ...]:
        t = x.type
        if not isinstance(t, TensorType) or not t.has_static_shape:
            raise NotDecomposable(f"needs a static shape, not {t}")
        return t.sizes

    def loop(self, count: int, carried, body) -> list:
        """One `ts.loop` of `count` iterations; the body is built by a builder inserting into it."""
        return self._loop(count, True, carried, lambda g, i, *values: [None, *body(g, i, *values)])

    def loop_while(self, start, carried, body) -> list:
        """One `ts.loop` running while the condition its body gives holds (no trip count)."""
        return self._loop(INT64_MAX, start, carried, lambda g, i, *values: body(g, *values))

    def _loop(self, count, start, carried, body) -> list:
        """`body(g, i, *carried)` gives (the condition, None for a for loop; *the new carried values)."""
        types = [v.type for v in carried]
        if any(not isinstance(t, TensorType) or not t.has_static_shape for t in types):
            raise NotDecomposable("a loop needs carried tensors of static shapes")
        block = Block(arg_types=[IntType(), *types])
        marker = ConstantOp.of(True)  # the loop's condition: for-loop form
        if "loc" in self.at.attributes:
            marker.attributes["loc"] = self.at.attributes["loc"]
        block.add_op(marker)
        inner = IRBuilder(marker)
        try:
            go, *results = body(inner, block.args[0], *block.args[1:])
            if [r.type for r in results] != types:
                raise NotDecomposable("the loop body changes the carried values' types")
        except NotDecomposable:
            for created in reversed(inner.created):  # they use values outside: leave no uses behind
                Rewriter.erase_op(created, safe_erase=False)
            raise
        block.add_op(ConditionOp(marker.results[0] if go is None else go, *results))
        trip = self._operand(count, "int")
        start = self._operand(start, "bool")
        return list(self._insert(LoopOp(trip, start, list(carried), Region(block))).results)

    def dtype(self, x: SSAValue) -> np.dtype:
        t = x.type
        if not isinstance(t, TensorType) or t.element_type is None:
            raise NotDecomposable(f"needs a known dtype, not {t}")
        return numpy_dtype(t.element_type)


_NOT_CONSTANT = object()
INT64_MAX = (1 << 63) - 1  # a `while` loop's trip count, as TorchScript's


def _constant(v: Any) -> Any:
    """The Python value of an operand known at compile time: a ts.constant, or a list built of them."""
    if not isinstance(v, SSAValue):
        return v
    if isinstance(v.owner, ConstantOp) or getattr(v.owner, "name", "") == "ts.unchecked_cast":
        try:  # through unchecked_casts: `p` of a scripted torch.norm(x, p=3) is an int cast to a number
            return constant_of(v)
        except NotConstant:
            return _NOT_CONSTANT
    if getattr(v.owner, "name", "") == "ts.list.construct":
        items = [_constant(item) for item in v.owner.operands]
        if all(item is not _NOT_CONSTANT and not isinstance(item, SSAValue) for item in items):
            return items
    return _NOT_CONSTANT


def _tensors(v: SSAValue) -> list | None:
    """A `Tensor[]`/`Tensor?[]` operand built by a list construct, as a Python list (None for None)."""
    items = v.owner.operands if getattr(v.owner, "name", "") == "ts.list.construct" else ()
    if not any(isinstance(i.type, TensorType) for i in items) or not all(
            isinstance(i.type, TensorType | NoneType) for i in items):
        return None
    return [i if isinstance(i.type, TensorType) else None for i in items]


def _constant_tensors(builder: IRBuilder, v: SSAValue) -> list | None:
    """A `Tensor?[]` operand folded to a list constant (`y[torch.tensor([0, 2])] = 1.`): one
    `ts.constant` per tensor, as `_tensors` gives a built list."""
    value = v.owner.py_value if isinstance(v.owner, ConstantOp) else None
    if not isinstance(value, list) or not any(isinstance(i, np.ndarray) for i in value):
        return None
    return [None if i is None else builder._insert(ConstantOp.of(i)).results[0] for i in value]


def _abstract(v: SSAValue) -> Any:
    if isinstance(v.type, TensorType):
        return from_type(v.type)
    if (items := _tensors(v)) is not None:
        return [None if i is None else from_type(i.type) for i in items]
    value = _constant(v)
    return Unknown() if value is _NOT_CONSTANT else value


def _result_types(defn, values: list[SSAValue]) -> list:
    """The result types the op's rules give (generic ones where they cannot tell)."""
    generic = [RESULT_TYPES[r.kind] for r in defn.schema.results]
    try:
        inferred = infer(defn, [_abstract(v) for v in values], len(generic))
    except (ShapeError, NeedRank):
        return generic
    return [to_type(t) if isinstance(t, T) else g for t, g in zip(inferred, generic)]


def decompose(op: Operation) -> bool:
    """Replace `op` by its decomposition; False (the IR unchanged) when it does not apply."""
    defn = REGISTRY.get(op.name.removeprefix("ts."))
    if defn is None or defn.decompose is None:
        return False
    builder = IRBuilder(op)
    operands = [_tensors(v) or _constant_tensors(builder, v)
                or (v if isinstance(v.type, TensorType) or _constant(v) is _NOT_CONSTANT else _constant(v))
                for v in op.operands]
    if any(a.kind.rstrip("?").endswith("[]") and a.kind.startswith("Tensor") and isinstance(v, SSAValue)
           for v, a in zip(operands, defn.schema.args)):
        return False  # a tensor list built at run time: decompositions take the tensors one by one
    try:
        out = defn.decompose(builder, *operands)
        results = list(out) if isinstance(out, tuple) else [out]
        if len(results) != len(op.results) or any(
                isinstance(r, SSAValue) and r.type != old.type for r, old in zip(results, op.results)):
            raise NotDecomposable("its results would change type")
    except NotDecomposable:
        for created in reversed(builder.created):
            Rewriter.erase_op(created, safe_erase=False)
        return False
    Rewriter.replace_op(op, [], [builder._operand(r, "Tensor") for r in results])
    return True


@dataclass(frozen=True)
class TsDecomposePass(ModulePass):
    """Ops with a decomposition -> the ops it is made of (repeatedly)."""

    name = "ts-decompose"

    ops: tuple[str, ...] = ()
    """decompose only these ops (names without `ts.`); all ops with a decomposition when empty"""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        wanted = set(self.ops) or {name for name, d in REGISTRY.items() if d.decompose is not None}
        unknown = sorted(set(self.ops) - {name for name, d in REGISTRY.items() if d.decompose is not None})
        if unknown:
            from xdsl.utils.exceptions import PassFailedException

            raise PassFailedException(f"ts-decompose: no decomposition for {', '.join(unknown)}")
        changed = True
        while changed:
            changed = False
            for candidate in list(op.walk()):
                if candidate.name.removeprefix("ts.") in wanted and candidate.parent is not None:
                    changed |= decompose(candidate)
