"""Counting and bucketing values: bucketize, searchsorted, histc (static shapes: they decompose into
comparisons and sums, O(values x boundaries) or O(values x bins), which C compiles) and bincount,
nonzero, nonzero_numpy, masked_select, unique (_unique2), unique_dim and unique_consecutive, whose
result sizes depend on the data: they have no lowering, but where their results reach a compiled
function's results (or its sizes and sums) C computes all but bincount into full-size buffers
(tsjit/passes/padded_results.py, tsjit/ops/compaction.py).

A value's bucket is the number of boundaries below it (`!(v <= b)`; right=True: `!(v < b)`), which
is the binary search's answer for sorted boundaries without NaN (a NaN value counts every boundary,
as in PyTorch).
"""
from __future__ import annotations

import numpy as np

from tsjit.dtypes import is_float
from tsjit.kernels.dims import check_broadcast, shape_str, wrap_dim
from tsjit.kernels.promotion import CODE_OF_DTYPE, INT64, not_implemented
from tsjit.ops import samples as s
from tsjit.ops.decomposition import NotDecomposable, reject
from tsjit.ops.placed_writes import lowest
from tsjit.ops.registry import defop, op, sample
from tsjit.ops.rules import D, ShapeError, T, dims, with_dim, wrap

_INT32 = np.dtype(np.int32)
#: why the data-dependent ops have no lowering; as results of a compiled function, C computes them
#: padded anyway (tsjit/passes/padded_results.py)
_DATA = ("its result's size depends on the input's values, so C computes it only where it reaches the compiled "
         "function's results, its sizes, or a sum, mean, prod, any or all over its first dim, through row-wise ops")
_BINS = "its result's length is the input's largest value plus one, which no input size bounds, so C cannot size it"


def _index_dtype(out_int32):
    return _INT32 if out_int32 else INT64


def _check_side(side, right) -> bool:
    """Whether to search on the right (side='right' or right=True)."""
    if side is not None and side not in ("left", "right"):
        raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
    if side == "left" and right:
        raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of left while "
                           "right was True")
    return bool(right or side == "right")


def _search(seq, values, right: bool):
    """Per row of seq's leading dims (1-D: all values), the count of boundaries below each value."""
    side = "right" if right else "left"
    if seq.ndim == 1:
        return np.searchsorted(seq, values, side)
    out = np.empty(values.shape, INT64)
    for lead in np.ndindex(*seq.shape[:-1]):
        out[lead] = np.searchsorted(seq[lead], values[lead], side)
    return out


def searchsorted(seq, values, out_int32=False, right=False, side=None, sorter=None):
    right = _check_side(side, right)
    if seq.ndim == 0:
        raise RuntimeError("torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 "
                           "dimension")
    scalar_value = not isinstance(values, np.ndarray)
    v = np.asarray(values)
    if seq.ndim > 1 and (scalar_value or v.ndim != seq.ndim or v.shape[:-1] != seq.shape[:-1]):
        if scalar_value:
            raise RuntimeError(f"torch.searchsorted(): input value can be a scalar only when boundaries tensor "
                               f"dimension is 1, but we got boundaries tensor dim({seq.ndim}) and input value's "
                               f"dimension(0) numel(1)")
        raise RuntimeError(f"torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                           f"dimensions of boundaries tensor and input value tensor must match, but we got "
                           f"boundaries tensor {shape_str(seq.shape)} and input value tensor {shape_str(v.shape)}")
    if sorter is not None:
        if sorter.dtype != INT64:
            raise RuntimeError("torch.searchsorted(): sorter must be a tensor of long dtype but got dtype "
                               f"{sorter.dtype}")
        if sorter.shape != seq.shape:
            raise RuntimeError(f"torch.searchsorted(): boundary and sorter must have the same size, but got boundary "
                               f"tensor {shape_str(seq.shape)}and got sorter tensor {shape_str(sorter.shape)}")
        if sorter.size and (sorter.min() < 0 or sorter.max() >= seq.shape[-1]):
            raise RuntimeError("torch.searchsorted(): sorter index out of range")
        seq = np.take_along_axis(seq, sorter, -1)
    return np.asarray(_search(seq, v, right)).astype(_index_dtype(out_int32))


