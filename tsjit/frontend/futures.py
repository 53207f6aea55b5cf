"""`fork` / `wait` in eager code (torch.jit.fork / torch.jit.wait).

Eager PyTorch runs a forked call at once, in the calling thread, and returns a completed
Future; an exception from the call is raised by `fork` itself. tsjit does the same. In
compiled code (`script`), `fork` becomes a `ts.fork` op and the backend runs its body
concurrently (tsjit/backends/numpy/fork.py); there an error surfaces at `wait`. Under a trace
the forked call is recorded in a `ts.fork` body and `wait` as `ts.wait` (frontend/trace/calls.py).
"""
from __future__ import annotations

from typing import Any

from tsjit.frontend.trace import state as trace_state
from tsjit.runtime import Future


def fork(func: Any, *args: Any, **kwargs: Any) -> Future:
    """Start `func(*args, **kwargs)` and return a Future of its result."""
    if not callable(func):
        raise TypeError(f"Object of type '{type(func).__name__}' is not an instance of 'function'")
    tracer = trace_state.current()
    if tracer is not None:
        from tsjit.frontend.trace.calls import fork as traced_fork

        return traced_fork(tracer, func, args, kwargs)
    return Future(func(*args, **kwargs))  # the one place a forked call runs


def wait(future: Future) -> Any:
    """The value of a Future returned by `fork` (its error is raised here)."""
    if not isinstance(future, Future):
        raise TypeError(f"wait() expects a Future, got '{type(future).__name__}'")
    tracer = trace_state.current()
    if tracer is not None:
        from tsjit.frontend.trace.calls import wait as traced_wait

        return traced_wait(tracer, future)
    return future.wait()
