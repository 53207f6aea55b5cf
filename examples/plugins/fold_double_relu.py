"""Example pass plugin on the ts dialect: `relu(relu(x))` -> `relu(x)` (ReLU is idempotent).

    ts-opt model.mlir --load-pass-plugin=examples/plugins/fold_double_relu.py -p ts-fold-double-relu
    ts-opt model.mlir --load-pass-plugin=examples/plugins/fold_double_relu.py \
        -p 'ts-fold-double-relu{remarks=true}'

docs/pass-plugins.md walks through it: a rewrite pattern on a ts op, a ModulePass with an
option, a remark through tsjit's diagnostics, and the two ways to load it.
"""
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import builtin
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import PatternRewriter, PatternRewriteWalker, RewritePattern

from tsjit.dialects.ts import TENSOR_OP_CLASSES
from tsjit.ir.diagnostics import emit_remark

ReluOp = TENSOR_OP_CLASSES["relu"]


@dataclass
class DoubleRelu(RewritePattern):
    """The outer relu of relu(relu(x)) is the inner one."""

    remarks: bool

    def match_and_rewrite(self, op, rewriter: PatternRewriter) -> None:
        if not isinstance(op, ReluOp) or not isinstance(op.input.owner, ReluOp):
            return
        inner = op.input
        if inner.type != op.result.type:  # keep the types the users of `op` expect
            return
        if self.remarks:
            emit_remark(op, "relu(relu(x)) folded into relu(x)")
        rewriter.replace(op, [], [inner])


@dataclass(frozen=True)
class FoldDoubleReluPass(ModulePass):
    """`ts-fold-double-relu{remarks=false}`: relu(relu(x)) -> relu(x)."""

    name = "ts-fold-double-relu"

    remarks: bool = False
    """Emit a remark at each folded relu (visible with --verify-diagnostics, or on stderr)."""

    def apply(self, ctx: Context, op: builtin.ModuleOp) -> None:
        PatternRewriteWalker(DoubleRelu(self.remarks)).rewrite_module(op)
