"""aten:: kinds about shapes, int lists and dtypes, for the graph importer (merged into build.py's
`ATEN` table after aten_overloads.EXTRA; see aten_overloads.py for what a Converter is).

Scripted F losses, affine_grid, interpolate and the Transformer layers reach these:

- `aten::broadcast_tensors(Tensor[])`: each tensor broadcast_to the shape of their sum (the sum
  is only sized: once shapes are specialized, `ts.size` folds and the sum is dead code).
- `aten::broadcast_shapes(int[]...)`: the size of the sum of empty tensors of those shapes.
- `aten::is_floating_point` / `aten::is_complex`: the dtype's code in a list (constant once the
  dtype is known), as `script` does for `x.is_floating_point()`; `aten::index` of an int list
  (`x.shape.index(8)`) is `ts.list.index`.
- `prim::max` / `prim::min` / `aten::sum` of one int or float list (`max(x.shape)`, `min([a, b])`):
  a loop over the list (folded once its length and elements are constants).
- Python's all/any of a bool list; queries with one answer here (layout, device type, nested,
  autocast); out= forms of div/norm (a raise: F functions call them only when out= is given);
- the dropout family in training: ts.feature_dropout / alpha_dropout / feature_alpha_dropout
  (random: run on numpy); with train a constant false, the input itself.
"""
from __future__ import annotations

from xdsl.ir import Block, Operation, Region

from tsjit.dialects.ts.folding import NotConstant, constant_of
from tsjit.dialects.ts.types import (
    BoolType, FloatType, IntType, ListType, NumberType, SCALAR_TYPE_CODES, TensorType,
)
from tsjit.frontend.importers.aten_ops import ATEN as _BASE
from tsjit.frontend.importers.aten_overloads import EXTRA


def _previous(kind):
    return EXTRA.get(kind) or _BASE.get(kind)


def _const(v, default=None):
    try:
        return constant_of(v)
    except NotConstant:
        return default


def _items(v):
    """The elements of a list built by prim::ListConstruct, else None."""
    if v is not None and isinstance(v.owner, Operation) and v.owner.name == "ts.list.construct":
        return list(v.owner.operands)
    return None


def _broadcast_tensors(b, node, args):
    tensors = _items(args[0]) if len(args) == 1 else None
    if not tensors or not all(isinstance(t.type, TensorType) for t in tensors):
        return None
    if len(tensors) == 1:
        outs = tensors
    else:
        carrier = tensors[0]
        for t in tensors[1:]:
            carrier = b.schema_op("add", [carrier, t, b.const(1)])[0]
        size = b.schema_op("size", [carrier])[0]
        outs = [b.schema_op("broadcast_to", [t, size])[0] for t in tensors]
    return [b.value("list.construct", *outs, type=ListType(TensorType()))]


def _broadcast_shapes(b, node, args):
    if not args or not all(isinstance(a.type, ListType | IntType) for a in args):
        return None
    carrier = None
    for a in args:
        if isinstance(a.type, IntType):
            a = b.value("list.construct", a, type=ListType(IntType()))
        t = b.schema_op("empty", [a, None])[0]
        carrier = t if carrier is None else b.schema_op("add", [carrier, t, b.const(1)])[0]
    return b.schema_op("size", [carrier])


def _dtype_in(names):
    codes = [SCALAR_TYPE_CODES[n] for n in names if n in SCALAR_TYPE_CODES]

    def convert(b, node, args):
        if len(args) != 1 or not isinstance(args[0].type, TensorType):
            return None
        code = b.value("dtype", args[0])
        return [b.value("contains", b.const(codes, ListType(IntType())), code, type=BoolType())]
    return convert


def _index(b, node, args):
    """aten::index of a list (`l.index(x)`); tensors take the previous converter."""
    if len(args) == 2 and isinstance(args[0].type, ListType) and not isinstance(args[0].type.element_type, TensorType):
        return [b.value("list.index", *args, type=IntType())]
    previous = _previous("aten::index")
    return previous(b, node, args) if previous is not None else b.schema_op("index", args)


def _reduce_list(b, lst, op, start=None, to_bool=False):
    """op(...op(start, l[0])..., l[-1]) as a ts.loop over the list (start None: from l[0]); to_bool
    converts each element with bool() first (any/all of an int list)."""
    from tsjit.dialects.ts.control_flow import ConditionOp, LoopOp

    elem = lst.type.element_type
    acc_type = BoolType() if to_bool else elem
    acc = b.value("list.get", lst, b.const(0), type=elem) if start is None else b.const(start, acc_type)
    n = b.value("len", lst, type=IntType())
    block = Block(arg_types=[IntType(), acc_type])
    outer, b.block = b.block, block
    item = b.value("list.get", lst, block.args[0], type=elem)
    if to_bool:
        item = b.value("scalar.bool", item, type=BoolType())
    nxt = b.value(op, block.args[1], item, type=acc_type)
    block.add_op(ConditionOp(b.const(True), nxt))
    b.block = outer
    return [b.add(LoopOp(n, b.const(True), [acc], Region([block]))).results[0]]


