"""The C run-time functions (tsjit/backends/c/runtime/) on the numpy backend, for `func.call`s of
their body-less `func.func private @tsjit_*` declarations (program.py looks a declared function
up here).

They mirror the C exactly: a memref argument is the flat storage starting at the memref's first
element (the pass passes contiguous memrefs collapsed to 1-D), element offsets and leading
dimensions are explicit, and results are written in place. Every view is bounds-checked, where C
would silently read or write out of bounds.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.lib.stride_tricks import as_strided


def _flat(a: np.ndarray) -> np.ndarray:
    if not a.flags.c_contiguous:
        raise ValueError("run-time function: memref arguments must be contiguous")
    return a.reshape(-1)


def _matrix(a: np.ndarray, offset: int, rows: int, cols: int, ld: int) -> np.ndarray:
    """The rows x cols matrix with row stride `ld` stored at flat element `offset` of `a` (a view)."""
    flat = _flat(a)
    if rows and cols and (offset < 0 or cols > ld and rows > 1 or offset + (rows - 1) * ld + cols > flat.size):
        raise IndexError(f"run-time function: a {rows}x{cols} matrix (ld {ld}) at offset {offset} "
                         f"does not fit in {flat.size} elements")
    size = flat.itemsize
    return as_strided(flat[offset:], shape=(rows, cols), strides=(ld * size, size))


def gemm(a, b, c, off_a, off_b, off_c, m, n, k, lda, ldb, ldc, trans_a, trans_b, beta) -> None:
    """C[m,n] = op(A) @ op(B) + beta * C (beta == 0 never reads C), as tsjit_sgemm/tsjit_dgemm."""
    if m <= 0 or n <= 0:
        return
    opa = _matrix(a, off_a, k, m, lda).T if trans_a else _matrix(a, off_a, m, k, lda)
    opb = _matrix(b, off_b, n, k, ldb).T if trans_b else _matrix(b, off_b, k, n, ldb)
    out = _matrix(c, off_c, m, n, ldc)
    product = opa @ opb
    out[...] = product if beta == 0 else product + c.dtype.type(beta) * out


def im2col(x, col, off_x, c, h, w, kh, kw, sh, sw, dh, dw, oh0, rows, ow) -> None:
    """col[(ci*kh + i)*kw + j, r*ow + o] = X[ci, (oh0+r)*sh + i*dh, o*sw + j*dw], as tsjit_im2col_*."""
    image = _matrix(x, off_x, c * h, w, w).reshape(c, h, w)
    out = _matrix(col, 0, c * kh * kw, rows * ow, rows * ow).reshape(c, kh, kw, rows, ow)
    for i in range(kh):
        for j in range(kw):
            top, left = oh0 * sh + i * dh, j * dw
            window = image[:, top:top + (rows - 1) * sh + 1:sh, left:left + (ow - 1) * sw + 1:sw]
            if window.shape[1:] != (rows, ow):
                raise IndexError(f"im2col: rows {oh0}..{oh0 + rows - 1} of the output read outside the {h}x{w} input")
            out[:, i, j] = window


#: declared symbol -> its implementation
RUNTIME_FUNCTIONS: dict[str, Callable[..., None]] = {
    "tsjit_sgemm": gemm,
    "tsjit_dgemm": gemm,
    "tsjit_im2col_f32": im2col,
    "tsjit_im2col_f64": im2col,
}
