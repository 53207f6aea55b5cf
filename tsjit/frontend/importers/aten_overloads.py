"""More aten:: kinds for the graph importer, merged into build.py's `ATEN` table at import time.

A Converter builds the ts op(s) of one graph node:

    def convert(b: GraphBuilder, node: Node, args: list[SSAValue]) -> Sequence[SSAValue]

- `b` is build.GraphBuilder, an IRBuilder (tsjit/frontend/script/ir_builder.py: `b.op(name,
  operands)`, `b.value(name, *operands)`, `b.const(v)`, `b.none()`) whose location is already set
  to the node's; `b.schema_op(ts_name, args)` emits a TENSOR_OPS op with the operands adapted to
  its schema (int -> float, missing optional -> none).
- `node` is the graph_model.Node (kind, attributes, output types as TorchScript strings).
- `args` are the node's operands, in order, as SSA values.
- It returns one SSA value per node output (build.py checks the count and maps outputs by
  position); returning None means "not handled here", and the node becomes ts.generic.

Keys are node kinds, either plain (`aten::gelu`) or with an overload (`aten::add.Tensor`), as the
printed graph gives them (plain). An entry here replaces build.py's entry of the same kind.

This table (filled by the live-PyTorch importer, from_torch.py) adds: aliases (`absolute`,
`true_divide`, `concat`, ...), overloads the positional mapping cannot tell apart (div with a
rounding mode, clamp with tensor bounds, split with sizes, sort of a tensor, to(device?, dtype?)),
traced forms (`_convolution`, NumToTensor/Int pairs, the dropout family with train=False), and
every `aten::<op>_` without a ts op of its own, as `ts.<op>` followed by `ts.assign_`.
"""
from __future__ import annotations

from xdsl.ir import Operation

