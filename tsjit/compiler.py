"""`tsjit.compile(model_or_ir, backend="numpy"|"c"|..., example_inputs=None)`: one call from a model
(or IR) to something runnable on a chosen backend.

A model (nn.Module, ScriptModule, plain or scripted function) is scripted, frozen (modules, in
eval mode) and specialized to the example inputs; IR (a ModuleOp or its text) is taken as it is.
Then the backend's pipeline lowers it to the backend's level and the backend compiles it.
"""
from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np
from xdsl.dialects.builtin import ModuleOp
from xdsl.dialects.func import FuncOp

from tsjit.backends.registry import backend as get_backend
from tsjit.backends.numpy.plan import location
from tsjit.compiled import Compiled, LazyCompiled, identity_pattern
from tsjit.user_warnings import warn


def to_module(model_or_ir: Any, example_inputs: Sequence[Any] | None) -> ModuleOp:
    """The specialized IR module of a model, or the given IR (a copy: passes change modules)."""
    if isinstance(model_or_ir, ModuleOp):
        return model_or_ir.clone()
    if isinstance(model_or_ir, str):
        from tsjit.dialects import parse_module

        return parse_module(model_or_ir)
    from tsjit import jit
    from tsjit.jit.freeze import freeze_snapshot
    from tsjit.jit.script_module import ScriptModule

    if example_inputs is None:
        raise ValueError("tsjit.compile: a model needs example_inputs (their shapes are compiled in)")
    scripted = model_or_ir if hasattr(model_or_ir, "_compiled") or isinstance(model_or_ir, ScriptModule) \
        else jit.script(model_or_ir)
    if isinstance(scripted, ScriptModule):
        if scripted.training:
            if _reads_training(scripted):
                warn("tsjit.compile: the model is in training mode; it is compiled as it runs in training (batch "
                     "statistics, dropout) but the compiled model does not update its state (running statistics). "
                     "Call .eval() first to compile it for inference.", TrainingModeWarning)
            scripted = freeze_snapshot(scripted)
        else:
            scripted = jit.freeze(scripted)
    if hasattr(example_inputs, "_data") or isinstance(example_inputs, np.ndarray):
        example_inputs = (example_inputs,)  # one input given bare, as torch.compile users write it
    module = jit.specialize(scripted, tuple(example_inputs))
    _refuse_state_changes(module)
    _drop_unused_generic_functions(module)
    return module


def _reads_training(scripted) -> bool:
    """Whether some method reads a module's `training` flag (else the mode changes nothing)."""
    from tsjit.jit.module_ir import definitions

    return any(op.name == "ts.get_attr" and op.attr_name.data == "training"
               for defined in (op for ops in definitions(scripted) for op in ops) for op in defined.walk())


def _drop_unused_generic_functions(module: ModuleOp) -> None:
    """Script keeps each helper function the entry called (`F.layer_norm` inside a user function),
    though specializing inlined it into the entry. Left in, its generic, shapeless body would be
    reported as ops C cannot lower. Functions the entry no longer reaches go, unless their
    signature is static (then they were specialized, and stay callable)."""
    from xdsl.dialects.builtin import SymbolRefAttr

    funcs = {f.sym_name.data: f for f in module.ops if isinstance(f, FuncOp) and f.body.blocks}
    if not funcs:
        return
    reached, work = set(), [list(funcs)[-1]]
    while work:
        name = work.pop()
        if name in reached or name not in funcs:
            continue
        reached.add(name)
        for op in funcs[name].walk():
            for attr in [*op.attributes.values(), *op.properties.values()]:
                if isinstance(attr, SymbolRefAttr):
                    work.append(attr.root_reference.data)
    for name, f in funcs.items():
        static = all(getattr(t, "has_static_shape", True) for t in f.function_type.inputs.data)
        if name not in reached and not static:
            f.detach()


class TrainingModeWarning(UserWarning):
    """tsjit.compile of a model in training mode (see the message)."""


class StateChangeError(RuntimeError):
    """A model that changes its own attributes when it runs, even frozen in eval mode."""


