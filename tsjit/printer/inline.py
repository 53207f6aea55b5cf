"""Which ops print inside their user's expression instead of as a statement of their own.

TorchScript's printer (python_print.cpp, scanBlock/scanNode) walks each block backwards: an
operand may be inlined only if its producer is the statement printed just before the user
(after the user's other inlined operands, taken right to left). Inlining then never changes
the order in which ops run, so it is safe for ops with side effects too:

    %0 = ts.get_attr %self["fc1"]              _0 = torch.relu((self.fc1).forward(x, ))
    %1 = ts.call_method %0["forward"](%x)      return (self.fc2).forward(_0, )
    %2 = ts.relu %1
    %3 = ts.get_attr %self["fc2"]
    %4 = ts.call_method %3["forward"](%2)
    func.return %4

A value with a name hint was a variable in the source, so it stays one (`h = ...`) unless
its only use is a return or yield, as in TorchScript.

Constants are always printed as literals and do not count as statements. Neither do the two
casts (through Any) that script writes where a class object becomes an interface value:
TorchScript converts it implicitly, so the printer shows the object itself (`interface_upcasts`).
"""
from __future__ import annotations

from collections.abc import Callable

from xdsl.dialects import func
from xdsl.ir import Block, Operation, SSAValue

from tsjit.dialects.ts import ConditionOp, ConstantOp, IsInstanceOp, LoopOp, UncheckedCastOp, YieldOp
from tsjit.dialects.ts.types import AnyType, ClassType

#: Terminators whose operands are "returned": a named value may be inlined into them.
_RETURNS = (func.ReturnOp, YieldOp, ConditionOp)


def loop_kind(loop: LoopOp) -> str:
    """How a ts.loop prints (python_print's LoopView::loopType).

    "for": `for i in range(n)` (both conditions are constant true); "while": `while c:` (no
    trip count, i.e. INT64_MAX and an unused iteration number); "counted": a `while` that also
    counts iterations, for loops with both a trip count and a condition (TorchScript refuses
    to print these).
    """
    term = loop.body.block.last_op
    always = _is_true(loop.start_cond) and isinstance(term, ConditionOp) and _is_true(term.cond)
    trip = loop.max_trip_count.owner
    unbounded = (isinstance(trip, ConstantOp) and trip.py_value == 2**63 - 1
                 and not loop.body.block.args[0].uses)
    if always:
        return "while" if unbounded else "for"
    return "while" if unbounded else "counted"


def _is_true(value: SSAValue) -> bool:
    return isinstance(value.owner, ConstantOp) and value.owner.py_value is True


def interface_upcasts(block: Block, is_interface: Callable[[str], bool]) -> dict[SSAValue, SSAValue]:
    """`unchecked_cast(Shape, unchecked_cast(Any, obj))` (script's conversion of a class object to
    interface `Shape`) in `block` and the blocks nested in it: the outer cast's result -> `obj`."""
    found: dict[SSAValue, SSAValue] = {}
    for op in block.walk():
        if isinstance(op, UncheckedCastOp) and isinstance(t := op.result.type, ClassType) and \
                is_interface(t.class_name.data):
            inner = op.value.owner
            if isinstance(inner, UncheckedCastOp) and isinstance(inner.result.type, AnyType) and \
                    isinstance(inner.value.type, ClassType) and inner.result.has_one_use():
                found[op.result] = inner.value
    return found


def _can_inline(value: SSAValue, upcasts: dict[SSAValue, SSAValue] | None = None) -> bool:
    op = value.owner
    if not isinstance(op, Operation) or len(op.results) != 1 or op.regions or isinstance(op, IsInstanceOp):
        return False
    uses = list(value.uses)
    if upcasts and len(uses) == 1 and (converted := _converted(uses[0].operation, value, upcasts)) is not None:
        value, uses = converted, list(converted.uses)  # used only as an interface value: that value's uses count
    if len(uses) != 1:
        return False
    user, index = uses[0].operation, uses[0].index
    # a named value was a variable in the source: keep it (`fc1 = self.fc1`), unless it is only returned
    if value.name_hint and not isinstance(user, _RETURNS):
        return False
    if isinstance(user, LoopOp):  # carried values are assigned before the loop header;
        return index < 2 and not (index == 0 and loop_kind(user) == "counted")  # a counted trip is re-read
    return True


def _converted(user: Operation, value: SSAValue, upcasts: dict[SSAValue, SSAValue]) -> SSAValue | None:
    """The interface value `value` becomes when `user` is the first cast of its upcast, else None."""
    if not isinstance(user, UncheckedCastOp) or not user.result.has_one_use():
        return None
    second = user.result.get_unique_use().operation
    return second.results[0] if second.results and upcasts.get(second.results[0]) is value else None


def upcast_ops(upcasts: dict[SSAValue, SSAValue]) -> set[Operation]:
    """The casts of `interface_upcasts`, which print as nothing."""
    return {op for outer in upcasts for op in (outer.owner, outer.owner.operands[0].owner)}


class InlineScan:
    """The set of inlined ops of a function body (and of every block nested in it); `upcasts`
    (from `interface_upcasts`) are seen through."""

    def __init__(self, block: Block, upcasts: dict[SSAValue, SSAValue] | None = None):
        self.inlined: set[Operation] = set()
        self.upcasts = upcasts or {}
        self.silent = upcast_ops(self.upcasts)
        self._scan_block(block)

    def _previous_statement(self, op: Operation) -> Operation | None:
        prev = op.prev_op
        while isinstance(prev, ConstantOp) or prev in self.silent:
            prev = prev.prev_op
        return prev

    def _scan_block(self, block: Block) -> None:
        for op in reversed(list(block.ops)):
            if op not in self.silent:
                self._scan_op(op)

    def _scan_op(self, op: Operation) -> Operation | None:
        """Scan `op`'s operands right to left; returns the statement before the inlined ones."""
        if op in self.inlined:
            return op
        for region in op.regions:
            for block in region.blocks:
                self._scan_block(block)
        point = self._previous_statement(op)
        for value in reversed(op.operands):
            value = self.upcasts.get(value, value)
            if point is not None and value.owner is point and _can_inline(value, self.upcasts):
                producer = point
                point = self._scan_op(producer)
                self.inlined.add(producer)
        return point
