"""ts-bufferize's rule for element reads inside linalg bodies (the gathers of tsjit/lowering/gather.py).

A gather's `linalg.generic` reads its source with `tensor.extract` in the body, at indices the body
computes: the source is no operand of the generic. Bufferizing the generic turns each such read
into a `memref.load` of the source's buffer, and counts the source as read by the op, so the op
never writes its result in place into a buffer the body reads.
"""
from __future__ import annotations

from xdsl.dialects import memref, tensor
from xdsl.ir import Operation, SSAValue
from xdsl.rewriter import Rewriter


def _defined_in(v: SSAValue, op: Operation) -> bool:
    owner = v.owner if isinstance(v.owner, Operation) else v.owner.parent_op()
    return owner is not None and op.is_ancestor(owner)


def _reads(op: Operation) -> list[tensor.ExtractOp]:
    return [o for o in op.walk() if o is not op and isinstance(o, tensor.ExtractOp) and not _defined_in(o.tensor, op)]


def read_tensors(op: Operation) -> list[SSAValue]:
    """The tensors defined outside `op` that its regions read element by element."""
    return [o.tensor for o in _reads(op)]


def to_loads(bz, op: Operation) -> None:
    """Each such read becomes a load of the tensor's buffer (`bz` is the function's bufferizer)."""
    for read in _reads(op):
        Rewriter.replace_op(read, memref.LoadOp.get(bz._read(read.tensor), read.indices))
