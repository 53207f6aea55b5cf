"""Views for ts-remove-mutation: which ops return a view, and how a write through one reaches its base.

Torch's view ops share memory with their operand. Writing `new` into `v = view(base, args)`
makes the base `inverse(view)(base, new)`: a `slice_scatter`/`select_scatter` for a slice or
select, the inverse transpose or permutation, a reshape back for the reshaping views. Reading
`v` afterwards applies the view to the new base again (`replay`), which reads through a scatter
of the same view (its source) or of a disjoint slice or select (its base): reading one chunk of
an LSTM's gates after writing another costs nothing.
"""
from __future__ import annotations

import math

from xdsl.ir import Operation, SSAValue
from xdsl.rewriter import InsertPoint, Rewriter

from tsjit.dialects.ts import shape_functions as sf
from tsjit.dialects.ts.constant import ConstantOp
from tsjit.dialects.ts.folding import NotConstant, constant_of
from tsjit.dialects.ts.tensor_ops import TENSOR_OP_CLASSES
from tsjit.dialects.ts.types import BoolType, FloatType, IntType, ListType, TensorType

#: always views of operand 0 (view/unflatten/squeeze/unsqueeze keep the element order: a reshape inverts them)
RESHAPING = frozenset({"view", "unflatten", "squeeze", "unsqueeze", "_unsafe_view", "_reshape_alias"})
_ALWAYS = RESHAPING | {"slice", "select", "narrow", "transpose", "t", "permute", "detach"}
#: views only of a contiguous operand (else reshape and flatten copy, contiguous makes a copy)
_IF_CONTIGUOUS = frozenset({"reshape", "flatten", "contiguous"})
#: families whose ops may return a view; of those, these always make new memory in torch
ALIASING_FAMILIES = frozenset({"view", "slicing", "layout", "conversion", "strided", "aten_internals", "inplace"})
_FRESH = frozenset({
    "clone", "cat", "stack", "flip", "roll", "repeat", "tile", "pad", "pixel_shuffle", "repeat_interleave",
    "column_stack", "dstack", "hstack", "vstack", "fliplr", "flipud", "rot90", "_to_copy", "_cast_Char",
    "_cast_Double", "_cast_Float", "_cast_Int", "_cast_Long", "_cast_Short", "_log_softmax", "_softmax",
    "_safe_softmax", "_trilinear", "conv1d_padding", "conv2d_padding", "conv3d_padding", "empty_strided",
    "native_layer_norm",
    "round_decimals"})


def defn(op: Operation):
    from tsjit.ops import REGISTRY

    return REGISTRY.get(op.name.removeprefix("ts.")) if op.name.startswith("ts.") else None


def _const(value: SSAValue):
    """The constant `value` holds (a list built of constants too), else NotConstant."""
    try:
        if getattr(value.owner, "name", "") == "ts.list.construct":
            return [constant_of(v) for v in value.owner.operands]
        return constant_of(value)
    except NotConstant:
        return NotConstant


def _same_dtype(op: Operation) -> bool | None:
    """`to(x, dtype)` / `type_as(x, y)`: whether the result keeps x's dtype (then it is x itself)."""
    src = op.operands[0].type
    res = op.results[0].type
    if not isinstance(src, TensorType) or not isinstance(res, TensorType) or res.element_type is None:
        return None
    return src.element_type == res.element_type


def kind(op: Operation, contiguous: bool) -> str | None:
    """"view" (the result is a view of operand 0 that `inverse` can write back through), "fresh"
    (new memory; its tensor operands are only read), or None (it may alias, in ways not followed)."""
    d = defn(op)
    if d is None or d.effects == "writes" or op.regions:
        return None
    name = d.name
    if name in ("to", "type_as"):
        same = _same_dtype(op)
        return None if same is None else "view" if same else "fresh"
    if name in _ALWAYS or name in _IF_CONTIGUOUS and contiguous:
        if name == "narrow" and any(_const(v) is NotConstant for v in op.operands[2:]):
            return None
        if name == "permute" and _const(op.operands[1]) is NotConstant:
            return None
        return "view"
    if d.family not in ALIASING_FAMILIES or name in _FRESH:
        return "fresh"
    return None


def stays_contiguous(op: Operation, contiguous: bool) -> bool:
    """Whether the view `op` of a contiguous tensor is contiguous (False: not known to be)."""
    name = op.name.removeprefix("ts.")
    if not contiguous or name in ("transpose", "t", "permute"):
        return False
    if name not in ("slice", "select", "narrow"):
        return True
    sizes = op.operands[0].type.sizes
    dim, step = _const(op.operands[1]), _const(op.operands[4]) if name == "slice" else 1
    if not isinstance(dim, int) or step != 1:
        return False
    return math.prod(sizes[:dim % len(sizes)]) == 1  # a slab of the outermost (non-unit) dim


