"""The ops' shape and dtype rules (tsjit/ops/rules.py) seen from the IR: abstract values from ts types.

`infer(name, args)` gives the result types of `ts.<name>` from abstract operands, in schema
order: a tensor operand is a `T(sizes, dtype)` (`from_type` of its ts type), a constant operand
its Python value, and any other operand an `Unknown(kind)`. Results come back as `T`s (`to_type`
makes them ts types), lists of `T`s (for `Tensor[]` results), or None for results that are not
tensors. `ts-specialize` uses them to make every type static.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tsjit.dialects.ts.types import DTYPES, TensorType, dtype_name
from tsjit.dtypes import numpy_named
from tsjit.ops.rules import (  # noqa: F401 - re-exported for the rule files
    BOOL, D, DEFAULT_FLOAT, INT64, NeedRank, ShapeError, T, Unknown, arith, broadcast, const, dims, dtype_arg,
    float_of, int_list, join, numel, of_array, promote, promote_types, scalar_dtype, tensors, wrap,
)


def from_type(t: TensorType) -> T:
    elt = t.element_type
    dtype = None
    if elt is not None:
        dtype = numpy_named(dtype_name(elt))
    return T(t.sizes, dtype)


def to_type(t: T) -> TensorType:
    return TensorType(t.sizes, None if t.dtype is None else DTYPES[t.dtype.name])


# -- the rules ----------------------------------------------------------------------------------

def has_rules(name: str) -> bool:
    """Whether `ts.<name>` is a tensor op of the registry (each has shape and dtype rules)."""
    from tsjit.ops import REGISTRY

    return name in REGISTRY


def infer(name: str, args: Sequence[Any], n_results: int) -> list[Any]:
    """Result types of `ts.<name>` from abstract operands (tsjit/ops/infer.py); KeyError if no tensor op."""
    from tsjit.ops import REGISTRY
    from tsjit.ops.infer import infer as infer_rules

    return infer_rules(REGISTRY[name], list(args), n_results)
