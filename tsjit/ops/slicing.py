"""Slices and splits: slice, select, narrow (views of part of a tensor) and split, chunk,
split_with_sizes, unbind (a `Tensor[]` of views).

Where PyTorch returns views, the kernels return numpy views of the same buffer. Dims and sizes must
be compile-time constants for the rules to know the result.
"""
from __future__ import annotations

import numpy as np

from tsjit.kernels.dims import shape_str, wrap_dim
from tsjit.ops import samples as s
from tsjit.ops.registry import op, sample
from tsjit.ops.rules import D, ShapeError, Unknown, arith, const, dims_not_0d, int_list, same_dtype, with_dim, wrap

_LIST = ("a list of tensors: taken apart into slices where it is unpacked, indexed or returned "
         "(tsjit/passes/split_unpacks.py), so only other uses run on numpy")


def _index_at(dim: int, index) -> tuple:
    return (slice(None),) * dim + (index, Ellipsis)


# -- slicing ---------------------------------------------------------------------------------------

def _slice_shape(x, dim, start, end, step):
    xs = dims_not_0d(x, "slice")
    d = wrap(dim, len(xs))
    n = xs[d]
    if n == D or any(isinstance(v, Unknown) for v in (start, end, step)):
        return with_dim(xs, d, D)
    if step <= 0:
        raise ShapeError("slice step must be positive")
    begin = 0 if start is None else start
    stop = n if end is None else end
    begin = min(max(begin + n if begin < 0 else begin, 0), n)
    stop = min(max(stop + n if stop < 0 else stop, begin), n)
    return with_dim(xs, d, len(range(begin, stop, step)))


@op("slice", "(Tensor self, int dim=0, int? start=None, int? end=None, int step=1) -> Tensor", shape=_slice_shape,
    dtype=same_dtype, lower="shape.lower_slice",
    samples=lambda: [sample(s.f32(5, 6), 1, -4, 100, 2), sample(s.f32(5, 6), 0, None, -1, 1),
                     sample(s.f32(5, 6), -1, 4, 2, 1), sample(s.i64(4), 0, -100, None, 3),
                     sample(s.f32(5, 6), 0, 1, 3, 0), sample(np.array(1.5), 0, 0, 1, 1),
                     sample(s.strided(3, 4), 1, 1, None, 2), sample(s.f32(0, 3), 0, 1, 2, 1)])
def slice_(a, dim, start, end, step=1):
    if a.ndim == 0:
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    dim = wrap_dim(dim, a.ndim)
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    size = a.shape[dim]
    start = 0 if start is None else start
    end = size if end is None else end
    start = min(max(start + size if start < 0 else start, 0), size)
    end = min(max(end + size if end < 0 else end, start), size)
    return a[_index_at(dim, slice(start, end, step))]


def _select_shape(x, dim, index):
    xs = dims_not_0d(x, "select")
    d = wrap(dim, len(xs))
    if isinstance(index, int) and xs[d] != D and not -xs[d] <= index < xs[d]:
        raise ShapeError(f"select(): index {index} out of range for dimension {d} of size {xs[d]}")
    return xs[:d] + xs[d + 1:]


@op("select", "(Tensor self, int dim, int index) -> Tensor", shape=_select_shape, dtype=same_dtype,
    lower="shape.lower_select",
    samples=lambda: [sample(s.f32(5, 6), 1, -2), sample(s.f32(5, 6), 0, 4), sample(s.i64(3), 0, 1),
                     sample(s.f32(5, 6), 0, 5), sample(np.array(1.5), 0, 0), sample(s.strided(3, 4), 0, -1)])
def select(a, dim, index):
    if a.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    dim = wrap_dim(dim, a.ndim)
    size = a.shape[dim]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size {shape_str(a.shape)} at "
                         f"dimension {dim}")
    return a[_index_at(dim, index % size)]


def _narrow_shape(x, dim, start, length):
    xs = dims_not_0d(x, "narrow")
    d = wrap(dim, len(xs))
    if isinstance(length, Unknown):
        return with_dim(xs, d, D)
    n = xs[d]
    begin = start + n if isinstance(start, int) and start < 0 else start
    if length < 0 or isinstance(start, int) and n != D and (not -n <= start <= n or begin + length > n):
        raise ShapeError(f"narrow(): start {start} and length {length} do not fit in a dimension of size {n}")
    return with_dim(xs, d, length)


@op("narrow", "(Tensor self, int dim, int start, int length) -> Tensor", shape=_narrow_shape, dtype=same_dtype,
    lower="shape.lower_narrow",
    samples=lambda: [sample(s.f32(5, 6), 0, 1, 3), sample(s.f32(5, 6), -1, -2, 2), sample(s.i64(4), 0, 4, 0),
                     sample(s.f32(5, 6), 0, 3, 3), sample(s.f32(5, 6), 1, 7, 1), sample(s.f32(5, 6), 1, 0, -1),
                     sample(s.f32(5, 6), 1, 6, 1)])
def narrow(a, dim, start, length):
    if a.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    dim = wrap_dim(dim, a.ndim)
    size = a.shape[dim]
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    start += size if start < 0 else 0
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return a[_index_at(dim, slice(start, start + length))]


# -- splitting (Tensor[] results) ------------------------------------------------------------------

