"""Scatters and indexed writes: scatter, scatter_add, scatter_reduce, index_put (accumulate) —
out-of-place results of writing one tensor's values into another at places given by index tensors
(writes at static places, slice/select/masked_scatter, are in placed_writes.py).

The kernels write with numpy (np.add.at and friends), in O(elements written). The decompositions,
which C compiles, have no data-dependent write: a scatter by index tensors compares each index
with every position it may write (a one-hot mask, O(positions x indices)) and reduces (scatter:
the last write along dim wins, as in the kernel). Index errors (out of range) are the kernels'
alone: compiled code cannot raise them.
"""
from __future__ import annotations

import numpy as np

from tsjit.dtypes import is_float
from tsjit.kernels.dims import shape_str, wrap_dim
from tsjit.kernels.promotion import BOOL, CODE_OF_DTYPE, INT64, not_implemented
from tsjit.ops import checks as chk
from tsjit.ops import samples as s
from tsjit.ops.creation import checked_scalar
from tsjit.ops.decomposition import NotDecomposable, reject
from tsjit.ops.indexing import _scatter_where, _written
from tsjit.ops.placed_writes import _box, embed, lowest, ranked_pick, tree_prod
from tsjit.ops.registry import defop, op, sample
from tsjit.ops.rules import same, same_dtype

_REDUCTIONS = {"sum": "sum", "prod": "prod", "mean": "mean", "amax": "amax", "amin": "amin", "max": "amax",
               "min": "amin"}  # (aten also takes the internal spellings max and min)


# -- scatter, scatter_add -------------------------------------------------------------------------

def _check_src_dtype(a, src) -> None:
    if isinstance(src, np.ndarray) and src.dtype != a.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")


def _scatter_samples():
    rows = np.array([[0, 2], [3, 1], [1, 0]])  # distinct per row: torch leaves the order of repeated writes open
    cols = np.array([[0, 1, 2, 0], [2, 0, 1, 1]])
    return [sample(s.f32(3, 4), 1, rows, s.f32(3, 2)), sample(s.f32(3, 4), 0, cols, 1.5),
            sample(s.i64(3, 4), 1, rows.astype(np.int32), 2.7), sample(np.zeros(3, np.float32), 0, np.array(1),
                                                                    np.array(5.0, np.float32)),
            sample(s.f32(3, 4), 1, np.zeros((0, 3), np.int64), s.f32(1, 1)),
            sample(s.f32(3, 4), 1, rows, s.f32(1, 1)), sample(s.f32(3, 4), 1, np.array([[-1]]), s.f32(1, 1)),
            sample(s.i64(3, lo=0).astype(np.int8), 0, np.array([0]), 1000)]


@op("scatter", "(Tensor self, int dim, Tensor index, Tensor|Scalar src) -> Tensor", shape=same, dtype=same_dtype,
    verify=chk.SAME_SHAPE, decompose=lambda g, *xs: _scatter(g, *xs), samples=_scatter_samples, api="torch Tensor")
def scatter(a, dim, index, src):
    """A copy of self with src (a tensor of self's dtype, or a scalar) written at the indices along `dim`."""
    d = wrap_dim(dim, a.ndim)
    _check_src_dtype(a, src)
    out = a.copy()
    if index.size == 0:
        return out
    tensor = isinstance(src, np.ndarray)
    where, values = _scatter_where(a, d, index, src if tensor else None)
    _written(out, where)[where] = values if tensor else checked_scalar(src, a.dtype)
    return out


@op("scatter_add", "(Tensor self, int dim, Tensor index, Tensor src) -> Tensor", shape=same, dtype=same_dtype,
    verify=chk.SAME_SHAPE, decompose=lambda g, a, dim, index, src: _scatter_reduce(g, a, dim, index, src, "sum", True),
    samples=lambda: [sample(s.f32(3, 4), 1, s.i64(3, 5, lo=0, hi=4), s.f32(3, 5)),
                     sample(s.f32(3, 4), 0, s.i64(2, 4, lo=0, hi=3), s.f32(2, 4)),
                     sample(s.i64(3, 4), 1, s.i32(3, 2, lo=0, hi=4), s.i64(3, 2)),
                     sample(s.mask(3), 0, np.array([0, 0]), s.mask(2)),
                     sample(np.array(1.0, np.float32), 0, np.array([0, 0]), s.f32(2)),
                     sample(s.f32(3, 4), 1, np.zeros((0, 3), np.int64), s.f32(1, 1)),
                     sample(s.f32(3, 4), 1, np.array([[-1]]), s.f32(1, 1)),
                     sample(s.f32(3, 4), 1, s.i64(3, 2, lo=0, hi=4), s.f64(3, 2))], api="torch Tensor")