def _refuse_state_changes(module: ModuleOp) -> None:
    """Freezing makes every attribute nothing writes a constant; a forward still reading `self` writes
    the attributes it reads (a BatchNorm traced in train mode updates its running statistics), which a
    compiled function, given only the inputs, cannot hold."""
    from tsjit.dialects.ts.types import ClassType
    from tsjit.passes.specialize import location as where

    funcs = [op for op in module.ops if isinstance(op, FuncOp) and op.body.blocks]
    block = funcs[-1].body.block if funcs else None
    if block is None or not block.args or not isinstance(block.args[0].type, ClassType):
        return
    found = []
    for op in funcs[-1].walk():
        if op.name in ("ts.get_attr", "ts.set_attr") and op.operands and op.operands[0] is block.args[0]:
            name = op.properties["attr_name"].data
            users = [use.operation for r in op.results for use in r.uses]
            by = op if not users else users[0]
            found.append(f"'{name}' ({by.name}{where(by)})")
    if found:
        raise StateChangeError(
            "tsjit.compile: the model changes its attributes when it runs, even in eval mode: "
            + ", ".join(dict.fromkeys(found)) + "; a compiled model cannot update its state (a model "
            "torch.jit.trace'd in train mode keeps that mode: trace it after .eval())")


class FallbackError(RuntimeError):
    """tsjit.compile(..., backend="c", fallback=False) of a model some of whose ops cannot run in C."""


class FallbackWarning(UserWarning):
    """Some ops of a model compiled for C run on numpy; the message names them, where and why."""


def compile(model_or_ir: Any = None, backend: str = "numpy", example_inputs: Sequence[Any] | None = None, *,
            fallback: bool = True) -> Any:
    """Compile a model or IR module with the named backend (see tsjit.backends.registry).

    With example_inputs (or IR), compiles now and returns a Compiled; compiling the same module
    again, unchanged (weights, attributes, input shapes), returns that Compiled (compile_cache.py).
    A model without them is compiled on its first call, for the inputs of that call, and again
    (cached) when their shapes or dtypes change, as torch.compile does (a LazyCompiled). Without a
    model, returns a decorator: `@tsjit.compile(backend="c")`.

    With backend="c", ops that cannot run in C (no lowering, or none for these shapes) run on
    the numpy backend around C-compiled fusion groups; a FallbackWarning names them, where and
    why. `fallback=False` makes that a FallbackError instead."""
    if model_or_ir is None:
        return lambda model: compile(model, backend=backend, example_inputs=example_inputs, fallback=fallback)
    chosen = get_backend(backend)
    if isinstance(model_or_ir, ModuleOp | str):
        return _compile_module(to_module(model_or_ir, example_inputs), chosen, backend, fallback)
    if example_inputs is None:
        return LazyCompiled(model_or_ir, backend, functools.partial(compile, fallback=fallback))
    from tsjit import compile_cache, compile_disk_cache, user_warnings

    key = _cache_key(model_or_ir, example_inputs, backend, fallback)
    found = compile_cache.lookup(model_or_ir, key) if key is not None else None
    if found is not None:  # the same model, unchanged, compiled the same way before
        return found
    on_disk = compile_disk_cache.persistent_key(key, model_or_ir) \
        if key is not None and compile_disk_cache.enabled() and not getattr(model_or_ir, "training", False) else None
    compiled = compile_disk_cache.load(on_disk) if on_disk is not None else None
    if compiled is None:
        warned = user_warnings.issued
        compiled = _compile_module(to_module(model_or_ir, example_inputs), chosen, backend, fallback)
        if on_disk is not None and user_warnings.issued == warned:
            compile_disk_cache.store(on_disk, compiled)
    if key is not None:  # keyed as the model is now (compiling put it in eval mode)
        compile_cache.remember(model_or_ir, _cache_key(model_or_ir, example_inputs, backend, fallback), compiled)
    return compiled


def _cache_key(model: Any, example_inputs: Any, backend: str, fallback: bool) -> tuple | None:
    """compile_cache's key, with which example inputs are the same object (`query is key` folds)."""
    from tsjit import compile_cache

    key = compile_cache.key_of(model, example_inputs, backend, fallback)
    inputs = example_inputs if isinstance(example_inputs, tuple | list) else (example_inputs,)
    return None if key is None else (*key, identity_pattern(inputs))


