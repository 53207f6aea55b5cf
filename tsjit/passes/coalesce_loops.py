"""`ts-coalesce-loops`: an innermost loop over a whole contiguous dimension merges with its parent.

After ts-linalg-to-loops an elementwise op over a 1x192x28x28 tensor is a nest whose innermost
loop runs 28 times; the C compiler vectorizes it as one 16-lane vector plus a scalar remainder of
12 (or as 4-lane vectors), per row. When every access in the inner body indexes a buffer with the
parent's induction variable at some dimension and the inner one at the next, over that whole
next dimension (`for i in [lo, hi): for j in [0, B)` with B the dimension's size), the two loops
are one loop over `[lo * B, hi * B)` of the buffer with those dimensions merged (a
`memref.collapse_shape` view): 784 iterations, 49 whole vectors. MLIR's affine-loop-coalescing does
this with index arithmetic (div/mod by B); through the views, the accesses stay unit-stride.

The iteration order is unchanged, so any body coalesces (reductions too: the result is the same,
summed in the same order). Repeats while it applies (a whole 4-d tensor becomes one loop). Loops
with carried values, non-unit steps, an inner lower bound not 0, accesses through non-identity
layouts or dynamic shapes, and any other use of the induction variables are left as they are.
"""
from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith, memref, scf
from xdsl.dialects.builtin import ArrayAttr, IndexType, IntegerAttr, MemRefType, ModuleOp, NoneAttr, i64
from xdsl.ir import Operation, SSAValue
from xdsl.passes import ModulePass

from tsjit.lowering.loops import PARALLEL, WORK, defined_outside


@dataclass(frozen=True)
class TsCoalesceLoopsPass(ModulePass):
    """Innermost scf.for over a whole contiguous dimension + its parent -> one loop over both."""

    name = "ts-coalesce-loops"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        changed = True
        while changed:
            changed = False
            for inner in [o for o in op.walk() if isinstance(o, scf.ForOp)]:
                if inner.parent is not None and _coalesce(inner):
                    changed = True


def _const(v: SSAValue) -> int | None:
    owner = v.owner
    if isinstance(owner, arith.ConstantOp) and isinstance(owner.value, IntegerAttr):
        return owner.value.value.data
    return None


def _accesses(inner: scf.ForOp, i: SSAValue, j: SSAValue) -> list[tuple[Operation, int]] | None:
    """(access, dimension of i) for the loads/stores of the body using the induction variables, all at
    (d, d + 1) of a static identity-layout buffer defined outside, j over all of dimension d + 1;
    None when some use does not fit."""
    trips = _const(inner.ub)
    found: list[tuple[Operation, int]] = []
    for op in inner.body.walk():
        if isinstance(op, scf.ForOp):
            return None
        if not isinstance(op, memref.LoadOp | memref.StoreOp):
            if any(v is i or v is j for v in op.operands):
                return None
            continue
        if isinstance(op, memref.StoreOp) and (op.value is i or op.value is j):
            return None
        idx = list(op.indices)
        if not any(v is i or v is j for v in idx):
            continue
        t = op.memref.type
        if not isinstance(t, MemRefType) or not isinstance(t.layout, NoneAttr) or any(s < 0 for s in t.get_shape()):
            return None
        where = [p for p, v in enumerate(idx) if v is i or v is j]
        if len(where) != 2 or idx[where[0]] is not i or where[1] != where[0] + 1 or idx[where[1]] is not j:
            return None
        if t.get_shape()[where[1]] != trips or not defined_outside(op.memref, inner.parent_op()):
            return None
        found.append((op, where[0]))
    return found


def _coalesce(inner: scf.ForOp) -> bool:
    outer = inner.parent_op()
    if not isinstance(outer, scf.ForOp) or inner.iter_args or outer.iter_args:
        return False
    body = [o for o in outer.body.block.ops]
    if len(body) != 2 or body[0] is not inner or not isinstance(body[1], scf.YieldOp):
        return False
    if _const(inner.lb) != 0 or _const(inner.step) != 1 or _const(outer.step) != 1 or _const(inner.ub) is None:
        return False
    if WORK in outer.attributes or WORK in inner.attributes:
        return False
    i, j = outer.body.block.args[0], inner.body.block.args[0]
    found = _accesses(inner, i, j)
    if found is None:
        return False
    trips = _const(inner.ub)
    before: list[Operation] = []
    views: dict[tuple[SSAValue, int], SSAValue] = {}

    factor: list[SSAValue] = []

    def scaled(v: SSAValue) -> SSAValue:
        if (c := _const(v)) is not None:
            return _index_const(c * trips, before)
        if not factor:
            factor.append(_index_const(trips, before))
        op = arith.MuliOp(v, factor[0])
        before.append(op)
        return op.result

    lb, ub = scaled(outer.lb), scaled(outer.ub)
    for access, d in found:
        key = (access.memref, d)
        if key not in views:
            views[key] = _collapsed(access.memref, d, before)
        idx = list(access.indices)
        new_idx = [*idx[:d], j, *idx[d + 2:]]
        if isinstance(access, memref.LoadOp):
            new = memref.LoadOp.get(views[key], new_idx)
            access.results[0].replace_all_uses_with(new.results[0])
        else:
            new = memref.StoreOp.get(access.value, views[key], new_idx)
        new.attributes.update(access.attributes)
        access.parent_block().insert_op_before(new, access)
        access.detach()
        access.erase()
    step = inner.step if defined_outside(inner.step, outer) else _index_const(1, before)
    loop = scf.ForOp(lb, ub, step, [], inner.detach_region(inner.body))
    loop.attributes.update({k: v for k, v in inner.attributes.items() if k != PARALLEL})
    if PARALLEL in inner.attributes and PARALLEL in outer.attributes:
        loop.attributes[PARALLEL] = inner.attributes[PARALLEL]
    for op in before:  # views and constants before the outermost loop they do not depend on
        anchor = _hoisted(outer, op.operands)
        anchor.parent_block().insert_op_before(op, anchor)
    outer.parent_block().insert_op_before(loop, outer)
    outer.detach()
    outer.erase()
    return True


def _hoisted(outer: scf.ForOp, operands) -> Operation:
    """The outermost loop around `outer` (itself included) that defines none of `operands`."""
    anchor = outer
    while isinstance(parent := anchor.parent_op(), scf.ForOp) and all(defined_outside(v, parent) for v in operands):
        anchor = parent
    return anchor


def _index_const(value: int, before: list[Operation]) -> SSAValue:
    op = arith.ConstantOp(IntegerAttr(value, IndexType()))
    before.append(op)
    return op.result


def _collapsed(buffer: SSAValue, d: int, before: list[Operation]) -> SSAValue:
    """`buffer` viewed with dimensions d and d + 1 merged."""
    shape = buffer.type.get_shape()
    groups = [[k] for k in range(d)] + [[d, d + 1]] + [[k] for k in range(d + 2, len(shape))]
    props = {"reassociation": ArrayAttr([ArrayAttr([IntegerAttr(k, i64) for k in g]) for g in groups])}
    new_shape = [*shape[:d], shape[d] * shape[d + 1], *shape[d + 2:]]
    op = memref.CollapseShapeOp.create(operands=[buffer], result_types=[MemRefType(buffer.type.element_type, new_shape)],
                                       properties=props)
    before.append(op)
    return op.results[0]
