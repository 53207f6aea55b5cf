"""Scatter forms built on scatter.py's ops: scatter with reduce='add' / 'multiply' (aten::scatter.reduce
and scatter.value_reduce, PyTorch's older reducing scatter) and put (Tensor.put: index_put into the
flattened tensor).

scatter with a reduce is scatter_reduce with include_self (sum for 'add', prod for 'multiply'), a
number value first made a tensor of index's shape and self's dtype (truncating into integers, as
ATen's checked conversion does). put writes source's elements at index's flattened places (negative
ones count from the end; with accumulate, repeated places add up). Index range errors are the
kernels' alone: compiled code cannot raise them.
"""
from __future__ import annotations

import numpy as np

from tsjit.kernels.promotion import INT64, torch_name
from tsjit.ops import checks as chk
from tsjit.ops import samples as s
from tsjit.ops.creation import checked_scalar
from tsjit.ops.decomposition import NotDecomposable, reject
from tsjit.ops.registry import defop, op, sample
from tsjit.ops.rules import same, same_dtype

_SCATTER_REDUCE = {"add": "sum", "multiply": "prod"}


def _scatter_with_reduce(g, a, dim, index, src, reduce):
    mode = _SCATTER_REDUCE.get(g.value(reduce))
    if mode is None:
        raise reject(g, RuntimeError("reduce argument must be either add or multiply."))
    if isinstance(src, (int, float, bool)):
        try:
            value = checked_scalar(src, g.dtype(a))
        except RuntimeError as e:
            raise reject(g, e) from None
        src = g.expand(np.array(value, g.dtype(a)), list(g.shape(index)))
    elif g.dtype(src) != g.dtype(a):
        raise reject(g, RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype"))
    return g.scatter_reduce(a, dim, index, src, mode, include_self=True)


def _scatter_with_reduce_samples():
    rows = np.array([[0, 2, 0], [3, 1, 3], [1, 1, 1]])
    return [sample(s.f32(3, 4), 1, rows, s.f32(3, 3), "multiply"),
            sample(s.f32(3, 4), 1, rows, s.f32(3, 3), "add"),
            sample(s.f64(4, 3), 0, s.i64(5, 2, lo=0, hi=4), s.f64(6, 3), "add"),
            sample(s.f32(4, 3), -2, s.i64(2, 3, lo=0, hi=4), 1.5, "multiply"),
            sample(s.i64(3, 4), 1, rows, 2.7, "multiply"),
            sample(s.i64(3, 4), 1, rows, s.i64(3, 3), "add"),
            sample(np.array(1.5, np.float32), 0, np.array(0), np.array(2.0, np.float32), "multiply"),
            sample(s.f32(3, 4), 1, np.zeros((0, 3), np.int64), s.f32(1, 1), "add"),
            sample(s.f32(3, 4), 1, rows, s.f32(3, 3), "max"),
            sample(s.f32(3, 4), 1, rows, s.f64(3, 3), "add")]


defop("scatter_with_reduce", "(Tensor self, int dim, Tensor index, Tensor|Scalar src, *, str reduce) -> Tensor",
      decompose=_scatter_with_reduce, shape=same, dtype=same_dtype, verify=chk.SAME_SHAPE, aten="scatter",
      samples=_scatter_with_reduce_samples)


# -- put ---------------------------------------------------------------------------------------------

def _check_put(a, index, source) -> None:
    if index.dtype != INT64:
        raise RuntimeError(f"put_(): Expected a long tensor for index, but got {torch_name(index.dtype)}")
    if source.dtype != a.dtype:
        raise RuntimeError(f"put_(): self and source expected to have the same dtype, but got self.dtype = "
                           f"{torch_name(a.dtype)} and source.dtype = {torch_name(source.dtype)}")
    if index.size != source.size:
        raise IndexError(f"put_(): Expected source and index to have the same number of elements, but got "
                         f"source.numel() = {source.size}, index.numel() = {index.size}")
    if a.size == 0 and index.size:
        raise IndexError("put_(): Tried to put elements into an empty tensor")


def _put(g, a, index, source, accumulate):
    """index_put of the flattened tensor at the flattened index (negative places wrapped)."""
    if g.dtype(index) != INT64 or g.dtype(source) != g.dtype(a) or int(np.prod(g.shape(index))) != int(
            np.prod(g.shape(source))) or (0 in g.shape(a) and int(np.prod(g.shape(index)))):
        raise NotDecomposable("the kernel raises")
    n = int(np.prod(g.shape(a)))
    places = g.reshape(index, [-1])
    places = g.where(g.lt(places, 0), g.add(places, n), places)
    flat = g.index_put(g.reshape(a, [-1]), [places], g.reshape(source, [-1]), accumulate)
    return g.reshape(flat, list(g.shape(a)))


def _put_samples():
    return [sample(s.f32(3, 4), np.array([1, 5, 7]), s.f32(3), False),
            sample(s.f32(3, 4), np.array([[0, -1], [11, 2]]), s.f32(2, 2), False),
            sample(s.f32(3, 4), np.array([1, 1, -11, 3]), s.f32(4), True),
            sample(s.i64(2, 3), np.array([5, 0]), s.i64(2), True),
            sample(np.array(2.0, np.float32), np.array([0, 0]), s.f32(2), True),
            sample(s.f32(2, 2), np.zeros(0, np.int64), s.f32(0), False),
            sample(s.f32(3, 4), np.array([1, 12]), s.f32(2), False),
            sample(s.f32(3, 4), np.array([1, -13]), s.f32(2), False),
            sample(s.f32(3, 4), np.array([1, 2]), s.f32(3), False),
            sample(s.f32(3, 4), np.array([1, 2]), s.f64(2), False),
            sample(s.f32(3, 4), np.array([1, 2], np.int32), s.f32(2), False),
            sample(s.f32(0), np.array([0]), s.f32(1), False)]


@op("put", "(Tensor self, Tensor index, Tensor source, bool accumulate=False) -> Tensor", shape=same,
    dtype=same_dtype, verify=chk.SAME_SHAPE, decompose=_put, samples=_put_samples, api="torch Tensor")
def put(a, index, source, accumulate=False):
    """A copy of self with source's elements written (added, with accumulate) at index's places in the
    flattened tensor."""
    _check_put(a, index, source)
    n = a.size
    places = index.reshape(-1)
    bad = (places >= n) | (places < -n)
    if bad.any():
        raise IndexError(f"out of range: tried to access index {places[bad][0]} on a tensor of {n} elements.")
    places = np.where(places < 0, places + n, places)
    out = a.copy().reshape(-1)
    if accumulate:
        np.add.at(out, places, source.reshape(-1))
    else:
        out[places] = source.reshape(-1)
    return out.reshape(a.shape)