def prepare_for_lowering(module: ModuleOp, write_back_arguments: bool = False, pad_results: bool = False,
                         return_padded: bool = True) -> ModuleOp:
    """The specialized module made ready for a loop-lowering backend (compile and export_c): pure
    ops for in-place ones, sizes folded, tuples taken apart, one result per value returned. With
    `write_back_arguments` (compile), writes to arguments are pure too, their final values results
    that Compiled copies back into the caller's arrays (tsjit/passes/argument_writes.py). With
    `pad_results` (compile for C, export_c), values whose size depends on the data (nonzero,
    unique...) are computed into buffers of their largest size, with counts: summed or sized inside
    the function, and returned with their counts as extra results that Compiled cuts them to (not
    with `return_padded=False`, export_c's: a C caller would not know to cut them); see
    tsjit/passes/padded_results.py."""
    from tsjit.passes import apply_pass
    from tsjit.passes.argument_writes import finish_write_backs, functionalize_arguments
    from tsjit.passes.flatten_results import flatten_results
    from tsjit.passes.padded_results import pad_data_dependent_results, split_nonzero_tuples
    from tsjit.passes.remove_mutation import remove_mutation

    remove_mutation(module)  # in-place ops on private tensors (ReLU(inplace=True)) lower like pure ones
    funcs = [f for f in module.ops if isinstance(f, FuncOp) and f.body.blocks]
    written = {f: functionalize_arguments(f) if write_back_arguments else [] for f in funcs}
    apply_pass("ts-constant-propagation", module)  # view(x.size(0), -1): sizes known once specialized
    apply_pass("ts-peephole", module)  # `out, _ = self.lstm(x)`: the tuple a module returns, taken apart
    for func in funcs:  # `return a, b` (or a list or dict): several results, rebuilt by Compiled
        if pad_results and split_nonzero_tuples(func):
            apply_pass("ts-peephole", module)  # `torch.where(m)[0]`: the column itself
        flatten_results(func, keep_last=len(written[func]))
        finish_write_backs(func, written[func])
        if pad_results and pad_data_dependent_results(func, return_padded):
            apply_pass("ts-peephole", module)  # `idx.size()[0]`: the count, read from the sizes rebuilt
    return module


def _check_layout_queries(module: ModuleOp) -> None:
    """C keeps every tensor contiguous, so a stride()/is_contiguous() not folded from the IR (of a
    value an `if` or a loop makes, or a view with run-time arguments) would not be PyTorch's answer."""
    from tsjit.dialects.ts.canonicalize import LAYOUT_QUERIES
    from tsjit.frontend.script.errors import CompileError

    found = [f"{op.name.removeprefix('ts.')}() at {location(op) or '?'}" for op in module.walk()
             if op.name in LAYOUT_QUERIES]
    if found:
        raise CompileError("tsjit.compile(backend='c'): " + ", ".join(found) + ": each asks for the strides of a tensor "
                           "whose layout is not known at compile time (made by an if or a loop, from a "
                           "non-contiguous tensor, or by a view with arguments known only at run time); in C every tensor is contiguous, so the answer "
                           "could differ from PyTorch's. Call .contiguous() on it first, or use backend='numpy'.")


def _compile_module(module: ModuleOp, chosen: Any, backend: str, fallback: bool = True) -> Compiled:
    from tsjit.passes import apply_pass

    prepare_for_lowering(module, write_back_arguments=True, pad_results=bool(chosen.pipeline))
    if chosen.pipeline:  # decomposed ops lower through what they are made of (the pipeline does it too)
        apply_pass("ts-decompose", module)
    reasons = None  # (op, location, why) of what stays at the ts level, once known
    if backend == "c":
        _check_layout_queries(module)  # complex values as real pairs, when every op on them has a rule and all lowers
        from tsjit.passes.complex_to_real import complex_to_real

        converted = complex_to_real(module)
        if converted is not None:
            apply_pass("ts-decompose", converted)  # the ops the rules made (scatter on each part)
            found = _not_lowering(converted)
            if not found:
                module, reasons = converted, found
    if backend != "c":
        lowered = module.clone() if chosen.pipeline else module
        for name in chosen.pipeline:
            apply_pass(name, lowered)
        return Compiled(lowered, backend, chosen.compile(lowered), source=module)
    if reasons is None:
        reasons = _not_lowering(module)
    if not reasons:
        lowered = module.clone()
        _hoist_warnings(lowered)
        with _progress(len(chosen.pipeline) + 1) as bar:
            for name in chosen.pipeline:
                bar.set_postfix_str(name, refresh=False)
                apply_pass(name, lowered)
                bar.update()
            reasons = [(op.name, location(op) or "", "not lowered to loops") for op in lowered.walk()
                       if op.name.startswith("ts.")]
            if not reasons:
                bar.set_postfix_str("C compiler", refresh=False)
                try:
                    return Compiled(lowered, backend, chosen.compile(lowered), source=module)
                except NotImplementedError as e:  # the renderer meets what C cannot hold (an f16 buffer)
                    reasons = [(_main_name(lowered), "", str(e))]
    message = (f"tsjit.compile: {len(reasons)} op(s) run on numpy, not in C: "
               + "; ".join(f"{name}{f' at {where}' if where else ''} ({why})" for name, where, why in reasons))
    if not fallback:
        raise FallbackError(message)
    warn(message + "; fallback=False makes this an error", FallbackWarning)
    fused = compile_with_fusion_groups(module, chosen)
    fused.source, fused.backend_asked, fused.fallback = module, backend, reasons
    return fused


