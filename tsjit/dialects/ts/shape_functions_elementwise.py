"""Shape functions of elementwise ops: arithmetic, comparisons, math, activations, in-place ops.

Results broadcast their tensor operands; the dtype follows torch.result_type (a Python
scalar is a wrapped number), comparisons give bool, and transcendental functions turn
integer inputs into the default float dtype.
"""
from __future__ import annotations

from typing import Any

from tsjit.dialects.ts.shape_functions import INT64, T, dims, dtype_arg


def _same(a: T, *rest: Any) -> T:
    return T(dims(a), a.dtype)


def _cumsum(a: T, dim: Any, dtype: Any) -> T:
    """Integer and bool inputs accumulate in int64, as torch.cumsum does."""
    default = None if a.dtype is None else (a.dtype if a.dtype.kind == "f" else INT64)
    return T(dims(a), dtype_arg(dtype, default))


SHAPE_FUNCTIONS = {
    **{name: _same for name in ("contiguous", "clone", "detach", "flip", "dropout", "rand_like", "randn_like")},
    "cumsum": _cumsum,
}
