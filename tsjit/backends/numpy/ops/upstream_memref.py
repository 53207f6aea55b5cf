"""Upstream `memref` ops: a memref is an ndarray written in place; subviews and reshapes are
numpy *views* of their source (a reshape that would need a copy is an error, as it would
break aliasing)."""
from __future__ import annotations

from weakref import WeakKeyDictionary

import numpy as np
from xdsl.dialects.builtin import DenseIntOrFPElementsAttr
from xdsl.traits import SymbolTable

from tsjit.backends.numpy.ops.upstream_common import np_dtype, shape_of, sized_shape, slicer, uninitialized
from tsjit.backends.numpy.table import register
from tsjit.dialects.ts.constant import dense_to_numpy


@register("memref.alloc", "memref.alloca")
def _alloc(op, planner):
    t = op.memref.type
    dtype = np_dtype(t)
    n_dynamic = len(op.dynamic_sizes)
    return lambda *operands: uninitialized(sized_shape(t, operands[:n_dynamic]), dtype)


@register("memref.dealloc")
def _dealloc(op, planner):
    return lambda memref: None


@register("memref.load")
def _load(op, planner):
    return lambda memref, *indices: memref[tuple(indices)]


@register("memref.store")
def _store(op, planner):
    def store(value, memref, *indices):
        memref[tuple(indices)] = value

    return store


@register("memref.subview")
def _subview(op, planner):
    index = slicer(op)
    return lambda source, *dynamic: source[index(*dynamic)]


@register("memref.copy")
def _copy(op, planner):
    def copy(source, target):
        target[...] = source

    return copy


@register("memref.cast")
def _cast(op, planner):
    return lambda source: source


@register("memref.collapse_shape", "memref.expand_shape")
def _reshape(op, planner):
    shape = shape_of(op.result.type)

    def reshape(source, *dynamic):
        view = source.view()
        view.shape = shape  # raises instead of copying when the layout does not allow a view
        return view

    return reshape


@register("memref.dim")
def _dim(op, planner):
    return lambda source, index: source.shape[index]


@register("memref.rank")
def _rank(op, planner):
    return lambda source: source.ndim


#: program -> {global name -> its array}: every get_global of a program sees the same buffer
_GLOBALS: WeakKeyDictionary = WeakKeyDictionary()


@register("memref.get_global")
def _get_global(op, planner):
    name = op.name_.string_value()
    program = planner.program
    arrays = _GLOBALS.setdefault(program, {})
    if name not in arrays:
        glob = SymbolTable.lookup_symbol(op, name)
        if glob is None:
            raise ValueError(f"memref.global @{name} not found")
        t, value = glob.type, glob.initial_value
        if isinstance(value, DenseIntOrFPElementsAttr):
            array = np.array(np.broadcast_to(dense_to_numpy(value), shape_of(t)), dtype=np_dtype(t))
        else:
            array = uninitialized(shape_of(t), np_dtype(t))
        if glob.constant is not None:
            array.flags.writeable = False
        arrays[name] = array
    array = arrays[name]
    return lambda: array
