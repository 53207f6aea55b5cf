"""`ts-constant-pooling`: one `ts.constant` per distinct value and type, hoisted to the function entry.

As TorchScript's ConstantPooling: equal tensors are deduplicated too (in an untouched Conv+BN,
`bn.weight` (ones) is pooled with `running_var` (ones)), and constants nested in `ts.if` /
`ts.loop` / `ts.fork` bodies move to the entry block, so equal constants in different branches
become one. Values are compared bit for bit (0.0 and -0.0 stay apart; a splat tensor equals the
same tensor written out). Constants that are mutated in place (a tensor constant given to
`add_`, a constant list appended to) are left where they are and never shared.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xdsl.context import Context
from xdsl.dialects.builtin import ArrayAttr, DenseIntOrFPElementsAttr, FloatAttr, ModuleOp
from xdsl.dialects.func import FuncOp
from xdsl.ir import Attribute
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from tsjit.dialects.ts.constant import ConstantOp, dense_to_numpy
from tsjit.passes.cse import MutationInfo


def _value_key(value: Attribute) -> Any:
    """A hashable key equal exactly for bit-identical values."""
    if isinstance(value, DenseIntOrFPElementsAttr):
        try:
            array = dense_to_numpy(value)
        except ValueError:  # an element type numpy lacks (bf16): its text is exact too
            return ("text", str(value))
        return ("dense", array.dtype.str, array.shape, array.tobytes())
    if isinstance(value, FloatAttr):
        return ("float", value.value.data.hex())
    if isinstance(value, ArrayAttr):  # lists of constants
        return ("list", tuple(_value_key(v) for v in value.data))
    return value


def pool_constants(func: FuncOp, mutation: MutationInfo) -> int:
    """Deduplicate and hoist the constants of one function; returns how many were removed."""
    block = func.body.block
    pooled: dict[Any, ConstantOp] = {}
    removed = 0
    last: ConstantOp | None = None
    for op in [o for o in func.body.walk() if isinstance(o, ConstantOp)]:
        if mutation.is_written(op.result):
            continue
        key = (_value_key(op.value), op.result.type)
        kept = pooled.get(key)
        if kept is not None:
            op.result.replace_all_uses_with(kept.result)
            Rewriter.erase_op(op)
            removed += 1
            continue
        pooled[key] = op
        if op is not block.first_op and op is not (last.next_op if last else None):
            op.detach()
            Rewriter.insert_op(op, InsertPoint.after(last) if last else InsertPoint.at_start(block))
        last = op
    return removed


@dataclass(frozen=True)
class TsConstantPoolingPass(ModulePass):
    """Deduplicate equal constants and move them to the start of each function."""

    name = "ts-constant-pooling"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        mutation = MutationInfo(op)
        for func in [f for f in op.walk() if isinstance(f, FuncOp) and f.body.blocks]:
            pool_constants(func, mutation)
