"""Shape functions of the ops added for imported PyTorch models, by running their kernel on samples.

These ops' result shapes and dtypes follow from operand shapes, dtypes and constants alone, so
the rule builds zero-filled sample arrays, runs the op's own kernel (tsjit.kernels) and reads the
result: the rule cannot drift from the kernel. An unknown dim is sampled twice (as 2 and 3);
result dims that differ between the runs are unknown. An unknown dtype makes the result dtype
unknown. Ops whose result size depends on tensor values raise ShapeError.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from tsjit.dialects.ts.shape_functions import D, NeedRank, ShapeError, T, Unknown, const

#: The ops of tensor_ops.py's "imported PyTorch models" block (data-dependent ones handled below).
SAMPLED = (
    "median", "tril", "triu", "roll", "movedim", "unflatten", "split_with_sizes", "scatter", "scatter_add",
    "index_fill", "tile", "diag", "reshape_as", "cumprod", "sort", "argsort", "topk", "count_nonzero", "var_mean",
    "std_mean", "median_dim", "baddbmm", "mv", "addmv", "outer", "einsum", "instance_norm", "avg_pool1d",
    "adaptive_avg_pool1d", "adaptive_max_pool1d", "conv_transpose1d", "pixel_shuffle", "cosine_similarity",
    "mse_loss", "l1_loss",
)
#: Ops whose result size depends on tensor values unless an operand says otherwise.
DATA_DEPENDENT = {
    "one_hot": lambda x, n: isinstance(n, Unknown) or n == -1,
    "repeat_interleave": lambda x, repeats, dim: isinstance(repeats, (T, Unknown)),
}


def _sample(value: Any, unknown: int) -> Any:
    if isinstance(value, T):
        if value.sizes is None:
            raise NeedRank
        sizes = tuple(unknown if d == D else d for d in value.sizes)
        return np.zeros(sizes, value.dtype or np.float32)
    if isinstance(value, list):
        return [_sample(v, unknown) for v in value]
    return const(value, "this operand")


def _results(out: Any) -> list:
    if isinstance(out, tuple):
        return [_results(o)[0] for o in out]
    if isinstance(out, list):
        return [[T(tuple(o.shape), o.dtype) for o in out]]
    return [T(tuple(np.shape(out)), np.asarray(out).dtype)]


def _merge(a: Any, b: Any, known_dtype: bool) -> Any:
    if isinstance(a, list):
        if len(a) != len(b):
            raise ShapeError("the number of results depends on an unknown size")
        return [_merge(x, y, known_dtype) for x, y in zip(a, b)]
    sizes = a.sizes if len(a.sizes) == len(b.sizes) else None
    if sizes is not None:
        sizes = tuple(x if x == y else D for x, y in zip(a.sizes, b.sizes))
    return T(sizes, a.dtype if known_dtype else None)


def _tensors(args: Any) -> list[T]:
    out = []
    for a in args:
        if isinstance(a, T):
            out.append(a)
        elif isinstance(a, list):
            out += _tensors(a)
    return out


def sampled(name: str):
    def rule(*args: Any) -> Any:
        from tsjit.ops import KERNELS

        check = DATA_DEPENDENT.get(name)
        if check is not None and check(*args):
            raise ShapeError(f"the result size of {name} depends on tensor values")
        tensors = _tensors(args)
        known_dtype = all(t.dtype is not None for t in tensors)
        dynamic = any(t.sizes is not None and D in t.sizes for t in tensors)
        runs = []
        for unknown in ((2, 3) if dynamic else (2,)):
            samples = [_sample(a, unknown) for a in args]
            try:
                with np.errstate(all="ignore"):
                    runs.append(_results(KERNELS[name](*samples)))
            except (RuntimeError, ValueError, IndexError, TypeError) as e:
                raise ShapeError(f"{name}: {e}") from None
        merged = runs[0] if len(runs) == 1 else [_merge(a, b, known_dtype) for a, b in zip(*runs)]
        if not known_dtype:
            merged = [_merge(m, m, False) for m in merged]
        return tuple(merged) if len(merged) > 1 else merged[0]
    return rule


SHAPE_FUNCTIONS = {name: sampled(name) for name in (*SAMPLED, *DATA_DEPENDENT)}
