"""The forms a trace records that scripted code does not (`_convolution`, NumToTensor/Int pairs,
the dropout family with train=False, `new_*` factories, pads, index_put with a wrapped number),
converted for the graph importer; aten_overloads.py puts them in its table."""
from __future__ import annotations

from tsjit.dialects.ts.types import (
    BoolType, FloatType, IntType, ListType, StrType, TensorType,
)
from tsjit.frontend.importers.aten_operands import _FLOAT32, _SCALARS, _const, _is, _is_none, _list_len

def _convolution(b, node, args):
    """_convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups, ...)."""
    x, w, bias, stride, padding, dilation, transposed, output_padding, groups = args[:9]
    rank = w.type.rank if isinstance(w.type, TensorType) and w.type.sizes is not None else None
    n = rank - 2 if rank is not None else _list_len(stride)
    if n not in (1, 2):
        return None
    flag = _const(transposed)
    if flag is None:
        return None
    if flag:
        return b.schema_op(f"conv_transpose{n}d", [x, w, bias, stride, padding, output_padding, groups, dilation])
    return b.schema_op(f"conv{n}d", [x, w, bias, stride, padding, dilation, groups])


def _conv(n):
    """conv{n}d.padding(input, weight, bias, stride, str padding, dilation, groups): 'valid' or 'same'."""
    def convert(b, node, args):
        if len(args) != 7 or not _is(args[4], StrType):
            return b.schema_op(f"conv{n}d", args)
        mode, dilation = _const(args[4]), _const(args[5])
        w = args[1].type
        if mode == "valid":
            pads = [0] * n
        elif (mode == "same" and isinstance(w, TensorType) and w.has_static_shape and isinstance(dilation, list)
              and set(_const(args[3], [0])) == {1}):  # strided 'same' is an error (conv{n}d_padding raises it)
            ks, ds = w.sizes[2:], dilation * n if len(dilation) == 1 else dilation
            if any((d * (k - 1)) % 2 for d, k in zip(ds, ks)):
                return None  # asymmetric padding: not a ts.conv
            pads = [d * (k - 1) // 2 for d, k in zip(ds, ks)]
        else:
            return None
        padding = b.const(pads, ListType(IntType()))
        return b.schema_op(f"conv{n}d", [*args[:4], padding, *args[5:]])
    return convert


def _identity_unless_training(b, node, args):
    """dropout-like ops: the input when train is False; random otherwise (not reproducible: left generic)."""
    train = _const(args[2]) if len(args) > 2 else None
    if train is False:
        return [args[0]]
    if node.kind in ("aten::dropout", "aten::dropout_"):  # dropout_ assigns this into its input
        return b.schema_op("dropout", args)
    return None


def _new(factory):
    """new_zeros(self, size, dtype?, ...): dtype None means self's dtype."""
    def convert(b, node, args):
        n = 3 if factory == "full" else 2
        dtype = args[n] if len(args) > n and not _is_none(args[n]) else b.schema_op("dtype", [args[0]])[0]
        return b.schema_op(factory, [*args[1:n], dtype])
    return convert


def _scalar_tensor(b, node, args):
    dtype = args[1] if len(args) > 1 and not _is_none(args[1]) else b.const(_FLOAT32)
    return b.schema_op("full", [b.const([], ListType(IntType())), args[0], dtype])


def _tensor(b, node, args):
    """aten::tensor(number, dtype?, device?, requires_grad): a 0-d tensor (a Python float is float32)."""
    if not _is(args[0], *_SCALARS):
        return None
    dtype = args[1] if len(args) > 1 and not _is_none(args[1]) else None
    if dtype is None and _is(args[0], FloatType):
        dtype = b.const(_FLOAT32)
    value = b.schema_op("num_to_tensor", [args[0]])[0]
    return [value] if dtype is None else b.schema_op("to", [value, dtype])


def _pad_mode(mode):
    return lambda b, node, args: b.schema_op("pad", [args[0], args[1], b.const(mode), None])


def _constant_pad(b, node, args):
    return b.schema_op("pad", [args[0], args[1], b.const("constant"), args[2] if len(args) > 2 else None])


def _index_put_impl(b, node, args):
    """aten::_index_put_impl_(self, indices, values, accumulate, unsafe): index_put_ (unsafe only skips checks)."""
    return _index_put("index_put_")(b, node, args[:4])


def _index_put(name):
    """aten::index_put(_): a traced `x[i] = 1.0` passes its value as a 0-d tensor constant in self's
    dtype, which the trace reader unwraps to a Python number (torch_graph._wrapped_number): it is
    made a 0-d tensor of self's dtype again."""
    def convert(b, node, args):
        args = list(args)
        if len(args) > 2 and args[2] is not None and isinstance(args[2].type, IntType | FloatType | BoolType):
            args[2] = b.schema_op("type_as", [b.schema_op("num_to_tensor", [args[2]])[0], args[0]])[0]
        return b.schema_op(name, args)
    return convert

