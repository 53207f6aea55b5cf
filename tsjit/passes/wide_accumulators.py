"""`ts-wide-accumulators`: a reduction accumulated in a loop runs in a register, a float sum in a double.

After ts-linalg-to-loops a reduction such as `x.sum()` or `x.amax(-1)` is an innermost `scf.for`
whose body loads the accumulator `out[i...]`, combines an element with it and stores it back, at
indices the loop does not change. This pass rewrites such a loop to carry the accumulator as an
`iter_arg` (loaded before the loop, stored once after it) and marks it `tsjit.reduction` with the
combining op, so the C renderer lets the compiler vectorize it (`omp simd reduction`: several
lanes, combined at the end; the NaN-propagating float max/min by reductions the prelude declares).
Float sums over at least LONG iterations (or an unknown count) are carried in f64: accumulated in
float32 one element at a time, the sum of 8M values near 100 was 6% off (and `var`, built on it,
500x); an f64 accumulator, as reductions.py makes for float sums, is carried the same way.
Combining ops: addf, maximumf, minimumf (f32, f64); addi, maxsi, minsi (i32, i64). Loops whose body
does anything else with the accumulator are left as they are.
"""
from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith, memref, scf
from xdsl.dialects.builtin import Float32Type, Float64Type, IntegerType, ModuleOp, StringAttr, f64
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from tsjit.lowering.loops import defined_outside

MARK = "tsjit.reduction"
"""the loop's combining op, by name (the C renderer's reduction clause)"""
FLOAT_COMBINE = (arith.AddfOp, arith.MaximumfOp, arith.MinimumfOp)
INT_COMBINE = (arith.AddiOp, arith.MaxSIOp, arith.MinSIOp)


def _same_index(a: SSAValue, b: SSAValue) -> bool:
    """The same value, or two equal constants / affine.apply of the same map and operands."""
    if a is b:
        return True
    x, y = a.owner, b.owner
    return (isinstance(x, Operation) and isinstance(y, Operation) and x.name == y.name
            and x.name in ("arith.constant", "affine.apply") and x.properties == y.properties
            and list(x.operands) == list(y.operands))


def _combinable(op: Operation | None, value_type) -> bool:
    if isinstance(value_type, Float32Type | Float64Type):
        return isinstance(op, FLOAT_COMBINE)
    return isinstance(value_type, IntegerType) and value_type.width.data in (32, 64) and isinstance(op, INT_COMBINE)


def _accumulation(loop: scf.ForOp) -> tuple[memref.LoadOp, Operation, memref.StoreOp] | None:
    """The load / combining op / store of an accumulator at loop-invariant indices, if that is the
    only use of the buffer in an innermost loop without carried values."""
    body = loop.body.block
    if loop.iter_args or any(op.regions for op in body.ops):
        return None
    for store in body.ops:
        if not isinstance(store, memref.StoreOp):
            continue
        combine = store.value.owner
        if not _combinable(combine, store.value.type) or len(list(combine.results[0].uses)) != 1:
            continue
        loads = [v.owner for v in combine.operands if isinstance(v.owner, memref.LoadOp)
                 and v.owner.memref is store.memref and len(v.owner.indices) == len(store.indices)
                 and all(map(_same_index, v.owner.indices, store.indices))]
        if len(loads) != 1 or len(list(loads[0].res.uses)) != 1 or combine.operands[0] is combine.operands[1]:
            continue
        if not all(_invariant(i, loop) for i in store.indices) or not defined_outside(store.memref, loop):
            continue
        users = {use.operation for use in store.memref.uses if use.operation.parent_block() is body}
        if users == {loads[0], store}:  # the body (no nested regions) touches the buffer only here
            return loads[0], combine, store
    return None


def _invariant(v: SSAValue, loop: scf.ForOp) -> bool:
    """Defined outside the loop, or a constant / affine.apply of such values computed in its body
    (the accumulator's `affine_map<() -> (0)>` index)."""
    from xdsl.dialects import affine

    if defined_outside(v, loop):
        return True
    op = v.owner
    return isinstance(op, arith.ConstantOp | affine.ApplyOp) and op.parent_op() is loop and all(
        defined_outside(o, loop) for o in op.operands)


def _hoist(values, loop: scf.ForOp) -> None:
    for v in values:
        if not defined_outside(v, loop):
            v.owner.detach()
            Rewriter.insert_op(v.owner, InsertPoint.before(loop))


LONG = 256
"""An f32 sum is widened to f64 only over at least this many iterations (or an unknown count):
a convolution window's few taps lose nothing, and converting each one would cost time."""


def _trips(loop: scf.ForOp) -> int | None:
    bounds = [v.owner.value.value.data if isinstance(v.owner, arith.ConstantOp) else None
              for v in (loop.lb, loop.ub, loop.step)]
    return None if None in bounds or bounds[2] <= 0 else -(-(bounds[1] - bounds[0]) // bounds[2])


def widen(loop: scf.ForOp) -> bool:
    found = _accumulation(loop)
    if found is None:
        return False
    load, combine, store = found
    trips = _trips(loop)
    narrow_type = store.value.type
    wide = isinstance(combine, arith.AddfOp) and (narrow_type == f64 or trips is None or trips >= LONG)
    _hoist({*store.indices, *load.indices}, loop)
    before = InsertPoint.before(loop)
    initial = memref.LoadOp.get(store.memref, list(store.indices))
    Rewriter.insert_op(initial, before)
    carried = _to_f64(initial.res, before) if wide else initial.res
    body = Block(arg_types=[loop.body.block.args[0].type, carried.type])
    new = scf.ForOp(loop.lb, loop.ub, loop.step, [carried], Region(body))
    new.attributes[MARK] = StringAttr(combine.name)
    for name, attr in loop.attributes.items():
        new.attributes.setdefault(name, attr)
    old_body = loop.body.block
    old_body.args[0].replace_all_uses_with(body.args[0])
    for op in list(old_body.ops):
        if op in (load, combine, store) or isinstance(op, scf.YieldOp):
            continue
        op.detach()
        body.add_op(op)
    yield_ = scf.YieldOp(body.args[1])  # placeholder operand, set below
    body.add_op(yield_)
    operands = [body.args[1] if v is load.res else _to_f64(v, InsertPoint.before(yield_)) if wide else v
                for v in combine.operands]
    total = type(combine)(*operands)
    Rewriter.insert_op(total, InsertPoint.before(yield_))
    yield_.operands = [total.result]
    Rewriter.replace_op(loop, new, [])
    result = new.results[0]
    ops = [arith.TruncFOp(result, narrow_type)] if wide and narrow_type != f64 else []
    value = ops[0].result if ops else result
    Rewriter.insert_op([*ops, memref.StoreOp.get(value, store.memref, list(store.indices))], InsertPoint.after(new))
    return True


def _to_f64(value: SSAValue, at: InsertPoint) -> SSAValue:
    if value.type == f64:
        return value
    wide = arith.ExtFOp(value, f64)
    Rewriter.insert_op(wide, at)
    return wide.result


@dataclass(frozen=True)
class TsWideAccumulatorsPass(ModulePass):
    """Sums, maxima and minima accumulated by a loop through memory -> a loop-carried value (f32 sums: f64)."""

    name = "ts-wide-accumulators"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for loop in [o for o in op.walk() if isinstance(o, scf.ForOp)]:
            widen(loop)