def scatter_add(a, dim, index, src):
    """A copy of self with src added at the indices along `dim` (repeated indices accumulate)."""
    d = wrap_dim(dim, a.ndim)
    _check_src_dtype(a, src)
    out = a.copy()
    if index.size == 0:
        return out
    where, values = _scatter_where(a, d, index, src)
    np.add.at(_written(out, where), where, values)
    return out



# -- scatter_reduce ----------------------------------------------------------------------------------

def scatter_reduce(a, dim, index, src, reduce, include_self=True):
    """out = self, then out[index[p] along dim] (reduce)= src[p] over index's positions p; without
    include_self the written places start from the reduction's identity."""
    if reduce not in _REDUCTIONS:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    reduce = _REDUCTIONS[reduce]
    d = wrap_dim(dim, a.ndim)
    if src.dtype != a.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    if reduce == "mean" and a.dtype == BOOL:
        raise not_implemented("scatter_gather_tensor_cpu_reduce_mean", a.dtype)
    out = a.copy()
    if index.size == 0:
        return out
    where, values = _scatter_where(a, d, index, src)
    flat = _written(out, where)
    count = np.zeros(flat.shape, INT64)
    np.add.at(count, where, 1)
    touched = count > 0
    if not include_self:
        flat[touched] = {"sum": 0, "mean": 0, "prod": 1, "amax": lowest(a.dtype), "amin": lowest(a.dtype, True)}[reduce]
    ufunc = {"sum": np.add, "mean": np.add, "prod": np.multiply, "amax": np.maximum, "amin": np.minimum}[reduce]
    if a.dtype == BOOL:
        ufunc = {"sum": np.logical_or, "prod": np.logical_and}.get(reduce, ufunc)
    ufunc.at(flat, where, values)
    if reduce == "mean":
        n = count + include_self
        n[~touched] = 1
        flat[...] = flat / n if is_float(a.dtype) else np.floor_divide(flat, n)
    return out


def _scatter(g, a, dim, index, src):
    """scatter: the last write along dim wins (a scalar src is a constant of index's shape)."""
    if g.dtype(index).kind != "i":
        raise NotDecomposable("the kernel raises")
    if not isinstance(src, (int, float, bool)):
        return _scatter_reduce(g, a, dim, index, src, "replace", False)
    try:
        value = checked_scalar(src, g.dtype(a))
    except RuntimeError as e:
        raise reject(g, e) from None
    return _scatter_reduce(g, a, dim, index, g.expand(np.array(value, g.dtype(a)), list(g.shape(index))), "replace",
                           False)


