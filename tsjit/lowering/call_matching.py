"""Matching for `ts-contractions-to-calls`: which memref-level contractions a run-time call can
take (contiguous operands of one float type, output not aliasing an input), and the ops around
one that the rewrite folds in: the zero fill before it (beta = 0), a transposed temporary operand
(the transpose flag), the elementwise op after it (its epilogue, run per block), in place or
not, and the zero-padded copy of its input (for calls that imply the padding).
"""
from __future__ import annotations

import math

from xdsl.dialects import arith, memref
from xdsl.dialects.builtin import Float32Type, Float64Type, MemRefType, NoneAttr
from xdsl.dialects.linalg import ops as linalg
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.ir.affine import AffineMap
from xdsl.traits import is_side_effect_free

from tsjit.lowering.library_calls import VIEWS, root
from tsjit.lowering.loops import EPILOGUE

FLOATS = (Float32Type, Float64Type)
"""Element types the run-time calls take."""
_MOVABLE = (memref.GetGlobalOp, memref.AllocOp)


def contiguous(t: Attribute) -> bool:
    """A row-major memref with no offset: its flat storage is the matrix storage."""
    if not isinstance(t, MemRefType) or type(t.element_type) not in FLOATS:
        return False
    if isinstance(t.layout, NoneAttr):
        return True
    shape = t.get_shape()
    strides = [math.prod(shape[i + 1:]) for i in range(len(shape))]
    return t.get_offset() == 0 and list(t.get_strides()) == strides


def operands_ok(c: Operation) -> bool:
    values = [*c.inputs, *c.outputs]
    if not all(contiguous(v.type) for v in values):
        return False
    if len({type(v.type.element_type) for v in values}) != 1:
        return False
    out = root(c.outputs[0])
    return all(root(v) is not out for v in c.inputs)


def untransposed(value: SSAValue, user: Operation) -> tuple[SSAValue, bool, list[Operation]]:
    """(stored matrix, transposed?, ops to erase): see through a `linalg.transpose` [1, 0] temporary."""
    alloc = value.owner
    if not isinstance(alloc, memref.AllocOp) or len(value.type.get_shape()) != 2:
        return value, False, []
    users = [u.operation for u in value.uses]
    transposes = [u for u in users if isinstance(u, linalg.TransposeOp)]
    rest = [u for u in users if not isinstance(u, (linalg.TransposeOp, memref.DeallocOp)) and u is not user]
    if len(transposes) != 1 or rest or len([u for u in users if u is user]) != 1:
        return value, False, []
    t = transposes[0]
    if t.outputs[0] is not value or list(t.permutation.get_values()) != [1, 0] or t.parent_block() is not \
            user.parent_block() or not contiguous(t.inputs[0].type):
        return value, False, []
    deallocs = [u for u in users if isinstance(u, memref.DeallocOp)]
    return t.inputs[0], True, [t, *deallocs, alloc]


def is_zero(value: SSAValue) -> bool:
    """Whether `value` is an arith.constant 0."""
    op = value.owner
    return isinstance(op, arith.ConstantOp) and getattr(op.value, "value", None) is not None \
        and op.value.value.data == 0


def zero_fill(c: Operation) -> Operation | None:
    """The `linalg.fill` of 0 that last wrote the contraction's output, if nothing touched it since."""
    out = root(c.outputs[0])
    prev = c.prev_op
    while prev is not None:
        if isinstance(prev, linalg.FillOp) and root(prev.outputs[0]) is out:
            if is_zero(prev.inputs[0]) and prev.outputs[0] is c.outputs[0]:
                return prev
            return None
        if prev.regions or any(isinstance(v.type, MemRefType) and root(v) is out for v in prev.operands):
            return None
        prev = prev.prev_op
    return None


def _next_linalg(c: Operation) -> tuple[Operation | None, list[Operation]]:
    """The linalg op after c and the harmless ops between them (None: another op is between)."""
    between, nxt = [], c.next_op
    while nxt is not None and not isinstance(nxt, linalg.LinalgStructuredOperation):
        if not (is_side_effect_free(nxt) or isinstance(nxt, _MOVABLE)) or nxt.regions:
            return None, []
        between.append(nxt)
        nxt = nxt.next_op
    return nxt, between


def _hoist(c: Operation, ops: list[Operation]) -> None:
    for op in ops:
        op.detach()
        c.parent_block().insert_op_before(op, c)


def epilogue(c: Operation) -> Operation | None:
    """The `ts.epilogue` generic writing c's output after it; harmless ops between move before c."""
    nxt, between = _next_linalg(c)
    if not isinstance(nxt, linalg.GenericOp) or EPILOGUE not in nxt.attributes \
            or nxt.outputs[0] is not c.outputs[0] or len(nxt.outputs) != 1:
        return None
    out = root(c.outputs[0])
    if any(isinstance(v.type, MemRefType) and root(v) is out for v in nxt.inputs):
        return None
    _hoist(c, between)
    return nxt


