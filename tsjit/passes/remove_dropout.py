"""`ts-remove-dropout`: drop dropouts that are off (TorchScript's removeDropout).

A `ts.dropout` (or `dropout_`, `feature_dropout`, `feature_dropout_` where the dialect has
them) whose `train` operand is a constant `false` is the identity: its uses take its
input. A non-constant or true `train` keeps the op. Nested regions (`ts.if`, `ts.loop`,
fork bodies) are walked too, as TorchScript walks sub-blocks.
"""
from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import PatternRewriter, PatternRewriteWalker, RewritePattern

from tsjit.rewrites.frozen_constants import NotConstant, constant_of, forward

DROPOUTS = frozenset({"ts.dropout", "ts.dropout_", "ts.feature_dropout", "ts.feature_dropout_"})


class RemoveInactiveDropout(RewritePattern):
    def match_and_rewrite(self, op, rewriter: PatternRewriter) -> None:
        if op.name not in DROPOUTS or len(op.operands) != 3:
            return
        try:
            train = constant_of(op.operands[2])
        except NotConstant:
            return
        if train is not False:
            return
        forward(rewriter, op, op.operands[0])


@dataclass(frozen=True)
class TsRemoveDropoutPass(ModulePass):
    name = "ts-remove-dropout"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        remove_dropout(op)


def remove_dropout(module: ModuleOp) -> bool:
    """Apply the rewrite; True if some dropout went away."""
    return PatternRewriteWalker(RemoveInactiveDropout(), walk_reverse=True).rewrite_module(module)
