"""Upstream `tensor` ops: a tensor is an ndarray that is never mutated, so ops that "modify" a
tensor (insert, insert_slice, pad) build a new array, and views are safe results."""
from __future__ import annotations

from typing import Any

import numpy as np

from tsjit.backends.numpy.ops.upstream_common import (
    np_dtype,
    shape_of,
    sized_shape,
    slicer,
    static_ints,
    uninitialized,
)
from tsjit.backends.numpy.ops.upstream_structured import grid
from tsjit.backends.numpy.table import TERMINATORS, register

TERMINATORS.add("tensor.yield")


@register("tensor.empty")
def _empty(op, planner):
    t = op.tensor.type
    dtype = np_dtype(t)
    return lambda *sizes: uninitialized(sized_shape(t, sizes), dtype)


@register("tensor.extract")
def _extract(op, planner):
    return lambda t, *indices: t[tuple(indices)]


@register("tensor.insert")
def _insert(op, planner):
    def insert(value, dest, *indices):
        result = dest.copy()
        result[tuple(indices)] = value
        return result

    return insert


@register("tensor.extract_slice")
def _extract_slice(op, planner):
    index = slicer(op)
    return lambda source, *dynamic: source[index(*dynamic)]


@register("tensor.insert_slice")
def _insert_slice(op, planner):
    index = slicer(op)

    def insert_slice(source, dest, *dynamic):
        result = dest.copy()
        where = index(*dynamic)
        result[where] = source.reshape(result[where].shape)
        return result

    return insert_slice


@register("tensor.collapse_shape", "tensor.expand_shape")
def _reshape_static(op, planner):
    shape = shape_of(op.result.type)
    return lambda source, *dynamic: source.reshape(shape)


@register("tensor.reshape")
def _reshape(op, planner):
    return lambda source, shape: source.reshape(tuple(int(s) for s in shape))


@register("tensor.cast")
def _cast(op, planner):
    return lambda source: source


@register("tensor.splat")
def _splat(op, planner):
    t = op.result.type
    dtype = np_dtype(t)
    return lambda value, *sizes: np.full(sized_shape(t, sizes), value, dtype=dtype)


@register("tensor.from_elements")
def _from_elements(op, planner):
    t = op.result.type
    dtype, shape = np_dtype(t), shape_of(t)
    return lambda *elements: np.array(elements, dtype=dtype).reshape(shape)


@register("tensor.dim")
def _dim(op, planner):
    return lambda source, index: source.shape[index]


@register("tensor.concat")
def _concat(op, planner):
    dim = op.dim.value.data
    return lambda *inputs: np.concatenate(inputs, axis=dim)


@register("tensor.pad", env=True)
def _pad(op, planner):
    """The padding value is the region's yield, evaluated on index arrays over the result."""
    block = op.region.block
    body = planner.block(block)
    arg_slots = [planner.slot(a) for a in block.args]
    lows, highs = static_ints(op.static_low), static_ints(op.static_high)
    n_low = len(op.low)
    dtype = np_dtype(op.result.type)

    def pad(env: list, source: Any, *dynamic: int) -> np.ndarray:
        low = _fill(lows, dynamic[:n_low])
        high = _fill(highs, dynamic[n_low:])
        shape = [lo + s + hi for lo, s, hi in zip(low, source.shape, high)]
        for s, index in zip(arg_slots, grid(shape)):
            env[s] = index
        result = np.empty(shape, dtype=dtype)
        result[...] = body(env)
        result[tuple(slice(lo, lo + s) for lo, s in zip(low, source.shape))] = source
        return result

    return pad


def _fill(static: list[int], dynamic: tuple) -> list[int]:
    values = iter(dynamic)
    return [int(next(values)) if v < 0 else v for v in static]