def _count_below(g, seq, values, right, out_int32, sorter=None):
    """sum over the boundaries of !(v <= b) (right: !(v < b)), boundaries along seq's last dim."""
    if sorter is not None:  # seq[..., sorter[..., j]] by a one-hot over the boundaries
        m, dtype = g.shape(seq)[-1], g.dtype(seq)
        if g.shape(sorter) != g.shape(seq) or g.dtype(sorter) != INT64 or dtype == np.dtype(np.bool_):
            raise NotDecomposable("the kernel raises, or a bool sequence")
        pick = g.eq(g.unsqueeze(sorter, -1), np.arange(m, dtype=INT64))
        seq = g.amax(g.where(pick, g.unsqueeze(seq, -2), lowest(dtype)), [-1], False)
    tensor = not isinstance(values, int | float | bool)
    if g.dim(seq) > 1:
        if not tensor or g.shape(values)[:-1] != g.shape(seq)[:-1] or g.dim(values) != g.dim(seq):
            raise NotDecomposable("the kernel raises")
        seq = g.unsqueeze(seq, -2)
    v = g.unsqueeze(values, -1) if tensor else values
    above = (g.gt if right else g.ge)(seq, v)
    return g.sum(g.logical_not(above), [-1], False, CODE_OF_DTYPE[_index_dtype(out_int32)])


def _searchsorted(g, seq, values, out_int32, right, side, sorter):
    try:
        right = _check_side(g.value(side), g.value(right))
    except RuntimeError as e:
        raise reject(g, e) from None
    if g.dim(seq) == 0:
        raise reject(g, RuntimeError("torch.searchsorted(): boundaries tensor should have positive dimension"))
    return _count_below(g, seq, values, right, g.value(out_int32), sorter)


def _searched_shape(seq, values, *rest):
    return dims(values) if isinstance(values, T) else ()


def _index_dtype_rule(position):
    return lambda *args: _index_dtype(args[position]) if isinstance(args[position], bool) else None


def _searchsorted_samples():
    seq, rows = np.array([1.0, 2.0, 2.0, 3.5], np.float32), np.sort(s.f32(2, 5), -1)
    values = np.array([np.nan, np.inf, -np.inf, 2.0, 0.0, 1.0, 3.5], np.float32)
    return [sample(seq, s.f32(3, 4), False, False, None, None), sample(seq, values, False, True, None, None),
            sample(seq, values, True, False, "right", None), sample(rows, s.f32(2, 3), False, False, "left", None),
            sample(np.array([1, 3, 5, 7]), s.i64(6), False, True, None, None),
            sample(np.array([1, 3, 5]), s.f64(2, 2), True, False, None, None), sample(seq, 2.0, False, False, None, None),
            sample(seq, np.array(1.5, np.float32), False, False, None, None),
            sample(np.zeros(0, np.float32), s.f32(3), False, False, None, None),
            sample(seq, s.f32(0, 2), False, False, None, None),
            sample(np.array([3.5, 1.0, 2.0], np.float32), s.f32(4), False, False, None, np.array([1, 2, 0])),
            sample(seq, s.f32(3), False, True, "left", None), sample(seq, s.f32(3), False, False, "middle", None),
            sample(np.array(1.0, np.float32), s.f32(3), False, False, None, None),
            sample(rows, s.f32(3, 3), False, False, None, None), sample(rows, 1.0, False, False, None, None)]


defop("searchsorted", "(Tensor sorted_sequence, Tensor|Scalar self, *, bool out_int32=False, bool right=False, "
      "str? side=None, Tensor? sorter=None) -> Tensor", searchsorted, decompose=_searchsorted,
      shape=_searched_shape, dtype=_index_dtype_rule(2), api="torch", samples=_searchsorted_samples)


def bucketize(values, boundaries, out_int32=False, right=False):
    """The index of each value's bucket among 1-D sorted boundaries (searchsorted with the operands swapped)."""
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    return searchsorted(boundaries, values, out_int32, right)


