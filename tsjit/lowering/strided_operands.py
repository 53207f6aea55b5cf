"""GEMM operands read in place: a temporary that only copies a strided view (`linalg.transpose`
into a fresh buffer, `memref.copy` of a subview) is read from the view's storage instead.

Attention splits heads with a transpose ([b, t, h, d] -> [b, h, t, d]), unbinds q/k/v with
copies and transposes k for `q @ k^T`: each a full pass over a tensor, made only so that a
batched matmul sees contiguous matrices. A GEMM takes a leading dimension and a transpose flag,
and the batch loop computes each matrix's offset, so the matmul can read the source directly
when each matrix has one unit-stride dimension. Chains (a copy of a subview of a transposed
buffer) compose; the copies left without readers are erased after the rewrites.

The source must not be written between the copy and the matmul (else the copy's snapshot would
differ from what the matmul reads); any op in between that may write it keeps the copy.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from xdsl.dialects import func, memref
from xdsl.dialects.builtin import MemRefType, NoneAttr
from xdsl.dialects.linalg import ops as linalg
from xdsl.ir import Operation, SSAValue

from tsjit.lowering.call_matching import contiguous
from tsjit.lowering.library_calls import VIEWS, root
from tsjit.lowering.runtime_functions import WRITES


@dataclass(frozen=True)
class Strided:
    """Element (i0, i1, ...) of the operand is `buffer`'s flat element offset + sum(i_k * strides[k])."""

    buffer: SSAValue
    offset: int
    strides: tuple[int, ...]
    copies: tuple[Operation, ...]
    """the copies (transpose or memref.copy) this access bypasses, innermost first"""


def _contiguous_strides(shape) -> list[int]:
    return [math.prod(shape[i + 1:]) for i in range(len(shape))]


def _layout(value: SSAValue) -> tuple[int, list[int]] | None:
    """(offset, strides) of a view into its root's flat storage, when static."""
    t = value.type
    if not isinstance(t, MemRefType):
        return None
    if isinstance(t.layout, NoneAttr):
        return 0, _contiguous_strides(t.get_shape())
    try:
        offset, strides = t.get_offset(), list(t.get_strides())
    except Exception:  # noqa: BLE001 - a layout xDSL cannot describe as strides
        return None
    if not isinstance(offset, int) or not all(isinstance(s, int) for s in strides):
        return None
    return offset, strides


def _writer(buffer: SSAValue) -> tuple[Operation, SSAValue, list[int], SSAValue] | None:
    """The one op writing all of the alloc `buffer`, directly or through a reshaped view of it (a
    transpose or copy: op, source, permutation, the destination it writes)."""
    if not isinstance(buffer.owner, memref.AllocOp):
        return None
    writers = []
    for view in _whole_views(buffer):
        for use in view.uses:
            op = use.operation
            if isinstance(op, linalg.TransposeOp) and op.outputs[0] is view:
                writers.append((op, op.inputs[0], list(op.permutation.get_values()), view))
            elif isinstance(op, memref.CopyOp) and op.destination is view:
                writers.append((op, op.source, list(range(len(view.type.get_shape()))), view))
            elif op.name in _RESHAPES and op.operands[0] is view:
                continue
            elif not _only_reads(op, view):
                return None
    return writers[0] if len(writers) == 1 else None


_RESHAPES = ("memref.expand_shape", "memref.collapse_shape")


def _whole_views(buffer: SSAValue) -> list[SSAValue]:
    """`buffer` and its contiguous reshapes (each covering all of its storage, in the same order)."""
    views, k = [buffer], 0
    while k < len(views):
        for use in views[k].uses:
            op = use.operation
            if op.name in _RESHAPES and op.operands[0] is views[k] and contiguous(op.results[0].type):
                views.append(op.results[0])
        k += 1
    return views


def _only_reads(op: Operation, value: SSAValue) -> bool:
    """Whether `op` (a user of `value`) only reads it (or frees it)."""
    if isinstance(op, memref.DeallocOp | memref.LoadOp) or op.name in VIEWS:
        return op.name not in VIEWS or all(_only_reads(u.operation, r) for r in op.results for u in r.uses)
    if isinstance(op, linalg.LinalgStructuredOperation):
        return all(v is not value for v in op.outputs)
    if isinstance(op, memref.CopyOp):
        return op.destination is not value
    return False


def _writes(op: Operation, buffer: SSAValue) -> bool:
    """Whether `op` may write the storage of `buffer` (a root), conservatively."""
    if isinstance(op, linalg.LinalgStructuredOperation):
        return any(root(v) is buffer for v in op.outputs)
    if op.regions:
        return any(_writes(inner, buffer) for region in op.regions for block in region.blocks for inner in block.ops)
    if isinstance(op, memref.CopyOp):
        return root(op.destination) is buffer
    if isinstance(op, memref.StoreOp):
        return root(op.memref) is buffer
    if isinstance(op, func.CallOp):  # a run-time call writes the pointers WRITES names; others may write any
        written = WRITES.get(op.callee.root_reference.data)
        memrefs = [v for v in op.operands if isinstance(v.type, MemRefType)]
        return any(root(v) is buffer for i, v in enumerate(memrefs) if written is None or i in written)
    if op.name in VIEWS or isinstance(op, memref.LoadOp):
        return False
    return any(isinstance(v.type, MemRefType) and root(v) is buffer for v in op.operands)  # unknown: may write


