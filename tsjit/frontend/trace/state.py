"""Which trace, if any, is recording on the current thread.

Kept free of imports so the eager library can ask cheaply: `current()` is one global read
when nothing is being traced.
"""
from __future__ import annotations

import threading
from typing import Any

_stack: list[Any] = []  # active tracers, innermost last


def current() -> Any:
    """The tracer recording on this thread, or None."""
    if not _stack:
        return None
    tracer = _stack[-1]
    return tracer if tracer.thread == threading.get_ident() and not tracer.paused else None


def push(tracer: Any) -> None:
    _stack.append(tracer)


def pop(tracer: Any) -> None:
    _stack.remove(tracer)


def is_tracing() -> bool:
    return current() is not None