def _bucketize(g, values, boundaries, out_int32, right):
    if g.dim(boundaries) != 1:
        raise reject(g, RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({g.dim(boundaries)})"))
    return _count_below(g, boundaries, values, g.value(right), g.value(out_int32))


defop("bucketize", "(Tensor|Scalar self, Tensor boundaries, *, bool out_int32=False, bool right=False) -> Tensor",
      bucketize, decompose=_bucketize, shape=lambda x, b, *rest: dims(x) if isinstance(x, T) else (),
      dtype=_index_dtype_rule(2), api="torch",
      samples=lambda: [sample(s.f32(3, 4), np.array([-1.0, 0.0, 0.5, 2.0], np.float32), False, False),
                       sample(np.array([np.nan, np.inf, -np.inf, 2.0, 0.0, 1.0, 3.5], np.float32),
                              np.array([1.0, 2.0, 2.0, 3.0], np.float32), False, True),
                       sample(s.i64(5), np.array([-2, 0, 0, 3]), True, False), sample(s.i64(2, 3), s.f64(3), False, True),
                       sample(s.mask(4), np.array([0, 1]), False, False), sample(2.5, np.array([1.0, 2.0, 3.0]), False, False),
                       sample(np.array(0.5, np.float32), np.array([0.0, 1.0], np.float32), True, True),
                       sample(s.f32(3), np.zeros(0, np.float32), False, False), sample(s.f32(0, 3), s.f32(2), False, False),
                       sample(s.f32(3), s.f32(2, 2), False, False), sample(s.f32(3), np.array(1.0, np.float32), False, False)])


# -- histc ------------------------------------------------------------------------------------------

def _edges(a, lo, hi):
    """PyTorch's outer edges (histc_select_outer_bin_edges), in double."""
    lo, hi = float(lo), float(hi)
    if lo == hi and a.size:
        lo, hi = float(a.min()), float(a.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise RuntimeError(f"torch.histc: range of [{lo:g}, {hi:g}] is not finite")
    if not lo < hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    return lo, hi


def _check_histc(dtype, bins):
    if not is_float(dtype):
        raise not_implemented("histogram_cpu", dtype)
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")


def histc(a, bins=100, min=0, max=0):
    """Counts of the values in `bins` equal bins over [min, max] (the data's range when min == max);
    bin (v - min) * bins / (max - min) in the input's dtype, max itself in the last bin, NaN and
    values outside ignored."""
    _check_histc(a.dtype, bins)
    lo, hi = (a.dtype.type(e) for e in _edges(a, min, max))
    x = a.reshape(-1)
    kept = x[(x >= lo) & (x <= hi)]
    with np.errstate(all="ignore"):
        pos = ((kept - lo) * a.dtype.type(bins) / (hi - lo)).astype(INT64)
    return np.bincount(np.minimum(pos, bins - 1), minlength=bins).astype(a.dtype)


def _histc(g, x, bins, lo, hi):
    bins, lo, hi, dtype = g.value(bins), g.value(lo), g.value(hi), g.dtype(x)
    try:
        _check_histc(dtype, bins)
        if lo != hi or 0 in g.shape(x):
            lo, hi = (np.array(e, dtype) for e in _edges(np.zeros(0, dtype), lo, hi))
    except (RuntimeError, NotImplementedError) as e:
        raise reject(g, e) from None
    x = g.reshape(x, [-1])
    if not isinstance(lo, np.ndarray):  # the data's range (widened by 1 each way when it is one value)
        lo, hi = g.amin(x), g.amax(x)
        one = g.eq(lo, hi)
        lo, hi = g.where(one, g.sub(lo, 1), lo), g.where(one, g.add(hi, 1), hi)
    kept = g.logical_and(g.ge(x, lo), g.le(x, hi))
    pos = g.div(g.mul(g.sub(x, lo), np.array(bins, dtype)), g.sub(hi, lo))
    pos = g.clamp(g.to(g.where(kept, pos, np.zeros((), dtype)), CODE_OF_DTYPE[INT64]), None, bins - 1)
    hits = g.logical_and(g.unsqueeze(kept, -1), g.eq(g.unsqueeze(pos, -1), np.arange(bins, dtype=INT64)))
    return g.sum(hits, [0], False, CODE_OF_DTYPE[dtype])


def _histc_shape(x, bins, lo, hi):
    if not isinstance(bins, int):
        raise ShapeError("histc: the number of bins must be a constant")
    return (bins,)


defop("histc", "(Tensor self, int bins=100, Scalar min=0, Scalar max=0) -> Tensor", histc, decompose=_histc,
      shape=_histc_shape, dtype=lambda x, *rest: x.dtype, api="torch Tensor",
      samples=lambda: [sample(s.f32(20), 5, -1.0, 1.0), sample(s.f32(4, 5), 4, 0, 0), sample(s.f64(3, 3), 3, -0.5, 2),
                       sample(np.array([1.0, 2.0, 1.0, 4.0, np.nan], np.float32), 4, 0, 3),
                       sample(np.array([1.0, 1.0], np.float32), 4, 0, 0), sample(np.zeros(0, np.float64), 3, 0, 0),
                       sample(np.array([0.0, 0.1, 0.3, 0.7, 1.0], np.float32), 10, 0.0, 1.0),
                       sample(np.array(2.5, np.float32), 2, 0, 0), sample(s.i64(4), 4, 0, 3),
                       sample(s.f32(4), 4, 3, 1), sample(s.f32(4), 0, 0, 1),
                       sample(np.array([1.0, np.inf], np.float32), 3, 0, 0)])


# -- data-dependent sizes ---------------------------------------------------------------------------

def _weighted_dtype(weights: np.dtype) -> np.dtype:
    """Weighted counts are float32 for float32 weights, else float64 (half and integer weights too)."""
    return np.dtype(np.float32) if weights == np.float32 else np.dtype(np.float64)


def bincount(a, weights=None, minlength=0):
    if a.dtype.kind not in "iu":
        raise not_implemented("bincount_cpu", a.dtype)
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if a.ndim != 1 or (a.size and a.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is not None and (weights.ndim != 1 or weights.shape[0] != a.shape[0]):
        raise RuntimeError("weights should be 1-d and have the same length as input")
    if weights is None:
        return np.bincount(a, minlength=minlength).astype(INT64)
    return np.bincount(a, weights.astype(np.float64), minlength).astype(_weighted_dtype(weights.dtype))


defop("bincount", "(Tensor self, Tensor? weights=None, int minlength=0) -> Tensor", bincount, shape=lambda x, w, n: (D,),
      dtype=lambda x, w, n: INT64 if w is None else None if getattr(w, "dtype", None) is None else
      _weighted_dtype(w.dtype),
      numpy_only=_BINS, api="torch Tensor",
      samples=lambda: [sample(s.i64(8, lo=0, hi=5), None, 0), sample(np.array([1, 3, 1]), s.f32(3), 6),
                       sample(s.i32(5, lo=0, hi=3), s.f64(5), 0), sample(np.array([1, 2]), np.array([1, 1]), 0),
                       sample(np.zeros(0, np.int64), None, 0), sample(np.zeros(0, np.int64), None, 3),
                       sample(np.array([-1, 3]), None, 0), sample(s.f32(3), None, 0), sample(np.array([[1, 3]]), None, 0),
                       sample(np.array([1, 2]), None, -1), sample(np.array([1, 2]), s.f32(1), 0),
                       sample(s.mask(3), None, 0)])


@op("masked_select", "(Tensor self, Tensor mask) -> Tensor", shape=lambda x, mask: (D,),
    dtype=lambda x, mask: x.dtype, numpy_only=_DATA, api="torch Tensor",
    samples=lambda: [sample(s.f32(3, 4), s.mask(3, 4)), sample(s.f32(2, 3), s.mask(3)), sample(s.i64(4), s.mask(2, 4)),
                     sample(np.array(2.5, np.float32), np.array(True)), sample(s.f32(0, 3), s.mask(3)),
                     sample(s.f32(2, 3), np.ones(3, np.uint8)), sample(s.f32(2, 3), s.mask(4))])
def masked_select(a, mask):
    """The elements of self where mask (broadcast together) is true, as a 1-d tensor (row-major)."""
    if mask.dtype != np.bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    check_broadcast(a.shape, mask.shape)
    shape = np.broadcast_shapes(a.shape, mask.shape)
    return np.ascontiguousarray(np.broadcast_to(a, shape)[np.broadcast_to(mask, shape)])


@op("nonzero", "(Tensor self) -> Tensor", shape=lambda x: (D, len(dims(x))), dtype=lambda x: INT64, numpy_only=_DATA,
    samples=lambda: [sample(s.mask(3, 4)), sample(s.i64(5)), sample(s.special()), sample(np.array(1.5)),
                     sample(np.array(0, np.int32)), sample(s.f32(0, 3)), sample(s.f64(2, 1, 3))])
def nonzero(a):
    """The indices of the nonzero elements, one row each ([n, ndim], row-major order)."""
    return np.argwhere(a).astype(INT64)


@op("nonzero_numpy", "(Tensor self) -> Tensor[]", shape=lambda x: [(D,)] * max(len(dims(x)), 1), dtype=lambda x: INT64, numpy_only=_DATA,
    samples=lambda: [sample(s.mask(3, 4)), sample(s.i64(5)), sample(s.special()), sample(np.array(1.5)),
                     sample(np.array(0, np.int32)), sample(s.f32(0, 3))])
def nonzero_numpy(a):
    """nonzero(as_tuple=True): per dim, the indices of the nonzero elements (a 0-d tensor counts as 1-d)."""
    return [i.astype(INT64) for i in np.nonzero(a.reshape(-1) if a.ndim == 0 else a)]


@op("unique", "(Tensor self, bool sorted=True, bool return_inverse=False, bool return_counts=False) -> "
    "(Tensor output, Tensor inverse_indices, Tensor counts)", shape=lambda x, s, inverse, c: ((D,), dims(x) if inverse
                                                                                   is True else (D,), (D,)),
    dtype=lambda x, *rest: (x.dtype, INT64, INT64), numpy_only=_DATA, aten="_unique2",
    samples=lambda: [sample(s.i64(3, 4), True, True, True), sample(s.i64(6), False, False, False),
                     sample(np.array([[3.0, np.nan], [np.nan, 1.0]], np.float32), True, True, True),
                     sample(s.mask(5), True, False, True), sample(np.array(2.5), True, True, False),
                     sample(s.f32(0, 2), True, True, True), sample(np.array([-0.0, 0.0, 1.0]), True, True, True)])
def unique(a, sorted=True, return_inverse=False, return_counts=False):
    """The distinct values in ascending order (each NaN distinct, as PyTorch's CPU kernel sorts them), the
    index of each input element among them (input's shape) and their counts; empty when not asked for."""
    flat = a.reshape(-1)
    values, inverse, counts = np.unique(flat, return_inverse=True, return_counts=True, equal_nan=False)
    empty = np.zeros(0, INT64)
    return (values.astype(a.dtype), inverse.reshape(a.shape).astype(INT64) if return_inverse else empty,
            counts.astype(INT64) if return_counts else empty)



def _unique_consecutive_shape(x, inverse=False, counts=False, dim=None):
    xs = dims(x)
    if dim is None:
        return (D,), xs if inverse is True else (D,), (D,)
    if not isinstance(dim, int):
        raise ShapeError("unique_consecutive: dim must be a constant")
    return (with_dim(xs, wrap(dim, len(xs)), D) if xs else xs, (D,), (D,))


@op("unique_consecutive", "(Tensor self, bool return_inverse=False, bool return_counts=False, int? dim=None) -> "
    "(Tensor output, Tensor inverse_indices, Tensor counts)", shape=_unique_consecutive_shape,
    dtype=lambda x, *rest: (x.dtype, INT64, INT64), numpy_only=_DATA,
    samples=lambda: [sample(np.array([1, 1, 2, 2, 3, 1, 1, 2]), True, True, None),
                     sample(s.i64(3, 4, lo=0, hi=2), False, True, None),
                     sample(s.i64(3, 4, lo=0, hi=2), True, False, None),
                     sample(np.array([[1, 1, 2], [1, 1, 2], [3, 4, 5]], np.float32), True, True, 0),
                     sample(s.i64(3, 4, lo=0, hi=2), False, False, -1), sample(s.mask(6), True, True, None),
                     sample(np.array([np.nan, np.nan, 1.0, 1.0], np.float32), True, True, None),
                     sample(np.array(2.5, np.float32), True, True, None), sample(s.f32(0), True, True, None),
                     sample(s.f32(2, 0, 3), True, True, 1), sample(s.f32(2, 0, 3), True, True, 0),
                     sample(s.i64(3, 4), True, True, 2)])
def unique_consecutive(a, return_inverse=False, return_counts=False, dim=None):
    """Each run of equal consecutive elements (slices along dim) once, each element's run index and the
    runs' lengths; NaNs never equal each other. Without dim, the index and counts are empty unless asked
    for (with dim, aten returns both whatever the flags say)."""
    empty = np.zeros(0, INT64)
    if dim is None:
        flat, rows = a.reshape(-1), a.reshape(-1, 1)
    else:
        d = wrap_dim(dim, a.ndim)
        if a.shape[d] == 0:
            return a.copy(), empty, empty
        if any(n == 0 for k, n in enumerate(a.shape) if k != d):
            raise RuntimeError("There are 0 sized dimensions, and they aren't selected, so unique cannot be applied")
        rows = np.moveaxis(a, d, 0).reshape(a.shape[d], -1)
    n = rows.shape[0]
    change = np.ones(n, bool)
    change[1:] = (rows[1:] != rows[:-1]).any(axis=1)
    starts = np.flatnonzero(change)
    inverse, counts = (np.cumsum(change) - 1).astype(INT64), np.diff(np.append(starts, n)).astype(INT64)
    if dim is None:
        return (flat[starts].copy(), inverse.reshape(a.shape) if return_inverse else empty,
                counts if return_counts else empty)
    return np.take(a, starts, axis=d), inverse, counts


def _unique_dim_shape(x, dim, *rest):
    xs = dims(x)
    if not isinstance(dim, int):
        raise ShapeError("unique_dim: dim must be a constant")
    d = wrap(dim, len(xs))
    return (with_dim(xs, d, D) if xs else xs, (D,), (D,))


@op("unique_dim", "(Tensor self, int dim, bool sorted=True, bool return_inverse=False, bool return_counts=False) -> "
    "(Tensor output, Tensor inverse_indices, Tensor counts)", shape=_unique_dim_shape,
    dtype=lambda x, *rest: (x.dtype, INT64, INT64), numpy_only=_DATA,
    samples=lambda: [sample(np.array([[1, 2], [3, 4], [1, 2]]), 0, True, True, True),
                     sample(s.i64(3, 4, lo=0, hi=2), 1, True, True, False), sample(s.mask(4, 2), -2, True, False, True),
                     sample(s.f32(0, 2), 1, True, True, True), sample(s.f32(2, 0), 1, True, True, True),
                     sample(s.i64(3), 1, True, False, False)])
def unique_dim(a, dim, sorted=True, return_inverse=False, return_counts=False):  # noqa: A002
    """The distinct slices along dim, in lexicographic order, with each slice's index among them and their
    counts (aten::unique_dim returns both whatever the flags say)."""
    d = wrap_dim(dim, a.ndim)
    if any(n == 0 for k, n in enumerate(a.shape) if k != d):
        raise RuntimeError("There are 0 sized dimensions, and they aren't selected, so unique cannot be applied")
    if a.ndim == 0 or a.shape[d] == 0:
        return a.copy(), np.zeros(0, INT64), np.zeros(0, INT64)
    values, inverse, counts = np.unique(a, return_inverse=True, return_counts=True, axis=d)
    return values.astype(a.dtype), inverse.reshape(-1).astype(INT64), counts.astype(INT64)
