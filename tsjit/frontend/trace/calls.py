"""What a trace records for calls it does not trace through: compiled functions and fork/wait.

A ScriptFunction (or a ScriptModule's method) called while tracing becomes one
`ts.call_function` / `ts.call_method`, so its control flow is kept, as TorchScript does
("Traced functions can call script functions"); it runs unrecorded. `fork(fn, ...)` records
fn's ops in the body of a `ts.fork`, and `wait` on the future it gave becomes `ts.wait`.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from xdsl.ir import Block, Region, SSAValue

from tsjit.dialects.ts.async_ops import ForkOp
from tsjit.dialects.ts.control_flow import YieldOp
from tsjit.dialects.ts.types import ListType, OptionalType, TensorType, TupleType
from tsjit.frontend.trace.traced_int import TracedInt
from tsjit.frontend.trace.tracer import Tracer, TracingError
from tsjit.frontend.trace.user_frame import location
from tsjit.runtime import Future, ScriptObject


def argument(tracer: Tracer, x: Any, t: Any) -> SSAValue:
    """The value of a Python argument passed to a compiled function's parameter of type `t`."""
    from tsjit.eager.tensor_class import Tensor

    b = tracer.builder
    if isinstance(t, OptionalType):
        return b.none() if x is None else argument(tracer, x, t.element_type)
    if isinstance(x, Tensor | np.ndarray):
        return tracer.tensor(x._data if isinstance(x, Tensor) else x)
    obj = x if isinstance(x, ScriptObject) else getattr(x, "_c", None)
    if isinstance(obj, ScriptObject):
        value = tracer.object(obj)
        if value is None:
            raise TracingError("cannot trace a call that passes a script object which is not part of the traced "
                               "module")
        return value
    if isinstance(x, tuple) and isinstance(t, TupleType):
        items = [argument(tracer, xi, ti) for xi, ti in zip(x, t.types.data)]
        return b.op("tuple.construct", items, [TupleType([v.type for v in items])]).results[0]
    if isinstance(x, list) and isinstance(t, ListType):
        items = [argument(tracer, xi, t.element_type) for xi in x]
        return b.op("list.construct", items, [t]).results[0]
    if isinstance(x, TracedInt):
        return tracer.scalar(x)
    if x is None:
        return b.none()
    return b.const(x, t if not isinstance(t, TensorType) else None)


def call_compiled(tracer: Tracer, fn: Any, args: tuple, kwargs: dict) -> Any:
    """Record a call of ScriptFunction / ScriptMethod `fn`, run it, bind its result."""

    compiled = fn._compiled
    values = compiled.bind(args, kwargs)
    tracer.builder.location = location()
    operands = [argument(tracer, v, p.type) for v, p in zip(values, compiled.params)]
    unit = tracer.unit
    if fn._obj is None:
        target = unit.adopt(fn._cu, compiled)
        op = tracer.builder.op("call_function", operands, [compiled.return_type],
                               callee=unit.symbol_ref(target.name))
    else:
        obj = argument(tracer, fn._obj, None)
        unit.adopt_class(fn._cu, fn._obj._class_name)
        from xdsl.dialects.builtin import StringAttr

        op = tracer.builder.op("call_method", [obj, *operands], [compiled.return_type],
                               method_name=StringAttr(fn.name))
    with tracer.pause():
        out = fn._run(values)
    tracer.bind_structure(out, op.results[0])
    return out


def fork(tracer: Tracer, fn: Any, args: tuple, kwargs: dict) -> Future:
    """`fork(fn, *args)` while tracing: fn is traced into the body of a `ts.fork`."""
    tracer.builder.location = location()
    block = Block()
    with tracer.region(block):
        out = fn(*args, **kwargs)
        value = tracer.value_of(out, strict=False)
        block.add_op(YieldOp(value))
    tracer.builder.location = location()
    op = tracer.builder.add(ForkOp(value.type, Region([block])))
    future = Future(out)
    tracer.bind(future, op.results[0])
    return future


def wait(tracer: Tracer, future: Any) -> Any:
    out = future.wait()
    value = tracer.lookup(future)
    if value is not None:
        tracer.builder.location = location()
        result = tracer.builder.op("wait", [value], [value.type.element_type]).results[0]
        tracer.bind_structure(out, result)
    return out
