"""ts-specialize's reading of a `ts.if` condition from the current types (`if h.dim() == 2` in a
loop body), before canonicalize could fold it: the value of a scalar from constants, tensor
metadata and the scalar ops' folders."""
from __future__ import annotations

from typing import Any

from xdsl.ir import Operation, SSAValue

from tsjit.dialects.ts.folding import NotConstant, constant_of
from tsjit.dialects.ts.scalar_ops import SCALAR_OPS
from tsjit.dialects.ts.types import DYNAMIC, TensorType


def known_condition(cond: SSAValue, depth: int = 6) -> bool | None:
    """The value of a ts.if condition when the current types decide it (None: not known).

    Canonicalize folds such conditions between propagation rounds, but inside a ts.loop that is
    too late: joining both branches' types (`h if h.dim() == 2 else h.unsqueeze(0)`) makes the
    carried value's rank unknown, and then `dim()` can never fold."""
    value = static_value(cond, depth)
    return value if isinstance(value, bool) else None


_NO_VALUE = object()


def static_value(value: SSAValue, depth: int) -> Any:
    """A scalar's compile-time value from constants, tensor metadata of the current types and the
    ops' folders (_NO_VALUE when unknown)."""
    try:
        return constant_of(value)
    except NotConstant:
        pass
    op = value.owner
    if depth <= 0 or not isinstance(op, Operation) or len(op.results) != 1:
        return _NO_VALUE
    if op.name in ("ts.dim", "ts.size_dim") and isinstance(t := op.operands[0].type, TensorType) \
            and t.sizes is not None:
        if op.name == "ts.dim":
            return len(t.sizes)
        d = static_value(op.operands[1], depth - 1)
        if isinstance(d, int) and -len(t.sizes) <= d < len(t.sizes) and t.sizes[d] != DYNAMIC:
            return t.sizes[d]
        return _NO_VALUE
    fold = getattr(op, "FOLD_FN", None)
    if fold is None or op.name[3:] not in SCALAR_OPS:
        return _NO_VALUE
    args = [static_value(v, depth - 1) for v in op.operands]
    if any(a is _NO_VALUE for a in args):
        return _NO_VALUE
    try:
        result = fold(op, *args)
    except (ArithmeticError, ValueError, TypeError):
        return _NO_VALUE
    return result if isinstance(result, bool | int | float) else _NO_VALUE
