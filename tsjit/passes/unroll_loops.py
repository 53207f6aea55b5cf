"""`ts-unroll-loops`: fully unroll `ts.loop`s with a small constant trip count (TorchScript's UnrollConstantLoops).

A loop is unrolled when its trip count is a constant below `max-trip-count` (64, as
TorchScript: `range(64)` is kept) and it is a for-loop: the start condition and the condition
its body yields are both the constant `true`. A while-loop with a constant trip count but a
condition computed in the body (a `break`, a `while` lowered with max_trip = INT64_MAX) is
kept: how many iterations run is not known. Loops over `xs.size(0)` have no constant trip
count and are kept. Each copy of the body gets the iteration number as a constant and the
previous copy's carried values; inner loops are unrolled first.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import BlockArgument, Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import GreedyRewritePatternApplier, PatternRewriter, PatternRewriteWalker, RewritePattern
from xdsl.rewriter import InsertPoint

from tsjit.dialects.ts.constant import ConstantOp
from tsjit.dialects.ts.control_flow import LoopOp

MAX_TRIP_COUNT = 64


def _constant(value: SSAValue) -> object:
    return value.owner.py_value if isinstance(value.owner, ConstantOp) else None


def is_for_loop(loop: LoopOp) -> bool:
    """Its start condition and the condition its body yields are both the constant `true`."""
    return _constant(loop.start_cond) is True and _constant(loop.body.block.last_op.cond) is True


def constant_trip_count(loop: LoopOp) -> int | None:
    """The number of iterations of a for-loop with a constant trip count, else None."""
    trip = _constant(loop.max_trip_count)
    if not isinstance(trip, int) or isinstance(trip, bool) or not is_for_loop(loop):
        return None
    return max(trip, 0)


@dataclass
class UnrollConstantLoop(RewritePattern):
    max_trip_count: int = MAX_TRIP_COUNT
    only: Callable[[LoopOp], bool] | None = None  # unroll only the loops this accepts

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, LoopOp) or self.only is not None and not self.only(op):
            return
        n = constant_trip_count(op)
        if n is None or n >= self.max_trip_count:
            return
        values: list[SSAValue] = list(op.init)
        for i in range(n):
            index = ConstantOp.of(i)
            if "loc" in op.attributes:
                index.attributes["loc"] = op.attributes["loc"]
            rewriter.insert(index, InsertPoint.before(op))
            block = op.body.clone().block
            term = block.last_op
            args = [index.result, *values]
            carried = [args[v.index] if isinstance(v, BlockArgument) and v.block is block else v
                       for v in list(term.operands)[1:]]  # a value carried through unchanged
            rewriter.erase(term)
            rewriter.inline_block(block, InsertPoint.before(op), args)
            values = carried
        rewriter.replace(op, [], values)


def computes_no_tensors(loop: LoopOp) -> bool:
    """A loop of scalar and list work only (`[s for _ in range(dim)]`, size products), which
    ts-specialize unrolls to fold; a loop over tensors (a recurrent cell) stays a loop."""
    from tsjit.dialects.ts.types import TensorType

    return not any(isinstance(r.type, TensorType) for op in loop.walk() for r in op.results)


def appends_to_outer_list(loop: LoopOp) -> bool:
    """A loop appending to a list made before it (`ys.append(x * i)` then `torch.stack(ys)`): only
    unrolled does the list have a known number of tensors (each of a known shape)."""
    return any(op.name == "ts.list.append" and not loop.is_ancestor(op.operands[0].owner)
               for op in loop.walk() if op is not loop)


def unknown_length_hint(op: Operation) -> str:
    """Why a tensor list `op` reads has no known length, when a loop appends to it that stays a loop."""
    from tsjit.dialects.ts.types import ListType

    for v in op.operands:
        for use in v.uses if isinstance(v.type, ListType) else ():
            loop = use.operation.parent_op()
            while loop is not None and not isinstance(loop, LoopOp):
                loop = loop.parent_op()
            if use.operation.name == "ts.list.append" and loop is not None:
                loc = loop.attributes.get("loc")
                return (f" (the list is appended to in the loop{f' at {loc.data}' if loc else ''}, whose number of "
                        f"iterations is not a compile-time constant below {MAX_TRIP_COUNT}: a while loop or a `range` "
                        "of a run-time value; only an unrolled loop gives the list a known length)")
    return ""


def must_unroll(loop: LoopOp) -> bool:
    """What ts-specialize unrolls (below the trip-count limit): scalar and list work, and loops that
    only lower unrolled: appending to a list made before them, over a list of tensors made outside them (`for c in x.chunk(3)`: each
    iteration reads another piece) or carrying a value an early `return` leaves uninitialized.
    Other loops over tensors (a recurrent cell) stay loops."""
    from tsjit.dialects.ts.types import ListType, TensorType

    if computes_no_tensors(loop) or appends_to_outer_list(loop):
        return True
    for op in loop.walk():
        if any(isinstance(v.owner, Operation) and v.owner.name == "ts.uninitialized" for v in op.operands):
            return True
        if op.name == "ts.list.get":
            lst = op.operands[0]
            if isinstance(lst.type, ListType) and isinstance(lst.type.element_type, TensorType) \
                    and isinstance(lst.owner, Operation) and not loop.is_ancestor(lst.owner):
                return True
    return False


def unroll_loops(module: Operation, max_trip_count: int = MAX_TRIP_COUNT,
                 only: Callable[[LoopOp], bool] | None = None) -> bool:
    """Unroll every eligible loop (that `only` accepts); returns whether anything changed."""
    return PatternRewriteWalker(
        GreedyRewritePatternApplier([UnrollConstantLoop(max_trip_count, only)], dce_enabled=False),
        walk_regions_first=True,
    ).rewrite_module(module)


@dataclass(frozen=True)
class TsUnrollLoopsPass(ModulePass):
    """Unroll for-loops whose constant trip count is below `max_trip_count`."""

    name = "ts-unroll-loops"

    max_trip_count: int = MAX_TRIP_COUNT

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        unroll_loops(op, self.max_trip_count)
