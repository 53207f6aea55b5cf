"""Result types of an op from abstract operands: its shape and dtype rules applied (see rules.py).

`infer(defn, args, n_results)` gives one `T` per result (a list of `T`s for a `Tensor[]` result
whose length is known) or None for results that are not tensors. A rule raising NeedRank only
makes the sizes unknown. `BY_KERNEL` rules run the op's kernel on zero-filled samples of the
operands: an unknown dim is sampled twice (as 2 and 3) and result dims that differ between the
runs are unknown; an unknown dtype makes the result dtype unknown.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from tsjit.ops.registry import OpDef
from tsjit.ops.rules import BY_KERNEL, D, NeedRank, ShapeError, T, Unknown, const


def infer(defn: OpDef, args: list[Any], n_results: int) -> list[Any]:
    results = defn.schema.results
    if not defn.schema.tensor_results:
        return [None] * n_results
    if defn.shape == BY_KERNEL:
        return _by_kernel(defn, args)
    if defn.shape is None or defn.dtype is None:
        raise ShapeError(f"ts.{defn.name} has no shape or dtype rule")
    # a rule given a run-time value (Unknown) where it needs a constant cannot say: unknown, not a crash
    vague = (NeedRank, TypeError, AttributeError) if _has_unknown(args) else NeedRank
    try:
        shapes = defn.shape(*args)
    except vague:
        shapes = None
    try:
        dtypes = defn.dtype(*args)
    except vague:
        dtypes = None
    if len(results) == 1:
        if results[0].kind == "Tensor[]":
            if shapes is None:
                return [T(None, dtypes)]
            return [[T(tuple(s), dtypes) for s in shapes]]
        return [T(None if shapes is None else tuple(shapes), dtypes)]
    shapes = shapes if shapes is not None else [None] * len(results)
    dtypes = dtypes if dtypes is not None else [None] * len(results)
    return [T(None if s is None else tuple(s), d) if r.kind.startswith("Tensor") else None
            for s, d, r in zip(shapes, dtypes, results)]


def _has_unknown(args: list[Any]) -> bool:
    return any(isinstance(a, Unknown) or isinstance(a, list | tuple) and _has_unknown(list(a)) for a in args)


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


def _by_kernel(defn: OpDef, args: list[Any]) -> list[Any]:
    check = DATA_DEPENDENT.get(defn.name)
    if check is not None and check(*args):
        raise ShapeError(f"the result size of {defn.name} depends on tensor values")
    try:
        tensors = _tensors(args)
        known_dtype = all(t.dtype is not None for t in tensors)
        dynamic = any(t.sizes is not None and D in t.sizes for t in tensors)
        runs = []
        for unknown in ((2, 3) if dynamic else (2,)):
            samples = [_sample(a, unknown) for a in args]
            try:
                with np.errstate(all="ignore"):
                    runs.append(_results(defn.kernel(*samples)))
            except (RuntimeError, ValueError, IndexError, TypeError) as e:
                raise ShapeError(f"{defn.name}: {e}") from None
    except NeedRank:
        return [T(None, None) for _ in defn.schema.results]
    merged = runs[0] if len(runs) == 1 else [_merge(a, b, known_dtype) for a, b in zip(*runs)]
    if not known_dtype:
        merged = [_merge(m, m, False) for m in merged]
    return merged
