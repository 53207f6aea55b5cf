"""aten:: overloads the graph importer's positional mapping cannot tell apart, told apart by their
operands' types and counts (div with a rounding mode, clamp with tensor bounds, split with sizes,
sort of a tensor, to(device?, dtype?), reductions over every dim, ...); aten_overloads.py puts them
in its table."""
from __future__ import annotations

from xdsl.ir import Operation

from tsjit.dialects.ts.types import (
    BoolType, DeviceType, FloatType, IntType, ListType, OptionalType, StrType, TensorType,
)
from tsjit.frontend.importers.aten_operands import _BASE, _SCALARS, _const, _is, _is_none, each_dim

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
    return each_dim(b, name, args[0], dims, args[2])


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
        return each_dim(b, "squeeze", args[0], dims) if isinstance(dims, list) and dims else None
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
