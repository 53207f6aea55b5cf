"""`ts-fold-linear-bn`: batch_norm(linear(x)) -> linear(x) with fused weight and bias (FoldFrozenLinearBatchnorm).

Conditions, as TorchScript's frozen_linear_folding.cpp: the batch_norm's input is a
`ts.linear`, every operand of both ops except the data input is a `ts.constant`, the
running stats are tensors, and the batch_norm's feature count equals the linear's
out-features. There is **no single-use check**. The fused parameters follow
computeUpdatedLinearWeightAndBias, in the parameters' dtype:

    scale = gamma * rsqrt(var + eps);  W' = W * scale[:, None];  b' = (b - mean) * scale + beta

Deliberate differences, where TorchScript's fold would change results:
- TorchScript rewrites the linear in place, so its other users would see normalised values;
  we put a new linear in the batch_norm's place and leave the original to its other users.
- a batch_norm whose `training` is not a constant false is kept;
- TorchScript also folds a 1-feature batch_norm after a wider linear, which eager rejects
  ("running_mean should contain C elements"); we keep the error;
- when the linear input's rank is known and is not 2, the batch_norm normalises dim 1, not
  the linear's features: kept (unknown ranks are folded, as TorchScript does).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import PatternRewriter, PatternRewriteWalker, RewritePattern

from tsjit.rewrites.frozen_constants import (
    feeding_op, fold_batch_norm_into, known_rank, params_constant,
)  # fmt: skip


def fused_linear_bn(w, b, mean, var, eps, gamma, beta) -> tuple[np.ndarray, np.ndarray]:
    b = np.zeros_like(mean) if b is None else b
    gamma = np.ones_like(mean) if gamma is None else gamma
    beta = np.zeros_like(mean) if beta is None else beta
    scale = gamma * (1 / np.sqrt(var + var.dtype.type(eps)))
    new_w = w * scale[:, None]
    new_b = (b - mean) * scale + beta
    return new_w.astype(w.dtype), new_b.astype(b.dtype)


class FoldLinearBatchNorm(RewritePattern):
    def match_and_rewrite(self, bn, rewriter: PatternRewriter) -> None:
        if bn.name != "ts.batch_norm":
            return
        linear = feeding_op(bn.operands[0], ("ts.linear",))
        if linear is None or not params_constant(linear) or not params_constant(bn):
            return
        if known_rank(linear.operands[0]) not in (None, 2):
            return
        fold_batch_norm_into(rewriter, linear, bn, fused_linear_bn, weight_ok=lambda w: w.ndim == 2)


@dataclass(frozen=True)
class TsFoldLinearBnPass(ModulePass):
    name = "ts-fold-linear-bn"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        fold_linear_bn(op)


def fold_linear_bn(module: ModuleOp) -> bool:
    """Apply the fold everywhere; True if the IR changed."""
    return PatternRewriteWalker(FoldLinearBatchNorm()).rewrite_module(module)