def _of_list(kind, op, start=None):
    previous = _previous(kind)

    def convert(b, node, args):
        if len(args) == 1 and isinstance(args[0].type, ListType) \
                and isinstance(args[0].type.element_type, IntType | FloatType | NumberType):
            items = _items(args[0])
            if items is not None and items and start is None:  # [a, b, c]: a chain of scalar ops
                out = items[0]
                for v in items[1:]:
                    out = b.value(op, out, v, type=out.type)
                return [out]
            return _reduce_list(b, args[0], op, start)
        return previous(b, node, args) if previous is not None else None
    return convert


def _dropout(name, inplace=False):
    """ts.<name> (the input itself when train is a constant false); the `_` form assigns into the input."""
    def convert(b, node, args):
        train = _const(args[2]) if len(args) > 2 else None
        if train is False:
            return [args[0]]
        out = b.schema_op(name, args[:3])
        return b.schema_op("assign_", [args[0], out[0]]) if inplace and out is not None else out
    return convert


ATEN_SHAPES_TYPES = {
    "aten::broadcast_tensors": _broadcast_tensors,
    "aten::broadcast_shapes": _broadcast_shapes,
    "aten::is_floating_point": _dtype_in(("float16", "float32", "float64", "bfloat16")),
    "aten::is_complex": _dtype_in(("complex32", "complex64", "complex128")),
    "aten::index": _index,
    "prim::max": _of_list("prim::max", "scalar.max"),
    "prim::min": _of_list("prim::min", "scalar.min"),
    "aten::max": None,  # filled below: the list form before the base table's tensor forms
    "aten::min": None,
    **{f"aten::{n}": _dropout(n) for n in ("feature_dropout", "alpha_dropout", "feature_alpha_dropout")},
    **{f"aten::{n}_": _dropout(n, True) for n in ("feature_dropout", "alpha_dropout", "feature_alpha_dropout")},
}
ATEN_SHAPES_TYPES["aten::max"] = _of_list("aten::max", "scalar.max")
ATEN_SHAPES_TYPES["aten::min"] = _of_list("aten::min", "scalar.min")


def _sum(b, node, args):
    if len(args) == 1 and isinstance(args[0].type, ListType) \
            and isinstance(args[0].type.element_type, IntType | FloatType):
        return _reduce_list(b, args[0], "scalar.add", 0 if isinstance(args[0].type.element_type, IntType) else 0.0)
    return _SUM(b, node, args)


_SUM = _previous("aten::sum")
ATEN_SHAPES_TYPES["aten::sum"] = _sum


# -- queries with one answer here: tensors are dense, strided, on the cpu, never nested or autocast --

def _constant(value, type_):
    return lambda b, node, args: [b.const(value, type_)]


def _device_type(b, node, args):
    from tsjit.dialects.ts.types import DeviceType, StrType

    if len(args) == 1 and isinstance(args[0].type, DeviceType):
        return [b.const("cpu", StrType())]
    return None


def _bool(b, node, args):
    value = _const(args[0]) if len(args) == 1 else None
    if isinstance(value, int | float | bool) and not isinstance(args[0].type, TensorType):
        return [b.const(bool(value), BoolType())]
    previous = _previous("aten::Bool")
    return previous(b, node, args) if previous is not None else None


def _out_variant(kind, n):
    """`aten::<op>(..., out=t)` (n operands with out), in a branch F functions take only when out= is given:
    imported as a raise (tsjit has no out= arguments), the ordinary form as before."""
    from xdsl.dialects.builtin import StringAttr

    previous = _previous(kind)

    def convert(b, node, args):
        if len(args) not in n or not isinstance(args[-1].type, TensorType) or len(args) < 2 \
                or kind == "aten::div" and isinstance(args[-2].type, TensorType) is False:
            return previous(b, node, args) if previous is not None else b.schema_op(kind[6:], args)
        b.op("raise", [b.const(f"{kind[6:]}: out= is not supported by tsjit")], [],
             exception=StringAttr("builtins.NotImplementedError"))
        return [b.uninitialized(b.output_type())]
    return convert


