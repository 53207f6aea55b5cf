"""Diagonals and triangles: diagonal, diag, diag_embed, trace, tril/triu, tril_indices/triu_indices.

`diagonal` is a view in PyTorch, and its kernel returns a writable numpy view (so eager writes
through it reach the input); compiled code reads a copy (one `linalg.generic` whose input map sends
the diagonal's index k to (k + r0, k + c0), tsjit/lowering/diagonals.py). The others decompose:
a diagonal or a triangle kept or placed by a constant boolean mask (`where`), the index lists of a
triangle folded into constants. With `offset` >= 0 the diagonal starts at column `offset` (r0 = 0,
c0 = offset), below the main one at row `-offset`.
"""
from __future__ import annotations

import numpy as np

from tsjit.kernels.dims import shape_str, wrap_dim
from tsjit.kernels.promotion import (
    BOOL,
    CODE_OF_DTYPE,
    INT64,
    dtype_of,
    not_implemented,
)
from tsjit.ops import checks as chk
from tsjit.ops import samples as s
from tsjit.ops.decomposition import reject
from tsjit.ops.registry import defop, op, sample
from tsjit.ops.rules import (
    D,
    ShapeError,
    Unknown,
    accumulated,
    arith,
    dims,
    dtype_arg,
    same_dtype,
    wrap,
)


def diagonal_dims(ndim: int, dim1: int, dim2: int) -> tuple[int, int]:
    """dim1 and dim2 wrapped, with PyTorch's errors."""
    d1, d2 = wrap_dim(dim1, ndim), wrap_dim(dim2, ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return d1, d2


def corner(offset: int) -> tuple[int, int]:
    """(r0, c0): where the diagonal of `offset` starts."""
    return max(-offset, 0), max(offset, 0)


def diagonal_length(rows: int, cols: int, offset: int) -> int:
    r0, c0 = corner(offset)
    return max(min(rows - r0, cols - c0), 0)


# -- diagonal ---------------------------------------------------------------------------------------

def _diagonal_shape(x, offset, dim1, dim2):
    xs = dims(x)
    d1, d2 = wrap(dim1, len(xs)), wrap(dim2, len(xs))
    if d1 == d2 or isinstance(offset, Unknown):
        raise ShapeError("diagonal: identical dims, or a non-constant offset")
    rest = tuple(n for d, n in enumerate(xs) if d not in (d1, d2))
    return rest + (arith(lambda r, c: diagonal_length(r, c, offset), xs[d1], xs[d2]),)


@op("diagonal", "(Tensor self, int offset=0, int dim1=0, int dim2=1) -> Tensor", shape=_diagonal_shape,
    dtype=same_dtype, lower="diagonals.lower_diagonal", api="torch Tensor",
    samples=lambda: [sample(s.f32(3, 4), 0, 0, 1), sample(s.f32(3, 4), 2, 0, 1), sample(s.f32(3, 4), -1, 1, 0),
                     sample(s.f64(2, 3, 4), 1, -1, 0), sample(s.i64(4, 2, 3), -2, 0, 2), sample(s.mask(3, 3), 0, 0, 1),
                     sample(s.f32(3, 4), 5, 0, 1), sample(s.f32(3, 4), -3, 0, 1), sample(s.f32(0, 2), 0, 0, 1),
                     sample(s.strided(3, 4), 1, 0, 1), sample(s.f32(3, 4), 0, 1, 1), sample(s.f32(3), 0, 0, 1),
                     sample(np.array(1.5, np.float32), 0, 0, 1)])
def diagonal(a, offset=0, dim1=0, dim2=1):
    """The elements (k + r0, k + c0) of the planes of dims dim1 and dim2, as a new last dim (a view)."""
    d1, d2 = diagonal_dims(a.ndim, dim1, dim2)
    r0, c0 = corner(offset)
    n = diagonal_length(a.shape[d1], a.shape[d2], offset)
    start = tuple(slice(min(r0, a.shape[d1]) if d == d1 else min(c0, a.shape[d2]) if d == d2 else 0, None)
                  for d in range(a.ndim))
    corner_view = a[start]
    rest = [d for d in range(a.ndim) if d not in (d1, d2)]
    return np.lib.stride_tricks.as_strided(
        corner_view, tuple(a.shape[d] for d in rest) + (n,),
        tuple(a.strides[d] for d in rest) + (a.strides[d1] + a.strides[d2],), writeable=a.flags.writeable)


# -- diag_embed and diag ----------------------------------------------------------------------------

def _embed_dims(ndim: int, dim1: int, dim2: int) -> tuple[int, int]:
    return diagonal_dims(ndim + 1, dim1, dim2)


def _diag_embed_shape(x, offset, dim1, dim2):
    xs = dims(x)
    if not xs:
        raise ShapeError("diag_embed of a 0-d tensor")
    d1, d2 = wrap(dim1, len(xs) + 1), wrap(dim2, len(xs) + 1)
    if d1 == d2 or isinstance(offset, Unknown):
        raise ShapeError("diag_embed: identical dims, or a non-constant offset")
    m = arith(lambda n: n + abs(offset), xs[-1])
    lead = iter(xs[:-1])
    return tuple(m if d in (d1, d2) else next(lead) for d in range(len(xs) + 1))


def _moved(rank: int, d1: int, d2: int) -> list[int]:
    """The permutation taking [lead..., rows, cols] to rows at d1 and cols at d2."""
    lead = iter(range(rank - 2))
    return [rank - 2 if d == d1 else rank - 1 if d == d2 else next(lead) for d in range(rank)]


def _diag_embed(g, x, offset, dim1, dim2):
    """where(a constant diagonal mask, the last dim stretched along rows (offset >= 0) or columns, 0),
    its two new dims moved to dim1 and dim2."""
    shape, k, dtype = g.shape(x), g.value(offset), g.dtype(x)
    if not shape:
        raise reject(g, IndexError("Dimension out of range (expected to be in range of [-1, 0], but got -2)"))
    try:
        d1, d2 = _embed_dims(len(shape), g.value(dim1), g.value(dim2))
    except (IndexError, RuntimeError) as e:
        raise reject(g, e) from None
    lead, n = list(shape[:-1]), shape[-1]
    m = n + abs(k)
    padded = x if k == 0 else g.cat([x, np.zeros(tuple(lead) + (abs(k),), dtype)], -1)
    stretched = g.expand(g.unsqueeze(padded, -1 if k >= 0 else -2), lead + [m, m])
    out = g.where(np.eye(m, m, k, dtype=BOOL), stretched, np.zeros((), dtype))
    perm = _moved(len(shape) + 1, d1, d2)
    return out if perm == sorted(perm) else g.permute(out, perm)


def diag_embed(a, offset=0, dim1=-2, dim2=-1):
    d1, d2 = _embed_dims(a.ndim, dim1, dim2)
    if a.ndim == 0:
        raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got -2)")
    n = a.shape[-1]
    m = n + abs(offset)
    out = np.zeros(a.shape[:-1] + (m, m), a.dtype)
    r0, c0 = corner(offset)
    i = np.arange(n)
    out[..., i + r0, i + c0] = a
    return np.moveaxis(out, (-2, -1), (d1, d2)).copy()


