"""Shape functions of views, layout, joining/splitting, indexing, dtype conversion and creation.

Sizes that come from operand values (view/reshape sizes, creation sizes) must be constant
lists; a list built from non-constant ints keeps its length and gives `?` dims. Ops that
split a tensor return one type per piece (`Tensor[]` results).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from tsjit.dialects.ts.shape_functions import (
    BOOL,
    D,
    DEFAULT_FLOAT,
    INT64,
    ShapeError,
    T,
    Unknown,
    arith,
    broadcast,
    const,
    dims,
    dtype_arg,
    int_list,
    numel,
    promote,
    scalar_dtype,
    tensors,
    wrap,
)


def _infer(sizes: list[int], total: int) -> tuple[int, ...]:
    """Resolve one -1 of a view size from the element count."""
    if -1 not in sizes:
        return tuple(sizes)
    known = [s for s in sizes if s != -1]
    value = D if total == D or D in known else total // max(math.prod(known), 1)
    return tuple(value if s == -1 else s for s in sizes)


def _view(x: T, size: Any) -> T:
    sizes = int_list(size, "the view/reshape size")
    return T(_infer(sizes, numel(dims(x))), x.dtype)


def _flatten(x: T, start: Any, end: Any) -> T:
    xs = dims(x)
    if not xs:
        return T((1,), x.dtype)
    s, e = wrap(start, len(xs)), wrap(end, len(xs))
    return T(xs[:s] + (numel(xs[s:e + 1]),) + xs[e + 1:], x.dtype)


def _permute(x: T, order: Any) -> T:
    xs = dims(x)
    return T(tuple(xs[wrap(d, len(xs))] for d in int_list(order, "permute dims")), x.dtype)


def _transpose(x: T, d0: Any, d1: Any) -> T:
    xs = list(dims(x))
    if xs:
        i, j = wrap(d0, len(xs)), wrap(d1, len(xs))
        xs[i], xs[j] = xs[j], xs[i]
    return T(tuple(xs), x.dtype)


def _t(x: T) -> T:
    return T(tuple(reversed(dims(x))), x.dtype)


def _squeeze(x: T, dim: Any) -> T:
    xs = dims(x)
    if dim is None:
        if D in xs:
            raise ShapeError("squeeze() of a tensor with unknown dims has an unknown rank")
        return T(tuple(n for n in xs if n != 1), x.dtype)
    if not xs:
        return x
    d = wrap(dim, len(xs))
    if xs[d] == D:
        raise ShapeError("squeeze(dim) of an unknown dim has an unknown rank")
    return T(xs[:d] + xs[d + 1:] if xs[d] == 1 else xs, x.dtype)


def _unsqueeze(x: T, dim: Any) -> T:
    xs = dims(x)
    d = wrap(dim, len(xs) + 1)
    return T(xs[:d] + (1,) + xs[d:], x.dtype)


def _expand(x: T, size: Any, implicit: Any) -> T:
    xs, sizes = dims(x), int_list(size, "the expand size")
    lead = len(sizes) - len(xs)
    return T(tuple(xs[i - lead] if s == -1 else s for i, s in enumerate(sizes)), x.dtype)


def _expand_as(x: T, other: T) -> T:
    return T(dims(other), x.dtype)


def _repeat(x: T, repeats: Any) -> T:
    reps = int_list(repeats, "repeats")
    xs = (1,) * (len(reps) - len(dims(x))) + dims(x)
    return T(tuple(arith(lambda n, r: n * r, n, r) for n, r in zip(xs, reps)), x.dtype)


def _cat(items: Any, dim: Any) -> T:
    ts = [t for t in tensors(items, "cat") if dims(t) != (0,)]  # legacy: 1-D empty tensors are skipped
    ts = ts or tensors(items, "cat")[:1]
    first = dims(ts[0])
    d = wrap(dim, len(first))
    total = arith(lambda *ns: sum(ns), *(dims(t)[d] for t in ts))
    return T(first[:d] + (total,) + first[d + 1:], promote(*ts))


def _stack(items: Any, dim: Any) -> T:
    ts = tensors(items, "stack")
    first = dims(ts[0])
    d = wrap(dim, len(first) + 1)
    return T(first[:d] + (len(ts),) + first[d:], promote(*ts))


def _with_dim(xs: tuple[int, ...], d: int, n: int) -> tuple[int, ...]:
    return xs[:d] + (n,) + xs[d + 1:]


def _slice(x: T, dim: Any, start: Any, end: Any, step: Any) -> T:
    xs = dims(x)
    d = wrap(dim, len(xs))
    n = xs[d]
    if n == D or isinstance(start, Unknown) or isinstance(end, Unknown) or isinstance(step, Unknown):
        return T(_with_dim(xs, d, D), x.dtype)
    begin = 0 if start is None else start
    stop = n if end is None else end
    begin = min(max(begin + n if begin < 0 else begin, 0), n)
    stop = min(max(stop + n if stop < 0 else stop, begin), n)
    return T(_with_dim(xs, d, len(range(begin, stop, step))), x.dtype)


def _select(x: T, dim: Any, index: Any) -> T:
    xs = dims(x)
    d = wrap(dim, len(xs))
    return T(xs[:d] + xs[d + 1:], x.dtype)


def _narrow(x: T, dim: Any, start: Any, length: Any) -> T:
    xs = dims(x)
    return T(_with_dim(xs, wrap(dim, len(xs)), D if isinstance(length, Unknown) else length), x.dtype)


def _pieces(x: T, dim: Any, size: int, piece: int) -> list[T]:
    xs = dims(x)
    d = wrap(dim, len(xs))
    if size == 0:
        return [x]
    return [T(_with_dim(xs, d, min(piece, size - i)), x.dtype) for i in range(0, size, piece)]


def _split(x: T, split_size: Any, dim: Any) -> list[T]:
    xs = dims(x)
    n = xs[wrap(dim, len(xs))]
    if n == D:
        raise ShapeError("split of an unknown dim has an unknown number of pieces")
    return _pieces(x, dim, n, const(split_size, "split_size"))


def _chunk(x: T, chunks: Any, dim: Any) -> list[T]:
    xs = dims(x)
    n = xs[wrap(dim, len(xs))]
    if n == D:
        raise ShapeError("chunk of an unknown dim has an unknown number of pieces")
    return _pieces(x, dim, n, max(-(-n // const(chunks, "chunks")), 1))


def _unbind(x: T, dim: Any) -> list[T]:
    xs = dims(x)
    d = wrap(dim, len(xs))
    if xs[d] == D:
        raise ShapeError("unbind of an unknown dim has an unknown number of pieces")
    return [T(xs[:d] + xs[d + 1:], x.dtype)] * xs[d]


def _index(x: T, indices: Any) -> T:
    """Advanced indexing by integer tensors (None: the whole dim); a bool mask is data-dependent."""
    xs = dims(x)
    idx = tensors(indices, "index")
    if any(isinstance(i, T) and i.dtype is not None and i.dtype.kind == "b" for i in idx):
        raise ShapeError("indexing with a boolean mask gives a data-dependent shape")
    used = [k for k, i in enumerate(idx) if i is not None]
    if not used:
        return x
    shape = broadcast(*(dims(idx[k]) for k in used))
    if used == list(range(used[0], used[-1] + 1)):  # adjacent: the index dims replace them in place
        return T(xs[:used[0]] + shape + xs[used[-1] + 1:], x.dtype)
    return T(shape + tuple(n for k, n in enumerate(xs) if k >= len(idx) or idx[k] is None), x.dtype)


def _index_select(x: T, dim: Any, index: T) -> T:
    xs = dims(x)
    if not xs:
        return T((), x.dtype)
    return T(_with_dim(xs, wrap(dim, len(xs)), numel(dims(index))), x.dtype)


def _gather(x: T, dim: Any, index: T) -> T:
    return T(dims(index), x.dtype)


def _pad(x: T, pads: Any, mode: Any, value: Any) -> T:
    xs, ps = list(dims(x)), int_list(pads, "pad")
    for i in range(len(ps) // 2):
        d = len(xs) - 1 - i
        xs[d] = arith(lambda n, lo, hi: n + lo + hi, xs[d], ps[2 * i], ps[2 * i + 1])
    return T(tuple(xs), x.dtype)


def _to(x: T, dtype: Any) -> T:
    return T(dims(x), dtype_arg(dtype, x.dtype))


def _type_as(x: T, other: T) -> T:
    return T(dims(x), other.dtype)


def _like(x: T, dtype: Any) -> T:
    return T(dims(x), dtype_arg(dtype, x.dtype))


def _full_like(x: T, fill: Any, dtype: Any) -> T:
    return T(dims(x), dtype_arg(dtype, x.dtype))


def _sized(size: Any, dtype: Any, default: Any = DEFAULT_FLOAT) -> T:
    return T(tuple(int_list(size, "the size")), dtype_arg(dtype, default))


def _creation(size: Any, dtype: Any) -> T:
    return _sized(size, dtype)


def _full(size: Any, fill: Any, dtype: Any) -> T:
    return _sized(size, dtype, scalar_dtype(fill))


def _arange(start: Any, end: Any, step: Any, dtype: Any) -> T:
    bounds = (start, end, step)
    if any(isinstance(v, Unknown) for v in bounds):
        n = D
    else:
        n = max(math.ceil((end - start) / step), 0)
    is_int = all(isinstance(v, int) or (isinstance(v, Unknown) and v.kind in ("int", "bool")) for v in bounds)
    return T((n,), dtype_arg(dtype, INT64 if is_int else DEFAULT_FLOAT))


def _linspace(start: Any, end: Any, steps: Any, dtype: Any) -> T:
    return T((D if isinstance(steps, Unknown) else steps,), dtype_arg(dtype, DEFAULT_FLOAT))


def _eye(n: Any, dtype: Any) -> T:
    n = D if isinstance(n, Unknown) else n
    return T((n, n), dtype_arg(dtype, DEFAULT_FLOAT))


def _randint(low: Any, high: Any, size: Any, dtype: Any) -> T:
    return _sized(size, dtype, INT64)


def _num_to_tensor(a: Any) -> T:
    """prim::NumToTensor keeps the scalar's precision: a Python float becomes a float64 tensor."""
    dtype = scalar_dtype(a)
    return T((), np.dtype(np.float64) if dtype is not None and dtype.kind == "f" else dtype)