from tsjit.dialects.ts.folding import NotConstant, constant_of
from tsjit.ops import REGISTRY as TENSOR_OPS
from tsjit.dialects.ts.types import (
    BoolType, DeviceType, FloatType, IntType, ListType, NoneType, NumberType, OptionalType, StrType, TensorType,
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


# -- overloads ------------------------------------------------------------------------------------

def _div(b, node, args):
    if _is(args[0], TensorType) and len(args) == 3:
        return b.schema_op("div_mode", args)
    return None


def _clamp(b, node, args):
    """clamp(self, min?, max?): Scalar bounds are ts.clamp, Tensor bounds ts.clamp_tensor."""
    if not _is(args[0], TensorType):
        return None
    lo, hi = ([*args[1:3], None, None])[:2]
    lo, hi = (b.none() if v is None else v for v in (lo, hi))
    return b.schema_op("clamp_tensor" if _is(lo, TensorType) or _is(hi, TensorType) else "clamp", [args[0], lo, hi])


def _clamp_side(side):
    def convert(b, node, args):
        bounds = [args[1], b.none()] if side == "min" else [b.none(), args[1]]
        return b.schema_op("clamp_tensor" if _is(args[1], TensorType) else "clamp", [args[0], *bounds])
    return convert


def _split(b, node, args):
    if _is(args[0], TensorType) and _is(args[1], ListType):
        return b.schema_op("split_with_sizes", args)
    return None


def _sort(b, node, args):
    """sort(self, dim, descending) / sort.stable(self, stable?, dim, descending); argsort alike."""
    if not _is(args[0], TensorType):
        return None
    if len(args) == 4:  # the `stable` flag: tsjit's sort is always stable
        args = [args[0], args[2], args[3]]
    return b.schema_op(node.kind.split("::")[1].split(".")[0], args)


def _to(b, node, args):
    """to.prim_Device(self, Device?, int? dtype, non_blocking, copy) and to.prim_other(self, non_blocking, copy)."""
    if len(args) == 5 and (_is_none(args[1]) or _is(args[1], DeviceType, OptionalType)) and \
            (_is_none(args[2]) or _is(args[2], IntType)):
        return b.schema_op("to", [args[0], args[2]])
    if len(args) == 3 and _is(args[1], BoolType):
        return b.schema_op("to", [args[0], None])
    return None


def _count_nonzero(b, node, args):
    if len(args) == 2 and _is(args[1], IntType):
        args = [args[0], b.op("list.construct", [args[1]], [ListType(IntType())]).results[0]]
    return b.schema_op("count_nonzero", args)


def _median(b, node, args):
    return b.schema_op("median" if len(args) == 1 else "median_dim", args)


def _moments_mean(name):
    """var_mean/std_mean overloads, as build's var/std: (self, unbiased) / (self, dim, unbiased, keepdim) /
    (self, dim, correction, keepdim)."""
    def convert(b, node, args):
        if len(args) == 1:
            args = [args[0], b.none(), b.const(1), b.const(False)]
        elif len(args) == 2 and _is(args[1], BoolType):
            args = [args[0], b.none(), b.value("scalar.int", args[1], type=IntType()), b.const(False)]
        elif len(args) == 4 and _is(args[2], BoolType):
            args = [args[0], args[1], b.value("scalar.int", args[2], type=IntType()), args[3]]
        return b.schema_op(name, args)
    return convert


def _reduce_all(name):
    """sum(self, dtype) / prod(self, dtype): every dim; any(self) / all(self); norm(self, p)."""
    def convert(b, node, args):
        if not _is(args[0], TensorType):
            return None
        if name in ("sum", "mean", "prod") and len(args) == 2:
            args = [args[0], b.none(), b.const(False), args[1]]
        elif name in ("any", "all") and len(args) == 1:
            args = [args[0], b.none(), b.const(False)]
        elif name in ("any", "all") and len(args) == 3 and _is(args[1], ListType):  # any.dims
            return _each_dim(b, name, args)
        elif name == "norm" and len(args) == 2:
            args = [*args, b.none(), b.const(False)]
        elif name == "norm" and len(args) == 5:  # norm.ScalarOpt_dim_dtype: the dtype cast first
            args = [b.schema_op("to", [args[0], args[4]])[0], *args[1:4]]
        return b.schema_op(name, args)
    return convert


def _each_dim(b, name, args):
    """any/all over a constant list of dims, one dim at a time (the last first when not keepdim)."""
    dims, keepdim = _const(args[1]), _const(args[2])
    if not isinstance(dims, list) or not isinstance(keepdim, bool) or not all(d >= 0 for d in dims):
        return None
    out = args[0]
    for d in sorted(dims, reverse=True):
        out = b.schema_op(name, [out, b.const(d), args[2]])[0]
    return [out]


def _tensor_only(name):
    """A tensor op whose aten:: kind also names an int op (`__lshift__.int`), which stays unmapped."""
    return lambda b, node, args: b.schema_op(name, args) if _is(args[0], TensorType) else None


def _by_ord_kind(name):
    """linalg_norm / linalg_matrix_norm: a str ord (fro, nuc) is the `<name>_str` op."""
    def convert(b, node, args):
        str_ord = len(args) > 1 and _is(args[1], StrType)
        return b.schema_op(f"{name}_str" if str_ord else name, args)
    return convert


def _movedim(b, node, args):
    if _is(args[1], IntType):
        args = [args[0], *(b.op("list.construct", [a], [ListType(IntType())]).results[0] for a in args[1:])]
    return b.schema_op("movedim", args)


def _squeeze(b, node, args):
    """squeeze.dims(self, int[] dims): one squeeze per dim, the last dim first."""
    if len(args) == 2 and _is(args[1], ListType):
        dims = _const(args[1])
        if not isinstance(dims, list) or not (all(d >= 0 for d in dims) or all(d < 0 for d in dims)):
            return None
        out = args[0]
        for d in sorted(dims, reverse=dims and dims[0] >= 0):
            out = b.schema_op("squeeze", [out, b.const(d)])[0]
        return [out]
    return b.schema_op("squeeze", args)


def _masked_fill(name):
    def convert(b, node, args):
        if len(args) == 3 and _is(args[2], TensorType):
            args = [args[0], args[1], b.schema_op("item", [args[2]])[0]]
        return b.schema_op(name, args)
    return convert


def _fill_(b, node, args):
    if _is(args[1], TensorType):
        args = [args[0], b.schema_op("item", [args[1]])[0]]
    return b.schema_op("fill_", args)


def _where(b, node, args):
    """where.ScalarSelf(cond, Scalar, Tensor): swap the branches, promotion is symmetric."""
    if len(args) == 3 and not _is(args[1], TensorType) and _is(args[2], TensorType):
        flipped = b.schema_op("logical_not", [args[0]])[0]
        return b.schema_op("where", [flipped, args[2], args[1]])
    return b.schema_op("where", args) if len(args) == 3 else None


def _pow(b, node, args):
    """pow.Scalar(Scalar self, Tensor exponent): the scalar as a tensor of the promoted dtype."""
    if _is(args[0], *_SCALARS) and _is(args[1], TensorType):
        ones = b.schema_op("ones_like", [args[1], b.none()])[0]
        base = b.schema_op("mul", [ones, args[0]])[0]
        return b.schema_op("pow", [base, args[1]])
    return None


def _number(kind):
    """aten::Int(prim::NumToTensor(n)) is n: the pair a trace leaves around sizes."""
    base = _BASE.get(kind)

    def convert(b, node, args):
        src = args[0].owner if args else None
        if isinstance(src, Operation) and src.name == "ts.num_to_tensor":
            n = src.operands[0]
            wanted = {"aten::Int": IntType, "aten::Float": FloatType, "aten::ScalarImplicit": _SCALARS,
                      "aten::IntImplicit": IntType, "aten::FloatImplicit": FloatType}[kind]
            if isinstance(n.type, wanted):
                return [n]
        return base(b, node, args) if base else None
    return convert


# -- traced forms ---------------------------------------------------------------------------------

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


def _inplace(kind):
    """aten::<op>_ without a ts op of its own: the out-of-place op, then ts.assign_ into self."""
    out_of_place = _converter(kind.removesuffix("_"))

    def convert(b, node, args):
        if out_of_place is None or not _is(args[0], TensorType):
            return None
        out = out_of_place(b, node, args)
        if out is None:
            return None
        return b.schema_op("assign_", [args[0], out[0]])
    return convert


def _converter(kind):
    if kind in EXTRA:
        return EXTRA[kind]
    if kind in _BASE:
        return _BASE[kind]
    name = kind[6:]
    return (lambda b, node, args: b.schema_op(name, args)) if name in TENSOR_OPS else None


#: The other ATen names an op definition lists (PyTorch's aliases: absolute -> abs, concat -> cat, ...).
_ALIASES = {alias: name for name, defn in TENSOR_OPS.items() for alias in defn.aten
            if alias != name and alias not in TENSOR_OPS}

EXTRA: dict = {
    **{f"aten::{alias}": _alias(name) for alias, name in _ALIASES.items()},
    "aten::divide": _or_base("aten::div", _div),
    "aten::div": _or_base("aten::div", _div),
    "aten::clamp": _clamp, "aten::clip": _clamp,
    "aten::clamp_min": _clamp_side("min"), "aten::clamp_max": _clamp_side("max"),
    "aten::split": _or_base("aten::split", _split),
    "aten::sort": _or_base("aten::sort", _sort),
    "aten::argsort": _sort,
    "aten::to": _or_base("aten::to", _to),
    "aten::count_nonzero": _count_nonzero,
    "aten::median": _median,
    "aten::var": _moments_mean("var"), "aten::std": _moments_mean("std"),
    "aten::var_mean": _moments_mean("var_mean"),
    "aten::std_mean": _moments_mean("std_mean"),
    "aten::movedim": _movedim,
    **{f"aten::__{d}shift__": _tensor_only(f"bitwise_{side}_shift") for d, side in (("l", "left"), ("r", "right"))},
    "aten::linalg_norm": _by_ord_kind("linalg_norm"), "aten::linalg_matrix_norm": _by_ord_kind("linalg_matrix_norm"),
    **{f"aten::{n}": _or_base(f"aten::{n}", _reduce_all(n)) for n in ("sum", "mean", "prod", "any", "all", "norm")},
    "aten::squeeze": _squeeze,
    "aten::masked_fill": _masked_fill("masked_fill"),
    "aten::masked_fill_": _masked_fill("masked_fill_"),
    "aten::fill_": _fill_,
    "aten::where": _where,
    "aten::pow": _or_base("aten::pow", _pow),
    **{kind: _number(kind) for kind in ("aten::Int", "aten::Float", "aten::ScalarImplicit", "aten::IntImplicit",
                                        "aten::FloatImplicit")},
    "aten::_convolution": _convolution,
    "aten::conv1d": _conv(1), "aten::conv2d": _conv(2),
    **{f"aten::{k}": _identity_unless_training for k in ("dropout", "feature_dropout", "alpha_dropout",
                                                          "feature_alpha_dropout")},
    "aten::new_zeros": _new("zeros"), "aten::new_ones": _new("ones"), "aten::new_empty": _new("empty"),
    "aten::new_full": _new("full"),
    "aten::scalar_tensor": _scalar_tensor,
    "aten::tensor": _tensor,
    "aten::constant_pad_nd": _constant_pad,
    **{f"aten::reflection_pad{n}d": _pad_mode("reflect") for n in (1, 2, 3)},
    **{f"aten::replication_pad{n}d": _pad_mode("replicate") for n in (1, 2, 3)},
    "aten::_index_put_impl_": _index_put_impl, "aten::index_put_": _index_put("index_put_"),
    "aten::index_put": _index_put("index_put"),
    "aten::einsum": _alias("einsum", 2),
    "aten::repeat_interleave": _alias("repeat_interleave", 3),
    "aten::alias": lambda b, node, args: [args[0]],
    "aten::lift_fresh": lambda b, node, args: [args[0]],
    "aten::__iand__": lambda b, node, args: _inplace("aten::bitwise_and_")(b, node, args),
    "aten::__ior__": lambda b, node, args: _inplace("aten::bitwise_or_")(b, node, args),
    "aten::__ixor__": lambda b, node, args: _inplace("aten::bitwise_xor_")(b, node, args),
}

# -- argument forms of tsjit/ops/aten_internals.py (conv padding strings, round decimals, ...) ------

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
        if all(d >= 0 for d in dims):
            order = sorted(set(dims), reverse=True)
        elif all(d < 0 for d in dims):
            order = sorted(set(dims))
        else:
            return None
        out = args[0]
        for d in order:
            out = b.schema_op(name, [out, b.const(d), args[2]])[0]
        return [out]
    return convert


_MISSING = object()

EXTRA.update({
    "aten::conv1d": _conv_or_padding(1), "aten::conv2d": _conv_or_padding(2), "aten::conv3d": _conv_or_padding(3),
    "aten::round": _round,
    "aten::narrow": _narrow,
    "aten::where": _where_scalars,
    "aten::arange": _arange_out,
    "aten::tensor": _tensor_literal,
})
_PREVIOUS = {"any": EXTRA["aten::any"], "all": EXTRA["aten::all"]}
EXTRA["aten::any"] = _any_all_dims("any")
EXTRA["aten::all"] = _any_all_dims("all")

#: aten::<op>_ for every out-of-place tensor op without an in-place ts op.
EXTRA.update({f"aten::{name}_": _inplace(f"aten::{name}_") for name in (
    *(n for n, defn in TENSOR_OPS.items() if not n.endswith("_") and defn.schema.args[:1]
      and defn.schema.args[0].kind == "Tensor"
      and f"{n}_" not in TENSOR_OPS), *_ALIASES, "clamp_min", "clamp_max", "div", "clip", "dropout",
    "feature_dropout", "alpha_dropout", "feature_alpha_dropout")
    if f"{name}_" not in TENSOR_OPS})


def _upsample(name, linear, spatial):
    """upsample_*(self, output_size, [align_corners,] scales...) and the `.vec` overload F.interpolate
    calls, (input, output_size?, [align_corners,] float[]? scale_factors): sizes from constant scales."""
    from tsjit.frontend.script.overloads import scaled_size_list

    def convert(b, node, args):
        last = args[-1] if args else None
        vec = len(args) == 3 + linear and (_is(last, ListType) or _is_none(last) and spatial > 1
                                           or _is_none(args[1]) or isinstance(getattr(last, "type", None),
                                                                              OptionalType)
                                           and isinstance(last.type.element_type, ListType))
        if not vec:
            return b.schema_op(name, args)
        flags = args[2:2 + linear]
        if not _is_none(args[1]):
            if not _is_none(last) and _const(last, default=0) is not None:
                return None  # both sizes and scales: PyTorch refuses it at run time
            return b.schema_op(name, [args[0], args[1], *flags, *(b.none() for _ in range(spatial))])
        scales = _const(last)
        if scales is None and isinstance(last.owner, Operation) and last.owner.name == "ts.list.construct":
            scales = [_const(v) for v in last.owner.operands]
        if not isinstance(scales, list) or not scales or None in scales:
            return None  # scales built at run time (F.interpolate's loop over input.dim()): not imported yet
        sizes = scaled_size_list(b, args[0], scales)  # of another length than `spatial`: the kernel raises
        scales = (scales + [None] * spatial)[:spatial]
        return b.schema_op(name, [args[0], sizes, *flags, *(b.none() if v is None else b.const(float(v))
                                                            for v in scales)])
    return convert


def _inplace_op_first(name):
    """ts.<op>_ when the operands fit its schema (add_, div_, clamp_, ...), else the out-of-place form."""
    fallback = _inplace(f"aten::{name}")

    def convert(b, node, args):
        return b.schema_op(name, args) or fallback(b, node, args)
    return convert


for _name in TENSOR_OPS:
    if _name.endswith("_") and _name[:-1] in TENSOR_OPS and f"aten::{_name}" not in EXTRA:
        EXTRA[f"aten::{_name}"] = _inplace_op_first(_name)


for _name, (_mode, _spatial) in __import__("tsjit.ops.resampling", fromlist=["UPSAMPLE"]).UPSAMPLE.items():
    for _aten in TENSOR_OPS[_name].aten:
        EXTRA[f"aten::{_aten}"] = _upsample(_name, _mode in ("linear", "cubic"), _spatial)
