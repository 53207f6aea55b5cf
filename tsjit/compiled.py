"""What `tsjit.compile` returns: a callable compiled model that checks its arguments, recycles its
outputs, describes itself, and pickles (to ship to multiprocessing, Dask or Ray workers).

A Compiled pickles as the IR it was compiled from (ts level, weights as arrays beside the text)
and the backend's name; unpickling compiles it again with that backend, so a C library is
rebuilt on the other side (or loaded from that machine's build cache). A process that unpickles
the same model many times (one task per batch) compiles it once.
"""
from __future__ import annotations

import functools
import hashlib
import json
import sys
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
from xdsl.dialects.builtin import MemRefType, ModuleOp
from xdsl.dialects.func import FuncOp

from tsjit.backends.signature import check_arguments, scalar_outputs, signature
from tsjit.passes.argument_writes import split_results, writes_back
from tsjit.passes.complex_to_real import COMPLEX_PAIRS, as_pair, unpair
from tsjit.passes.flatten_results import rebuild, results_structure
from tsjit.passes.padded_results import cut_results, cuts
from tsjit.jit.specialize import none_inputs
from tsjit.passes.identity_tests import input_identity
from tsjit.passes.static_strides import contiguous_inputs
from tsjit.backends.numpy.ops.upstream_common import np_dtype
from tsjit.user_warnings import warn

__all__ = ["Compiled", "LazyCompiled", "OutputPool"]

#: the main function's attribute listing (as JSON) the warnings each call issues: those a compiled
#: backend cannot (tsjit.compiler._hoist_warnings)
WARNINGS = "ts.warnings"


class OutputPool:
    """Output arrays of earlier calls, handed out again once the caller has let go of them.

    A fresh multi-MB np.empty is a fresh mmap: its first write page-faults and zeroes every page
    (2 ms of a 7 ms elementwise kernel on 16 MB). An array is reused only when this pool holds
    its last reference (no caller variable, view or wrapping Tensor keeps it), so what a call
    returns is never shared; `y = f(x)` in a loop alternates between two sets."""

    SETS = 2

    def __init__(self, types: list[MemRefType]):
        self.specs = [(tuple(t.get_shape()), np_dtype(t)) for t in types]
        self.sets: list[list[np.ndarray]] = []
        self.lock = threading.Lock()

    def take(self) -> list[np.ndarray]:
        with self.lock:
            for arrays in self.sets:
                if all(sys.getrefcount(a) == 3 for a in arrays):  # `arrays`, `a` and the argument
                    return list(arrays)
            arrays = [np.empty(shape, dtype=dtype) for shape, dtype in self.specs]
            if len(self.sets) < self.SETS:
                self.sets.append(arrays)
            return list(arrays)


