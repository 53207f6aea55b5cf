"""A `ts.loop` whose condition is computed at run time (`while bool(x.sum() > 1):`) -> `scf.while`.

TorchScript's loop runs while `iteration < max_trip` and the last condition is true; its body
takes the iteration number and the carried values and gives the next condition and values. As
`scf.while` it carries (iteration: i64, condition: i1, values...):

    %r:n+2 = scf.while (%i = 0, %c = %start, %v = %init) : (i64, i1, T) -> (i64, i1, T) {
      %go = arith.andi %c, (%i < %max_trip)     // just %c for `while` (max_trip = INT64_MAX)
      scf.condition(%go) %i, %c, %v
    } do {
    ^bb(%i, %c, %v):
      ... the lowered body (as control_flow._lower_region lowers a for loop's) ...
      scf.yield %i + 1, %again, %v1
    }

A `while` loop whose body does not read the iteration number does not carry it. The before
region only tests scalars, so the carried tensors pass through it unchanged: ts-bufferize
gives each one buffer for the whole loop as it does an `scf.for` iter_arg. Carried values keep
their static type across iterations (else the loop stays at the ts level with the reason), and
the body lowers whole or not at all, as a for loop's.
"""
from __future__ import annotations

from xdsl.builder import Builder
from xdsl.dialects import arith, scf
from xdsl.dialects.builtin import i1, i64
from xdsl.ir import Block, Region
from xdsl.rewriter import InsertPoint, Rewriter

from tsjit.dialects.ts.folding import NotConstant, constant_of
from tsjit.lowering.generic_builder import constant
from tsjit.lowering.table import Lower, NotLowerable

INT64_MAX = (1 << 63) - 1


def _unbounded(op) -> bool:
    """A `while` loop: max_trip is INT64_MAX, the iteration count needs no test."""
    try:
        return int(constant_of(op.max_trip_count)) >= INT64_MAX
    except (NotConstant, TypeError):
        return False


def lower_while(op, lower: Lower):
    """`ts.loop` with a run-time condition -> `scf.while` (see the module docstring)."""
    from tsjit.lowering.control_flow import _abandon, _lower_region, builtin_of

    body = op.body.block
    inits = [lower.value(v) for v in op.init]
    types = [builtin_of(r.type) for r in op.output]
    if [v.type for v in inits] != types:
        raise NotLowerable("a carried value changes type between iterations")
    b = lower.builder
    unbounded = _unbounded(op)
    counts = int(not unbounded or bool(body.args[0].uses))  # 0: the iteration number is not carried
    trip = None if unbounded else lower.scalar(0)
    start = lower.scalar(1)
    carried = [i64] * counts + [i1, *types]
    before, after = Block(arg_types=carried), Block(arg_types=carried)
    first = [constant(b, 0, i64)] if counts else []
    loop = b.insert(scf.WhileOp([*first, start, *inits], carried, Region(before), Region(after)))
    go = before.args[counts]
    if trip is not None:
        below = arith.CmpiOp(before.args[0], trip, "slt")
        both = arith.AndIOp(go, below.result)
        before.add_ops([below, both])
        go = both.result
    before.add_op(scf.ConditionOp(go, *before.args))
    iteration = after.args[0] if counts else constant(Builder(InsertPoint.at_end(after)), 0, i64)
    try:
        _lower_region(body, after, [iteration, *after.args[counts + 1:]], lower.mapping)
    except NotLowerable as e:
        _abandon(loop)
        raise NotLowerable(f"loop body: {e}") from None
    if not counts:
        Rewriter.erase_op(iteration.owner)  # the placeholder the body does not read
    yielded = after.last_op
    if counts:
        one = arith.ConstantOp.from_int_and_width(1, i64)
        step = arith.AddiOp(after.args[0], one.result)
        Rewriter.insert_op([one, step], InsertPoint.before(yielded))
        Rewriter.replace_op(yielded, scf.YieldOp(step.result, *yielded.operands))
    if [v.type for v in after.last_op.operands] != carried:
        _abandon(loop)
        raise NotLowerable("a carried value changes type between iterations")
    return list(loop.results[counts + 1:])
