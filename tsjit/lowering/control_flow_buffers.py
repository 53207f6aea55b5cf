"""ts-bufferize's rules for `scf.for` / `scf.while` / `scf.if` on tensors (tsjit/passes/bufferize.py
calls them).

- Each tensor iter_arg of an `scf.for` gets one buffer for the whole loop: the init's own
  buffer when it is free to overwrite there (an alloc of this function, dead after the loop, not
  read inside it), else a fresh alloc holding a copy of it. The loop keeps only its scalar
  iter_args; the block argument and the result live in that buffer. An `scf.while` whose before
  region only tests scalars (as ts-to-linalg builds it) gets the same: its carried tensors, both
  regions' arguments and results, live in one buffer each.
- Each tensor result of an `scf.if` gets a fresh buffer that both branches write.
- Inside a body the next value is written straight into its buffer when that is safe (the op
  producing it, or the fill its contraction accumulates into, runs after the last read of the
  current value, and reads that buffer only at the point it writes); otherwise `scf.yield`
  copies it there, through a temporary when one carried buffer feeds another (a swap).
- Only the loop's buffers and allocs made inside it may be overwritten inside it; everything
  defined outside is read-only there. Allocs made inside a region are hoisted before the
  outermost region op, so a loop allocates once, not per iteration (and C's arena sees them).
"""
from __future__ import annotations

from xdsl.dialects import memref, scf
from xdsl.dialects.builtin import IndexType, TensorType
from xdsl.dialects.linalg import ops as linalg
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.utils.exceptions import PassFailedException

from tsjit.lowering.body_reads import read_tensors

FOREVER = 1 << 62


def _is_tensor(v: SSAValue) -> bool:
    return isinstance(v.type, TensorType)


def _used_inside(op: Operation) -> set[SSAValue]:
    return {v for inner in op.walk() if inner is not op for v in inner.operands}


def _carried_buffers(bz, op: Operation, inits: list[SSAValue]) -> dict[int, SSAValue]:
    """One buffer per carried tensor of the loop `op`: its init's own, or a fresh copy of it."""
    from tsjit.lowering.buffer_views import memref_of

    inside = _used_inside(op)
    bufs: dict[int, SSAValue] = {}
    for k, init in enumerate(inits):
        if not _is_tensor(init):
            continue
        src = bz._read(init)
        if (src is bz.root[src] and src.type == memref_of(init.type) and bz._free_at(init, op)
                and not any(m in inside for m in bz.members[bz.root[src]])
                and sum(v is init for v in inits) == 1):
            bufs[k] = src
        else:
            bufs[k] = bz._alloc(init.type)
            bz._insert(memref.CopyOp(src, bufs[k]))
    return bufs


def bufferize_for(bz, op: scf.ForOp) -> None:
    bufs = _carried_buffers(bz, op, list(op.iter_args))
    scalars = [k for k in range(len(op.iter_args)) if k not in bufs]
    old = op.body.block
    block = Block(arg_types=[IndexType(), *(old.args[k + 1].type for k in scalars)])
    new = scf.ForOp(op.lb, op.ub, op.step, [op.iter_args[k] for k in scalars], Region(block))
    new.attributes.update(op.attributes)
    bz._insert(new)
    old.args[0].replace_all_uses_with(block.args[0])
    for j, k in enumerate(scalars):
        old.args[k + 1].replace_all_uses_with(block.args[j + 1])
    for k, b in bufs.items():
        bz._bind(old.args[k + 1], b)
    for inner in list(old.ops):
        inner.detach()
        block.add_op(inner)
    _region(bz, block, new, bufs, {old.args[k + 1] for k in bufs})
    for k, b in bufs.items():
        bz._bind(op.results[k], b)
    for j, k in enumerate(scalars):
        op.results[k].replace_all_uses_with(new.results[j])


def bufferize_while(bz, op: scf.WhileOp) -> None:
    """As `scf.for`: one buffer per carried tensor, for the before and after regions' arguments
    and the result alike. The before region may only pass the carried tensors on unchanged (as
    tsjit/lowering/while_loops.py builds it: it tests scalars)."""
    before, after = op.before_region.block, op.after_region.block
    cond = before.last_op
    n = len(op.arguments)
    if not isinstance(cond, scf.ConditionOp) or len(cond.args) != n or len(after.args) != n:
        raise PassFailedException("ts-bufferize: an scf.while whose regions do not carry the same values")
    for k, v in enumerate(op.arguments):
        if _is_tensor(v) and (cond.args[k] is not before.args[k]
                              or any(u.operation is not cond for u in before.args[k].uses)):
            raise PassFailedException("ts-bufferize: an scf.while whose before region computes with a tensor")
    if any(_is_tensor(v) for inner in before.ops for v in (*inner.operands, *inner.results) if inner is not cond):
        raise PassFailedException("ts-bufferize: an scf.while whose before region computes with a tensor")
    bufs = _carried_buffers(bz, op, list(op.arguments))
    scalars = [k for k in range(n) if k not in bufs]
    types = [before.args[k].type for k in scalars]
    new_before, new_after = Block(arg_types=types), Block(arg_types=types)
    new = scf.WhileOp([op.arguments[k] for k in scalars], types, Region(new_before), Region(new_after))
    new.attributes.update(op.attributes)
    bz._insert(new)
    for j, k in enumerate(scalars):
        before.args[k].replace_all_uses_with(new_before.args[j])
        after.args[k].replace_all_uses_with(new_after.args[j])
    for inner in list(before.ops)[:-1]:
        inner.detach()
        new_before.add_op(inner)
    new_before.add_op(scf.ConditionOp(cond.condition, *(cond.args[k] for k in scalars)))
    Rewriter.erase_op(cond)
    for k, b in bufs.items():
        bz._bind(after.args[k], b)
    for inner in list(after.ops):
        inner.detach()
        new_after.add_op(inner)
    _region(bz, new_after, new, bufs, {after.args[k] for k in bufs})
    for k, b in bufs.items():
        bz._bind(op.results[k], b)
    for j, k in enumerate(scalars):
        op.results[k].replace_all_uses_with(new.results[j])
    if not bufs:
        Rewriter.erase_op(op)


