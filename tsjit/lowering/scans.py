"""Scans along one dim (cumsum, cumprod, logcumsumexp, cummax / cummin) -> an `scf.for` over the dim.

A scan's output at i depends on its output at i - 1, which no linalg indexing map says, so the
dim is a loop: it carries the results and a running state (the slice across the other dims, size
1 along the scanned one). Each step reads the slice x[..., i, ...] (an extract_slice at the loop's
offset), computes the new state from it with one all-parallel generic per state, and writes it
into the results at i (insert_slice). The position i, where a step needs it (cummax's indices),
is read from a one-element slice of a constant iota, so generic bodies use only their operands.
Float sums and products carry the state in f64 (f32 for f16 and bf16) and round each output, as
PyTorch's CPU kernels accumulate.
"""
from __future__ import annotations

import math as pymath
from collections.abc import Callable, Sequence

from xdsl.builder import Builder
from xdsl.dialects import arith, scf, tensor
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX, DenseIntOrFPElementsAttr, IndexType, TensorType, bf16, f16, f32, f64, i64,
)
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.rewriter import InsertPoint

from tsjit.dialects.ts.types import is_float_dtype
from tsjit.lowering.elementwise import Kit, check_dtype
from tsjit.lowering.generic_builder import convert, elementwise, empty, filled
from tsjit.lowering.reductions import highest, lowest
from tsjit.lowering.shape import reshape_value
from tsjit.lowering.table import Lower, NotLowerable

#: step(builder, x element, old state elements, position i as i64) -> the new value of one state
Step = Callable[[Builder, SSAValue, Sequence[SSAValue], SSAValue], SSAValue]


def _iota(b: Builder, n: int) -> SSAValue:
    t = TensorType(i64, [n])
    return b.insert(arith.ConstantOp(DenseIntOrFPElementsAttr.from_list(t, list(range(n))), t)).results[0]


def _index(b: Builder, n: int) -> SSAValue:
    return b.insert(arith.ConstantOp.from_int_and_width(n, IndexType())).result


def scan(lower: Lower, x: SSAValue, dim: int, states: Sequence[tuple[Attribute, float | int | bool]],
         steps: Sequence[Step], results: Sequence[TensorType], positions: bool = False) -> list[SSAValue]:
    """Results k = state k after each position along `dim` (converted to results[k]'s dtype). The
    states start at their (dtype, value) and steps[k] gives state k's next value from the old ones
    (and the position, with `positions`; else None)."""
    shape = tuple(x.type.get_shape())
    if not shape:  # a 0-d tensor scans its one element
        flat = scan(lower, reshape_value(lower, x, (1,)), 0, states, steps,
                    [TensorType(r.element_type, [1]) for r in results], positions)
        return [reshape_value(lower, v, ()) for v in flat]
    b = lower.builder
    if pymath.prod(shape) == 0:  # (filled: a function's result may not be a bare tensor.empty)
        return [filled(b, r, 0) for r in results]
    rank, n = len(shape), shape[dim]
    unit = shape[:dim] + (1,) + shape[dim + 1:]
    inits = [filled(b, TensorType(t, unit), v) for t, v in states]
    outs = [empty(b, r) for r in results]
    iota = _iota(b, n) if positions else None
    block = Block(arg_types=[IndexType(), *(v.type for v in outs), *(v.type for v in inits)])
    loop = b.insert(scf.ForOp(_index(b, 0), _index(b, n), _index(b, 1), [*outs, *inits], Region(block)))
    bb = Builder(InsertPoint.at_end(block))
    i = block.args[0]
    offsets = [i if d == dim else 0 for d in range(rank)]
    xi = bb.insert(tensor.ExtractSliceOp(x, offsets, list(unit), [1] * rank,
                                         TensorType(x.type.element_type, unit))).results[0]
    old = list(block.args[1 + len(outs):])
    at = [bb.insert(tensor.ExtractSliceOp(iota, [i], [1], [1], TensorType(i64, [1]))).results[0]] if positions else []

    def body(step: Step) -> Callable[[Builder, Sequence[SSAValue]], SSAValue]:
        return lambda b2, a: step(b2, a[0], a[1 + len(at):], a[1] if at else None)
    new = [elementwise(bb, [xi, *at, *old], TensorType(t, unit), body(step)) for (t, _), step in zip(states, steps)]
    written = []
    for k, r in enumerate(results):
        v = new[k]
        if v.type.element_type != r.element_type:
            v = elementwise(bb, [v], TensorType(r.element_type, unit), lambda b2, a, t=r.element_type: convert(b2, a[0], t))
        static = [DYNAMIC_INDEX if d == dim else 0 for d in range(rank)]
        written.append(bb.insert(tensor.InsertSliceOp.get(v, block.args[1 + k], list(unit), static, [1] * rank,
                                                          offsets=[i])).results[0])
    bb.insert(scf.YieldOp(*written, *new))
    return list(loop.results[:len(results)])


