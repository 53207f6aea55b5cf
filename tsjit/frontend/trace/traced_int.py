"""`TracedInt`: a size read during a trace, an int to Python and a recorded value to the graph.

`x.view(x.size(0), -1)` must not bake in the batch size, so while tracing `x.size(d)` and
`x.shape` give TracedInts. One is recorded (`ts.size_dim`, or a `ts.scalar.*` op for +, -, *
and // between sizes) only where it reaches a recorded op; any other use, such as `range(n)`,
sees a plain int and bakes it in, as with TorchScript's tracer.
"""
from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from tsjit.dialects.ts.types import IntType


class TracedInt(int):
    """An int that knows how to record itself: `emit(tracer) -> SSAValue`."""

    def __new__(cls, value: int, emit: Callable[[Any], Any]):
        obj = int.__new__(cls, value)
        obj.emit = emit
        return obj

    def __repr__(self) -> str:
        return int.__repr__(self)

    __str__ = __repr__


def size_of(array, dim: int) -> TracedInt:
    """`array.shape[dim]`, recorded as `ts.size_dim` of the array's value."""
    def emit(tracer):
        return tracer.builder.value("size_dim", tracer.tensor(array), tracer.builder.const(dim), type=IntType())
    return TracedInt(array.shape[dim], emit)


def _arithmetic(op_name: str, fn: Callable[[int, int], int], reflected: bool = False):
    def method(self: TracedInt, other: Any):
        if not isinstance(other, int) or isinstance(other, bool):
            return fn(int(self), other) if not reflected else fn(other, int(self))
        a, b = (other, self) if reflected else (self, other)

        def emit(tracer):
            return tracer.builder.value(op_name, tracer.scalar(a), tracer.scalar(b), type=IntType())
        return TracedInt(fn(int(a), int(b)), emit)
    return method


for _name, _op, _fn in (("add", "scalar.add", operator.add), ("sub", "scalar.sub", operator.sub),
                        ("mul", "scalar.mul", operator.mul), ("floordiv", "scalar.floordiv", operator.floordiv)):
    setattr(TracedInt, f"__{_name}__", _arithmetic(_op, _fn))
    setattr(TracedInt, f"__r{_name}__", _arithmetic(_op, _fn, reflected=True))
