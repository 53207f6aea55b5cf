"""Reductions and softmax → `linalg.generic`s with reduction iterators.

A reduction over `dims` is one generic: parallel loops over the kept dims, reduction loops over
the others, into a `linalg.fill`ed init (0 for sums, 1 for prod, -inf/+inf for max/min, false/true
for any/all on `!= 0`). With `keepdim`, the output map reads the reduced dims at index 0 (so no
reshape follows). softmax is the stable kernel, four generics: max over dim, exp(x - max), sum
over dim, divide (log_softmax: x - max - log(sum)); logsumexp is the same shift by the max. mean,
var and std divide a sum by the count in their final elementwise generic. Reductions that give
positions (argmax, max along a dim) are in index_reductions.py, scans in scans.py.
"""
from __future__ import annotations

import math as pymath
from collections.abc import Callable, Sequence

from xdsl.builder import Builder
from xdsl.dialects import math
from xdsl.dialects.builtin import BFloat16Type, Float16Type, TensorType, f32, f64, i1
from xdsl.ir import Attribute, Operation, SSAValue

from tsjit.dialects.ts.types import is_float_dtype
from tsjit.lowering.elementwise import Kit, check_dtype
from tsjit.lowering.generic_builder import (
    convert, elementwise, filled, generic, identity_map, int_range, projection_map,
)
from tsjit.lowering.shape import reshape_value
from tsjit.lowering.table import Lower, NotLowerable

Combine = Callable[[Kit, SSAValue, SSAValue], SSAValue]


def _dims(dim, rank: int) -> list[int]:
    """The reduced dims, wrapped; None or [] means all (as sum/amax do)."""
    if dim is None or dim == []:
        return list(range(rank))
    dims = [dim] if isinstance(dim, int) else list(dim)
    for d in dims:
        if not -max(rank, 1) <= d < max(rank, 1):
            raise NotLowerable(f"dim {d} out of range for rank {rank}")
    return sorted({d % rank for d in dims}) if rank else []


def reduce(b: Builder, x: SSAValue, dims: Sequence[int], keepdim: bool, dtype: Attribute,
           init: float | int | bool, combine: Combine) -> SSAValue:
    """combine(kit, element converted to dtype, accumulator) folded over `dims` of x. Float sums
    accumulate in f64 and round once at the end (float32 summed element by element loses digits as
    the sum grows: 8M values near 100 came out 6% off); ts-wide-accumulators keeps the f64 sum in a
    register where the reduced dim is innermost."""
    if combine is _add and is_float_dtype(dtype) and dtype != f64:
        wide = reduce(b, x, dims, keepdim, f64, init, combine)
        return elementwise(b, [wide], TensorType(dtype, wide.type.get_shape()), lambda bb, a: convert(bb, a[0], dtype))
    shape = x.type.get_shape()
    kept = [None if d in dims else d for d in range(len(shape))] if keepdim else \
        [d for d in range(len(shape)) if d not in dims]
    out_shape = [1 if d is None else shape[d] for d in kept] if keepdim else [shape[d] for d in kept]
    out_type = TensorType(dtype, out_shape)

    def body(bb: Builder, args: Sequence[SSAValue]) -> list[SSAValue]:
        kit = Kit(bb, dtype)
        return [combine(kit, convert(bb, args[0], dtype), args[1])]

    iterators = ["reduction" if d in dims else "parallel" for d in range(len(shape))]
    return generic(b, [x], [identity_map(len(shape))], filled(b, out_type, init),
                   projection_map(len(shape), kept), iterators, body)


def lowest(dtype: Attribute) -> float | int | bool:
    if is_float_dtype(dtype):
        return -pymath.inf
    return False if dtype == i1 else int_range(dtype)[0]


def highest(dtype: Attribute) -> float | int | bool:
    if is_float_dtype(dtype):
        return pymath.inf
    return True if dtype == i1 else int_range(dtype)[1]


