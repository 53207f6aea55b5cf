"""aten:: kinds whose overloads map onto several ts ops, or whose trailing arguments a ts op drops
(merged into build.py's `ATEN`; see aten_overloads.py for what a Converter is):

    tensor_split / hsplit / vsplit / dsplit   the sections form (int) or the indices form (int[])
    nanmedian(self) / nanmedian(self, dim, keepdim)
    stride(self) / stride(self, dim)          ts.stride (int[]) / ts.stride_dim (int)
    logspace(start, end, steps, base, dtype, layout, device, pin_memory)   layout/device/... dropped
    tensordot(self, other, dims_self, dims_other, out?)                    out dropped
    where(condition)                          nonzero_numpy (one index tensor per dim)
    allclose(self, other, rtol, atol, equal_nan) / equal(self, other)    all(isclose(...)) / all(eq(...)) as bool
    randint / normal(mean, std, gen) / bernoulli(self, gen) / multinomial / randperm / uniform / exponential
                                              generator etc. dropped (their `_` forms: then ts.assign_)
    (_)convolution(..., transposed, ...) / _convolution_mode(..., str padding, ...)   conv{n}d(_padding) / conv_transpose{n}d
    special_<polynomial>(x, n)               the Tensor n or the Scalar n form (tsjit/ops/orthogonal_polynomials.py)
    <view>_copy (view_copy, permute_copy, ...)   the view op, then clone: the result owns its memory
    to(self, device, dtype, non_blocking, copy, memory_format)             device and the flags dropped
"""
from __future__ import annotations

from tsjit.ops.orthogonal_polynomials import FAMILIES as POLYNOMIALS


def _first_fit(*names, keep=None):
    """The first ts op of `names` whose schema the operands fit."""
    def convert(b, node, args):
        for name in names:
            out = b.schema_op(name, args if keep is None else args[:keep])
            if out is not None:
                return out
        return None
    return convert


def _where(b, node, args):
    if len(args) == 1:
        return b.schema_op("nonzero_numpy", args)
    from tsjit.frontend.importers.aten_overloads import EXTRA

    return EXTRA["aten::where"](b, node, args)


def _to(b, node, args):
    """to.device(self, Device, ScalarType dtype, non_blocking, copy, memory_format?) as traces record it."""
    from tsjit.dialects.ts.types import IntType, TensorType
    from tsjit.frontend.importers.aten_overloads import EXTRA

    if len(args) == 6 and args[2] is not None and isinstance(args[2].type, IntType):
        x = args[0]
        if not isinstance(x.type, TensorType):  # a 0-d tensor constant the trace recorded as a scalar
            x = b.schema_op("num_to_tensor", [x])[0]
        return b.schema_op("to", [x, args[2]])
    return EXTRA["aten::to"](b, node, args)


def _all_of(b, mask):
    every = b.schema_op("all", [mask, None, b.const(False)])[0]
    return b.schema_op("to_bool", [every])


def _allclose(b, node, args):
    return _all_of(b, b.schema_op("isclose", args)[0]) if len(args) == 5 else None


def _equal(b, node, args):
    """torch.equal of same-shaped tensors: every element equal (broadcasting shapes are not refused)."""
    return _all_of(b, b.schema_op("eq", args)[0]) if len(args) == 2 else None


def _randint(b, node, args):
    """randint(low, high, size, dtype, layout, device, pin_memory) / randint(high, size, dtype, ...)."""
    from tsjit.dialects.ts.types import ListType

    if len(args) >= 3 and isinstance(args[2].type, ListType):
        return b.schema_op("randint", args[:4])
    if len(args) >= 2 and isinstance(args[1].type, ListType):
        return b.schema_op("randint", [b.const(0), *args[:3]])
    return None


def _list_len(v):
    """The length of a constant int[] operand (a constant or a list.construct), else None."""
    from tsjit.dialects.ts.folding import NotConstant, constant_of

    try:
        value = constant_of(v)
        return len(value) if isinstance(value, list) else None
    except NotConstant:
        owner = v.owner
        return len(owner.operands) if getattr(owner, "name", "") == "ts.list.construct" else None


def _convolution(b, node, args):
    """_convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups, ...)
    as traces record nn.Conv*: conv{n}d / conv_transpose{n}d by the length of stride."""
    from tsjit.dialects.ts.folding import NotConstant, constant_of

    if len(args) < 9:
        return None
    n = _list_len(args[3])
    try:
        transposed = constant_of(args[6])
    except NotConstant:
        return None
    x, w, bias, stride, padding, dilation, _, output_padding, groups = args[:9]
    if transposed:
        return b.schema_op(f"conv_transpose{n}d", [x, w, bias, stride, padding, output_padding, groups, dilation])
    return b.schema_op(f"conv{n}d", [x, w, bias, stride, padding, dilation, groups])


