"""`ts-linalg-to-loops`: memref linalg ops -> `scf.for` nests over `memref.load/store`, contraction
epilogues placed inside their contraction's nest (tsjit/lowering/loops.py)."""
from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from tsjit.lowering.loops import lower_linalg_to_loops


@dataclass(frozen=True)
class TsLinalgToLoopsPass(ModulePass):
    """Memref linalg ops (after ts-bufferize) -> scf.for loop nests, parallel loops marked."""

    name = "ts-linalg-to-loops"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        lower_linalg_to_loops(op)
