"""Memref linalg ops -> `scf.for` nests over `memref.load/store` (the `ts-linalg-to-loops` pass).

Each linalg op is lowered by xDSL's `convert-linalg-to-loops` pattern (it handles generic and
the named ops we produce: matmul, conv_2d_nchw_fchw, fill, transpose, through their
indexing maps; `pooling_nchw_max` is generalized first, its xDSL body being wrong). What it cannot do is our contraction epilogues (see ts-fuse-elementwise): a
`linalg.generic {ts.epilogue}` writing in place into the buffer its contraction just wrote.
Here its loop body moves into the contraction's nest, after the reduction loops, inside the
innermost parallel loop, so `relu(x @ w + b)` is one loop nest. This is legal because the
epilogue reads and writes only the output point the enclosing loops just finished (identity
maps over the contraction's parallel dims) and its other operands are read-only here.

A generic reducing over windows (pooling) gets its window loops moved outside its last parallel
loop first, so the innermost loop runs along the output row and vectorises (`_window_loops_outside`).

Every `scf.for` made from a `parallel` iterator gets the unit attribute `tsjit.parallel`: its
iterations touch disjoint output points (ts-bufferize only writes in place at the point read),
so the C backend may run them on several threads or SIMD lanes without a dependence analysis.
Reduction loops are left unmarked. (Not `ts.`-prefixed: the loop level holds nothing of the ts
dialect.)
"""
from __future__ import annotations

from xdsl.dialects import arith, memref, scf
from xdsl.dialects.builtin import AffineMapAttr, ArrayAttr, ModuleOp, UnitAttr
from xdsl.dialects.linalg import ops as linalg
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.ir.affine import AffineBinaryOpExpr, AffineDimExpr, AffineExpr, AffineMap
from xdsl.pattern_rewriter import PatternRewriter
from xdsl.rewriter import Rewriter
from xdsl.traits import is_side_effect_free
from xdsl.transforms.convert_linalg_to_loops import LowerLinalgStructuredOpPattern


_MOVABLE = (memref.GetGlobalOp, memref.AllocOp)

PARALLEL = "tsjit.parallel"
"""Unit attribute of an scf.for whose iterations are independent (a linalg parallel dimension)."""

WORK = "tsjit.work"
"""Integer attribute of a parallel scf.for whose body calls a run-time function: the innermost loop
iterations one of its iterations is worth (the C renderer sizes the thread count by it)."""


#: The attribute ts-fuse-elementwise puts on a linalg.generic it made a contraction's epilogue.
EPILOGUE = "ts.epilogue"

def defined_outside(value: SSAValue, op: Operation) -> bool:
    """`value` is defined outside `op` (a loop): usable before it, invariant in it."""
    owner = value.owner
    at = owner if isinstance(owner, Operation) else owner.parent_op()
    while at is not None:
        if at is op:
            return False
        at = at.parent_op()
    return True


def lower_linalg_to_loops(module: ModuleOp) -> None:
    """Lower every linalg op on memrefs in `module` to loops, fusing marked epilogues. Ops on
    tensors (not bufferized yet) are left as they are, as MLIR's convert-linalg-to-loops does."""
    on_memrefs = [op for op in module.walk() if isinstance(op, linalg.LinalgStructuredOperation) and not op.results]
    for op in [op for op in on_memrefs if isinstance(op, linalg.PoolingNchwMaxOp)]:
        _generalize_max_pooling(op)
    ops = [op for op in module.walk() if isinstance(op, linalg.LinalgStructuredOperation) and not op.results]
    fused_into: dict[Operation, Operation] = {}
    for op in ops:
        if EPILOGUE in op.attributes and (c := _contraction_of(op)) is not None:
            fused_into[op] = c
    contractions = set(fused_into.values())
    ops = [op if op in fused_into or op in contractions else _window_loops_outside(op) for op in ops]
    loops: dict[Operation, scf.ForOp] = {}
    for op in ops:
        loops[op] = lower_op(op)
        if op in fused_into:
            _merge(loops[fused_into[op]], loops[op], _parallel_depth(fused_into[op]))


def _generalize_max_pooling(op: linalg.PoolingNchwMaxOp) -> None:
    """`linalg.pooling_nchw_max` as a generic computing `out = max(out, in)`.

    xDSL 0.74 gives the named op the body `maximumf(in, window)` (upstream MLIR: `max(out, in)`),
    so lowering its own body reads the shape-only window buffer: wrong results.
    """
    block = Block(arg_types=[a.type for a in op.body.block.args])
    block.add_ops([mx := arith.MaximumfOp(block.args[2], block.args[0]), linalg.YieldOp(mx)])
    generic = linalg.GenericOp(
        op.inputs, op.outputs, Region(block), op.get_indexing_maps(),
        op.get_iterator_types(), [r.type for r in op.results],
    )
    generic.attributes.update(op.attributes)
    Rewriter.replace_op(op, generic)


def _dims(expr) -> set[int]:
    if isinstance(expr, AffineDimExpr):
        return {expr.position}
    if isinstance(expr, AffineBinaryOpExpr):
        return _dims(expr.lhs) | _dims(expr.rhs)
    return set()


