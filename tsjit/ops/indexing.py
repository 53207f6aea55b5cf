"""Indexing: advanced indexing, index_select/gather (reads), index_fill (writes into a copy), embedding
and one_hot (scatter and scatter_add, which share `_scatter_where`, are in scatter.py).

Indices are int64 or int32 tensors (index_fill: int64 only), checked against the indexed dim as
torch's CPU kernels check them: index_select, gather and scatter refuse negative indices,
index_fill wraps them. gather and scatter check an empty index for nothing but the dim.
"""
from __future__ import annotations

import numpy as np

from tsjit.kernels.dims import shape_str, wrap_dim
from tsjit.kernels.promotion import BOOL, INT64, torch_name
from tsjit.ops import checks as chk
from tsjit.ops import samples as s
from tsjit.ops.creation import checked_scalar
from tsjit.ops.registry import op, sample
from tsjit.ops.rules import (
    D, ShapeError, Unknown, broadcast, dims, fixed, numel, same, same_dtype, tensors, with_dim, wrap,
)

_INT32 = np.dtype(np.int32)
_INDEX_DTYPES = (INT64, _INT32)


def _numpy_index_error(err: IndexError) -> IndexError:
    return IndexError(str(err).replace("axis", "dimension"))


def _first_out_of_bounds(idx: np.ndarray, lo: int, size: int):
    """The first index outside [lo, size), or None."""
    bad = idx[(idx < lo) | (idx >= size)]
    return bad.flat[0] if bad.size else None


# -- reads -----------------------------------------------------------------------------------------

def _index_shape(x, indices):
    """Integer index tensors broadcast together and replace the dims they index (in place when they
    are adjacent, else in front); one bool or byte mask (with no other index tensor) replaces the
    dims it covers by one data-dependent dim (D: its count of true elements)."""
    xs = dims(x)
    idx = tensors(indices, "index")
    masks = [k for k, i in enumerate(idx) if i is not None and i.dtype is not None and i.dtype.kind in "bu"]
    if masks:
        if len(masks) > 1 or sum(i is not None for i in idx) > 1 or idx[masks[0]].sizes is None:
            raise ShapeError("indexing with boolean masks and other index tensors together: a data-dependent shape")
        k = masks[0]
        return xs[:k] + (D,) + xs[k + len(idx[k].sizes):]
    used = [k for k, i in enumerate(idx) if i is not None]
    if not used:
        return xs
    shape = broadcast(*(dims(idx[k]) for k in used))
    if used == list(range(used[0], used[-1] + 1)):
        return xs[:used[0]] + shape + xs[used[-1] + 1:]
    return shape + tuple(n for k, n in enumerate(xs) if k >= len(idx) or idx[k] is None)


@op("index", "(Tensor self, Tensor?[] indices) -> Tensor", shape=_index_shape, dtype=same_dtype,
    lower="gather.lower_index",
    samples=lambda: [sample(s.f32(4, 5, 6), [None, np.array([0, 2, -1]), np.array([1, 1, 0])]),
                     sample(s.f32(4, 5, 6), [np.array([[0], [3]]), None, np.array([1, -6, 5])]),
                     sample(s.strided(4, 5), [np.array([3, 0]), np.array([[4], [-5]], np.int32)]),
                     sample(s.mask(3, 4), [None, np.array(2)]), sample(s.f32(3, 4), [np.zeros(0, np.int64)]),
                     sample(s.f32(4, 5), [s.mask(4)]), sample(s.f32(4, 5), [s.i64(3, lo=-4, hi=4)]),
                     sample(s.f32(2, 3, 4), [s.i64(2, lo=0, hi=2), None, s.i64(2, lo=0, hi=4)]),
                     sample(s.i64(4, 5), [np.array([[1, 3], [0, 0]], dtype=np.int32)]),
                     sample(s.strided(3, 4), [s.i64(2, lo=0, hi=3)]),
                     sample(s.f32(3, 2), [np.array([0, 3])]), sample(s.f32(4), [s.f32(2)])])
