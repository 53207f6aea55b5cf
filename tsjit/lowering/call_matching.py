"""Matching for `ts-contractions-to-calls`: which memref-level contractions a run-time call can
take (contiguous operands of one float type, output not aliasing an input), and the ops around
one that the rewrite folds in: the zero fill before it (beta = 0), a transposed temporary operand
(the transpose flag), and the elementwise op after it (its epilogue, run per block), in place or
not.
"""
from __future__ import annotations

import math

from xdsl.dialects import arith, memref
from xdsl.dialects.builtin import Float32Type, Float64Type, MemRefType, NoneAttr
from xdsl.dialects.linalg import ops as linalg
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.ir.affine import AffineMap
from xdsl.traits import is_side_effect_free

from tsjit.lowering.library_calls import root
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


def zero_fill(c: Operation) -> Operation | None:
    """The `linalg.fill` of 0 that last wrote the contraction's output, if nothing touched it since."""
    out = root(c.outputs[0])
    prev = c.prev_op
    while prev is not None:
        if isinstance(prev, linalg.FillOp) and root(prev.outputs[0]) is out:
            value = prev.inputs[0].owner
            if isinstance(value, arith.ConstantOp) and getattr(value.value, "value", None) is not None \
                    and value.value.value.data == 0 and prev.outputs[0] is c.outputs[0]:
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
