"""`ts-fold-conv-bn`: batch_norm(conv(x)) -> conv(x) with fused weight and bias (FoldFrozenConvBatchnorm).

Conditions, as TorchScript's frozen_conv_folding.cpp: the batch_norm's input is a conv1d or
conv2d (the dialect has no conv3d/_convolution), every operand of both ops except the data
input is a `ts.constant`, the conv result has exactly one use, and the running stats are
tensors. The fused parameters are torch/nn/utils/fusion.py's, computed like
computeUpdatedConvWeightAndBias, in the parameters' own dtype (float32 for float32
weights, as PyTorch does) and cast back to the weight's and bias's dtypes:

    W' = W * (gamma * rsqrt(var + eps)).reshape(-1, 1, ...)
    b' = (b - mean) * rsqrt(var + eps) * gamma + beta       (missing b/gamma/beta: 0/1/0)

Deliberate differences, both where TorchScript's fold would change results: a batch_norm
whose `training` is not a constant false (it normalises by batch statistics) is kept, and
so is one whose per-channel tensors do not have the conv's out-channel count (eager
raises, folding would hide the error or broadcast wrongly).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import PatternRewriter, PatternRewriteWalker, RewritePattern

from tsjit.rewrites.frozen_constants import (
    FOLDABLE_CONVS, feeding_op, fold_batch_norm_into, params_constant,
)  # fmt: skip


def fused_conv_bn(w, b, mean, var, eps, gamma, beta) -> tuple[np.ndarray, np.ndarray]:
    b = np.zeros_like(mean) if b is None else b
    gamma = np.ones_like(mean) if gamma is None else gamma
    beta = np.zeros_like(mean) if beta is None else beta
    var_rsqrt = 1 / np.sqrt(var + var.dtype.type(eps))
    new_w = w * (gamma * var_rsqrt).reshape((-1,) + (1,) * (w.ndim - 1))
    new_b = (b - mean) * var_rsqrt * gamma + beta
    return new_w.astype(w.dtype), new_b.astype(b.dtype)


class FoldConvBatchNorm(RewritePattern):
    def match_and_rewrite(self, bn, rewriter: PatternRewriter) -> None:
        if bn.name != "ts.batch_norm":
            return
        conv = feeding_op(bn.operands[0], FOLDABLE_CONVS)
        if conv is None or not params_constant(conv) or not params_constant(bn):
            return
        if not conv.results[0].has_one_use():
            return
        fold_batch_norm_into(rewriter, conv, bn, fused_conv_bn)


@dataclass(frozen=True)
class TsFoldConvBnPass(ModulePass):
    name = "ts-fold-conv-bn"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        fold_conv_bn(op)


def fold_conv_bn(module: ModuleOp) -> bool:
    """Apply the fold everywhere; True if the IR changed."""
    return PatternRewriteWalker(FoldConvBatchNorm()).rewrite_module(module)
