"""ts-translate: the translation table, --emit-c to stdout and to a directory (built and run when a
C compiler is present), --import-torchscript through tsjit.frontend.import_graph, readable errors."""
import re
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from tsjit.backends.c import find_compiler
from tsjit.backends.numpy import Program
from tsjit.dialects import parse_module
from tsjit.tools import ts_translate
from tsjit.tools.ts_translate import TRANSLATIONS, main

CHAIN = textwrap.dedent("""
    func.func @chain(%x: !ts.tensor) -> !ts.tensor {
      %a = ts.constant 1.5
      %one = ts.constant 1
      %m = ts.mul %x, %a : (!ts.tensor, !ts.float) -> !ts.tensor
      %s = ts.add %m, %x, %one : (!ts.tensor, !ts.tensor, !ts.int) -> !ts.tensor
      %y = ts.tanh %s : (!ts.tensor) -> !ts.tensor
      func.return %y : !ts.tensor
    }
""")


@pytest.fixture
def chain(tmp_path):
    path = tmp_path / "chain.mlir"
    path.write_text(CHAIN)
    return path


def test_help_lists_every_translation(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    for flag, t in TRANSLATIONS.items():
        assert f"--{flag}" in out and t.help.split()[0] in out


def test_emit_c_to_stdout(chain, capsys):
    assert main(["--emit-c", str(chain), "--shapes", "2x5xf32"]) == 0
    source = capsys.readouterr().out
    assert "void ts_chain(" in source and "tanh" in source and "int ts_model_init(" in source


def test_emit_c_requires_static_shapes(chain, capsys):
    assert main(["--emit-c", str(chain)]) == 1
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        f"{chain}:2:1: error: @chain: argument 0 has no static shape (!ts.tensor); "
        "give --shapes (e.g. --shapes 2x3xf32) or ts-specialize it first"]


def test_emit_c_reports_a_parse_error_at_its_location(tmp_path, capsys):
    bad = tmp_path / "bad.mlir"
    bad.write_text("func.func @f() {\n  %x = ts.nope\n}\n")
    assert main(["--emit-c", str(bad)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and re.fullmatch(rf"{re.escape(str(bad))}:\d+:\d+: error: Operation ts.nope is not registered",
                                          err[0]), err


@pytest.mark.skipif(find_compiler() is None or shutil.which("make") is None, reason="no C compiler or make")
def test_emit_c_directory_builds_and_matches_the_numpy_backend(chain, tmp_path, capsys):
    out = tmp_path / "export"
    assert main(["--emit-c", str(chain), "--shapes", "3x4xf32", "--output-dir", str(out)]) == 0
    assert f"wrote {out}/" in capsys.readouterr().err
    built = subprocess.run(["make", f"CC={find_compiler()}"], cwd=out, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    x = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    x.tofile(tmp_path / "x.bin")
    ran = subprocess.run([str(out / "demo"), "-r", "1", "-o", str(tmp_path / "y"), str(tmp_path / "x.bin")],
                         capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    expected = Program(parse_module(CHAIN)).call("chain", x)
    np.testing.assert_allclose(np.fromfile(tmp_path / "y0.bin", np.float32).reshape(3, 4), expected, atol=1e-5)


def test_import_torchscript_prints_what_import_graph_returns(tmp_path, monkeypatch, capsys):
    import tsjit.frontend

    seen = {}

    def fake(text, filename=None):
        seen.update(text=text, filename=filename)
        return parse_module(CHAIN)

    monkeypatch.setattr(tsjit.frontend, "import_graph", fake, raising=False)
    graph = tmp_path / "g.txt"
    graph.write_text("graph(%x : Tensor):\n  return (%x)\n")
    assert main(["--import-torchscript", str(graph)]) == 0
    assert seen == {"text": graph.read_text(), "filename": str(graph)}
    assert "func.func @chain" in capsys.readouterr().out
    assert main(["--import-torchscript", str(graph), "-o", str(tmp_path / "g.mlir")]) == 0
    assert "func.func @chain" in (tmp_path / "g.mlir").read_text()


def test_import_torchscript_error_is_one_line(tmp_path, monkeypatch, capsys):
    import tsjit.frontend

    def failing(text, filename=None):
        raise ValueError(f"{filename}:2:3: unknown node kind 'aten::frobnicate'\n  more detail")

    monkeypatch.setattr(tsjit.frontend, "import_graph", failing, raising=False)
    graph = tmp_path / "g.txt"
    graph.write_text("graph():\n")
    assert main(["--import-torchscript", str(graph)]) == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        f"ts-translate: error: importing {graph}: ValueError: {graph}:2:3: unknown node kind 'aten::frobnicate'"]


def test_import_torchscript_of_a_real_graph(tmp_path, capsys):
    import tsjit.frontend

    if not hasattr(tsjit.frontend, "import_graph"):
        pytest.skip("tsjit.frontend.import_graph is not there yet")
    graph = tmp_path / "relu.txt"
    graph.write_text("graph(%x.1 : Tensor):\n  %y.1 : Tensor = aten::relu(%x.1)\n  return (%y.1)\n")
    assert main(["--import-torchscript", str(graph)]) == 0, capsys.readouterr().err
    assert "ts.relu" in capsys.readouterr().out


def test_console_script_runs_as_a_module(chain):
    result = subprocess.run([sys.executable, "-m", "tsjit.tools.ts_translate", "--emit-c", str(chain),
                             "--shapes", "2xf32"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "void ts_chain(" in result.stdout
    assert ts_translate.TOOL == "ts-translate"


def test_import_torchscript_prints_ir_that_parses_back(tmp_path, capsys):
    """The IR text, as ts-opt prints it; not the module's Python repr `ModuleOp(...)`."""
    graph = tmp_path / "relu.txt"
    graph.write_text("graph(%x.1 : Tensor):\n  %y.1 : Tensor = aten::relu(%x.1)\n  return (%y.1)\n")
    assert main(["--import-torchscript", str(graph)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("builtin.module {") and str(parse_module(out)) + "\n" == out


def test_emit_c_output_file_and_directory(chain, tmp_path, capsys):
    """-o is the file model.c goes to; the standalone export needs --output-dir."""
    assert main(["--emit-c", str(chain), "--shapes", "2xf32", "-o", str(tmp_path / "model.c")]) == 0
    assert "void ts_chain(" in (tmp_path / "model.c").read_text()
    assert main(["--emit-c", str(chain), "--shapes", "2xf32", "-o", str(tmp_path)]) == 1
    assert "use --output-dir DIR for the standalone C export" in capsys.readouterr().err
    assert main(["--import-torchscript", str(chain), "--output-dir", str(tmp_path / "d")]) == 1
    assert capsys.readouterr().err == "ts-translate: error: --output-dir applies to --emit-c only\n"
