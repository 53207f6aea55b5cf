"""`ts-fold-conv-mul-div`: conv(x) * c -> conv(x) with W' = W * c, b' = b * c (FoldFrozenConvMulOrDiv).

`ts.mul`/`ts.div` whose first operand is a conv (tensor or Scalar `other`); the
conditions are in tsjit/rewrites/conv_pointwise.py. The operand is resized to `(C_out, 1, ...)`
and the op (its numpy kernel) is applied to the weight, then resized to `(C_out,)` and
applied to the bias if there is one; the results are cast back to the weight's and bias's
dtypes. (TorchScript names the fused weight `…bias_fused_mul` by mistake; we name it after
the weight.)
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
MUL_DIV = {"ts.mul": "mul", "ts.div": "div"}


class FoldConvMulDiv(RewritePattern):
    def match_and_rewrite(self, op, rewriter: PatternRewriter) -> None:
        if op.name not in MUL_DIV or (conv := foldable_conv(op)) is None:
            return
        kernel, suffix = KERNELS[MUL_DIV[op.name]], f"fused_{MUL_DIV[op.name]}"
        weight, bias, other = (constant_of(v) for v in (conv.operands[1], conv.operands[2], op.operands[1]))
        channels = weight.shape[0]
        scale = resized(other, (channels,) + (1,) * (weight.ndim - 1), weight.dtype)
        fused_w = np.asarray(kernel(weight, scale)).astype(weight.dtype)
        replacements = {1: new_constant(rewriter, fused_w, conv.operands[1], "weight", suffix, conv)}
        if bias is not None:
            fused_b = np.asarray(kernel(bias, resized(other, (channels,), bias.dtype))).astype(bias.dtype)
            replacements[2] = new_constant(rewriter, fused_b, conv.operands[2], "bias", suffix, conv)
        rebuild_with(rewriter, conv, op, replacements)


@dataclass(frozen=True)
class TsFoldConvMulDivPass(ModulePass):
    name = "ts-fold-conv-mul-div"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        fold_conv_mul_div(op)


def fold_conv_mul_div(module: ModuleOp) -> bool:
    """Apply the fold everywhere; True if the IR changed."""
    return PatternRewriteWalker(FoldConvMulDiv()).rewrite_module(module)
