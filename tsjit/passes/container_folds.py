"""Container work ts-specialize sees through, so the tensors and sizes behind it stay known: a
tensor list built by appends and unpacked at once (torch's `query, key = (x.transpose(1, 0) for x
in (query, key))`), and the length of a list or dict built in place (`any(len(m._forward_hooks)
... for m in self.modules())` in TransformerEncoderLayer, whose loop then unrolls).
"""
from __future__ import annotations

from xdsl.dialects.func import FuncOp
from xdsl.ir import Operation

from tsjit.dialects.ts.constant import ConstantOp
from tsjit.dialects.ts.types import DYNAMIC, TensorType


def forward_appended_unpacks(func: FuncOp) -> None:
    """`l = []; l.append(a); l.append(b); x, y = l` with nothing else using the list: x is a, y is b
    (torch's `query, key = (x.transpose(1, 0) for x in (query, key))`), so they keep their shapes.
    fold_list_appends leaves lists of tensors alone; this forwards them only into their unpack."""
    for op in list(func.walk()):
        if op.name != "ts.list.unpack" or getattr(op.operands[0].owner, "name", "") != "ts.list.construct":
            continue
        construct, block = op.operands[0].owner, op.parent_block()
        users = [use.operation for use in op.operands[0].uses]
        appends = [u for u in users if u is not op]
        if construct.parent_block() is not block or any(
                u.name != "ts.list.append" or u.parent_block() is not block or u.operands[1] is op.operands[0]
                or not u.is_before_in_block(op) for u in appends):
            continue
        pieces = [*construct.operands, *(a.operands[1] for a in sorted(appends, key=_position))]
        if len(pieces) != len(op.results):
            continue
        for res, value in zip(op.results, pieces):
            res.replace_all_uses_with(value)
        for dead in (op, *appends, construct):
            dead.detach()
            dead.erase()


def _position(op: Operation) -> int:
    return list(op.parent_block().ops).index(op)



def fold_lengths(func: FuncOp) -> None:
    """`len([a, b])` is 2 and `len({})` is 0 when nothing but reads uses the list or dict; `len(x)` of
    a tensor whose first dim is known is that size."""
    for op in list(func.walk()):
        t = op.operands[0].type if op.name == "ts.len" else None
        if isinstance(t, TensorType) and t.sizes and t.sizes[0] != DYNAMIC:  # (a 0-d tensor's len raises)
            const = ConstantOp.of(t.sizes[0], op.results[0].type)
            op.parent_block().insert_op_before(const, op)
            op.results[0].replace_all_uses_with(const.results[0])
            op.detach()
            op.erase()
            continue
        if op.name != "ts.len" or not isinstance(owner := op.operands[0].owner, Operation):
            continue
        if owner.name == "ts.list.construct":
            n = len(owner.operands)
        elif owner.name == "ts.dict.construct" and not owner.operands:
            n = 0
        else:
            continue
        if any(use.operation.name not in ("ts.len", "ts.list.get") for use in owner.results[0].uses):
            continue  # something may change its length
        const = ConstantOp.of(n, op.results[0].type)
        op.parent_block().insert_op_before(const, op)
        op.results[0].replace_all_uses_with(const.results[0])
        op.detach()
        op.erase()
        if not owner.results[0].uses:  # a new list or dict nothing reads any more (DCE keeps allocations)
            owner.detach()
            owner.erase()
