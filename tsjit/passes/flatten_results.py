"""`ts-flatten-results`: a function returning a tuple, list or dict of tensors (`return logits,
loss`, `return {"out": y}`) returns the tensors themselves, as several results, with the
container's shape recorded in the function's `ts.results` attribute.

Compiled code returns tensors (C writes each into an out-parameter), so a container return would
keep the whole model off C; after this pass it lowers, and `Compiled` rebuilds the container
from the attribute (`results_structure`, `rebuild`). Only containers built in the function
(`ts.tuple.construct`, `ts.list.construct`, `ts.dict.construct` with constant string or int
keys), nested any way, of tensors, scalars (`return y, loss.item()`) and constants are flattened;
anything else is left as it is.

Constants returned (`return None`, the `None` of `return y, None`, a size folded to an int) are
recorded in the structure, not returned: `F.max_pool2d(x, 2, return_indices=True)` as a statement
leaves a function returning `None`, which compiles to C as a function with no results.

The attribute is JSON: a leaf is the index of a flat result, `["const", value]` a constant (None,
a bool, int, float or str); `["tuple", [...]]`, `["list", [...]]` and `["dict", [[key, item], ...]]`
are containers.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from xdsl.context import Context
from xdsl.dialects.builtin import FunctionType, ModuleOp, StringAttr
from xdsl.dialects.func import FuncOp, ReturnOp
from xdsl.ir import OpResult, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from tsjit.dialects.ts.folding import NotConstant, constant_of
from tsjit.dialects.ts.types import BoolType, FloatType, IntType, NumberType, TensorType

ATTRIBUTE = "ts.results"
_CONTAINERS = {"ts.tuple.construct": "tuple", "ts.list.construct": "list", "ts.dict.construct": "dict"}


def _structure(v: SSAValue, leaves: list[SSAValue]) -> Any:
    """The structure of `v` with tensor leaves appended to `leaves`; None if `v` is not one."""
    try:
        value = constant_of(v)
    except NotConstant:
        pass
    else:
        if value is None or isinstance(value, bool | int | float | str):
            return ["const", value]
    if isinstance(v.type, TensorType | BoolType | IntType | FloatType | NumberType):
        leaves.append(v)
        return len(leaves) - 1
    if not isinstance(v, OpResult) or v.op.name not in _CONTAINERS:
        return None
    kind, items = _CONTAINERS[v.op.name], list(v.op.operands)
    if kind == "dict":
        pairs = []
        for key, item in zip(items[::2], items[1::2]):
            try:
                constant = constant_of(key)
            except NotConstant:
                return None
            if not isinstance(constant, str | int) or (inner := _structure(item, leaves)) is None:
                return None
            pairs.append([constant, inner])
        return [kind, pairs]
    inner = [_structure(item, leaves) for item in items]
    return None if any(i is None for i in inner) else [kind, inner]


def flatten_results(func: FuncOp, keep_last: int = 0) -> bool:
    """Flatten `func`'s one container result (followed by `keep_last` results kept as they are,
    after the leaves: tsjit/passes/argument_writes.py); True if it changed."""
    ret = func.body.blocks[-1].last_op if func.body.blocks else None
    if not isinstance(ret, ReturnOp) or len(ret.operands) != 1 + keep_last or ATTRIBUTE in func.attributes:
        return False
    leaves: list[SSAValue] = []
    structure = _structure(ret.operands[0], leaves)
    if not isinstance(structure, list):
        return False
    container, kept = ret.operands[0], list(ret.operands[1:])
    Rewriter.insert_op(ReturnOp(*leaves, *kept), InsertPoint.before(ret))
    Rewriter.erase_op(ret)
    _erase_unused(container)
    if isinstance(container, OpResult) and not container.uses and container.op.name == "ts.constant":
        Rewriter.erase_op(container.op)
    func.function_type = FunctionType.from_lists(list(func.function_type.inputs),
                                                 [v.type for v in [*leaves, *kept]])
    func.attributes[ATTRIBUTE] = StringAttr(json.dumps(structure))
    return True


def _erase_unused(v: SSAValue) -> None:
    """Erase the container op defining `v` once nothing uses it, and the containers inside it."""
    if isinstance(v, OpResult) and v.op.name in _CONTAINERS and not v.uses:
        op, items = v.op, list(v.op.operands)
        Rewriter.erase_op(op)
        for item in items:
            _erase_unused(item)


def results_structure(func: FuncOp) -> Any:
    """The recorded structure of `func`'s results, or None."""
    attr = func.attributes.get(ATTRIBUTE)
    return json.loads(attr.data) if isinstance(attr, StringAttr) else None


def rebuild(structure: Any, flat: list[Any]) -> Any:
    """The container `structure` describes, with `flat[i]` at leaf i."""
    if isinstance(structure, int):
        return flat[structure]
    kind, items = structure
    if kind == "const":
        return items
    if kind == "dict":
        return {key: rebuild(item, flat) for key, item in items}
    built = [rebuild(item, flat) for item in items]
    return tuple(built) if kind == "tuple" else built


@dataclass(frozen=True)
class TsFlattenResultsPass(ModulePass):
    name = "ts-flatten-results"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for func in op.ops:
            if isinstance(func, FuncOp) and func.body.blocks:
                flatten_results(func)
