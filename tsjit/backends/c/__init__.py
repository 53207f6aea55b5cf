"""tsjit's C backend: loop-level IR rendered to C99 (render.py), built and cached (build.py),
called through ctypes with numpy arrays passed by pointer, never copied.

    lib = CBackend().compile(lowered_module)     # a module after `ts-lower-to-loops`
    lib.call("forward", x, out)                  # memref arguments: C-contiguous arrays of the exact shape
"""
from __future__ import annotations

import ctypes
import os
import shutil
import tempfile
import threading
from typing import Any

import numpy as np
from xdsl.dialects.builtin import MemRefType, ModuleOp
from xdsl.dialects.func import FuncOp

from tsjit.backends.c.build import CCompileError, build, find_compiler
from tsjit.backends.c.render import RenderedC, UnsupportedOp, c_type, render, render_module
from tsjit.backends.numpy.ops.upstream_common import np_dtype
from tsjit.lowering.run_time_errors import formatted, messages, templates
from tsjit.threads import adopt_library

__all__ = ["CBackend", "CLibrary", "CCompileError", "RenderedC", "UnsupportedOp", "find_compiler", "render",
           "render_module"]

_CTYPES = {"float": ctypes.c_float, "double": ctypes.c_double, "bool": ctypes.c_bool,
           "int64_t": ctypes.c_int64, "int32_t": ctypes.c_int32, "int16_t": ctypes.c_int16, "int8_t": ctypes.c_int8,
           "uint64_t": ctypes.c_uint64, "uint32_t": ctypes.c_uint32, "uint16_t": ctypes.c_uint16,
           "uint8_t": ctypes.c_uint8}


_byte = ctypes.c_byte


def _address(array: np.ndarray) -> int:
    """The address of an array's first element: through the buffer protocol (a few times faster
    than `.ctypes.data`), which needs a writable, non-empty buffer; else through `.ctypes`."""
    try:
        return ctypes.addressof(_byte.from_buffer(array))
    except (TypeError, ValueError):
        return array.ctypes.data


class CFunction:
    """One compiled function: checks its arrays (dtype, shape, C order, no overlap) and calls it.

    The per-argument expectations are computed once, so a call costs little more than ctypes'
    own (a LeNet-size model runs in about a millisecond)."""

    def __init__(self, name: str, symbol, func: FuncOp):
        types = func.function_type.inputs.data
        self.name, self.symbol, self.types = name, symbol, list(types)
        self.written = written_arguments(func)
        self.memrefs = [(i, tuple(t.get_shape()), np.dtype(np_dtype(t)), i in self.written)
                        for i, t in enumerate(types) if isinstance(t, MemRefType)]
        symbol.restype = None
        symbol.argtypes = [ctypes.c_void_p if isinstance(t, MemRefType) else _CTYPES[c_type(t)] for t in types]

    def __call__(self, *args: Any) -> None:
        if len(args) != len(self.types):
            raise TypeError(f"{self.name}: expected {len(self.types)} arguments, got {len(args)}")
        converted = list(args)
        spans = []
        for i, shape, dtype, written in self.memrefs:
            arg = args[i]
            if not isinstance(arg, np.ndarray) or arg.dtype != dtype or arg.shape != shape \
                    or not arg.flags.c_contiguous or (written and not arg.flags.writeable):
                self._check(i, arg, self.types[i])
            start = _address(arg)
            converted[i] = start
            spans.append((start, start + arg.nbytes, written))
        if len(spans) > 1:  # the C parameters are restrict pointers: nothing written may overlap
            for k, (lo, hi, w) in enumerate(spans):
                for lo2, hi2, w2 in spans[k + 1:]:
                    if (w or w2) and lo < hi2 and lo2 < hi:
                        raise ValueError(f"{self.name}: memref arguments must not overlap")
        self.symbol(*converted)

    def _check(self, i: int, arg: Any, t: MemRefType) -> None:
        shape, dtype = tuple(t.get_shape()), np_dtype(t)
        if not isinstance(arg, np.ndarray) or arg.dtype != dtype or arg.shape != shape \
                or not arg.flags.c_contiguous:
            if not isinstance(arg, np.ndarray):
                got = type(arg).__name__
            elif arg.dtype == dtype and arg.shape == shape:
                got = f"a {dtype}{list(shape)} that is not C-contiguous (strides {list(arg.strides)})"
            else:
                got = f"{arg.dtype}{list(arg.shape)}"
            raise TypeError(f"{self.name}: argument {i} must be a C-contiguous {dtype}{list(shape)} ndarray, "
                            f"got {got}")
        if i in self.written and not arg.flags.writeable:
            raise ValueError(f"{self.name}: argument {i} is read-only (C functions may write memrefs)")
        raise TypeError(f"{self.name}: argument {i} must be an ndarray, got {type(arg).__name__}")


_ALIASES = ("memref.subview", "memref.collapse_shape", "memref.expand_shape", "memref.cast")


