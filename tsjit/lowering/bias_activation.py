"""Epilogues a run-time call applies itself: `y = clamp(x + bias[channel], lo, hi)`.

A convolution followed by a folded batch norm and ReLU / ReLU6 (MobileNet's every layer) ends in
an elementwise generic adding a per-channel bias and clamping. Applied by the call as it writes
each output (`ep` = 1 in the run-time signatures), the result is written once instead of written,
read back and written again. The calls clamp with `v < lo ? lo : v`, then `v > hi ? hi : v` (the
form gcc vectorizes under -fno-trapping-math): NaN propagates as `arith.maximumf`/`minimumf` do,
and a tie of zeros keeps v, as torch.relu(-0.0) gives -0.0; so the value must be the first operand
of each. Absent bounds are -inf / +inf.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from xdsl.dialects import arith
from xdsl.dialects.builtin import FloatAttr, MemRefType
from xdsl.dialects.linalg import ops as linalg
from xdsl.ir import Block, Operation, SSAValue
from xdsl.ir.affine import AffineDimExpr, AffineMap

from tsjit.lowering.call_matching import contiguous
from tsjit.lowering.library_calls import root


@dataclass(frozen=True)
class BiasActivation:
    """What the call applies: the per-channel bias (a 1-D memref), then max with lo, min with hi."""

    bias: SSAValue
    lo: float
    hi: float


def match(g: linalg.GenericOp, source: SSAValue, channel: int) -> BiasActivation | None:
    """`g`'s body as bias + clamp of the element it reads from `source` (same buffer, point for
    point), the bias indexed by dimension `channel` alone; None if it is anything else."""
    maps: list[AffineMap] = [m.data for m in g.indexing_maps]
    operands = [*g.inputs, *g.outputs]
    block: Block = g.body.block
    x = bias = None
    for k, (value, m) in enumerate(zip(operands, maps)):
        if not isinstance(value.type, MemRefType):
            return None
        if root(value) is root(source) and m == AffineMap.identity(m.num_dims) and value.type.get_shape():
            x = block.args[k]
        elif k < len(g.inputs) and m.results == (AffineDimExpr(channel),) and len(value.type.get_shape()) == 1 \
                and contiguous(value.type):
            bias = (value, block.args[k])
        elif k < len(g.inputs):
            return None
    if x is None or bias is None:
        return None
    ops = [op for op in block.ops if not isinstance(op, arith.ConstantOp)]
    if not ops or not isinstance(ops[0], arith.AddfOp) or {*ops[0].operands} != {x, bias[1]} \
            or x is bias[1] or not isinstance(ops[-1], linalg.YieldOp):
        return None
    lo, hi, value = -math.inf, math.inf, ops[0].result
    for op in ops[1:-1]:
        bound = _bound(op, value)
        if bound is None or (isinstance(op, arith.MaximumfOp) and lo > -math.inf) \
                or (isinstance(op, arith.MinimumfOp) and hi < math.inf):
            return None
        if isinstance(op, arith.MaximumfOp):
            lo = bound
        else:
            hi = bound
        value = op.result
    if list(ops[-1].operands) != [value] or lo > hi or any(a.uses for a in block.args if a not in (x, bias[1])):
        return None
    return BiasActivation(bias[0], lo, hi)


def _bound(op: Operation, value: SSAValue) -> float | None:
    """The constant `op` (maximumf / minimumf of `value`, then a constant) clamps with."""
    if not isinstance(op, arith.MaximumfOp | arith.MinimumfOp) or op.operands[0] is not value:
        return None
    other = op.operands[1]
    owner = other.owner
    if not isinstance(owner, arith.ConstantOp) or not isinstance(owner.value, FloatAttr):
        return None
    bound = owner.value.value.data
    return None if math.isnan(bound) else bound
