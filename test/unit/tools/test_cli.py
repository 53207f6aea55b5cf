"""The conventions the ts-* tools share with MLIR's (tsjit/tools/cli.py and the tools' use of it):
usage errors are one line and exit 1, --version, one-dash long options, -o written atomically
(never replacing a device or a pipe), no traceback for an unexpected error, targets that cannot
work say what to install, `python -m tsjit`, and the py.typed marker shipped as package data."""
import os
import stat
import sys
import threading
import tomllib
from pathlib import Path

import pytest

import tsjit.__main__ as tsjit_main
from tsjit.ir.diagnostics import ToolError
from tsjit.tools import cli, targets, ts_opt, ts_run, ts_translate

ROOT = Path(__file__).parents[3]
TOOLS = {"ts-opt": ts_opt.main, "ts-run": ts_run.main, "ts-translate": ts_translate.main}
RELU = "func.func @f(%x: !ts.tensor) -> !ts.tensor {\n  %y = ts.relu %x : (!ts.tensor) -> !ts.tensor\n" \
       "  func.return %y : !ts.tensor\n}\n"


@pytest.fixture
def relu(tmp_path):
    path = tmp_path / "relu.mlir"
    path.write_text(RELU)
    return str(path)


def exit_code(call) -> int:
    try:
        return call()
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else 1


@pytest.mark.parametrize("tool, argv, message", [
    ("ts-opt", ["--no-such-flag"], "ts-opt: error: unknown option or pass '--no-such-flag'"),
    ("ts-opt", ["-t"], "ts-opt: error: argument -t/--target: expected one argument"),
    ("ts-run", ["x.mlir", "--bench", "many"], "ts-run: error: argument --bench: invalid int value: 'many'"),
    ("ts-run", ["x.mlir", "--bench", "-1"], "ts-run: error: --bench takes a count >= 0"),
    ("ts-translate", ["x.mlir"], "ts-translate: error: one of the arguments --emit-c --import-torchscript is required"),
    ("ts-translate", ["--emit-c", "x.mlir", "-o", "a.c", "--output-dir", "d"],
     "ts-translate: error: use -o FILE (model.c) or --output-dir DIR (the export), not both"),
])  # fmt: skip
def test_usage_errors_are_one_line_and_exit_1(capsys, tool, argv, message):
    assert exit_code(lambda: TOOLS[tool](argv)) == 1
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1, err


@pytest.mark.parametrize("tool", sorted(TOOLS))
def test_every_tool_prints_its_version(capsys, tool):
    assert exit_code(lambda: TOOLS[tool](["--version"])) == 0
    assert capsys.readouterr().out == f"{cli.version_text(tool)}\n"


def test_long_options_take_one_dash_as_in_llvm():
    names = {"pass-pipeline", "split-input-file", "cse"}
    argv = ["-pass-pipeline=builtin.module(cse)", "-split-input-file", "-cse", "-p", "dce", "-o", "-",
            "-pcse", "--", "-cse"]
    assert cli.one_dash_long_options(argv, names) == [
        "--pass-pipeline=builtin.module(cse)", "--split-input-file", "--cse", "-p", "dce", "-o", "-",
        "-pcse", "--", "-cse"]


