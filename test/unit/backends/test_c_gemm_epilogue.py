"""GEMMs that apply a bias + clamp epilogue themselves (`tsjit_sgemm_ep`, `tsjit_sgemm_packed_ep`,
`tsjit_conv_gemm_ep_f32`):
C against the numpy twin and a float64 reference, bias per row and per column at an offset, NaN
inputs (kept), several depth blocks (the epilogue only after the last), small products (OpenBLAS,
then the epilogue) and large ones (the micro-kernel's tiles), split over 1 and 2 threads by
columns and by rows (the bias follows the split), with the same bits at both thread counts."""
import ctypes
import sys

import numpy as np
import pytest

import tsjit.backends.c.build  # noqa: F401
from tsjit.backends.c import find_compiler
from tsjit.backends.c.render import PRELUDE
from tsjit.backends.c.runtime import source_for
from tsjit.backends.numpy.ops.upstream_runtime import conv_gemm_ep, gemm_ep, gemm_packed_ep
from tsjit.lowering.packed_weights import KC, pack
from c_helpers import cache_home  # noqa: F401  (an autouse fixture)

build = sys.modules["tsjit.backends.c.build"]
pytestmark = pytest.mark.skipif(find_compiler() is None, reason="no C compiler")
I64, PTR, F32 = ctypes.c_int64, ctypes.c_void_p, ctypes.c_float
NAMES = ("tsjit_sgemm_ep", "tsjit_sgemm_packed_ep")


def _library():
    lib = build.build(PRELUDE + source_for(set(NAMES)))
    for name in NAMES:
        getattr(lib, name).argtypes = [PTR] * 4 + [I64] * 13 + [F32] * 3
    return lib


def _reference(a, b, c, bias, m, n, per_row, beta, lo, hi):
    out = a[1:m + 1, 2:].astype(np.float64) @ b.astype(np.float64)
    if beta:
        out += beta * c[2:m + 2, 1:n + 1]
    out += (bias[3:3 + m, None] if per_row else bias[None, 3:3 + n])
    return np.where(np.isnan(out), out, np.clip(out, lo, hi))


@pytest.mark.parametrize("per_row", [1, 0])
@pytest.mark.parametrize("m,n,k", [(3, 5, 7), (13, 70, 2 * KC + 5), (40, 1100, 20), (150, 77, 100), (96, 784, 16)])
def test_gemm_ep_matches_twin_and_reference(m, n, k, per_row):
    lib = _library()
    rng = np.random.default_rng(m * n + k + per_row)
    a = rng.standard_normal((m + 1, k + 2)).astype(np.float32)
    b = rng.standard_normal((k, n)).astype(np.float32)
    a[1, 3] = np.nan  # a NaN row of C: kept through the clamp
    bias = rng.standard_normal(max(m, n) + 3).astype(np.float32)
    bp = pack(b)
    for beta, (lo, hi) in ((0.0, (0.0, 6.0)), (1.0, (-np.inf, np.inf)), (0.0, (-0.5, np.inf))):
        c0 = rng.standard_normal((m + 2, n + 1)).astype(np.float32)
        expected = _reference(a, b, c0, bias, m, n, per_row, beta, lo, hi)
        outs = []
        for threads in (1, 2):
            lib.ts_set_num_threads(threads)
            for name, bb, twin in ((NAMES[0], b, gemm_ep), (NAMES[1], bp, gemm_packed_ep)):
                args = (k + 4, 0, 2 * n + 3, m, n, k, k + 2, n, n + 1, 0, 0, 3, per_row, beta, lo, hi)
                c, mirrored = c0.copy(), c0.copy()
                getattr(lib, name)(a.ctypes.data, bb.ctypes.data, c.ctypes.data, bias.ctypes.data, *args)
                twin(a, bb, mirrored, bias, *args)
                for got in (c, mirrored):
                    np.testing.assert_allclose(got[2:m + 2, 1:n + 1], expected, rtol=1e-4, atol=1e-3)
                    assert np.isnan(got[2, 1:n + 1]).all()
                    np.testing.assert_array_equal(got[:2], c0[:2])  # nothing outside C written
                    np.testing.assert_array_equal(got[:, 0], c0[:, 0])
                outs.append(c)
        lib.ts_set_num_threads(1)
        np.testing.assert_array_equal(outs[2], outs[0])  # the same bits at 1 and 2 threads
        np.testing.assert_array_equal(outs[3], outs[1])


@pytest.mark.parametrize("geometry", [(3, 9, 11, 3, 3, 2, 2, 1, 1, 8), (16, 30, 28, 3, 3, 1, 1, 2, 2, 24),
                                      (2, 6, 6, 1, 1, 1, 1, 1, 1, 5)])
def test_conv_gemm_ep_matches_twin_and_reference(geometry):
    """A block of output rows of a (pre-padded) image, the filters' bias per row of the GEMM."""
    c, h, w, kh, kw, sh, sw, dh, dw, f = geometry
    lib = build.build(PRELUDE + source_for({"tsjit_conv_gemm_ep_f32"}))
    fn = lib.tsjit_conv_gemm_ep_f32
    fn.argtypes = [PTR] * 4 + [I64] * 18 + [F32] * 3
    rng = np.random.default_rng(c * h * w)
    x = rng.standard_normal((c, h, w)).astype(np.float32) * 2
    x[0, 1, 1] = np.nan
    wt = rng.standard_normal((f, c, kh, kw)).astype(np.float32)
    bias = rng.standard_normal(f + 2).astype(np.float32)
    oh, ow = (h - dh * (kh - 1) - 1) // sh + 1, (w - dw * (kw - 1) - 1) // sw + 1
    oh0, rows = 1, oh - 1
    ref = np.zeros((f, rows, ow))
    for i in range(kh):
        for j in range(kw):
            window = x[:, (oh0 * sh + i * dh):(oh0 * sh + i * dh + (rows - 1) * sh + 1):sh,
                       j * dw:j * dw + (ow - 1) * sw + 1:sw].astype(np.float64)
            ref += np.einsum("fc,crw->frw", wt[:, :, i, j], window)
    ref += bias[2:, None, None]
    ref = np.where(np.isnan(ref), ref, np.clip(ref, 0.0, 6.0))
    for threads in (1, 2):
        lib.ts_set_num_threads(threads)
        got, twin = (np.full((f, oh, ow), 7.0, np.float32) for _ in range(2))
        args = (0, 0, ow, c, h, w, kh, kw, sh, sw, dh, dw, oh0, rows, ow, f, oh * ow, 2, 0.0, 0.0, 6.0)
        fn(x.ctypes.data, wt.ctypes.data, got.ctypes.data, bias.ctypes.data, *args)
        conv_gemm_ep(x, wt, twin, bias, *args)
        for out in (got, twin):
            np.testing.assert_allclose(out[:, 1:], ref, rtol=1e-4, atol=1e-4)
            assert (out[:, 0] == 7.0).all()  # the rows before the block untouched
    lib.ts_set_num_threads(1)
