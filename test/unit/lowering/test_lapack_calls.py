"""linalg.qr, svd, eigh, eigvalsh, lstsq and the LU family (lu_factor(_ex), lu, inv_ex, lu_solve)
lower to one LAPACK call each, and pinv decomposes into svd or eigh, torch.svd into linalg.svd,
pinverse into pinv (tsjit/lowering/lapack_calls.py): compiled with fallback=False they run wholly in C and
agree with eager tsjit (numpy's LAPACK) and with PyTorch (MKL's), on float32 and float64, tall,
wide and square matrices and batches of several dims. The signs of singular vectors and
eigenvectors are each LAPACK build's choice, so those are compared up to each vector's sign. The
lowered IR on the numpy backend (the run-time functions' numpy twins) agrees at every stage;
errors are PyTorch's; without scipy-openblas32 the compile refuses and says why."""
import shutil
import subprocess

import numpy as np
import pytest
from xdsl.dialects import func
from xdsl.dialects.builtin import MemRefType

import tsjit
from tsjit.backends.c import blas, find_compiler
from tsjit.backends.numpy import Program
from tsjit.backends.numpy.ops.upstream_common import np_dtype
from tsjit.compiler import FallbackError, prepare_for_lowering
from tsjit.passes import apply_pass

rng = np.random.default_rng(0)
needs_c = pytest.mark.skipif(find_compiler() is None or blas.openblas() is None,
                             reason="needs a C compiler and scipy-openblas32")
#: wide and tall, square, batches of two dims (one broadcast-sized); a compile each, so few
SHAPES = {np.float32: [(3, 5), (2, 3, 4, 2)], np.float64: [(4, 3), (2, 1, 3, 3)]}
DTYPES = list(SHAPES)


def _symmetric(shape, dtype):
    n = min(shape[-2:])
    a = rng.standard_normal((*shape[:-2], n, n))
    return (a + np.swapaxes(a, -1, -2)).astype(dtype)


def _square(shape, dtype):
    n = min(shape[-2:])
    return rng.standard_normal((*shape[:-2], n, n)).astype(dtype)


def _factored(shape, dtype, left=True):
    """lu_factor of well-conditioned square matrices (eager), and right-hand sides for them."""
    n = min(shape[-2:])
    a = _square(shape, dtype) + 3 * np.eye(n, dtype=dtype)
    factors, pivots = (np.asarray(v) for v in tsjit.linalg.lu_factor(tsjit.from_numpy(a)))
    return [factors, pivots, rng.standard_normal((*shape[:-2], n, 2) if left else (*shape[:-2], 2, n)).astype(dtype)]


