"""Fusion groups compiled with the C backend for the shapes they meet (the JIT's fusion hook).

When a group runs, its inputs' shapes and dtypes form a signature; the body, specialized to it
(`ts-specialize`) and lowered by the C backend's pipeline, is compiled once per signature and
called. The fusion strategy (tsjit.jit.fusion.set_fusion_strategy) bounds how many signatures a
group compiles: STATIC kernels are kept, DYNAMIC ones re-specialise one slot; past the bound, new
signatures run the body unfused, on the numpy backend. If compiling fails (no C compiler, an op
that does not lower for these shapes, ...) the group warns once and runs unfused from then on,
unless an op in it is under `strict_fusion`: then the failure is an error.

Kernels are shared process-wide by (group text, signature), each built under its own lock: N
threads (or N programs holding the same group) meeting a new signature at once build it once.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np
from xdsl.dialects.builtin import MemRefType, ModuleOp
from xdsl.dialects.func import FuncOp, ReturnOp
from xdsl.ir import Block, Region

from tsjit.backends.numpy.plan import location
from tsjit.keyed_locks import KeyedLocks
from tsjit.user_warnings import warn

BACKEND = "c"


class NotFused(Exception):
    """The group could not be compiled; says why."""


def _signature(inputs: tuple) -> tuple | None:
    if not all(isinstance(a, np.ndarray) for a in inputs):
        return None
    return tuple((a.shape, a.dtype.name) for a in inputs)


def _function_of(group: Any) -> ModuleOp:
    """A module holding `func.func @fusion_group` whose body is a copy of the group's."""
    region = group.body.clone()
    block: Block = region.block
    term = block.last_op
    block.insert_op_before(ReturnOp(*term.operands), term)
    block.erase_op(term)
    func = FuncOp("fusion_group", ([a.type for a in block.args], [r.type for r in group.results]), Region())
    func.body.add_block(region.detach_block(block))
    return ModuleOp([func])


def _c_inputs(inputs: tuple) -> list[np.ndarray]:
    """C-contiguous arrays that share no memory (the C parameters are restrict pointers)."""
    arrays: list[np.ndarray] = []
    for a in inputs:
        a = np.asarray(a)
        if not a.flags.c_contiguous:  # (ascontiguousarray would also make a 0-d array 1-d)
            a = np.ascontiguousarray(a)
        if any(np.may_share_memory(a, b) for b in arrays):
            a = a.copy()
        arrays.append(a)
    return arrays


class Kernel:
    """One compiled specialisation: allocates the out-parameters and calls the C function."""

    def __init__(self, module: ModuleOp, executable: Any):
        func = next(op for op in module.ops if isinstance(op, FuncOp) and op.body.blocks)
        from tsjit.backends.numpy.ops.upstream_common import np_dtype

        self.name, self.executable = func.sym_name.data, executable
        self.outs = [(tuple(t.get_shape()), np_dtype(t)) for t in func.function_type.inputs.data
                     if isinstance(t, MemRefType)]

    def __call__(self, *inputs: np.ndarray) -> Any:
        args = _c_inputs(inputs)
        outs = [np.empty(shape, dtype) for shape, dtype in self.outs[len(args):]]
        self.executable.call(self.name, *args, *outs)
        return outs[0] if len(outs) == 1 else tuple(outs)


def compile_kernel(group: Any, signature: tuple) -> Kernel:
    """Specialize the group's body to `signature`, lower and compile it with the C backend."""
    from tsjit.backends.registry import backend
    from tsjit.dialects import context
    from tsjit.dialects.ts.types import DTYPES, TensorType
    from tsjit.passes import apply_pass
    from tsjit.passes.specialize import specialize_function

    module = _function_of(group)
    func = next(iter(module.ops))
    specialize_function(context(), module, func, [TensorType(shape, DTYPES[dtype]) for shape, dtype in signature])
    chosen = backend(BACKEND)
    for name in chosen.pipeline:
        apply_pass(name, module)
    left = sorted({op.name for op in module.walk() if op.name.startswith("ts.")})
    if left:
        raise NotFused(f"{', '.join(left)} did not lower for shapes {[list(s) for s, _ in signature]}")
    return Kernel(module, chosen.compile(module))


