"""Lowerings of tsjit/ops/diagonals.py: `diagonal` cuts the square of its diagonal out of the planes
of dim1 and dim2 (rows r0.., columns c0.., n each: `tensor.extract_slice`), then reads element
(k, k) of it for its last index k, one all-parallel `linalg.generic`.
"""
from __future__ import annotations

from xdsl.dialects.builtin import AffineMapAttr
from xdsl.dialects.builtin import TensorType as BuiltinTensorType
from xdsl.ir.affine import AffineExpr, AffineMap

from tsjit.lowering.generic_builder import generic, identity_map
from tsjit.lowering.shape import _extract
from tsjit.lowering.table import Lower, NotLowerable


def lower_diagonal(op, lower: Lower):
    """out[rest..., k] = x[..., r0 + k (at dim1), ..., c0 + k (at dim2), ...]."""
    from tsjit.ops.diagonals import corner, diagonal_dims

    x, out = lower.tensor(0), lower.result_type()
    rank = len(x.type.get_shape())
    try:
        d1, d2 = diagonal_dims(rank, lower.constant(2), lower.constant(3))
    except (IndexError, RuntimeError) as e:
        raise NotLowerable(str(e)) from None
    n = out.get_shape()[-1]
    for d, start in zip((d1, d2), corner(lower.constant(1)), strict=True):
        shape = list(x.type.get_shape())
        if shape[d] != n:
            shape[d] = n
            x = _extract(lower, x, d, min(start, x.type.get_shape()[d]), n, 1,
                         BuiltinTensorType(out.element_type, shape))
    rest = [d for d in range(rank) if d not in (d1, d2)]
    ds = [AffineExpr.dimension(i) for i in range(rank - 1)]
    read = AffineMap(rank - 1, 0, tuple(ds[-1] if d in (d1, d2) else ds[rest.index(d)] for d in range(rank)))
    return [generic(lower.builder, [x], [AffineMapAttr(read)], lower.empty(out), identity_map(rank - 1),
                    ["parallel"] * (rank - 1), lambda b, args: [args[0]])]
