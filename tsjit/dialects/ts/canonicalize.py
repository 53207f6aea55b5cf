"""Canonicalization patterns of ts ops (run by xDSL's `canonicalize`, next to folding).

- `ts.if` on a constant condition becomes the taken branch; a bool result that each branch gives
  the same value to, once its condition is known there (an early `return` in a loop leaves
  `if not c: true else: c`, "has returned", which is always true), becomes that constant;
- `ts.unchecked_cast` to its operand's own type disappears; one of a None to a type without None is
  `ts.uninitialized` (it cannot run);
- `ts.dim`/`ts.size`/`ts.size_dim`/`ts.numel` of a tensor whose type knows the answer become constants
  (`ts.stride`/`ts.stride_dim`/`ts.is_contiguous` need how the value was made: passes/static_strides.py's
  StaticLayout, which ts-constant-propagation and ts-peephole run);
- `ts.batch_norm` in training mode drops a running statistic it would write into a fresh copy or a
  constant nothing else reads (a module frozen as a snapshot, tsjit.compile in training mode).
"""
from __future__ import annotations

import math

from xdsl.ir import Operation
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern
from xdsl.rewriter import InsertPoint
from xdsl.traits import HasCanonicalizationPatternsTrait

from tsjit.dialects.ts.types import DYNAMIC, IntType, ListType, TensorType


class InlineConstantIf(RewritePattern):
    def match_and_rewrite(self, op, rewriter: PatternRewriter) -> None:
        from tsjit.dialects.ts.constant import ConstantOp

        if not isinstance(cond := op.cond.owner, ConstantOp):
            return
        block = (op.then_region if cond.py_value else op.else_region).block
        values = list(block.last_op.operands)
        rewriter.erase(block.last_op)
        rewriter.inline_block(block, InsertPoint.before(op))
        rewriter.replace(op, [], values)


def _bool_given(v, cond, taken: bool) -> bool | None:
    """The value of the bool `v` in the branch where `cond` is `taken` (None: not decided by it)."""
    from tsjit.dialects.ts.folding import NotConstant, constant_of

    try:
        value = constant_of(v)
        return value if isinstance(value, bool) else None
    except NotConstant:
        pass
    if v is cond:
        return taken
    for a, b in ((cond, v), (v, cond)):  # one is `not` of the other
        if isinstance(a.owner, Operation) and a.owner.name == "ts.scalar.not" and a.owner.operands[0] is b:
            return not taken
    return None


class KnownIfResult(RewritePattern):
    def match_and_rewrite(self, op, rewriter: PatternRewriter) -> None:
        from tsjit.dialects.ts.constant import ConstantOp
        from tsjit.dialects.ts.types import BoolType

        then_values, else_values = (list(r.block.last_op.operands) for r in (op.then_region, op.else_region))
        for res, a, b in zip(op.output, then_values, else_values):
            if not isinstance(res.type, BoolType) or not res.uses:
                continue
            value = _bool_given(a, op.cond, True)
            if value is not None and value == _bool_given(b, op.cond, False):
                constant = ConstantOp.of(value)
                rewriter.insert_op(constant, InsertPoint.before(op))
                rewriter.replace_all_uses_with(res, constant.results[0])


class DropNoOpCast(RewritePattern):
    def match_and_rewrite(self, op, rewriter: PatternRewriter) -> None:
        if op.value.type == op.result.type:
            rewriter.replace(op, [], [op.value])


class UnreachableNoneCast(RewritePattern):
    """A cast of a value known to be None (an Optional that folding proved None) to a type without
    None sits on a path that cannot run (TorchScript casts only after an `is not None` test): its
    result is never read, ts.uninitialized of the target type, as the importer makes such casts."""

    def match_and_rewrite(self, op, rewriter: PatternRewriter) -> None:
        from tsjit.dialects.ts.misc_ops import UninitializedOp
        from tsjit.dialects.ts.types import NoneType, is_subtype

        if isinstance(op.value.type, NoneType) and not is_subtype(NoneType(), op.result.type):
            rewriter.replace(op, UninitializedOp.create(result_types=[op.result.type]))


