"""`ts-cleanup`: the cleanup sequence of TorchScript's runOptimization, as freeze runs it.

    ts-dce, ts-cse, ts-peephole, ts-constant-propagation, ts-constant-pooling, ts-unroll-loops,
    (if a loop was unrolled: ts-peephole, ts-constant-propagation), ts-cse, ts-constant-pooling,
    ts-dce

TorchScript runs it once (unroll_non_constant_loops=false; its RemoveListMutation after unrolling
is left out: our peephole list idioms already refuse mutated lists). `fixpoint=true` repeats the
sequence until the IR stops changing (at most `max-rounds` times), which also catches what a
later step exposes to an earlier one. The final DCE removes what CSE and pooling left unused
(TorchScript's passes each end with their own DCE).
"""
from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.dialects.func import FuncOp
from xdsl.passes import ModulePass

from tsjit.passes.constant_pooling import pool_constants
from tsjit.passes.constant_propagation import constant_propagation
from tsjit.passes.cse import MutationInfo, ts_cse
from tsjit.passes.dce import ts_dce
from tsjit.passes.peephole import peephole
from tsjit.passes.unroll_loops import unroll_loops


def _pool(func: FuncOp) -> None:
    pool_constants(func, MutationInfo(func))


def run_cleanup_once(module: ModuleOp, functions: list[FuncOp] | None = None) -> None:
    """Clean each function (or only `functions`); module-level ops (a module instance's state) are
    left as they are: two equal weights are two attributes, not one."""
    for func in functions if functions is not None else [f for f in module.ops if isinstance(f, FuncOp)
                                                          and f.body.blocks]:
        ts_dce(func)
        ts_cse(func)
        peephole(func)
        constant_propagation(func)
        _pool(func)
        if unroll_loops(func):
            peephole(func)
            constant_propagation(func)
        ts_cse(func)
        _pool(func)  # our CSE does not merge constants whose `loc` differs; pooling does
        ts_dce(func)


@dataclass(frozen=True)
class TsCleanupPass(ModulePass):
    """DCE, CSE, peephole, constant propagation, pooling and unrolling, in TorchScript's order."""

    name = "ts-cleanup"

    fixpoint: bool = False
    max_rounds: int = 10

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        before = str(op) if self.fixpoint else ""
        for _ in range(self.max_rounds if self.fixpoint else 1):
            run_cleanup_once(op)
            if self.fixpoint:
                after = str(op)
                if after == before:
                    return
                before = after
