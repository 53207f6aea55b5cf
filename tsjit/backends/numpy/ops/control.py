"""Control flow and calls: `ts.if`, `ts.loop`, `ts.fork`/`ts.wait`, `ts.call_function`,
`ts.call_method`, `func.call`.

Region ops get the frame (`env=True`) and run their nested block plans in it. Calls look the
callee up when they run (its plan is prepared on first use and then cached by the program).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from tsjit.backends.numpy.table import register
from tsjit.lowering.run_time_errors import reported


@register("ts.if", env=True)
def _if(op, planner):
    then_block = planner.block(op.then_region.block)
    else_block = planner.block(op.else_region.block)

    def run_if(env: list, cond: bool) -> Any:
        return then_block(env) if cond else else_block(env)

    return run_if


@register("ts.loop", env=True)
def _loop(op, planner):
    """prim::Loop: run while `iteration < max_trip` and the last condition holds."""
    block = op.body.block
    body = planner.block(block)
    iteration = planner.slot(block.args[0])
    carried = tuple(planner.slot(a) for a in block.args[1:])
    n = len(carried)

    def run_loop(env: list, max_trip: int, cond: bool, *init: Any) -> Any:
        values: Any = init
        i = 0
        while cond and i < max_trip:
            env[iteration] = i
            if n:
                for s, v in zip(carried, values):
                    env[s] = v
                values = v = None  # only the frame holds the carried values: the body frees them
                cond, *values = body(env)
            else:
                cond = body(env)
            i += 1
        return None if n == 0 else values[0] if n == 1 else tuple(values)

    return run_loop


@register("ts.fork", env=True)
def _fork(op, planner):
    """The body runs on its own copy of the frame: the caller may free captured values at once."""
    body = planner.block(op.body.block)
    program = planner.program

    def run_fork(env: list) -> Any:
        frame = env.copy()
        return program.fork_executor(lambda: body(frame))

    return run_fork


@register("ts.wait")
def _wait(op, planner):
    return _wait_future


def _wait_future(future: Any) -> Any:
    return future.wait()


@register("ts.call_function", "func.call")
def _call_function(op, planner):
    name = op.callee.string_value()
    function = planner.program.function
    if "message" in op.attributes and name in ("tsjit_fail", "tsjit_fail_with"):  # lowered code reporting an error
        def fail(*args: Any) -> Any:
            raise reported(op, [int(np.asarray(v)) for v in args[1:]])

        return fail

    def call_function(*args: Any) -> Any:
        return function(name)(*args)

    return call_function


@register("ts.call_method")
def _call_method(op, planner):
    name = op.method_name.data
    method = planner.program.method

    def call_method(obj: Any, *args: Any) -> Any:
        return method(obj._class_name, name)(obj, *args)

    return call_method
