"""`tsjit.compile(model_or_ir, backend="numpy"|"c"|..., example_inputs=None)`: one call from a model
(or IR) to something runnable on a chosen backend.

A model (nn.Module, ScriptModule, plain or scripted function) is scripted, frozen (modules, in
eval mode) and specialized to the example inputs; IR (a ModuleOp or its text) is taken as it is.
Then the backend's pipeline lowers it to the backend's level and the backend compiles it.
"""
from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
from xdsl.dialects.builtin import MemRefType, ModuleOp
from xdsl.dialects.func import FuncOp

from tsjit.backends.registry import backend as get_backend
from tsjit.backends.signature import check_arguments, signature
from tsjit.backends.numpy.ops.upstream_common import np_dtype


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

    def __init__(self, module: ModuleOp, backend_name: str, executable: Any):
        self.module, self.backend, self.executable = module, backend_name, executable
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
        self._pool = None

    def call(self, fn_name: str, *args: Any) -> Any:
        return self.executable.call(fn_name, *args)

    def __call__(self, *inputs: Any) -> Any:
        if self.main is None:
            raise ValueError("the module defines no function")
        name = self.main.sym_name.data
        wrap = any(hasattr(x, "_data") for x in inputs)
        args = [x.numpy() if hasattr(x, "_data") else x for x in inputs]
        params, outputs = self._params, self._outputs
        if outputs is None:  # unmarked loop-level IR: memrefs after the given arguments are outputs
            rest = self.main.function_type.inputs.data[len(args):]
            outputs = rest if rest and all(isinstance(t, MemRefType) for t in rest) else []
            params = params[:len(params) - len(outputs)]
        args = check_arguments(name.removeprefix("__torch__."), params, args)
        if self._pool is None or len(self._pool.specs) != len(outputs):
            self._pool = OutputPool(list(outputs))
        outs = self._pool.take()
        result = self.executable.call(name, *args, *outs)
        if outs:
            result = outs[0] if len(outs) == 1 else tuple(outs)
        if wrap:
            from tsjit.eager.factories import from_numpy

            convert = lambda r: from_numpy(r) if isinstance(r, np.ndarray) else r  # noqa: E731
            result = tuple(map(convert, result)) if isinstance(result, tuple) else convert(result)
        return result


def to_module(model_or_ir: Any, example_inputs: Sequence[Any] | None) -> ModuleOp:
    """The specialized IR module of a model, or the given IR (a copy: passes change modules)."""
    if isinstance(model_or_ir, ModuleOp):
        return model_or_ir.clone()
    if isinstance(model_or_ir, str):
        from tsjit.dialects import parse_module

        return parse_module(model_or_ir)
    from tsjit import jit
    from tsjit.jit.script_module import ScriptModule

    if example_inputs is None:
        raise ValueError("tsjit.compile: a model needs example_inputs (their shapes are compiled in)")
    scripted = model_or_ir if hasattr(model_or_ir, "_compiled") or isinstance(model_or_ir, ScriptModule) \
        else jit.script(model_or_ir)
    if isinstance(scripted, ScriptModule):
        scripted = jit.freeze(scripted.eval())
    if hasattr(example_inputs, "_data") or isinstance(example_inputs, np.ndarray):
        example_inputs = (example_inputs,)  # one input given bare, as torch.compile users write it
    return jit.specialize(scripted, tuple(example_inputs))


def compile(model_or_ir: Any, backend: str = "numpy", example_inputs: Sequence[Any] | None = None) -> Compiled:
    """Compile a model or IR module with the named backend (see tsjit.backends.registry)."""
    from tsjit.passes import apply_pass

    chosen = get_backend(backend)
    module = to_module(model_or_ir, example_inputs)
    if chosen.pipeline:  # decomposed ops lower through what they are made of (the pipeline does it too)
        apply_pass("ts-decompose", module)
    if backend == "c":  # not all lowerable: the numpy backend runs it around C-compiled fusion groups
        fused = compile_with_fusion_groups(module, chosen)
        if fused is not None:
            return fused
    lowered = module.clone() if backend == "c" else module
    for name in chosen.pipeline:
        apply_pass(name, lowered)
    if backend == "c" and any(op.name.startswith("ts.") for op in lowered.walk()):
        return compile_with_fusion_groups(module, chosen, whole=False)  # an op did not lower for these shapes
    return Compiled(lowered, backend, chosen.compile(lowered))


def compile_with_fusion_groups(module: Any, backend: Any, whole: bool = True) -> Any | None:
    """`tsjit.compile(..., backend="c")` of a module the C backend cannot lower whole: the numpy
    backend runs it, with its fusion groups compiled by `backend`. None when every op lowers by
    name (`whole`: the caller then tries the pipeline, which may still leave an op for its shapes)."""
    from tsjit.backends.numpy import Program
    from tsjit.jit.fusion import FUSER, fuse_module
    from tsjit.jit.fusion_kernels import group_runner
    from tsjit.passes.fusion_groups import fusible_names

    names = fusible_names(contractions=True) | {"ts.constant", "func.return"}

    def lowers(op) -> bool:  # a tensor list lowers where its users (cat, stack) take it apart
        if op.name == "ts.list.construct":
            return all(use.operation.name in names for use in op.results[0].uses)
        return op.name in names or op is module or isinstance(op, FuncOp)

    if whole and all(lowers(op) for op in module.walk()):
        return None
    fused = fuse_module(module, FUSER.onednn)
    return Compiled(fused, f"numpy+{backend.name}", Program(fused, fusion=group_runner))


def export_c(model_or_ir: Any, out_dir: Any, example_inputs: Sequence[Any] | None = None, *,
             main: str | None = None) -> Any:
    """Write a standalone C project of a model or IR module to out_dir (tsjit/backends/c/export.py):
    the model is scripted, frozen and specialized as for `compile`, then lowered whole to C."""
    from tsjit.backends.c.export import export_module

    return export_module(to_module(model_or_ir, example_inputs), out_dir, main=main)