def _call_writes(call) -> list:
    """The operands a func.call may write: those a run-time function declares it writes, else all."""
    from tsjit.lowering.runtime_functions import WRITES

    positions = WRITES.get(call.callee.string_value())
    return list(call.operands) if positions is None else [call.operands[i] for i in positions]


def written_arguments(func: FuncOp) -> set[int]:
    """Positions of the memref arguments that `func` may write (through stores, copies or calls)."""
    root: dict = {arg: i for i, arg in enumerate(func.body.block.args)}
    written = set()
    for op in func.walk():
        if op.name in _ALIASES and op.operands[0] in root:
            root[op.results[0]] = root[op.operands[0]]
        targets = {"memref.store": lambda: [op.memref], "memref.copy": lambda: [op.destination],
                   "func.call": lambda: _call_writes(op)}.get(op.name, lambda: [])()
        written |= {root[t] for t in targets if t in root}
    return written


class _Weight(ctypes.Structure):
    """render_memory.WEIGHT_TABLE_TYPE, field by field."""
    _fields_ = [("name", ctypes.c_char_p), ("data", ctypes.c_void_p), ("bytes", ctypes.c_int64),
                ("dtype", ctypes.c_uint32), ("ndim", ctypes.c_uint32), ("dims", ctypes.POINTER(ctypes.c_int64))]


_loaded: set[str] = set()
_loaded_lock = threading.Lock()


def _private_copy(library: ctypes.CDLL) -> ctypes.CDLL:
    """`library`, or a fresh instance of it when this process loaded that file before: weights
    live in the library's globals, and dlopen of one path twice gives the same globals."""
    path = library._name
    with _loaded_lock:
        if path not in _loaded:
            _loaded.add(path)
            return library
    fd, copy = tempfile.mkstemp(suffix=".so", prefix="tsjit-")
    os.close(fd)
    try:
        shutil.copyfile(path, copy)
        return ctypes.CDLL(copy)
    finally:
        os.unlink(copy)  # the mapping stays valid


def fill_weights(library: ctypes.CDLL, weights: list[tuple[str, np.ndarray]]) -> None:
    """Copy the weight values into the library's `ts_weights` buffers (same order as rendered)."""
    count = ctypes.c_int64.in_dll(library, "ts_num_weights").value
    if count != len(weights):
        raise RuntimeError(f"C library has {count} weights, expected {len(weights)}")
    table = (_Weight * max(1, count)).in_dll(library, "ts_weights")
    for entry, (name, array) in zip(table, weights):
        if entry.name.decode() != name or entry.bytes != array.nbytes:
            raise RuntimeError(f"C library weight {entry.name!r} ({entry.bytes} bytes) does not match "
                               f"{name!r} ({array.nbytes} bytes)")
        ctypes.memmove(entry.data, array.ctypes.data, array.nbytes)


class CLibrary:
    """A built module: `.call(fn_name, *arrays)` runs a function (memref out-parameters written in place)."""

    def __init__(self, module: ModuleOp):
        rendered = render_module(module)
        self.source, names = rendered.source, rendered.functions
        self.library = build(self.source)
        if rendered.weights:
            self.library = _private_copy(self.library)
            fill_weights(self.library, rendered.weights)
        adopt_library(self.library)
        self.random = "tsjit_rng_seed" in self.source
        self.errors = messages(module) if "tsjit_take_error" in self.source else {}
        self.templates = templates(module) if self.errors else {}
        if self.errors:
            self.library.tsjit_take_error.restype = ctypes.c_int64
            self.library.tsjit_error_value.restype = ctypes.c_int64
        self.functions = {
            op.sym_name.data: CFunction(op.sym_name.data, getattr(self.library, names[op.sym_name.data]),
                                        op)
            for op in module.ops if isinstance(op, FuncOp) and op.body.blocks}

    def call(self, fn_name: str, *args: Any) -> None:
        try:
            fn = self.functions[fn_name]
        except KeyError:
            raise ValueError(f"no function '{fn_name}'; available: {', '.join(self.functions)}") from None
        if self.random:  # each call draws afresh, and tsjit.manual_seed repeats a sequence
            from tsjit.ops.random import generator

            self.library.tsjit_rng_seed(ctypes.c_uint64(int(generator().integers(0, 2 ** 63))))
        out = fn(*args)
        if self.errors:  # a condition only the data decides, reported by the call (a singular matrix)
            code = self.library.tsjit_take_error()
            if code:
                error = self.errors.get(code, RuntimeError(f"error {code} in compiled code"))
                if code in self.templates:  # the message names values the check reported
                    values = [self.library.tsjit_error_value(ctypes.c_int64(k)) for k in range(self.templates[code])]
                    raise type(error)(formatted(str(error), values))
                raise type(error)(*error.args)
        return out


class CBackend:
    """The `c` backend: works on the loop level, so the module is first lowered with these passes."""

    name = "c"
    pipeline = ("ts-lower-to-loops{library-calls=true}",)

    def compile(self, module: ModuleOp) -> CLibrary:
        return CLibrary(module)
