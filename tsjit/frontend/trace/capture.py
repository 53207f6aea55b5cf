"""Tracing one function or method: run it on example inputs and keep what ran as a func.func.

The function's parameters are the example inputs (tensors, or nested tuples, lists and
dicts of them, unpacked at the top); for a method, `self` comes first and the module's
tensors are read from it. Its result is the output structure the eager call returned.
"""
from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable, Iterator
from typing import Any

from xdsl.dialects import func
from xdsl.dialects.builtin import FunctionType
from xdsl.ir import Block, Region

from tsjit.dialects.ts.types import ClassType, ListType
from tsjit.frontend.script.function_compiler import CompiledFunction, Param
from tsjit.frontend.trace import state
from tsjit.frontend.trace.recording import recording
from tsjit.frontend.trace.traced_tensor import TracerWarning
from tsjit.frontend.trace.tracer import Tracer, TracingError, input_types
from tsjit.frontend.trace.user_frame import warn

_LIST_OUTPUT = ("Encountering a {} at the output of the tracer might cause the trace to be incorrect, this is only "
                "valid if the container structure does not change based on the module's inputs. Consider using a "
                "constant container instead (e.g. for `list`, use a `tuple` instead. for `dict`, use a `NamedTuple` "
                "instead). If you absolutely need this and know the side effects, pass strict=False to trace() to "
                "allow this behavior.")


@contextlib.contextmanager
def tracing(tracer: Tracer) -> Iterator[Tracer]:
    with recording():
        state.push(tracer)
        try:
            yield tracer
        finally:
            state.pop(tracer)


def capture(unit: Any, fn: Callable, inputs: tuple, symbol: str, qualname: str, strict: bool = True,
            self_info: Any = None, attributes: dict | None = None,
            signature_of: Callable | None = None) -> tuple[CompiledFunction, Tracer]:
    """Trace `fn(*inputs)` into a new func.func `symbol` of `unit` (a method of `self_info` if given)."""
    types = input_types(inputs)
    self_types = [ClassType(self_info.class_name)] if self_info is not None else []
    block = Block(arg_types=self_types + types)
    args = list(block.args)
    self_value = args.pop(0) if self_info is not None else None
    if self_value is not None:
        self_value.name_hint = "self"
    tracer = Tracer(unit, block, self_value, attributes)
    names = parameter_names(signature_of or fn, len(inputs))
    for arg, name, x in zip(args, names, inputs):
        arg.name_hint = name
        tracer.bind_structure(x, arg)
    with tracing(tracer):
        out = fn(*inputs)
        if isinstance(out, list) and strict:
            warn(_LIST_OUTPUT.format("list"), TracerWarning)
        if isinstance(out, dict) and strict:
            raise TracingError(_LIST_OUTPUT.format("dict"))
        result = tracer.value_of(out, strict=False)
    tracer.builder.location = None
    block.add_op(func.ReturnOp(result))
    func_op = func.FuncOp(symbol, FunctionType.from_lists(self_types + types, [result.type]), Region([block]))
    compiled = CompiledFunction(symbol, qualname, [Param(n, t) for n, t in zip(names, types)], result.type,
                                method_of=self_info.class_name if self_info is not None else None)
    compiled.func_op = func_op
    compiled.extra["traced"] = True
    if isinstance(result.type, ListType):
        compiled.extra["list_output"] = True
    unit.add_function(compiled)
    return compiled, tracer


def parameter_names(fn: Callable, n: int) -> list[str]:
    """The Python parameter names of `fn` for `n` inputs (`argN` where it has none)."""
    try:
        params = [p for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    names = [p.name for p in params[:n]]
    return names + [f"args_{i}" for i in range(len(names), n)]
