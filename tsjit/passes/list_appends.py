"""Appends folded into the list they build: `l = []; l.append(a); l.append(b)` (what an unrolled
`[f for _ in range(n)]` leaves) becomes `l = [a, b]`, and so does an extend by a list construct
(an unrolled `[1] * n`), so a later op reads a list it can see whole
(F.interpolate's scale factors, torch.stft's padding). Then a `ts.list.get` at a constant index of
a list construct nothing writes (or hands to a call) is the construct's operand.

A `ts.list.construct` of scalars or tensors (`ys.append(x * i)` in an unrolled loop, so that
`torch.stack(ys)` sees its pieces) is rebuilt with its appended values when every use of it is in its
own block (or is a `ts.list.get`/`ts.len` read nested in an op there: `all(...)`'s loop over the
list), all its `ts.list.append`s come before every other use, and no other use may write it (any op
with a write effect on lists, or one holding regions, keeps it as it is). The new list replaces the
old one at the last append; uses before that point saw no appended element and none exist.
TorchScript's RemoveListMutation does the same for lists it can prove unaliased.
"""
from __future__ import annotations

from xdsl.dialects.func import FuncOp
from xdsl.ir import Operation
from xdsl.rewriter import InsertPoint, Rewriter

from tsjit.dialects.ts.types import OptionalType

_WRITERS = ("ts.list.set", "ts.list.insert", "ts.list.pop", "ts.list.extend", "ts.list.clear", "ts.list.sort",
            "ts.list.reverse", "ts.list.delete", "ts.list.remove", "ts.list.append")
_READERS = ("ts.list.get", "ts.len")
_ADDERS = ("ts.list.append", "ts.list.extend")


def _added(op: Operation) -> list | None:
    """The values an append adds, or an extend by a list construct nothing writes (`[1] * n`
    unrolled); None for other ops."""
    if op.name == "ts.list.append":
        return [op.operands[1]]
    src = op.operands[1].owner if op.name == "ts.list.extend" else None
    if getattr(src, "name", "") != "ts.list.construct":
        return None
    written = (u.operation for u in src.results[0].uses if u.operation.name in _WRITERS)
    if any(w.operands[0] is src.results[0] for w in written):
        return None
    return list(src.operands)


def _fold(construct: Operation) -> bool:
    lst = construct.results[0]
    if isinstance(lst.type.element_type, OptionalType):
        return False
    block = construct.parent_block()
    users = [use.operation for use in lst.uses]
    # a read in a nested region (`all(...)`'s loop over the list) is placed by the op holding it here
    placed = [u if u.parent_block() is block or u.name not in _READERS else block.find_ancestor_op_in_block(u)
              for u in users]
    if not users or any(p is None or p.parent_block() is not block for p in placed):
        return False
    appends = [u for u in users if u.name in _ADDERS and u.operands[0] is lst and u.operands[1] is not lst
               and _added(u) is not None]
    if not appends:
        return False
    others = [(u, p) for u, p in zip(users, placed) if u not in appends]
    if any(u.name in _WRITERS or u.regions for u, _ in others):
        return False
    index = {id(op): i for i, op in enumerate(block.ops)}
    last = max(index[id(a)] for a in appends)
    if any(index[id(p)] < last for _, p in others):
        return False
    appends.sort(key=lambda a: index[id(a)])
    new = type(construct).create(operands=[*construct.operands, *(v for a in appends for v in _added(a))],
                                 result_types=[lst.type], attributes=dict(construct.attributes))
    Rewriter.insert_op(new, InsertPoint.after(appends[-1]))
    for a in appends:
        Rewriter.erase_op(a)
    lst.replace_all_uses_with(new.results[0])
    Rewriter.erase_op(construct)
    return True


def _forward_gets(construct: Operation) -> bool:
    """`ts.list.get` of a never-written list construct at a constant index is that operand."""
    from tsjit.dialects.ts.constant import ConstantOp

    users = [use.operation for use in construct.results[0].uses]
    if any(u.name in _WRITERS or u.name.startswith("ts.call") or not u.name.startswith(("ts.", "func.return"))
           for u in users):
        return False  # it may be written (or escapes into code that may write it)
    changed = False
    n = len(construct.operands)
    for u in users:
        if u.name != "ts.list.get" or not isinstance(u.operands[1].owner, ConstantOp):
            continue
        i = u.operands[1].owner.py_value
        if isinstance(i, int) and not isinstance(i, bool) and -n <= i < n \
                and construct.operands[i].type == u.results[0].type:
            u.results[0].replace_all_uses_with(construct.operands[i])
            Rewriter.erase_op(u)
            changed = True
    return changed


def fold_list_appends(func: FuncOp) -> bool:
    """Fold the appends of every eligible list construct in `func`, then forward its constant-index
    reads; whether anything changed."""
    changed = False
    for op in [op for op in func.walk() if op.name == "ts.list.construct"]:
        changed |= _fold(op)
    for op in [op for op in func.walk() if op.name == "ts.list.construct"]:
        changed |= _forward_gets(op)
    return changed
