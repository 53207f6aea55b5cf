"""The argument forms of tsjit/ops/aten_internals.py (conv padding strings, round decimals, narrow
with a tensor start, where of two scalars, arange into out, tensor literals, any/all over dims),
converted for the graph importer; aten_overloads.py puts them in its table."""
from __future__ import annotations

from xdsl.ir import Operation

from tsjit.dialects.ts.types import (
    FloatType, IntType, ListType, NumberType, StrType, TensorType,
)
from tsjit.frontend.importers.aten_operand_forms import _reduce_all, _where
from tsjit.frontend.importers.aten_operands import (
    _BASE, _FLOAT32, _SCALARS, _const, _is, _is_none, _or_base, each_dim,
)
from tsjit.frontend.importers.aten_traced_forms import _conv, _tensor

_MISSING = object()
#: any/all's other overloads (aten_operand_forms' reductions), which any.dims/all.dims defer to
_PREVIOUS = {n: _or_base(f"aten::{n}", _reduce_all(n)) for n in ("any", "all")}

def _conv_or_padding(n):
    """conv{n}d.padding: the static 'same'/'valid' conversion, else ts.conv{n}d_padding."""
    static = _conv(n)

    def convert(b, node, args):
        out = static(b, node, args)
        if out is None and len(args) == 7 and _is(args[4], StrType):
            return b.schema_op(f"conv{n}d_padding", args)
        return out
    return convert


def _round(b, node, args):
    """round.decimals(self, *, int decimals)."""
    if len(args) == 2 and _is(args[0], TensorType):
        return b.schema_op("round_decimals", args)
    return _BASE["aten::round"](b, node, args)


def _narrow(b, node, args):
    """narrow.Tensor(self, dim, Tensor start, length): the start as an int."""
    if len(args) == 4 and _is(args[2], TensorType):
        args = [args[0], args[1], b.schema_op("to_int", [args[2]])[0], args[3]]
    return b.schema_op("narrow", args)


def _where_scalars(b, node, args):
    """where.Scalar(cond, Scalar, Scalar): a tensor of the scalars' promoted dtype (an int and a float
    give the default float) filled by masked_fill, then where."""
    if len(args) == 3 and _is(args[1], *_SCALARS) and _is(args[2], *_SCALARS):
        kinds = {type(a.type) for a in args[1:]}
        code = _FLOAT32 if FloatType in kinds or NumberType in kinds else 4 if IntType in kinds else 11
        base = b.schema_op("to", [args[0], b.const(code)])[0]
        filled = b.schema_op("masked_fill", [base, args[0], args[1]])[0]
        return b.schema_op("where", [args[0], filled, args[2]])
    return _where(b, node, args)


def _arange_out(b, node, args):
    """arange.out(end, *, out) / arange.start_out(start, end, step, *, out): arange of out's dtype
    written into out."""
    if len(args) in (2, 4) and _is(args[-1], TensorType):
        out = args[-1]
        bounds = [b.const(0), args[0], b.const(1)] if len(args) == 2 else args[:3]
        values = b.schema_op("arange", [*bounds, b.schema_op("dtype", [out])[0]])
        return b.schema_op("assign_", [out, values[0]]) if values else None
    return _BASE["aten::arange"](b, node, args)


def _list_value(v):
    """The Python value of a (nested) list operand built of constants, else _MISSING."""
    value = _const(v, _MISSING)
    if value is not _MISSING or not isinstance(v.owner, Operation) or v.owner.name != "ts.list.construct":
        return value
    items = [_list_value(item) for item in v.owner.operands]
    return _MISSING if any(item is _MISSING for item in items) else items


def _tensor_literal(b, node, args):
    """aten::tensor(data, dtype?, device?, requires_grad): a number (build's aten::tensor), or a
    (nested) list: a constant one becomes a constant tensor of torch.tensor's dtype, a flat list
    built of numbers a stack of 0-d tensors of that dtype."""
    if not _is(args[0], ListType):
        return _tensor(b, node, args)
    dtype = _const(args[1]) if len(args) > 1 and not _is_none(args[1]) else None
    if dtype is None and len(args) > 1 and not _is_none(args[1]):
        return None
    data = _list_value(args[0])
    if data is not _MISSING:
        from tsjit.eager.factories import _infer_array
        from tsjit.kernels.promotion import dtype_of

        array = _infer_array(data)
        return [b.const(array if dtype is None else array.astype(dtype_of(dtype)))]
    owner = args[0].owner
    if owner is None or owner.name != "ts.list.construct" or not all(_is(v, *_SCALARS) for v in owner.operands):
        return None
    kinds = {type(v.type) for v in owner.operands}
    code = dtype if dtype is not None else _FLOAT32 if FloatType in kinds or NumberType in kinds else \
        4 if IntType in kinds else 11
    items = [b.schema_op("to", [b.schema_op("num_to_tensor", [v])[0], b.const(code)])[0] for v in owner.operands]
    listed = b.op("list.construct", items, [ListType(TensorType())]).results[0]
    return b.schema_op("stack", [listed, b.const(0)])


def _any_all_dims(name):
    """any.dims / all.dims(self, int[]? dim, keepdim): one dim at a time, wrapped by the input's rank
    when it is known (else all negative or all non-negative dims)."""
    def convert(b, node, args):
        if not (_is(args[0], TensorType) and len(args) == 3 and _is(args[1], ListType)):
            return _PREVIOUS[name](b, node, args)
        dims, keepdim = _list_value(args[1]), _const(args[2])
        if not isinstance(dims, list) or not dims or not isinstance(keepdim, bool):
            return None
        t = args[0].type
        rank = len(t.sizes) if getattr(t, "sizes", None) is not None else None
        if rank is not None:
            dims = [d + rank if d < 0 else d for d in dims]
        return each_dim(b, name, args[0], dims, args[2])
    return convert

