"""Winograd convolutions for `ts-contractions-to-calls`: a float32, stride-1, undilated 3x3
convolution with constant weights and even output sizes becomes, per image and block of output
rows, a call of `@tsjit_winograd_f32` (tsjit/backends/c/runtime/winograd.py): 2.25x fewer
multiplications than im2col + GEMM (a ResNet 64-channel 56x56 conv: 3.0 -> ~1.7 ms on one core).

The weights are transformed here, at compile time (`U = G g G^T`, the numpy backend's
`winograd_weights`), into a new constant global `<weights>_winograd` of shape [16, F, C]; the
original global stays for other users (dce drops it otherwise).
"""
from __future__ import annotations

import math

import numpy as np
from xdsl.dialects import memref
from xdsl.dialects.builtin import DenseIntOrFPElementsAttr, Float32Type, ModuleOp, StringAttr, UnitAttr
from xdsl.ir import Operation, SSAValue

from tsjit.dialects.ts.constant import dense_to_numpy, numpy_to_dense
from tsjit.passes.contractions_to_calls_ir import root

CALL = "tsjit_winograd_f32"
TILES_PER_BLOCK = 192
"""2x2 output tiles per call (the GEMMs' N): about 200 was fastest for 64 channels on 56x56."""


def constant_weights(value: SSAValue) -> tuple[memref.GlobalOp, np.ndarray] | None:
    """The constant global `value` reads (through views) and its values, or None."""
    op = root(value).owner
    if not isinstance(op, memref.GetGlobalOp):
        return None
    module = op
    while module is not None and not isinstance(module, ModuleOp):
        module = module.parent_op()
    if module is None:
        return None
    name = op.name_.root_reference.data
    glob = next((g for g in module.ops if isinstance(g, memref.GlobalOp) and g.sym_name.data == name), None)
    if glob is None or glob.constant is None or not isinstance(glob.initial_value, DenseIntOrFPElementsAttr):
        return None
    return glob, np.broadcast_to(dense_to_numpy(glob.initial_value), tuple(glob.type.get_shape()))


def applies(c: Operation, grouped: bool, zero_filled: bool) -> bool:
    """Whether the convolution `c` (operands already checked contiguous) can use Winograd."""
    w, out = c.inputs[1], c.outputs[0]
    if grouped or not zero_filled or not isinstance(out.type.element_type, Float32Type):
        return False
    _, _, kh, kw = w.type.get_shape()
    _, _, oh, ow = out.type.get_shape()
    return ((kh, kw) == (3, 3) and tuple(c.strides.get_values()) == (1, 1)
            and tuple(c.dilations.get_values()) == (1, 1) and oh % 2 == 0 and ow % 2 == 0
            and constant_weights(w) is not None)


def transformed_weights(w: SSAValue) -> memref.GetGlobalOp:
    """A get_global of the Winograd-transformed copy of `w`'s constant global (made once)."""
    from tsjit.backends.numpy.ops.upstream_runtime import winograd_weights

    glob, weights = constant_weights(w)
    name = glob.sym_name.data + "_winograd"
    module = glob.parent_op()
    existing = next((g for g in module.ops if isinstance(g, memref.GlobalOp) and g.sym_name.data == name), None)
    if existing is None:
        u = winograd_weights(np.ascontiguousarray(weights))
        value = numpy_to_dense(u)
        existing = memref.GlobalOp.get(StringAttr(name), memref.MemRefType(glob.type.element_type, u.shape),
                                       value, constant=UnitAttr())
        module.body.block.insert_op_after(existing, glob)
    return memref.GetGlobalOp(name, existing.type)


def tile_rows_per_block(oh: int, ow: int) -> int:
    """Tile rows (2 output rows each) per call: about TILES_PER_BLOCK tiles, balanced."""
    rows, per = oh // 2, max(1, math.ceil(TILES_PER_BLOCK / (ow // 2)))
    count = math.ceil(rows / per)
    return math.ceil(rows / count)
