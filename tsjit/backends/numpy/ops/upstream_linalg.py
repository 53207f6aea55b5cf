"""Upstream `linalg` ops on ndarrays: on tensors they return new arrays (their `outs` are not
mutated), on memrefs they write their `outs` in place and return nothing.

`linalg.generic` is evaluated vectorised (upstream_structured.py). Named ops with a direct
numpy form use it (matmul, fill, copy, transpose, broadcast, elementwise ops, NCHW conv and
max-pool); any other structured op (the other convolutions...) runs its own region through
its indexing maps like a generic.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from tsjit.backends.numpy.ops.upstream_common import static_ints
from tsjit.backends.numpy.ops.upstream_structured import INDEX_SLOTS, reducers, structured
from tsjit.backends.numpy.table import TERMINATORS, register
from tsjit.ops.convolution import conv2d

TERMINATORS.add("linalg.yield")


def _maps(op) -> list:
    return [getattr(m, "data", m) for m in op.get_indexing_maps()]


def _is_reduction(t) -> bool:
    return t.data.value == "reduction"


@register("linalg.generic", env=True)
def _generic(op, planner):
    return structured(op, planner, _maps(op), [_is_reduction(t) for t in op.iterator_types],
                      op.body.block, len(op.inputs))


@register("linalg.index", env=True)
def _index(op, planner):
    structured_op = op.parent_op()
    slot = INDEX_SLOTS[planner][structured_op]
    dim = op.dim.value.data

    def index(env: list) -> Any:
        return env[slot][dim]

    return index


def _named(compute: Callable[..., np.ndarray]) -> Callable:
    """prepare for a named op: `compute(op)` gives fn(*ins, out) -> the new value of `out`."""
    def prepare(op, planner):
        fn = compute(op)
        n_in = len(op.operands) - 1  # one output

        if op.results:
            def on_tensor(*operands):
                out = operands[n_in]
                return np.asarray(fn(*operands[:n_in], out), dtype=out.dtype).reshape(out.shape)

            return on_tensor

        def on_memref(*operands):
            out = operands[n_in]
            out[...] = fn(*operands[:n_in], out)

        return on_memref

    return prepare


def _elementwise(ufunc: Callable) -> Callable:
    return _named(lambda op: lambda *args: np.broadcast_to(ufunc(*args[:-1]), args[-1].shape))


ELEMENTWISE = {
    "add": np.add, "sub": np.subtract, "mul": np.multiply,
    "max": np.maximum, "min": np.minimum, "exp": np.exp, "log": np.log, "sqrt": np.sqrt,
    "select": lambda c, a, b: np.where(c, a, b),
}
for _name, _ufunc in ELEMENTWISE.items():
    def _errstate_ufunc(*args, f=_ufunc):
        with np.errstate(all="ignore"):
            return f(*args)

    register(f"linalg.{_name}")(_elementwise(_errstate_ufunc))


register("linalg.matmul")(_named(lambda op: lambda a, b, c: c + np.matmul(a, b).astype(c.dtype, copy=False)))
register("linalg.copy")(_named(lambda op: lambda a, c: a))


@register("linalg.fill")
@_named
def _fill(op):
    return lambda value, out: np.full(out.shape, value, dtype=out.dtype)


@register("linalg.transpose")
@_named
def _transpose(op):
    permutation = static_ints(op.permutation)
    return lambda a, out: a.transpose(permutation)


@register("linalg.broadcast")
@_named
def _broadcast(op):
    dims = static_ints(op.dimensions)
    return lambda a, out: np.broadcast_to(np.expand_dims(a, dims), out.shape).copy()


@register("linalg.reduce", env=True)
def _reduce(op, planner):
    """ufunc.reduce for a recognised combiner, else the region in order over the reduced dims."""
    dims = tuple(static_ints(op.dimensions))
    block = op.region.block
    n_in = 1  # xDSL 0.74: one input, one init
    found = reducers(block, n_in)
    has_result = bool(op.results)
    body = planner.block(block)
    slots = [planner.slot(a) for a in block.args]

    def reduce(env: list, *operands):
        ins, inits = operands[:n_in], operands[n_in:]
        outs = [np.array(o) for o in inits] if has_result else list(inits)
        with np.errstate(all="ignore"):
            if found is not None:
                for out, (ufunc, _), value in zip(outs, found, ins):
                    out[...] = ufunc(out, ufunc.reduce(value, axis=dims))
            else:
                acc = [o.copy() for o in outs]
                moved = [np.moveaxis(v, dims, range(len(dims))) for v in ins]
                for point in np.ndindex(*(ins[0].shape[d] for d in dims)):
                    for s, v in zip(slots, [*(m[point] for m in moved), *acc]):
                        env[s] = v
                    values = body(env)
                    acc = [values] if len(outs) == 1 else list(values)
                for out, value in zip(outs, acc):
                    out[...] = value
        if not has_result:
            return None
        return outs[0] if len(outs) == 1 else tuple(outs)

    return reduce


@register("linalg.conv_2d_nchw_fchw")
@_named
def _conv(op):
    strides = static_ints(op.strides) if op.strides is not None else [1, 1]
    dilations = static_ints(op.dilations) if op.dilations is not None else [1, 1]

    def conv(x, w, out):
        return out + conv2d(x, w.astype(x.dtype, copy=False), None, strides, 0, dilations, 1)[
            :, :, :out.shape[2], :out.shape[3]].astype(out.dtype, copy=False)

    return conv


@register("linalg.pooling_nchw_max")
@_named
def _max_pool(op):
    (sh, sw) = static_ints(op.strides) if op.strides is not None else [1, 1]
    (dh, dw) = static_ints(op.dilations) if op.dilations is not None else [1, 1]

    def pool(x, window, out):
        kh, kw = window.shape
        win = sliding_window_view(x, (dh * (kh - 1) + 1, dw * (kw - 1) + 1), axis=(2, 3))
        pooled = win[:, :, ::sh, ::sw, ::dh, ::dw].max(axis=(-2, -1))
        return np.maximum(out, pooled[:, :, :out.shape[2], :out.shape[3]])

    return pool


def _as_generic(op, planner):
    """Any other structured op: its region through its indexing maps."""
    iterators = [_is_reduction(t) for t in op.get_iterator_types()]
    return structured(op, planner, _maps(op), iterators, op.body.block, len(op.inputs))


for _name in ("conv_2d_nhwc_hwcf", "conv_2d_nhwc_fhwc", "conv_2d_ngchw_fgchw", "conv_2d_ngchw_gfchw",
              "conv_2d_nhwgc_gfhwc", "quantized_matmul"):
    register(f"linalg.{_name}", env=True)(_as_generic)