#: name -> (function of the library (tsjit or torch) and the inputs, inputs for a shape and dtype,
#:          which results are vectors whose signs LAPACK chooses: (index, index of the paired one or None))
CASES = {
    "qr": (lambda lib, x: tuple(lib.linalg.qr(x)), lambda s, d: [rng.standard_normal(s).astype(d)], ()),
    "qr_complete": (lambda lib, x: tuple(lib.linalg.qr(x, mode="complete")),
                    lambda s, d: [rng.standard_normal(s).astype(d)], ()),
    "qr_r": (lambda lib, x: lib.linalg.qr(x, mode="r")[1], lambda s, d: [rng.standard_normal(s).astype(d)], ()),
    "svd": (lambda lib, x: tuple(lib.linalg.svd(x, full_matrices=False)),
            lambda s, d: [rng.standard_normal(s).astype(d)], ((0, 2),)),
    "svd_full": (lambda lib, x: tuple(lib.linalg.svd(x)), lambda s, d: [rng.standard_normal(s).astype(d)], ((0, 2),)),
    "torch_svd": (lambda lib, x: (lambda u, sv, v: (u, sv, v.transpose(-2, -1)))(*lib.svd(x)),
                  lambda s, d: [rng.standard_normal(s).astype(d)], ((0, 2),)),
    "pinverse": (lambda lib, x: lib.pinverse(x, 0.1), lambda s, d: [rng.standard_normal(s).astype(d)], ()),
    "eigh": (lambda lib, x: tuple(lib.linalg.eigh(x)), lambda s, d: [_symmetric(s, d)], ((1, None),)),
    "eigh_upper": (lambda lib, x: tuple(lib.linalg.eigh(x, UPLO="U")), lambda s, d: [_square(s, d)], ((1, None),)),
    "eigvalsh": (lambda lib, x: lib.linalg.eigvalsh(x), lambda s, d: [_square(s, d)], ()),
    "pinv": (lambda lib, x: lib.linalg.pinv(x), lambda s, d: [rng.standard_normal(s).astype(d)], ()),
    "pinv_hermitian": (lambda lib, x: lib.linalg.pinv(x, hermitian=True), lambda s, d: [_symmetric(s, d)], ()),
    "lstsq": (lambda lib, a, b: tuple(lib.linalg.lstsq(a, b))[::2],
              lambda s, d: [rng.standard_normal(s).astype(d), rng.standard_normal((*s[:-1], 2)).astype(d)], ()),
    "lu_factor_ex": (lambda lib, x: tuple(lib.linalg.lu_factor_ex(x)), lambda s, d: [rng.standard_normal(s).astype(d)],
                     ()),
    "lu_factor": (lambda lib, x: tuple(lib.linalg.lu_factor(x)), lambda s, d: [rng.standard_normal(s).astype(d)], ()),
    "lu": (lambda lib, x: tuple(lib.linalg.lu(x)), lambda s, d: [rng.standard_normal(s).astype(d)], ()),
    "inv_ex": (lambda lib, x: tuple(lib.linalg.inv_ex(x)),
               lambda s, d: [_square(s, d) + 3 * np.eye(min(s[-2:]), dtype=d)], ()),
    "lu_solve": (lambda lib, f, p, b: lib.linalg.lu_solve(f, p, b), _factored, ()),
    "lu_solve_right_adjoint": (lambda lib, f, p, b: lib.linalg.lu_solve(f, p, b, left=False, adjoint=True),
                               lambda s, d: _factored(s, d, left=False), ()),
    "lstsq_vector": (lambda lib, a, b: lib.linalg.lstsq(a, b).solution,
                     lambda s, d: [rng.standard_normal(s[-2:]).astype(d), rng.standard_normal(s[-2]).astype(d)], ()),
}


def _tolerances(dtype):
    return dict(rtol=2e-4, atol=2e-5) if dtype == np.float32 else dict(rtol=1e-9, atol=1e-11)


def _results(value):
    values = value if isinstance(value, tuple) else (value,)
    return [np.asarray(v.numpy() if hasattr(v, "numpy") else v) for v in values]


def _signed_like(got, want, vectors):
    """`got` with each sign-ambiguous vector (column j of result i, and row j of its pair) flipped to
    point as in `want`. Past the first min(m, n), singular vectors are any orthonormal complement:
    checked orthonormal, then taken from `want`."""
    got = [g.copy() for g in got]
    for i, pair in vectors:
        u, ref = got[i], want[i]
        k = min(u.shape[-2:]) if pair is None else min(u.shape[-2], got[pair].shape[-1])
        sign = np.sign(np.einsum("...ij,...ij->...j", u[..., :, :k], ref[..., :, :k]))
        u[..., :, :k] *= sign[..., None, :]
        _orthonormal(u)
        u[..., :, k:] = ref[..., :, k:]
        if pair is not None:
            vh = got[pair]
            vh[..., :k, :] *= sign[..., :, None]
            _orthonormal(np.swapaxes(vh, -1, -2))
            vh[..., k:, :] = want[pair][..., k:, :]
    return got


def _orthonormal(m):
    eye = np.eye(m.shape[-1])
    np.testing.assert_allclose(np.swapaxes(m, -1, -2) @ m, np.broadcast_to(eye, m.shape[:-2] + eye.shape), atol=1e-4)


def _compare(got, want, vectors, dtype, what):
    want = [np.asarray(w) for w in want]
    assert [(g.dtype, g.shape) for g in got] == [(w.dtype, w.shape) for w in want], what
    for k, (g, w) in enumerate(zip(_signed_like(got, want, vectors), want)):
        np.testing.assert_allclose(g, w, **_tolerances(dtype), err_msg=f"{what} result {k}")


_COMPILED: dict = {}


