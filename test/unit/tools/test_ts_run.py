"""ts-run in-process: the README's example on both backends, inputs, outputs, errors, bench."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tsjit.backends.c import find_compiler
from tsjit.dialects import parse_module
from tsjit.tools import ts_run

ROOT = Path(__file__).parents[3]
MLP_IR = ROOT / "examples" / "script_mlp.mlir"
needs_cc = pytest.mark.skipif(find_compiler() is None, reason="no C compiler")

FUNCS = """
func.func private @helper(%x: !ts.tensor) -> !ts.tensor {
  %r = ts.relu %x : (!ts.tensor) -> !ts.tensor
  func.return %r : !ts.tensor
}
func.func @static(%x: !ts.tensor<[2,3], f32>) -> (!ts.tensor, !ts.tensor) {
  %n = ts.neg %x : (!ts.tensor<[2,3], f32>) -> !ts.tensor
  %r = func.call @helper(%n) : (!ts.tensor) -> !ts.tensor
  func.return %n, %r : !ts.tensor, !ts.tensor
}
func.func @last(%x: !ts.tensor) -> !ts.tensor {
  func.return %x : !ts.tensor
}
"""


@pytest.fixture
def funcs(tmp_path):
    path = tmp_path / "funcs.mlir"
    path.write_text(FUNCS)
    return str(path)


def run(capsys, *argv):
    code = ts_run.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def eager_mlp(x):
    """The eager model the example IR was generated from (seed 0, as script_mlp_to_mlir.py)."""
    sys.path.insert(0, str(ROOT / "examples"))
    import tsjit as torch
    from script_mlp import MLP

    torch.manual_seed(0)
    return MLP().eval()(torch.from_numpy(x)).numpy()


@pytest.mark.parametrize("backend", ["numpy", pytest.param("c", marks=needs_cc)])
def test_readme_example_matches_the_eager_model(capsys, tmp_path, backend):
    out = tmp_path / "y.npy"
    code, _, err = run(capsys, MLP_IR, "--fn", "forward", "--shapes", "4x1x28x28xf32", "--seed", 3,
                       "--backend", backend, "--output", out)
    assert code == 0, err
    x = np.random.default_rng(3).standard_normal((4, 1, 28, 28)).astype(np.float32)
    np.testing.assert_allclose(np.load(out), eager_mlp(x), rtol=1e-4, atol=1e-5)


def test_the_example_ir_is_what_its_command_generates():
    result = subprocess.run([sys.executable, str(ROOT / "examples" / "script_mlp_to_mlir.py")],
                            capture_output=True, text=True, check=True)
    assert result.stdout == MLP_IR.read_text(), \
        "regenerate: python examples/script_mlp_to_mlir.py > examples/script_mlp.mlir"


def test_default_function_is_the_last_public_one(funcs):
    module = parse_module(FUNCS)
    assert ts_run.pick_function(module, None).sym_name.data == "last"
    assert ts_run.pick_function(module, "helper").sym_name.data == "helper"
    with pytest.raises(ts_run.DiagError, match="no function 'nope' in the module; available: helper, static, last"):
        ts_run.pick_function(module, "nope")


def test_static_types_give_the_inputs_and_calls_are_kept(capsys, funcs, tmp_path):
    code, out, err = run(capsys, funcs, "--fn", "static", "--output-dir", tmp_path / "out")
    assert code == 0, err
    x = np.random.default_rng(0).standard_normal((2, 3)).astype(np.float32)
    np.testing.assert_array_equal(np.load(tmp_path / "out" / "output_0.npy"), -x)
    np.testing.assert_array_equal(np.load(tmp_path / "out" / "output_1.npy"), np.maximum(-x, 0))
    assert "output_1.npy" in err


@needs_cc
def test_c_backend_compiles_only_what_the_function_calls(capsys, funcs, tmp_path):
    """@last is generic: lowering it would need shapes, so it is dropped before compiling @static."""
    code, out, err = run(capsys, funcs, "--fn", "static", "--backend", "c")
    assert code == 0, err
    assert out.count("output ") == 2


def test_random_inputs_follow_the_documented_distributions():
    rng = np.random.default_rng(0)
    f = ts_run.random_array("1000xf64", rng)
    i = ts_run.random_array("1000xi32", rng)
    b = ts_run.random_array("1000xi1", rng)
    assert f.dtype == np.float64 and abs(f.mean()) < 0.2 and 0.8 < f.std() < 1.2
    assert i.dtype == np.int32 and i.min() == 0 and i.max() == 9
    assert b.dtype == np.bool_ and 0 < b.sum() < 1000
    assert ts_run.random_array("f32", rng).shape == ()
    np.testing.assert_array_equal(ts_run.random_array("3xf32", np.random.default_rng(5)),
                                  np.random.default_rng(5).standard_normal(3).astype(np.float32))


def test_big_outputs_are_summarised(capsys, funcs):
    code, out, _ = run(capsys, funcs, "--fn", "last", "--shapes", "100x100xf32")
    assert code == 0
    assert out.startswith("output 0: float32[100, 100]\narray(") and "..." in out
    assert len(out.splitlines()) < 20


@pytest.mark.parametrize("argv, message", [
    (["--fn", "last"], ":11:1: error: @last does not have static argument types; give --shapes or --inputs"),
    (["--fn", "static", "--shapes", "2x4xf32"],
     ":6:1: error: input 0 is 2x4xf32 but argument 0 of @static is !ts.tensor<[2,3], f32>"),
    (["--fn", "static", "--shapes", "2x3xi64"],
     ":6:1: error: input 0 is 2x3xi64 but argument 0 of @static is !ts.tensor<[2,3], f32>"),
    (["--fn", "last", "--shapes", "2x?xf32"], "ts-run: error: --shapes: '2x?xf32' has an unknown dim"),
    (["--fn", "static", "--output", "y.npy"],
     "ts-run: error: -o takes one output, the function returns 2; use --output-dir DIR"),
    (["--fn", "last", "--inputs", "missing.npy"], "ts-run: error: cannot read input 'missing.npy'"),
])  # fmt: skip
def test_errors_are_one_line(capsys, funcs, argv, message):
    """Usage errors name the tool; errors about the IR are located at the function (file:line:col)."""
    code, out, err = run(capsys, funcs, *argv)
    assert code == 1
    assert err.strip().splitlines() == [err.strip()]
    located = not message.startswith("ts-run")
    assert err.startswith(f"{funcs}{message}" if located else message), err


def test_parse_error_is_located(capsys, tmp_path):
    bad = tmp_path / "bad.mlir"
    bad.write_text("func.func @f() {\n  %x = ts.constant\n}\n")
    code, _, err = run(capsys, bad)
    assert code == 1 and err.startswith(f"{bad}:3:1: error: ") and len(err.strip().splitlines()) == 1


def test_bench_statistics_are_ordered(monkeypatch):
    ticks = iter(range(100))
    monkeypatch.setattr(ts_run.time, "perf_counter", lambda: next(ticks) ** 2 / 1000)
    stats = ts_run.bench(lambda: None, 10, 0.0, progress=True)
    assert list(stats) == ["median", "p10", "p90", "min"]
    assert stats["min"] <= stats["p10"] <= stats["median"] <= stats["p90"]
    assert stats["min"] == pytest.approx(0.001)  # the first call took 1^2 - 0^2 ticks


def test_bench_reports(capsys, funcs):
    code, out, _ = run(capsys, funcs, "--fn", "last", "--shapes", "2xf32", "--bench", 5)
    assert code == 0
    assert out.splitlines()[-1].startswith("bench @last on numpy, 5 calls: median ")


def test_format_seconds():
    assert [ts_run.format_seconds(s) for s in (2.5, 0.0125, 3e-6, 4e-8)] == \
        ["2.500 s", "12.500 ms", "3.000 us", "40.0 ns"]


def test_o_is_the_output_file(capsys, funcs, tmp_path):
    """-o FILE takes the one output, as .npy, and is replaced only by a run that succeeds."""
    y = tmp_path / "y"
    code, _, err = run(capsys, funcs, "--fn", "last", "--shapes", "2xf32", "-o", y)
    assert code == 0 and np.load(y).shape == (2,) and f"wrote {y}" in err  # no `.npy` appended
    y.write_text("keep")
    code, _, err = run(capsys, funcs, "--fn", "static", "-o", y)
    assert code == 1 and y.read_text() == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["funcs.mlir", "y"]


def test_an_unused_self_is_dropped(capsys, tmp_path):
    """A frozen module's forward keeps `%self`, unused: ts-run runs it on the tensors alone."""
    path = tmp_path / "frozen.mlir"
    path.write_text('func.func @forward(%self: !ts.class<"__torch__.M">, %x: !ts.tensor) -> !ts.tensor {\n'
                    "  %y = ts.relu %x : (!ts.tensor) -> !ts.tensor\n  func.return %y : !ts.tensor\n}\n")
    code, out, err = run(capsys, path, "--shapes", "2xf32")
    assert code == 0, err
    assert out.startswith("output 0: float32[2]")
