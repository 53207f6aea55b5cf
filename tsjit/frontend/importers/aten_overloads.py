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
every `aten::<op>_` without a ts op of its own, as `ts.<op>` followed by `ts.assign_`. The
converters live by kind: aten_operand_forms.py (overloads told apart by operands),
aten_traced_forms.py, aten_argument_forms.py; aten_operands.py reads operands for all of them.
"""
from __future__ import annotations

from xdsl.ir import Operation

from tsjit.dialects.ts.types import ListType, OptionalType, TensorType
from tsjit.ops import REGISTRY as TENSOR_OPS
from tsjit.frontend.importers.aten_argument_forms import (
    _any_all_dims, _arange_out, _conv_or_padding, _narrow, _round, _tensor_literal, _where_scalars,
)
from tsjit.frontend.importers.aten_operand_forms import (
    _by_ord_kind, _clamp, _clamp_side, _count_nonzero, _div, _fill_, _masked_fill, _median, _moments_mean, _movedim,
    _number, _pow, _reduce_all, _sort, _split, _squeeze, _tensor_only, _to, _where,
)
from tsjit.frontend.importers.aten_operands import _BASE, _alias, _is, _is_none, _const, _or_base
from tsjit.frontend.importers.aten_traced_forms import (
    _constant_pad, _conv, _convolution, _identity_unless_training, _index_put, _index_put_impl, _new, _pad_mode,
    _scalar_tensor, _tensor,
)

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
EXTRA.update({
    "aten::conv1d": _conv_or_padding(1), "aten::conv2d": _conv_or_padding(2), "aten::conv3d": _conv_or_padding(3),
    "aten::round": _round,
    "aten::narrow": _narrow,
    "aten::where": _where_scalars,
    "aten::arange": _arange_out,
    "aten::tensor": _tensor_literal,
})
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