def _compiled(fn, xs):
    """The function traced and compiled for the inputs' shapes and dtypes (once: the PyTorch test
    runs what the eager one compiled)."""
    key = (fn, tuple((x.shape, x.dtype) for x in xs))
    if key not in _COMPILED:
        inputs = tuple(tsjit.from_numpy(x) for x in xs)
        traced = tsjit.jit.trace(lambda *a: fn(tsjit, *a), inputs)
        _COMPILED[key] = tsjit.compile(traced, backend="c", example_inputs=inputs, fallback=False)
    return _COMPILED[key]


@needs_c
@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_c_agrees_with_eager(name, dtype):
    fn, make, vectors = CASES[name]
    for shape in SHAPES[dtype]:
        xs = make(shape, dtype)
        got = _results(_compiled(fn, xs)(*[tsjit.from_numpy(x) for x in xs]))
        want = _results(fn(tsjit, *[tsjit.from_numpy(x) for x in xs]))
        _compare(got, want, vectors, dtype, f"{name} {shape}")


@needs_c
@pytest.mark.parametrize("name", sorted(CASES))
def test_c_agrees_with_pytorch(name):
    torch = pytest.importorskip("torch")
    fn, make, vectors = CASES[name]
    for dtype in DTYPES:
        for shape in SHAPES[dtype]:
            xs = make(shape, dtype)
            got = _results(_compiled(fn, xs)(*[tsjit.from_numpy(x) for x in xs]))
            want = _results(fn(torch, *[torch.from_numpy(x) for x in xs]))
            _compare(got, want, vectors, dtype, f"{name} {shape} {dtype.__name__}")


def _lowered_runs(module, name, xs):
    f = next(op for op in module.ops if isinstance(op, func.FuncOp) and op.sym_name.data == name)
    types = f.function_type.inputs.data[len(xs):]
    outs = [np.zeros(t.get_shape(), np_dtype(t.element_type)) for t in types if isinstance(t, MemRefType)]
    result = Program(module).call(name, *xs, *outs)
    return outs if outs else _results(result)


@pytest.mark.parametrize("name", ["qr_complete", "svd_full", "eigh", "eigvalsh", "pinv", "lstsq", "lu", "lu_factor_ex",
                                  "inv_ex", "lu_solve_right_adjoint"])
def test_every_stage_on_numpy(name):
    """ts-to-linalg (ts.runtime_call), ts-bufferize and the loop stage (func.call) on the numpy backend."""
    fn, make, vectors = CASES[name]
    xs = make((2, 4, 3) if "eig" not in name and name != "inv_ex" and "lu_solve" not in name else (2, 3, 3), np.float64)
    inputs = tuple(tsjit.from_numpy(x) for x in xs)
    traced = tsjit.jit.trace(lambda *a: fn(tsjit, *a), inputs)
    fname = traced._compiled.func_op.sym_name.data
    module = tsjit.jit.specialize(traced, inputs)
    for f in [op for op in module.ops if isinstance(op, func.FuncOp) and op.sym_name.data != fname]:
        module.body.block.erase_op(f)
    prepare_for_lowering(module)  # (a tuple returned: several results)
    want = _results(fn(tsjit, *inputs))
    for stage in ["ts-decompose", "ts-to-linalg", "ts-fuse-elementwise", "ts-bufferize", "ts-lower-to-loops"]:
        apply_pass(stage, module)
        module.verify()
        names = {op.name for op in module.walk()}
        assert stage == "ts-decompose" or not any(n.startswith("ts.linalg_") for n in names), f"{stage}: {names}"
        _compare(_lowered_runs(module, fname, xs), want, vectors, np.float64, stage)
    assert any(op.name == "func.call" for op in module.walk())


@needs_c
def test_non_finite_svd_raises_pytorchs_error():
    x = rng.standard_normal((3, 2, 2)).astype(np.float32)
    compiled = _compiled(lambda lib, a: tuple(lib.linalg.svd(a)), [x])
    x[1, 0, 1] = np.inf
    message = r"linalg.svd: \(Batch element 1\): The algorithm failed to converge because the input matrix " \
              r"contained non-finite values."
    with pytest.raises(RuntimeError, match=message):
        compiled(tsjit.from_numpy(x))
    with pytest.raises(RuntimeError, match=message):
        tsjit.linalg.svd(tsjit.from_numpy(x))