def _scatter_reduce(g, a, dim, index, src, reduce, include_self):
    """The one-hot form: mask[..., n, k, ...] = index[..., k, ...] == n, reduced over k ("replace":
    the greatest k writing n wins)."""
    reduce = "replace" if reduce == "replace" else _REDUCTIONS.get(g.value(reduce))
    include_self, dtype = g.value(include_self), g.dtype(a)
    if reduce is None or dtype != g.dtype(src) or (reduce == "mean" and dtype == BOOL):
        raise NotDecomposable("the kernel raises")
    if dtype.kind == "c":
        raise NotDecomposable("complex values: the one-hot form picks a writer by amax, which refuses them")
    full, box = g.shape(a), g.shape(index)
    d = wrap_dim(g.value(dim), len(full))
    if 0 in box:
        return g.clone(a)
    if len(full) <= 1 and (g.dim(a), g.dim(index), g.dim(src)) != (1, 1, 1):
        flat = g.reshape(a, [-1])
        out = _scatter_reduce(g, flat, 0, g.reshape(index, [-1]), g.reshape(src, [-1]), reduce, include_self)
        return g.reshape(out, list(full))
    if len(box) != len(full) or len(g.shape(src)) != len(full) or any(
            k > m or (e != d and k > n) for e, (k, n, m) in enumerate(zip(box, full, g.shape(src)))):
        raise NotDecomposable("the kernel raises")
    work = np.dtype(INT64) if dtype == BOOL else dtype
    code = CODE_OF_DTYPE[work]
    x = _box(g, g.to(src, code), box)
    n = full[d]
    positions = np.arange(n, dtype=INT64).reshape((1,) * d + (n, 1) + (1,) * (len(full) - d - 1))
    mask = g.eq(g.unsqueeze(index, d), positions)
    x = g.unsqueeze(x, d)
    identity = {"sum": 0, "mean": 0, "prod": 1}.get(reduce) if reduce in ("sum", "mean", "prod") \
        else lowest(work, reduce == "amin")
    if reduce == "replace":
        k = box[d]
        order = np.arange(k, dtype=INT64).reshape((1,) * (d + 1) + (k,) + (1,) * (len(full) - d - 1))
        last = g.amax(g.where(mask, order, -1), [d + 1], True)
        mask = g.logical_and(mask, g.eq(order, last))
    picked = g.where(mask, x, identity)
    if reduce in ("sum", "mean"):
        red = g.sum(picked, [d + 1], False, code)
    elif reduce == "prod":
        red = tree_prod(g, picked, d + 1)
    else:
        red = getattr(g, "amax" if reduce == "replace" else reduce)(picked, [d + 1], False)
    count = g.sum(mask, [d + 1], False, CODE_OF_DTYPE[INT64])
    old = g.to(_box(g, a, box, d), code)
    if include_self:
        combined = {"sum": g.add, "mean": g.add, "prod": g.mul, "amax": g.maximum, "amin": g.minimum}[reduce](old, red)
        if reduce == "mean":
            combined = _mean(g, combined, g.add(count, 1), work)
    else:
        if reduce == "mean":
            red = _mean(g, red, g.clamp(count, 1, None), work)
        combined = g.where(g.gt(count, 0), red, old)
    if dtype == BOOL:
        combined = g.ne(combined, 0)
    return embed(g, a, combined)


def _mean(g, total, count, dtype):
    if is_float(dtype):
        return g.div(total, count)
    return g.to(g.floor_divide(total, count), CODE_OF_DTYPE[dtype])


def _scatter_reduce_samples():
    rows = np.array([[0, 2, 0], [3, 1, 3], [1, 1, 1]])
    out = []
    for r, inc in (("sum", True), ("amax", False), ("mean", True), ("prod", False), ("amin", True),
                   ("mean", False), ("prod", True), ("sum", False), ("amax", True), ("amin", False)):
        out.append(sample(s.f32(3, 4), 1, rows, s.f32(3, 3), r, inc))
    out += [sample(s.f32(4, 3), 0, s.i64(5, 2, lo=0, hi=4), s.f32(6, 3), "sum", True),
            sample(s.f64(3, 4), -1, np.array([[0, 0], [3, 3]]), s.f64(2, 2), "mean", False),
            sample(s.i64(3, 4), 1, rows.astype(np.int32), s.i64(3, 3), "mean", True),
            sample(s.i64(3, 4), 1, rows, s.i64(3, 3), "mean", False),
            sample(s.i32(2, 5), 1, np.array([[4, 4, 0]]), s.i32(2, 3), "prod", True),
            sample(s.i64(6), 0, np.array([5, 5, 0, 2]), s.i64(4), "amin", False),
            sample(s.mask(5), 0, np.array([1, 1, 3]), s.mask(3), "sum", False),
            sample(s.mask(5), 0, np.array([1, 1, 3]), s.mask(3), "prod", True),
            sample(s.mask(5), 0, np.array([1, 1, 3]), s.mask(3), "mean", True),
            sample(np.array(1.5, np.float32), 0, np.array(0), np.array(2.0, np.float32), "sum", True),
            sample(s.special(), 1, np.array([[0, 0, 1], [2, 2, 2], [3, 3, 3]]), s.special()[::-1].copy(), "amax", True),
            sample(s.f32(3, 4), 1, np.zeros((0, 3), np.int64), s.f32(1, 1), "sum", True),
            sample(s.f32(3, 4), 1, np.array([[4]]), s.f32(1, 1), "sum", True),
            sample(s.f32(3, 4), 1, np.array([[-1]]), s.f32(1, 1), "sum", True),
            sample(s.f32(3, 4), 1, rows, s.f32(3, 3), "add", True),
            sample(s.f32(3, 4), 1, rows, s.f64(3, 3), "sum", True),
            sample(s.f32(3, 4), 1, rows.astype(np.float32), s.f32(3, 3), "sum", True),
            sample(s.f32(3, 4), 1, rows, s.f32(2, 3), "sum", True),
            sample(s.f32(3, 4), 2, rows, s.f32(3, 3), "sum", True)]
    return out


