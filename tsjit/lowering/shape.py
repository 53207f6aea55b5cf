"""Lowerings of shape and layout ops: reshapes, transposes, cat/stack, slices, expand.

Shapes are static here, so every reshape-like op (view, reshape, flatten, squeeze, unsqueeze)
lowers from its input and result types alone: a pure regrouping of dims becomes
`tensor.collapse_shape`/`tensor.expand_shape` (or a collapse then an expand), anything else a
`tensor.reshape` with a constant shape tensor. Dims are wrapped as PyTorch wraps them.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

from xdsl.dialects import arith, tensor
from xdsl.dialects.builtin import ArrayAttr, DenseIntOrFPElementsAttr, IntegerAttr, i64
from xdsl.dialects.builtin import TensorType as BuiltinTensorType
from xdsl.dialects.linalg.ops import TransposeOp
from xdsl.dialects.builtin import DenseArrayBase
from xdsl.dialects.builtin import DYNAMIC_INDEX
from xdsl.ir import SSAValue
from xdsl.dialects.builtin import UnrealizedConversionCastOp

from tsjit.lowering.table import Lower, NotLowerable, builtin_type

Shape = tuple[int, ...]


def regroup(src: Shape, dst: Shape) -> list[tuple[list[int], list[int]]] | None:
    """Pair runs of src dims with runs of dst dims of equal size (unit dims join the run before).

    None where no such pairing exists (0-sized dims, or a rank-0 side with a non-unit other).
    """
    if 0 in src or 0 in dst:
        return None
    groups: list[tuple[list[int], list[int]]] = []
    i = j = 0
    while i < len(src) and j < len(dst):
        si, dj, ps, pd = [i], [j], src[i], dst[j]
        i, j = i + 1, j + 1
        while ps != pd:
            if ps < pd and i < len(src):
                ps, i = ps * src[i], i + 1
                si.append(i - 1)
            elif pd < ps and j < len(dst):
                pd, j = pd * dst[j], j + 1
                dj.append(j - 1)
            else:
                return None
        groups.append((si, dj))
    rest_src, rest_dst = list(range(i, len(src))), list(range(j, len(dst)))
    if any(src[k] != 1 for k in rest_src) or any(dst[k] != 1 for k in rest_dst):
        return None
    if groups:
        groups[-1][0].extend(rest_src)
        groups[-1][1].extend(rest_dst)
    return groups


def _reassociation(runs: Sequence[Sequence[int]]) -> ArrayAttr:
    return ArrayAttr([ArrayAttr([IntegerAttr(k, i64) for k in run]) for run in runs])


def collapse(lower: Lower, v: SSAValue, runs: Sequence[Sequence[int]]) -> SSAValue:
    shape = v.type.get_shape()
    t = BuiltinTensorType(v.type.element_type, [math.prod(shape[k] for k in run) for run in runs])
    op = tensor.CollapseShapeOp(operands=[v], result_types=[t], properties={"reassociation": _reassociation(runs)})
    return lower.insert(op).results[0]


def expand(lower: Lower, v: SSAValue, runs: Sequence[Sequence[int]], shape: Shape) -> SSAValue:
    t = BuiltinTensorType(v.type.element_type, list(shape))
    return lower.insert(tensor.ExpandShapeOp(v, [], _reassociation(runs), list(shape), t)).results[0]


def reshape_value(lower: Lower, v: SSAValue, shape: Shape) -> SSAValue:
    """v (static shape) with the same elements in row-major order, shaped `shape`."""
    src = tuple(v.type.get_shape())
    if src == shape:
        return v
    if math.prod(src) != math.prod(shape):
        raise NotLowerable(f"cannot reshape {src} to {shape}")
    if not src or not shape:  # xDSL 0.74 rejects the empty reassociation MLIR allows for rank 0
        return _reshape_with_shape_tensor(lower, v, shape)
    groups = regroup(src, shape)
    if groups is None or any(len(s) > 1 and len(d) > 1 for s, d in groups):
        return _reshape_with_shape_tensor(lower, v, shape)
    if any(len(s) > 1 for s, _ in groups):
        v = collapse(lower, v, [s for s, _ in groups])
        if all(len(d) == 1 for _, d in groups):
            return v
    runs, k = [], 0
    for _, d in groups:
        runs.append(list(range(k, k + len(d))))
        k += len(d)
    return expand(lower, v, runs, shape)


def _reshape_with_shape_tensor(lower: Lower, v: SSAValue, shape: Shape) -> SSAValue:
    shape_type = BuiltinTensorType(i64, [len(shape)])
    dense = DenseIntOrFPElementsAttr.from_list(shape_type, list(shape))
    shape_value = lower.insert(arith.ConstantOp(dense, shape_type)).results[0]
    t = BuiltinTensorType(v.type.element_type, list(shape))
    return lower.insert(tensor.ReshapeOp(v, shape_value, t)).results[0]


def lower_reshape(op, lower: Lower):
    out = lower.result_type()
    return [reshape_value(lower, lower.tensor(0), tuple(out.get_shape()))]


def _wrap(dim: int, rank: int) -> int:
    if not -max(rank, 1) <= dim < max(rank, 1):
        raise NotLowerable(f"dim {dim} out of range for rank {rank}")
    return dim % max(rank, 1)


def transpose_value(lower: Lower, v: SSAValue, perm: Sequence[int]) -> SSAValue:
    if list(perm) == list(range(len(perm))):
        return v
    shape = v.type.get_shape()
    t = BuiltinTensorType(v.type.element_type, [shape[p] for p in perm])
    op = TransposeOp(v, lower.empty(t), DenseArrayBase.from_list(i64, list(perm)), t)
    return lower.insert(op).results[0]


def lower_permute(op, lower: Lower):
    x = lower.tensor(0)
    rank = len(x.type.get_shape())
    perm = [_wrap(d, rank) for d in lower.constant(1)]
    if sorted(perm) != list(range(rank)):
        raise NotLowerable(f"not a permutation: {perm}")
    return [transpose_value(lower, x, perm)]


def lower_transpose(op, lower: Lower):
    x = lower.tensor(0)
    rank = len(x.type.get_shape())
    if op.name == "ts.t":
        d0, d1 = (0, 1) if rank == 2 else (0, 0)
    else:
        d0, d1 = _wrap(lower.constant(1), rank), _wrap(lower.constant(2), rank)
    if rank < 2:
        return [x]
    perm = list(range(rank))
    perm[d0], perm[d1] = perm[d1], perm[d0]
    return [transpose_value(lower, x, perm)]


def _list_tensors(lower: Lower, i: int) -> list[SSAValue]:
    """The tensors of list operand i, which must come from a ts.list.construct."""
    owner = lower.op.operands[i].owner
    if getattr(owner, "name", None) != "ts.list.construct":
        raise NotLowerable("the tensor list is not a list construct")
    values = []
    for v in owner.operands:
        if v in lower.mapping:
            values.append(lower.mapping[v])
        else:
            cast = UnrealizedConversionCastOp.get([v], [builtin_type(v.type)])
            values.append(lower.insert(cast).results[0])
    return values


def _insert_along(lower: Lower, parts: Sequence[SSAValue], dim: int, out: BuiltinTensorType) -> SSAValue:
    """Parts laid one after the other along `dim` of a tensor of type out: insert_slice each."""
    acc, offset = lower.empty(out), 0
    rank = len(out.get_shape())
    for p in parts:
        shape = list(p.type.get_shape())
        if shape[dim] == 0:
            continue
        offsets = [offset if d == dim else 0 for d in range(rank)]
        acc = lower.insert(tensor.InsertSliceOp.get(p, acc, shape, offsets, [1] * rank)).results[0]
        offset += shape[dim]
    return acc


def lower_cat(op, lower: Lower):
    out = lower.result_type()
    rank = len(out.get_shape())
    parts = [p for p in _list_tensors(lower, 0) if tuple(p.type.get_shape()) != (0,)]
    if any(len(p.type.get_shape()) != rank or p.type.element_type != out.element_type for p in parts):
        raise NotLowerable("cat of tensors of another rank or dtype")
    return [_insert_along(lower, parts, _wrap(lower.constant(1), rank), out)]


def lower_stack(op, lower: Lower):
    out = lower.result_type()
    shape = tuple(out.get_shape())
    dim = _wrap(lower.constant(1), len(shape))
    unit = shape[:dim] + (1,) + shape[dim + 1:]
    parts = [reshape_value(lower, p, unit) for p in _list_tensors(lower, 0)]
    if any(p.type.element_type != out.element_type for p in parts):
        raise NotLowerable("stack of tensors of another dtype")
    return [_insert_along(lower, parts, dim, out)]


def _extract(lower: Lower, x: SSAValue, dim: int, start: int, size: int, step: int,
             out: BuiltinTensorType) -> SSAValue:
    """x[..., start:start+size*step:step, ...] along dim, typed out (rank-reducing if out drops dim)."""
    shape = list(x.type.get_shape())
    offsets = [start if d == dim else 0 for d in range(len(shape))]
    sizes = [size if d == dim else s for d, s in enumerate(shape)]
    strides = [step if d == dim else 1 for d in range(len(shape))]
    return lower.insert(tensor.ExtractSliceOp(x, offsets, sizes, strides, out)).results[0]


def lower_slice(op, lower: Lower):
    x, out = lower.tensor(0), lower.result_type()
    shape = x.type.get_shape()
    dim = _wrap(lower.constant(1), len(shape))
    start, step = lower.constant(2), lower.constant(4)  # the end is in the result type
    if step <= 0:
        raise NotLowerable("slice step must be positive")
    size = shape[dim]
    start = 0 if start is None else start
    start = min(max(start + size if start < 0 else start, 0), size)
    return [_extract(lower, x, dim, start, out.get_shape()[dim], step, out)]


def lower_narrow(op, lower: Lower):
    x, out = lower.tensor(0), lower.result_type()
    shape = x.type.get_shape()
    dim = _wrap(lower.constant(1), len(shape))
    start = lower.constant(2) % (shape[dim] or 1)
    return [_extract(lower, x, dim, start, lower.constant(3), 1, out)]


def lower_select(op, lower: Lower):
    x, out = lower.tensor(0), lower.result_type()
    shape = x.type.get_shape()
    dim = _wrap(lower.constant(1), len(shape))
    try:
        index = lower.constant(2)
    except NotLowerable:  # `x[t]` in a loop: a dynamic offset
        return [_extract(lower, x, dim, _run_time_index(lower, shape[dim]), 1, 1, out)]
    if not -shape[dim] <= index < shape[dim]:
        raise NotLowerable(f"index {index} out of range")
    return [_extract(lower, x, dim, index % shape[dim], 1, 1, out)]


def lower_select_scatter(op, lower: Lower):
    """self with src written at self.select(dim, index): an insert_slice of src (given back its unit
    dim) at a constant or run-time offset (`out = out.select_scatter(h, 0, t)` in a loop)."""
    x, src, out = lower.tensor(0), lower.tensor(1), lower.result_type()
    shape = tuple(x.type.get_shape())
    dim = _wrap(lower.constant(2), len(shape))
    unit = shape[:dim] + (1,) + shape[dim + 1:]
    if tuple(src.type.get_shape()) != shape[:dim] + shape[dim + 1:] or src.type.element_type != out.element_type:
        raise NotLowerable("select_scatter of a src of another shape or dtype")
    part = reshape_value(lower, src, unit)
    try:
        index = lower.constant(3)
    except NotLowerable:
        offsets = [0 if d != dim else DYNAMIC_INDEX for d in range(len(shape))]
        return [lower.insert(tensor.InsertSliceOp.get(part, x, unit, offsets, [1] * len(shape),
                                                      offsets=[_run_time_index(lower, shape[dim], 3)])).results[0]]
    if not -shape[dim] <= index < shape[dim]:
        raise NotLowerable(f"index {index} out of range")
    offsets = [index % shape[dim] if d == dim else 0 for d in range(len(shape))]
    return [lower.insert(tensor.InsertSliceOp.get(part, x, unit, offsets, [1] * len(shape))).results[0]]


def _run_time_index(lower: Lower, size: int, operand: int = 2) -> SSAValue:
    """Operand `operand` (an i64 known at run time) as an index into a dim of `size`, wrapped as
    Python wraps negative indices; a loop's iteration number over range(k <= size) is used as it is."""
    from xdsl.dialects import scf
    from xdsl.dialects.builtin import IndexType
    from xdsl.ir import BlockArgument

    value = lower.scalar(operand)
    if isinstance(cast := value.owner, arith.IndexCastOp) and isinstance(iv := cast.input, BlockArgument) \
            and isinstance(loop := iv.block.parent_op(), scf.ForOp) and iv.index == 0 \
            and _index_constant(loop.lb) == 0 and _index_constant(loop.step) == 1 \
            and (ub := _index_constant(loop.ub)) is not None and ub <= size:
        return iv
    b = lower.builder
    n = b.insert(arith.ConstantOp.from_int_and_width(size, i64)).result
    wrapped = b.insert(arith.RemSIOp(b.insert(arith.AddiOp(value, n)).result, n)).result
    return b.insert(arith.IndexCastOp(wrapped, IndexType())).result