@needs_c
def test_zero_pivot_raises_pytorchs_error():
    """lu_factor reports the first matrix with a zero pivot; lu_factor_ex and inv_ex return getrf's info."""
    good = rng.standard_normal((2, 2, 2)).astype(np.float32)
    singular = np.array([[[1, 0], [0, 2]], [[1, 2], [2, 4]]], np.float32)
    factor = _compiled(CASES["lu_factor"][0], [good])
    with pytest.raises(RuntimeError, match=r"torch.linalg.lu_factor: \(Batch element 1\): U\[2,2\] is zero"):
        factor(tsjit.from_numpy(singular))
    for name in ("lu_factor_ex", "inv_ex"):
        fn = CASES[name][0]
        got = _results(_compiled(fn, [good])(tsjit.from_numpy(singular)))
        assert got[-1].tolist() == [0, 2], name
        _compare(got, _results(fn(tsjit, tsjit.from_numpy(singular))), (), np.float32, name)


@needs_c
def test_lu_solve_refuses_pivots_out_of_range():
    """getrs would read and write out of bounds: the run-time function reports it instead."""
    factors, pivots, rhs = _factored((3, 3), np.float32)
    compiled = _compiled(CASES["lu_solve"][0], [factors, pivots, rhs])
    pivots[1] = 7
    with pytest.raises(RuntimeError, match="linalg.lu_solve: LAPACK reported error -2"):
        compiled(*[tsjit.from_numpy(x) for x in (factors, pivots, rhs)])


@pytest.mark.skipif(find_compiler() is None, reason="no C compiler")
def test_without_openblas_the_compile_refuses(monkeypatch):
    monkeypatch.setenv("TSJIT_BLAS", "none")
    x = _symmetric((3, 3), np.float32)
    with pytest.raises(FallbackError, match="tsjit_seigh needs LAPACK from scipy-openblas32"):
        _compiled(lambda lib, a: lib.linalg.eigvalsh(a), [x])


@needs_c
@pytest.mark.skipif(shutil.which("make") is None, reason="no make")
def test_exported_c_links_lapack(tmp_path):
    """An exported project that calls LAPACK links scipy-openblas32 (its Makefile says it is required)."""
    x = rng.standard_normal((2, 4, 3)).astype(np.float32)

    class Pinv(tsjit.nn.Module):
        def forward(self, a):
            return tsjit.linalg.pinv(a)
    out = tmp_path / "export"
    tsjit.export_c(Pinv(), out, (tsjit.from_numpy(x),))
    assert "required (the model calls LAPACK)" in (out / "Makefile").read_text()
    built = subprocess.run(["make", f"CC={find_compiler()}"], cwd=out, capture_output=True, text=True)
    assert built.returncode == 0, built.stdout + built.stderr
    x.tofile(tmp_path / "x.bin")
    ran = subprocess.run([str(out / "demo"), "-o", str(tmp_path / "y"), str(tmp_path / "x.bin")], cwd=out,
                         capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    got = np.fromfile(tmp_path / "y0.bin", np.float32).reshape(2, 3, 4)
    np.testing.assert_allclose(got, np.linalg.pinv(x), rtol=1e-4, atol=1e-5)


EMPTY_CASES = ["qr", "qr_complete", "qr_r", "svd", "svd_full", "lstsq", "eigh", "eigvalsh", "lu_factor_ex", "lu",
               "inv_ex"]


@needs_c
@pytest.mark.parametrize("name", EMPTY_CASES)
def test_empty_operands(name):
    """No call: zeros, and the identity for a complete Q or a full U or Vh (as PyTorch)."""
    fn, _, _ = CASES[name]
    for shape in [(3, 0), (0, 3), (0, 2, 2), (2, 0, 0)]:
        if (name.startswith("eig") or name == "inv_ex") and shape[-1] != shape[-2]:
            continue
        xs = [np.zeros(shape, np.float32)] + ([np.zeros((*shape[:-1], 2), np.float32)] if "lstsq" in name else [])
        got = _results(_compiled(fn, xs)(*[tsjit.from_numpy(x) for x in xs]))
        want = _results(fn(tsjit, *[tsjit.from_numpy(x) for x in xs]))
        _compare(got, want, (), np.float32, f"{name} {shape}")
