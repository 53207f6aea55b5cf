"""The importer's node-kind table: `ATEN[kind](builder, node, args) -> values` (build.py merges
aten_overloads.EXTRA over it).

Printed graphs do not name overloads, so one kind may be a tensor op, a scalar op, a list op or a
string op: converters choose by the operand types, as TorchScript's overload resolution did.
Tensor ops map by position onto TENSOR_OPS schemas (build.GraphBuilder.schema_op); ATen arguments
tsjit has no operand for (layout, device, pin_memory, memory_format, sparse_grad, non_blocking)
are dropped, as tsjit tensors are dense, on the cpu, without autograd. A converter returning
None leaves the node to `ts.generic`.
"""
from __future__ import annotations

from xdsl.dialects.builtin import ArrayAttr, StringAttr

from tsjit.dialects.ts.folding import NotConstant, constant_of
from tsjit.dialects.ts.types import (
    BoolType,
    DeviceType,
    DictType,
    FloatType,
    IntType,
    ListType,
    NumberType,
    StrType,
    TensorType,
    is_subtype,
)
from tsjit.frontend.importers.torch_types import to_ts_type

_SCALARS = (IntType, FloatType, BoolType, NumberType)


def _is(v, *classes) -> bool:
    return v is not None and isinstance(v.type, classes)


_UNKNOWN = object()


def _const(v, default=_UNKNOWN):
    """The constant value of `v`, or `default` when it is not a ts.constant."""
    try:
        return constant_of(v)
    except NotConstant:
        return default


def _one(b, name, *args, type=None):
    return [b.value(name, *args, type=type if type is not None else b.output_type())]


def _returns_operand(b, node, value):
    """aten::append and friends return the list they changed."""
    return [value] if node.outputs else []


# -- prim:: ----------------------------------------------------------------------------------------

def _list_construct(b, node, args):
    return list(b.op("list.construct", args, [b.output_type()]).results)


def _results_typed(op_name):
    def convert(b, node, args):
        return list(b.op(op_name, args, [b.output_type(i) for i in range(len(node.outputs))]).results)

    return convert


def _raise(b, node, args):
    message, cls = args[0], args[1] if len(args) > 1 else None
    exception = _const(cls, None) if cls is not None else None
    if not isinstance(exception, str):
        text = _const(message, None)
        exception = "builtins.RuntimeError"
        if isinstance(text, str) and ": " in text and text.split(": ", 1)[0].isidentifier():
            name, rest = text.split(": ", 1)
            exception, message = f"builtins.{name}", b.const(rest)
    b.op("raise", [message], [], exception=StringAttr(exception))
    return []


def _isinstance(b, node, args):
    names = node.attributes.get("types") or []
    types = [to_ts_type(n) for n in (names if isinstance(names, list) else [names])]
    return list(b.op("isinstance", args, [BoolType()], types=ArrayAttr(types)).results)


def _get_attr(b, node, args):
    return list(b.op("get_attr", args, [b.output_type()], attr_name=StringAttr(node.attributes["name"])).results)


def _set_attr(b, node, args):
    b.op("set_attr", args, [], attr_name=StringAttr(node.attributes["name"]))
    return []


def _call(what):
    def convert(b, node, args):
        callee = node.attributes.get("name") or b.functions.get(node.inputs[0] if node.inputs else "", "?")
        return b.generic(args, reason=f"{what} '{callee}': the printed graph does not contain its body; import "
                                      "the inlined graph (scripted.inlined_graph) instead")

    return convert


def _implicit_to_num(b, node, args):
    t = b.output_type()
    name = {IntType: "to_int", FloatType: "to_float", BoolType: "to_bool"}.get(type(t), "item")
    return b.schema_op(name, args)


