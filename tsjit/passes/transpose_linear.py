"""`ts-transpose-linear`: linear(x, W, b) -> matmul(x, W^T) + b with W^T a constant (FrozenLinearTranspose).

As TorchScript's frozen_linear_transpose.cpp: every `ts.linear` whose weight and bias are
constants (a `none` bias included) becomes `ts.matmul(x, <W.T, contiguous>)`, followed by
`ts.add(·, b, 1)` when there is a bias. The transposed weight is a new constant named
`<weight>_t`.

Worth it on the numpy backend (bench/frozen_rewrites.py, one OpenBLAS thread): the MLP
b64 784-512-512-10 runs in 0.90-0.92x the time of `ts.linear` (`np.matmul(x, W.T)` is a
transposed-operand GEMM; with a contiguous W^T it is a plain one, ~20% faster for
64x784x512 and 64x512x512). A tiny layer (512->10) costs ~3 us more (one more op); a
CNN whose linears are small is unchanged (0.99x).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import PatternRewriter, PatternRewriteWalker, RewritePattern
from xdsl.rewriter import InsertPoint

from tsjit.dialects.ts.constant import ConstantOp
from tsjit.dialects.ts.tensor_ops import TENSOR_OP_CLASSES
from tsjit.rewrites.frozen_constants import (
    NotConstant, erase_dead_constants, new_constant, params_constant, tensor_or_none,
)  # fmt: skip


class TransposeFrozenLinear(RewritePattern):
    def match_and_rewrite(self, op, rewriter: PatternRewriter) -> None:
        if op.name != "ts.linear" or not params_constant(op):
            return
        x, weight, bias = op.operands
        try:
            w = tensor_or_none(weight)
            b = tensor_or_none(bias)
        except NotConstant:
            return
        if w is None or w.ndim != 2:
            return
        result_type = op.results[0].type
        w_t = new_constant(rewriter, np.ascontiguousarray(w.T), weight, "weight", "t", op)
        product = TENSOR_OP_CLASSES["matmul"].create(operands=[x, w_t], result_types=[result_type])
        new_ops = [product]
        if b is not None:
            alpha = ConstantOp.of(1)
            new_ops += [alpha, TENSOR_OP_CLASSES["add"].create(
                operands=[product.results[0], bias, alpha.result], result_types=[result_type])]
        for new in new_ops:
            new.attributes |= op.attributes
        rewriter.insert(new_ops, InsertPoint.before(op))
        new_ops[-1].results[0].name_hint = op.results[0].name_hint
        rewriter.replace(op, [], [new_ops[-1].results[0]])
        erase_dead_constants(rewriter, [weight, bias])


@dataclass(frozen=True)
class TsTransposeLinearPass(ModulePass):
    name = "ts-transpose-linear"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        transpose_linear(op)


def transpose_linear(module: ModuleOp) -> bool:
    """Apply the rewrite everywhere; True if the IR changed."""
    return PatternRewriteWalker(TransposeFrozenLinear()).rewrite_module(module)
