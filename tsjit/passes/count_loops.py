"""`ts-count-loops`: a while-loop whose condition only compile-time scalars decide becomes a for-loop.

TorchScript writes `while i < 4:`, a `for` with a `break` or `continue`, and a `return` inside a
loop as one `ts.loop` whose condition the body computes. When that condition depends only on
the iteration number, scalar constants and the scalars the loop carries (not on tensor values,
lists or objects), running the loop's scalar work at compile time gives the number of
iterations `n` it makes: the loop then becomes `ts.loop n, true` with a constant `true`
condition, which ts-unroll-loops unrolls (below its limit) and the C backend lowers to `scf.for`.
The body is not changed: it runs the same `n` iterations, in order, as before. A loop whose
condition reads a tensor (`while bool(y.abs().max() > 1)`) or that runs longer than `max-steps`
iterations at compile time stays as it is (ts-to-linalg makes it an `scf.while`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Operation, SSAValue
from xdsl.passes import ModulePass

from tsjit.dialects.ts.constant import ConstantOp
from tsjit.dialects.ts.control_flow import IfOp, LoopOp
from tsjit.dialects.ts.folding import NotConstant, constant_of
from tsjit.passes.constant_propagation import read_only
from tsjit.passes.cse import is_mutable_type
from tsjit.passes.unroll_loops import is_for_loop

MAX_STEPS = 1024


class _Unknown(Exception):
    """The loop's condition needs a value only known at run time."""


class _Scalars:
    """Immutable scalar values (ints, floats, bools, strings, None) known at compile time, in one
    iteration of `loop` (values from outside it are computed on first use)."""

    def __init__(self, loop: LoopOp):
        self.loop = loop
        self.env: dict[SSAValue, Any] = {}

    def get(self, v: SSAValue) -> Any:
        if v in self.env:
            return self.env[v]
        if is_mutable_type(v.type):
            raise _Unknown
        try:
            return constant_of(v)
        except NotConstant:
            pass
        owner = v.owner
        if isinstance(owner, Operation) and not self.loop.is_ancestor(owner):
            self.op(owner)
            if v in self.env:
                return self.env[v]
        raise _Unknown

    def block(self, block: Block) -> None:
        for op in block.ops:
            if op is not block.last_op:
                self.op(op)

    def op(self, op: Operation) -> None:
        from tsjit.backends.numpy.table import IMPLS

        for r in op.results:  # (a value the previous iteration computed is not this one's)
            self.env.pop(r, None)
        if isinstance(op, IfOp):
            try:
                cond = self.get(op.cond)
            except _Unknown:
                return
            block = (op.then_region if cond else op.else_region).block
            self.block(block)
            self.bind(op.results, block.last_op.operands)
            return
        if op.regions or isinstance(op, ConstantOp) or any(is_mutable_type(r.type) for r in op.results):
            return  # (tensor work is not the loop's count)
        impl = IMPLS.get(op.name)
        if impl is None or impl.env or not read_only(op):
            return
        try:
            values = [self.get(v) for v in op.operands]
            result = impl.prepare(op, None)(*values)
        except Exception:  # noqa: BLE001 - a value not known, or the op would fail at run time: unknown
            return
        self.env.update(zip(op.results, [result] if len(op.results) == 1 else list(result)))

    def bind(self, targets, sources) -> None:
        for target, source in zip(targets, sources):
            try:
                self.env[target] = self.get(source)
            except _Unknown:
                self.env.pop(target, None)


def trip_count(loop: LoopOp, max_steps: int = MAX_STEPS) -> int | None:
    """How many iterations `loop` makes, when its scalar work decides it at compile time."""
    scalars = _Scalars(loop)
    body = loop.body.block
    try:
        limit, going = scalars.get(loop.max_trip_count), scalars.get(loop.start_cond)
    except _Unknown:
        return None
    scalars.bind(body.args[1:], loop.init)
    n = 0
    while going and n < limit:
        if n >= max_steps:
            return None
        scalars.env[body.args[0]] = n
        scalars.block(body)
        term = body.last_op
        try:
            going = scalars.get(term.cond)
        except _Unknown:
            return None
        scalars.bind(body.args[1:], list(term.operands)[1:])
        n += 1
    return n


def count_loops(root: Operation, max_steps: int = MAX_STEPS) -> bool:
    """Turn every countable while-loop under `root` into a for-loop; whether any changed."""
    changed = False
    for loop in [op for op in root.walk() if isinstance(op, LoopOp)]:
        if is_for_loop(loop):
            continue
        n = trip_count(loop, max_steps)
        if n is None:
            continue
        count, true = ConstantOp.of(n), ConstantOp.of(True)
        loop.parent_block().insert_ops_before([count, true], loop)
        loop.operands[0], loop.operands[1] = count.result, true.result
        inner_true = ConstantOp.of(True)
        term = loop.body.block.last_op
        loop.body.block.insert_op_before(inner_true, term)
        term.operands[0] = inner_true.result
        changed = True
    return changed


@dataclass(frozen=True)
class TsCountLoopsPass(ModulePass):
    """While-loops whose condition compile-time scalars decide become for-loops of that many iterations."""

    name = "ts-count-loops"

    max_steps: int = MAX_STEPS

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        count_loops(op, self.max_steps)
