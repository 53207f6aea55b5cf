"""Prepacked GEMM weights: the packed layout round-trips, `tsjit_sgemm_packed` (C) matches its
numpy twin for odd sizes, offsets, beta and transA at 1 and 2 threads, bit for bit the same at
both thread counts and the same as tsjit_sgemm's own-kernel path; a compiled linear uses it."""
import ctypes
import sys

import numpy as np
import pytest
from xdsl.dialects import func, memref

import tsjit
import tsjit.backends.c.build  # noqa: F401
import tsjit.nn as nn
from tsjit.backends.c import find_compiler
from tsjit.backends.c.render import PRELUDE
from tsjit.backends.c.runtime import source_for
from tsjit.backends.numpy import Program
from tsjit.backends.numpy.ops.upstream_runtime import gemm, gemm_packed
from tsjit.lowering.packed_weights import KC, NR, pack, unpack
from tsjit.passes import apply_pass
from c_helpers import cache_home  # noqa: F401  (an autouse fixture)

build = sys.modules["tsjit.backends.c.build"]
needs_cc = pytest.mark.skipif(find_compiler() is None, reason="no C compiler")
I64, PTR = ctypes.c_int64, ctypes.c_void_p
SIZES = [(1, 1, 1), (4, 33, 1), (13, 70, 300), (5, 1, 7), (40, 1100, 20), (37, 64, KC), (300, 40, 50), (6, 9, 0),
         (2, 40, 9), (3, 33, 17), (8, 50, KC + 1), (11, 64, 300), (12, 31, 2)]
"""every block height of the micro-kernel (1-12 rows) and panel shape (full, partial, several)"""


