"""Tensor ops: `ts.<name>` runs `kernels[name]` with its operands in schema order.

The kernel table is the program's (`tsjit.kernels.KERNELS` by default). An op without a
kernel fails when it runs, not when its function is planned.
"""
from __future__ import annotations

from tsjit.backends.numpy.table import register
from tsjit.ops import REGISTRY
from tsjit.runtime import Error


@register(*(f"ts.{name}" for name in REGISTRY))
def _kernel(op, planner):
    name = op.name.removeprefix("ts.")
    kernel = planner.kernels.get(name)
    if kernel is not None:
        return kernel

    def missing(*args):
        raise Error(f"{op.name} has no numpy kernel")

    return missing