def _unchecked_cast(b, node, args):
    """A cast between unrelated types (None to int, left by inlining in a branch that cannot run)
    is TorchScript's no-op on a value never read: ts.uninitialized of the target type."""
    t = b.output_type()
    if is_subtype(t, args[0].type) or is_subtype(args[0].type, t):
        return _one(b, "unchecked_cast", args[0], type=t)
    return [b.uninitialized(t)]


def _uninitialized(b, node, args):
    return [b.uninitialized(b.output_type())]


# -- overloads chosen by operand types -----------------------------------------------------------

def _arith(tensor_op, scalar_op=None, list_op=None, str_op=None, tensor_binary=None):
    """aten::add and friends: tensor op, or scalar/list/str op by the first operand's type."""
    def convert(b, node, args):
        a = args[0] if args else None
        if _is(a, TensorType):
            if tensor_binary and len(args) == 2 and _is(args[1], TensorType):
                return b.schema_op(tensor_binary, args)
            return b.schema_op(tensor_op, args)
        if scalar_op and len(args) in (1, 2) and all(_is(x, *_SCALARS) for x in args):
            return _one(b, scalar_op, *args)
        if list_op and _is(a, ListType):
            return _one(b, list_op, *args)
        if str_op and _is(a, StrType):
            return _one(b, str_op, *args)
        return None

    return convert


def _extremum(name):
    """aten::max(t) / max(t, dim, keepdim) / max(t, other) / max(int, int) (also prim::max)."""
    def convert(b, node, args):
        if _is(args[0], TensorType):
            if len(args) == 1:
                return b.schema_op(name, args)
            if len(args) == 2 and _is(args[1], TensorType):
                return b.schema_op("maximum" if name == "max" else "minimum", args)
            return b.schema_op(f"{name}_dim", args)
        if len(args) == 2 and all(_is(x, *_SCALARS) for x in args):
            return _one(b, f"scalar.{name}", *args)
        return None

    return convert


def _unary_math(name, scalar_op=None):
    """aten::sqrt(Tensor) is ts.sqrt, aten::sqrt(float) is math.sqrt."""
    def convert(b, node, args):
        if _is(args[0], TensorType):
            return b.schema_op(name, args)
        if len(args) == 1 and _is(args[0], *_SCALARS):
            return _one(b, scalar_op or f"math.{name}", args[0])
        return None

    return convert


def _to_number(tensor_op, scalar_op):
    """aten::Int / Float / Bool: of a tensor, or a scalar conversion."""
    def convert(b, node, args):
        if _is(args[0], TensorType):
            return b.schema_op(tensor_op, args)
        if _is(args[0], *_SCALARS):
            return _one(b, scalar_op, args[0])
        return None

    return convert


def _size(b, node, args):
    if _is(args[0], TensorType):
        return b.schema_op("size" if len(args) == 1 else "size_dim", args)
    return None


def _keep(name, n):
    """The first n ATen arguments are the ts op's; the rest are layout/device/... (dropped)."""
    return lambda b, node, args: b.schema_op(name, args[:n])


def _reduce_with_dtype(name):
    """aten::sum(self, dtype) is sum(self, dim=None, keepdim=False, dtype)."""
    def convert(b, node, args):
        if len(args) == 2:
            args = [args[0], None, b.const(False), args[1]]
        return b.schema_op(name, args)

    return convert


def _var_std(name):
    """var(self, unbiased) / var(self, dim, unbiased, keepdim) / var(self, dim, correction, keepdim)."""
    def convert(b, node, args):
        if len(args) == 1:
            args = [args[0], None, b.const(1), b.const(False)]
        elif len(args) == 2 and _is(args[1], BoolType):
            args = [args[0], None, b.value("scalar.int", args[1], type=IntType()), b.const(False)]
        elif len(args) == 4 and _is(args[2], BoolType):
            args = [args[0], args[1], b.value("scalar.int", args[2], type=IntType()), args[3]]
        return b.schema_op(name, args)

    return convert


