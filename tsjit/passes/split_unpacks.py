"""Pieces of a split taken apart where the pieces are used: `a, b = x.chunk(2, 1)` (also `split`,
`split_with_sizes`, `unbind`, and `x.chunk(4)[i]` with a constant i) becomes one `ts.slice` (or
`ts.select`) per piece once the input's shape is static, so no tensor list reaches the lowering
and the pieces lower to C as views. A list that anything else uses (or may write) stays."""
from __future__ import annotations

from xdsl.dialects.func import FuncOp
from xdsl.ir import Operation, SSAValue
from xdsl.rewriter import Rewriter

from tsjit.dialects.ts.constant import ConstantOp
from tsjit.dialects.ts.types import TensorType

SPLITS = ("ts.chunk", "ts.split", "ts.split_with_sizes", "ts.unbind")


def _constant(v: SSAValue):
    return v.owner.py_value if isinstance(v.owner, ConstantOp) else None


def _bounds(split: Operation) -> tuple[int, list[tuple[int, int]]] | None:
    """The split's dim and each piece's [start, end) along it; None when not known statically."""
    x = split.operands[0]
    if not isinstance(x.type, TensorType) or not x.type.has_static_shape:
        return None
    sizes = x.type.sizes
    args = [_constant(v) for v in split.operands[1:]]
    dim = args[-1] if len(args) > 1 or split.name == "ts.unbind" else 0
    if not isinstance(dim, int) or not -len(sizes) <= dim < len(sizes):
        return None
    dim %= len(sizes)
    n = sizes[dim]
    if split.name == "ts.unbind":
        return dim, [(i, i + 1) for i in range(n)]
    if split.name == "ts.split_with_sizes":
        widths = args[0]
        if not isinstance(widths, list) or sum(widths) != n or any(w < 0 for w in widths):
            return None
    else:
        count = args[0]
        if not isinstance(count, int) or count <= 0 or n == 0:
            return None
        step = -(-n // count) if split.name == "ts.chunk" else count
        widths = [min(step, n - i) for i in range(0, n, step)]
    starts = [sum(widths[:i]) for i in range(len(widths))]
    return dim, [(s, s + w) for s, w in zip(starts, widths)]


def split_unpacks(func: FuncOp) -> None:
    from tsjit.passes.decompose import IRBuilder

    for split in [op for op in func.walk() if op.name in SPLITS]:
        pieces = split.results[0]
        users = [use.operation for use in pieces.uses]
        if not users or not all(u.name == "ts.list.unpack" or u.name == "ts.list.get" and _constant(u.operands[1])
                                is not None for u in users):
            continue
        found = _bounds(split)
        if found is None:
            continue
        dim, bounds = found
        for user in users:
            wanted = range(len(bounds)) if user.name == "ts.list.unpack" else [_constant(user.operands[1])]
            if user.name == "ts.list.unpack" and len(user.results) != len(bounds) or \
                    not all(-len(bounds) <= i < len(bounds) for i in wanted):
                continue
            builder = IRBuilder(user)
            if split.name == "ts.unbind":
                values = [builder.apply("select", [split.operands[0], dim, bounds[i][0]]) for i in wanted]
            else:
                values = [builder.apply("slice", [split.operands[0], dim, *bounds[i], 1]) for i in wanted]
            if any(v.type != r.type and isinstance(r.type, TensorType) and r.type.has_static_shape
                   for v, r in zip(values, user.results)):
                for created in reversed(builder.created):
                    Rewriter.erase_op(created, safe_erase=False)
                continue
            Rewriter.replace_op(user, [], values)
        if not pieces.uses:
            Rewriter.erase_op(split)
