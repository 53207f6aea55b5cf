"""`ts-fold-conv-add-sub`: conv(x) + c -> conv(x) with bias' = bias + c (FoldFrozenConvAddOrSub).

`ts.add`/`ts.sub` whose first operand is a conv (tensor or Scalar `other`, constant
`alpha`); the conditions are in tsjit/rewrites/conv_pointwise.py. The operand is resized to
`(C_out,)`, the op itself (its numpy kernel, as TorchScript runs the node) is applied to the
bias (zeros of the weight's dtype when the conv has none) and the result, cast to the
bias's dtype, becomes the conv's bias.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import PatternRewriter, PatternRewriteWalker, RewritePattern

from tsjit.ops import KERNELS
from tsjit.rewrites.conv_pointwise import foldable_conv, resized
from tsjit.rewrites.frozen_constants import constant_of, new_constant, rebuild_with

#: op name -> kernel of the fold
ADD_SUB = {"ts.add": "add", "ts.sub": "sub"}


class FoldConvAddSub(RewritePattern):
    def match_and_rewrite(self, op, rewriter: PatternRewriter) -> None:
        if op.name not in ADD_SUB or (conv := foldable_conv(op)) is None:
            return
        weight, bias = constant_of(conv.operands[1]), constant_of(conv.operands[2])
        other = resized(constant_of(op.operands[1]), (weight.shape[0],), weight.dtype)
        if bias is None:
            bias = np.zeros(other.shape, dtype=weight.dtype)
        fused = KERNELS[ADD_SUB[op.name]](bias, other, constant_of(op.operands[2]))
        fused_b = new_constant(rewriter, np.asarray(fused).astype(bias.dtype), conv.operands[2], "bias",
                               f"fused_{ADD_SUB[op.name]}", conv)
        rebuild_with(rewriter, conv, op, {2: fused_b})


@dataclass(frozen=True)
class TsFoldConvAddSubPass(ModulePass):
    name = "ts-fold-conv-add-sub"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        fold_conv_add_sub(op)


def fold_conv_add_sub(module: ModuleOp) -> bool:
    """Apply the fold everywhere; True if the IR changed."""
    return PatternRewriteWalker(FoldConvAddSub()).rewrite_module(module)
