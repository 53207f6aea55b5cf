"""numpy kernels of the ts dialect's tensor ops, with PyTorch's semantics.

`KERNELS["add"](a, b, alpha)` runs `ts.add` on Python run-time values (see tsjit/runtime.py):
operands come positionally in schema order, tensors are numpy arrays, and a tensor result
is always an ndarray. The eager library, the numpy backend and constant folding share them.
"""
from __future__ import annotations

from collections.abc import Callable

from tsjit.kernels import (
    contractions, conv, creation, indexing, metadata, normalization, pooling, random, reductions, shape,
)
from tsjit.kernels import nn_extra, reductions_extra, shape_extra

_FAMILIES = (contractions, conv, pooling, normalization, reductions, shape, indexing, creation, random, metadata,
             shape_extra, reductions_extra, nn_extra)

KERNELS: dict[str, Callable] = {}
for _family in _FAMILIES:
    KERNELS.update(_family.KERNELS)

#: The table the eager library calls (`tsjit.Tensor`, `tsjit.nn.functional`, ...). It holds the same
#: functions as KERNELS, but a trace swaps recording wrappers into it (tsjit/frontend/trace), so
#: eager ops are recorded while compiled code and constant folding, which use KERNELS, are not.
EAGER: dict[str, Callable] = dict(KERNELS)

__all__ = ["EAGER", "KERNELS"]