defop("scatter_reduce", "(Tensor self, int dim, Tensor index, Tensor src, str reduce, *, bool include_self=True) -> Tensor",
      scatter_reduce, decompose=_scatter_reduce, shape=same, dtype=same_dtype, api="torch Tensor",
      samples=_scatter_reduce_samples)


# -- index_put -----------------------------------------------------------------------------------------

def _index_key(a, indices) -> tuple:
    """The numpy key of a `Tensor?[]` index, checked as torch checks it (bool/byte masks become the
    int indices of their nonzero places)."""
    if not indices:
        raise RuntimeError("index_put requires at least one index")
    key, d = [], 0
    for i in indices:
        if i is None:
            key.append(slice(None))
            d += 1
            continue
        if i.dtype not in (INT64, np.dtype(np.int32), BOOL, np.dtype(np.uint8)):
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        if i.dtype.kind in "bu":
            span = a.shape[d:d + i.ndim]
            if len(span) < i.ndim:
                raise IndexError(f"too many indices for tensor of dimension {a.ndim} (got {d + i.ndim})")
            if span != i.shape:
                k = next(k for k in range(i.ndim) if span[k] != i.shape[k])
                raise IndexError(f"The shape of the mask {shape_str(i.shape)} at index {k} does not match the shape "
                                 f"of the indexed tensor {shape_str(a.shape)} at index {d + k}")
            key += list(np.nonzero(i.astype(BOOL)))
            d += i.ndim
            continue
        if d >= a.ndim:
            raise IndexError(f"too many indices for tensor of dimension {a.ndim} (got {len(indices)})")
        bad = i[(i < -a.shape[d]) | (i >= a.shape[d])]
        if bad.size:
            raise IndexError(f"index {bad.flat[0]} is out of bounds for dimension {d} with size {a.shape[d]}")
        key.append(i)
        d += 1
    arrays = [k for k in key if isinstance(k, np.ndarray)]
    try:
        np.broadcast_shapes(*(k.shape for k in arrays))
    except ValueError:
        raise IndexError("shape mismatch: indexing tensors could not be broadcast together with shapes "
                         + ", ".join(shape_str(k.shape) for k in arrays)) from None
    return tuple(key)


def index_put(a, indices, values, accumulate=False):
    """A copy of self with values written (added, when accumulating) at self[indices]."""
    if values.dtype != a.dtype:
        from tsjit.kernels.promotion import torch_name
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got {torch_name(a.dtype)} "
                           f"for the destination and {torch_name(values.dtype)} for the source.")
    key = _index_key(a, indices)
    out = a.copy()
    target = out[key].shape
    if np.broadcast_shapes(values.shape, target) != target if _broadcastable(values.shape, target) else True:
        raise RuntimeError(f"shape mismatch: value tensor of shape {shape_str(values.shape)} cannot be broadcast to "
                           f"indexing result of shape {shape_str(target)}")
    if accumulate:
        np.add.at(out, key, values) if a.dtype != BOOL else np.logical_or.at(out, key, values)
    else:
        out[key] = values
    return out