def bufferize_if(bz, op: scf.IfOp) -> None:
    bufs = {k: bz._alloc(r.type) for k, r in enumerate(op.results) if _is_tensor(r)}
    scalars = [k for k in range(len(op.results)) if k not in bufs]
    regions = [op.detach_region(r) for r in list(op.regions)]
    new = scf.IfOp(op.cond, [op.results[k].type for k in scalars], *regions)
    new.attributes.update(op.attributes)
    bz._insert(new)
    for region in new.regions:
        if region.blocks:
            _region(bz, region.block, new, bufs)
    for k, b in bufs.items():
        bz._bind(op.results[k], b)
    for j, k in enumerate(scalars):
        op.results[k].replace_all_uses_with(new.results[j])


def _region(bz, block: Block, owner: Operation, bufs: dict[int, SSAValue], args: set[SSAValue] = frozenset()) -> None:
    """Bufferize `block` of the region op `owner`; its scf.yield's tensors go to `bufs`; `args`
    are the carried tensors (block arguments of the loop being replaced)."""
    saved = (bz.last_use, bz.index, bz.at, bz.writable, bz.yield_targets, bz.alloc_at)
    ops = list(block.ops)
    defined = set(block.args) | set(args) | {r for inner in block.walk() for r in inner.results}
    bz.last_use = {}
    for i, inner in enumerate(ops):
        for o in inner.walk():
            for v in o.operands:
                if _is_tensor(v):
                    bz.last_use[v] = i if v in defined else FOREVER
    bz.writable = set(bufs.values())
    bz.yield_targets = _yield_targets(block, bufs)
    bz.alloc_at = bz.alloc_at or owner
    try:
        for i, inner in enumerate(ops):
            bz.index, bz.at = i, inner
            if isinstance(inner, scf.YieldOp):
                _yield(bz, inner, bufs)
            else:
                bz._op(inner)
        for inner in reversed(ops):
            if inner.parent is not None and any(_is_tensor(v) for v in inner.results):
                Rewriter.erase_op(inner)
    finally:
        allocated = bz.writable - set(bufs.values())
        bz.last_use, bz.index, bz.at, bz.writable, bz.yield_targets, bz.alloc_at = saved
        bz.writable = bz.writable | allocated | set(bufs.values())


def _yield_targets(block: Block, bufs: dict[int, SSAValue]) -> dict[SSAValue, SSAValue]:
    """The value each carried buffer should receive, and back through the inits the producing
    linalg op accumulates into (fill, then matmul on it): each may write the buffer directly."""
    term = block.last_op
    targets: dict[SSAValue, SSAValue] = {}
    for k, b in bufs.items():
        v = term.operands[k] if isinstance(term, scf.YieldOp) else None
        while v is not None and v not in targets and isinstance(v.owner, linalg.LinalgStructuredOperation) \
                and v.owner.parent_block() is block:
            targets[v] = b
            producer = v.owner
            init = producer.outputs[list(producer.results).index(v)]
            v = init if init.has_one_use() else None
    return targets


def yield_dest(bz, op: Operation, index: int) -> SSAValue | None:
    """The carried buffer `op` may write its `index`-th result into directly (None: none)."""
    res = op.results[index]
    target = bz.yield_targets.get(res)
    if target is None or any(bz.last_use.get(w, -1) > bz.index for w in bz.members.get(target, [])):
        return None
    init = op.outputs[index]
    elementwise = isinstance(op, linalg.GenericOp) and all(
        it.data == linalg.IteratorType.PARALLEL for it in op.iterator_types)
    maps = op.indexing_maps.data if isinstance(op, linalg.GenericOp) else []
    if any(v in bz.buf and bz.root[bz.buf[v]] is target for v in read_tensors(op)):
        return None  # a gather whose body reads the carried buffer at other points
    for k, v in enumerate(op.operands):
        if not _is_tensor(v) or v not in bz.buf or bz.root[bz.buf[v]] is not target:
            continue
        if v is init and bz.buf[v] is target:
            continue  # accumulating into it
        if elementwise and k < len(op.inputs) and bz.buf[v] is target and v.type == res.type \
                and maps[k] == maps[len(op.inputs) + index]:
            continue  # read at the point written
        return None
    return target


def _yield(bz, op: scf.YieldOp, bufs: dict[int, SSAValue]) -> None:
    copies = [(bz._read(op.operands[k]), b) for k, b in bufs.items() if bz._read(op.operands[k]) is not b]
    written = {b for _, b in copies}
    staged = []
    for src, b in copies:  # a source living in a buffer that is written here goes through a temporary
        if bz.root[src] in written:
            tmp = bz._alloc(op.operands[next(k for k in bufs if bufs[k] is b)].type)
            bz._insert(memref.CopyOp(src, tmp))
            src = tmp
        staged.append((src, b))
    for src, b in staged:
        bz._insert(memref.CopyOp(src, b))
    bz._insert(scf.YieldOp(*(v for k, v in enumerate(op.operands) if k not in bufs)))
    Rewriter.erase_op(op)


def insert_alloc(bz, alloc: Operation) -> None:
    """Allocs go before the outermost region op being bufferized (else before the current op)."""
    Rewriter.insert_op(alloc, InsertPoint.before(bz.alloc_at or bz.at))