def _at_least_1d(a, name):
    if a.ndim == 0:
        raise RuntimeError(f"{name} expects at least a 1-dimensional tensor")


def _pieces(xs, d, piece, empty_pieces=1):
    n = xs[d]
    if n == D:
        raise ShapeError("splitting an unknown dim gives an unknown number of pieces")
    if n == 0:
        return [xs] * empty_pieces
    return [with_dim(xs, d, min(piece, n - i)) for i in range(0, n, piece)]


def _split_shape(x, split_size, dim):
    xs = dims_not_0d(x, "split")
    size = const(split_size, "split_size")
    if size <= 0 and xs[wrap(dim, len(xs))] != 0:
        raise ShapeError(f"split_size {size} must be positive")
    return _pieces(xs, wrap(dim, len(xs)), size)


def _chunk_shape(x, chunks, dim):
    xs = dims_not_0d(x, "chunk")
    d, n = wrap(dim, len(xs)), const(chunks, "chunks")
    if n <= 0:
        raise ShapeError(f"chunk expects `chunks` to be greater than 0, got: {n}")
    return _pieces(xs, d, arith(lambda size: max(-(-size // n), 1), xs[d]), n)


@op("split", "(Tensor self, int split_size, int dim=0) -> Tensor[]", shape=_split_shape, dtype=same_dtype,
    numpy_only=_LIST,
    samples=lambda: [sample(s.f32(5, 6), 2, 0), sample(s.f32(5, 6), 3, -1), sample(s.f32(5, 6), 10, 0),
                     sample(s.f32(0, 3), 2, 0), sample(s.i64(4), 0, 0), sample(s.f32(0, 3), 0, 0)])
def split(a, split_size, dim=0):
    _at_least_1d(a, "split")
    dim = wrap_dim(dim, a.ndim)
    size = a.shape[dim]
    if split_size < 0 or (split_size == 0 and size):
        raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}")
    if size == 0:
        return [a.view()]
    return [a[_index_at(dim, slice(i, i + split_size))] for i in range(0, size, split_size)]


@op("chunk", "(Tensor self, int chunks, int dim=0) -> Tensor[]", shape=_chunk_shape, dtype=same_dtype,
    numpy_only=_LIST,
    samples=lambda: [sample(s.f32(5, 6), 4, 1), sample(s.f32(5, 6), 2, 0), sample(s.i64(3), 5, 0),
                     sample(s.f32(0, 3), 2, 0), sample(s.f32(5, 6), 0, 0), sample(s.f32(6), 4, -1)])
def chunk(a, chunks, dim=0):
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    _at_least_1d(a, "chunk")
    size = a.shape[wrap_dim(dim, a.ndim)]
    if size == 0:  # as torch: `chunks` empty pieces
        return [a.view() for _ in range(chunks)]
    return split(a, -(-size // chunks), dim)


def _split_with_sizes_shape(x, split_sizes, dim):
    xs = dims_not_0d(x, "split_with_sizes")
    d = wrap(dim, len(xs))
    sizes = int_list(split_sizes, "split_sizes")
    if any(n < 0 and n != D for n in sizes) or xs[d] != D and D not in sizes and sum(sizes) != xs[d]:
        raise ShapeError(f"split_with_sizes: the sizes {sizes} do not split a dim of size {xs[d]}")
    return [with_dim(xs, d, n) for n in sizes]


@op("split_with_sizes", "(Tensor self, int[] split_sizes, int dim=0) -> Tensor[]", shape=_split_with_sizes_shape,
    dtype=same_dtype, numpy_only=_LIST,
    samples=lambda: [sample(s.f32(5, 2), [2, 3], 0), sample(s.f32(2, 6), [1, 0, 5], -1), sample(s.i64(4), [4], 0),
                     sample(s.f32(5, 2), [2, 2], 0), sample(s.f32(5, 2), [6, -1], 0)], api="torch Tensor")
def split_with_sizes(a, split_sizes, dim=0):
    _at_least_1d(a, "split")
    d = wrap_dim(dim, a.ndim)
    if any(n < 0 for n in split_sizes):
        raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative entries, but got "
                           f"split_sizes={shape_str(split_sizes)}")
    if sum(split_sizes) != a.shape[d]:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {a.shape[d]} (input tensor's "
                           f"size at dimension {dim}), but got split_sizes={shape_str(split_sizes)}")
    return list(np.split(a, np.cumsum(split_sizes)[:-1], axis=d))


def _unbind_shape(x, dim):
    xs = dims_not_0d(x, "unbind")
    d = wrap(dim, len(xs))
    if xs[d] == D:
        raise ShapeError("unbind of an unknown dim gives an unknown number of pieces")
    return [xs[:d] + xs[d + 1:]] * xs[d]


@op("unbind", "(Tensor self, int dim=0) -> Tensor[]", shape=_unbind_shape, dtype=same_dtype, numpy_only=_LIST,
    samples=lambda: [sample(s.f32(3, 2), 1), sample(s.f32(3, 2), 0), sample(s.i64(2, 3), -1), sample(s.f32(0, 2), 0),
                     sample(np.array(1.5), 0)])
def unbind(a, dim=0):
    if a.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    dim = wrap_dim(dim, a.ndim)
    return [a[_index_at(dim, i)] for i in range(a.shape[dim])]
