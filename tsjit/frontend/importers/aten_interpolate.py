"""The `.vec` upsample overloads of a scripted F.interpolate / nn.Upsample, whose output size and scale
factors are run-time optionals (merged into build.py's `ATEN` table after aten_overloads.EXTRA).

Scripted F.interpolate computes `output_size` and `scale_factors` in branches and loops (one of
them None) and calls `aten::upsample_*(input, output_size?, [align_corners,] scale_factors?)`.
aten_overloads' converter handles constant sizes or scales; this one handles the rest with a
`ts.if` on `output_size is None`:

    then: sizes = [int(float(input.size(d)) * scale_factors[i]) ...]; upsample(input, sizes, scales...)
    else: upsample(input, output_size, None...)

The antialiased bilinear and bicubic forms (`_upsample_*_aa`) are ops of tsjit/ops/antialias.py;
lanczos, which tsjit lacks, imports as a raise of NotImplementedError (F.interpolate's graph holds it
in a branch that its mode removes).

Once the graph is specialized (branches folded, F.interpolate's loops unrolled), the if folds to the
branch taken and the sizes to constants, so the op lowers as a directly imported one does.
"""
from __future__ import annotations

from xdsl.dialects.builtin import StringAttr
from xdsl.ir import Block, Region

from tsjit.dialects.ts.control_flow import IfOp, YieldOp
from tsjit.dialects.ts.types import BoolType, FloatType, IntType, ListType, NoneType, OptionalType, TensorType
from tsjit.frontend.importers.aten_overloads import EXTRA
from tsjit.ops import REGISTRY


def _is_none(v) -> bool:
    return v is None or isinstance(v.type, NoneType)


def _optional_list(v, element) -> bool:
    t = v.type
    if isinstance(t, OptionalType):
        t = t.element_type
    return isinstance(t, ListType) and isinstance(t.element_type, element)


def _branch(b, build) -> Region:
    block = Block()
    outer, b.block = b.block, block
    value = build()
    block.add_op(YieldOp(value))
    b.block = outer
    return Region([block])


def _runtime_vec(name: str, linear: bool, spatial: int, previous):
    def convert(b, node, args):
        result = previous(b, node, args) if previous is not None else None
        if result is not None:
            return result
        if len(args) != 3 + linear or not isinstance(args[0].type, TensorType):
            return None
        x, size, scales, flags = args[0], args[1], args[-1], args[2:2 + linear]
        if _is_none(size) and _is_none(scales):
            return None
        if not _is_none(size) and not _optional_list(size, IntType):
            return None
        if not _is_none(scales) and not _optional_list(scales, FloatType):
            return None
        out_type = b.output_type()

        def from_scales():
            lst = b.value("unchecked_cast", scales, type=ListType(FloatType()))
            factors = [b.value("list.get", lst, b.const(i), type=FloatType()) for i in range(spatial)]
            sizes = []
            for i, f in enumerate(factors):
                n = b.value("scalar.float", b.schema_op("size_dim", [x, b.const(i - spatial)])[0], type=FloatType())
                sizes.append(b.value("scalar.int", b.value("scalar.mul", n, f, type=FloatType()), type=IntType()))
            sizes = b.value("list.construct", *sizes, type=ListType(IntType()))
            return b.schema_op(name, [x, sizes, *flags, *factors])[0]

        def from_size():
            sizes = b.value("unchecked_cast", size, type=ListType(IntType()))
            return b.schema_op(name, [x, sizes, *flags, *(b.none() for _ in range(spatial))])[0]

        if _is_none(size):
            return [from_scales()]
        if _is_none(scales):
            return [from_size()]
        cond = b.value("is", size, b.none(), type=BoolType())
        then_region, else_region = _branch(b, from_scales), _branch(b, from_size)
        return list(b.add(IfOp(cond, [out_type], then_region, else_region)).results)
    return convert


ATEN_INTERPOLATE: dict = {}
for _name, (_mode, _spatial) in __import__("tsjit.ops.resampling", fromlist=["UPSAMPLE"]).UPSAMPLE.items():
    for _aten in REGISTRY[_name].aten:
        ATEN_INTERPOLATE[f"aten::{_aten}"] = _runtime_vec(_name, _mode in ("linear", "cubic"), _spatial,
                                                          EXTRA.get(f"aten::{_aten}"))


def _unsupported_antialias(b, node, args):
    b.op("raise", [b.const(f"{node.kind[6:]}: antialiased interpolation is not supported by tsjit")], [],
         exception=StringAttr("builtins.NotImplementedError"))
    return [b.uninitialized(b.output_type())]


ATEN_INTERPOLATE.setdefault("aten::_upsample_lanczos2d_aa", _unsupported_antialias)