def _arange(b, node, args):
    """arange(end, dtype, ...5) / arange(start, end, dtype, ...6) / arange(start, end, step, dtype, ...7)."""
    n = len(args)
    start, step = b.const(0), b.const(1)
    if n == 5:
        return b.schema_op("arange", [start, args[0], step, args[1]])
    if n == 6:
        return b.schema_op("arange", [args[0], args[1], step, args[2]])
    if n == 7:
        return b.schema_op("arange", args[:4])
    return None


def _to(b, node, args):
    """to(self, dtype, ...) / to(self, device, dtype, ...) / to(self, other, ...)."""
    self, target = args[0], args[1] if len(args) > 1 else None
    if _is(target, TensorType):
        return b.schema_op("type_as", [self, target])
    if _is(target, DeviceType):
        return b.schema_op("to", [self, args[2] if len(args) > 2 else None])
    return b.schema_op("to", [self, target])


def _slice(b, node, args):
    if _is(args[0], TensorType):
        return b.schema_op("slice", args)
    if _is(args[0], ListType):
        return _one(b, "list.slice", *args)
    return None


def _getitem(b, node, args):
    op = {ListType: "list.get", DictType: "dict.get", StrType: "str.getitem"}.get(type(args[0].type))
    return _one(b, op, *args) if op else None


def _set_item(b, node, args):
    op = {ListType: "list.set", DictType: "dict.set"}.get(type(args[0].type))
    if op is None:
        return None
    b.op(op, args, [])
    return _returns_operand(b, node, args[0])


def _mutate(op_name, keep=None):
    """aten::append / extend / insert / clear / reverse: a list op without results."""
    def convert(b, node, args):
        if not _is(args[0], ListType):
            return None
        b.op(op_name, args[:keep] if keep else args, [])
        return _returns_operand(b, node, args[0])

    return convert


def _sort(b, node, args):
    if not _is(args[0], ListType) or (len(args) > 1 and _const(args[1], None) is not False):
        return None
    b.op("list.sort", args[:1], [])
    return _returns_operand(b, node, args[0])


def _pop(b, node, args):
    op = {ListType: "list.pop", DictType: "dict.pop"}.get(type(args[0].type))
    return _one(b, op, *args) if op and len(args) == 2 else None


def _get(b, node, args):
    return _one(b, "dict.get_default", *args) if len(args) == 3 else None


def _str_method(name, n, *defaults):
    """aten::startswith(self, prefix, start=0, end=-1): the ts op when the extra arguments are defaults."""
    def convert(b, node, args):
        if not _is(args[0], StrType) or [_const(a) for a in args[n:]] != list(defaults)[:len(args) - n]:
            return None
        return _one(b, f"str.{name}", *args[:n])

    return convert


def _range_length(b, node, args):
    """len(range(lo, hi, step)) = max(0, ceil((hi - lo) / step)) = max(0, -((lo - hi) // step))."""
    lo, hi, step = args
    diff = b.value("scalar.sub", lo, hi, type=IntType())
    q = b.value("scalar.floordiv", diff, step, type=IntType())
    return [b.value("scalar.max", b.const(0), b.value("scalar.neg", q, type=IntType()), type=IntType())]


def _derive_index(b, node, args):
    """The loop variable of `for i in range(start, _, step)` at iteration n: start + n * step."""
    n, start, step = args
    return [b.value("scalar.add", start, b.value("scalar.mul", n, step, type=IntType()), type=IntType())]


def _tensor_or_scalar(tensor_op, scalar_op):
    def convert(b, node, args):
        if _is(args[0], TensorType):
            return b.schema_op(tensor_op, args)
        return _one(b, scalar_op, *args) if all(_is(a, BoolType) for a in args) else None

    return convert


_LIKE = ("zeros_like", "ones_like", "empty_like", "rand_like", "randn_like")

