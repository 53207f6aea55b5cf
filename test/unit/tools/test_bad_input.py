"""Bad input through the tools and tsjit.load: a located error (file:line:col) or a file-level
message naming the file, exit 1, in time linear in the input; never a traceback or a hang."""
import io
import time
import zipfile

import pytest

import tsjit
from tsjit.tools import ts_opt, ts_run, ts_translate

TOOLS = {"ts-opt": ts_opt.main, "ts-run": ts_run.main, "ts-translate": lambda argv: ts_translate.main(["--emit-c", *argv])}


def run(capsys, tmp_path, text: str | bytes, *argv: str, tool: str = "ts-opt") -> tuple[int, str, str]:
    path = tmp_path / "input.mlir"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    code = TOOLS[tool]([str(path), *argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "this is a bug" not in err, err
    return code, str(path), err


@pytest.mark.parametrize("tool", sorted(TOOLS))
@pytest.mark.parametrize("text", ["%", ".", '"', "\x01", "\x7f", "}", "^bb0", "#", "!"])
def test_a_lone_character_is_a_located_error(capsys, tmp_path, text, tool):
    code, path, err = run(capsys, tmp_path, text, tool=tool)
    assert code == 1 and err.startswith(f"{path}:1:1: error: "), err
    assert "{first_char}" not in err


@pytest.mark.parametrize("tool", sorted(TOOLS))
def test_unterminated_string_fails_in_linear_time(capsys, tmp_path, tool):
    """xDSL 0.74's string rule backtracks exponentially (32 characters: minutes)."""
    start = time.perf_counter()
    code, path, err = run(capsys, tmp_path, '%x = ts.constant "' + "x" * 10_000, tool=tool)
    assert time.perf_counter() - start < 1.0
    assert code == 1 and err.startswith(f"{path}:1:18: error: End of file reached before closing string literal")


def test_load_of_an_archive_with_an_unterminated_string_fails_fast(tmp_path):
    buf = io.BytesIO()
    tsjit.jit.save(tsjit.jit.script(tsjit.nn.Linear(2, 2)), buf)
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(damaged, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            dst.writestr(name, data.replace(b"ts.get_attr", b'"' + b"x" * 10_000, 1) if name.endswith(".mlir") else data)
    path = tmp_path / "damaged.pt"
    path.write_bytes(damaged.getvalue())
    start = time.perf_counter()
    with pytest.raises(tsjit.jit.serialization.ArchiveError, match="damaged.pt.*does not parse"):
        tsjit.load(str(path))
    assert time.perf_counter() - start < 1.0


def test_garbage_that_is_not_an_archive_names_the_file(tmp_path):
    import pickle

    path = tmp_path / "garbage.pt"
    path.write_bytes(b"\x80\x02Q" + b"\x00" * 20)
    with pytest.raises(pickle.UnpicklingError, match="garbage.pt.*neither a tsjit archive nor a pickled object"):
        tsjit.load(str(path))


@pytest.mark.parametrize("text, line, col, message", [
    ("%0 = arith.constant dense<1e999> : tensor<2xf32>", 1, 28, ""),
    ('"func.func"() <{sym_name = "f", function_type = () -> ()}> : () -> ()', 1, 1, ""),
    ('%0 = "arith.addf"() : () -> f32', 1, 1, ""),
    ("func.func @f(%a: !ts.int<!ts.int>) {\n  func.return\n}", 1, 25, "invalid type !ts.int: the wrong number of parameters"),
    ("func.func @f(%a: memref<4xf32>, %b: memref<4xf32>) {\n  linalg.generic {indexing_maps = [affine_map<(d0) -> "
     "(d0)>, affine_map<(d0) -> (d0)>], iterator_types = [\"paralel\"]} ins(%a : memref<4xf32>) outs(%b : "
     "memref<4xf32>) {\n  ^bb0(%x: f32, %y: f32):\n    linalg.yield %x : f32\n  }\n  func.return\n}", 2, 119,
     "'paralel' is not a valid IteratorType"),
    ("%x = ts.constant " + "[" * 5000, 1, None, "nested too deeply"),
    ("%x = ts.constant " + "9" * 5000, 1, None, "digits"),
])  # fmt: skip
def test_malformed_ir_is_a_located_parse_error(capsys, tmp_path, text, line, col, message):
    """Out-of-range literals, missing regions or operands, bad type parameters, misspelled enums."""
    code, path, err = run(capsys, tmp_path, text)
    assert code == 1
    first = err.splitlines()[0]
    assert first.startswith(f"{path}:{line}:{col if col else ''}"), first
    assert message in first


def test_non_utf8_input_names_the_file(capsys, tmp_path):
    for tool in TOOLS:
        code, path, err = run(capsys, tmp_path, b"func.func @f() {\xff\xfe}", tool=tool)
        assert code == 1 and path in err and "UTF-8" in err, err


LOOP_USES_ITS_RESULT = """
func.func @three(%x: !ts.tensor) -> !ts.tensor {
  %n = ts.constant 3
  %t = ts.constant true
  %one = ts.constant 1
  %r = ts.loop %n, %t iter(%i, %acc = %x) : (!ts.tensor) {
    %y = ts.add %r, %i, %one : (!ts.tensor, !ts.int, !ts.int) -> !ts.tensor
    ts.condition %t, %y : !ts.tensor
  }
  func.return %r : !ts.tensor
}
"""

USE_OUTSIDE_ITS_REGION = """
func.func @f(%x: !ts.tensor) -> !ts.tensor {
  %y = ts.if %c -> (!ts.tensor) {
    %c = ts.constant true
    ts.yield %x : !ts.tensor
  } else {
    ts.yield %x : !ts.tensor
  }
  func.return %y : !ts.tensor
}
"""


@pytest.mark.parametrize("pipeline", ["", "ts-unroll-loops", "canonicalize,cse"])
def test_a_use_that_its_definition_does_not_dominate_is_rejected(capsys, tmp_path, pipeline):
    code, path, err = run(capsys, tmp_path, LOOP_USES_ITS_RESULT, *(["-p", pipeline] if pipeline else []))
    assert code == 1 and err.startswith(f"{path}:7:5: error: operand #0 of 'ts.add' does not dominate this use")
    code, path, err = run(capsys, tmp_path, USE_OUTSIDE_ITS_REGION)
    assert code == 1 and err.startswith(f"{path}:3:3: error: use of a value outside the region that defines it")


BMM = """func.func @f(%a: !ts.tensor, %b: !ts.tensor) -> !ts.tensor {
  %c = ts.bmm %a, %b : (!ts.tensor, !ts.tensor) -> !ts.tensor
  func.return %c : !ts.tensor
}
"""

MEMREF_LEVEL = """func.func @f(%a: memref<4xf32>, %b: memref<4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                  iterator_types = ["parallel"]} ins(%a : memref<4xf32>) outs(%b : memref<4xf32>) {
  ^bb0(%x: f32, %y: f32):
    linalg.yield %x : f32
  }
  func.return
}
"""

TENSOR_LEVEL_LINALG = """func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %a = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                       iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<4xf32>
  func.return %a : tensor<4xf32>
}
"""

NO_ROOT = "func.func @f(%a: !ts.tensor) -> !ts.tensor {\n  func.return %a : !ts.tensor\n}\n"


@pytest.mark.parametrize("text, pipeline, expected", [
    (BMM, "ts-specialize{shapes=2x3xf32,3x4xf32}", ":2:3: error: ts-specialize: cannot infer the result shape of "
                                                   "ts.bmm: bmm's self must be a 3-D tensor, got rank 2"),
    (BMM, "ts-specialize{shapes=2x3x4xf32}", ":1:1: error: ts-specialize: no function takes 1 tensor arguments"),
    (BMM, "ts-specialize{function=g}", ":1:1: error: ts-specialize: no function @g "
                                       "(functions: @f)"),
    (NO_ROOT, "ts-freeze", ":1:1: error: pass 'ts-freeze' failed: ts-freeze: expected one `ts.object ... {root}`"),
    (MEMREF_LEVEL, "ts-optimize-for-inference", None),
    (MEMREF_LEVEL, "ts-lower-to-loops", None),
    (MEMREF_LEVEL, "ts-contractions-to-calls", None),
    (TENSOR_LEVEL_LINALG, "ts-linalg-to-loops", None),
    (TENSOR_LEVEL_LINALG, "ts-constant-propagation,ts-constant-pooling", None),
])  # fmt: skip
def test_passes_transform_leave_alone_or_report_a_located_error(capsys, tmp_path, text, pipeline, expected):
    code, path, err = run(capsys, tmp_path, text, "-p", pipeline)
    if expected is None:
        assert code == 0, err
    else:
        assert code == 1 and err.startswith(f"{path}{expected}"), err


def test_a_run_time_failure_names_the_op_its_line_and_what_was_wrong(capsys, tmp_path):
    text = """func.func @f(%x: !ts.tensor<[2], f32>) -> !ts.tensor {
  %n = ts.constant none
  %o = ts.unchecked_cast %n : !ts.none to !ts.optional<!ts.tensor>
  %t = ts.unchecked_cast %o : !ts.optional<!ts.tensor> to !ts.tensor
  %r = ts.relu %t : (!ts.tensor) -> !ts.tensor
  func.return %r : !ts.tensor
}
"""
    rc, _, err = run(capsys, tmp_path, text, "--backend", "numpy", tool="ts-run")
    assert rc == 1 and "Traceback" not in err
    assert "input.mlir:5:3): " in err and "ts.relu" in err and "an operand is None at run time" in err


def test_a_shape_rule_given_a_run_time_value_does_not_crash_specialize(capsys, tmp_path):
    """count_nonzero's dims from an argument: the rule cannot know them; the shape stays unknown."""
    text = """func.func @f(%x: !ts.tensor, %d: !ts.list<!ts.int>) -> !ts.tensor {
  %y = ts.count_nonzero %x, %d : (!ts.tensor, !ts.list<!ts.int>) -> !ts.tensor
  func.return %y : !ts.tensor
}
"""
    rc, _, err = run(capsys, tmp_path, text, "-p", "ts-specialize{shapes=3xf32}")
    assert rc == 0, err