def _window_loops_outside(op: Operation) -> Operation:
    """A generic reducing over windows (pooling; matmul written as a generic), its reduction
    loops moved outside its last parallel loop when that loop indexes only the innermost
    dimension of every operand: then the innermost loop walks the output contiguously and
    vectorises (an innermost 2x2 window does not). Each output point still sees its window in
    the same order, so results are bit-identical."""
    if not isinstance(op, linalg.GenericOp):
        return op
    iterators = [it.data for it in op.get_iterator_types()]
    p = _parallel_depth(op)
    if p == 0 or p == len(iterators) or any(it == linalg.IteratorType.PARALLEL for it in iterators[p:]):
        return op
    j, maps = p - 1, [m.data for m in op.get_indexing_maps().data]
    if not maps[-1].results or maps[-1].results[-1] != AffineExpr.dimension(j):
        return op
    if any(j in _dims(r) for m in maps for r in m.results[:-1]):
        return op
    order = [*range(j), *range(p, len(iterators)), j]  # new dim k is old dim order[k]
    old_in_new = AffineMap(len(order), 0, tuple(AffineExpr.dimension(order.index(i)) for i in range(len(order))))
    generic = linalg.GenericOp(
        op.inputs, op.outputs, op.detach_region(op.body),
        ArrayAttr(AffineMapAttr(m.compose(old_in_new)) for m in maps),
        ArrayAttr(op.get_iterator_types().data[i] for i in order), [r.type for r in op.results])
    generic.attributes.update({k: v for k, v in op.attributes.items() if k not in ("indexing_maps", "iterator_types")})
    for index in [o for o in generic.body.walk() if isinstance(o, linalg.IndexOp)]:  # loop positions follow
        Rewriter.replace_op(index, linalg.IndexOp(order.index(index.dim.value.data)))
    Rewriter.replace_op(op, generic)
    return generic


def lower_op(op: Operation) -> scf.ForOp | None:
    """Lower one linalg op in place to its loop nest (returned), parallel loops marked."""
    anchor = op.next_op
    iterators = [it.data for it in op.get_iterator_types()]
    LowerLinalgStructuredOpPattern().match_and_rewrite(op, PatternRewriter(op))
    loop = anchor.prev_op if anchor is not None else None
    if not isinstance(loop, scf.ForOp):
        return None
    _mark_parallel(loop, iterators)
    return loop


def _mark_parallel(loop: scf.ForOp, iterators: list) -> None:
    """Mark the loops of the perfect nest at `loop` (one per iterator, outermost first)."""
    for it in iterators:
        if it == linalg.IteratorType.PARALLEL:
            loop.attributes[PARALLEL] = UnitAttr()
        inner = [o for o in loop.body.block.ops if isinstance(o, scf.ForOp)]
        if len(inner) != 1:
            return
        loop = inner[0]


def _parallel_depth(op: Operation) -> int:
    """How many leading loops of `op` are parallel."""
    iters = [it.data for it in op.get_iterator_types()]
    return next((k for k, it in enumerate(iters) if it != linalg.IteratorType.PARALLEL), len(iters))


def _contraction_of(epilogue: Operation) -> Operation | None:
    """The op `epilogue` can be fused behind, after moving harmless ops out of the way."""
    out = epilogue.outputs[0]
    prev = epilogue.prev_op
    between: list[Operation] = []
    while prev is not None and not isinstance(prev, linalg.LinalgStructuredOperation):
        if not (is_side_effect_free(prev) or isinstance(prev, _MOVABLE)):
            return None
        between.append(prev)
        prev = prev.prev_op
    if prev is None or len(prev.outputs) != 1 or prev.outputs[0] is not out:
        return None
    maps = [m.data for m in prev.get_indexing_maps().data]
    rank = len(out.type.get_shape())
    if _parallel_depth(prev) != rank or not _is_leading_identity(maps[-1], rank):
        return None
    for op in reversed(between):  # keep their order, before the contraction
        op.detach()
        prev.parent_block().insert_op_before(op, prev)
    return prev


def _is_leading_identity(amap: AffineMap, rank: int) -> bool:
    return amap == AffineMap(amap.num_dims, 0, tuple(AffineMap.identity(amap.num_dims).results[:rank]))


def _innermost(loop: scf.ForOp, depth: int) -> tuple[Block, list]:
    ivs = []
    block = loop.body.block
    ivs.append(block.args[0])
    for _ in range(depth - 1):
        inner = block.first_op
        assert isinstance(inner, scf.ForOp)
        block = inner.body.block
        ivs.append(block.args[0])
    return block, ivs


def _merge(outer: scf.ForOp | None, epilogue: scf.ForOp | None, depth: int) -> None:
    """Move `epilogue`'s innermost body to the end of `outer`'s depth-th loop body."""
    if outer is None or epilogue is None or depth == 0:
        return
    dest, dest_ivs = _innermost(outer, depth)
    src, src_ivs = _innermost(epilogue, depth)
    for a, b in zip(src_ivs, dest_ivs):
        a.replace_all_uses_with(b)
    terminator = dest.last_op
    for op in list(src.ops)[:-1]:
        op.detach()
        dest.insert_op_before(op, terminator)
    # bound constants of the epilogue nest sit between the two nests: hoist them above it
    between = []
    prev = epilogue.prev_op
    while prev is not None and prev is not outer:
        between.append(prev)
        prev = prev.prev_op
    for op in reversed(between):
        op.detach()
        outer.parent_block().insert_op_before(op, outer)
    epilogue.detach()
    epilogue.erase()
