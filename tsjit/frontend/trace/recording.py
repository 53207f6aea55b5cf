"""`recording()`: while a trace runs, eager kernels record what they compute.

Every entry of `tsjit.kernels.EAGER` (the table eager tensors call) is wrapped: the wrapper
turns the operands into values *before* the kernel runs (an in-place kernel must not change
a constant it reads), runs the kernel, then binds its results. Calls from other threads,
and kernels giving no tensor, run unrecorded. Tensor methods are swapped as traced_tensor.py
lists. Everything is restored when the last active trace ends.
"""
from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Iterator

from tsjit.dialects.ts import OPS_BY_NAME
from tsjit.frontend.trace import state
from tsjit.frontend.trace.traced_tensor import overrides
from tsjit.ops import EAGER, KERNELS

_depth = 0
_saved: list = []


def _records(name: str) -> bool:
    """Kernels whose results include a tensor are recorded (not item(), dim(), manual_seed, ...)."""
    return any(r.kind.startswith("Tensor") for r in OPS_BY_NAME[f"ts.{name}"].SCHEMA.results)


def _recording(name: str, kernel):
    signature = inspect.signature(kernel)

    def run(*args, **kwargs):
        tracer = state.current()
        if tracer is None:
            return kernel(*args, **kwargs)
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()  # the op takes every operand, defaults included
        args = bound.args
        op = tracer.begin(name, args)
        try:
            result = kernel(*args)
        except BaseException:
            tracer.cancel(op)
            raise
        tracer.finish(name, op, args, result)
        return result

    run.__name__ = name
    return run


@contextlib.contextmanager
def recording() -> Iterator[None]:
    global _depth
    if _depth == 0:
        _install()
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0:
            _uninstall()


@functools.cache
def _wrappers() -> dict:
    """name -> its recording wrapper, built once (binding needs each kernel's signature)."""
    return {name: _recording(name, kernel) for name, kernel in KERNELS.items() if _records(name)}


def _install() -> None:
    EAGER.update(_wrappers())
    for owner, attr, replacement in overrides():
        _saved.append((owner, attr, owner.__dict__.get(attr, _INHERITED)))
        setattr(owner, attr, replacement)


def _uninstall() -> None:
    EAGER.update(KERNELS)
    while _saved:
        owner, attr, original = _saved.pop()
        if original is _INHERITED:  # Tensor's methods come from its mixins: drop the swap
            delattr(owner, attr)
        else:
            setattr(owner, attr, original)


_INHERITED = object()