_KERNELS: dict[tuple[str, tuple], Kernel | Exception] = {}  # (group text, signature) -> kernel or why not
_KERNEL_LOCKS = KeyedLocks()


def shared_kernel(group: Any, text: str, signature: tuple) -> Kernel:
    """The kernel of `group` (printed as `text`) for `signature`: built once per process, or the
    exception its one build raised."""
    from tsjit.jit.fusion import FUSER

    key = (text, signature)
    with _KERNEL_LOCKS(key):
        found = _KERNELS.get(key)
        if found is None:
            try:
                found = compile_kernel(group, signature)
                FUSER.stats.compiled += 1
            except Exception as e:  # noqa: BLE001 - remembered: the same group fails the same way
                found = e
            _KERNELS[key] = found
    if isinstance(found, Exception):
        raise found
    return found


def clear_kernels() -> None:
    _KERNELS.clear()


class GroupKernels:
    """The kernels of one group, bounded by the fusion strategy (see the module docstring)."""

    def __init__(self, group: Any):
        self.group, self.where = group, location(group.body.block.first_op) or "unknown location"
        self.static: dict[tuple, Kernel] = {}
        self.dynamic: tuple[tuple, Kernel] | None = None
        self.spent = 0
        self.failed = False
        self.strict = any("strict_fusion" in op.attributes for op in group.walk())
        self.text = str(group)
        self.lock = threading.Lock()

    def lookup(self, inputs: tuple) -> Kernel | None:
        signature = _signature(inputs)
        if signature is None or self.failed:
            return None
        kernel = self.static.get(signature)
        if kernel is not None:
            return kernel
        dynamic = self.dynamic
        if dynamic is not None and dynamic[0] == signature:
            return dynamic[1]
        with self.lock:
            return self._specialise(signature)

    def _kind(self) -> str | None:
        """Which strategy entry the next specialisation uses (None: all used up)."""
        from tsjit.jit.fusion import FUSER

        spent = self.spent
        for kind, depth in FUSER.strategy:
            if spent < depth:
                return kind
            spent -= depth
        return None

    def _specialise(self, signature: tuple) -> Kernel | None:
        from tsjit.jit.fusion import FUSER

        if signature in self.static:
            return self.static[signature]
        if self.dynamic is not None and self.dynamic[0] == signature:
            return self.dynamic[1]
        kind = self._kind()
        if kind is None:
            return None
        try:
            kernel = shared_kernel(self.group, self.text, signature)
        except Exception as e:  # noqa: BLE001 - any failure means: run unfused
            if self.strict:
                from tsjit.passes.fusion_groups import StrictFusionError

                raise StrictFusionError(f"Found unfused operators: the fusion group at {self.where} inside a "
                                        f"strict_fusion block could not be compiled: {e}") from e
            self.failed = True
            FUSER.stats.failures += 1
            warn(f"tsjit: the fusion group at {self.where} runs unfused on the numpy backend: "
                 f"compiling it failed: {e}", RuntimeWarning)
            return None
        self.spent += 1
        if kind == "STATIC":
            self.static[signature] = kernel
        else:
            self.dynamic = (signature, kernel)
        return kernel


def group_runner(group: Any, unfused: Callable) -> Callable:
    """The callable that runs fusion group `group`: a compiled kernel for its inputs when there is
    one (Program's `fusion` hook), else `unfused`; counted in FUSER.stats."""
    from tsjit.jit.fusion import FUSER

    kernels = GroupKernels(group)

    def run_group(*inputs: Any) -> Any:
        kernel = kernels.lookup(inputs)
        if kernel is None:
            FUSER.stats.unfused_calls += 1
            return unfused(*inputs)
        FUSER.stats.kernel_calls += 1
        return kernel(*inputs)

    return run_group
