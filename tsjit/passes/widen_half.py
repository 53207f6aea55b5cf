"""`ts-widen-half`: float16 ops compute in float32 and round once, as PyTorch's CPU kernels do.

Runs between ts-to-linalg and ts-fuse-elementwise, on tensors, where each linalg op is (part of)
one ts op; modules without f16 are left unchanged.

- A f16 matmul, convolution or summing `linalg.generic` (reduction iterators, the accumulator
  added to) would add each product to a f16 accumulator, rounding at every step: over a 64-long
  dot product the result was 0.03 off PyTorch's, which accumulates in float32. It runs on float32
  instead: its f16 inputs widened (a constant at compile time, a transpose or pad of f16 by
  transposing or padding the widened value, anything else by an `arith.extf` generic), its f16
  init filled or widened likewise, its result narrowed back by an `arith.truncf` generic. A f32
  matmul or convolution also takes the C backend's GEMM path (ts-contractions-to-calls).
- Any other generic whose body rounds to f16 more than once (a normalization's (x - mean) * rstd,
  addmm's beta * c + alpha * p) computes its body in float32 from widened block arguments and
  rounds what it yields: a layer_norm was 4 f16 ulps off PyTorch's, now one at most. A body
  rounding once (one add) gives PyTorch's result already; elementwise ops compute f16 in float32
  as they lower (tsjit/lowering/elementwise.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects import arith, tensor
from xdsl.dialects.builtin import (
    AffineMapAttr, BFloat16Type, DenseIntOrFPElementsAttr, Float16Type, FloatAttr, ModuleOp, TensorType, f32,
)
from xdsl.dialects.linalg.attrs import IteratorTypeAttr
from xdsl.dialects.linalg.ops import ConvOperation, FillOp, GenericOp, MatmulOp, TransposeOp, YieldOp
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.ir.affine import AffineMap
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from tsjit.dialects.ts.constant import dense_to_numpy, numpy_to_dense

#: body ops whose f16 result is a rounding of a float computation
_ROUNDING = frozenset({"arith.addf", "arith.subf", "arith.mulf", "arith.divf", "arith.truncf", "arith.sitofp",
                       "arith.uitofp"})
#: math ops that give a value of their operand's type exactly
_EXACT_MATH = frozenset({"math.absf", "math.copysign", "math.floor", "math.ceil", "math.round", "math.roundeven",
                         "math.trunc"})


def _half(t: Attribute) -> bool:
    return isinstance(t.element_type if isinstance(t, TensorType) else t, Float16Type | BFloat16Type)


def _wide(t: Attribute) -> Attribute:
    """t with f16 (as a scalar or a tensor's elements) replaced by f32."""
    if isinstance(t, TensorType) and _half(t):
        return TensorType(f32, t.get_shape())
    return f32 if _half(t) else t


def _roundings(body: Block) -> int:
    return sum(1 for op in body.ops if op.results and _half(op.results[0].type) and (
        op.name in _ROUNDING or op.name.startswith("math.") and op.name not in _EXACT_MATH))


def _retypable(body: Block) -> bool:
    return all(not op.regions for op in body.ops)


def _accumulates(op: GenericOp) -> bool:
    """A reduction generic whose accumulator (the init's block argument) is added to."""
    if not any(i == IteratorTypeAttr.reduction() for i in op.iterator_types):
        return False
    acc = op.body.block.args[-1]
    return any(isinstance(use.operation, arith.AddfOp | arith.SubfOp) for use in acc.uses)


def _accumulating_target(op: Operation) -> bool:
    if len(op.results) != 1 or not _half(op.results[0].type):
        return False
    if isinstance(op, MatmulOp | ConvOperation):
        return True
    return isinstance(op, GenericOp) and _accumulates(op) and _retypable(op.body.block)


def _body_target(op: Operation) -> bool:
    """A generic rounding to f16 more than once; not one that gathers (grid_sample: ATen's scalar
    CPU kernel for f16 rounds each step, and the lowering takes the same steps)."""
    return isinstance(op, GenericOp) and any(_half(r.type) for r in op.results) and not _accumulates(op) \
        and _retypable(op.body.block) and _roundings(op.body.block) > 1 and not any(
            isinstance(inner, tensor.ExtractOp) for inner in op.body.block.ops)


class _Widener:
    """Builds f32 versions of f16 tensor values before a given op (each value once per block)."""

    def __init__(self) -> None:
        self.done: dict[tuple[SSAValue, Block | None], SSAValue] = {}

    def value(self, v: SSAValue, before: Operation) -> SSAValue:
        if not _half(v.type):
            return v
        key = (v, before.parent_block())  # reused by later ops of the same block, which it dominates
        if key not in self.done:
            self.done[key] = self._build(v, before)
        return self.done[key]

    def _build(self, v: SSAValue, before: Operation) -> SSAValue:
        owner = v.owner
        at = InsertPoint.before(before)
        if isinstance(owner, arith.ConstantOp) and isinstance(owner.value, DenseIntOrFPElementsAttr):
            wide = dense_to_numpy(owner.value).astype(np.float32)
            return _insert(arith.ConstantOp(numpy_to_dense(wide)), at).results[0]
        if isinstance(owner, TransposeOp):
            source = self.value(owner.inputs[0], before)
            init = _insert(tensor.EmptyOp([], _wide(v.type)), at).results[0]
            return _insert(TransposeOp(source, init, owner.permutation, _wide(v.type)), at).results[0]
        if isinstance(owner, tensor.PadOp) and not owner.low and not owner.high:
            pad_value = _constant_yield(owner.region)
            if pad_value is not None:
                block = Block(arg_types=[a.type for a in owner.region.block.args])
                constant = arith.ConstantOp(FloatAttr(pad_value, f32))
                block.add_ops([constant, tensor.YieldOp(constant.result)])
                op = tensor.PadOp(self.value(owner.source, before), [], [], Region(block), owner.static_low,
                                  owner.static_high, _wide(v.type))
                return _insert(op, at).results[0]
        return _convert(v, _wide(v.type), arith.ExtFOp, at)

    def init(self, v: SSAValue, before: Operation) -> SSAValue:
        """The f32 init of a widened op: a fill of a constant refilled in f32, else widened."""
        owner = v.owner
        if isinstance(owner, FillOp) and isinstance(owner.inputs[0].owner, arith.ConstantOp):
            at = InsertPoint.before(before)
            constant = _insert(arith.ConstantOp(FloatAttr(owner.inputs[0].owner.value.value.data, f32)), at)
            empty = _insert(tensor.EmptyOp([], _wide(v.type)), at)
            return _insert(FillOp([constant.result], [empty.results[0]], [_wide(v.type)]), at).results[0]
        return self.value(v, before)


def _constant_yield(region: Region) -> float | None:
    ops = list(region.block.ops)
    if len(ops) == 2 and isinstance(ops[0], arith.ConstantOp) and isinstance(ops[1], tensor.YieldOp):
        return ops[0].value.value.data
    return None


def _insert(op: Operation, at: InsertPoint) -> Operation:
    Rewriter.insert_op(op, at)
    return op


def _convert(v: SSAValue, to: TensorType, cast, at: InsertPoint) -> SSAValue:
    """An elementwise generic casting tensor `v` to type `to` with `cast` (extf or truncf)."""
    rank = len(to.get_shape())
    block = Block(arg_types=[v.type.element_type, to.element_type])
    converted = cast(block.args[0], to.element_type)
    block.add_ops([converted, YieldOp(converted.result)])
    identity = AffineMapAttr(AffineMap.identity(rank))
    empty = _insert(tensor.EmptyOp([], to), at)
    op = GenericOp([v], [empty.results[0]], Region(block), [identity, identity],
                   [IteratorTypeAttr.parallel()] * rank, [to])
    return _insert(op, at).results[0]


def _copy_widened(old: Block, block: Block, mapping: dict[SSAValue, SSAValue]) -> None:
    """Append `old`'s ops but its yield to `block`, arith and math computing in f32 where they
    computed in f16; other ops (tensor.extract) keep their types, between casts."""
    for inner in old.ops:
        if isinstance(inner, YieldOp):
            continue
        operands = [mapping.get(o, o) for o in inner.operands]
        if isinstance(inner, arith.ExtFOp | arith.TruncFOp) and operands[0].type == _wide(inner.result.type):
            mapping[inner.result] = operands[0]  # f16 <-> f32 casts vanish
            continue
        if isinstance(inner, arith.ConstantOp) and _half(inner.result.type):
            new = arith.ConstantOp(FloatAttr(inner.value.value.data, f32))
        elif inner.name.split(".")[0] in ("arith", "math") and inner.name != "arith.bitcast":
            new = type(inner).create(operands=operands, result_types=[_wide(r.type) for r in inner.results],
                                     properties=dict(inner.properties), attributes=dict(inner.attributes))
        else:
            operands = [_cast(block, v, o.type) for v, o in zip(operands, inner.operands)]
            new = type(inner).create(operands=operands, result_types=[r.type for r in inner.results],
                                     properties=dict(inner.properties), attributes=dict(inner.attributes))
            block.add_op(new)
            mapping.update((r, _cast(block, n, _wide(n.type))) for r, n in zip(inner.results, new.results))
            continue
        block.add_op(new)
        mapping.update(zip(inner.results, new.results))


def _cast(block: Block, v: SSAValue, t: Attribute) -> SSAValue:
    """`v` as type `t` (f16 <-> f32 casts appended to `block`)."""
    if v.type == t or not (_half(t) or _half(v.type)):
        return v
    cast = arith.TruncFOp(v, t) if _half(t) else arith.ExtFOp(v, t)
    block.add_op(cast)
    return cast.result


def _yield(block: Block, values: list[SSAValue], types: list[Attribute]) -> None:
    """The block's yield of `values`, each narrowed to f16 where `types` says f16."""
    block.add_op(YieldOp(*(_cast(block, v, t) if _half(t) else v for v, t in zip(values, types))))


def widen_accumulation(op: Operation, widener: _Widener) -> None:
    """Replace `op` by its f32 version between widened operands and a narrowing generic."""
    inputs = [widener.value(v, op) for v in op.inputs]
    init = widener.init(op.outputs[0], op)
    result_type = _wide(op.results[0].type)
    if isinstance(op, GenericOp):
        old = op.body.block
        block = Block(arg_types=[_wide(a.type) for a in old.args])
        mapping: dict[SSAValue, SSAValue] = dict(zip(old.args, block.args))
        _copy_widened(old, block, mapping)
        _yield(block, [mapping.get(v, v) for v in old.last_op.operands], [f32])
        new = GenericOp(inputs, [init], Region(block), op.indexing_maps, op.iterator_types, [result_type],
                        op.doc, op.library_call)
    elif isinstance(op, ConvOperation):
        new = type(op)(inputs, [init], [result_type], dict(op.attributes), strides=op.strides,
                       dilations=op.dilations)
    else:
        new = type(op)(inputs, [init], [result_type], dict(op.attributes))
    _insert(new, InsertPoint.before(op))
    narrow = _convert(new.results[0], op.results[0].type, arith.TruncFOp, InsertPoint.before(op))
    op.results[0].replace_all_uses_with(narrow)
    old_inputs = [*op.inputs, *op.outputs]
    op.detach()
    op.erase()
    _erase_dead(old_inputs)


def widen_body(op: GenericOp) -> None:
    """Make the generic's body widen its f16 arguments, compute in f32 and narrow what it yields."""
    old = op.body.block
    block = Block(arg_types=[a.type for a in old.args])
    mapping: dict[SSAValue, SSAValue] = {}
    for arg_old, arg in zip(old.args, block.args):
        if _half(arg.type) and arg_old.uses:
            wide = arith.ExtFOp(arg, f32)
            block.add_op(wide)
            arg = wide.result
        mapping[arg_old] = arg
    _copy_widened(old, block, mapping)
    _yield(block, [mapping.get(v, v) for v in old.last_op.operands], [a.type for a in old.args[len(op.inputs):]])
    op.body.detach_block(old)
    op.body.add_block(block)
    old.erase(safe_erase=False)


def _erase_dead(values: list[SSAValue]) -> None:
    """Producers of the replaced op's operands that nothing uses any more (its f16 fill, transposed copy)."""
    work = list(values)
    while work:
        v = work.pop()
        owner = v.owner
        if isinstance(owner, Operation) and owner.parent is not None and not any(r.uses for r in owner.results) \
                and isinstance(owner, FillOp | TransposeOp | tensor.EmptyOp | tensor.PadOp | arith.ConstantOp):
            work += list(owner.operands)
            owner.detach()
            owner.erase()


@dataclass(frozen=True)
class TsWidenHalfPass(ModulePass):
    """f16 matmuls, convolutions and summing reductions on tensors -> f32 ones between casts;
    f16 generics rounding more than once -> computed in f32, rounded once."""

    name = "ts-widen-half"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        widener = _Widener()
        for target in [o for o in op.walk() if _accumulating_target(o) or _body_target(o)]:
            if _accumulating_target(target):
                widen_accumulation(target, widener)
            else:
                widen_body(target)