def abstract(value: SSAValue):
    """What the shape rules take for `value`; a tensor constant's type may lack its dtype (`y[0] = 2.`)."""
    from tsjit.passes.specialize import _Propagation

    if isinstance(value.owner, ConstantOp) and isinstance(value.type, TensorType):
        return sf.of_array(value.owner.py_value)
    return _Propagation().abstract(value)


def make(name: str, operands: list[SSAValue], before: Operation, like: Operation) -> SSAValue:
    """`ts.<name>(operands)` inserted before `before`, its result type from the op's rules."""
    [t] = sf.infer(name, [abstract(v) for v in operands], 1)
    attrs = {"loc": like.attributes["loc"]} if "loc" in like.attributes else {}
    op = TENSOR_OP_CLASSES[name].create(operands=operands, result_types=[sf.to_type(t)], attributes=attrs)
    Rewriter.insert_op(op, InsertPoint.before(before))
    return op.results[0]


def constant(value, before: Operation) -> SSAValue:
    t = ListType(IntType()) if isinstance(value, list) else None
    op = ConstantOp.of(value, t)
    Rewriter.insert_op(op, InsertPoint.before(before))
    return op.results[0]


def _span(op: Operation) -> tuple[int, int, int] | None:
    """(dim, start, stop) of a constant unit-step slice, select or narrow (wrapped, clamped)."""
    name = op.name.removeprefix("ts.")
    if name not in ("slice", "select", "narrow"):
        return None
    args = [_const(v) for v in op.operands[1:]]
    if any(a is NotConstant for a in args):
        return None
    sizes = op.operands[0].type.sizes
    dim = args[0] % len(sizes)
    n = sizes[dim]
    if name == "select":
        i = args[1] % n if n else 0
        return dim, i, i + 1
    if name == "narrow":
        start = args[1] % n if n else 0
        return dim, start, start + args[2]
    start, end, step = args[1], args[2], args[3]
    if step != 1:
        return None
    start = 0 if start is None else max(0, min(start + n if start < 0 else start, n))
    end = n if end is None else max(0, min(end + n if end < 0 else end, n))
    return dim, start, max(start, end)


def _same_view(a: Operation, b: Operation) -> bool:
    if a.name != b.name:
        return False
    return all(x is y or _const(x) is not NotConstant and _const(x) == _const(y)
               for x, y in zip(a.operands[1:], b.operands[1:], strict=True))


def _disjoint(a: Operation, b: Operation) -> bool:
    sa, sb = _span(a), _span(b)
    return sa is not None and sb is not None and sa[0] == sb[0] and (sa[2] <= sb[1] or sb[2] <= sa[1])


class Views:
    """Replays and inverts view ops, remembering the scatters it made to read through them."""

    def __init__(self) -> None:
        self.scattered: dict[SSAValue, tuple[Operation, SSAValue, SSAValue]] = {}  # result: (view, base, src)

    def replay(self, view: Operation, base: SSAValue, before: Operation) -> SSAValue:
        """`view` applied to `base` (the base's value now) instead of its own operand."""
        while base in self.scattered:
            made_by, under, src = self.scattered[base]
            if _same_view(made_by, view):
                return src
            if not _disjoint(made_by, view):
                break
            base = under
        op = view.clone()
        op.operands[0] = base
        Rewriter.insert_op(op, InsertPoint.before(before))
        return op.results[0]

    def inverse(self, view: Operation, base: SSAValue, new: SSAValue, before: Operation) -> SSAValue:
        """The value of `base` after `new` is written into its view `view`."""
        name = view.name.removeprefix("ts.")
        args = list(view.operands[1:])
        if name == "slice":
            out = make("slice_scatter", [base, new, *args], before, view)
        elif name == "select":
            out = make("select_scatter", [base, new, *args], before, view)
        elif name == "narrow":
            start, length = _const(args[1]), _const(args[2])
            end, step = constant(start + length, before), constant(1, before)
            out = make("slice_scatter", [base, new, args[0], args[1], end, step], before, view)
        elif name in ("transpose", "t"):
            return make(name, [new, *args], before, view)
        elif name == "permute":
            dims = [d % len(_const(args[0])) for d in _const(args[0])]
            inverse = [dims.index(i) for i in range(len(dims))]
            return make("permute", [new, constant(inverse, before)], before, view)
        elif name in ("detach", "contiguous", "to", "type_as"):
            return new
        else:  # the reshaping views
            return make("reshape", [new, constant(list(base.type.sizes), before)], before, view)
        self.scattered[out] = (view, base, new)
        return out


def is_scalar(value: SSAValue) -> bool:
    return isinstance(value.type, IntType | FloatType | BoolType)