def _hoist_warnings(module: ModuleOp) -> None:
    """`warnings.warn` with a constant message at the top level of the main function (F.kl_div's
    reduction='mean' notice) runs on every call: compiled C cannot warn, so the message moves to
    the function's WARNINGS attribute and the Compiled model issues it on each call."""
    import json

    from xdsl.dialects.builtin import StringAttr

    from tsjit.compiled import WARNINGS
    from tsjit.dialects.ts.folding import NotConstant, constant_of

    funcs = [op for op in module.ops if isinstance(op, FuncOp) and op.body.blocks]
    if not funcs:
        return
    messages = []
    for op in list(funcs[-1].body.block.ops):
        if op.name == "ts.warn":
            try:
                message = constant_of(op.operands[0])
            except NotConstant:
                continue
            messages.append(message)
            op.detach()
            op.erase()
    if messages:
        funcs[-1].attributes[WARNINGS] = StringAttr(json.dumps(messages))


def _main_name(module: ModuleOp) -> str:
    funcs = [op for op in module.ops if isinstance(op, FuncOp) and op.body.blocks]
    return f"@{funcs[-1].sym_name.data}" if funcs else "the module"


def _progress(steps: int):
    """A progress bar on a terminal's stderr, shown only once a compile has taken two seconds."""
    import sys

    from tqdm import tqdm

    return tqdm(total=steps, desc="tsjit.compile", unit="step", delay=2.0, leave=False, file=sys.stderr,
                disable=None)


def _not_lowering(module: ModuleOp) -> list[tuple[str, str, str]]:
    """(op, location, why) of the ops ts-to-linalg would leave at the ts level, tried on a copy."""
    from tsjit.dialects import context
    from tsjit.passes.to_linalg import TsToLinalgPass, unlowered

    from xdsl.transforms.dead_code_elimination import region_dce

    from tsjit.passes.to_linalg import NOT_LOWERED, why_unlowered

    probe = module.clone()
    _hoist_warnings(probe)  # (issued by the Compiled model)
    TsToLinalgPass(report=False).apply(context(), probe)
    reasons = unlowered(probe)
    for func in (op for op in probe.ops if isinstance(op, FuncOp) and op.body.blocks):
        region_dce(func.body)
        for op in func.walk():  # ops without tensor results left behind (`torch.where(c)`'s tensor list),
            # where their values leave the ts level (an op only feeding ts ops that stay is not news)
            leaves = not op.results or any(not u.operation.name.startswith("ts.") for r in op.results for u in r.uses)
            if op.name.startswith("ts.") and op.name not in ("ts.constant", "ts.runtime_call") and leaves \
                    and not _inside_unlowered(op, NOT_LOWERED):
                reasons.append((op.name, location(op) or "", why_unlowered(op.name)))
    return reasons


def _inside_unlowered(op: Any, mark: str) -> bool:
    """Whether `op` or an op around it is already reported (carries ts-to-linalg's mark)."""
    while op is not None:
        if mark in op.attributes:
            return True
        op = op.parent_op()
    return False


def compile_with_fusion_groups(module: Any, backend: Any) -> Compiled:
    """`tsjit.compile(..., backend="c")` of a module the C backend cannot lower whole: the numpy
    backend runs it, with its fusion groups compiled by `backend`."""
    from tsjit.backends.numpy import Program
    from tsjit.jit.fusion import FUSER, fuse_module
    from tsjit.jit.fusion_kernels import group_runner

    fused = fuse_module(module, FUSER.onednn)
    return Compiled(fused, f"numpy+{backend.name}", Program(fused, fusion=group_runner))


def export_c(model_or_ir: Any, out_dir: Any, example_inputs: Sequence[Any] | None = None, *,
             main: str | None = None) -> Any:
    """Write a standalone C project of a model or IR module to out_dir (tsjit/backends/c/export.py):
    the model is scripted, frozen and specialized as for `compile`, then lowered whole to C."""
    from tsjit.backends.c.export import export_module

    module = to_module(model_or_ir, example_inputs)
    if not isinstance(model_or_ir, ModuleOp | str):  # IR is exported as it is given
        prepare_for_lowering(module, pad_results=True, return_padded=False)
    return export_module(module, out_dir, main=main)
