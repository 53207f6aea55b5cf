"""`ts-dce`: dead code elimination, as xDSL's `dce` plus unused containers and objects.

Why not only xDSL's `dce`: it keeps every op with an allocation effect (`ts.list.construct`,
`ts.dict.construct`, `ts.object`, `ts.create_object`) because their effect trait names no value,
and it keeps mutations of a list nobody reads. TorchScript's EliminateDeadCode removes both: a
container that never escapes (its only uses are in-place writes into it whose results are unused)
is dead together with those writes. Ops with unknown effects (random ops, `ts.raise`,
`ts.print`, `ts.fork`) stay; TorchScript also keeps those except unused random ops, which we keep
to stay conservative.
"""
from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.dialects.func import FuncOp
from xdsl.ir import Operation
from xdsl.passes import ModulePass
from xdsl.rewriter import Rewriter
from xdsl.traits import MemoryEffectKind, get_effects
from xdsl.transforms.dead_code_elimination import dce

from tsjit.passes.cse import WRITES_INTO_FIRST


def _only_allocates(op: Operation) -> bool:
    effects = get_effects(op)
    return bool(effects) and not op.regions and all(e.kind == MemoryEffectKind.ALLOC for e in effects)


def _dead_writer(use_op: Operation, index: int) -> bool:
    return (use_op.name in WRITES_INTO_FIRST and index == 0
            and all(r.first_use is None for r in use_op.results))


def remove_dead_allocations(root: Operation) -> bool:
    """Erase allocations in functions whose only uses are unobserved writes into them (and those writes).

    Only function bodies: a module-level `ts.object` (the module instance) is state, not code."""
    changed = False
    bodies = [f.body for f in root.walk() if isinstance(f, FuncOp)]  # module-level objects stay
    for op in [o for body in bodies for o in body.walk()]:
        if op.parent is None or not _only_allocates(op):
            continue
        uses = [u for r in op.results for u in r.uses]
        if all(_dead_writer(u.operation, u.index) for u in uses):
            for writer in {id(u.operation): u.operation for u in uses}.values():
                Rewriter.erase_op(writer)
            Rewriter.erase_op(op)
            changed = True
    return changed


def ts_dce(module: ModuleOp) -> None:
    dce(module)
    while remove_dead_allocations(module):
        dce(module)


@dataclass(frozen=True)
class TsDcePass(ModulePass):
    """Remove ops whose results are unused and that have no observable effect."""

    name = "ts-dce"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        ts_dce(op)