@pytest.mark.parametrize("k,n", [(1, 1), (3, 2), (KC + 1, NR + 1), (2 * KC, 3 * NR), (7, 100)])
def test_pack_round_trips(k, n):
    b = np.random.default_rng(k * n).standard_normal((k, n)).astype(np.float32)
    packed = pack(b)
    assert packed.shape == (k * -(-n // NR) * NR,)
    np.testing.assert_array_equal(unpack(packed, k, n), b)


def _library():
    lib = build.build(PRELUDE + source_for({"tsjit_sgemm", "tsjit_sgemm_packed"}))
    for name in ("tsjit_sgemm", "tsjit_sgemm_packed"):
        getattr(lib, name).argtypes = [PTR] * 3 + [I64] * 11 + [ctypes.c_float]
    return lib


def _operands(m, n, k, ta, rng):
    a = rng.standard_normal((k + 1, m + 2) if ta else (m + 1, k + 2)).astype(np.float32)
    b = rng.standard_normal((k, n)).astype(np.float32)
    c = rng.standard_normal((m + 2, n + 1)).astype(np.float32)
    return a, b, c


@needs_cc
@pytest.mark.parametrize("m,n,k", SIZES)
def test_packed_gemm_matches_numpy_twin(m, n, k):
    lib = _library()
    rng = np.random.default_rng(m * n + k)
    for threads in (1, 2):
        lib.ts_set_num_threads(threads)
        for ta in (0, 1):
            for beta in (0.0, 1.0, 0.5):
                a, b, c = _operands(m, n, k, ta, rng)
                c[0, 1] = np.nan if beta == 0 else c[0, 1]  # beta 0 never reads C
                bp = np.concatenate([np.zeros(3, np.float32), pack(b)])  # at an offset
                args = (1, 3, n + 2, m, n, k, a.shape[1], n, n + 1, ta, 0, beta)
                expected, twin = c.copy(), c.copy()
                gemm(a, b, expected, 1, 0, n + 2, m, n, k, a.shape[1], n, n + 1, ta, 0, beta)
                gemm_packed(a, bp, twin, *args)
                np.testing.assert_array_equal(twin, expected)
                lib.tsjit_sgemm_packed(a.ctypes.data, bp.ctypes.data, c.ctypes.data, *args)
                np.testing.assert_allclose(c, expected, rtol=1e-4, atol=1e-4 * max(k, 1))
    lib.ts_set_num_threads(1)


@needs_cc
def test_packed_gemm_is_deterministic_across_threads_and_paths():
    """Same bits at 1 and 2 threads, and as tsjit_sgemm (which reads B in place with the same kernel
    on AVX-512, or calls OpenBLAS: then only close)."""
    lib = _library()
    rng = np.random.default_rng(0)
    m, n, k = 200, 300, 600
    a, b = rng.standard_normal((m, k)).astype(np.float32), rng.standard_normal((k, n)).astype(np.float32)
    bp = pack(b)
    outs = []
    for threads in (1, 2, 1):
        lib.ts_set_num_threads(threads)
        for fn, bb in ((lib.tsjit_sgemm_packed, bp), (lib.tsjit_sgemm, b)):
            c = np.empty((m, n), np.float32)
            fn(a.ctypes.data, bb.ctypes.data, c.ctypes.data, 0, 0, 0, m, n, k, k, n, n, 0, 0, 0.0)
            outs.append(c)
    lib.ts_set_num_threads(1)
    for c in outs[2::2]:
        np.testing.assert_array_equal(c, outs[0])
    np.testing.assert_allclose(outs[1], outs[0], rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(outs[0], a.astype(np.float64) @ b, rtol=1e-4, atol=1e-3)


@needs_cc
@pytest.mark.parametrize("tb", [0, 1])
@pytest.mark.parametrize("m,n,k", [(13, 1100, 90), (150, 77, 100), (4, 300, 900), (128, 128, 64)])
def test_sgemm_own_kernel_path_matches_numpy_twin(m, n, k, tb):
    """Over 2^20 multiply-adds, A untransposed, M >= 4: tsjit_sgemm's own-kernel path on AVX-512 (B
    read in place, its last partial panel copied; a transposed B, attention's q @ k^T, packed
    first), OpenBLAS elsewhere; the same bits at 1 and 2 threads (column panels, or rows when M > N)."""
    lib = _library()
    rng = np.random.default_rng(m + n + k)
    a = rng.standard_normal((m + 1, k + 2)).astype(np.float32)
    b = rng.standard_normal((n + 1, k + 3) if tb else (k + 1, n + 3)).astype(np.float32)
    for beta in (0.0, 1.0, 0.5):
        c0 = rng.standard_normal((m + 2, n + 1)).astype(np.float32)
        c0[0, 1] = np.nan if beta == 0 else c0[0, 1]
        args = (1, 2, n + 2, m, n, k, k + 2, b.shape[1], n + 1, 0, tb, beta)
        expected = c0.copy()
        gemm(a, b, expected, *args)
        outs = []
        for threads in (1, 2):
            lib.ts_set_num_threads(threads)
            c = c0.copy()
            lib.tsjit_sgemm(a.ctypes.data, b.ctypes.data, c.ctypes.data, *args)
            np.testing.assert_allclose(c, expected, rtol=1e-4, atol=1e-3)
            outs.append(c)
        if _own_kernel():  # OpenBLAS split across threads may round differently
            np.testing.assert_array_equal(outs[1], outs[0])
    lib.ts_set_num_threads(1)


def _own_kernel() -> bool:
    """Whether built code has AVX-512 (then tsjit_sgemm takes the own-kernel path)."""
    probe = build.build("int tsjit_probe(void) {\n#ifdef __AVX512F__\nreturn 1;\n#else\nreturn 0;\n#endif\n}\n")
    return probe.tsjit_probe() == 1


class _Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.a, self.b = nn.Linear(45, 70), nn.Linear(70, 3)

    def forward(self, x):
        return self.b(tsjit.relu(self.a(x)))


@pytest.mark.parametrize("rows", [1, 37])
def test_compiled_linears_use_packed_weights(rows):
    """Both linears call tsjit_sgemm_packed_ep (their W^T packed at compile time, the originals gone;
    the bias, and the ReLU after the first, applied by the call); the loop-level IR runs on the numpy
    backend, and compiled to C."""
    tsjit.manual_seed(0)
    model, x = _Mlp().eval(), tsjit.randn(rows, 45)
    module = tsjit.jit.specialize(tsjit.jit.freeze(tsjit.jit.script(model)), (x,))
    apply_pass("ts-lower-to-loops", module, library_calls=True)
    called = {op.callee.string_value() for op in module.walk() if isinstance(op, func.CallOp)}
    assert called == {"tsjit_sgemm_packed_ep"}
    globals_ = {op.sym_name.data for op in module.ops if isinstance(op, memref.GlobalOp)}
    assert len([g for g in globals_ if g.endswith("_t_packed")]) == 2 and not any(g.endswith("weight") for g in globals_)
    expected = model(x).numpy()
    f = next(op for op in module.ops if isinstance(op, func.FuncOp) and op.body.blocks)
    out = np.zeros(expected.shape, np.float32)
    Program(module).call(f.sym_name.data, x.numpy(), out)
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)
    if find_compiler() is not None:
        compiled = tsjit.compile(model, backend="c", example_inputs=(x,), fallback=False)
        np.testing.assert_allclose(compiled(x).numpy(), expected, rtol=1e-4, atol=1e-5)
