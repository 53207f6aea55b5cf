"""Lowerings of tsjit/ops/strided.py: copies whose every element reads one input element at an
affine function of its index (unfold's windows, flips, rot90), each one all-parallel
`linalg.generic` whose input map is that function.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from xdsl.dialects.builtin import AffineMapAttr
from xdsl.ir.affine import AffineExpr, AffineMap

from tsjit.lowering.generic_builder import generic, identity_map
from tsjit.lowering.table import Lower, NotLowerable

#: (output dims as AffineExprs, output shape, input shape) -> the input index, one expr per input dim.
IndexMap = Callable[[Sequence[AffineExpr], Sequence[int], Sequence[int]], Sequence[AffineExpr]]


def affine_copy(lower: Lower, index: IndexMap):
    """out[i] = x[index(i)] for operand 0 and the op's one result."""
    x, out = lower.tensor(0), lower.result_type()
    shape, src = tuple(out.get_shape()), tuple(x.type.get_shape())
    rank = len(shape)
    ds = [AffineExpr.dimension(i) for i in range(rank)]
    exprs = tuple(index(ds, shape, src))
    if len(exprs) != len(src):
        raise NotLowerable("index map of the wrong rank")
    read = AffineMapAttr(AffineMap(rank, 0, exprs))
    return [generic(lower.builder, [x], [read], lower.empty(out), identity_map(rank), ["parallel"] * rank,
                    lambda b, args: [args[0]])]


def _dim(d: int, rank: int) -> int:
    if not -max(rank, 1) <= d < max(rank, 1):
        raise NotLowerable(f"dim {d} out of range for rank {rank}")
    return d % max(rank, 1)


def lower_unfold(op, lower: Lower):
    """out[..., i (at dim), ..., j] = x[..., i * step + j, ...]."""
    rank = len(lower.tensor(0).type.get_shape())
    dim, step = _dim(lower.constant(1), rank), lower.constant(3)
    if rank == 0:
        return affine_copy(lower, lambda ds, out, src: [])

    def index(ds, out, src):
        return [ds[k] * step + ds[-1] if k == dim else ds[k] for k in range(rank)]
    return affine_copy(lower, index)


def _flipped(ds, src, axes):
    return [AffineExpr.constant(src[k] - 1) - ds[k] if k in axes else ds[k] for k in range(len(src))]


def lower_fliplr(op, lower: Lower):
    return affine_copy(lower, lambda ds, out, src: _flipped(ds, src, {1}))


def lower_flipud(op, lower: Lower):
    return affine_copy(lower, lambda ds, out, src: _flipped(ds, src, {0}))


def lower_rot90(op, lower: Lower):
    """k=1: x.flip(d1).transpose(d0, d1); k=2: x.flip(d0, d1); k=3: x.flip(d0).transpose(d0, d1)."""
    rank = len(lower.tensor(0).type.get_shape())
    k = lower.constant(1) % 4
    d0, d1 = (_dim(d, rank) for d in lower.constant(2))

    def index(ds, out, src):
        if k == 0:
            return list(ds)
        if k == 2:
            return _flipped(ds, src, {d0, d1})
        swapped = list(ds)
        swapped[d0], swapped[d1] = ds[d1], ds[d0]  # the transposed read
        return _flipped(swapped, src, {d1 if k == 1 else d0})
    return affine_copy(lower, index)


def lower_as_strided(op, lower: Lower):
    """out[i] = flat(x)[offset + sum(i_k * stride_k)], the flat index split back into x's dims."""
    size, stride, offset = lower.constant(1), lower.constant(2), lower.constant(3) or 0

    def index(ds, out, src):
        flat = AffineExpr.constant(offset)
        for d, st in zip(ds, stride):
            flat = flat + d * st
        exprs = []
        for j in range(len(src)):
            inner = 1
            for n in src[j + 1:]:
                inner *= n
            e = flat // inner if inner != 1 else flat
            exprs.append(e % src[j] if j else e)
        return exprs
    return affine_copy(lower, index)
