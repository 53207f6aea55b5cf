"""Views and layout: view, reshape, permute, transpose, squeeze, expand, slice, select, ...

Where PyTorch returns a view, these return a numpy view of the same buffer, so an in-place
kernel applied to the result writes through to the base array, as in PyTorch.
"""
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from tsjit.kernels.dims import infer_size, shape_str, wrap_dim
from tsjit.kernels.promotion import dtype_of


def view(a, size):
    shape = infer_size(size, a.size)
    try:
        return np.reshape(a, shape, copy=False)
    except ValueError:
        raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one "
                           "dimension spans across two contiguous subspaces). Use .reshape(...) instead.") from None


def reshape(a, shape):
    return np.reshape(a, infer_size(shape, a.size))


def flatten(a, start, end):
    if a.ndim == 0:
        return a.reshape(1)
    start, end = wrap_dim(start, a.ndim), wrap_dim(end, a.ndim)
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    return a.reshape(a.shape[:start] + (math.prod(a.shape[start:end + 1]),) + a.shape[end + 1:])


def permute(a, dims):
    if len(dims) != a.ndim:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
                           f"length of the desired ordering of dimensions i.e. input.dim() = {a.ndim} is not equal "
                           f"to len(dims) = {len(dims)}")
    wrapped = [wrap_dim(d, a.ndim) for d in dims]
    if len(set(wrapped)) != len(wrapped):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return np.transpose(a, wrapped)


def transpose(a, d0, d1):
    if a.ndim == 0:
        wrap_dim(d0, 0), wrap_dim(d1, 0)
        return a.view()
    return np.swapaxes(a, wrap_dim(d0, a.ndim), wrap_dim(d1, a.ndim))


def t(a):
    if a.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {a.ndim}D")
    return a.T


def squeeze(a, dim=None):
    if dim is None:
        return np.squeeze(a)
    dim = wrap_dim(dim, a.ndim)
    return np.squeeze(a, dim) if a.ndim and a.shape[dim] == 1 else a.view()


def unsqueeze(a, dim):
    return np.expand_dims(a, wrap_dim(dim, a.ndim + 1))


def expand(a, size, implicit=False):
    size = list(size)
    if len(size) < a.ndim:
        raise RuntimeError(f"expand({shape_str(a.shape)}, size={len(size)}): the number of sizes provided "
                           f"({len(size)}) must be greater or equal to the number of dimensions in the tensor "
                           f"({a.ndim})")
    lead = len(size) - a.ndim
    target = []
    for i, s in enumerate(size):
        if i < lead:
            if s < 0:
                raise RuntimeError(f"The expanded size of the tensor ({s}) isn't allowed in a leading, "
                                   f"non-existing dimension {i}")
            target.append(s)
            continue
        have = a.shape[i - lead]
        if s == -1:
            s = have
        if have != s and have != 1:
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size ({have}) at "
                               f"non-singleton dimension {i}.  Target sizes: {shape_str(size)}.  "
                               f"Tensor sizes: {shape_str(a.shape)}")
        target.append(s)
    return np.broadcast_to(a, tuple(target))


def repeat(a, repeats):
    if len(repeats) < a.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions "
                           "of tensor")
    return np.tile(a.reshape((1,) * (len(repeats) - a.ndim) + a.shape), tuple(repeats))


def flip(a, dims):
    return np.flip(a, tuple(wrap_dim(d, a.ndim) for d in dims)).copy()


def _index_at(dim: int, index) -> tuple:
    return (slice(None),) * dim + (index, Ellipsis)


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


def select(a, dim, index):
    if a.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    dim = wrap_dim(dim, a.ndim)
    size = a.shape[dim]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size {shape_str(a.shape)} at "
                         f"dimension {dim}")
    return a[_index_at(dim, index % size)]


def narrow(a, dim, start, length):
    dim = wrap_dim(dim, a.ndim)
    size = a.shape[dim]
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    start %= size if size else 1
    if start + length > size or length < 0:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return a[_index_at(dim, slice(start, start + length))]


def split(a, split_size, dim):
    dim = wrap_dim(dim, a.ndim)
    size = a.shape[dim]
    if split_size < 0 or (split_size == 0 and size):
        raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}")
    if size == 0:
        return [a.view()]
    return [a[_index_at(dim, slice(i, i + split_size))] for i in range(0, size, split_size)]


def chunk(a, chunks, dim):
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    size = a.shape[wrap_dim(dim, a.ndim)]
    return split(a, max(-(-size // chunks), 1), dim)


def unbind(a, dim):
    dim = wrap_dim(dim, a.ndim)
    return [a[_index_at(dim, i)] for i in range(a.shape[dim])]


def contiguous(a):
    return a if a.flags.c_contiguous else np.ascontiguousarray(a)


def to(a, dtype):
    target = dtype_of(dtype)
    return a if target is None or target == a.dtype else a.astype(target)


KERNELS: dict[str, Callable] = {
    "view": view, "reshape": reshape, "flatten": flatten, "permute": permute, "transpose": transpose,
    "t": t, "squeeze": squeeze, "unsqueeze": unsqueeze, "expand": expand,
    "expand_as": lambda a, other: expand(a, other.shape), "repeat": repeat, "flip": flip,
    "slice": slice_, "select": select, "narrow": narrow, "chunk": chunk, "split": split, "unbind": unbind,
    "contiguous": contiguous, "clone": lambda a: a.copy(order="K"), "detach": lambda a: a.view(),
    "to": to, "type_as": lambda a, other: to(a, None) if a.dtype == other.dtype else a.astype(other.dtype),
}
