"""Writes at static or masked places: slice_scatter, select_scatter, masked_scatter — and the
decomposition helpers scatter.py and diagonals.py share: writes at static places (`embed`), by
rank among a mask's true places (`ranked_pick`), and the reductions' identities. The helpers build
ts ops with a decomposition builder `g` (tsjit/ops/decomposition.py).
"""
from __future__ import annotations

import numpy as np

from tsjit.dtypes import is_float
from tsjit.kernels.dims import shape_str, wrap_dim
from tsjit.kernels.promotion import BOOL, CODE_OF_DTYPE, INT64, torch_name
from tsjit.ops import samples as s
from tsjit.ops.decomposition import NotDecomposable, reject
from tsjit.ops.registry import defop, sample
from tsjit.ops.rules import broadcast, dims, same, same_dtype


def lowest(dtype: np.dtype, high: bool = False):
    """The identity of amax (amin when `high`) in dtype."""
    if is_float(dtype):
        return float("inf") if high else float("-inf")
    if dtype.kind == "b":
        return high
    info = np.iinfo(dtype)
    return int(info.max if high else info.min)


def tree_prod(g, x, dim: int):
    """The product over `dim` (static size), multiplying halves pairwise: no product reduction lowers."""
    n = g.shape(x)[dim]
    if n == 0:
        raise NotDecomposable("an empty product")
    while n > 1:
        half = n // 2
        y = g.mul(g.slice(x, dim, 0, half), g.slice(x, dim, half, 2 * half))
        x = y if n % 2 == 0 else g.cat([y, g.slice(x, dim, 2 * half, n)], dim)
        n = half + n % 2
    shape = list(g.shape(x))
    return g.reshape(x, shape[:dim] + shape[dim + 1:])  # (not select: it fails in C with other unit dims)


def embed(g, base, part, starts=None, steps=None):
    """`base` with `part` written at `starts[d] + k * steps[d]` along each dim d (default 0 and 1): part
    stretched to base's shape (unwritten places filled with copies) and picked by a constant mask."""
    full, sizes = g.shape(base), g.shape(part)
    starts, steps = starts or {}, steps or {}
    if 0 in sizes:
        return g.clone(base)
    where = tuple(slice(starts.get(d, 0), starts.get(d, 0) + (n - 1) * steps.get(d, 1) + 1, steps.get(d, 1))
                  for d, n in enumerate(sizes))
    mask = np.zeros(full, BOOL)
    mask[where] = True
    x = g.to(part, CODE_OF_DTYPE[g.dtype(base)])
    for d, n in enumerate(sizes):
        start, step = starts.get(d, 0), steps.get(d, 1)
        if step > 1 and n > 1:
            shape = list(g.shape(x))
            spread = g.expand(g.unsqueeze(x, d + 1), shape[:d + 1] + [step] + shape[d + 1:])
            x = g.slice(g.reshape(spread, shape[:d] + [n * step] + shape[d + 1:]), d, 0, (n - 1) * step + 1)
        span = g.shape(x)[d]
        pieces = []
        for fill in (start, full[d] - start - span):
            if fill:
                edge = g.slice(x, d, 0, 1)
                pieces.append(g.expand(edge, [fill if k == d else m for k, m in enumerate(g.shape(edge))]))
        if pieces:
            x = g.cat([pieces[0], x, *pieces[1:]] if start else [x, *pieces], d)
    return x if mask.all() else g.where(mask, x, base)


def _box(g, x, sizes, skip=None):
    """x cut to `sizes` (leading parts) along every dim but `skip`."""
    for d, n in enumerate(sizes):
        if d != skip and g.shape(x)[d] != n:
            x = g.slice(x, d, 0, n)
    return x