ATEN_SHAPES_TYPES.update({
    "prim::layout": _constant(0, IntType()),  # torch.strided
    "prim::is_nested": _constant(False, BoolType()),
    "aten::is_autocast_enabled": _constant(False, BoolType()),
    "aten::is_autocast_cpu_enabled": _constant(False, BoolType()),
    "prim::type": _device_type,
    "aten::Bool": _bool,
    "aten::div": _out_variant("aten::div", (3,)),
    "aten::linalg_vector_norm": _out_variant("aten::linalg_vector_norm", (6,)),
    "aten::norm": _out_variant("aten::norm", (5, 6)),
})


def _nuclear_norm(b, node, args):
    """nuclear_norm(self, keepdim=False) / (self, int[2] dim, keepdim=False) [, out]: the matrix norm "nuc"."""
    if len(args) == 2:
        dims = b.const([-2, -1], ListType(IntType()))
    elif len(args) == 3 and isinstance(args[1].type, ListType):
        dims = args[1]
    else:
        return _out_variant("aten::nuclear_norm", (3, 4))(b, node, args) if len(args) in (3, 4) else None
    return b.schema_op("linalg_matrix_norm_str", [args[0], b.const("nuc"), dims, args[-1], b.none()])


def _fused_fast_path(b, node, args):
    """The Transformer layers' fused kernels, in fast-path branches the checks above rule out: a raise."""
    from xdsl.dialects.builtin import StringAttr

    b.op("raise", [b.const(f"{node.kind[6:]}: the fused fast path is not supported by tsjit")], [],
         exception=StringAttr("builtins.NotImplementedError"))
    return [b.uninitialized(b.output_type(i)) for i in range(len(node.outputs))]


def _bool_list(kind, op, start):
    """all(bool[]) / any(bool[]) (Python's builtins on a list, in nn.MultiheadAttention's fast-path checks)."""
    previous = _previous(kind)

    def convert(b, node, args):
        if len(args) == 1 and isinstance(args[0].type, ListType) \
                and isinstance(args[0].type.element_type, BoolType | IntType | FloatType):
            return _reduce_list(b, args[0], op, start, not isinstance(args[0].type.element_type, BoolType))
        return previous(b, node, args) if previous is not None else None
    return convert


ATEN_SHAPES_TYPES.update({
    "aten::all": _bool_list("aten::all", "scalar.and", True),
    "aten::any": _bool_list("aten::any", "scalar.or", False),
    # the Transformer layers' fast-path checks: "not left aligned" and "grad enabled" send them down the
    # ordinary path (compiled code has no autograd, and no fused attention kernels)
    "aten::_nested_tensor_from_mask_left_aligned": _constant(False, BoolType()),
    "aten::is_grad_enabled": _constant(True, BoolType()),
    "aten::linalg_matrix_norm": _out_variant("aten::linalg_matrix_norm", (6,)),
    "aten::linalg_norm": _out_variant("aten::linalg_norm", (6,)),
    "aten::frobenius_norm": _out_variant("aten::frobenius_norm", (4,)),
    "aten::nuclear_norm": _nuclear_norm,
    **{f"aten::{k}": _fused_fast_path for k in ("_native_multi_head_attention", "_transformer_encoder_layer_fwd",
                                                "_nested_tensor_from_mask", "to_padded_tensor")},
})


_READS = ("ts.list.unpack", "ts.len", "ts.list.get")


def _list_unpack(b, node, args):
    """prim::ListUnpack of a list construct nothing has mutated (broadcast_tensors' list, `a, b = [x, y]`):
    its items themselves, so no list is left for the C backend; else ts.list.unpack as before."""
    items = _items(args[0]) if len(args) == 1 else None
    if items is not None and len(items) == len(node.outputs) and \
            all(use.operation.name in _READS for use in args[0].uses):
        return items
    return _previous("prim::ListUnpack")(b, node, args)


ATEN_SHAPES_TYPES["prim::ListUnpack"] = _list_unpack


def _list_times(b, node, args):
    """`[1] * n` (aten::mul(t[], int), as torch.stft and F.pad build shapes): the items repeated when n is a
    constant and the list a construct, else a loop extending an empty list n times."""
    from tsjit.dialects.ts.control_flow import ConditionOp, LoopOp

    if len(args) != 2 or not isinstance(args[0].type, ListType) or not isinstance(args[1].type, IntType):
        return _previous("aten::mul")(b, node, args)
    items, n = _items(args[0]), _const(args[1])
    if items is not None and isinstance(n, int):
        return [b.value("list.construct", *(items * max(n, 0)), type=args[0].type)]
    out = b.value("list.construct", type=args[0].type)
    block = Block(arg_types=[IntType()])
    outer, b.block = b.block, block
    b.op("list.extend", [out, args[0]], [])
    block.add_op(ConditionOp(b.const(True)))
    b.block = outer
    b.add(LoopOp(args[1], b.const(True), [], Region([block])))
    return [out]


ATEN_SHAPES_TYPES["aten::mul"] = _list_times
