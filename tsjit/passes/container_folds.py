"""Container work ts-specialize sees through, so the tensors and sizes behind it stay known: a
tensor list built by appends and unpacked at once (torch's `query, key = (x.transpose(1, 0) for x
in (query, key))`), the length of a list or dict built in place (`any(len(m._forward_hooks)
... for m in self.modules())` in TransformerEncoderLayer, whose loop then unrolls), and a dict with
constant keys read and written in one block (`d = {'a': x}; d['b'] = y; d['a'] + d['b']`).
"""
from __future__ import annotations

from xdsl.dialects.func import FuncOp
from xdsl.ir import Operation

from tsjit.dialects.ts.constant import ConstantOp
from tsjit.dialects.ts.folding import NotConstant, constant_of
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



def fold_lengths(func: FuncOp, pieces: dict | None = None) -> None:
    """`len([a, b])` is 2 and `len({})` is 0 when nothing but reads uses the list or dict; so is
    the length of a list whose `pieces` (ts-specialize's tensors of `x.chunk(3)`) are known, and
    `len(x)` of a tensor whose type knows its first dim (`for row in x:`)."""
    for op in list(func.walk()):
        if op.name != "ts.len":
            continue
        value = op.operands[0]
        owner = value.owner if isinstance(value.owner, Operation) else None
        if isinstance(t := value.type, TensorType):
            if not t.sizes or t.sizes[0] == DYNAMIC:
                continue
            n = t.sizes[0]  # (a tensor's shape is its type's: no op changes it)
        else:
            if owner is not None and owner.name == "ts.list.construct":
                n = len(owner.operands)
            elif owner is not None and owner.name == "ts.dict.construct" and not owner.operands:
                n = 0
            elif pieces is not None and isinstance(pieces.get(value), list):
                n = len(pieces[value])
            else:
                continue
            if any(use.operation.name not in ("ts.len", "ts.list.get") for use in value.uses):
                continue  # something may change its length
        const = ConstantOp.of(n, op.results[0].type)
        op.parent_block().insert_op_before(const, op)
        op.results[0].replace_all_uses_with(const.results[0])
        op.detach()
        op.erase()
        if owner is not None and owner.name in ("ts.list.construct", "ts.dict.construct") \
                and not owner.results[0].uses:  # a new list or dict nothing reads any more (DCE keeps allocations)
            owner.detach()
            owner.erase()


def forward_dict_items(func: FuncOp) -> None:
    """A dict built with constant keys and then only read (`d[k]`, `d.get(k, default)`) and written
    (`d[k] = v`) with constant keys, in the block that builds it: each read becomes the value last
    stored under its key, and the dict goes. A read of a missing key stays (it raises, as in Python)."""
    for construct in [op for op in func.walk() if op.name == "ts.dict.construct"]:
        block, d = construct.parent_block(), construct.results[0]
        users = [use.operation for use in d.uses]
        if any(u.name not in ("ts.dict.get", "ts.dict.get_default", "ts.dict.set") or u.parent_block() is not block
               or u.operands[0] is not d or any(v is d for v in u.operands[1:]) for u in users):
            continue
        try:
            keys = [constant_of(k) for k in construct.operands[0::2]]
            user_keys = {u: constant_of(u.operands[1]) for u in users}
        except NotConstant:
            continue
        items = dict(zip(keys, construct.operands[1::2]))
        forwarded = {}
        for op in sorted(users, key=_position):
            key = user_keys[op]
            if op.name == "ts.dict.set":
                items[key] = op.operands[2]
            elif key in items:
                forwarded[op] = items[key]
            elif op.name == "ts.dict.get_default":
                forwarded[op] = op.operands[2]
        if len(forwarded) != sum(u.name != "ts.dict.set" for u in users):
            continue
        for op, value in forwarded.items():
            op.results[0].replace_all_uses_with(value)
        for dead in (*users, construct):
            dead.detach()
            dead.erase()
