"""Pieces of a split taken apart where the pieces are used: `a, b = x.chunk(2, 1)` (also `split`,
`split_with_sizes`, `unbind`, `tensor_split` and `hsplit`/`vsplit`/`dsplit`, `meshgrid`, and
`x.chunk(4)[i]` with a constant i) becomes one `ts.slice` (`ts.select`; for meshgrid a reshape and
an expand) per piece once the input's shape is static, so no tensor list reaches the lowering and
the pieces lower to C as views. A list the function returns becomes a list construct of the pieces
(which ts-flatten-results turns into several results). A list that anything else uses (or may
write) stays."""
from __future__ import annotations

from xdsl.dialects.func import FuncOp
from xdsl.ir import Operation, SSAValue
from xdsl.rewriter import Rewriter

from tsjit.dialects.ts import OPS_BY_NAME
from tsjit.dialects.ts.constant import ConstantOp
from tsjit.dialects.ts.types import ListType, TensorType

SPLITS = ("ts.chunk", "ts.split", "ts.split_with_sizes", "ts.unbind", "ts.tensor_split", "ts.tensor_split_indices",
          "ts.hsplit", "ts.hsplit_indices", "ts.vsplit", "ts.vsplit_indices", "ts.dsplit", "ts.dsplit_indices",
          "ts.meshgrid")
#: hsplit/vsplit/dsplit: (the dim split for a rank, the least rank)
_NAMED = {"hsplit": (lambda rank: 1 if rank > 1 else 0, 1), "vsplit": (lambda rank: 0, 2),
          "dsplit": (lambda rank: 2, 3)}


def _constant(v: SSAValue):
    return v.owner.py_value if isinstance(v.owner, ConstantOp) else None


def _static(v: SSAValue) -> bool:
    return isinstance(v.type, TensorType) and v.type.has_static_shape


