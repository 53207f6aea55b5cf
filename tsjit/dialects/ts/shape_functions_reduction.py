"""Shape functions of reductions: the reduced dims become 1 (keepdim) or go away.

`dim=None` (or an empty list, for sum/mean) reduces every dim. Sums and products of
integers accumulate in int64; means, norms and variances need floats; arg-reductions and
the indices of max/min give int64; any/all give bool.
"""
from __future__ import annotations

from typing import Any

from tsjit.dialects.ts.shape_functions import (
    BOOL,
    INT64,
    ShapeError,
    T,
    dims,
    dtype_arg,
    float_of,
    wrap,
)


def reduced(x: T, dim: Any, keepdim: Any) -> tuple[int, ...]:
    """The sizes after reducing `dim` (an int, a list, or None for all dims)."""
    sizes = dims(x)
    if not isinstance(keepdim, bool):
        raise ShapeError("keepdim must be a compile-time constant")
    if dim is None or dim == []:
        chosen = set(range(len(sizes)))
    else:
        chosen = {wrap(d, len(sizes)) for d in ([dim] if isinstance(dim, int) else dim)}
    if keepdim:
        return tuple(1 if i in chosen else n for i, n in enumerate(sizes))
    return tuple(n for i, n in enumerate(sizes) if i not in chosen)


def _accumulate(dtype: Any) -> Any:
    return None if dtype is None else (dtype if dtype.kind == "f" else INT64)


def _sum(x: T, dim: Any, keepdim: Any, dtype: Any) -> T:
    return T(reduced(x, dim, keepdim), dtype_arg(dtype, _accumulate(x.dtype)))


def _mean(x: T, dim: Any, keepdim: Any, dtype: Any) -> T:
    return T(reduced(x, dim, keepdim), dtype_arg(dtype, x.dtype))


def _extreme(x: T, dim: Any, keepdim: Any) -> T:
    return T(reduced(x, dim, keepdim), x.dtype)


def _all_reduce(x: T) -> T:
    dims(x)
    return T((), x.dtype)


def _with_indices(x: T, dim: Any, keepdim: Any) -> tuple[T, T]:
    sizes = reduced(x, dim, keepdim)
    return T(sizes, x.dtype), T(sizes, INT64)


def _arg(x: T, dim: Any, keepdim: Any) -> T:
    return T(reduced(x, dim, keepdim) if dim is not None else (), INT64)


def _statistic(x: T, dim: Any, correction: Any, keepdim: Any) -> T:
    return T(reduced(x, dim, keepdim), float_of(x.dtype))


def _norm(x: T, p: Any, dim: Any, keepdim: Any) -> T:
    return T(reduced(x, dim, keepdim), float_of(x.dtype))


def _logsumexp(x: T, dim: Any, keepdim: Any) -> T:
    return T(reduced(x, dim, keepdim), float_of(x.dtype))


def _any(x: T, dim: Any, keepdim: Any) -> T:
    return T(reduced(x, dim, keepdim), BOOL)


SHAPE_FUNCTIONS = {
    "sum": _sum,
    "prod": _sum,
    "mean": _mean,
    "amax": _extreme,
    "amin": _extreme,
    "max": _all_reduce,
    "min": _all_reduce,
    "max_dim": _with_indices,
    "min_dim": _with_indices,
    "argmax": _arg,
    "argmin": _arg,
    "var": _statistic,
    "std": _statistic,
    "norm": _norm,
    "logsumexp": _logsumexp,
    "any": _any,
    "all": _any,
}