def _metadata(*args: Any) -> None:
    """Not a tensor: the result keeps its type (canonicalize folds it once the input type is static)."""
    return None


SHAPE_FUNCTIONS = {
    "view": _view,
    "reshape": _view,
    "flatten": _flatten,
    "permute": _permute,
    "transpose": _transpose,
    "t": _t,
    "squeeze": _squeeze,
    "unsqueeze": _unsqueeze,
    "expand": _expand,
    "expand_as": _expand_as,
    "repeat": _repeat,
    "cat": _cat,
    "stack": _stack,
    "slice": _slice,
    "select": _select,
    "narrow": _narrow,
    "chunk": _chunk,
    "split": _split,
    "unbind": _unbind,
    "index": _index,
    "index_select": _index_select,
    "gather": _gather,
    "pad": _pad,
    "to": _to,
    "type_as": _type_as,
    **{name: _like for name in ("zeros_like", "ones_like", "empty_like")},
    "full_like": _full_like,
    **{name: _creation for name in ("zeros", "ones", "empty", "rand", "randn")},
    "full": _full,
    "arange": _arange,
    "linspace": _linspace,
    "eye": _eye,
    "randint": _randint,
    "num_to_tensor": _num_to_tensor,
    **{name: _metadata for name in ("size", "size_dim", "dim", "numel", "dtype", "device", "item", "to_bool",
                                    "to_int", "to_float", "manual_seed")},
}

__all__ = ["BOOL", "SHAPE_FUNCTIONS"]