class Compiled:
    """A compiled module: `.call(fn_name, *args)` as the backend defines it; calling it runs the main
    function (the model's forward, or the module's only function) on tensors, after checking them
    against its signature, allocating the memref out-parameters of a lowered function (recycled
    through an OutputPool) and returning them."""

    def __init__(self, module: ModuleOp, backend_name: str, executable: Any, source: ModuleOp | None = None,
                 backend_asked: str | None = None):
        self.module, self.backend, self.executable = module, backend_name, executable
        # what a pickle carries: the IR tsjit.compile compiled (ts level) and the backend asked for
        self.source, self.backend_asked = source, backend_asked or backend_name
        self.fallback: list[tuple[str, str, str]] = []  # (op, location, why) of what runs on numpy, not C
        self.pickled: tuple[str, dict] | None = None  # the source as text and blobs (compile_disk_cache)
        defined = [op for op in module.ops if isinstance(op, FuncOp) and op.body.blocks]
        self.main = defined[-1] if len(defined) >= 1 else None

    @property
    def main(self) -> FuncOp | None:
        """The function a call runs (the last defined one unless set)."""
        return self._main

    @main.setter
    def main(self, func: FuncOp | None) -> None:
        self._main = func
        self._params, self._outputs = signature(func) if func is not None else ([], [])
        self._scalars = scalar_outputs(func) if func is not None else []
        self._pool = None
        self._structure = results_structure(func) if func is not None else None
        self._writes_back, self._extra_results = writes_back(func) if func is not None else ([], 0)
        self._cuts, self._counts = cuts(func) if func is not None else ([], 0)
        self._identity = input_identity(func) if func is not None else []
        self._contiguous = contiguous_inputs(func) if func is not None else []
        self._nones = none_inputs(func) if func is not None else []
        found = func.attributes.get(WARNINGS) if func is not None else None
        self._warnings = json.loads(found.data) if found is not None else []
        found = func.attributes.get(COMPLEX_PAIRS) if func is not None else None
        self._complex = json.loads(found.data) if found is not None else {"inputs": [], "results": []}

    def call(self, fn_name: str, *args: Any) -> Any:
        return self.executable.call(fn_name, *args)

    def __call__(self, *inputs: Any) -> Any:
        if self.main is None:
            raise ValueError("the module defines no function")
        name = self.main.sym_name.data
        wrap = any(hasattr(x, "_data") for x in inputs)
        for i, j, same in self._identity:
            if i < len(inputs) and j < len(inputs) and (inputs[i] is inputs[j]) != same:
                raise ValueError(
                    f"{name.removeprefix('__torch__.')}: compiled for inputs {i} and {j} being "
                    f"{'the same tensor' if same else 'different tensors'} (the model tests `is` between them, "
                    f"as MultiheadAttention tests `query is key`), called with {'different ones' if same else 'one'}; "
                    "compile it for these inputs, or compile without example_inputs to compile per pattern")
        for i in self._contiguous:
            data = getattr(inputs[i], "_data", inputs[i]) if i < len(inputs) else None
            if isinstance(data, np.ndarray) and not data.flags.c_contiguous:
                raise ValueError(
                    f"{name.removeprefix('__torch__.')}: input {i} is not contiguous, but the model asks its "
                    "stride() or is_contiguous() and was compiled for a contiguous one; pass x.contiguous()")
        if self._nones:  # Optional inputs compiled for None: checked, not passed
            inputs = self._without_nones(name, inputs)
        args = [x.numpy() if hasattr(x, "_data") else x for x in inputs]
        callers = list(args)  # the caller's arrays, for the arguments the model writes in place
        for i in self._complex["inputs"]:  # complex arguments as real pairs (ts-complex-to-real)
            if i < len(args) and isinstance(args[i], np.ndarray) and args[i].dtype.kind == "c":
                args[i] = as_pair(args[i])
        params, outputs = self._params, self._outputs
        if outputs is None:  # unmarked loop-level IR: memrefs after the given arguments are outputs
            rest = self.main.function_type.inputs.data[len(args):]
            outputs = rest if rest and all(isinstance(t, MemRefType) for t in rest) else []
            params = params[:len(params) - len(outputs)]
        args = check_arguments(name.removeprefix("__torch__."), params, args)
        for message in self._warnings:
            warn(message, UserWarning)
        if self._pool is None or len(self._pool.specs) != len(outputs):
            self._pool = OutputPool(list(outputs))
        outs = self._pool.take()
        result = self.executable.call(name, *args, *outs)
        if outs and self._complex["results"]:
            outs = [unpair(a) if i in self._complex["results"] else a for i, a in enumerate(outs)]
        if outs:
            if any(self._scalars):  # scalar results come back as Python scalars, as TorchScript returns them
                outs = [a if kind is None else _PYTHON[kind](a[()]) for a, kind in zip(outs, self._scalars)]
            result = outs[0] if len(outs) == 1 else tuple(outs)
        if self._counts:  # results whose size depends on the data, computed padded (padded_results.py)
            result = cut_results(result, self._cuts, self._counts)
        if self._writes_back:  # the model wrote these arguments in place (argument_writes.py)
            result, finals = split_results(result, self._writes_back, self._extra_results)
            for (i, _), value in zip(self._writes_back, finals):
                np.copyto(callers[i], value)
        if self._structure is not None:  # the model returned a container (ts-flatten-results)
            result = rebuild(self._structure, list(result) if isinstance(result, tuple) else [result])
        if wrap:
            from tsjit.eager.factories import from_numpy

            result = _map_arrays(from_numpy, result)
        return result

    def _without_nones(self, name: str, inputs: tuple) -> list:
        nones = set(self._nones)
        if len(inputs) == len(self._params) + len(nones):
            for i in sorted(nones):
                if inputs[i] is not None:
                    raise ValueError(f"{name.removeprefix('__torch__.')}: compiled for input {i} being None, "
                                     "called with a value; compile it for such inputs, or compile without "
                                     "example_inputs to compile per pattern")
            return [x for i, x in enumerate(inputs) if i not in nones]
        return list(inputs)  # the wrong number of inputs: check_arguments says so

    def __repr__(self) -> str:
        name = self.main.sym_name.data.removeprefix("__torch__.") if self.main is not None else None
        inputs = ", ".join(f"{p.name}: {p.describe()}" for p in self._params)
        text = f"Compiled(backend={self.backend!r}, entry={name!r}, inputs=({inputs})"
        if self.backend.startswith("numpy+"):
            text += f", falls back to numpy for {', '.join(self.numpy_ops()) or 'nothing'}"
        return text + ")"

    def numpy_ops(self) -> list[str]:
        """The ops the numpy backend runs itself (outside every compiled fusion group)."""
        structural = {"ts.constant", "func.return", "ts.fusion_group", "ts.list.construct", "ts.tuple.construct"}
        found = set()
        for op in self.module.walk():
            inside = op.parent_op()
            while inside is not None and inside.name != "ts.fusion_group":
                inside = inside.parent_op()
            if inside is None and op.name.startswith("ts.") and op.name not in structural:
                found.add(op.name)
        return sorted(found)

    # -- pickling ------------------------------------------------------------------------------
    def __reduce__(self) -> tuple:
        main = self.main.sym_name.data if self.main is not None else None
        if self.pickled is not None:
            return _unpickle, (self.backend_asked, *self.pickled, main)
        if self.source is None:
            raise TypeError("this Compiled was not made by tsjit.compile and cannot be pickled")
        from tsjit.jit.serialization import _externalize

        module = self.source.clone()
        blobs = _externalize(module)
        return _unpickle, (self.backend_asked, str(module), blobs, main)


