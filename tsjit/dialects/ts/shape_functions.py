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

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from tsjit.dialects.ts.types import DTYPES, TensorType, dtype_name
from tsjit.ops.rules import (  # noqa: F401 - re-exported for the rule files
    BOOL, D, DEFAULT_FLOAT, INT64, NeedRank, ShapeError, T, Unknown, arith, broadcast, const, dims, dtype_arg,
    float_of, int_list, join, numel, of_array, promote, promote_types, scalar_dtype, tensors, wrap,
)


def from_type(t: TensorType) -> T:
    elt = t.element_type
    dtype = None
    if elt is not None and dtype_name(elt) != "bfloat16":
        dtype = np.dtype(dtype_name(elt))
    return T(t.sizes, dtype)


def to_type(t: T) -> TensorType:
    return TensorType(t.sizes, None if t.dtype is None else DTYPES[t.dtype.name])


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


def _legacy() -> dict[str, Callable[..., Any]]:
    global _TABLE
    if _TABLE is None:
        _TABLE = _table()
    return _TABLE


def has_rules(name: str) -> bool:
    """Whether `ts.<name>` is a tensor op of the registry (every one has shape and dtype rules)."""
    from tsjit.ops import REGISTRY

    return name in REGISTRY


def infer(name: str, args: Sequence[Any], n_results: int) -> list[Any]:
    """Result types of `ts.<name>` (see the module docstring); KeyError if it is no tensor op."""
    from tsjit.ops import REGISTRY
    from tsjit.ops import infer as rules
    from tsjit.ops.legacy import LEGACY

    defn = REGISTRY[name]
    if defn.shape != LEGACY:
        return rules.infer(defn, list(args), n_results)
    fn = _legacy()[name]
    try:
        out = fn(*args)
    except NeedRank:
        return [T(None, None)] * n_results
    if not isinstance(out, tuple):
        out = (out,)
    return list(out)
