"""The C run-time GEMM and im2col (scipy-openblas32 when installed, the portable C fallback with
TSJIT_BLAS=none) against their numpy-backend twins; build.py links BLAS only when asked; models
compiled with ts-contractions-to-calls give the numpy backend's outputs."""
import ctypes
import sys

import numpy as np
import pytest

import tsjit.backends.c.build  # noqa: F401
from tsjit.backends.c import blas, find_compiler
from tsjit.backends.c.render import PRELUDE
from tsjit.backends.c.runtime import source_for
from tsjit.backends.numpy.ops.upstream_runtime import gemm, im2col, winograd, winograd_weights
from c_helpers import cache_home, end_to_end_models  # noqa: F401  (cache_home: an autouse fixture)

build = sys.modules["tsjit.backends.c.build"]
pytestmark = pytest.mark.skipif(find_compiler() is None, reason="no C compiler")
BLAS = [pytest.param("openblas", marks=pytest.mark.skipif(blas.openblas() is None, reason="no scipy-openblas32")),
        "fallback"]
I64, PTR = ctypes.c_int64, ctypes.c_void_p


def runtime_library(which, monkeypatch):
    if which == "fallback":
        monkeypatch.setenv("TSJIT_BLAS", "none")
    lib = build.build(PRELUDE + source_for({"tsjit_sgemm", "tsjit_dgemm", "tsjit_im2col_f32"}))
    for name, scalar in (("tsjit_sgemm", ctypes.c_float), ("tsjit_dgemm", ctypes.c_double)):
        getattr(lib, name).argtypes = [PTR] * 3 + [I64] * 11 + [scalar]
    lib.tsjit_im2col_f32.argtypes = [PTR] * 2 + [I64] * 13
    return lib


@pytest.mark.parametrize("which", BLAS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("m,n,k", [(1, 1, 1), (7, 13, 5), (37, 70, 300), (300, 40, 50), (3, 2100, 17)])
def test_gemm_matches_numpy_twin(which, dtype, m, n, k, threads, monkeypatch):
    """(37, 70, 300) and (300, 40, 50) are big enough to be split into column / row panels at 2 threads."""
    lib = runtime_library(which, monkeypatch)
    lib.ts_set_num_threads(threads)
    fn = lib.tsjit_sgemm if dtype == np.float32 else lib.tsjit_dgemm
    rng = np.random.default_rng(m * n * k)
    for ta in (0, 1):
        for tb in (0, 1):
            for beta in (0.0, 0.5):
                a = rng.standard_normal((k + 1, m + 2) if ta else (m + 1, k + 2)).astype(dtype)
                b = rng.standard_normal((n + 1, k + 3) if tb else (k + 1, n + 3)).astype(dtype)
                c = rng.standard_normal((m + 2, n + 1)).astype(dtype)
                c[0, 1] = np.nan if beta == 0 else c[0, 1]  # beta 0 never reads C
                args = (1, 2, n + 2, m, n, k, a.shape[1], b.shape[1], n + 1, ta, tb, beta)
                expected = c.copy()
                gemm(a, b, expected, *args)
                fn(a.ctypes.data, b.ctypes.data, c.ctypes.data, *args)
                tol = 1e-4 if dtype == np.float32 else 1e-12
                np.testing.assert_allclose(c, expected, rtol=tol, atol=tol * k)
    lib.ts_set_num_threads(1)


@pytest.mark.parametrize("which", BLAS)
def test_im2col_matches_numpy_twin(which, monkeypatch):
    lib = runtime_library(which, monkeypatch)
    x = np.random.default_rng(0).random((2, 3, 9, 10)).astype(np.float32)
    for kh, kw, sh, sw, dh, dw in [(3, 3, 1, 1, 1, 1), (2, 3, 2, 3, 2, 1)]:
        oh, ow = (9 - dh * (kh - 1) - 1) // sh + 1, (10 - dw * (kw - 1) - 1) // sw + 1
        rows = oh - 1
        got, want = (np.full(3 * kh * kw * rows * ow, -1, np.float32) for _ in range(2))
        args = (3 * 9 * 10, 3, 9, 10, kh, kw, sh, sw, dh, dw, 1, rows, ow)
        im2col(x, want, *args)
        lib.tsjit_im2col_f32(x.ctypes.data, got.ctypes.data, *args)
        np.testing.assert_array_equal(got, want)


def _conv3x3_reference(x, w):
    """A stride-1 3x3 convolution of a padded C x H x W image, in float64 (direct sums)."""
    oh, ow = x.shape[1] - 2, x.shape[2] - 2
    return sum(np.einsum("fc,chw->fhw", w[:, :, i, j].astype(np.float64), x[:, i:i + oh, j:j + ow])
               for i in range(3) for j in range(3))


def test_winograd_numpy_twin_matches_direct_convolution():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 8, 10)).astype(np.float32)
    w = rng.standard_normal((5, 3, 3, 3)).astype(np.float32)
    out = np.full((5, 6, 8), np.nan, np.float32)
    bias = rng.standard_normal(5).astype(np.float32)
    for th0, nth in ((0, 2), (2, 1)):  # two blocks of tile rows cover all 6 output rows
        winograd(x, winograd_weights(w), out, bias, 0, 0, 3, 8, 10, 5, 6, 8, th0, nth, 0, 0.0, 0.0)
    np.testing.assert_allclose(out, _conv3x3_reference(x, w), atol=1e-5)
    for th0, nth in ((0, 2), (2, 1)):  # the same with the bias + ReLU6 epilogue
        winograd(x, winograd_weights(w), out, bias, 0, 0, 3, 8, 10, 5, 6, 8, th0, nth, 1, 0.0, 6.0)
    np.testing.assert_allclose(out, np.clip(_conv3x3_reference(x, w) + bias[:, None, None], 0, 6), atol=1e-5)


