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

from tsjit.backends.numpy.ops.upstream_lapack import LAPACK_TWINS


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


def gemm_packed(a, bp, c, off_a, off_b, off_c, m, n, k, lda, ldb, ldc, trans_a, trans_b, beta) -> None:
    """tsjit_sgemm_packed: gemm with B (K x N) in the prepacked layout of tsjit/lowering/packed_weights.py."""
    from tsjit.lowering.packed_weights import NR, unpack

    packed = _flat(bp)[off_b:off_b + k * -(-n // NR) * NR]
    gemm(a, np.ascontiguousarray(unpack(packed, k, n)), c, off_a, 0, off_c, m, n, k, lda, n, ldc, trans_a, 0, beta)


def _bias_clamp(out: np.ndarray, bias: np.ndarray, lo: float, hi: float) -> None:
    """out = clamp(out + bias, lo, hi) in place as the calls do: NaN kept, the value on a tie."""
    v = out + bias
    v = np.where(v < lo, v.dtype.type(lo), v)
    out[...] = np.where(v > hi, v.dtype.type(hi), v)


def _gemm_epilogue(c, bias, off_c, m, n, ldc, off_bias, per_row, lo, hi) -> None:
    b = _matrix(bias, off_bias, m, 1, 1) if per_row else _matrix(bias, off_bias, 1, n, n)
    _bias_clamp(_matrix(c, off_c, m, n, ldc), b, lo, hi)


def gemm_ep(a, b, c, bias, off_a, off_b, off_c, m, n, k, lda, ldb, ldc, trans_a, trans_b, off_bias, per_row, beta,
            lo, hi) -> None:
    """tsjit_sgemm_ep: gemm, then C = clamp(C + bias, lo, hi), the bias per row or per column."""
    if m > 0 and n > 0:
        gemm(a, b, c, off_a, off_b, off_c, m, n, k, lda, ldb, ldc, trans_a, trans_b, beta)
        _gemm_epilogue(c, bias, off_c, m, n, ldc, off_bias, per_row, lo, hi)


def gemm_packed_ep(a, bp, c, bias, off_a, off_b, off_c, m, n, k, lda, ldb, ldc, trans_a, trans_b, off_bias, per_row,
                   beta, lo, hi) -> None:
    """tsjit_sgemm_packed_ep: gemm_packed, then the epilogue of gemm_ep."""
    if m > 0 and n > 0:
        gemm_packed(a, bp, c, off_a, off_b, off_c, m, n, k, lda, ldb, ldc, trans_a, trans_b, beta)
        _gemm_epilogue(c, bias, off_c, m, n, ldc, off_bias, per_row, lo, hi)


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


def conv_gemm(x, wt, o, off_x, off_w, off_o, c, h, w, kh, kw, sh, sw, dh, dw, oh0, rows, ow, f, ldo, beta) -> None:
    """One convolution block, im2col then GEMM, as tsjit_conv_gemm_*."""
    k, ncol = c * kh * kw, rows * ow
    col = np.empty(k * ncol, x.dtype)
    im2col(x, col, off_x, c, h, w, kh, kw, sh, sw, dh, dw, oh0, rows, ow)
    gemm(wt, col, o, off_w, 0, off_o, f, ncol, k, k, ncol, ldo, 0, 0, beta)


def conv_gemm_ep(x, wt, o, bias, off_x, off_w, off_o, c, h, w, kh, kw, sh, sw, dh, dw, oh0, rows, ow, f, ldo,
                 off_bias, beta, lo, hi) -> None:
    """conv_gemm, then each filter's bias and the clamp, as tsjit_conv_gemm_ep_f32."""
    conv_gemm(x, wt, o, off_x, off_w, off_o, c, h, w, kh, kw, sh, sw, dh, dw, oh0, rows, ow, f, ldo, beta)
    _gemm_epilogue(o, bias, off_o, f, rows * ow, ldo, off_bias, 1, lo, hi)


def dwconv(x, wt, o, b, off_x, off_o, m, h, w, ph, pw, kh, kw, sh, sw, dh, dw, oh, ow, o0, no, ep, lo, hi) -> None:
    """Output channels o0..o0+no-1 of a depthwise convolution of one image (channel o reads input
    channel o // m; ph/pw zeros implied on each side), as tsjit_dwconv_*; with ep = 1 each output
    is clamp(sum + b[o], lo, hi), NaN propagating."""
    if no <= 0:
        return
    c_in = (o0 + no - 1) // m + 1
    image = np.pad(_matrix(x, off_x, c_in * h, w, w).reshape(c_in, h, w), ((0, 0), (ph, ph), (pw, pw)))
    out = _matrix(o, off_o + o0 * oh * ow, no, oh * ow, oh * ow).reshape(no, oh, ow)
    weights = _matrix(wt, o0 * kh * kw, no, kh * kw, kh * kw).reshape(no, kh, kw)
    planes = image[np.arange(o0, o0 + no) // m]
    acc = np.zeros_like(out)
    for i in range(kh):
        for j in range(kw):
            window = planes[:, i * dh:i * dh + (oh - 1) * sh + 1:sh, j * dw:j * dw + (ow - 1) * sw + 1:sw]
            if window.shape[1:] != (oh, ow):
                raise IndexError(f"dwconv: a {oh}x{ow} output reads outside the {h}x{w} input (padding {ph}, {pw})")
            acc += weights[:, i:i + 1, j:j + 1] * window
    if ep:
        _bias_clamp(acc, _matrix(b, o0, no, 1, 1).reshape(no, 1, 1), lo, hi)
    out[...] = acc


#: Winograd F(2x2, 3x3) (Lavin & Gray): weights U = G g G^T, input V = B^T d B, output A^T M A
WINOGRAD_G = np.array([[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]])
WINOGRAD_BT = np.array([[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]])
WINOGRAD_AT = np.array([[1, 1, 1, 0], [0, 1, -1, -1]])


def winograd_weights(weight: np.ndarray) -> np.ndarray:
    """U[4a+b, f, c] = (G weight[f, c] G^T)[a, b] for an F x C x 3 x 3 weight, in its dtype."""
    u = np.einsum("ai,fcij,bj->abfc", WINOGRAD_G, weight.astype(np.float64), WINOGRAD_G)
    return u.reshape(16, *weight.shape[:2]).astype(weight.dtype)


def winograd(x, u, o, b, off_x, off_o, c, h, w, f, oh, ow, th0, nth, ep, lo, hi) -> None:
    """Output rows 2*th0 .. 2*(th0+nth)-1 of a stride-1 3x3 convolution by Winograd F(2x2, 3x3),
    as tsjit_winograd_f32 (same transforms, same float32 GEMM operands); with ep = 1 each output is
    clamp(that + b[f], lo, hi) as the call computes it."""
    image = _matrix(x, off_x, c * h, w, w).reshape(c, h, w)
    out = _matrix(o, off_o, f * oh, ow, ow).reshape(f, oh, ow)
    weights = _matrix(u, 0, 16 * f, c, c).reshape(4, 4, f, c)
    if 2 * (th0 + nth) + 2 > h or ow + 2 > w or ow % 2:
        raise IndexError(f"winograd: rows {2 * th0}..{2 * (th0 + nth) - 1} need a {c}x{2 * (th0 + nth) + 2}x"
                         f"{ow + 2} padded input, got {c}x{h}x{w}")
    size = image.itemsize
    patches = as_strided(image[:, 2 * th0:, :], shape=(c, nth, ow // 2, 4, 4),
                         strides=(h * w * size, 2 * w * size, 2 * size, w * size, size))
    bt = WINOGRAD_BT.astype(image.dtype)
    v = np.einsum("ai,cthij,bj->abcth", bt, patches, bt)
    m = np.einsum("abfc,abcth->abfth", weights, v)
    at = WINOGRAD_AT.astype(image.dtype)
    y = np.einsum("ia,abfth,jb->fthij", at, m, at)  # f, tile row, tile col, 2, 2
    y = np.ascontiguousarray(y.transpose(0, 1, 3, 2, 4).reshape(f, 2 * nth, ow))
    if ep:
        _bias_clamp(y, _matrix(b, 0, f, 1, 1).reshape(f, 1, 1), lo, hi)
    out[:, 2 * th0:2 * (th0 + nth)] = y


def rng_next() -> int:
    """A seed for one random op's draws (tsjit_rng_next), from tsjit's generator (manual_seed)."""
    from tsjit.ops.random import generator

    return int(generator().integers(0, 2147483647))


#: declared symbol -> its implementation
RUNTIME_FUNCTIONS: dict[str, Callable[..., None]] = {
    "tsjit_rng_next": rng_next,
    "tsjit_sgemm": gemm,
    "tsjit_dgemm": gemm,
    "tsjit_sgemm_packed": gemm_packed,
    "tsjit_sgemm_ep": gemm_ep,
    "tsjit_sgemm_packed_ep": gemm_packed_ep,
    "tsjit_im2col_f32": im2col,
    "tsjit_im2col_f64": im2col,
    "tsjit_conv_gemm_f32": conv_gemm,
    "tsjit_conv_gemm_f64": conv_gemm,
    "tsjit_conv_gemm_ep_f32": conv_gemm_ep,
    "tsjit_winograd_f32": winograd,
    "tsjit_dwconv_f32": dwconv,
    "tsjit_dwconv_f64": dwconv,
}
RUNTIME_FUNCTIONS.update(LAPACK_TWINS)
