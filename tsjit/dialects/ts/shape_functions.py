"""Shape (and dtype) functions of the ts tensor ops, as PyTorch computes them.

`infer(name, args)` gives the result types of `ts.<name>` from abstract operands, in schema
order: a tensor operand is a `T(sizes, dtype)` (sizes None for an unknown rank, DYNAMIC
dims for unknown sizes, dtype a numpy dtype or None), a constant operand is its Python
value, and any other operand is an `Unknown(kind)`. Results come back as `T`s, lists of
`T`s (for `Tensor[]` results: one per element when the count is known), or None for
results that are not tensors. `ts-specialize` uses them to make every type static.

A function raises `ShapeError` when the op cannot have a known result without a value it
lacks (a non-constant view size, a boolean mask); an input of unknown rank only makes the
result unknown (`T(None, ...)`). The rules live in the family files
`shape_functions_*.py`; this file holds the abstract values, the helpers and the table.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tsjit.dialects.ts.types import DTYPES, DYNAMIC, TensorType, dtype_name, format_dims
from tsjit.kernels.promotion import DEFAULT_FLOAT, INT64, dtype_of, promote_types, result_dtype

D = DYNAMIC
BOOL = np.dtype(np.bool_)


@dataclass(frozen=True)
class T:
    """An abstract tensor: its sizes (None: unknown rank; D: unknown dim) and numpy dtype (None: unknown)."""

    sizes: tuple[int, ...] | None
    dtype: np.dtype | None

    def __str__(self) -> str:
        return f"{'*' if self.sizes is None else format_dims(self.sizes)}, {self.dtype}"


@dataclass(frozen=True)
class Unknown:
    """A non-tensor operand whose value is not a constant; kind is 'int', 'float', 'bool' or None."""

    kind: str | None = None


class ShapeError(Exception):
    """The op needs a value that is not known at compile time to have a known result."""


class NeedRank(Exception):
    """An input's rank is unknown, so the result is unknown too (not an error)."""


# -- conversions between abstract values and ts types --------------------------------------------

def from_type(t: TensorType) -> T:
    elt = t.element_type
    dtype = None
    if elt is not None and dtype_name(elt) != "bfloat16":
        dtype = np.dtype(dtype_name(elt))
    return T(t.sizes, dtype)


def to_type(t: T) -> TensorType:
    return TensorType(t.sizes, None if t.dtype is None else DTYPES[t.dtype.name])


def of_array(a: np.ndarray) -> T:
    return T(tuple(a.shape), a.dtype)


def join(a: T, b: T) -> T:
    """The least precise type both fit: differing dims become D, differing ranks an unknown rank."""
    if a.sizes is None or b.sizes is None or len(a.sizes) != len(b.sizes):
        sizes = None if a.sizes != b.sizes else a.sizes
    else:
        sizes = tuple(x if x == y else D for x, y in zip(a.sizes, b.sizes))
    return T(sizes, a.dtype if a.dtype == b.dtype else None)


# -- helpers the rules share ---------------------------------------------------------------------

def dims(t: T) -> tuple[int, ...]:
    if t.sizes is None:
        raise NeedRank
    return t.sizes


def const(value: Any, what: str) -> Any:
    if isinstance(value, Unknown):
        raise ShapeError(f"{what} must be a compile-time constant")
    return value


def int_list(value: Any, what: str) -> list[int]:
    """A constant int list (or int); non-constant elements of a known-length list become D."""
    value = const(value, what)
    if isinstance(value, int):
        return [value]
    return [D if isinstance(v, Unknown) else v for v in value]


def wrap(dim: Any, rank: int, what: str = "dim") -> int:
    dim = const(dim, what)
    n = max(rank, 1)
    if not -n <= dim < n:
        raise ShapeError(f"{what} {dim} out of range for a tensor of rank {rank}")
    return dim + n if dim < 0 else dim


def arith(fn: Callable[..., int], *ds: int) -> int:
    """fn of dims, D if any of them is unknown."""
    return D if D in ds else fn(*ds)


def numel(sizes: Sequence[int]) -> int:
    return D if D in sizes else math.prod(sizes)


def broadcast(*shapes: tuple[int, ...]) -> tuple[int, ...]:
    out: list[int] = []
    for i in range(1, max((len(s) for s in shapes), default=0) + 1):
        ds = {s[-i] for s in shapes if i <= len(s)} - {1}
        known = ds - {D}
        if len(known) > 1:
            raise ShapeError(f"shapes {', '.join(format_dims(s) for s in shapes)} are not broadcastable")
        out.append(known.pop() if known else (D if ds else 1))
    return tuple(reversed(out))


_SAMPLE = {"int": 0, "float": 0.0, "bool": False}


def promote(*args: Any) -> np.dtype | None:
    """torch.result_type of tensors and scalars (None operands skipped); None if a dtype is unknown."""
    values = []
    for a in args:
        if isinstance(a, T):
            if a.dtype is None:
                return None
            values.append(np.empty((0,) if a.sizes != () else (), a.dtype))
        elif isinstance(a, Unknown):
            if a.kind is None:
                return None
            values.append(_SAMPLE[a.kind])
        elif a is not None:
            values.append(a)
    return result_dtype(*values)


def float_of(dtype: np.dtype | None) -> np.dtype | None:
    """Integer and bool inputs give the default float dtype (exp, sqrt, mean of ints...)."""
    return dtype if dtype is None or dtype.kind == "f" else DEFAULT_FLOAT


def dtype_arg(code: Any, default: np.dtype | None) -> np.dtype | None:
    """A ScalarType operand: None keeps `default`; a non-constant one is unknown."""
    if isinstance(code, Unknown):
        return None
    return dtype_of(code, default)


def scalar_dtype(value: Any) -> np.dtype | None:
    """The dtype torch.tensor(value)/full(..., value) gives a Python scalar."""
    if isinstance(value, Unknown):
        return {"int": INT64, "float": DEFAULT_FLOAT, "bool": BOOL}.get(value.kind)
    if isinstance(value, bool):
        return BOOL
    return INT64 if isinstance(value, int) else DEFAULT_FLOAT


def tensors(value: Any, what: str) -> list[T]:
    if isinstance(value, Unknown):
        raise ShapeError(f"{what}: the number of tensors in the list must be known")
    return list(value)


__all__ = ["BOOL", "D", "INT64", "DEFAULT_FLOAT", "NeedRank", "ShapeError", "T", "Unknown", "promote_types"]


# -- the table -----------------------------------------------------------------------------------

def _table() -> dict[str, Callable[..., Any]]:
    from tsjit.dialects.ts import (
        shape_functions_elementwise as ew,
        shape_functions_extra as extra,
        shape_functions_layout as lay,
        shape_functions_nn as nn,
        shape_functions_reduction as red,
    )

    table: dict[str, Callable[..., Any]] = {}
    for family in (ew, lay, nn, red, extra):
        table.update(family.SHAPE_FUNCTIONS)
    return table


_TABLE: dict[str, Callable[..., Any]] | None = None


def shape_functions() -> dict[str, Callable[..., Any]]:
    """name -> rule; the families import lazily, as they import the kernels' dtype tables."""
    global _TABLE
    if _TABLE is None:
        _TABLE = _table()
    return _TABLE


def infer(name: str, args: Sequence[Any], n_results: int) -> list[Any]:
    """Result types of `ts.<name>` (see the module docstring); KeyError if no rule exists."""
    fn = shape_functions()[name]
    try:
        out = fn(*args)
    except NeedRank:
        return [T(None, None)] * n_results
    if not isinstance(out, tuple):
        out = (out,)
    return list(out)