def consumer(c: Operation, shape: tuple[int, ...]) -> Operation | None:
    """An elementwise generic after c that reads c's output (contiguous, viewed with `shape`, its
    iteration space) point for point into another buffer c does not read: run on a block of c's
    output right after the block is computed, it gives the same values (an epilogue that is not in
    place: a grouped convolution's result reaches its bias/ReLU through a collapse_shape, which
    ts-fuse-elementwise does not see through). Harmless ops between move before c."""
    nxt, between = _next_linalg(c)
    if not isinstance(nxt, linalg.GenericOp) or EPILOGUE in nxt.attributes or len(nxt.outputs) != 1 \
            or any(it.data != linalg.IteratorType.PARALLEL for it in nxt.iterator_types):
        return None
    maps = [m.data for m in nxt.indexing_maps]
    identity = AffineMap.identity(len(shape))
    out, dest = root(c.outputs[0]), root(nxt.outputs[0])
    reads = [(v, m) for v, m in zip(nxt.inputs, maps) if isinstance(v.type, MemRefType) and root(v) in (out, dest)]
    if maps[-1] != identity or tuple(nxt.outputs[0].type.get_shape()) != shape \
            or not any(root(v) is out for v, _ in reads) \
            or any(m != identity or not contiguous(v.type) or tuple(v.type.get_shape()) != shape for v, m in reads) \
            or dest is out or any(root(v) is dest for v in c.inputs):
        return None
    _hoist(c, between)
    return nxt


def padded_copy(c: Operation) -> tuple[SSAValue, tuple[int, int], list[Operation]] | None:
    """When c's input (an expand_shape view, c its only reader) is a buffer made just for c (alloc,
    zero fill, copy of a contiguous NCHW source into its interior, as `tensor.pad` bufferizes):
    (the source, its top and left padding, the ops making the buffer, in erasable order), so that
    a call that implies the zeros can read the source instead."""
    x = c.inputs[0]
    view = x.owner
    if not isinstance(view, memref.ExpandShapeOp) or not x.has_one_use() or not isinstance(view.src.owner, memref.AllocOp):
        return None
    buf = view.src
    fills, subviews, deallocs = [], [], []
    for use in buf.uses:
        u = use.operation
        if isinstance(u, linalg.FillOp):
            fills.append(u)
        elif isinstance(u, memref.SubviewOp):
            subviews.append(u)
        elif isinstance(u, memref.DeallocOp):
            deallocs.append(u)
        elif u is not view:
            return None
    if len(fills) != 1 or len(subviews) != 1 or not is_zero(fills[0].inputs[0]) or fills[0].outputs[0] is not buf \
            or not subviews[0].result.has_one_use():
        return None
    fill, sub = fills[0], subviews[0]
    copy = next(iter(sub.result.uses)).operation
    if not isinstance(copy, memref.CopyOp) or copy.destination is not sub.result or not contiguous(copy.source.type):
        return None
    offsets, strides = list(sub.static_offsets.get_values()), list(sub.static_strides.get_values())
    src = copy.source
    if len(offsets) != 4 or offsets[:2] != [0, 0] or strides != [1] * 4 or sub.offsets or sub.sizes or sub.strides \
            or list(sub.static_sizes.get_values()) != list(src.type.get_shape()) \
            or not _before(fill, copy, lambda op: True) \
            or not _before(copy, c, lambda op: _leaves(op, root(src))):
        return None
    return src, (offsets[2], offsets[3]), [view, copy, sub, fill, *deallocs, buf.owner]


def _before(first: Operation, last: Operation, allowed) -> bool:
    """Whether `first` comes before `last` in one block, every op between them `allowed`."""
    op = first.next_op
    while op is not None and op is not last:
        if not allowed(op):
            return False
        op = op.next_op
    return op is last


def _leaves(op: Operation, buffer: SSAValue) -> bool:
    """Whether `op` certainly does not write `buffer` (harmless, or a fill of another buffer)."""
    if isinstance(op, linalg.FillOp):
        return root(op.outputs[0]) is not buffer
    return (is_side_effect_free(op) or isinstance(op, _MOVABLE)) and not op.regions


def only_read_by(buffer: SSAValue, readers: set[Operation]) -> bool:
    """Whether no op but `readers` uses `buffer` (through views), zero fills and deallocs aside."""
    pending = [buffer]
    while pending:
        for use in pending.pop().uses:
            user = use.operation
            if user.name in VIEWS:
                pending.extend(user.results)
            elif user not in readers and not isinstance(user, linalg.FillOp | memref.DeallocOp):
                return False
    return True