def _broadcastable(shape, target) -> bool:
    try:
        np.broadcast_shapes(shape, target)
    except ValueError:
        return False
    return True


def _index_put(g, a, indices, values, accumulate):
    """One-hot over the flattened indexed dims: mask[q, m] = (linear index m == q); accumulate sums
    the values each place gets, else the place takes its last value."""
    full, dtype = g.shape(a), g.dtype(a)
    accumulate = g.value(accumulate)
    if _values_dtype(g, values) not in (dtype, None) or not indices or len(indices) > len(full):
        raise NotDecomposable("the kernel raises")
    used = [d for d, i in enumerate(indices) if i is not None]
    if any(g.dtype(indices[d]).kind not in "i" for d in used):
        return _mask_put(g, a, indices, values, accumulate, used)
    try:
        shape = np.broadcast_shapes(*(g.shape(indices[d]) for d in used))
    except ValueError:
        raise NotDecomposable("the kernel raises") from None
    rest = [d for d in range(len(full)) if d not in used]
    adjacent = used == list(range(used[0], used[-1] + 1))
    result = (full[:used[0]] + shape + full[used[-1] + 1:]) if adjacent else shape + tuple(full[d] for d in rest)
    vs = g.shape(values)
    if len(vs) > len(result) or not _broadcastable(vs, result) or np.broadcast_shapes(vs, result) != result:
        raise NotDecomposable("the kernel raises")
    if 0 in shape or 0 in full:
        return g.clone(a)
    work = np.dtype(INT64) if dtype == BOOL else dtype
    code, m = CODE_OF_DTYPE[work], int(np.prod(shape))
    v = g.expand(g.to(values, code), list(result))
    if adjacent and used[0]:  # the indexed places first, then the other dims in order
        k = len(shape)
        v = g.permute(v, list(range(used[0], used[0] + k)) + list(range(used[0])) + list(range(used[0] + k, len(result))))
    kept = [full[d] for d in rest]
    v = g.reshape(v, [1, m] + kept)
    lin, q = None, 1
    for d in reversed(used):
        i = g.to(indices[d], CODE_OF_DTYPE[INT64])
        i = g.where(g.lt(i, 0), g.add(i, full[d]), i)
        term = i if q == 1 else g.mul(i, q)
        lin = term if lin is None else g.add(lin, term)
        q *= full[d]
    lin = g.reshape(g.expand(lin, list(shape)), [1, m])
    mask = g.eq(lin, np.arange(q, dtype=INT64).reshape(q, 1))  # [q, m]
    wide = g.reshape(mask, [q, m] + [1] * len(kept))
    base = g.reshape(g.permute(g.to(a, code), used + rest), [q] + kept)
    if accumulate:
        out = g.add(base, g.sum(g.where(wide, v, 0), [1], False, code))
    else:
        last = g.amax(g.where(mask, np.arange(m, dtype=INT64), -1), [1], False)  # the last write wins
        only = g.logical_and(mask, g.eq(g.reshape(last, [q, 1]), np.arange(m, dtype=INT64)))
        picked = g.amax(g.where(g.reshape(only, [q, m] + [1] * len(kept)), v, lowest(work)), [1], False)
        out = g.where(g.reshape(g.ge(last, 0), [q] + [1] * len(kept)), picked, base)
    order = used + rest
    out = g.permute(g.reshape(out, [full[d] for d in order]), [order.index(d) for d in range(len(full))])
    return g.ne(out, 0) if dtype == BOOL else out


def _values_dtype(g, values):
    """The values' dtype; None for a 0-d tensor of no known dtype: the wrapped number of `x[i] = 1.0`
    in script (converted to self's dtype, as PyTorch's setitem converts it)."""
    try:
        return g.dtype(values)
    except NotDecomposable:
        if g.shape(values) != ():
            raise
        return None