ATEN: dict = {
    # prim:: structure
    "prim::Constant": lambda b, node, args: b.constant(node),
    "prim::If": lambda b, node, args: b.build_if(node, args),
    "prim::Loop": lambda b, node, args: b.build_loop(node, args),
    "prim::ListConstruct": _list_construct,
    "prim::ListUnpack": _results_typed("list.unpack"),
    "prim::TupleConstruct": _results_typed("tuple.construct"),
    "prim::TupleUnpack": _results_typed("tuple.unpack"),
    "prim::TupleIndex": _results_typed("tuple.index"),
    "prim::DictConstruct": _results_typed("dict.construct"),
    "aten::dict": _results_typed("dict.construct"),
    "prim::RaiseException": _raise,
    "prim::Uninitialized": _uninitialized,
    "prim::unchecked_cast": _unchecked_cast,
    "prim::isinstance": _isinstance,
    "prim::GetAttr": _get_attr,
    "prim::SetAttr": _set_attr,
    "prim::CallMethod": _call("calls method"),
    "prim::CallFunction": _call("calls function"),
    "prim::Print": lambda b, node, args: (b.op("print", args, []), [])[1],
    "aten::warn": lambda b, node, args: (b.op("warn", args[:1], []), [])[1],
    "prim::NumToTensor": lambda b, node, args: b.schema_op("num_to_tensor", args),
    "prim::ImplicitTensorToNum": _implicit_to_num,
    "aten::ScalarImplicit": lambda b, node, args: b.schema_op("scalar_implicit", args),
    "aten::IntImplicit": lambda b, node, args: b.schema_op("int_implicit", args),
    "aten::FloatImplicit": lambda b, node, args: b.schema_op("float_implicit", args),
    "aten::Int": _to_number("to_int", "scalar.int"),
    "aten::Float": _to_number("to_float", "scalar.float"),
    "aten::Bool": _to_number("to_bool", "scalar.bool"),
    "prim::device": lambda b, node, args: b.schema_op("device", args),
    "prim::dtype": lambda b, node, args: b.schema_op("dtype", args),
    "prim::shape": lambda b, node, args: b.schema_op("size", args),
    "prim::max": _extremum("max"),
    "prim::min": _extremum("min"),
    # overloaded by operand types
    "aten::add": _arith("add", "scalar.add", "list.concat", "str.concat"),
    "aten::sub": _arith("sub", "scalar.sub"),
    "aten::mul": _arith("mul", "scalar.mul"),
    "aten::div": _arith("div", "scalar.div"),
    "aten::floordiv": _arith("floor_divide", "scalar.floordiv"),
    "aten::floor_divide": _arith("floor_divide", "scalar.floordiv"),
    "aten::remainder": _arith("remainder", "scalar.mod"),
    "aten::pow": _arith("pow", "scalar.pow"),
    "aten::neg": _arith("neg", "scalar.neg"),
    "aten::abs": _arith("abs", "scalar.abs"),
    "aten::eq": _arith("eq", "scalar.eq", list_op="value.eq", str_op="str.eq"),
    "aten::ne": _arith("ne", "scalar.ne", list_op="value.ne", str_op="str.ne"),
    **{f"aten::{c}": _arith(c, f"scalar.{c}") for c in ("lt", "le", "gt", "ge")},
    "aten::max": _extremum("max"),
    "aten::min": _extremum("min"),
    "aten::__and__": _tensor_or_scalar("bitwise_and", "scalar.and"),
    "aten::__or__": _tensor_or_scalar("bitwise_or", "scalar.or"),
    "aten::__not__": lambda b, node, args: _one(b, "scalar.not", *args),
    "aten::__is__": lambda b, node, args: _one(b, "is", *args, type=BoolType()),
    "aten::__isnot__": lambda b, node, args: _one(b, "isnot", *args, type=BoolType()),
    **{f"aten::{m}": _unary_math(m) for m in ("sqrt", "exp", "log", "sin", "cos", "tanh", "floor", "ceil")},
    "aten::log10": _unary_math("log10"),
    "aten::isnan": _unary_math("isnan"),
    "aten::round": _unary_math("round", "scalar.round"),
    "aten::size": _size,
    "aten::len": lambda b, node, args: _one(b, "len", *args, type=IntType()),
    "aten::__range_length": _range_length,
    "aten::__derive_index": _derive_index,
    # containers and strings
    "aten::__getitem__": _getitem,
    "aten::_set_item": _set_item,
    "aten::append": _mutate("list.append"),
    "aten::extend": _mutate("list.extend"),
    "aten::insert": _mutate("list.insert"),
    "aten::clear": _mutate("list.clear"),
    "aten::reverse": _mutate("list.reverse"),
    "aten::sort": _sort,
    "aten::pop": _pop,
    "aten::get": _get,
    "aten::Delete": lambda b, node, args: (b.op("dict.delete", args, []), [])[1],
    "aten::list": lambda b, node, args: _one(b, "list.copy", *args) if _is(args[0], ListType) else None,
    "aten::keys": lambda b, node, args: _one(b, "dict.keys", *args),
    "aten::values": lambda b, node, args: _one(b, "dict.values", *args),
    "aten::items": lambda b, node, args: _one(b, "dict.items", *args),
    "aten::__contains__": lambda b, node, args: _one(b, "contains", *args, type=BoolType()),
    "aten::format": lambda b, node, args: _one(b, "str.format", *args, type=StrType()),
    "aten::str": lambda b, node, args: _one(b, "str.of", *args, type=StrType()),
    "aten::lower": _str_method("lower", 1),
    "aten::upper": _str_method("upper", 1),
    "aten::strip": _str_method("strip", 1, " \n\t\f\v"),
    "aten::startswith": _str_method("startswith", 2, 0, -1),
    "aten::endswith": _str_method("endswith", 2, 0, -1),
    "aten::find": _str_method("find", 2, 0, -1),
    "aten::replace": _str_method("replace", 3, -1),
    "aten::split": lambda b, node, args: (_str_method("split", 2, -1)(b, node, args) if _is(args[0], StrType)
                                          else b.schema_op("split", args)),
    "aten::join": _str_method("join", 2),
    # tensor ops whose ATen overloads differ from the ts schema
    "aten::slice": _slice,
    "aten::to": _to,
    "aten::arange": _arange,
    "aten::sum": _reduce_with_dtype("sum"),
    "aten::mean": _reduce_with_dtype("mean"),
    "aten::prod": lambda b, node, args: b.schema_op("prod", [args[0], None, b.const(False), args[1]]
                                                    if len(args) == 2 else args),
    "aten::var": _var_std("var"),
    "aten::std": _var_std("std"),
    "aten::any": lambda b, node, args: b.schema_op("any", args if len(args) > 1 else [args[0], None, b.const(False)]),
    "aten::all": lambda b, node, args: b.schema_op("all", args if len(args) > 1 else [args[0], None, b.const(False)]),
    "aten::norm": lambda b, node, args: b.schema_op("norm", args if len(args) != 2 else [*args, None, b.const(False)]),
    "aten::squeeze": lambda b, node, args: b.schema_op("squeeze", args),
    "aten::copy_": _keep("copy_", 2),
    "aten::contiguous": _keep("contiguous", 1),
    "aten::clone": _keep("clone", 1),
    "aten::gather": _keep("gather", 3),
    "aten::embedding": _keep("embedding", 3),
    "aten::eye": lambda b, node, args: b.schema_op("eye", args[:2]) if len(args) == 5 else None,
    "aten::linspace": _keep("linspace", 4),
    "aten::tril_indices": _keep("tril_indices", 4),
    "aten::triu_indices": _keep("triu_indices", 4),
    "aten::full": _keep("full", 3),
    "aten::full_like": _keep("full_like", 3),
    **{f"aten::{n}": _keep(n, 2) for n in ("zeros", "ones", "empty", "rand", "randn", *_LIKE)},
}