def ranked_pick(g, mask, rows, identity):
    """out[p] = rows[j] where mask[p] is the j-th true place of the 1-D `mask` (else `identity`): the
    rank is a count of the true places up to p (a constant triangle), compared with each j."""
    n, k = g.shape(mask)[0], g.shape(rows)[0]
    rest = list(g.shape(rows)[1:])
    upto = np.tri(n, n, dtype=BOOL)  # [p, p']: p' <= p
    rank = g.sub(g.sum(g.logical_and(mask, upto), [1], False, CODE_OF_DTYPE[INT64]), 1)
    pick = g.logical_and(g.reshape(mask, [n, 1]), g.eq(g.reshape(rank, [n, 1]), np.arange(k, dtype=INT64)))
    picked = g.where(g.reshape(pick, [n, k] + [1] * len(rest)), g.reshape(rows, [1, k] + rest), identity)
    return g.amax(picked, [1], False)


# -- slice_scatter, select_scatter ----------------------------------------------------------------------

def _check_part(src, part) -> None:
    if src.shape != part.shape:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = "
                           f"{shape_str(src.shape)}, slice size = {shape_str(part.shape)}")


def slice_scatter(a, src, dim=0, start=None, end=None, step=1):
    """A copy of self with src (cast to self's dtype) written at self[start:end:step] along dim."""
    from tsjit.ops.slicing import slice_
    out = a.copy()
    part = slice_(out, dim, start, end, step)
    _check_part(src, part)
    part[...] = src.astype(a.dtype, copy=False)
    return out


def _slice_scatter(g, a, src, dim, start, end, step):
    full = g.shape(a)
    if not full or g.value(step) <= 0:
        raise NotDecomposable("the kernel raises")
    d = wrap_dim(g.value(dim), len(full))
    n, begin = full[d], g.value(start)
    begin = 0 if begin is None else min(max(begin + n if begin < 0 else begin, 0), n)
    stop = n if g.value(end) is None else g.value(end)
    stop = min(max(stop + n if stop < 0 else stop, begin), n)
    if g.shape(src) != full[:d] + (len(range(begin, stop, g.value(step))),) + full[d + 1:]:
        raise NotDecomposable("the kernel raises")
    return embed(g, a, src, {d: begin}, {d: g.value(step)})


def select_scatter(a, src, dim, index):
    """A copy of self with src (cast to self's dtype) written at self.select(dim, index)."""
    from tsjit.ops.slicing import select
    out = a.copy()
    part = select(out, dim, index)
    _check_part(src, part)
    part[...] = src.astype(a.dtype, copy=False)
    return out


def _select_scatter(g, a, src, dim, index):
    full = g.shape(a)
    if not full:
        raise NotDecomposable("the kernel raises")
    d = wrap_dim(g.value(dim), len(full))
    if g.shape(src) != full[:d] + full[d + 1:] or not -full[d] <= g.value(index) < full[d]:
        raise NotDecomposable("the kernel raises")
    return embed(g, a, g.unsqueeze(src, d), {d: g.value(index) % max(full[d], 1)})


defop("slice_scatter", "(Tensor self, Tensor src, int dim=0, int? start=None, int? end=None, int step=1) -> Tensor",
      slice_scatter, decompose=_slice_scatter, shape=same, dtype=same_dtype, api="torch Tensor",
      samples=lambda: [sample(s.f32(5, 3), s.f32(2, 3), 0, 1, 3, 1), sample(s.f32(5, 6), s.f32(5, 2), 1, 1, None, 3),
                       sample(s.f32(5, 6), s.f32(5, 2), -1, -2, None, 1), sample(s.f64(4, 3), s.i64(2, 3), 0, None, None, 2),
                       sample(s.i64(2, 3, 4), s.i64(2, 3, 1), 2, 3, 100, 1), sample(s.mask(4), s.mask(2), 0, 1, -1, 1),
                       sample(s.f32(5, 3), s.f32(0, 3), 0, 2, 2, 1), sample(s.f32(4, 3), s.f32(4, 3), 0, None, None, 1),
                       sample(s.f32(0, 3), s.f32(0, 3), 0, None, None, 1), sample(s.f32(5, 3), s.f32(3), 0, 1, 2, 1),
                       sample(s.f32(5, 3), s.f32(2, 3), 0, 0, 4, 0), sample(np.array(1.0, np.float32), np.array(2.0, np.float32), 0, 0, None, 1)])
