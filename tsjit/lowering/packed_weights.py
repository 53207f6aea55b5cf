"""Prepacked GEMM weights: the layout `@tsjit_sgemm_packed` reads a constant B operand in.

A float32 matmul whose B is a constant global gets B packed here, at compile time, into a new
constant global `<W>_packed` (`<W>_t_packed` when B is W^T, a linear's: transposed first), 1-D:
for each block of KC rows of B (depth), the columns in panels of NR, each panel its kc x NR
values row by row, the last panel zero-padded. The original is dropped when nothing else reads it. The C micro-kernel (tsjit/backends/c/runtime/gemm_kernel.py) then
streams B with no packing per call (OpenBLAS packs B on every call); the numpy twin unpacks it.
"""
from __future__ import annotations

import math

import numpy as np
from xdsl.dialects import memref
from xdsl.dialects.builtin import Float32Type
from xdsl.ir import SSAValue

from tsjit.lowering.library_calls import constant_global, derived_constant

CALL = "tsjit_sgemm_packed"
NR = 32
"""columns per panel (two AVX-512 vectors of float32)"""
KC = 256
"""rows of B (depth) per block"""


def applies(b: SSAValue) -> bool:
    """Whether a matmul's stored B operand `b` is a packable constant: float32, the whole of a
    constant global (possibly through reshaping views)."""
    glob = constant_global(b)
    return (isinstance(b.type.element_type, Float32Type) and glob is not None
            and math.prod(glob.type.get_shape()) == math.prod(b.type.get_shape()))


def pack(b: np.ndarray) -> np.ndarray:
    """The K x N matrix `b` in the packed layout (1-D, K * ceil(N / NR) * NR values)."""
    k, n = b.shape
    panels = -(-n // NR)
    padded = np.zeros((k, panels * NR), b.dtype)
    padded[:, :n] = b
    parts = [padded[p:p + KC].reshape(-1, panels, NR).transpose(1, 0, 2).reshape(-1) for p in range(0, k, KC)]
    return np.concatenate(parts) if parts else np.zeros(0, b.dtype)


def unpack(packed: np.ndarray, k: int, n: int) -> np.ndarray:
    """The K x N matrix that `pack` laid out as `packed` (its first K * ceil(N / NR) * NR values)."""
    panels = -(-n // NR)
    rows = []
    for p in range(0, k, KC):
        kc = min(KC, k - p)
        block = packed[p * panels * NR:(p + kc) * panels * NR]
        rows.append(block.reshape(panels, kc, NR).transpose(1, 0, 2).reshape(kc, panels * NR))
    return np.concatenate(rows)[:, :n] if rows else np.zeros((0, n), packed.dtype)


def packed_weights(b: SSAValue, transposed: bool) -> memref.GetGlobalOp:
    """A get_global of the packed copy of `b`'s constant global (of its transpose when `transposed`;
    made once)."""
    shape = tuple(b.type.get_shape())
    if transposed:
        return derived_constant(b, "_t_packed", lambda w: pack(np.transpose(w.reshape(shape))))
    return derived_constant(b, "_packed", lambda w: pack(w.reshape(shape)))

