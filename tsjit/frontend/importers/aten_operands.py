"""Reading an aten:: node's operands for the graph importer's converters (aten_overloads.py says
what a Converter is): type tests, constant values, and the base table's entry as a fallback."""
from __future__ import annotations

from xdsl.ir import Operation

from tsjit.dialects.ts.folding import NotConstant, constant_of
from tsjit.dialects.ts.types import (
    BoolType, FloatType, IntType, NoneType, NumberType,
)
from tsjit.frontend.importers.aten_ops import ATEN as _BASE

_SCALARS = (IntType, FloatType, BoolType, NumberType)
_FLOAT32 = 6  # ScalarType code of torch.float32, the default dtype


def _is(v, *classes) -> bool:
    return v is not None and isinstance(v.type, classes)


def _is_none(v) -> bool:
    return v is None or isinstance(v.type, NoneType)


def _const(v, default=None):
    try:
        return constant_of(v)
    except NotConstant:
        return default


def _list_len(v) -> int | None:
    """The length of an int[] operand built by prim::ListConstruct or a constant."""
    if isinstance(v.owner, Operation) and v.owner.name == "ts.list.construct":
        return len(v.owner.operands)
    value = _const(v)
    return len(value) if isinstance(value, list) else None


def _alias(name, keep=None):
    return lambda b, node, args: b.schema_op(name, args[:keep] if keep else args)


def _or_base(kind, convert):
    """Try `convert`; fall back to build's entry for the same kind (scalar/list overloads)."""
    base = _BASE.get(kind)

    def run(b, node, args):
        out = convert(b, node, args)
        if out is None and base is not None:
            return base(b, node, args)
        return out
    return run



def each_dim(b, name, x, dims: list[int], *rest) -> list | None:
    """`name` over several dims, one at a time: the last first for non-negative dims (the others
    keep their numbers), the first first for negative ones; None for a mix of both."""
    if all(d >= 0 for d in dims):
        order = sorted(set(dims), reverse=True)
    elif all(d < 0 for d in dims):
        order = sorted(set(dims))
    else:
        return None
    out = x
    for d in order:
        out = b.schema_op(name, [out, b.const(d), *rest])[0]
    return [out]