#: the metadata ops answered from the value's strides rather than its type alone
LAYOUT_QUERIES = ("ts.stride", "ts.stride_dim", "ts.is_contiguous")


class StaticTensorMetadata(RewritePattern):
    """dim() needs a known rank, size(), size(d) and numel() known dims, dtype (`x.to(y.dtype)`) and
    element_size() a known element type."""

    def match_and_rewrite(self, op, rewriter: PatternRewriter) -> None:
        from tsjit.dialects.ts.constant import ConstantOp
        from tsjit.dialects.ts.folding import NotConstant, constant_of
        from tsjit.dialects.ts.types import DTYPES, SCALAR_TYPE_CODES
        from tsjit.dtypes import numpy_named

        t = op.operands[0].type
        if op.name in ("ts.dtype", "ts.element_size") and isinstance(t, TensorType) and t.element_type is not None:
            name = next((n for n, e in DTYPES.items() if e == t.element_type and n in SCALAR_TYPE_CODES), None)
            if name is not None:
                rewriter.replace(op, ConstantOp.of(SCALAR_TYPE_CODES[name] if op.name == "ts.dtype"
                                                   else numpy_named(name).itemsize))
            return
        if not isinstance(t, TensorType) or t.sizes is None:
            return
        sizes = t.sizes
        if op.name in LAYOUT_QUERIES:
            return  # passes/static_strides.py's StaticLayout
        if op.name == "ts.dim":
            value = len(sizes)
        elif op.name == "ts.size" and DYNAMIC not in sizes:
            value = list(sizes)
        elif op.name == "ts.numel" and DYNAMIC not in sizes:
            value = math.prod(sizes)
        elif op.name == "ts.size_dim":
            try:
                d = constant_of(op.operands[1])
            except NotConstant:
                return
            if not -len(sizes) <= d < len(sizes) or sizes[d] == DYNAMIC:
                return
            value = sizes[d]
        else:
            return
        rewriter.replace(op, ConstantOp.of(value, ListType(IntType()) if isinstance(value, list) else None))


class DeadRunningStats(RewritePattern):
    """The running-stat updates of a training batch_norm go nowhere when the statistic is a copy
    (`ts.clone`) or a constant only this op uses: the operand becomes None (the output uses batch
    statistics)."""

    def match_and_rewrite(self, op, rewriter: PatternRewriter) -> None:
        from tsjit.dialects.ts.constant import ConstantOp
        from tsjit.dialects.ts.folding import NotConstant, constant_of

        try:
            if constant_of(op.operands[5]) is not True:
                return
        except NotConstant:
            return
        for i in (3, 4):
            stat = op.operands[i]
            if isinstance(stat.owner, Operation) and stat.owner.name in ("ts.clone", "ts.constant") and \
                    isinstance(stat.type, TensorType) and stat.has_one_use():
                none = ConstantOp.of(None)
                rewriter.insert_op(none, InsertPoint.before(op))
                op.operands[i] = none.results[0]


def _attach(cls, *patterns: RewritePattern) -> None:
    """Give an op class canonicalization patterns (tables build op classes, so attach after)."""

    class Patterns(HasCanonicalizationPatternsTrait):
        @classmethod
        def get_canonicalization_patterns(cls_):
            return patterns

    cls.traits.add_trait(Patterns())


def install_canonicalizations() -> None:
    from tsjit.dialects.ts.control_flow import IfOp
    from tsjit.dialects.ts.misc_ops import UncheckedCastOp
    from tsjit.dialects.ts.tensor_ops import TENSOR_OP_CLASSES

    _attach(IfOp, InlineConstantIf(), KnownIfResult())
    _attach(UncheckedCastOp, DropNoOpCast(), UnreachableNoneCast())
    for name in ("dim", "size", "size_dim", "numel", "dtype", "element_size"):
        _attach(TENSOR_OP_CLASSES[name], StaticTensorMetadata())
    _attach(TENSOR_OP_CLASSES["batch_norm"], DeadRunningStats())