def _add(k: Kit, x, acc): return k.add(x, acc)
def _mul(k: Kit, x, acc): return k.mul(x, acc)
def _max(k: Kit, x, acc): return k.max(x, acc)
def _min(k: Kit, x, acc): return k.min(x, acc)


def _count(x: SSAValue, dims: Sequence[int]) -> int:
    shape = x.type.get_shape()
    return pymath.prod(shape[d] for d in dims)


def _input(op: Operation, lower: Lower) -> SSAValue:
    x = lower.tensor(0)
    check_dtype(x.type.element_type)
    check_dtype(lower.result_type().element_type)
    return x


def lower_sum(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    x, out = _input(op, lower), lower.result_type()
    dims = _dims(lower.constant(1), len(x.type.get_shape()))
    dtype = out.element_type
    if op.name == "ts.mean" and not is_float_dtype(dtype):
        raise NotLowerable(f"mean of {dtype}")
    if op.name == "ts.sum":
        return [reduce(lower.builder, x, dims, lower.constant(2), dtype, 0, _add)]
    # a half's mean is its float32 sum divided, then rounded once (as PyTorch: the sum of many
    # halves overflows 65504, and so may the count)
    wide = f32 if isinstance(dtype, Float16Type | BFloat16Type) else dtype
    total = reduce(lower.builder, x, dims, lower.constant(2), wide, 0, _add)
    n = _count(x, dims)
    return [elementwise(lower.builder, [total], out, lambda b, a: convert(
        b, Kit(b, wide).div(a[0], Kit(b, wide).c(n)), dtype))]


def lower_prod(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    x, out = _input(op, lower), lower.result_type()
    dims = _dims(lower.constant(1), len(x.type.get_shape()))
    return [reduce(lower.builder, x, dims, lower.constant(2), out.element_type, 1, _mul)]


def lower_logical(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    """any / all: each element as a bool (`!= 0`, so NaN is true), or-ed / and-ed."""
    x, out = _input(op, lower), lower.result_type()
    if out.element_type != i1:
        raise NotLowerable(f"{op.name} with a {out.element_type} result")
    dims = _dims(lower.constant(1), len(x.type.get_shape()))
    combine, init = (_max, False) if op.name == "ts.any" else (_min, True)
    return [reduce(lower.builder, x, dims, lower.constant(2), i1, init, combine)]


_EXTREMA = {"ts.amax": (_max, lowest), "ts.amin": (_min, highest), "ts.max": (_max, lowest),
            "ts.min": (_min, highest)}


def lower_extremum(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    x, out = _input(op, lower), lower.result_type()
    combine, init = _EXTREMA[op.name]
    full = op.name in ("ts.max", "ts.min")
    dims = _dims(None if full else lower.constant(1), len(x.type.get_shape()))
    if any(x.type.get_shape()[d] == 0 for d in dims):
        raise NotLowerable("max/min of an empty dimension is an error")
    keepdim = False if full else lower.constant(2)
    return [reduce(lower.builder, x, dims, keepdim, out.element_type, init(out.element_type), combine)]


def lower_var(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    """sum((x - mean)^2) / (n - correction), two passes in f64 as the kernel (a float32 square
    overflows where the variance does not; its root for std); var_mean and std_mean give the mean too."""
    x, out = _input(op, lower), lower.result_type()
    dtype = out.element_type
    if not is_float_dtype(x.type.element_type):
        raise NotLowerable(f"var of {x.type.element_type} is an error")
    dims = _dims(lower.constant(1), len(x.type.get_shape()))
    correction = lower.constant(2)
    correction = 1 if correction is None else correction
    n = _count(x, dims)
    b = lower.builder
    mean, ss = moments(b, x, dims, f64, keepdim=lower.constant(3))

    def finish(bb: Builder, a: Sequence[SSAValue]) -> SSAValue:
        k = Kit(bb, f64)
        v = k.div(a[0], k.c(max(n - correction, 0)))
        return convert(bb, k.math(math.SqrtOp, v) if op.name.startswith("ts.std") else v, dtype)
    spread = elementwise(b, [ss], out, finish)
    if op.name in ("ts.var", "ts.std"):
        return [spread]
    mean = elementwise(b, [mean], TensorType(dtype, mean.type.get_shape()), lambda bb, a: convert(bb, a[0], dtype))
    return [spread, reshape_value(lower, mean, tuple(lower.result_type(1).get_shape()))]


def lower_logsumexp(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    """log(sum(exp(x - m))) + m with m the max where it is finite, else 0 (so a slice of -inf gives
    -inf, and large values do not overflow); the sum accumulates in f64 as every float sum."""
    x, out = _input(op, lower), lower.result_type()
    dtype = out.element_type
    if not is_float_dtype(dtype):
        raise NotLowerable(f"logsumexp of {dtype}")
    dims = _dims(lower.constant(1), len(x.type.get_shape()))
    keepdim = lower.constant(2)
    b = lower.builder
    m = reduce(b, x, dims, True, dtype, lowest(dtype), _max)

    def finite_or_zero(bb: Builder, a: Sequence[SSAValue]) -> SSAValue:
        k = Kit(bb, dtype)
        return k.select(k.cmp("lt", k.absf(a[0]), k.c(pymath.inf)), a[0], k.c(0))
    shift = elementwise(b, [m], m.type, finite_or_zero)
    e = elementwise(b, [x, shift], TensorType(dtype, x.type.get_shape()),
                    lambda bb, a: Kit(bb, dtype).exp(Kit(bb, dtype).sub(convert(bb, a[0], dtype), a[1])))
    total = reduce(b, e, dims, keepdim, dtype, 0, _add)
    if not keepdim:
        shift = reshape_value(lower, shift, tuple(out.get_shape()))
    return [elementwise(b, [total, shift], out, lambda bb, a: Kit(bb, dtype).add(Kit(bb, dtype).log(a[0]), a[1]))]


def moments(b: Builder, x: SSAValue, dims: Sequence[int], dtype: Attribute,
            keepdim: bool = True) -> tuple[SSAValue, SSAValue]:
    """(mean with keepdim, sum of squared deviations from it) over dims, in dtype."""
    n = _count(x, dims)
    total = reduce(b, x, dims, True, dtype, 0, _add)
    mean = elementwise(b, [total], total.type, lambda bb, a: Kit(bb, dtype).div(a[0], Kit(bb, dtype).c(n)))
    squares = elementwise(b, [x, mean], TensorType(dtype, x.type.get_shape()), lambda bb, a: _square_diff(
        Kit(bb, dtype), convert(bb, a[0], dtype), a[1]))
    return mean, reduce(b, squares, dims, keepdim, dtype, 0, _add)


def _square_diff(k: Kit, x, m):
    d = k.sub(x, m)
    return k.mul(d, d)


def lower_softmax(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    x, out = _input(op, lower), lower.result_type()
    dtype = out.element_type
    if not is_float_dtype(dtype):
        raise NotLowerable(f"softmax of {dtype}")
    rank = len(x.type.get_shape())
    dims = _dims(lower.constant(1), rank)  # [] for a 0-d x: exp(x - x) / exp(x - x), nan for +-inf
    b = lower.builder
    full = TensorType(dtype, x.type.get_shape())
    m = reduce(b, x, dims, True, dtype, lowest(dtype), _max)
    shifted = elementwise(b, [x, m], full, lambda bb, a: Kit(bb, dtype).sub(convert(bb, a[0], dtype), a[1]))
    e = elementwise(b, [shifted], full, lambda bb, a: Kit(bb, dtype).math(math.ExpOp, a[0]))
    s = reduce(b, e, dims, True, dtype, 0, _add)
    if op.name == "ts.softmax":
        return [elementwise(b, [e, s], out, lambda bb, a: Kit(bb, dtype).div(a[0], a[1]))]
    return [elementwise(b, [shifted, s], out,
                        lambda bb, a: Kit(bb, dtype).sub(a[0], Kit(bb, dtype).math(math.LogOp, a[1])))]