def _index_constant(v: SSAValue) -> int | None:
    """The value of an index computed from a constant (arith.constant, index_cast of one)."""
    op = v.owner
    if isinstance(op, arith.IndexCastOp):
        return _index_constant(op.input)
    if isinstance(op, arith.ConstantOp) and isinstance(op.value, IntegerAttr):
        return op.value.value.data
    return None


def lower_expand(op, lower: Lower):
    """A broadcasting copy (generic): unit dims repeat, new leading dims are added."""
    from tsjit.lowering.contractions import PARALLEL, broadcast_map, dims, generic
    x, out = lower.tensor(0), lower.result_type()
    src, dst = tuple(x.type.get_shape()), tuple(out.get_shape())
    if src == dst:
        return [x]
    rank = len(dst)
    return [generic(lower, [x], [broadcast_map(src, dst), dims(rank)], lower.empty(out), [PARALLEL] * rank,
                    lambda b, a: a[0])]


def lower_flip(op, lower: Lower):
    """A copy reading x[..., n-1-i, ...] along each flipped dim (an affine map, one generic)."""
    from xdsl.ir.affine import AffineConstantExpr, AffineDimExpr

    from tsjit.lowering.contractions import PARALLEL, dims, generic
    x, out = lower.tensor(0), lower.result_type()
    shape = tuple(x.type.get_shape())
    rank = len(shape)
    wanted = list(lower.constant(1))
    if not rank or any(not -rank <= d < rank for d in wanted):
        raise NotLowerable("flip of a 0-d tensor or a dim out of range")
    flipped = {_wrap(d, rank) for d in wanted}
    if len(flipped) != len(wanted):
        raise NotLowerable("a dim appears twice (the kernel raises)")
    source = [AffineConstantExpr(shape[d] - 1) - AffineDimExpr(d) if d in flipped else AffineDimExpr(d)
              for d in range(rank)]
    return [generic(lower, [x], [source, dims(rank)], lower.empty(out), [PARALLEL] * rank, lambda b, a: a[0])]
