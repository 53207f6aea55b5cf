"""Lowerings of tsjit/ops/layout.py: roll and repeat_interleave, each one affine copy (strided.py's
`affine_copy`), the source index a modulo (roll) or a floor division (repeat_interleave) of the
result's. Without dims both work on the row-major flat index, split back into the input's dims.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

from xdsl.ir.affine import AffineExpr

from tsjit.dialects.ts.types import TensorType
from tsjit.lowering.generic_builder import filled
from tsjit.lowering.strided import affine_copy
from tsjit.lowering.table import Lower, NotLowerable


def _flat(ds: Sequence[AffineExpr], shape: Sequence[int]) -> AffineExpr:
    """The row-major flat index of position ds in a tensor of `shape`."""
    flat = AffineExpr.constant(0)
    for k, d in enumerate(ds):
        flat = flat + d * math.prod(shape[k + 1:])
    return flat


def _unflat(flat: AffineExpr, shape: Sequence[int]) -> list[AffineExpr]:
    """The position of row-major flat index `flat` in a tensor of `shape`."""
    exprs = []
    for k in range(len(shape)):
        inner = math.prod(shape[k + 1:])
        e = flat // inner if inner != 1 else flat
        exprs.append(e % shape[k] if k else e)
    return exprs


def _dim(d: int, rank: int) -> int:
    if not -max(rank, 1) <= d < max(rank, 1):
        raise NotLowerable(f"dim {d} out of range for rank {rank}")
    return d % max(rank, 1)


def _empty_result(lower: Lower):
    return [filled(lower.builder, lower.result_type(), 0)]


def lower_roll(op, lower: Lower):
    """out[.., i, ..] = x[.., (i - shift) mod n, ..] per rolled dim (shifts along one dim add up);
    without dims the same over the flat index."""
    shifts, wanted = list(lower.constant(1)), list(lower.constant(2))
    src = tuple(lower.tensor(0).type.get_shape())
    if 0 in src:
        return _empty_result(lower)
    if not wanted:
        if len(shifts) != 1:
            raise NotLowerable("roll without dims takes one shift (the kernel raises)")
        back = -shifts[0] % math.prod(src)
        if not back or not src:
            return affine_copy(lower, lambda ds, out, shape: list(ds))
        return affine_copy(lower, lambda ds, out, shape: _unflat((_flat(ds, shape) + back) % math.prod(shape), shape))
    if len(shifts) != len(wanted):
        raise NotLowerable("shifts and dims of different lengths (the kernel raises)")
    rank = len(src)
    back = [0] * rank
    for shift, d in zip(shifts, wanted):
        d = _dim(d, rank)
        if rank:
            back[d] -= shift
    return affine_copy(lower, lambda ds, out, shape: [(d + b % n) % n if b % n else d
                                                      for d, b, n in zip(ds, back, shape)])


def lower_repeat_interleave(op, lower: Lower):
    """out[.., i, ..] = x[.., i // repeats, ..] along dim (the flat index without one); a repeats
    tensor gives a result size known only at run time, so only an int repeats comes here."""
    if isinstance(op.operands[1].type, TensorType):
        raise NotLowerable("a repeats tensor: the result's size depends on its values")
    r, dim = lower.constant(1), lower.constant(2)
    src, out = tuple(lower.tensor(0).type.get_shape()), tuple(lower.result_type().get_shape())
    if 0 in out:
        return _empty_result(lower)
    if dim is None:
        return affine_copy(lower, lambda ds, o, shape: _unflat(ds[0] // r, shape) if shape else [])
    d = _dim(dim, len(src))
    return affine_copy(lower, lambda ds, o, shape: [e // r if k == d else e for k, e in enumerate(ds)])