defop("diag_embed", "(Tensor self, int offset=0, int dim1=-2, int dim2=-1) -> Tensor", diag_embed,
      decompose=_diag_embed, shape=_diag_embed_shape, dtype=same_dtype, api="torch Tensor",
      samples=lambda: [sample(s.f32(2, 3), 0, -2, -1), sample(s.f32(2, 3), 1, 0, 2), sample(s.f64(4), -2, 1, 0),
                       sample(s.i64(2, 3), -1, 2, 0), sample(s.mask(3), 2, 0, 1), sample(s.special(), 0, -1, 0),
                       sample(s.f32(2, 0), 1, -2, -1), sample(s.f32(2, 3), 0, 0, 0), sample(s.f32(2, 3), 0, 0, 3),
                       sample(np.array(1.5, np.float32), 0, -2, -1)])


def _diag_shape(x, diagonal):
    xs, k = dims(x), diagonal
    if isinstance(k, Unknown) and len(xs) in (1, 2):
        return (D,) * (3 - len(xs))
    if len(xs) == 1:
        n = arith(lambda n: n + abs(k), xs[0])
        return (n, n)
    if len(xs) == 2:
        return (arith(lambda r, c: diagonal_length(r, c, k), *xs),)
    raise ShapeError(f"diag(): Supports 1D or 2D tensors. Got {len(xs)}D")