def _unwritten(buffers: list[SSAValue], after: Operation, before: Operation, skip: Operation) -> bool:
    """No op strictly between `after` and `before` (one block) writes any of `buffers`."""
    if after.parent_block() is not before.parent_block():
        return False
    op = after.next_op
    while op is not None and op is not before:
        if op is not skip and any(_writes(op, b) for b in buffers):
            return False
        op = op.next_op
    return op is before


def _compose(shape, offset: int, strides: list[int], dims, src: SSAValue, perm: list[int]):
    """An access (offset, strides over `dims`) into a contiguous buffer of `shape` written as
    dst[i] = src[i permuted], as an access into src's root storage; None if it is not strided."""
    layout = _layout(src)
    if layout is None:
        return None
    src_offset, src_strides = layout
    contig = _contiguous_strides(shape)
    start, rest = [], offset
    for c in contig:
        start.append(rest // c if c else 0)
        rest = rest % c if c else rest
    new_offset = src_offset + sum(i * src_strides[perm[m]] for m, i in enumerate(start))
    new_strides = []
    for size, s in zip(dims, strides):
        if size == 1:
            new_strides.append(0)
            continue
        at = [j for j in range(len(shape)) if contig[j] == s and shape[j] > 1]
        if len(at) != 1 or start[at[0]] + size > shape[at[0]]:
            return None
        new_strides.append(src_strides[perm[at[0]]])
    return new_offset, new_strides


def strided(operand: SSAValue, user: Operation) -> Strided | None:
    """The operand of `user` (a contiguous temporary) as a strided read of the storage its copies
    came from, or None when it is not a copy or the source may change before `user`."""
    dims = list(operand.type.get_shape())
    buffer, offset, strides = operand, 0, _contiguous_strides(dims)
    copies: list[Operation] = []
    while True:
        found = _writer(buffer)
        if found is None or not contiguous(buffer.type):
            break
        op, src, perm, dest = found
        composed = _compose(dest.type.get_shape(), offset, strides, dims, src, perm)
        source = root(src)
        if composed is None or not contiguous(source.type) or source.type.element_type != operand.type.element_type:
            break
        if not _unwritten([source, buffer], op, user, op):
            break
        copies.append(op)
        (offset, strides), buffer = composed, source
    if not copies:
        return None
    return Strided(buffer, offset, tuple(strides), tuple(copies))


def matrix_layout(strides: tuple[int, ...], rows: int, cols: int) -> tuple[int, bool] | None:
    """(leading dimension, transposed?) of a rows x cols matrix with these last two strides, as a
    GEMM takes it: one of the two must be unit, the other at least the matrix's width."""
    s_row, s_col = strides[-2], strides[-1]
    if s_col in (0, 1) and (cols == 1 or s_col == 1) and s_row >= max(1, cols):
        return s_row, False
    if s_row in (0, 1) and (rows == 1 or s_row == 1) and s_col >= max(1, rows):
        return s_col, True
    if rows == 1 and s_col == 1:
        return max(1, cols), False
    if cols == 1 and s_row == 1:
        return max(1, rows), True
    return None


def erase_unread(copies: list[Operation]) -> None:
    """Erase the bypassed copies whose buffers nothing reads any more (and those buffers)."""
    for op in copies:
        if op.parent is None:
            continue
        dest = op.outputs[0] if isinstance(op, linalg.TransposeOp) else op.destination
        buffer = root(dest)
        views = _whole_views(buffer)
        users = [u.operation for v in views for u in v.uses]
        if not all(o is op or isinstance(o, memref.DeallocOp) or o.name in _RESHAPES for o in users):
            continue
        source = op.inputs[0] if isinstance(op, linalg.TransposeOp) else op.source
        op.detach()
        op.erase()
        _erase_dead_views(source)
        _erase_dead_views(dest)
        for o in [o for o in users if isinstance(o, memref.DeallocOp)]:
            o.detach()
            o.erase()
        alloc = buffer.owner
        if isinstance(alloc, memref.AllocOp) and not alloc.results[0].uses:
            alloc.detach()
            alloc.erase()


def _erase_dead_views(value: SSAValue) -> None:
    """The chain of views ending at `value` that nothing uses any more."""
    while isinstance(value.owner, Operation) and value.owner.name in VIEWS and not value.uses:
        view = value.owner
        value = view.operands[0]
        view.detach()
        view.erase()