def test_an_output_file_is_replaced_only_when_kept(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    target.chmod(0o640)
    with pytest.raises(RuntimeError), cli.OutputFile(str(target)):
        raise RuntimeError("the run failed")
    assert target.read_text() == "old" and os.listdir(tmp_path) == ["out.txt"]
    with cli.OutputFile(str(target)) as out:
        out.keep("new")
    assert target.read_text() == "new" and os.listdir(tmp_path) == ["out.txt"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # the replaced file's mode, not mkstemp's 0600


def test_an_output_that_is_not_a_regular_file_is_written_in_place(tmp_path):
    """Renaming over /dev/null or a pipe would replace the device; they are written to instead."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    with cli.OutputFile(str(fifo)) as out:
        out.keep(b"through the pipe")
    reader.join(5)
    assert got == [b"through the pipe"] and stat.S_ISFIFO(fifo.stat().st_mode)
    assert sorted(os.listdir(tmp_path)) == ["fifo"]


@pytest.mark.parametrize("path, message", [
    ("{tmp}/missing/out.mlir", "cannot open output file '{tmp}/missing/out.mlir': No such file or directory"),
    ("{tmp}", "cannot open output file '{tmp}': it is a directory (-o names a file)"),
])  # fmt: skip
def test_an_unusable_output_path_fails_before_the_work(tmp_path, path, message):
    with pytest.raises(ToolError) as info:
        cli.OutputFile(path.format(tmp=tmp_path))
    assert str(info.value) == message.format(tmp=tmp_path)


def test_ts_opt_keeps_its_output_file_when_the_run_fails(tmp_path, capsys, relu):
    out = tmp_path / "out.mlir"
    out.write_text("keep")
    assert ts_opt.main([relu, "-p", "ts-specialize{function=nope}", "-o", str(out)]) == 1
    assert out.read_text() == "keep"
    assert ts_opt.main([relu, "-o", str(out)]) == 0
    assert "ts.relu" in out.read_text() and sorted(os.listdir(tmp_path)) == ["out.mlir", "relu.mlir"]


def test_a_target_that_needs_a_package_says_which(monkeypatch, capsys, relu):
    def llvm():
        raise ModuleNotFoundError("No module named 'llvmlite'", name="llvmlite")

    original = ts_opt.TsOptMain.register_all_targets

    def register(self):
        original(self)
        self.available_targets["llvm"] = llvm

    monkeypatch.setattr(ts_opt.TsOptMain, "register_all_targets", register)
    assert ts_opt.main([relu, "-t", "llvm"]) == 1
    assert capsys.readouterr().err == ("ts-opt: error: target 'llvm' cannot be used here: it needs the Python "
                                       "package 'llvmlite', which is not installed (pip install llvmlite)\n")
    assert exit_code(lambda: ts_opt.main(["--help"])) == 0
    listed = capsys.readouterr().out.split("output format:")[1].split("(default mlir)")[0]
    assert "mlir" in listed and "llvm" not in listed and "mps" not in listed


def test_problem_names_what_cannot_work():
    assert targets.problem("mps", lambda: None) == targets.NOT_IMPLEMENTED["mps"]
    assert targets.problem("legacy", lambda module, stream: None) is None


@pytest.mark.parametrize("tool", ["ts-run", "ts-opt"])
def test_an_unexpected_exception_is_one_line_unless_traceback_is_asked(monkeypatch, capsys, relu, tool):
    def boom(*args, **kwargs):
        raise RuntimeError("boom\nmore")

    if tool == "ts-run":
        monkeypatch.setattr(ts_run, "build", boom)
        argv = [relu, "--shapes", "2xf32"]
    else:
        monkeypatch.setattr(ts_opt.TsOptMain, "process", boom)
        argv = [relu]
    assert TOOLS[tool](argv) == 1
    err = capsys.readouterr().err
    assert err == (f"{tool}: error: internal error: RuntimeError: boom "
                   "(this is a bug in tsjit; --traceback shows where)\n")
    assert TOOLS[tool]([*argv, "--traceback"]) == 1
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def test_python_m_tsjit_runs_each_tool(capsys, relu):
    assert tsjit_main.main(["opt", relu, "-p", "canonicalize"]) == 0
    assert "ts.relu" in capsys.readouterr().out
    assert tsjit_main.main(["run", relu, "--shapes", "2xf32"]) == 0
    assert capsys.readouterr().out.startswith("output 0: float32[2]")
    assert tsjit_main.main(["nope"]) == 1
    assert "unknown command 'nope'" in capsys.readouterr().err
    assert tsjit_main.main([]) == 1 and "usage: python -m tsjit" in capsys.readouterr().out
    assert set(tsjit_main.COMMANDS) == {"opt", "run", "translate"}


def test_py_typed_ships_with_the_package():
    """PEP 561: the marker says tsjit's annotations are for type checkers; package data installs it."""
    assert (ROOT / "tsjit" / "py.typed").is_file()
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "py.typed" in config["tool"]["setuptools"]["package-data"]["tsjit"]


def test_stdin_is_dash_for_every_tool(monkeypatch, capsys):
    import io

    for tool, argv in (("ts-opt", ["-"]), ("ts-run", ["-", "--shapes", "2xf32"]),
                       ("ts-translate", ["--emit-c", "-", "--shapes", "2xf32"])):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(RELU.encode())))
        assert TOOLS[tool](argv) == 0, capsys.readouterr().err
        assert capsys.readouterr().out