def _mask_put(g, a, indices, values, accumulate, used):
    """self[mask] = values for one bool mask (after leading Nones): the j-th true place takes row j of
    values, or all of values where they broadcast over the places."""
    full, dtype = g.shape(a), g.dtype(a)
    if len(used) != 1 or g.dtype(indices[used[0]]) != BOOL:
        raise NotDecomposable("a mask index combined with other indices")
    d, mask = used[0], indices[used[0]]
    k = g.dim(mask)
    if tuple(full[d:d + k]) != g.shape(mask):
        raise NotDecomposable("the kernel raises")
    work = np.dtype(INT64) if dtype == BOOL else dtype
    code = CODE_OF_DTYPE[work]
    lead, tail = list(full[:d]), list(full[d + k:])
    n = int(np.prod(full[d:d + k]))
    perm = list(range(d, d + k)) + list(range(d)) + list(range(d + k, len(full)))
    base = g.reshape(g.permute(g.to(a, code), perm), [n] + lead + tail)
    flat = g.reshape(mask, [n])
    vs = list(g.shape(values))
    if len(vs) < len(lead) + len(tail) + 1 or vs[-len(lead) - len(tail) - 1] == 1:
        v = g.unsqueeze(g.to(values, code), 0) if len(vs) <= len(lead) + len(tail) else g.to(values, code)
        v = g.expand(v, [1] + lead + tail) if g.shape(v) != tuple([1] + lead + tail) else v
        if 0 in full:
            return g.clone(a)
        rows = g.expand(v, [n] + lead + tail)
        wide = g.reshape(flat, [n] + [1] * (len(lead) + len(tail)))
        out = g.where(wide, g.add(base, rows) if accumulate else rows, base)
    else:
        rows = g.expand(g.to(values, code), [vs[-len(lead) - len(tail) - 1]] + lead + tail)
        if 0 in full:
            return g.clone(a)
        picked = ranked_pick(g, flat, rows, lowest(work))
        wide = g.reshape(flat, [n] + [1] * (len(lead) + len(tail)))
        out = g.where(wide, g.add(base, picked) if accumulate else picked, base)
    out = g.permute(g.reshape(out, list(full[d:d + k]) + lead + tail), [perm.index(i) for i in range(len(full))])
    return g.ne(out, 0) if dtype == BOOL else out


def _index_put_samples():
    rows = np.array([0, 3, 1])
    return [sample(s.f32(4, 3), [rows], s.f32(3, 3), False),
            sample(s.f32(4, 3), [s.i64(5, lo=0, hi=4)], s.f32(3), True),
            sample(s.f32(4, 3, 2), [None, np.array([[0, -1]]), np.array([1, 0])], s.f32(4, 1, 2), False),
            sample(s.f32(4, 3, 2), [np.array([2, -4]), None, np.array([[1], [0]])], s.f32(2, 2, 3), True),
            sample(s.f64(3, 4), [np.array([0, 2]), np.array([3, 3])], np.array(2.5), False),
            sample(s.i64(3, 4), [np.array([1, 1, 1], np.int32)], s.i64(4), True),
            sample(s.i32(5), [np.array([4, 0, 4])], s.i32(3), True),
            sample(s.mask(5), [np.array([4, 0, 4])], s.mask(3), True),
            sample(s.mask(5), [np.array([4, 0])], s.mask(2), False),
            sample(s.f32(4, 3), [s.mask(4)], s.f32(3), False),
            sample(s.f32(4, 3), [s.mask(4, 3)], np.array(1.0, np.float32), True),
            sample(s.f32(4, 3), [np.zeros(0, np.int64)], np.array(1.0, np.float32), True),
            sample(s.f32(4, 3), [rows], s.f64(3, 3), False), sample(s.f32(4, 3), [np.array([4])], s.f32(3), False),
            sample(s.f32(4, 3), [rows], s.f32(2, 3), False), sample(s.f32(4, 3), [rows.astype(np.float32)], s.f32(3), False),
            sample(s.f32(4, 3), [rows, rows, rows], s.f32(3), False),
            sample(s.f32(4, 3), [np.array([0, 1]), np.array([0, 1, 2])], s.f32(3), False)]


defop("index_put", "(Tensor self, Tensor?[] indices, Tensor values, bool accumulate=False) -> Tensor", index_put,
      decompose=_index_put, shape=same, dtype=same_dtype, api="torch Tensor", aten="index_put _unsafe_index_put",
      samples=_index_put_samples)
