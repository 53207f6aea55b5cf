"""Decompositions: an op written as a small function of simpler ts ops, as in PyTorch's torch._decomp.

    def _rms_norm(g, x, normalized_shape, weight, eps):
        dims = list(range(-len(g.value(normalized_shape)), 0))
        y = g.mul(x, g.rsqrt(g.add(g.mean(g.mul(x, x), dims, True), eps)))
        return y if weight is None else g.mul(y, weight)

A decomposition gets a builder `g` and the op's operands in schema order. `g.<op>(...)` applies
ts op `<op>` (arguments bound as in its schema: positional, by name, defaults filled in) and
gives its result; `g.value(v)` is the Python value of an operand that must be a compile-time
constant; `g.shape(x)`, `g.dim(x)`, `g.dtype(x)` describe a tensor; `g.loop(n, carried, body)` repeats a
body over carried values (a recurrence over time stays one loop in IR), `g.loop_while(start, carried, body)`
while a run-time condition holds. `ts-decompose` runs
decompositions with a builder that emits IR (tsjit/passes/decompose.py); `EagerBuilder` runs the
same function on numpy arrays with the ops' kernels, so a decomposed op needs no kernel of its own.
A decomposition raises `NotDecomposable` (through `g`) when it cannot apply, and the op stays.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from tsjit.ops.schema import NO_DEFAULT, Schema


class NotDecomposable(Exception):
    """The decomposition needs what it does not have here (a constant, a static shape); says what."""


def bind(name: str, schema: Schema, args: Sequence[Any], kwargs: dict[str, Any]) -> list[Any]:
    """The operands of `ts.<name>` in schema order from a call's arguments (defaults filled in)."""
    if len(args) > len(schema.args):
        raise TypeError(f"ts.{name} takes {len(schema.args)} operands, got {len(args)}")
    out = list(args)
    for arg in schema.args[len(args):]:
        if arg.name in kwargs:
            out.append(kwargs.pop(arg.name))
        elif arg.default is not NO_DEFAULT:
            out.append(list(arg.default) if isinstance(arg.default, tuple) else arg.default)
        else:
            raise TypeError(f"ts.{name}: no value for operand '{arg.name}'")
    if kwargs:
        raise TypeError(f"ts.{name} has no operand '{next(iter(kwargs))}'")
    return out


class Builder:
    """What decompositions call: `g.<op>(...)` for any registered op, and the queries below."""

    def __getattr__(self, name: str) -> Callable[..., Any]:
        from tsjit.ops.registry import REGISTRY

        defn = REGISTRY.get(name)
        if defn is None:
            raise AttributeError(f"no ts op '{name}'")
        return lambda *args, **kwargs: self.apply(name, bind(name, defn.schema, args, dict(kwargs)))

    def apply(self, name: str, operands: list[Any]) -> Any:
        raise NotImplementedError

    def value(self, v: Any) -> Any:
        """The Python value of a constant operand (NotDecomposable if it is not constant)."""
        raise NotImplementedError

    def shape(self, x: Any) -> tuple[int, ...]:
        raise NotImplementedError

    def dim(self, x: Any) -> int:
        return len(self.shape(x))

    def dtype(self, x: Any) -> np.dtype:
        raise NotImplementedError

    def loop(self, count: int, carried: Sequence[Any], body: Callable[..., Sequence[Any]]) -> list[Any]:
        """`count` iterations of `body(g, i, *carried) -> new carried values` (same types each time);
        the final values. In IR it is one `ts.loop` (lowered to `scf.for`), not `count` copies."""
        raise NotImplementedError

    def loop_while(self, start: Any, carried: Sequence[Any], body: Callable[..., Sequence[Any]]) -> list[Any]:
        """`body(g, *carried) -> (go on: a bool, *new carried values)` while the bool is true (the
        first time: `start`); the final values. In IR one `ts.loop` with a run-time condition
        (lowered to `scf.while`): a data-dependent count of iterations."""
        raise NotImplementedError


class EagerBuilder(Builder):
    """Runs a decomposition on numpy arrays with the ops' kernels: the decomposed op's kernel."""

    def apply(self, name: str, operands: list[Any]) -> Any:
        from tsjit.ops.registry import REGISTRY

        return REGISTRY[name].kernel(*operands)

    def value(self, v: Any) -> Any:
        return v

    def shape(self, x: np.ndarray) -> tuple[int, ...]:
        return tuple(x.shape)

    def dtype(self, x: np.ndarray) -> np.dtype:
        return x.dtype

    def loop(self, count: int, carried: Sequence[Any], body: Callable[..., Sequence[Any]]) -> list[Any]:
        values = list(carried)
        for i in range(count):
            values = list(body(self, i, *values))
        return values

    def loop_while(self, start: Any, carried: Sequence[Any], body: Callable[..., Sequence[Any]]) -> list[Any]:
        go, values = bool(start), list(carried)
        while go:
            go, *values = body(self, *values)
            go = bool(go)
        return values


_EAGER = EagerBuilder()


def kernel_of(decompose: Callable[..., Any]) -> Callable[..., Any]:
    """The kernel that runs a decomposition eagerly."""
    def kernel(*operands: Any) -> Any:
        return decompose(_EAGER, *operands)
    kernel.__name__ = getattr(decompose, "__name__", "decomposed").lstrip("_")
    return kernel


def reject(g: Builder, error: Exception) -> Exception:
    """PyTorch's `error` where a decomposition runs eagerly (the kernel); in IR the op stays as it
    is (NotDecomposable), and its kernel raises when it runs. Use: `raise reject(g, RuntimeError(...))`."""
    if isinstance(g, EagerBuilder):
        return error
    return NotDecomposable(str(error))
