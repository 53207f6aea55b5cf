"""`ts-to-linalg`: ts tensor ops → linalg/tensor/arith/math on builtin tensors.

Each function's top-level ops are lowered through the table in tsjit/lowering/table.py. Tensor
arguments with static types become builtin tensors. A lowered op's results are builtin tensors;
where an op that stays (no lowering, a dynamic shape, a non-constant operand, or inside a
region) uses one, `builtin.unrealized_conversion_cast` converts between the two types, so a
partly lowered function still runs on the numpy backend (which treats the casts as identity).
Ops left as they are carry why in a `ts.not_lowered` attribute (`unlowered(module)` lists them),
and in `report` mode a warning per op goes to stderr.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import FunctionType, ModuleOp, UnrealizedConversionCastOp, f64, i1, i64
from xdsl.ir import Block, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from tsjit.lowering.table import (  # noqa: F401
    NOT_LOWERED, NotLowerable, builtin_type, lower_block, lowerings, unlowered, why_unlowered,
)


@dataclass(frozen=True)
class TsToLinalgPass(ModulePass):
    name = "ts-to-linalg"

    report: bool = True

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        remaining: list[tuple[str, str, str]] = []
        for f in [o for o in op.ops if isinstance(o, func.FuncOp) and o.body.blocks]:
            remaining += lower_function(f)
        _fold_cast_pairs(op)
        if self.report:
            for name, where, why in remaining:
                print(f"ts-to-linalg: warning: {name}{f' ({where})' if where else ''} was not lowered: {why}",
                      file=sys.stderr)


def lower_function(f: func.FuncOp) -> list[tuple[str, str, str]]:
    """Lower the ops of `f`'s body; returns what was not lowered and why."""
    block = f.body.block
    mapping: dict[SSAValue, SSAValue] = {}
    _convert_arguments(block, mapping)
    remaining = lower_block(block, mapping, lowerings())
    _retype(f)
    return remaining


def _convert_arguments(block: Block, mapping: dict[SSAValue, SSAValue]) -> None:
    """Static ts tensor arguments become builtin tensors, cast back for the ops that stay."""
    for arg in list(block.args):
        try:
            t = builtin_type(arg.type)
        except NotLowerable:
            continue
        cast = UnrealizedConversionCastOp.get([arg], [arg.type])
        first = block.first_op
        if first is None:
            block.add_op(cast)
        else:
            Rewriter.insert_op(cast, InsertPoint.before(first))
        arg.replace_uses_with_if(cast.results[0], lambda use: use.operation is not cast)
        new_arg = Rewriter.replace_value_with_new_type(arg, t)
        mapping[cast.results[0]] = new_arg


def _retype(f: func.FuncOp) -> None:
    """Return builtin tensors (and scalars) directly and give the function its new signature; a
    constant bool, int or float returned (`return y, 3`) is an `arith.constant`."""
    from xdsl.builder import Builder

    from tsjit.dialects.ts.constant import ConstantOp
    from tsjit.lowering.generic_builder import constant

    ret = f.body.block.last_op
    for i, v in enumerate(ret.operands):
        owner = v.owner
        if isinstance(owner, UnrealizedConversionCastOp) and len(owner.inputs) == 1:
            ret.operands[i] = owner.inputs[0]
        elif isinstance(owner, ConstantOp) and type(value := owner.py_value) in _SCALARS:
            ret.operands[i] = constant(Builder(InsertPoint.before(ret)), value, _SCALARS[type(value)])
    f.function_type = FunctionType.from_lists([a.type for a in f.body.block.args], [v.type for v in ret.operands])


_SCALARS = {bool: i1, int: i64, float: f64}


def _fold_cast_pairs(module: ModuleOp) -> None:
    """cast(cast(x : A -> B) : B -> A) is x; casts nobody uses go."""
    for op in list(module.walk()):
        if isinstance(op, UnrealizedConversionCastOp) and len(op.inputs) == 1:
            inner = op.inputs[0].owner
            if isinstance(inner, UnrealizedConversionCastOp) and len(inner.inputs) == 1 \
                    and inner.inputs[0].type == op.results[0].type:
                op.results[0].replace_all_uses_with(inner.inputs[0])
    for op in reversed(list(module.walk())):
        if isinstance(op, UnrealizedConversionCastOp) and not any(r.uses for r in op.results):
            Rewriter.erase_op(op)