defop("select_scatter", "(Tensor self, Tensor src, int dim, int index) -> Tensor", select_scatter,
      decompose=_select_scatter, lower="shape.lower_select_scatter", shape=same, dtype=same_dtype, api="torch Tensor",
      samples=lambda: [sample(s.f32(4, 3), s.f32(3), 0, 1), sample(s.f32(4, 3), s.f32(4), 1, -1),
                       sample(s.i64(2, 3, 4), s.f32(2, 4), 1, 0), sample(s.f64(3), np.array(5.0), 0, 2),
                       sample(s.mask(2, 2), s.mask(2), -2, 1), sample(s.f32(0, 3), s.f32(0), 1, 2),
                       sample(s.f32(4, 3), s.f32(3), 0, 4), sample(s.f32(4, 3), s.f32(4), 0, 1),
                       sample(np.array(1.0, np.float32), np.array(2.0, np.float32), 0, 0)])


# -- masked_scatter ----------------------------------------------------------------------------------

def _check_masked_scatter(a, mask, source) -> None:
    if mask.dtype != BOOL:
        raise RuntimeError(f"masked_scatter_ only supports boolean masks, but got mask with dtype {torch_name(mask.dtype)}")
    if source.dtype != a.dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but got"
                           f"{torch_name(a.dtype)} and {torch_name(source.dtype)}")


def masked_scatter(a, mask, source):
    """self and mask broadcast together; the j-th true place of the mask (row-major) takes the j-th
    element of source."""
    _check_masked_scatter(a, mask, source)
    shape = np.broadcast_shapes(a.shape, mask.shape)
    out = np.broadcast_to(a, shape).copy()
    where = np.broadcast_to(mask, shape)
    k = int(np.count_nonzero(where))
    if k > source.size:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    out[where] = source.reshape(-1)[:k]
    return out


def _masked_scatter(g, a, mask, source):
    try:
        _check_masked_scatter(np.empty(0, g.dtype(a)), np.empty(0, g.dtype(mask)), np.empty(0, g.dtype(source)))
    except RuntimeError as e:
        raise reject(g, e) from None
    shape = list(np.broadcast_shapes(g.shape(a), g.shape(mask)))
    n, dtype = int(np.prod(shape)), g.dtype(a)
    base = g.reshape(g.expand(a, shape), [n])
    if n == 0 or 0 in g.shape(source):
        return g.reshape(base, shape)  # (no true place may take a value from an empty source)
    flat = g.reshape(g.expand(mask, shape), [n])
    work = np.dtype(INT64) if dtype == BOOL else dtype
    rows = g.reshape(g.to(source, CODE_OF_DTYPE[work]), [-1])
    out = g.where(flat, ranked_pick(g, flat, rows, lowest(work)), g.to(base, CODE_OF_DTYPE[work]))
    out = g.ne(out, 0) if dtype == BOOL else out
    return g.reshape(out, shape)


def _masked_scatter_shape(x, mask, source):
    return broadcast(dims(x), dims(mask))


defop("masked_scatter", "(Tensor self, Tensor mask, Tensor source) -> Tensor", masked_scatter,
      decompose=_masked_scatter, shape=_masked_scatter_shape, dtype=same_dtype, api="torch Tensor",
      samples=lambda: [sample(s.f32(3, 4), s.mask(3, 4), s.f32(12)), sample(s.f32(3, 1), s.mask(3, 4), s.f32(4, 5)),
                       sample(s.f64(2, 3), s.mask(3), s.f64(7)), sample(s.i64(4), np.array(True), s.i64(2, 2)),
                       sample(s.mask(5), s.mask(5), s.mask(5)), sample(s.i32(2, 3), s.mask(4, 2, 3), s.i32(30)),
                       sample(np.array(1.5, np.float32), np.array(True), s.f32(2)),
                       sample(s.f32(0, 3), s.mask(3), s.f32(0)), sample(s.f32(3), np.ones(3, BOOL), s.f32(2)),
                       sample(s.f32(3), s.mask(3).astype(np.uint8), s.f32(3)), sample(s.f32(3), s.mask(3), s.f64(3)),
                       sample(s.f32(3), s.mask(2), s.f32(3))])
