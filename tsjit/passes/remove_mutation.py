"""`ts-remove-mutation`: in-place ops on new memory become pure ops (functionalization, as
PyTorch's functionalize and torch-mlir's MaximizeValueSemantics), so code written as torchvision
and torch.nn write it (`nn.ReLU(inplace=True)`, `y = x.clone(); y[0, 1:3] = 2.`, the
`gates.chunk(4, 1)` then `sigmoid_` of LSTMCell) lowers like pure code.

For each tensor that is new memory (the result of an op that never returns a view of an operand;
not a function argument, whose writes the caller sees, nor a constant), the pass follows the
views taken of it (tsjit/passes/view_writes.py) and, in program order:
- a write `op_(v, ...)` to it or one of its views computes `op(v, ...)` (cast and broadcast to
  v's type) and writes it back into the base through the inverse of each view (`slice_scatter`,
  `select_scatter`, a transpose or reshape back);
- each later read of the base or a view reads the base's value at that point (the view replayed
  on it); reads before the first write keep their value.
The tensor is left as it is (its in-place ops then run on numpy) when something could see a
write the pass cannot follow: a write in a nested region, a view the pass does not invert, or an
op that may alias it (a list holding it, an `if` yielding it, an unknown op) before a write; and
when torch would raise (`int_tensor.add_(1.5)`: the result dtype cannot be cast back).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, BlockArgument, Operation, OpResult, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import Rewriter

from tsjit.dialects.ts import shape_functions as sf
from tsjit.dialects.ts.types import SCALAR_TYPE_CODES, TensorType, dtype_name
from tsjit.passes import view_writes as vw
from tsjit.passes.view_writes import (
    ALIASING_FAMILIES,
    Views,
    constant,
    defn,
    kind,
    make,
)

__all__ = ["ALIASING_FAMILIES", "may_alias", "remove_mutation"]

_OUT_OF_PLACE = frozenset({"add_", "sub_", "mul_", "div_", "relu_", "sigmoid_", "tanh_", "clamp_", "masked_fill_",
                           "index_put_"})
_HANDLED = _OUT_OF_PLACE | {"copy_", "assign_", "fill_", "zero_"}


def may_alias(op: Operation) -> bool:
    """Whether a result of `op` may share memory with an operand (unknown ops: yes)."""
    d = defn(op)
    return d is None or d.family in ALIASING_FAMILIES


def _static(t) -> bool:
    return isinstance(t, TensorType) and t.has_static_shape and t.element_type is not None \
        and dtype_name(t.element_type) in SCALAR_TYPE_CODES


def _is_write(op: Operation) -> bool:
    d = defn(op)
    return d is not None and d.effects == "writes"


class _Unfollowable(Exception):
    """Something may see a write of this tensor that the pass cannot follow."""


@dataclass
class _Alias:
    chain: tuple[Operation, ...]  # the view ops from the base to this value
    contiguous: bool


class _Base:
    """One tensor of new memory, its views, writes and reads; `rewrite` makes them pure."""

    def __init__(self, root: SSAValue):
        """root: new memory (an op's result), or a function argument (functionalize_arguments)."""
        self.root = root
        self.block = root.block if isinstance(root, BlockArgument) else root.op.parent_block()
        self.aliases: dict[SSAValue, _Alias] = {root: _Alias((), True)}
        self.writes: dict[Operation, SSAValue] = {}  # in-place op: the alias it writes
        self.events: dict[Operation, list[tuple[Operation, int]]] = {}  # top-level op: (user, operand) reads
        self.captures: list[Operation] = []  # ops that may keep or hand on an alias (valid after the last write)
        self.views: list[Operation] = []
        self.views_made = Views()
        work = [root]
        while work:
            value = work.pop()
            for use in list(value.uses):
                work += self._classify(value, use.operation, use.index)

    def _top(self, op: Operation) -> Operation:
        while op is not None and op.parent_block() is not self.block:
            op = op.parent_op()
        if op is None:
            raise _Unfollowable
        return op

    def _classify(self, value: SSAValue, user: Operation, index: int) -> list[SSAValue]:
        top = self._top(user)
        alias = self.aliases[value]
        if _is_write(user) and (user is not top or user.name.removeprefix("ts.") not in _HANDLED):
            raise _Unfollowable  # batch_norm's running stats, a write in a loop or branch
        if user is top and index == 0 and _is_write(user):
            self.writes[user] = value
            self.aliases[user.results[0]] = alias
            return [user.results[0]]
        how = kind(user, alias.contiguous) if not _is_write(user) else None
        if user is top and index == 0 and how == "view" and all(_static(r.type) for r in user.results):
            self.views.append(user)
            self.aliases[user.results[0]] = _Alias(alias.chain + (user,),
                                                   vw.stays_contiguous(user, alias.contiguous))
            return [user.results[0]]
        if how == "fresh" or how == "view" and index != 0 or user is top and _is_write(user):
            # reads it (a view aliases only its operand 0: `type_as(v, x)` reads x; a write's other operands are read)
            self.events.setdefault(top, []).append((user, index))
        elif user is top:
            self.events.setdefault(top, []).append((user, index))
            self.captures.append(user)
        else:
            raise _Unfollowable  # nested: a view, yield or write we do not follow
        return []

    def check(self) -> bool:
        if not self.writes:
            return False
        order = {op: i for i, op in enumerate(self.block.ops)}
        last = max(order[w] for w in self.writes)
        if any(order[c] < last for c in self.captures):
            raise _Unfollowable
        for w, target in self.writes.items():
            _check_pure(w, target)
        return True

    def rewrite(self) -> None:
        self.cur: SSAValue = self.root
        self.memo: dict[tuple[Operation, ...], SSAValue] = {}
        self.epoch = 0
        op = self.block.first_op if isinstance(self.root, BlockArgument) else self.root.op.next_op
        while op is not None:
            nxt = op.next_op
            if op in self.writes:
                self._write(op)
            elif self.epoch and op in self.events:
                for user, index in self.events[op]:
                    user.operands[index] = self._read(user.operands[index], op)
            op = nxt
        left = [*self.views, *self.writes]  # the writes and the views they were made through, now unused
        while dead := [op for op in left if not any(r.uses for r in op.results)]:
            for op in dead:
                Rewriter.erase_op(op)
            left = [op for op in left if op not in dead]
        assert all(w.parent is None for w in self.writes), "a rewritten write is still used"

    def _read(self, value: SSAValue, before: Operation) -> SSAValue:
        """The value `value` (an alias) has at `before`."""
        chain = self.aliases[value].chain if value in self.aliases else None
        if chain is None or not self.epoch:
            return value
        if chain not in self.memo:
            base = self._read_chain(chain[:-1], before) if chain else self.cur
            self.memo[chain] = self.views_made.replay(chain[-1], base, before) if chain else base
        return self.memo[chain]

    def _read_chain(self, chain: tuple[Operation, ...], before: Operation) -> SSAValue:
        if not chain:
            return self.cur
        if not self.epoch:
            return chain[-1].results[0]
        if chain not in self.memo:
            self.memo[chain] = self.views_made.replay(chain[-1], self._read_chain(chain[:-1], before), before)
        return self.memo[chain]

    def _write(self, op: Operation) -> None:
        target = self.writes[op]
        chain = self.aliases[target].chain
        operands = [self._read(v, op) for v in op.operands]
        new = _pure(op, operands, target.type, fresh_needed=not chain)
        bases = [self._read_chain(chain[:i], op) for i in range(len(chain))]
        for view, base in zip(reversed(chain), reversed(bases)):
            new = self.views_made.inverse(view, base, new, op)
        self.cur, self.memo, self.epoch = new, {}, self.epoch + 1


def _check_pure(op: Operation, target: SSAValue) -> None:
    """Raise _Unfollowable unless the write's pure form has (or casts and broadcasts to) the
    target's type as torch's in-place op would, without torch's errors."""
    from tsjit.kernels.promotion import check_inplace

    name = op.name.removeprefix("ts.")
    self_t = sf.from_type(target.type)
    if name in ("fill_", "zero_"):
        value = _item_source(op.operands[1]) if name == "fill_" else None
        if value is not None and not vw.is_scalar(value) and not (
                isinstance(value.type, TensorType) and value.type.sizes == () and _static(value.type)):
            raise _Unfollowable
        return
    abstract = vw.abstract
    if name in ("copy_", "assign_"):
        if not isinstance(op.operands[1].type, TensorType):
            raise _Unfollowable
        result = abstract(op.operands[1])
    else:
        try:
            [result] = sf.infer(name[:-1], [abstract(v) for v in op.operands], 1)
        except (sf.ShapeError, sf.NeedRank, KeyError, TypeError, ValueError):
            raise _Unfollowable from None
    if not isinstance(result, sf.T) or result.sizes is None or result.dtype is None or self_t.dtype is None \
            or any(d < 0 for d in result.sizes):
        raise _Unfollowable
    try:
        if np.broadcast_shapes(tuple(result.sizes), tuple(self_t.sizes)) != tuple(self_t.sizes):
            raise _Unfollowable
        if name != "copy_":
            check_inplace(self_t.dtype, result.dtype)
    except (ValueError, RuntimeError):
        raise _Unfollowable from None


def _item_source(value: SSAValue) -> SSAValue:
    """The 0-d tensor whose `ts.item` a fill value is (a traced `x[0] = y.sum()`), else the value."""
    owner = value.owner
    if getattr(owner, "name", "") == "ts.item" and isinstance(t := owner.operands[0].type, TensorType) \
            and t.sizes == () and _static(t):
        return owner.operands[0]
    return value


def _pure(op: Operation, operands: list[SSAValue], target_type: TensorType, fresh_needed: bool) -> SSAValue:
    """The value the in-place `op` leaves in its target (of `target_type`), built before `op`."""
    name = op.name.removeprefix("ts.")
    code = SCALAR_TYPE_CODES[dtype_name(target_type.element_type)]
    if name in ("fill_", "zero_"):
        value = _item_source(operands[1]) if name == "fill_" else constant(0, op)
        if vw.is_scalar(value):
            return make("full", [constant(list(target_type.sizes), op), value, constant(code, op)], op, op)
        new = value
    elif name in ("copy_", "assign_"):
        new = operands[1]
    else:
        new = make(name[:-1], operands, op, op)
    t = vw.abstract(new)
    if not _static(new.type) or sf.to_type(t).element_type != target_type.element_type:  # `y[0] = 2.`
        new = make("to", [new, constant(code, op)], op, op)
    if tuple(t.sizes) != tuple(target_type.sizes):
        new = make("expand", [new, constant(list(target_type.sizes), op), constant(False, op)], op, op)
    if fresh_needed and not (isinstance(new, OpResult) and kind(new.op, False) == "fresh"):
        new = make("clone", [new], op, op)  # the tensor stays new memory, not the source's
    new.name_hint = op.results[0].name_hint or operands[0].name_hint
    return new


def _roots(block: Block):
    for op in block.ops:
        for region in op.regions:
            for inner in region.blocks:
                yield from _roots(inner)
        if kind(op, True) == "fresh" and op.name != "ts.constant":
            yield from (r for r in op.results if _static(r.type))


def remove_mutation(module: ModuleOp) -> int:
    """Rewrite what qualifies; how many in-place ops went."""
    count = 0
    roots = [r for op in module.ops for region in op.regions for block in region.blocks for r in _roots(block)]
    for root in roots:
        if root.op.parent is None or not any(True for _ in root.uses):
            continue
        try:
            base = _Base(root)
            if not base.check():
                continue
        except _Unfollowable:
            continue
        count += len(base.writes)
        base.rewrite()
    return count


@dataclass(frozen=True)
class TsRemoveMutationPass(ModulePass):
    name = "ts-remove-mutation"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        remove_mutation(op)