def _diag(g, x, diagonal):
    if g.dim(x) not in (1, 2):
        raise reject(g, RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {g.dim(x)}D"))
    if g.dim(x) == 1:
        return g.diag_embed(x, diagonal, 0, 1)
    return g.diagonal(x, diagonal, 0, 1)


@op("diag", "(Tensor self, int diagonal=0) -> Tensor", shape=_diag_shape, dtype=same_dtype, decompose=_diag,
    samples=lambda: [sample(s.f32(3, 4), 1), sample(s.f32(3), 0), sample(s.f32(3), -2), sample(s.f32(3, 4), -5),
                     sample(s.i64(4, 2), -1), sample(s.mask(3), 1), sample(s.f64(2, 3), 2), sample(s.special(), -1),
                     sample(s.f32(0), 1), sample(np.array(1.5), 0), sample(s.f32(2, 2, 2), 0)], api="torch Tensor")
def diag(a, diagonal=0):
    """1-D: a square matrix with `a` on its diagonal `diagonal`; 2-D: that diagonal (a copy)."""
    if a.ndim not in (1, 2):
        raise RuntimeError("diag(): Supports 1D or 2D tensors. Got " + f"{a.ndim}D")
    return np.diag(a, diagonal).copy()


# -- diagonal_scatter -------------------------------------------------------------------------------

def diagonal_scatter(a, src, offset=0, dim1=0, dim2=1):
    """A copy of self with src (cast to self's dtype) written at self.diagonal(offset, dim1, dim2)."""
    from tsjit.ops.placed_writes import _check_part
    out = a.copy()
    part = diagonal(out, offset, dim1, dim2)
    _check_part(src, part)
    part[...] = src.astype(a.dtype, copy=False)
    return out


def _diagonal_scatter(g, a, src, offset, dim1, dim2):
    """where(the diagonal's constant mask, src stretched along rows (offset >= 0) or columns, self)."""
    full, k, dtype = g.shape(a), g.value(offset), g.dtype(a)
    try:
        d1, d2 = diagonal_dims(len(full), g.value(dim1), g.value(dim2))
    except (IndexError, RuntimeError) as e:
        raise reject(g, e) from None
    rows, cols = full[d1], full[d2]
    rest = [n for d, n in enumerate(full) if d not in (d1, d2)]
    n = diagonal_length(rows, cols, k)
    if g.shape(src) != tuple(rest) + (n,):
        raise reject(g, RuntimeError(f"expected src to have a size equal to the slice of self. src size = "
                                     f"{shape_str(g.shape(src))}, slice size = {shape_str(rest + [n])}"))
    if n == 0:
        return g.clone(a)
    x = g.to(src, CODE_OF_DTYPE[dtype])
    span = rows if k >= 0 else cols
    if span > n:
        x = g.cat([x, np.zeros(tuple(rest) + (span - n,), dtype)], -1)
    stretched = g.expand(g.unsqueeze(x, -1 if k >= 0 else -2), rest + [rows, cols])
    perm = _moved(len(full), d1, d2)
    if perm != sorted(perm):
        stretched = g.permute(stretched, perm)
    mask = np.eye(rows, cols, k, dtype=BOOL)
    mask = (mask if d1 < d2 else mask.T).reshape([m if d in (d1, d2) else 1 for d, m in enumerate(full)])
    return g.where(mask, stretched, a)


defop("diagonal_scatter", "(Tensor self, Tensor src, int offset=0, int dim1=0, int dim2=1) -> Tensor",
      diagonal_scatter, decompose=_diagonal_scatter, shape=lambda x, src, offset, dim1, dim2: dims(x),
      dtype=same_dtype, api="torch Tensor",
      samples=lambda: [sample(s.f32(3, 4), s.f32(3), 0, 0, 1), sample(s.f32(3, 4), s.f32(2), 2, 0, 1),
                       sample(s.f32(3, 4), s.f32(3), -1, 1, 0), sample(s.f64(2, 3, 4), s.f64(4, 1), 1, -1, 0),
                       sample(s.i64(4, 2, 3), s.f32(2, 2), -2, 0, 2), sample(s.mask(3, 3), s.mask(3), 0, 0, 1),
                       sample(s.special(), s.f32(2), -1, 0, 1), sample(s.f32(3, 4), s.f32(0), 5, 0, 1),
                       sample(s.f32(3, 4), s.f32(2), 0, 0, 1), sample(s.f32(3, 4), s.f32(3), 0, 1, 1),
                       sample(s.f32(3), s.f32(3), 0, 0, 1)])


# -- trace ------------------------------------------------------------------------------------------

def _trace_shape(x):
    if len(dims(x)) != 2:
        raise ShapeError("trace: expected a matrix")
    return ()


def _trace(g, x):
    if g.dtype(x) == BOOL:
        raise reject(g, not_implemented("trace", g.dtype(x)))
    if g.dim(x) != 2:
        raise reject(g, RuntimeError(f"trace: expected a matrix, but got tensor with dim {g.dim(x)}"))
    return g.sum(g.diagonal(x, 0, 0, 1))


defop("trace", "(Tensor self) -> Tensor", decompose=_trace, shape=_trace_shape, dtype=accumulated,
      api="torch Tensor",
      samples=lambda: [sample(s.f32(3, 4)), sample(s.f64(4, 3)), sample(s.i32(3, 3)), sample(s.special()),
                       sample(s.f32(0, 3)), sample(s.mask(2, 2)), sample(s.f32(3)), sample(np.array(1.5))])


# -- triangles --------------------------------------------------------------------------------------

def _triangle(keep_lower: bool):
    name = "tril" if keep_lower else "triu"

    def keep(rows: int, cols: int, k: int) -> np.ndarray:
        return np.tri(rows, cols, k, dtype=BOOL) if keep_lower else ~np.tri(rows, cols, k - 1, dtype=BOOL)

    def kernel(a, diagonal=0):
        if a.ndim < 2:
            raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
        return np.where(keep(*a.shape[-2:], diagonal), a, np.zeros((), a.dtype))

    def decompose(g, x, diagonal):
        if g.dim(x) < 2:
            raise reject(g, RuntimeError(f"{name}: input tensor must have at least 2 dimensions"))
        return g.where(keep(*g.shape(x)[-2:], g.value(diagonal)), x, np.zeros((), g.dtype(x)))
    kernel.__name__ = name
    return kernel, decompose


def _triangle_shape(x, diagonal):
    if len(dims(x)) < 2:
        raise ShapeError("tril/triu: input tensor must have at least 2 dimensions")
    return dims(x)


def _triangle_samples():
    return [sample(s.f32(3, 4), -1), sample(s.f32(2, 3, 4), 1), sample(s.f32(4, 3), 0), sample(s.special(), 5),
            sample(s.i64(3, 3), -5), sample(s.mask(2, 2), 0), sample(s.f64(3, 2), 1), sample(s.strided(3, 4), -2),
            sample(s.f32(3), 0), sample(s.f32(0, 2), 0)]


for _name, _lower in (("tril", True), ("triu", False)):
    _kernel, _decompose = _triangle(_lower)
    defop(_name, "(Tensor self, int diagonal=0) -> Tensor", _kernel, decompose=_decompose, shape=_triangle_shape,
          dtype=same_dtype, verify=chk.SAME_SHAPE, samples=_triangle_samples, api="torch Tensor")


# -- tril_indices, triu_indices ---------------------------------------------------------------------

def _indices(name: str, lower: bool):
    def kernel(row, col, offset=0, dtype=4):
        out = dtype_of(dtype, INT64)
        if out.kind not in "iu":
            raise not_implemented(name, out)
        if row < 0 or col < 0:
            raise RuntimeError(f"{'row' if row < 0 else 'col'} must be non-negative, got{row if row < 0 else col}")
        keep = np.tri(row, col, offset, dtype=BOOL) if lower else ~np.tri(row, col, offset - 1, dtype=BOOL)
        return np.stack(np.nonzero(keep)).astype(out).reshape(2, -1)

    def decompose(g, row, col, offset, dtype):
        """The indices are a constant when the sizes are."""
        try:
            return kernel(g.value(row), g.value(col), g.value(offset), g.value(dtype))
        except (RuntimeError, NotImplementedError) as e:
            raise reject(g, e) from None

    def shape(row, col, offset, dtype):
        if any(isinstance(v, Unknown) for v in (row, col, offset)):
            return (2, D)
        return (2, int(np.count_nonzero(kernel(max(row, 0), max(col, 0), offset)[0] >= 0)))
    kernel.__name__ = name
    return kernel, decompose, shape


for _name, _lower in (("tril_indices", True), ("triu_indices", False)):
    _kernel, _decompose, _shape = _indices(_name, _lower)
    defop(_name, "(int row, int col, int offset=0, *, ScalarType? dtype=4) -> Tensor", _kernel, decompose=_decompose,
          shape=_shape, dtype=lambda row, col, offset, dtype: dtype_arg(dtype, INT64), api="torch",
          samples=lambda: [sample(3, 4, 0, 4), sample(4, 3, -1, 4), sample(3, 3, 2, 3), sample(3, 5, -5, 4),
                           sample(0, 4, 0, 4), sample(5, 2, 7, 4), sample(3, 3, 0, 6), sample(-1, 3, 0, 4),
                           sample(3, 3, 0, 11)])
