"""Winograd convolutions for `ts-contractions-to-calls`: a float32, stride-1, undilated 3x3
convolution with constant weights and even output sizes becomes, per image and block of output
rows, a call of `@tsjit_winograd_f32` (tsjit/backends/c/runtime/winograd.py): 2.25x fewer
multiplications than im2col + GEMM (a ResNet 64-channel 56x56 conv: 3.0 -> ~1.7 ms on one core).

The weights are transformed here, at compile time (`U = G g G^T`, the numpy backend's
`winograd_weights`), into a new constant global `<weights>_winograd` of shape [16, F, C]; the
pass drops the original when nothing reads it any more.
"""
from __future__ import annotations

import math

import numpy as np
from xdsl.dialects import memref
from xdsl.dialects.builtin import Float32Type
from xdsl.ir import Operation, SSAValue

from tsjit.lowering.library_calls import blocks, constant_global, derived_constant

CALL = "tsjit_winograd_f32"
TILES_PER_BLOCK = 192
"""2x2 output tiles per call (the GEMMs' N): about 200 was fastest for 64 channels on 56x56."""


def applies(c: Operation, grouped: bool, zero_filled: bool) -> bool:
    """Whether the convolution `c` (operands already checked contiguous) can use Winograd."""
    w, out = c.inputs[1], c.outputs[0]
    if grouped or not zero_filled or not isinstance(out.type.element_type, Float32Type):
        return False
    _, _, kh, kw = w.type.get_shape()
    _, _, oh, ow = out.type.get_shape()
    return ((kh, kw) == (3, 3) and tuple(c.strides.get_values()) == (1, 1)
            and tuple(c.dilations.get_values()) == (1, 1) and oh % 2 == 0 and ow % 2 == 0
            and constant_global(w) is not None)


def transformed_weights(w: SSAValue) -> memref.GetGlobalOp:
    """A get_global of the Winograd-transformed copy of `w`'s constant global (made once)."""
    from tsjit.backends.numpy.ops.upstream_runtime import winograd_weights

    return derived_constant(w, "_winograd", lambda weights: winograd_weights(np.ascontiguousarray(weights)))


def tile_row_blocks(oh: int, ow: int) -> tuple[int, int]:
    """(tile rows per call, calls per image): about TILES_PER_BLOCK tiles (2 output rows each) a
    call, balanced; an even count of calls when there is more than one."""
    return blocks(oh // 2, max(1, math.ceil(TILES_PER_BLOCK / (ow // 2))), even=True)