def index(a, indices):
    """aten::index.Tensor (`x[i, :, j]` with index tensors); byte tensors are masks, as bool ones."""
    if not indices:
        raise IndexError("at least one index must be provided")
    key = []
    for i in indices:
        if i is None:
            key.append(slice(None))
        elif i.dtype not in (*_INDEX_DTYPES, BOOL, np.dtype(np.uint8)):
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        else:
            key.append(i.astype(BOOL) if i.dtype == np.uint8 else i)
    if len(key) > a.ndim and not any(isinstance(k, np.ndarray) and k.dtype == BOOL for k in key):
        raise IndexError(f"too many indices for tensor of dimension {a.ndim} (got {len(key)})")
    try:
        return np.asarray(a[tuple(key)])
    except IndexError as err:
        raise _numpy_index_error(err) from None


def _index_select_shape(x, dim, index):
    xs = dims(x)
    if not xs:
        return ()
    return with_dim(xs, wrap(dim, len(xs)), numel(dims(index)))


@op("index_select", "(Tensor self, int dim, Tensor index) -> Tensor", shape=_index_select_shape, dtype=same_dtype,
    lower="gather.lower_index_select",
    samples=lambda: [sample(s.f32(4, 5), 1, np.array([4, 0, 0])), sample(s.f32(4, 5), -2, s.i64(3, lo=0, hi=4)),
                     sample(np.array(s.f32(1)[0]), 0, np.array([0])), sample(s.f32(4, 5), 1, np.array(2)),
                     sample(s.f32(4, 5), 0, np.zeros(0, np.int64)),
                     sample(s.i64(3, 4), 1, np.array([1, 3], dtype=np.int32)),
                     sample(s.f32(4, 5), 1, np.array([-1])), sample(s.f32(4), 0, np.array([1], dtype=np.int16))])
def index_select(a, dim, idx):
    """Whole slices along `dim` at the indices of a vector (or 0-d) index; negative indices are
    out of bounds, as in torch."""
    if idx.dtype not in _INDEX_DTYPES:
        raise IndexError(f"index_select(): Expected dtype int32/int64 for index but got: {torch_name(idx.dtype)}")
    if idx.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    dim = wrap_dim(dim, a.ndim)
    if a.ndim == 0:
        if idx.size != 1:
            raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {idx.size} value(s)")
        if idx.reshape(()) != 0:
            raise IndexError("index out of range in self")
        return a.copy()
    bad = _first_out_of_bounds(idx, 0, a.shape[dim])
    if bad is not None:
        raise RuntimeError(f"INDICES element is out of DATA bounds, id={bad} axis_dim={a.shape[dim]}")
    return np.take(a, idx.reshape(-1), axis=dim)


@op("gather", "(Tensor self, int dim, Tensor index) -> Tensor", shape=lambda x, dim, index: dims(index),
    dtype=same_dtype, lower="gather.lower_gather",
    samples=lambda: [sample(s.f32(4, 5), 1, np.array([[0, 4], [1, 1], [2, 3]])),
                     sample(s.f32(3, 4), 0, s.i64(2, 4, lo=0, hi=3)),
                     sample(np.array(s.f32(1)[0]), 0, np.array([0, 0])),
                     sample(s.f32(4, 5), 1, np.zeros((0, 7), np.int64)),
                     sample(s.i64(3, 4), -1, s.i32(3, 2, lo=0, hi=4)),
                     sample(s.strided(3, 4), 1, s.i64(3, 6, lo=0, hi=4)),
                     sample(s.f32(4, 5), -1, np.array([[-1]])), sample(s.f32(4, 5), 1, np.zeros((5, 2), np.int64))])