def _widths(split: Operation, args: list, n: int) -> list[int] | None:
    """The widths of chunk/split/split_with_sizes pieces of a dim of size n."""
    if split.name == "ts.split_with_sizes":
        widths = args[0]
        if not isinstance(widths, list) or sum(widths) != n or any(w < 0 for w in widths):
            return None
        return widths
    count = args[0]
    if not isinstance(count, int) or count <= 0 or n == 0:
        return None
    step = -(-n // count) if split.name == "ts.chunk" else count
    return [min(step, n - i) for i in range(0, n, step)]


def _tensor_split_bounds(split: Operation, args: list, sizes) -> tuple[int, list[int]] | None:
    """The dim and the split points of tensor_split and hsplit/vsplit/dsplit (their kernels' rules)."""
    from tsjit.ops.order_statistics import clip_bounds, section_bounds

    name = split.name.removeprefix("ts.").removesuffix("_indices")
    if name in _NAMED:
        dim_of, least = _NAMED[name]
        if len(sizes) < least:
            return None
        dim, how = dim_of(len(sizes)), args[0]
    else:
        dim, how = args[1], args[0]
        if not isinstance(dim, int) or not sizes or not -len(sizes) <= dim < len(sizes):
            return None
        dim %= len(sizes)
    n = sizes[dim]
    if split.name.endswith("_indices") or isinstance(how, list):
        return (dim, clip_bounds(n, how)) if isinstance(how, list) and all(isinstance(i, int) for i in how) else None
    if not isinstance(how, int) or how <= 0 or name in _NAMED and n % how:
        return None
    return dim, section_bounds(n, how)


def _bounds(split: Operation) -> tuple[int, list[tuple[int, int]]] | None:
    """The split's dim and each piece's [start, end) along it; None when not known statically."""
    x = split.operands[0]
    if not _static(x):
        return None
    sizes = x.type.sizes
    args = [_constant(v) for v in split.operands[1:]]
    if split.name in ("ts.chunk", "ts.split", "ts.split_with_sizes", "ts.unbind"):
        dim = args[-1] if len(args) > 1 or split.name == "ts.unbind" else 0
        if not isinstance(dim, int) or not -len(sizes) <= dim < len(sizes):
            return None
        dim %= len(sizes)
        if split.name == "ts.unbind":
            return dim, [(i, i + 1) for i in range(sizes[dim])]
        widths = _widths(split, args, sizes[dim])
        if widths is None:
            return None
        starts = [sum(widths[:i]) for i in range(len(widths))]
        return dim, [(s, s + w) for s, w in zip(starts, widths)]
    found = _tensor_split_bounds(split, args, sizes)
    if found is None:
        return None
    dim, points = found
    return dim, [(lo, max(lo, hi)) for lo, hi in zip([0, *points], [*points, sizes[dim]])]


def _meshgrid(split: Operation) -> list | None:
    """meshgrid's inputs, each 0-d or 1-d of one dtype and static, with the grid dim each lies
    along and the grid's sizes; None otherwise."""
    owner = split.operands[0].owner
    indexing = _constant(split.operands[1])
    if getattr(owner, "name", None) != "ts.list.construct" or indexing not in ("ij", "xy") or not owner.operands:
        return None
    items = list(owner.operands)
    if not all(_static(t) and len(t.type.sizes) <= 1 for t in items) or \
            len({t.type.element_type for t in items}) != 1:
        return None
    along = list(range(len(items)))
    if indexing == "xy" and len(items) > 1:
        along[0], along[1] = 1, 0
    grid = [0] * len(items)
    for t, d in zip(items, along):
        grid[d] = t.type.sizes[0] if t.type.sizes else 1
    return [items, along, grid]


def _pieces(builder, split: Operation, found, wanted) -> list[SSAValue]:
    if split.name == "ts.meshgrid":
        items, along, grid = found
        values = []
        for i in wanted:
            unit = [1] * len(grid)
            unit[along[i]] = grid[along[i]]
            values.append(builder.apply("expand", [builder.apply("reshape", [items[i], unit]), grid, False]))
        return values
    dim, bounds = found
    if split.name == "ts.unbind":
        return [builder.apply("select", [split.operands[0], dim, bounds[i][0]]) for i in wanted]
    return [builder.apply("slice", [split.operands[0], dim, *bounds[i], 1]) for i in wanted]


def _count(split: Operation, found) -> int:
    return len(found[0]) if split.name == "ts.meshgrid" else len(found[1])


def split_unpacks(func: FuncOp) -> None:
    from tsjit.passes.decompose import IRBuilder

    for split in [op for op in func.walk() if op.name in SPLITS]:
        pieces = split.results[0]
        users = [use.operation for use in pieces.uses]
        if not users or not all(u.name == "ts.list.unpack" or u.name == "ts.list.get" and _constant(u.operands[1])
                                is not None or u.name == "func.return" for u in users):
            continue
        found = _meshgrid(split) if split.name == "ts.meshgrid" else _bounds(split)
        if found is None:
            continue
        count = _count(split, found)
        for user in users:
            if user.name == "func.return":
                _return_pieces(split, found, user, count)
                continue
            wanted = range(count) if user.name == "ts.list.unpack" else [_constant(user.operands[1])]
            if user.name == "ts.list.unpack" and len(user.results) != count or \
                    not all(-count <= i < count for i in wanted):
                continue
            builder = IRBuilder(user)
            values = _pieces(builder, split, found, wanted)
            if any(v.type != r.type and isinstance(r.type, TensorType) and r.type.has_static_shape
                   for v, r in zip(values, user.results)):
                for created in reversed(builder.created):
                    Rewriter.erase_op(created, safe_erase=False)
                continue
            Rewriter.replace_op(user, [], values)
        if not pieces.uses:
            Rewriter.erase_op(split)


def _return_pieces(split: Operation, found, ret: Operation, count: int) -> None:
    """`return x.tensor_split(3)`: the return takes a list construct of the pieces."""
    from tsjit.passes.decompose import IRBuilder

    builder = IRBuilder(ret)
    values = _pieces(builder, split, found, range(count))
    element = values[0].type if len({v.type for v in values}) == 1 else TensorType()
    construct = builder._insert(OPS_BY_NAME["ts.list.construct"].create(operands=values,
                                                                        result_types=[ListType(element)]))
    for i, v in enumerate(ret.operands):
        if v is split.results[0]:
            ret.operands[i] = construct.results[0]