@pytest.mark.parametrize("ep", [0, 1])
@pytest.mark.parametrize("which", BLAS)
@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("c,f,oh,ow", [(3, 5, 6, 8), (64, 64, 56, 56), (16, 8, 4, 34)])
def test_winograd_matches_numpy_twin(which, threads, c, f, oh, ow, ep, monkeypatch):
    """Blocks of tile rows at an offset image and output (the second of two), with and without BLAS,
    with and without the bias + clamp epilogue."""
    if which == "fallback":
        monkeypatch.setenv("TSJIT_BLAS", "none")
    lib = build.build(PRELUDE + source_for({"tsjit_winograd_f32"}))
    lib.tsjit_winograd_f32.argtypes = [PTR] * 4 + [I64] * 11 + [ctypes.c_float] * 2
    lib.ts_set_num_threads(threads)
    rng = np.random.default_rng(c * f)
    x = rng.standard_normal((2, c, oh + 2, ow + 2)).astype(np.float32)
    u = winograd_weights(rng.standard_normal((f, c, 3, 3)).astype(np.float32))
    bias = rng.standard_normal(f).astype(np.float32)
    got, want = (np.full((2, f, oh, ow), np.nan, np.float32) for _ in range(2))
    blocks = [(0, oh // 4), (oh // 4, oh // 2 - oh // 4)]
    for th0, nth in blocks:
        args = (c * (oh + 2) * (ow + 2), f * oh * ow, c, oh + 2, ow + 2, f, oh, ow, th0, nth, ep, -0.5, 6.0)
        lib.tsjit_winograd_f32(x.ctypes.data, u.ctypes.data, got.ctypes.data, bias.ctypes.data, *args)
        winograd(x, u, want, bias, *args)
    lib.ts_set_num_threads(1)
    assert np.isnan(got[0]).all()  # the first image's output is never written
    np.testing.assert_allclose(got[1], want[1], rtol=1e-4, atol=1e-4)
    if ep:
        assert got[1].min() == -0.5 and got[1].max() <= 6.0


def test_blas_flags_only_for_sources_that_ask(monkeypatch):
    assert build.blas_flags("int f(void) { return 1; }") == ([], [])
    found = blas.openblas()
    cflags, ldflags = build.blas_flags("/* TSJIT_USE_CBLAS */")
    assert (cflags != []) == (found is not None)
    if found is not None:
        assert "-DTSJIT_USE_CBLAS" in cflags and f"-l{found.library}" in ldflags
        assert any(f.startswith("-Wl,-rpath,") for f in ldflags)
    monkeypatch.setenv("TSJIT_BLAS", "none")
    assert build.blas_flags("/* TSJIT_USE_CBLAS */") == ([], [])


def test_compile_error_names_the_c_file():
    with pytest.raises(build.CCompileError, match=r"\.c failed.*\n.*error"):
        build.build("int f(void) { return undefined_name; }")


@pytest.mark.skipif(blas.openblas() is None, reason="no scipy-openblas32")
def test_openblas_runs_single_threaded_inside_openmp_threads(monkeypatch):
    """One thread pool: GEMMs split across OpenMP threads, OpenBLAS kept at one thread."""
    openblas = ctypes.CDLL(str(blas.openblas().path))
    lib = runtime_library("openblas", monkeypatch)
    openblas.scipy_openblas_set_num_threads(2)
    a, b, c = np.ones((64, 64), np.float32), np.ones((64, 64), np.float32), np.zeros((64, 64), np.float32)
    lib.tsjit_sgemm(a.ctypes.data, b.ctypes.data, c.ctypes.data, 0, 0, 0, 64, 64, 64, 64, 64, 64, 0, 0, 0.0)
    assert openblas.scipy_openblas_get_num_threads() == 1
    np.testing.assert_array_equal(c, 64)


@pytest.mark.parametrize("which", BLAS)
@pytest.mark.parametrize("name", ["mlp", "lenet", "resnet_block"])
def test_models_with_library_calls_match_numpy_backend(which, name, monkeypatch):
    import tsjit as torch
    from tsjit.backends.c import CBackend, render
    from tsjit.backends.numpy import Program
    from tsjit.passes import apply_pass

    if which == "fallback":
        monkeypatch.setenv("TSJIT_BLAS", "none")
    cls, shape = end_to_end_models()[name]
    torch.manual_seed(0)
    model, x = cls().eval(), torch.rand(*shape)
    module = torch.jit.specialize(torch.jit.freeze(torch.jit.script(model)), (x,))
    apply_pass("ts-lower-to-loops", module, library_calls=True)
    fn = next(op for op in module.ops if op.name == "func.func" and op.body.blocks)
    expected = np.zeros(fn.function_type.inputs.data[1].get_shape(), np.float32)
    Program(module).call(fn.sym_name.data, x.numpy(), expected)
    if "void tsjit_sgemm(" not in render(module)[0]:
        pytest.skip("the renderer does not emit run-time function calls yet (convention 1)")
    lib = CBackend().compile(module)
    got = np.zeros_like(expected)
    lib.call(fn.sym_name.data, x.numpy(), got)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)
