"""The op -> implementation table of the numpy backend (the model is JAX's eval_jaxpr).

Each entry is a *prepare* function `prepare(op, planner) -> fn`: it reads the op's
attributes and properties once, when a function is planned, and returns a plain Python
callable over run-time values. The planner turns that callable into a step over value slots.

    @register("ts.str.lower")
    def _lower(op, planner):
        return str.lower                # fn(*operand values) -> result(s)

Results: an op with no result ignores fn's return value, one result stores it, several
results unpack the tuple fn returns. With `env=True` fn also receives the frame (the list
of value slots) first: region ops need it to run their nested plans.

Later levels (linalg, memref, scf) register their ops in the same table.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

Prepare = Callable[[Any, Any], Callable]


class Impl(NamedTuple):
    prepare: Prepare
    env: bool  # fn takes the frame as its first argument


#: op name -> how to run it
IMPLS: dict[str, Impl] = {}
#: constant-like op name -> fn(op) giving the op's Python value (planned into the frame template)
CONSTANTS: dict[str, Callable[[Any], Any]] = {}
#: terminators: their operands are the results of the enclosing block, they are not steps
TERMINATORS = {"func.return", "ts.yield", "ts.condition"}


def register(*names: str, env: bool = False) -> Callable[[Prepare], Prepare]:
    def decorate(prepare: Prepare) -> Prepare:
        for name in names:
            IMPLS[name] = Impl(prepare, env)
        return prepare

    return decorate


def register_fn(name: str, fn: Callable) -> None:
    """An op whose behaviour does not depend on its attributes: always run `fn`."""
    IMPLS[name] = Impl(lambda op, planner: fn, False)


def register_constant(*names: str) -> Callable:
    def decorate(value_of: Callable[[Any], Any]) -> Callable:
        for name in names:
            CONSTANTS[name] = value_of
        return value_of

    return decorate
