"""Example ts-opt pass plugin: rewrite `arith.addi %x, %x` into `arith.muli %x, 2`.

Why it is here: it is the smallest complete pass plugin (a pattern, a ModulePass
with options, a remark through tsjit's diagnostics API).  Try it with

    ts-opt in.mlir --load-pass-plugin=examples/plugins/double_add.py -p double-add
    ts-opt in.mlir --load-pass-plugin=examples/plugins/double_add.py \
        --pass-pipeline='builtin.module(func.func(double-add{use-shift=true}))'

To ship it in a package instead, declare an entry point in the group `tsjit.passes`:
    [project.entry-points."tsjit.passes"]
    double-add = "my_package.double_add:DoubleAddPass"
"""

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith, builtin
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
    op_type_rewrite_pattern,
)

from tsjit.ir.diagnostics import emit_remark


@dataclass
class AddSelfToMul(RewritePattern):
    """x + x == x * 2 == x << 1 for integers of any width (modulo 2^n)."""

    use_shift: bool
    remarks: bool

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: arith.AddiOp, rewriter: PatternRewriter) -> None:
        x = op.lhs
        if op.rhs is not x or not isinstance(x.type, builtin.IntegerType | builtin.IndexType):
            return
        amount, new_op = (1, arith.ShLIOp) if self.use_shift else (2, arith.MuliOp)
        const = arith.ConstantOp(builtin.IntegerAttr(amount, x.type))
        if self.remarks:
            emit_remark(op, f"rewrote arith.addi into {new_op.name}")
        rewriter.replace(op, [const, new_op(x, const)])


@dataclass(frozen=True)
class DoubleAddPass(ModulePass):
    """`double-add{use-shift=false remarks=false}`."""

    name = "double-add"

    use_shift: bool = False
    """Emit `arith.shli %x, 1` instead of `arith.muli %x, 2`."""
    remarks: bool = False
    """Emit a remark at each rewritten op (see --verify-diagnostics)."""

    def apply(self, ctx: Context, op: builtin.ModuleOp) -> None:
        pattern = AddSelfToMul(self.use_shift, self.remarks)
        PatternRewriteWalker(pattern).rewrite_module(op)
