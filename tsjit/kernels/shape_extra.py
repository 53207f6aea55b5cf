"""More shape and indexing kernels for imported PyTorch models: tril/triu, roll, movedim,
unflatten, split_with_sizes, scatter/scatter_add, repeat_interleave, tile, one_hot, diag, index_fill."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tsjit.kernels.dims import shape_str, wrap_dim
from tsjit.kernels.promotion import INT64, as_array, cast


def _triangle(keep_lower: bool) -> Callable:
    def kernel(a, diagonal=0):
        if a.ndim < 2:
            raise RuntimeError(f"{'tril' if keep_lower else 'triu'}: input tensor must have at least 2 dimensions")
        rows, cols = a.shape[-2:]
        keep = np.tri(rows, cols, diagonal, dtype=bool) if keep_lower else ~np.tri(rows, cols, diagonal - 1,
                                                                                    dtype=bool)
        return as_array(np.where(keep, a, np.zeros((), a.dtype)))
    return kernel


def roll(a, shifts, dims=()):
    shifts, dims = list(shifts), list(dims)
    if not dims:
        if len(shifts) != 1:
            raise RuntimeError(f"`shifts` required to be of size 1 when dims is empty, got {len(shifts)}")
        return np.roll(a.reshape(-1), shifts[0]).reshape(a.shape)
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    return np.roll(a, shifts, axis=[wrap_dim(d, a.ndim) for d in dims])


def movedim(a, source, destination):
    source, destination = list(source), list(destination)
    if len(source) != len(destination):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({source} dims) should contain "
                           f"the same number of dims as destination ({destination} dims)")
    return np.moveaxis(a, [wrap_dim(d, a.ndim) for d in source], [wrap_dim(d, a.ndim) for d in destination])


def unflatten(a, dim, sizes):
    d = wrap_dim(dim, a.ndim)
    sizes = list(sizes)
    if sizes.count(-1) == 1:
        known = int(np.prod([s for s in sizes if s != -1]))
        sizes[sizes.index(-1)] = a.shape[d] // known if known else 0
    if int(np.prod(sizes)) != a.shape[d]:
        raise RuntimeError(f"unflatten: Provided sizes {shape_str(sizes)} don't multiply up to the size of dim "
                           f"{dim} ({a.shape[d]}) in the input tensor")
    return a.reshape(a.shape[:d] + tuple(sizes) + a.shape[d + 1:])


def split_with_sizes(a, split_sizes, dim=0):
    d = wrap_dim(dim, a.ndim)
    if sum(split_sizes) != a.shape[d]:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {a.shape[d]} (input tensor's "
                           f"size at dimension {dim}), but got split_sizes={shape_str(split_sizes)}")
    return list(np.split(a, np.cumsum(split_sizes)[:-1], axis=d))


def _scatter_index(a, dim, index):
    if index.dtype != INT64:
        raise RuntimeError("scatter(): Expected dtype int64 for index")
    d = wrap_dim(dim, a.ndim)
    if index.ndim != a.ndim and not (index.ndim <= 1 and a.ndim <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    if index.size and (index.min() < -a.shape[d] or index.max() >= a.shape[d]):
        raise RuntimeError(f"index {int(index.max())} is out of bounds for dimension {d} with size {a.shape[d]}")
    grids = list(np.indices(index.shape, sparse=True))
    grids[d] = index
    return d, tuple(grids)


def scatter(a, dim, index, src):
    _, where = _scatter_index(a, dim, index)
    out = a.copy()
    if isinstance(src, np.ndarray):
        if src.dtype != a.dtype:
            raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
        out[where] = src[tuple(slice(0, n) for n in index.shape)]
    else:
        out[where] = cast(src, a.dtype)
    return out


def scatter_add(a, dim, index, src):
    _, where = _scatter_index(a, dim, index)
    if src.dtype != a.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    out = a.copy()
    np.add.at(out, where, src[tuple(slice(0, n) for n in index.shape)])
    return out


def repeat_interleave(a, repeats, dim=None):
    if isinstance(repeats, np.ndarray):
        repeats = repeats.astype(np.int64)
    if dim is None:
        return np.repeat(a.reshape(-1), repeats)
    return np.repeat(a, repeats, axis=wrap_dim(dim, a.ndim))


def tile(a, dims):
    return np.tile(a, tuple(dims)) if len(dims) else a.copy()


def one_hot(a, num_classes=-1):
    if a.dtype != INT64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if a.size and a.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    n = (int(a.max()) + 1 if a.size else 0) if num_classes == -1 else num_classes
    if a.size and a.max() >= n:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return (a[..., None] == np.arange(n)).astype(INT64)


def diag(a, diagonal=0):
    if a.ndim not in (1, 2):
        raise RuntimeError("diag(): Supports 1D or 2D tensors. Got " + f"{a.ndim}D")
    return np.diag(a, diagonal).copy()


def view_dtype_check(a, other):
    """reshape_as/view_as: the shape of `other`."""
    if a.size != other.size:
        raise RuntimeError(f"shape '{shape_str(other.shape)}' is invalid for input of size {a.size}")
    return a.reshape(other.shape)


def index_fill(a, dim, index, value):
    d = wrap_dim(dim, a.ndim)
    out = a.copy()
    where = [slice(None)] * max(a.ndim, 1)
    where[d] = index
    if isinstance(value, np.ndarray):
        value = value.item()
    out[tuple(where)] = cast(value, a.dtype)
    return out


KERNELS: dict[str, Callable] = {
    "tril": _triangle(True), "triu": _triangle(False), "roll": roll, "movedim": movedim, "unflatten": unflatten,
    "split_with_sizes": split_with_sizes, "scatter": scatter, "scatter_add": scatter_add,
    "repeat_interleave": repeat_interleave, "tile": tile, "one_hot": one_hot,
    "diag": diag, "reshape_as": view_dtype_check, "index_fill": index_fill,
}
