"""`ts.fusion_group` on the numpy backend: its body runs here, unless the program was given a
`fusion` hook (Program(..., fusion=...)): the JIT's, which compiles groups with the C backend for
the shapes they meet (tsjit/jit/fusion_kernels.py) and falls back to this unfused run.
"""
from __future__ import annotations

from typing import Any

from tsjit.backends.numpy.plan import Planner
from tsjit.backends.numpy.table import TERMINATORS, register

TERMINATORS.add("ts.fusion_yield")


@register("ts.fusion_group")
def _fusion_group(op, planner):
    sub = Planner(planner.program)
    block = op.body.block
    run = sub.block(block)
    tail = tuple(sub.template[len(block.args):])
    assert len(block.args) == len(op.operands)

    def unfused(*inputs: Any) -> Any:
        return run([*inputs, *tail])

    fusion = planner.program.fusion
    return unfused if fusion is None else fusion(op, unfused)
