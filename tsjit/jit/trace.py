"""`tsjit.jit.trace`, `trace_module` and `script_if_tracing`, with TorchScript's signatures.

A trace runs the eager code once on example inputs and keeps the ops that ran: control flow
is baked in (the branch taken, the trip counts seen), sizes read with `x.size(d)` stay
dynamic, and other Python values become constants. Functions become ScriptFunctions, modules
ScriptModules whose parameters stay parameters. `check_trace` traces again and compares
(see tsjit/frontend/trace/check.py).
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from tsjit.frontend.script.compilation_unit import CompilationUnit as _Unit
from tsjit.frontend.trace.capture import capture
from tsjit.frontend.trace.check import TracingCheckError
from tsjit.frontend.trace.check import check_trace as _check
from tsjit.frontend.trace.module_types import TracedModuleInfo, attribute_paths
from tsjit.frontend.trace.traced_tensor import TracerWarning
from tsjit.frontend.trace.user_frame import warn
from tsjit.frontend.decorators import is_tracing
from tsjit.jit.script import GLOBAL_UNIT, disabled, script
from tsjit.jit.script_function import ScriptFunction
from tsjit.jit.script_module import ScriptModule

__all__ = ["TracerWarning", "TracingCheckError", "script_if_tracing", "trace", "trace_module"]


def trace(func: Any, example_inputs: Any = None, optimize: Any = None, check_trace: bool = True,
          check_inputs: list | None = None, check_tolerance: float = 1e-5, strict: bool = True,
          _force_outplace: bool = False, _module_class: Any = None, _compilation_unit: Any = None,
          example_kwarg_inputs: dict | None = None, _store_inputs: bool = True) -> Any:
    """Trace a function or an nn.Module into a ScriptFunction / ScriptModule."""
    import tsjit.nn as nn

    from tsjit.eager.tensor_class import Tensor

    if disabled():
        return func
    if isinstance(func, Tensor):  # torch.trace(matrix): the sum of its diagonal (ts.trace)
        if example_inputs is not None:
            raise TypeError("trace(): takes one tensor (the matrix trace), or a function or module to trace")
        from tsjit.eager.core import _wrap
        from tsjit.ops import EAGER
        return _wrap(EAGER["trace"](func._data))
    if isinstance(func, ScriptModule):
        warn("The input to trace is already a ScriptModule, tracing it is a no-op. Returning the object as is.",
             UserWarning)
        return func
    if example_kwarg_inputs is not None:
        raise RuntimeError("tsjit.jit.trace does not support example_kwarg_inputs; pass example_inputs")
    if isinstance(func, nn.Module):
        return trace_module(func, {"forward": example_inputs}, None, check_trace,
                            [{"forward": c} for c in check_inputs] if check_inputs is not None else None,
                            check_tolerance, strict, _compilation_unit=_compilation_unit)
    owner = getattr(func, "__self__", None)
    if isinstance(owner, nn.Module) and getattr(func, "__name__", None) == "forward":
        return trace_module(owner, {"forward": example_inputs}, None, check_trace,
                            [{"forward": c} for c in check_inputs] if check_inputs is not None else None,
                            check_tolerance, strict, _compilation_unit=_compilation_unit)
    unit = _compilation_unit or GLOBAL_UNIT
    inputs = _make_tuple(example_inputs)
    traced, func_op, tracer = _trace_function(unit, func, inputs, strict)
    if check_trace:
        checks = [_make_tuple(c) for c in check_inputs] if check_inputs is not None else [inputs]
        _check(checks, func, traced, func_op, functools.partial(_retrace_function, func, strict), check_tolerance,
               tracer.nondeterministic)
    return traced


def _trace_function(unit: _Unit, func: Callable, inputs: tuple, strict: bool):
    qualname = getattr(func, "__qualname__", getattr(func, "__name__", "traced"))
    symbol = unit.unique_symbol(unit.function_symbol(func) if hasattr(func, "__module__") else f"__torch__.{qualname}")
    compiled, tracer = capture(unit, func, inputs, symbol, qualname, strict)
    unit.finalize()
    unit.program.invalidate()
    return ScriptFunction(unit, compiled), compiled.func_op, tracer


def _retrace_function(func: Callable, strict: bool, inputs: tuple):
    traced, func_op, _ = _trace_function(_Unit(), func, inputs, strict)
    return traced, func_op


def trace_module(mod: Any, inputs: dict, optimize: Any = None, check_trace: bool = True,
                 check_inputs: list | None = None, check_tolerance: float = 1e-5, strict: bool = True,
                 _force_outplace: bool = False, _module_class: Any = None, _compilation_unit: Any = None,
                 example_inputs_is_kwarg: bool = False, _store_inputs: bool = True) -> Any:
    """Trace several methods of one module (`{method_name: example_inputs}`) into one ScriptModule."""
    import tsjit.nn as nn

    if disabled():
        return mod
    if not isinstance(mod, nn.Module):
        raise AttributeError("expected torch.nn.Module as the first argument")
    if not isinstance(inputs, dict):
        raise AttributeError("expected a dictionary of (method_name, input) pairs")
    unit = _compilation_unit or GLOBAL_UNIT
    module, funcs, tracers = _trace_methods(unit, mod, inputs, strict)
    if check_trace:
        for name, example in inputs.items():
            checks = [c[name] for c in check_inputs] if check_inputs is not None else [example]

            def retrace(args, name=name):
                checked, check_funcs, _ = _trace_methods(_Unit(), mod, {name: args}, strict)
                return getattr(checked, name), check_funcs[name]

            _check([_make_tuple(c) for c in checks], getattr(mod, name) if name != "forward" else mod,
                        getattr(module, name), funcs[name], retrace, check_tolerance, tracers[name].nondeterministic)
    return module


def _trace_methods(unit: _Unit, mod: Any, inputs: dict, strict: bool):
    info = TracedModuleInfo(unit, mod)
    attributes = attribute_paths(mod, info)
    funcs, tracers = {}, {}
    for name, example in inputs.items():
        method = getattr(mod, name)
        fn = mod if name == "forward" else method
        compiled, tracer = capture(unit, fn, _make_tuple(example), unit.unique_symbol(f"{info.class_name}.{name}"),
                                   f"{type(mod).__qualname__}.{name}", strict, self_info=info, attributes=attributes,
                                   signature_of=method)
        info.methods[name] = compiled
        funcs[name], tracers[name] = compiled.func_op, tracer
    unit.finalize()
    unit.program.invalidate()
    return ScriptModule(unit, info, mod), funcs, tracers


def _make_tuple(example_inputs: Any) -> tuple:
    from tsjit.eager.tensor_class import Tensor

    if isinstance(example_inputs, Tensor | dict):
        return (example_inputs,)
    if not isinstance(example_inputs, tuple):
        return tuple(example_inputs)
    return example_inputs


def script_if_tracing(fn: Callable) -> Callable:
    """Run `fn` as Python, but compile it with `script` when it is called during a trace, so the
    trace calls it (keeping its control flow) instead of baking in the path it took."""
    compiled: list = []

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not is_tracing():
            return fn(*args, **kwargs)
        if not compiled:
            compiled.append(script(fn))
        return compiled[0](*args, **kwargs)

    wrapper.__original_fn = fn  # what script() compiles when a scripted caller reaches the wrapper
    return wrapper