def gather(a, dim, idx):
    """out[i][j] = self[idx[i][j]][j] (dim 0): idx may be smaller than self except along `dim`."""
    dim = wrap_dim(dim, a.ndim)
    if idx.size == 0:
        return np.empty(idx.shape, a.dtype)
    if idx.dtype not in _INDEX_DTYPES:
        raise RuntimeError("gather(): Expected dtype int32/int64 for index")
    if idx.ndim != a.ndim and not (idx.ndim <= 1 and a.ndim <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    for d in range(min(idx.ndim, a.ndim)):
        if d != dim and idx.shape[d] > a.shape[d]:
            raise RuntimeError(f"Size does not match at dimension {d} expected index {shape_str(idx.shape)} to be "
                               f"no larger than self {shape_str(a.shape)} apart from dimension {dim}")
    size = a.shape[dim] if a.ndim else 1
    bad = _first_out_of_bounds(idx, 0, size)
    if bad is not None:
        raise RuntimeError(f"index {bad} is out of bounds for dimension {dim} with size {size}")
    if idx.ndim <= 1 and a.ndim <= 1:
        return np.asarray(a.reshape(-1)[idx])
    grids = list(np.ogrid[tuple(slice(0, n) for n in idx.shape)])
    grids[dim] = idx
    return a[tuple(grids)]


# -- writes into a copy ----------------------------------------------------------------------------

def _size(t: np.ndarray, d: int) -> int:
    return t.shape[d] if t.ndim else 1


def _scatter_where(a, d, index, src):
    """Where scatter writes: a key for `out[key]` and the `src` values it writes (None: a scalar src)."""
    if index.dtype not in _INDEX_DTYPES:
        raise RuntimeError("scatter(): Expected dtype int32/int64 for index")
    if index.ndim != a.ndim and not (index.ndim <= 1 and a.ndim <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    if src is not None and index.ndim != src.ndim and not (index.ndim <= 1 and src.ndim <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
    for k in range(index.ndim):
        if (k != d and index.shape[k] > _size(a, k)) or (src is not None and index.shape[k] > _size(src, k)):
            against = "" if src is None else f" and to be no larger size than src {shape_str(src.shape)}"
            raise RuntimeError(f"Expected index {shape_str(index.shape)} to be no larger than self "
                               f"{shape_str(a.shape)} apart from dimension {d}{against}")
    size = _size(a, d)
    bad = _first_out_of_bounds(index, 0, size)
    if bad is not None:
        raise RuntimeError(f"index {bad} is out of bounds for dimension {d} with size {size}")
    if index.ndim <= 1 and a.ndim <= 1:  # (0-d tensors count as 1-d of one element)
        return index.reshape(-1), None if src is None else src.reshape(-1)[:index.size]
    grids = list(np.indices(index.shape, sparse=True))
    grids[d] = index
    return tuple(grids), None if src is None else src[tuple(slice(0, n) for n in index.shape)]


def _written(out: np.ndarray, where) -> np.ndarray:
    """What a scatter key indexes: `out` itself, or a flat view of it for the 0-d/1-d case."""
    return out.reshape(-1) if isinstance(where, np.ndarray) else out


@op("index_fill", "(Tensor self, int dim, Tensor index, Tensor|Scalar value) -> Tensor", shape=same,
    dtype=same_dtype, verify=chk.SAME_SHAPE, lower="indexing.lower_index_fill",
    samples=lambda: [sample(s.f32(3, 4), 1, np.array([0, 2]), -1.0),
                     sample(s.strided(3, 4), -1, np.array([3, -4, 1]), np.array(2, np.int64)),
                     sample(s.f32(3, 4), 0, np.zeros(0, np.int64), 1.0), sample(s.f32(3, 4), 1, np.array([1]), np.nan),
                     sample(s.f32(3, 4), 1, np.array([1]), np.array(-np.inf, np.float32)), sample(s.f32(3, 4), 0, np.array([-1]), 2),
                     sample(s.i64(3, 4), 1, np.array(1), 2.7), sample(s.mask(4), 0, np.array([1, 2]), True),
                     sample(s.f32(3, 4), 1, np.array([1]), np.array(3.0)),
                     sample(s.f32(3, 4), 1, np.array([1]), np.array([3.0], np.float32)),
                     sample(s.f32(3, 4), 1, np.array([1], np.int32), 1.0), sample(s.f32(3, 4), 1, np.array([4]), 1.0)], api="torch Tensor")
def index_fill(a, dim, index, value):
    """A copy of self with the slices at the indices along `dim` set to value (a scalar or a 0-d tensor)."""
    d = wrap_dim(dim, a.ndim)
    if index.dtype != INT64:
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    if index.ndim > 1:
        raise RuntimeError("Index has to be a vector/scalar")
    if isinstance(value, np.ndarray):
        if value.ndim:
            raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value.ndim} dimension(s).")
        value = value.item()
    fill = checked_scalar(value, a.dtype)
    size = _size(a, d)
    bad = _first_out_of_bounds(index, -size, size)
    if bad is not None:
        raise IndexError(f"index {bad} is out of bounds for dimension {d} with size {size}")
    out = a.copy()
    if a.ndim == 0:
        if index.size:
            out[...] = fill
        return out
    where = [slice(None)] * a.ndim
    where[d] = index.reshape(-1)
    out[tuple(where)] = fill
    return out


# -- embedding and one_hot ---------------------------------------------------------------------------

@op("embedding", "(Tensor weight, Tensor indices, int padding_idx=-1) -> Tensor",
    shape=lambda w, indices, padding_idx: dims(indices) + dims(w)[1:], dtype=same_dtype,
    verify=chk.rank_in(0, (2,), "embedding weight"), lower="gather.lower_embedding",
    samples=lambda: [sample(s.f32(5, 3), np.array([[0, 4], [2, 2]]), -1), sample(s.f32(5, 3), np.array(1), 2),
                     sample(s.f32(5, 3), s.i32(4, lo=0, hi=5), -1), sample(s.i64(5, 3), np.array([1]), -1),
                     sample(s.f32(5, 3), np.zeros((0, 2), np.int64), -1), sample(s.f32(5, 3), np.array([5]), -1),
                     sample(s.f32(5, 3), np.array([-1]), -1), sample(s.f32(5, 3), np.array([1], np.int16), -1)])
def embedding(weight, indices, padding_idx=-1):
    """Rows of a 2-D weight; padding_idx only matters to gradients."""
    if weight.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    if indices.dtype not in _INDEX_DTYPES:
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following scalar "
                           f"types: Long, Int; but got torch.{torch_name(indices.dtype)}Tensor instead (while "
                           f"checking arguments for embedding)")
    if indices.size and (indices.min() < 0 or indices.max() >= weight.shape[0]):
        raise IndexError("index out of range in self")
    return weight[indices]


def _one_hot_shape(x, num_classes):
    if isinstance(num_classes, Unknown) or num_classes == -1:
        raise ShapeError("the result size of one_hot depends on tensor values")
    return dims(x) + (num_classes,)


@op("one_hot", "(Tensor self, int num_classes=-1) -> Tensor", shape=_one_hot_shape, dtype=fixed(INT64),
    lower="indexing.lower_one_hot",
    samples=lambda: [sample(s.i64(5, lo=0, hi=4), 6), sample(s.i64(5, lo=0, hi=4), -1),
                     sample(s.i64(2, 3, lo=0, hi=3), 3), sample(np.array(2), 3), sample(np.zeros(0, np.int64), 3),
                     sample(np.zeros(0, np.int64), -1), sample(np.array([-1, 2]), 3),
                     sample(s.i32(3, lo=0, hi=3), 3), sample(s.i64(4, 3, lo=0, hi=5).T, 5)], api="F")
def one_hot(a, num_classes=-1):
    """int64 one-hot rows along a new last dim; num_classes -1 means max + 1."""
    if a.dtype != INT64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if a.size == 0:
        if num_classes <= 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        return np.zeros(a.shape + (num_classes,), INT64)
    if a.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    n = int(a.max()) + 1 if num_classes == -1 else num_classes
    if a.max() >= n:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return (a[..., None] == np.arange(n)).astype(INT64)