def _convolution_mode(b, node, args):
    """_convolution_mode(input, weight, bias, stride, str padding, dilation, groups): conv{n}d_padding."""
    return b.schema_op(f"conv{_list_len(args[3])}d_padding", args) if len(args) == 7 else None


#: the `<view>_copy` ops (torch.view_copy, permute_copy, ...) whose view returns one tensor
_COPIED_VIEWS = ("alias", "as_strided", "detach", "diagonal", "expand", "permute", "select", "slice", "squeeze", "t",
                 "transpose", "unfold", "unsqueeze", "view", "view_as_real", "view_as_complex", "_reshape_alias")


def _copy_of(view):
    """<view>_copy(...): the view's converter, then ts.clone (the result owns its memory)."""
    def convert(b, node, args):
        from tsjit.frontend.importers.build import converter_for

        out = converter_for(f"aten::{view}")(b, node, args)
        return None if out is None else b.schema_op("clone", [out[0]])
    return convert


def _embedding_bag(b, node, args):
    """embedding_bag(weight, indices, offsets, scale_grad_by_freq, mode, sparse, per_sample_weights,
    include_last_offset[, padding_idx]) (and the 8-operand form without padding_idx)."""
    if len(args) == 8:
        args = [*args, b.none()]
    return b.schema_op("embedding_bag", args) if len(args) == 9 else None


def _put_number(name):
    """index_put(_)(self, indices, values, accumulate) where a trace left the values a number (its 0-d
    tensor constant, a wrapped number): the values become a 0-d tensor of self's dtype, as the trace's was."""
    def convert(b, node, args):
        from tsjit.dialects.ts.types import BoolType, FloatType, IntType

        if len(args) == 4 and args[2] is not None and isinstance(args[2].type, (FloatType, IntType, BoolType)):
            from tsjit.dialects.ts.types import ListType

            dtype = b.schema_op("dtype", [args[0]])[0]
            value = b.schema_op("full", [b.const([], ListType(IntType())), args[2], dtype])[0]
            args = [args[0], args[1], value, args[3]]
        return b.schema_op(name, args)
    return convert


def _written_first_fit(*names):
    """aten::<op>_ of several overloads: the first ts op of `names` the operands fit, written into self."""
    fit = _first_fit(*names)

    def convert(b, node, args):
        out = fit(b, node, args)
        return None if out is None else b.schema_op("assign_", [args[0], out[0]])
    return convert


def _written(name, keep):
    """aten::<name>_(self, ..., generator?): ts.<name> of the first `keep` operands, written into self."""
    def convert(b, node, args):
        out = b.schema_op(name, args[:keep])
        return None if out is None else b.schema_op("assign_", [args[0], out[0]])
    return convert


ATEN_MORE_OPS: dict = {
    "aten::embedding_bag": _embedding_bag,
    "aten::_convolution": _convolution,
    "aten::convolution": _convolution,
    **{f"aten::{v}_copy": _copy_of(v) for v in _COPIED_VIEWS},
    "aten::_convolution_mode": _convolution_mode,
    "aten::randint": _randint,
    "aten::normal": _first_fit("normal", keep=2),
    "aten::bernoulli": lambda b, node, args: b.schema_op("bernoulli", args[:1]) if len(args) == 2 else None,
    "aten::multinomial": _first_fit("multinomial", keep=3),
    "aten::randperm": _first_fit("randperm", keep=2),
    "aten::uniform": _first_fit("uniform", keep=3),
    "aten::exponential": _first_fit("exponential", keep=2),
    "aten::uniform_": _written("uniform", 3),
    "aten::exponential_": _written("exponential", 2),
    "aten::allclose": _allclose,
    "aten::equal": _equal,
    "aten::to": _to,
    **{f"aten::{n}": _first_fit(n, f"{n}_indices") for n in ("tensor_split", "hsplit", "vsplit", "dsplit")},
    "aten::nanmedian": _first_fit("nanmedian", "nanmedian_dim"),
    "aten::stride": _first_fit("stride", "stride_dim"),
    "aten::index_put_": _put_number("index_put_"),
    "aten::index_put": _put_number("index_put"),
    "aten::scatter": _first_fit("scatter", "scatter_with_reduce"),
    "aten::scatter_": _written_first_fit("scatter", "scatter_with_reduce"),
    "aten::ctc_loss": _first_fit("ctc_loss", "ctc_loss_tensor"),
    "aten::linalg_cond": _first_fit("linalg_cond", "linalg_cond_str"),
    "aten::quantile": _first_fit("quantile", "quantile_tensor"),
    "aten::nanquantile": _first_fit("nanquantile", "nanquantile_tensor"),
    "aten::logspace": _first_fit("logspace", keep=5),
    "aten::tensordot": _first_fit("tensordot", keep=4),
    "aten::where": _where,
    **{f"aten::special_{name}": _first_fit(f"special_{name}", f"special_{name}_n_scalar") for name in POLYNOMIALS},
}
