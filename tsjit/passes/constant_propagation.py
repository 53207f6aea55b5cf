"""`ts-constant-propagation`: evaluate ops whose operands are all constants (TorchScript's ConstantPropagation).

What `canonicalize` already does (and this pass reuses): ops with a fold hook (tensor ops run
their numpy kernel, scalar ops their Python function, `ts.is`/`ts.isnot`) fold; `ts.if` on a
constant is inlined; `dim`/`size` of statically shaped tensors become constants.
What it misses, and this pass adds:
- ops without a fold hook that only read (lists, dicts, `len`, `contains`, string ops, ...) run
  through the numpy backend's op table when their result is a scalar, string or list constant;
- `ts.list.construct` of constants becomes a list constant when the list is never mutated;
- `ts.loop` that never runs (constant trip count <= 0 or constant-false start condition) gives
  its initial values;
- values that are mutated in place are never folded, and constants that are mutated are
  never read as constants (`canonicalize` would fold `relu(c)` after `c.add_(1)` with the old `c`).
Errors at run time stay run-time errors: an op whose evaluation raises is left alone.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp, ShapedType
from xdsl.interfaces import HasFolderInterface
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
)
from xdsl.traits import ConstantLike, MemoryEffectKind, get_effects

from tsjit.dialects.ts.canonicalize import (
    LAYOUT_QUERIES, InlineConstantIf, StaticTensorMetadata, UnreachableNoneCast,
)
from tsjit.dialects.ts.constant import ConstantOp, from_python
from tsjit.dialects.ts.control_flow import IfOp, LoopOp
from tsjit.dialects.ts.folding import constant_operands
from tsjit.dialects.ts.types import ListType, TensorType
from tsjit.passes.cse import MutationInfo
from tsjit.passes.static_strides import StaticLayout

_EVAL_ERRORS = (ArithmeticError, ValueError, TypeError, IndexError, KeyError, np.linalg.LinAlgError)


def make_constant(value: Attribute, type: Attribute, like: Operation) -> ConstantOp | None:
    """A verified `ts.constant` of `value` typed `type`, carrying `like`'s location; None if impossible."""
    try:
        op = ConstantOp(value, type)
        op.verify_()
    except Exception:
        return None
    if "loc" in like.attributes:
        op.attributes["loc"] = like.attributes["loc"]
    return op


def _replace_with_constants(op: Operation, values: list[Attribute], rewriter: PatternRewriter) -> None:
    consts = [make_constant(v, r.type, op) for v, r in zip(values, op.results, strict=True)]
    if any(c is None for c in consts):
        return
    rewriter.replace(op, consts, [c.result for c in consts])


def read_only(op: Operation) -> bool:
    """Whether the op's known effects are reads only (it may be evaluated at compile time)."""
    effects = get_effects(op)
    return effects is not None and all(e.kind == MemoryEffectKind.READ for e in effects)


@dataclass
class _Guarded(RewritePattern):
    """Base: skip ops that touch a value mutated in place."""

    mutation: MutationInfo

    def safe(self, op: Operation) -> bool:
        return not op.regions and not op.has_trait(ConstantLike) and not self.mutation.touches_written(op)


class FoldWithHook(_Guarded):
    """Ops with a fold hook: call it (the dialect's own folding, as canonicalize does)."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, HasFolderInterface) or not self.safe(op):
            return
        folded = op.fold()
        if folded is None:
            return
        if all(isinstance(v, SSAValue) for v in folded):
            rewriter.replace(op, [], list(folded))
        elif all(isinstance(v, Attribute) for v in folded):
            _replace_with_constants(op, list(folded), rewriter)


class EvaluateReadOnlyOp(_Guarded):
    """Read-only ops without a fold hook: run the backend's implementation on the constants."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        from tsjit.backends.numpy.table import IMPLS

        impl = IMPLS.get(op.name)
        if (impl is None or impl.env or isinstance(op, HasFolderInterface) or not self.safe(op)
                or not read_only(op) or any(isinstance(r.type, TensorType | ShapedType) for r in op.results)):
            return
        values = constant_operands(op)
        if values is None:
            return
        try:
            result = impl.prepare(op, None)(*values)
        except _EVAL_ERRORS:
            return
        results: list[Any] = [result] if len(op.results) == 1 else list(result or ())
        try:
            attrs = [from_python(v, r.type) for v, r in zip(results, op.results, strict=True)]
        except (ValueError, TypeError):
            return
        _replace_with_constants(op, attrs, rewriter)


class ConstantListConstruct(_Guarded):
    """A list of constant scalars that nobody mutates is a list constant."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if op.name != "ts.list.construct" or self.mutation.touches_written(op):
            return
        if not isinstance(op.results[0].type, ListType) or isinstance(op.results[0].type.element_type, TensorType):
            return
        values = constant_operands(op)
        if values is None:
            return
        try:
            attr = from_python(values, op.results[0].type)
        except (ValueError, TypeError):
            return
        _replace_with_constants(op, [attr], rewriter)


class SkipLoopThatNeverRuns(RewritePattern):
    """ts.loop with a constant trip count <= 0 or a constant-false start condition."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, LoopOp):
            return
        trip, cond = op.max_trip_count.owner, op.start_cond.owner
        never = ((isinstance(trip, ConstantOp) and trip.py_value <= 0)
                 or (isinstance(cond, ConstantOp) and not cond.py_value))
        if never:
            rewriter.replace(op, [], list(op.init))


class _OpKind(RewritePattern):
    """Apply a dialect canonicalization pattern only to the ops it is written for."""

    def __init__(self, names: tuple[str, ...], pattern: RewritePattern):
        self.names, self.pattern = names, pattern

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if op.name in self.names:
            self.pattern.match_and_rewrite(op, rewriter)


def constant_propagation(module: Operation) -> None:
    """Run the patterns to a fixpoint; the alias analysis is refreshed after each round."""
    while True:
        mutation = MutationInfo(module)
        walker = PatternRewriteWalker(GreedyRewritePatternApplier([
            FoldWithHook(mutation),
            EvaluateReadOnlyOp(mutation),
            ConstantListConstruct(mutation),
            SkipLoopThatNeverRuns(),
            _OpKind((IfOp.name,), InlineConstantIf()),
            _OpKind(("ts.unchecked_cast",), UnreachableNoneCast()),  # an Optional the inlined `if` proved None
            _OpKind(("ts.dim", "ts.size", "ts.size_dim", "ts.numel"), StaticTensorMetadata()),
            _OpKind(LAYOUT_QUERIES, StaticLayout()),
        ]))
        if not walker.rewrite_module(module):
            return


@dataclass(frozen=True)
class TsConstantPropagationPass(ModulePass):
    """Evaluate everything that only depends on constants."""

    name = "ts-constant-propagation"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        constant_propagation(op)