_PYTHON = {"bool": bool, "int": int, "float": float}


def identity_pattern(inputs: Sequence[Any]) -> tuple[int, ...]:
    """For each input, the first position holding the same object: (0, 0, 0) for f(x, x, x), (0, 1, 2)
    for f(q, k, v); a model testing `query is key` compiles differently for the two."""
    return tuple(next(j for j, y in enumerate(inputs) if y is x) for x in inputs)


def _map_arrays(fn: Any, value: Any) -> Any:
    """`value` with fn applied to each array in it (tuples, lists and dicts rebuilt)."""
    if isinstance(value, np.ndarray):
        return fn(value)
    if isinstance(value, tuple | list):
        return type(value)(_map_arrays(fn, v) for v in value)
    if isinstance(value, dict):
        return {k: _map_arrays(fn, v) for k, v in value.items()}
    return value


_UNPICKLED: dict[str, Compiled] = {}
_UNPICKLING = threading.Lock()


def _unpickle(backend: str, text: str, blobs: dict[str, np.ndarray], main: str | None) -> Compiled:
    """Compile the pickled IR again (once per process for the same IR, weights and backend)."""
    digest = hashlib.sha256(f"{backend}\0{text}".encode())
    for handle in sorted(blobs):
        digest.update(handle.encode() + np.ascontiguousarray(blobs[handle]).tobytes())
    key = digest.hexdigest()
    with _UNPICKLING:
        found = _UNPICKLED.get(key)
        if found is None:
            from tsjit.compiler import compile
            from tsjit.jit.serialization import _internalize, numpy_to_dense, parse_keeping_handles

            module = parse_keeping_handles(text, "<pickled tsjit.Compiled>")
            _internalize(module, lambda handle: numpy_to_dense(blobs[handle.resource_handle.data]))
            found = _UNPICKLED[key] = compile(module, backend=backend)
            if main is not None:
                found.main = next(op for op in found.module.ops if isinstance(op, FuncOp)
                                  and op.sym_name.data == main)
    return found


class LazyCompiled:
    """A model compiled on call: the first call's inputs are its example inputs; a call whose
    tensors differ in shape or dtype, or in which of them are the same object, compiles again, the
    last LIMIT compilations kept (LRU)."""

    LIMIT = 8

    def __init__(self, model: Any, backend: str, compile_fn: Any):
        self.model, self.backend, self._compile = model, backend, compile_fn
        self._compiled: dict[tuple, Compiled] = {}
        self._lock = threading.Lock()
        functools.update_wrapper(self, model, updated=())

    @staticmethod
    def key(inputs: tuple) -> tuple:
        def one(x: Any) -> Any:
            array = x._data if hasattr(x, "_data") else x
            if isinstance(array, np.ndarray):
                return array.shape, array.dtype.str
            return type(x).__name__
        return (*(one(x) for x in inputs), identity_pattern(inputs))

    def compiled_for(self, *inputs: Any) -> Compiled:
        """The compilation that serves these inputs (compiled now when there is none)."""
        key = self.key(inputs)
        found = self._compiled.get(key)
        if found is not None:
            return found
        with self._lock:  # one compile per signature, however many threads call at once
            found = self._compiled.pop(key, None)
            if found is None:
                found = self._compile(self.model, backend=self.backend, example_inputs=inputs)
            self._compiled[key] = found  # most recent last
            while len(self._compiled) > self.LIMIT:
                self._compiled.pop(next(iter(self._compiled)))
        return found

    def __call__(self, *inputs: Any) -> Any:
        return self.compiled_for(*inputs)(*inputs)

    def __repr__(self) -> str:
        model = getattr(self.model, "__qualname__", type(self.model).__name__)
        return (f"LazyCompiled(model={model}, backend={self.backend!r}, "
                f"compiled for {len(self._compiled)} input signature(s))")

    def __getstate__(self) -> dict:
        return {"model": self.model, "backend": self.backend}

    def __setstate__(self, state: dict) -> None:
        from tsjit.compiler import compile

        self.__init__(state["model"], state["backend"], compile)
