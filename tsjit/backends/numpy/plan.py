"""Planning: a function's IR becomes a tight loop of steps over integer value slots.

Every SSA value of a function gets a slot in one flat frame (a list) per call; nested regions
share it. Constants are written once into a frame *template* that each call copies. A value's
slot is cleared right after its last use, so large intermediates die early; values used by a
nested region count as used by the region's op, so a loop body never frees what it captured.
Terminator operands are the block's results: the block runner reads them, then clears the
ones the block defined.

A block runs as `for step in steps: step(env)`. An exception from an op becomes a
`tsjit.runtime.Error` naming the op (and its source location, see `location`); `Error`s
(ts.raise, errors already located) pass unchanged.
"""
from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any

from xdsl.dialects.builtin import FileLineColLoc, StringAttr
from xdsl.ir import Block, Operation, SSAValue

from tsjit.backends.numpy.steps import make_free_step, make_step
from tsjit.backends.numpy.table import CONSTANTS, IMPLS, TERMINATORS
from tsjit.runtime import Error

BlockRunner = Callable[[list], Any]


class Planner:
    """Plans the blocks of one function; op implementations use it to plan their regions."""

    def __init__(self, program: Any):
        self.program = program
        self.slots: dict[SSAValue, int] = {}
        self.template: list[Any] = []
        self.pinned: set[int] = set()  # constant slots: filled by the template, never freed

    @property
    def kernels(self) -> dict[str, Callable]:
        return self.program.kernels

    def slot(self, value: SSAValue) -> int:
        s = self.slots.get(value)
        if s is None:
            s = self.slots[value] = len(self.template)
            self.template.append(None)
        return s

    def block(self, block: Block) -> BlockRunner:
        """A runner `run(env)` for the block: None, its one result, or a tuple of its results."""
        for arg in block.args:
            self.slot(arg)
        ops = list(block.ops)
        term = ops[-1] if ops and ops[-1].name in TERMINATORS else None
        body = ops[:-1] if term is not None else ops
        last_use: dict[SSAValue, int] = {}
        for i, op in enumerate(ops):
            for v in _uses(op):
                last_use[v] = i
        frees: list[list[int]] = [[] for _ in body]
        clears: list[int] = []
        defined = [(arg, None) for arg in block.args]
        defined += [(res, i) for i, op in enumerate(body) for res in op.results]
        for value, def_index in defined:
            s = self.slot(value)
            i = last_use.get(value, def_index)
            if i is None or (term is not None and i == len(ops) - 1):
                clears.append(s)
            else:
                frees[i].append(s)
        steps, step_ops = [], []
        for i, op in enumerate(body):
            step = self._step(op, [s for s in frees[i] if s not in self.pinned])
            if step is not None:
                steps.append(step)
                step_ops.append(op)
        results = [self.slot(v) for v in (term.operands if term is not None else ())]
        return _block_runner(tuple(steps), tuple(step_ops), results, [s for s in clears if s not in self.pinned])

    def _step(self, op: Operation, frees: list[int]):
        if op.name in CONSTANTS:
            value = CONSTANTS[op.name](op)
            out = self.slot(op.results[0])
            frees = [s for s in frees if s != out]
            if _is_immutable(value):
                self.template[out] = value
                self.pinned.add(out)
                return make_free_step(frees) if frees else None
            if isinstance(value, list | dict) and all(map(_is_immutable, value)) and (
                    not isinstance(value, dict) or all(map(_is_immutable, value.values()))):
                return make_step(value.copy, (), (out,), frees)  # a fresh container; items are shared safely
            return make_step(lambda: copy.deepcopy(value), (), (out,), frees)
        ins = [self.slot(v) for v in op.operands]
        outs = [self.slot(r) for r in op.results]
        impl = IMPLS.get(op.name)
        if impl is None:
            return make_step(_missing(op), ins, outs, frees)
        return make_step(impl.prepare(op, self), ins, outs, frees, impl.env)


def _is_immutable(value: Any) -> bool:
    return value is None or isinstance(value, bool | int | float | str | tuple) or hasattr(value, "shape")


def _missing(op: Operation) -> Callable:
    message = f"{op.name} has no numpy implementation"

    def missing(*args):
        raise Error(message)

    return missing


def _uses(op: Operation) -> Sequence[SSAValue]:
    """The values `op` reads: its operands and what its regions capture from outside."""
    if not op.regions:
        return op.operands
    inner: set[SSAValue] = set()
    read: list[SSAValue] = []
    for region in op.regions:
        for nested in region.walk():
            inner.update(nested.results)
            for r in nested.regions:
                for b in r.blocks:
                    inner.update(b.args)
            read.extend(nested.operands)
        for b in region.blocks:
            inner.update(b.args)
    return [*op.operands, *(v for v in read if v not in inner)]


def location(op: Operation) -> str | None:
    """Where the op came from: its `loc` attribute (as the script frontend records it, since
    xDSL does not print locations), else its parsed `loc(...)` location, else None."""
    loc = op.attributes.get("loc")
    if loc is None:
        loc = getattr(op, "location", None)
        if not isinstance(loc, FileLineColLoc):
            return None
    if isinstance(loc, StringAttr):
        return loc.data
    if isinstance(loc, FileLineColLoc):
        return f"{loc.filename.data}:{loc.line.data}:{loc.column.data}"
    return str(loc)


def located_error(op: Operation, error: Exception) -> Error:
    """The `Error` reporting that `error` was raised while running `op`."""
    message = f"key {error.args[0]!r} not found" if isinstance(error, KeyError) and error.args else str(error)
    if isinstance(error, TypeError | AttributeError) and "'NoneType'" in message:
        message += " (an operand is None at run time: refine the Optional before this op)"
    where = location(op)
    prefix = f"{op.name} ({where})" if where else op.name
    return Error(f"{prefix}: {message or type(error).__name__}")


def _block_runner(steps: tuple, ops: tuple, results: list[int], clears: list[int]) -> BlockRunner:
    n = len(results)
    first = results[0] if results else None
    results, clears = tuple(results), tuple(clears)

    def run(env: list) -> Any:
        step = None
        try:
            for step in steps:
                step(env)
        except Error:
            raise
        except Exception as e:
            raise located_error(ops[steps.index(step)], e) from e
        if n == 1:
            value = env[first]
        elif n == 0:
            value = None
        else:
            value = tuple([env[s] for s in results])
        for s in clears:
            env[s] = None
        return value

    return run