def _setup(op: Operation, lower: Lower) -> tuple[SSAValue, int]:
    x = lower.tensor(0)
    rank = len(x.type.get_shape())
    dim = lower.constant(1)
    if not -max(rank, 1) <= dim < max(rank, 1):
        raise NotLowerable(f"dim {dim} out of range for rank {rank}")
    for t in [x.type.element_type, *(lower.result_type(j).element_type for j in range(len(op.results)))]:
        check_dtype(t)
    return x, dim % max(rank, 1)


def _wide(t: Attribute) -> Attribute:
    """The running state's type, PyTorch's CPU accumulate type: f32 for f16 and bf16, f64 for the
    other floats, else the result's (tsjit.kernels.promotion.cpu_accumulate_type)."""
    if t in (f16, bf16):
        return f32
    return f64 if is_float_dtype(t) else t


def lower_cumulative(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    """cumsum / cumprod: x converted to the result dtype, added or multiplied into the state."""
    x, dim = _setup(op, lower)
    out = lower.result_type()
    t, wide = out.element_type, _wide(out.element_type)
    product = op.name == "ts.cumprod"

    def step(b: Builder, xe: SSAValue, state: Sequence[SSAValue], _) -> SSAValue:
        k = Kit(b, wide)
        v = convert(b, convert(b, xe, t), wide)
        return k.mul(state[0], v) if product else k.add(state[0], v)
    return scan(lower, x, dim, [(wide, 1 if product else 0)], [step], [out])


def lower_logcumsumexp(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    """log(exp(state) + exp(x)) as ATen's _log_add_exp_helper: log1p(exp(lo - hi)) + hi, except
    that equal infinities stay (NaN propagates through the min/max)."""
    x, dim = _setup(op, lower)
    out = lower.result_type()
    if not is_float_dtype(x.type.element_type):
        raise NotLowerable("logcumsumexp of an integer tensor is an error")
    wide = _wide(out.element_type)

    def step(b: Builder, xe: SSAValue, state: Sequence[SSAValue], _) -> SSAValue:
        k = Kit(b, wide)
        v = convert(b, xe, wide)
        lo, hi = k.min(v, state[0]), k.max(v, state[0])
        general = k.cmp("ne", lo, hi)
        general = k.op(arith.OrIOp(general, k.cmp("lt", k.absf(lo), k.c(pymath.inf))))
        return k.select(general, k.add(k.log1p(k.exp(k.sub(lo, hi))), hi), v)
    return scan(lower, x, dim, [(wide, -pymath.inf)], [step], [out])


def lower_cumulative_extremum(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    """cummax / cummin: (values, indices); the latest of equal values wins, and a NaN stays (its
    index moving to each later NaN), as PyTorch's kernel."""
    x, dim = _setup(op, lower)
    t = x.type.element_type
    pred, init = ("ge", lowest(t)) if op.name == "ts.cummax" else ("le", highest(t))

    def take(k: Kit, xe: SSAValue, best: SSAValue) -> SSAValue:
        better = k.cmp(pred, xe, best)
        if not k.float:
            return better
        return k.op(arith.OrIOp(k.cmp_raw("uno", xe, xe), k.op(arith.AndIOp(k.cmp_raw("ord", best, best), better))))

    def index_step(b: Builder, xe: SSAValue, state: Sequence[SSAValue], i: SSAValue) -> SSAValue:
        return Kit(b, t).select(take(Kit(b, t), xe, state[0]), i, state[1])

    def value_step(b: Builder, xe: SSAValue, state: Sequence[SSAValue], _) -> SSAValue:
        return Kit(b, t).select(take(Kit(b, t), xe, state[0]), xe, state[0])
    return scan(lower, x, dim, [(t, init), (i64, 0)], [value_step, index_step],
                [lower.result_type(0), lower.result_type(1)], positions=True)
