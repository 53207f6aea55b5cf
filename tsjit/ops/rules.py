"""Shape and dtype rules of ops, as PyTorch computes them, on abstract operands.

A rule gets the op's operands in schema order: a tensor is a `T(sizes, dtype)` (sizes None for
an unknown rank, DYNAMIC dims for unknown sizes, dtype a numpy dtype or None), a list of tensors
a list of `T`s, a constant its Python value, and any other operand an `Unknown(kind)`.

- A **shape rule** returns the result's sizes (a tuple), a tuple of them for an op with several
  results, or a list of them for a `Tensor[]` result.
- A **dtype rule** returns the result's numpy dtype (None: unknown), or a tuple of them.

A rule raises `ShapeError` when the op cannot have a known result without a value it lacks (a
non-constant view size, a boolean mask); an input of unknown rank raises `NeedRank` (through
`dims`), which only makes the result unknown. `BY_KERNEL` derives both from the op's numpy
kernel, run on zero-filled samples (the rule cannot drift from the kernel). `infer` applies an
op's rules. The vocabulary below covers most ops; a rule is any function of the operands.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tsjit.dtypes import is_float
from tsjit.kernels.promotion import DEFAULT_FLOAT, INT64, dtype_of, promote_types, real_of, result_dtype

DYNAMIC = D = -(2 ** 63)  # an unknown dim, as xDSL's DYNAMIC_INDEX
BOOL = np.dtype(np.bool_)
FLOAT64 = np.dtype(np.float64)


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


def format_dims(sizes: Sequence[int]) -> str:
    """Dims as the IR writes them, `?` for unknown: `[2,?,3]`."""
    return "[" + ",".join("?" if d == D else str(d) for d in sizes) + "]"


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


def dims_not_0d(t: T, op: str) -> tuple[int, ...]:
    """The dims of a tensor `op` cannot take when 0-d (PyTorch's message)."""
    xs = dims(t)
    if not xs:
        raise ShapeError(f"{op}() cannot be applied to a 0-dim tensor.")
    return xs


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


def tensors(value: Any, what: str) -> list[T]:
    if isinstance(value, Unknown):
        raise ShapeError(f"{what}: the number of tensors in the list must be known")
    return list(value)


def with_dim(xs: tuple[int, ...], d: int, n: int) -> tuple[int, ...]:
    return xs[:d] + (n,) + xs[d + 1:]


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
    """Integer and bool inputs give the default float dtype (exp, sqrt, mean of ints...); float and
    complex ones keep theirs."""
    return dtype if dtype is None or is_float(dtype) or dtype.kind == "c" else DEFAULT_FLOAT


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


def first(args: Sequence[Any]) -> T:
    """The first tensor operand."""
    return next(a for a in args if isinstance(a, T))


# -- the vocabulary ------------------------------------------------------------------------------
# Shape rules

def same(*args: Any) -> tuple[int, ...]:
    """The first tensor operand's sizes (unary elementwise ops, normalisations, in-place ops)."""
    return dims(first(args))


def broadcast_of(*positions: int) -> Callable[..., tuple[int, ...]]:
    """The broadcast of the tensor operands at these positions."""
    def rule(*args: Any) -> tuple[int, ...]:
        return broadcast(*(dims(args[i]) for i in positions if isinstance(args[i], T)))
    return rule


def scalar(*args: Any) -> tuple[int, ...]:
    """A 0-d result."""
    return ()


def reduced(x: T, dim: Any, keepdim: Any) -> tuple[int, ...]:
    """The sizes after reducing `dim` (an int, a list, or None/[] for all dims)."""
    sizes = dims(x)
    if not isinstance(keepdim, bool):
        raise ShapeError("keepdim must be a compile-time constant")
    if dim is None or dim == [] or dim == ():
        chosen = set(range(len(sizes)))
    else:
        chosen = {wrap(d, len(sizes)) for d in ([dim] if isinstance(dim, int) else dim)}
    if keepdim:
        return tuple(1 if i in chosen else n for i, n in enumerate(sizes))
    return tuple(n for i, n in enumerate(sizes) if i not in chosen)


def reduction(dim: int = 1, keepdim: int = 2) -> Callable[..., tuple[int, ...]]:
    """Reduce the first operand over the dims operand at `dim`, keeping them as 1s if `keepdim`."""
    def rule(*args: Any) -> tuple[int, ...]:
        return reduced(args[0], args[dim], args[keepdim])
    return rule


# Dtype rules

def same_dtype(*args: Any) -> np.dtype | None:
    """The first tensor operand's dtype."""
    return first(args).dtype


def promoted(*positions: int) -> Callable[..., np.dtype | None]:
    """torch.result_type of the operands at these positions (all operands if none are given)."""
    def rule(*args: Any) -> np.dtype | None:
        return promote(*(args[i] for i in positions) if positions else args)
    return rule


def promoted_float(*positions: int) -> Callable[..., np.dtype | None]:
    """The promoted dtype, integers and bools becoming the default float dtype (div, atan2)."""
    inner = promoted(*positions)
    return lambda *args: float_of(inner(*args))


def to_float(*args: Any) -> np.dtype | None:
    """The first tensor's dtype, integers and bools becoming the default float (exp, sigmoid, mean)."""
    return float_of(first(args).dtype)


def real_same(*args: Any) -> np.dtype | None:
    """The first tensor's dtype, complex types giving their real type (abs)."""
    dtype = first(args).dtype
    return None if dtype is None else real_of(dtype)


def real_float(*args: Any) -> np.dtype | None:
    """to_float, complex types giving their real type (abs, var, std, norms)."""
    dtype = to_float(*args)
    return None if dtype is None else real_of(dtype)


def fixed(dtype: np.dtype) -> Callable[..., np.dtype]:
    """Always this dtype (comparisons give bool, arg-reductions int64)."""
    return lambda *args: dtype


def from_arg(position: int, default: Callable[..., np.dtype | None] = same_dtype) -> Callable[..., Any]:
    """A ScalarType operand at `position` chooses the dtype; None leaves it to `default`."""
    def rule(*args: Any) -> np.dtype | None:
        return dtype_arg(args[position], default(*args))
    return rule


def accumulated(*args: Any) -> np.dtype | None:
    """Sums and products of integers and bools accumulate in int64."""
    dtype = first(args).dtype
    return None if dtype is None else (dtype if is_float(dtype) or dtype.kind == "c" else INT64)


def each(*rules: Callable[..., Any]) -> Callable[..., tuple]:
    """One rule per result of a multi-result op."""
    return lambda *args: tuple(rule(*args) for rule in rules)


#: Marks an op whose shape and dtype come from running its kernel on zero-filled samples.
BY_KERNEL = "by-kernel"


__all__ = ["BOOL", "BY_KERNEL", "D", "DEFAULT_FLOAT", "DYNAMIC", "FLOAT64", "INT64", "NeedRank", "ShapeError", "T",
           "Unknown", "promote_types"]
