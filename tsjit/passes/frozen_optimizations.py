"""`ts-frozen-optimizations{optimize-numerics=true}`: TorchScript's OptimizeFrozenGraph.

In TorchScript's order (frozen_graph_optimizations.cpp): remove inactive dropouts, then,
if `optimize-numerics`, repeat the four folds (conv+bn | conv+add/sub | conv+mul/div |
linear+bn, each over the whole module, all four every round) until none changes the IR.
FrozenConcatLinear is left out: TorchScript runs it only for CUDA weights, so on CPU it
never changes a graph.
"""
from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from tsjit.passes.fold_conv_add_sub import fold_conv_add_sub
from tsjit.passes.fold_conv_bn import fold_conv_bn
from tsjit.passes.fold_conv_mul_div import fold_conv_mul_div
from tsjit.passes.fold_linear_bn import fold_linear_bn
from tsjit.passes.remove_dropout import remove_dropout

NUMERIC_FOLDS = (fold_conv_bn, fold_conv_add_sub, fold_conv_mul_div, fold_linear_bn)


def optimize_frozen_graph(module: ModuleOp, optimize_numerics: bool = True) -> bool:
    """Run the frozen-graph optimisations on every function of `module`; True if it changed."""
    changed = remove_dropout(module)
    while optimize_numerics:
        round_changed = [fold(module) for fold in NUMERIC_FOLDS]  # all four, like C++'s `|`
        if not any(round_changed):
            break
        changed = True
    return changed


@dataclass(frozen=True)
class TsFrozenOptimizationsPass(ModulePass):
    name = "ts-frozen-optimizations"

    optimize_numerics: bool = True

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        optimize_frozen_graph(op, self.optimize_numerics)
