"""Errors only the data decides, reported by compiled code as PyTorch reports them: a singular
matrix in inverse and solve, a matrix that is not positive-definite in cholesky (its message names
the batch element and the leading minor, values computed at run time), an index out of range in
the gathers (tsjit/lowering/run_time_errors.py).
The C library raises after the call, the numpy backend on lowered code at the check, an exported
demo prints the message and exits 1."""
from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest

import tsjit
from tsjit.backends.c import find_compiler
from tsjit.ops.linalg import SINGULAR_INVERSE, SINGULAR_SOLVE

needs_cc = pytest.mark.skipif(find_compiler() is None, reason="no C compiler")

SINGULAR = np.array([[[2.0, 1.0], [1.0, 3.0]], [[1.0, 2.0], [2.0, 4.0]]], np.float32)  # the second one
REGULAR = np.array([[[2.0, 1.0], [1.0, 3.0]], [[1.0, 2.0], [3.0, 4.0]]], np.float32)


def inverse_and_solve(a, b):
    return tsjit.inverse(a), tsjit.linalg.solve(a, b)


def _eager(a, b):
    return [t.numpy() for t in inverse_and_solve(tsjit.from_numpy(a), tsjit.from_numpy(b))]


@needs_cc
def test_c_raises_pytorchs_error_for_a_singular_matrix_and_runs_on():
    b = np.ones((2, 2, 1), np.float32)
    compiled = tsjit.compile(inverse_and_solve, backend="c", example_inputs=(tsjit.from_numpy(REGULAR),
                                                                                tsjit.from_numpy(b)), fallback=False)
    with pytest.raises(RuntimeError, match=SINGULAR_INVERSE.split(",")[0]):
        compiled(tsjit.from_numpy(SINGULAR), tsjit.from_numpy(b))
    for got, want in zip(compiled(tsjit.from_numpy(REGULAR), tsjit.from_numpy(b)), _eager(REGULAR, b)):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-5)  # the error was cleared


@needs_cc
def test_solve_reports_its_own_message():
    def solve(a, b):
        return tsjit.linalg.solve(a, b)

    a, b = np.array([[1.0, 2.0], [2.0, 4.0]]), np.ones(2)
    compiled = tsjit.compile(solve, backend="c", example_inputs=(tsjit.from_numpy(a), tsjit.from_numpy(b)))
    with pytest.raises(RuntimeError, match=SINGULAR_SOLVE):
        compiled(tsjit.from_numpy(a), tsjit.from_numpy(b))
    try:
        import torch
    except ImportError:
        return
    with pytest.raises(RuntimeError, match="singular"):
        torch.linalg.solve(torch.from_numpy(a), torch.from_numpy(b))


def test_numpy_backend_on_lowered_code_raises_at_the_check():
    from tsjit.backends.numpy import Program
    from tsjit.dialects import parse_module
    from tsjit.passes import apply_pass

    module = parse_module("""
    func.func @f(%a: !ts.tensor<[2,2,2], f32>) -> !ts.tensor<[2,2,2], f32> {
      %y = ts.inverse %a : (!ts.tensor<[2,2,2], f32>) -> !ts.tensor<[2,2,2], f32>
      func.return %y : !ts.tensor<[2,2,2], f32>
    }""")
    apply_pass("ts-lower-to-loops", module)
    program = Program(module)
    out = np.zeros((2, 2, 2), np.float32)  # the memref out-parameter
    program.call("f", REGULAR.copy(), out)
    np.testing.assert_allclose(out, np.linalg.inv(REGULAR), rtol=1e-5)
    with pytest.raises(Exception, match="the input matrix is singular"):
        program.call("f", SINGULAR.copy(), out)


@needs_cc
@pytest.mark.skipif(shutil.which("make") is None, reason="no make")
def test_an_exported_demo_prints_the_error_and_exits_1(tmp_path):
    def inverse(a):
        return tsjit.inverse(a)

    out = tmp_path / "export"
    tsjit.export_c(inverse, out, example_inputs=(tsjit.from_numpy(SINGULAR[1]),))
    subprocess.run(["make", "-s", f"CC={find_compiler()}"], cwd=out, check=True, capture_output=True)
    np.save(out / "singular.npy", SINGULAR[1])
    np.save(out / "regular.npy", REGULAR[1])
    failed = subprocess.run([str(out / "demo"), "singular.npy"], cwd=out, capture_output=True, text=True)
    assert failed.returncode == 1 and failed.stderr.strip() == f"demo: {SINGULAR_INVERSE}"
    ran = subprocess.run([str(out / "demo"), "regular.npy"], cwd=out, capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr


def _embedding(w, i):
    return tsjit.nn.functional.embedding(i, w)


def _index_select(w, i):
    return tsjit.index_select(w, 0, i)


def _gather(w, i):
    return tsjit.gather(w, 0, i)


def _index(w, i):
    return w[i]


@needs_cc
@pytest.mark.parametrize("fn, good, bad", [
    (_embedding, [0, 2], [0, 5]), (_index_select, [0, 2], [0, 3]), (_index_select, [2, 0], [-1, 0]),
    (_gather, [[0, 2, 1, 0]], [[0, -1, 0, 0]]), (_index, [0, -3], [0, -4]), (_index, [2, 1], [3, 1])])
def test_an_index_out_of_range_raises_the_kernels_error_in_c(fn, good, bad):
    """Reads at index tensors check their indices first (they clamped, giving wrong values)."""
    x = tsjit.randn(3, 4)
    compiled = tsjit.compile(fn, backend="c", example_inputs=(x, tsjit.tensor(good)), fallback=False)
    np.testing.assert_array_equal(compiled(x, tsjit.tensor(good)).numpy(), fn(x, tsjit.tensor(good)).numpy())
    with pytest.raises(Exception) as eager:
        fn(x, tsjit.tensor(bad))
    with pytest.raises(type(eager.value)):
        compiled(x, tsjit.tensor(bad))


NOT_PD = np.array([[[4, 1, 0], [1, 3, 0], [0, 0, 1]], [[1, 0, 0], [0, 1, 2], [0, 2, 1]]], np.float32)
NOT_PD_MESSAGE = ("linalg.cholesky: (Batch element 1): The factorization could not be completed because the input "
                  "is not positive-definite (the leading minor of order 3 is not positive-definite).")


@needs_cc
def test_cholesky_reports_the_batch_element_and_the_minors_order_in_c():
    def cholesky(a):
        return tsjit.linalg.cholesky(a)

    good = NOT_PD.copy()
    good[1, 1:, 1:] = [[2, 1], [1, 2]]
    compiled = tsjit.compile(cholesky, backend="c", example_inputs=(tsjit.from_numpy(good),), fallback=False)
    with pytest.raises(RuntimeError) as error:
        compiled(tsjit.from_numpy(NOT_PD))
    assert str(error.value) == NOT_PD_MESSAGE
    np.testing.assert_allclose(compiled(tsjit.from_numpy(good)).numpy(), np.linalg.cholesky(good), rtol=1e-5)
    try:
        import torch
    except ImportError:
        return
    with pytest.raises(RuntimeError) as error:
        torch.linalg.cholesky(torch.from_numpy(NOT_PD))
    assert str(error.value) == NOT_PD_MESSAGE


def test_numpy_backend_formats_the_order_of_one_matrix():
    from tsjit.backends.numpy import Program
    from tsjit.dialects import parse_module
    from tsjit.passes import apply_pass

    module = parse_module("""
    func.func @f(%a: !ts.tensor<[3,3], f32>) -> !ts.tensor<[3,3], f32> {
      %upper = ts.constant false
      %l = ts.linalg_cholesky %a, %upper : (!ts.tensor<[3,3], f32>, !ts.bool) -> !ts.tensor<[3,3], f32>
      func.return %l : !ts.tensor<[3,3], f32>
    }""")
    apply_pass("ts-lower-to-loops", module)
    out = np.zeros((3, 3), np.float32)
    Program(module).call("f", NOT_PD[0].copy(), out)
    np.testing.assert_allclose(out, np.linalg.cholesky(NOT_PD[0]), rtol=1e-5)
    with pytest.raises(Exception, match=r"linalg.cholesky: The factorization .* minor of order 2 is not"):
        Program(module).call("f", np.array([[1, 2, 0], [2, 1, 0], [0, 0, 1]], np.float32), out)


def test_an_exported_demo_formats_the_values():
    from tsjit.backends.c.export_files import glue_source
    from tsjit.lowering.run_time_errors import code_of

    message = "linalg.cholesky: (Batch element {0}): 100% of order {1}."
    glue = glue_source({code_of(message): RuntimeError(message)}, {code_of(message): 2})
    assert ('snprintf(ts_error_text, sizeof ts_error_text, "linalg.cholesky: (Batch element %lld): 100%% of order '
            '%lld.", (long long)tsjit_error_value(0), (long long)tsjit_error_value(1)); return ts_error_text;') in glue
